#!/usr/bin/env bash
# Run the collection's main job against the embedded DocBits simulator, end to end:
#   1. start tests/simulator/docbits_simulator.py on a free local port (stopped on exit),
#   2. validate every demo environment's .ionapi file offline (playbooks/validate_ionapi.yml),
#   3. provision all six demo environments (playbooks/provision_ionapi.yml): everything changes,
#   4. provision again: nothing may change (changed=0 for every host), else this script fails,
#   5. show what DocBits now carries (playbooks/info_ionapi.yml).
#
# Needs ansible-playbook (ansible-core) and the requests library on PATH's Python; the Makefile
# runs it with .venv/bin on PATH and ANSIBLE_COLLECTIONS_PATH pointing at .build/collections.
# Without ANSIBLE_COLLECTIONS_PATH, a temporary one pointing at this working tree is used.
#
# Environment: PYTHON (interpreter for the simulator, default: python, else python3),
#              DEMO_KEEP=1 keeps the temporary directory (simulator log and state, run logs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

inventory=inventories/demo/hosts.yml
vault_password_file=inventories/demo/vault-password.txt
keys_file=inventories/demo/simulator-keys.txt
simulator=tests/simulator/docbits_simulator.py

heading() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

python=${PYTHON:-}
if [[ -z $python ]]; then
    if command -v python >/dev/null 2>&1; then python=python; else python=python3; fi
fi
command -v ansible-playbook >/dev/null 2>&1 || die "ansible-playbook not found on PATH (make venv, or activate .venv)"
command -v "$python" >/dev/null 2>&1 || die "$python not found on PATH"
[[ -f $simulator ]] || die "$simulator is missing"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/docbits-demo.XXXXXX")
sim_pid=
cleanup() {
    local rc=$?
    if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -s $tmp/simulator.log ]]; then
        printf '\n--- last lines of the simulator log ---\n' >&2
        tail -n 20 "$tmp/simulator.log" >&2 || true
    fi
    if [[ ${DEMO_KEEP:-0} == 1 ]]; then
        printf 'demo: kept %s\n' "$tmp" >&2
    else
        rm -rf "$tmp"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${ANSIBLE_COLLECTIONS_PATH:-} ]]; then
    mkdir -p "$tmp/collections/ansible_collections/docbits"
    ln -s "$repo" "$tmp/collections/ansible_collections/docbits/infor"
    export ANSIBLE_COLLECTIONS_PATH=$tmp/collections
fi
# The demo reads Ansible's default output (the play recap): whatever the caller configured.
export ANSIBLE_STDOUT_CALLBACK=ansible.builtin.default
export ANSIBLE_RETRY_FILES_ENABLED=false
# Git does not keep file modes: the demo credentials files are meant to be 0600.
chmod 600 inventories/demo/files/*.ionapi

heading "Starting the DocBits simulator"
sim_args=(--host 127.0.0.1 --port 0 --port-file "$tmp/port" --state-file "$tmp/state.json")
while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    line=${line//[[:space:]]/}
    [[ -n $line ]] && sim_args+=(--api-key "$line")
done <"$keys_file"
"$python" "$simulator" "${sim_args[@]}" >"$tmp/simulator.log" 2>&1 &
sim_pid=$!

port=
for _ in $(seq 1 150); do
    if [[ -s $tmp/port ]]; then
        port=$(tr -d '[:space:]' <"$tmp/port")
        [[ $port =~ ^[0-9]+$ ]] && break
        port=
    fi
    kill -0 "$sim_pid" 2>/dev/null || die "the simulator exited before it wrote its port"
    sleep 0.1
done
[[ -n $port ]] || die "the simulator did not write its port file within 15 seconds"
url=http://127.0.0.1:$port
echo "simulator listening on $url (pid $sim_pid), $(grep -c . "$keys_file") demo organisations"

playbook() {
    ansible-playbook -i "$inventory" --vault-password-file "$vault_password_file" "$@"
}

# recap_check LOG WHAT: WHAT is "changed" (every host changed at least once) or "unchanged"
# (changed=0 everywhere); every demo host must be in the recap, none failed or unreachable.
recap_check() {
    local log=$1 what=$2
    sed -e 's/\x1b\[[0-9;]*m//g' "$log" | awk -v what="$what" -v hosts="$expected_hosts" '
        /^PLAY RECAP/ { recap = 1; next }
        recap && $2 == ":" {
            seen[$1] = 1
            for (i = 3; i <= NF; i++) { split($i, kv, "="); n[kv[1]] = kv[2] + 0 }
            if (n["failed"] || n["unreachable"]) { printf "  %s: failed=%d unreachable=%d\n", $1, n["failed"], n["unreachable"]; bad = 1 }
            if (what == "unchanged" && n["changed"] != 0) { printf "  %s: changed=%d, expected 0\n", $1, n["changed"]; bad = 1 }
            if (what == "changed" && n["changed"] == 0) { printf "  %s: changed=0, expected a change\n", $1; bad = 1 }
        }
        END {
            count = split(hosts, list, " ")
            for (i = 1; i <= count; i++) if (!(list[i] in seen)) { printf "  %s: missing from the recap\n", list[i]; bad = 1 }
            exit bad
        }'
}

expected_hosts=$(ansible-inventory -i "$inventory" --vault-password-file "$vault_password_file" \
    --graph docbits_environments | sed -n 's/^[ |]*--\([^@].*\)$/\1/p' | sort -u | tr '\n' ' ')
[[ -n ${expected_hosts// /} ]] || die "no host in group docbits_environments of $inventory"
echo "environments: $expected_hosts"

heading "Validating every .ionapi file offline (playbooks/validate_ionapi.yml)"
playbook playbooks/validate_ionapi.yml

heading "First run: provisioning every environment (playbooks/provision_ionapi.yml)"
rc=0
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" 2>&1 | tee "$tmp/run1.log" || rc=$?
recap_check "$tmp/run1.log" changed || die "first run: every environment should have changed (see above)"
[[ $rc -eq 0 ]] || die "first run: ansible-playbook exited with $rc"

heading "Second run: the same inventory again, nothing may change"
rc=0
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" 2>&1 | tee "$tmp/run2.log" || rc=$?
recap_check "$tmp/run2.log" unchanged || die "second run: not idempotent (see above)"
[[ $rc -eq 0 ]] || die "second run: ansible-playbook exited with $rc"

heading "What DocBits carries now (playbooks/info_ionapi.yml)"
playbook playbooks/info_ionapi.yml -e "docbits_url=$url"

heading "Demo passed: first run changed every environment, second run changed none"
