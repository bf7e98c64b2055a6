#!/usr/bin/env bash
# Print the path of a working Python X.Y interpreter, looked for the way a user's machine
# offers one:
#   1. the interpreter given as second argument (the Makefile passes PYTHON_312= etc.);
#   2. pythonX.Y on the PATH, if it really runs (a pyenv shim refuses while the global
#      version is another one: "pyenv: python3.12: command not found");
#   3. pyenv's newest X.Y.* install, `pyenv root`/versions/X.Y.*/bin/pythonX.Y (without pyenv
#      on the PATH: $PYENV_ROOT, else ~/.pyenv).
# Each candidate must run and report version X.Y.  Exits 1 with the places looked at when
# none does: a leg of the matrix fails rather than being skipped.
#
# Usage: hack/find_python.sh 3.12 [interpreter]
set -euo pipefail

version=${1:?usage: $0 X.Y [interpreter]}
given=${2:-}
tried=()

# Prints the interpreter's own path (not a shim's) and succeeds when the candidate runs
# and is Python $version.
try() {
    local candidate=$1 found
    found=$("$candidate" -c 'import sys; print("%d.%d %s" % (sys.version_info[0], sys.version_info[1], sys.executable))' \
        2>/dev/null) || found=
    tried+=("$candidate${found:+ (Python ${found%% *})}")
    if [[ "${found%% *}" == "$version" ]]; then
        echo "${found#* }"
        return 0
    fi
    return 1
}

if [[ -n "$given" ]]; then
    # An explicit choice is not second-guessed by a fallback.
    if try "$given"; then exit 0; fi
    echo "find_python: PYTHON_${version//./}=$given is not a working Python $version" >&2
    exit 1
fi

if command -v "python$version" >/dev/null && try "python$version"; then exit 0; fi

# pyenv's own root, or its default place when pyenv is not on this PATH (a CI job's).
root=
if command -v pyenv >/dev/null; then
    root=$(pyenv root)
elif [[ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]]; then
    root=${PYENV_ROOT:-$HOME/.pyenv}
fi
if [[ -n "$root" ]]; then
    # Newest patch release first (3.12.10 before 3.12.9).
    while IFS= read -r candidate; do
        if try "$candidate"; then exit 0; fi
    done < <(compgen -G "$root/versions/$version.*/bin/python$version" | sort -V -r)
fi

echo "find_python: no working Python $version (tried: ${tried[*]:-nothing}); install it" \
     "(e.g. pyenv install $version) or set PYTHON_${version//./}=/path/to/python$version" >&2
exit 1
