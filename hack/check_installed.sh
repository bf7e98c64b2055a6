#!/usr/bin/env bash
# Build the collection tarball, install it into an empty path and use it from there only:
# the tarball must not ship development files, ansible-doc must render every module with its
# examples, ansible-builder must find the collection's Python requirements in it, and the installed
# provision_ionapi.yml must provision a copy of the demo inventory against the DocBits simulator
# (twice: the second run changes nothing).
#
# Usage: hack/check_installed.sh <work dir>   (ansible-galaxy, ansible-doc, ansible-playbook and
# ansible-builder on PATH)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:?usage: $0 <work dir>}
die() { printf 'check_installed: %s\n' "$*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/dist" "$work/installed"
ansible-galaxy collection build "$repo" --output-path "$work/dist" >/dev/null
tarball=$(find "$work/dist" -name 'docbits-infor-*.tar.gz')
[[ -f $tarball ]] || die "no tarball built"

entries=$(tar -tzf "$tarball")
shipped=$(grep -E '(^|/)(\.venv[^/]*|__pycache__|\.pytest_cache|\.build|\.cache|output|benchmarks|hack)(/|$)|\.ionapi$|vault-password|\.pyc$' <<<"$entries" || true)
[[ -z $shipped ]] || die "the tarball ships development files: $shipped"
# Half-usable content: tests that need this repository, the demo inventory (its simulators live in tests/).
shipped=$(grep -E '^(tests|inventories/demo|credentials/demo|\.ci)(/|$)|^(Makefile|ansible\.cfg|pytest\.ini|requirements-[^/]*\.txt|CONTRIBUTING\.md)$' <<<"$entries" || true)
[[ -z $shipped ]] || die "the tarball ships content that cannot be used from it: $shipped"
grep -qx LICENSE <<<"$entries" || die "the tarball has no LICENSE"
grep -qxE 'CHANGELOG\.rst|changelogs/changelog\.yaml' <<<"$entries" || die "the tarball has no changelog"
echo "tarball: $(basename "$tarball"), $(wc -l <<<"$entries") entries with LICENSE and a changelog, no development files"

# From here on the installed copy is the only place the collection can come from.
export ANSIBLE_COLLECTIONS_PATH=$work/installed
unset PYTHONPATH
ansible-galaxy collection install -p "$work/installed" "$tarball" >/dev/null
installed=$work/installed/ansible_collections/docbits/infor
[[ -d $installed ]] || die "not installed under $installed"

modules=$(find "$installed/plugins/modules" -name '*.py' ! -name '__init__.py' -exec basename {} .py \; | sort)
[[ -n $modules ]] || die "no module installed"
for module in $modules; do
    doc=$(ANSIBLE_NOCOLOR=1 ansible-doc "docbits.infor.$module") || die "ansible-doc docbits.infor.$module failed"
    grep -q '^EXAMPLES:' <<<"$doc" || die "ansible-doc docbits.infor.$module shows no EXAMPLES"
    grep -q "$installed" <<<"$doc" || die "ansible-doc docbits.infor.$module did not read the installed copy"
    echo "ansible-doc docbits.infor.$module: rendered from the installed copy, with examples"
done

# What an execution environment build would install for the collection (meta/execution-environment.yml).
introspect=$(ansible-builder introspect --sanitize "$work/installed") || die "ansible-builder introspect failed"
grep -qE "^- '?requests[^#]*# from collection docbits\.infor" <<<"$introspect" \
    || die "ansible-builder finds no requests requirement in the installed collection: $introspect"
grep -qx 'system: \[\]' <<<"$introspect" || die "ansible-builder finds system requirements: $introspect"
echo "ansible-builder introspect: the installed collection requires requests, no system packages"

# Smoke: the installed playbook, the repository's demo inventory, the simulator on loopback.
args=(--host 127.0.0.1 --port 0 --port-file "$work/port" --quiet)
while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    line=${line//[[:space:]]/}
    [[ -n $line ]] && args+=(--api-key "$line")
done <"$repo/inventories/demo/simulator-keys.txt"
python "$repo/tests/simulator/docbits_simulator.py" "${args[@]}" >"$work/simulator.log" 2>&1 &
simulator=$!
trap 'kill "$simulator" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
    [[ -s $work/port ]] && break
    sleep 0.1
done
[[ -s $work/port ]] || die "the simulator did not start"
url=http://127.0.0.1:$(tr -d '[:space:]' <"$work/port")
# A copy of the demo inventory and its credentials, run from a project root of its own (docbits_files_dir
# is relative to it): the .ionapi files get the owner-only mode the module asks for without touching the checkout's.
project=$work/project
mkdir -p "$project/inventories" "$project/credentials"
cp -R "$repo/inventories/demo" "$project/inventories/demo"
cp -R "$repo/credentials/demo" "$project/credentials/demo"
chmod 600 "$project"/credentials/demo/*.ionapi
for run in first second; do
    (cd "$project" && ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default NO_PROXY=127.0.0.1 ansible-playbook \
        -i inventories/demo/hosts.yml --vault-password-file inventories/demo/vault-password.txt \
        "$installed/playbooks/provision_ionapi.yml" -e "docbits_url=$url") >"$work/$run.log" 2>&1 \
        || { tail -n 30 "$work/$run.log" >&2; die "the installed provision_ionapi.yml failed ($run run)"; }
done
grep -qE 'changed=[1-9]' "$work/first.log" || die "the first run changed nothing"
! grep -qE 'changed=[1-9]' "$work/second.log" || die "the second run changed something"
echo "smoke: the installed provision_ionapi.yml provisioned the demo inventory, then changed nothing"
