#!/usr/bin/env bash
# Run the collection's main job against the simulators, end to end:
#   1. start the DocBits and Infor authorization-server simulators (hack/simulators.py: both on free
#      ports, so the demo runs beside `make simulators`, with a copy of the demo files whose pu point at
#      that Infor simulator, used through docbits_files_dir; a CA made for this run; stopped on exit),
#   2. validate every demo environment's .ionapi file and prove it gets a token from "Infor"
#      (playbooks/validate_ionapi.yml with check_token),
#   3. provision all six demo environments (playbooks/provision_ionapi.yml, check_token on): every
#      one must be created,
#   4. provision again: every one must be unchanged, else this script fails,
#   5. show what DocBits now carries (playbooks/info_ionapi.yml).
# Outcomes are read from the run summaries (ionapi-*.json written through docbits_summary_dir) and
# the simulators' statistics, never from Ansible's printed text.
#
# Needs ansible-playbook (ansible-core), and trustme on PATH's Python; the Makefile runs it with
# .venv/bin on PATH and ANSIBLE_COLLECTIONS_PATH pointing at .build/collections. Without
# ANSIBLE_COLLECTIONS_PATH, a temporary one pointing at this working tree is used.
#
# Environment: PYTHON (interpreter, default: python, else python3),
#              DEMO_KEEP=1 keeps the temporary directory (summaries, simulator output).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The demo inventory's docbits_files_dir is relative to the directory runs start in: the repo root.
cd "$repo"

inventory=inventories/demo/hosts.yml
vault_password_file=inventories/demo/vault-password.txt

heading() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

python=${PYTHON:-}
if [[ -z $python ]]; then
    if command -v python >/dev/null 2>&1; then python=python; else python=python3; fi
fi
command -v ansible-playbook >/dev/null 2>&1 || die "ansible-playbook not found on PATH (make venv, or activate .venv)"
"$python" -c 'import trustme, ansible' 2>/dev/null || die "$python lacks trustme or ansible-core (pip install -r requirements-dev.txt)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/docbits-demo.XXXXXX")
sim_pid=
cleanup() {
    local rc=$?
    if [[ -n $sim_pid ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -s $tmp/simulators.log ]]; then
        printf '\n--- last lines of the simulators output ---\n' >&2
        tail -n 20 "$tmp/simulators.log" >&2 || true
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
export ANSIBLE_RETRY_FILES_ENABLED=false
# Git does not keep file modes: the demo credentials files are meant to be 0600.
chmod 600 credentials/demo/*.ionapi

heading "Starting the DocBits and Infor authorization-server simulators (hack/simulators.py)"
"$python" hack/simulators.py --port 0 --auth-port 0 --files-copy "$tmp/credentials" --state-dir "$tmp/pki" --ready-file "$tmp/ready.json" \
    --stats-file "$tmp/stats.json" --quiet >"$tmp/simulators.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 150); do
    [[ -s $tmp/ready.json ]] && break
    kill -0 "$sim_pid" 2>/dev/null || die "the simulators exited before they were ready"
    sleep 0.1
done
[[ -s $tmp/ready.json ]] || die "the simulators were not ready within 15 seconds"
field() { "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }
url=$(field "$tmp/ready.json" docbits_url)
ca=$(field "$tmp/ready.json" ca_path)
files_dir=$(field "$tmp/ready.json" files_dir)
cat "$tmp/simulators.log"

# check_summary FILE WHAT: every environment of the inventory is in the run summary FILE, and each
# has the status WHAT ("changed" on the first run, "unchanged" on the second).
check_summary() {
    "$python" - "$1" "$2" "$expected_hosts" <<'PY'
import json, sys
path, expected, hosts = sys.argv[1], sys.argv[2], sys.argv[3].split()
rows = dict((row["environment"], row) for row in json.load(open(path))["rows"])
bad = ["%s: %s, expected %s%s" % (host, rows[host]["status"], expected, " (%s)" % rows[host]["error"] if rows[host]["error"] else "")
       for host in hosts if host in rows and rows[host]["status"] != expected]
bad += ["%s: missing from the summary" % host for host in hosts if host not in rows]
print("\n".join("  " + line for line in bad))
sys.exit(1 if bad else 0)
PY
}

expected_hosts=$(ansible-inventory -i "$inventory" --vault-password-file "$vault_password_file" --list \
    | "$python" -c 'import json, sys; print(" ".join(sorted(json.load(sys.stdin)["_meta"]["hostvars"])))')
[[ -n ${expected_hosts// /} ]] || die "no host in $inventory"
echo "environments: $expected_hosts"

playbook() {
    ansible-playbook -i "$inventory" --vault-password-file "$vault_password_file" -e "docbits_files_dir=$files_dir" "$@"
}
# Every run proves each file gets a token (then revoked) before anything reaches DocBits.
token_check=(-e docbits_check_token=true -e "docbits_ca_path=$ca")

heading "Validating every .ionapi file and proving it gets a token (playbooks/validate_ionapi.yml)"
playbook playbooks/validate_ionapi.yml "${token_check[@]}"

heading "First run: provisioning every environment (playbooks/provision_ionapi.yml)"
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" "${token_check[@]}" -e "docbits_summary_dir=$tmp/run1" \
    || die "first run: ansible-playbook failed"
check_summary "$tmp/run1/ionapi-summary.json" changed || die "first run: every environment should have changed (see above)"

heading "Second run: the same inventory again, nothing may change"
playbook playbooks/provision_ionapi.yml -e "docbits_url=$url" "${token_check[@]}" -e "docbits_summary_dir=$tmp/run2" \
    || die "second run: ansible-playbook failed"
check_summary "$tmp/run2/ionapi-summary.json" unchanged || die "second run: not idempotent (see above)"

heading "What DocBits carries now (playbooks/info_ionapi.yml)"
playbook playbooks/info_ionapi.yml -e "docbits_url=$url"

# Three runs, one token per environment each, and each token revoked with its refresh token.
kill "$sim_pid" && wait "$sim_pid" || true
sim_pid=
hosts=$(wc -w <<<"$expected_hosts")
tokens=$(field "$tmp/stats.json" token_grants)
revoked=$(field "$tmp/stats.json" revocations)
echo "authorization server: $tokens tokens issued, $revoked access and refresh tokens revoked"
[[ $tokens -eq $((3 * hosts)) && $revoked -eq $((2 * tokens)) ]] \
    || die "expected $((3 * hosts)) tokens, each revoked with its refresh token ($((6 * hosts)) revocations)"

heading "Demo passed: every file got a token, first run changed every environment, second run changed none"
