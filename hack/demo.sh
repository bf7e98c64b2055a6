#!/usr/bin/env bash
# Run the collection's main job against the embedded DocBits simulator, end to end:
#   1. start tests/simulator/docbits_simulator.py on a free local port, and the Infor
#      authorization-server simulator (tests/simulator/infor_auth_simulator.py) over HTTPS on
#      127.0.0.1:9031, where the demo files' pu point, with a CA made for this run (both stopped on exit),
#   2. validate every demo environment's .ionapi file and prove it gets a token from "Infor"
#      (playbooks/validate_ionapi.yml with check_token),
#   3. provision all six demo environments (playbooks/provision_ionapi.yml, check_token on): everything changes,
#   4. provision again: nothing may change (changed=0 for every host), else this script fails,
#   5. show what DocBits now carries (playbooks/info_ionapi.yml).
#
# Needs ansible-playbook and ansible-vault (ansible-core), and the requests and trustme libraries
# on PATH's Python; the Makefile runs it with .venv/bin on PATH and ANSIBLE_COLLECTIONS_PATH pointing
# at .build/collections. Without ANSIBLE_COLLECTIONS_PATH, a temporary one pointing at this working
# tree is used. Port 9031 must be free (the demo files name it).
#
# Environment: PYTHON (interpreter for the simulators, default: python, else python3),
#              DEMO_KEEP=1 keeps the temporary directory (simulator logs and state, run logs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

inventory=inventories/demo/hosts.yml
vault_password_file=inventories/demo/vault-password.txt
keys_file=inventories/demo/simulator-keys.txt
simulator=tests/simulator/docbits_simulator.py
auth_simulator=tests/simulator/infor_auth_simulator.py
# The port in the demo files' pu (https://127.0.0.1:9031/<TENANT>/as/): PingFederate's default.
auth_port=9031

heading() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

python=${PYTHON:-}
if [[ -z $python ]]; then
    if command -v python >/dev/null 2>&1; then python=python; else python=python3; fi
fi
command -v ansible-playbook >/dev/null 2>&1 || die "ansible-playbook not found on PATH (make venv, or activate .venv)"
command -v "$python" >/dev/null 2>&1 || die "$python not found on PATH"
[[ -f $simulator && -f $auth_simulator ]] || die "$simulator or $auth_simulator is missing"
"$python" -c 'import trustme' 2>/dev/null || die "$python lacks trustme (pip install -r requirements-dev.txt): the demo makes its own CA with it"
"$python" - "$auth_port" 2>/dev/null <<'PY' || die "127.0.0.1:$auth_port is in use: the demo files' pu point at https://127.0.0.1:$auth_port/; stop what listens there"
import socket, sys
with socket.socket() as probe:
    probe.bind(("127.0.0.1", int(sys.argv[1])))
PY

tmp=$(mktemp -d "${TMPDIR:-/tmp}/docbits-demo.XXXXXX")
sim_pid=
auth_pid=
cleanup() {
    local rc=$? pid log
    for pid in $sim_pid $auth_pid; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    for log in "$tmp/simulator.log" "$tmp/auth-simulator.log"; do
        if [[ $rc -ne 0 && -s $log ]]; then
            printf '\n--- last lines of %s ---\n' "${log##*/}" >&2
            tail -n 20 "$log" >&2 || true
        fi
    done
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

# wait_port PID PORT_FILE WHAT: print the port PID wrote to PORT_FILE once listening.
wait_port() {
    local pid=$1 port_file=$2 what=$3 port
    for _ in $(seq 1 150); do
        if [[ -s $port_file ]]; then
            port=$(tr -d '[:space:]' <"$port_file")
            [[ $port =~ ^[0-9]+$ ]] && { echo "$port"; return 0; }
        fi
        kill -0 "$pid" 2>/dev/null || die "$what exited before it wrote its port"
        sleep 0.1
    done
    die "$what did not write its port file within 15 seconds"
}

port=$(wait_port "$sim_pid" "$tmp/port" "the simulator")
url=http://127.0.0.1:$port
echo "simulator listening on $url (pid $sim_pid), $(grep -c . "$keys_file") demo organisations"

heading "Starting the Infor authorization-server simulator (HTTPS, a CA made for this run)"
mkdir -m 700 "$tmp/pki"
"$python" - "$tmp/pki" <<'PY'
import os, sys, trustme
ca = trustme.CA()
ca.cert_pem.write_to_path(os.path.join(sys.argv[1], "ca.pem"))
server = ca.issue_cert("127.0.0.1")
server.private_key_and_cert_chain_pem.write_to_path(os.path.join(sys.argv[1], "server.pem"))
PY
# The simulator accepts the apps and service accounts of the demo files, the Vault one decrypted
# into the temporary directory (fake credentials, removed on exit).
auth_args=(--host 127.0.0.1 --port "$auth_port" --port-file "$tmp/auth-port" --tls-cert "$tmp/pki/server.pem" --tls-key "$tmp/pki/server.pem")
for file in inventories/demo/files/*.ionapi; do
    if [[ $(head -n 1 "$file") == "\$ANSIBLE_VAULT;"* ]]; then
        (umask 077 && ansible-vault decrypt --vault-password-file "$vault_password_file" --output "$tmp/${file##*/}" "$file" >/dev/null)
        file=$tmp/${file##*/}
    fi
    auth_args+=(--register "$file")
done
"$python" "$auth_simulator" "${auth_args[@]}" >"$tmp/auth-simulator.log" 2>&1 &
auth_pid=$!
wait_port "$auth_pid" "$tmp/auth-port" "the authorization-server simulator" >/dev/null
echo "authorization server listening on https://127.0.0.1:$auth_port (pid $auth_pid), CA $tmp/pki/ca.pem"
# Every run proves each file gets a token (then revoked) before anything reaches DocBits.
token_check=(-e docbits_check_token=true -e "docbits_ca_path=$tmp/pki/ca.pem")

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

heading "Validating every .ionapi file and proving it gets a token (playbooks/validate_ionapi.yml)"
playbook playbooks/validate_ionapi.yml "${token_check[@]}"

heading "First run: provisioning every environment (playbooks/provision_ionapi.yml)"
rc=0
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" "${token_check[@]}" 2>&1 | tee "$tmp/run1.log" || rc=$?
recap_check "$tmp/run1.log" changed || die "first run: every environment should have changed (see above)"
[[ $rc -eq 0 ]] || die "first run: ansible-playbook exited with $rc"

heading "Second run: the same inventory again, nothing may change"
rc=0
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" "${token_check[@]}" 2>&1 | tee "$tmp/run2.log" || rc=$?
recap_check "$tmp/run2.log" unchanged || die "second run: not idempotent (see above)"
[[ $rc -eq 0 ]] || die "second run: ansible-playbook exited with $rc"

heading "What DocBits carries now (playbooks/info_ionapi.yml)"
playbook playbooks/info_ionapi.yml -e "docbits_url=$url"

# Three runs, one token per environment each, and each token revoked with its refresh token.
hosts=$(wc -w <<<"$expected_hosts")
tokens=$(grep -c '/as/token.oauth2 HTTP/1.1" 200' "$tmp/auth-simulator.log" || true)
revoked=$(grep -c '/as/revoke_token.oauth2 HTTP/1.1" 200' "$tmp/auth-simulator.log" || true)
echo "authorization server: $tokens tokens issued, $revoked access and refresh tokens revoked"
[[ $tokens -eq $((3 * hosts)) && $revoked -eq $((2 * tokens)) ]] \
    || die "expected $((3 * hosts)) tokens, each revoked with its refresh token ($((6 * hosts)) revocations)"

heading "Demo passed: every file got a token, first run changed every environment, second run changed none"
