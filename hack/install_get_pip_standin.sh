#!/usr/bin/env bash
# Install hack/get_pip_standin.py as ansible-test's cached get-pip script, when missing.
#
# Usage: hack/install_get_pip_standin.sh <python-with-ansible-core>
#
# The pip version (and so the cache file name) is read from the installed ansible-test,
# e.g. ~/.ansible/test/cache/get_pip_24_2.py for ansible-core 2.19.  An existing file
# (a real get-pip.py downloaded on a machine with internet access, or an earlier
# stand-in) is left untouched.
set -euo pipefail

python=${1:?usage: $0 <python>}
here=$(cd "$(dirname "$0")" && pwd)

pip_version=$("$python" - <<'PY'
import ast
import pathlib

import ansible_test

source = pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py'
for node in ast.walk(ast.parse(source.read_text())):
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'dict':
        for keyword in node.keywords:
            if keyword.arg == 'pip' and isinstance(keyword.value, ast.Constant):
                print(keyword.value.value)
                raise SystemExit(0)
raise SystemExit('cannot find the pip version ansible-test bootstraps in %s' % source)
PY
)

cache="${HOME}/.ansible/test/cache/get_pip_${pip_version//./_}.py"

if [[ -e "$cache" ]]; then
    exit 0
fi

mkdir -p "$(dirname "$cache")"
cp "$here/get_pip_standin.py" "$cache.tmp.$$"
mv "$cache.tmp.$$" "$cache"
echo "installed get-pip stand-in for pip ${pip_version}: $cache"
