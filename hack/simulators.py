# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start the DocBits simulator and the Infor authorization-server simulator for the demo inventory.

The one way to bring up what every playbook of this repository talks to, on 127.0.0.1 only, for
hack/demo.sh and for a person trying the playbooks by hand (``make simulators``):

* the DocBits simulator (tests/simulator/docbits_simulator.py) on --port (default 8765, the
  demo inventory's docbits_url), knowing the API keys of inventories/demo/simulator-keys.txt;
* the Infor authorization server (tests/simulator/infor_auth_simulator.py) over HTTPS on
  --auth-port (default 9031, where the demo files' pu point), with a CA made for this run, accepting
  the apps and service accounts of the demo .ionapi files (the Vault one decrypted in memory);
  the DocBits simulator tests connections against it too (rotate_ionapi.yml, verify_connection).

With --auth-port 0 (a free port, as hack/demo.sh does, so that it runs beside ``make simulators``),
--files-copy DIR writes the demo files there with their pu at that port. It prints the commands to
run, writes --ready-file (JSON: docbits_url, auth_url, ca_path, pid, files_dir) once
both listen, and serves until SIGINT or SIGTERM; then it writes --stats-file (JSON: requests,
writes, tokens granted, revocations) and exits. Needs trustme and ansible-core (for the Vault file)
on its Python: .venv/bin/python.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import trustme
from ansible.parsing.vault import VaultLib, VaultSecret, is_encrypted

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "simulator"))

from docbits_simulator import DocBitsSimulator  # noqa: E402  pylint: disable=wrong-import-position
from infor_auth_simulator import InforAuthSimulator  # noqa: E402  pylint: disable=wrong-import-position

DEMO = REPO / "inventories" / "demo"
DOCBITS_PORT = 8765
# PingFederate's default port, which the demo files' pu name.
AUTH_PORT = 9031


def api_keys(path):
    """KEY=ORG lines (comments and blank lines skipped)."""
    keys = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            key, _sep, org = line.partition("=")
            keys[key] = org
    return keys


def vault_of(vault_password_file):
    if not vault_password_file:
        return None
    return VaultLib([("default", VaultSecret(Path(vault_password_file).read_bytes().strip()))])


def credentials(files_dir, vault):
    """(path, encrypted, parsed) of every .ionapi file of files_dir; Vault-encrypted ones decrypted in memory."""
    found = []
    for path in sorted(Path(files_dir).glob("*.ionapi")):
        data = path.read_bytes()
        encrypted = is_encrypted(data)
        if encrypted:
            if vault is None:
                raise SystemExit("simulators: %s is Vault-encrypted: give --vault-password-file" % path)
            data = vault.decrypt(data)
        found.append((path, encrypted, json.loads(data.decode("utf-8-sig"))))
    return found


def copy_pointing_at(found, auth_url, directory, vault):
    """The files, their pu moved to the auth simulator's address (a free port), into directory; encrypted ones stay so."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    address = urlsplit(auth_url).netloc
    for path, encrypted, parsed in found:
        pu = urlsplit(parsed["pu"])
        text = json.dumps(dict(parsed, pu=urlunsplit((pu.scheme, address, pu.path, pu.query, pu.fragment))), indent=2)
        target = directory / path.name
        target.write_bytes(vault.encrypt(text) if encrypted else text.encode("utf-8"))
        target.chmod(0o600)


def start(simulator, name, option, *args, **kwargs):
    """Its URL; a port in use stops the script with what to do, not a traceback."""
    try:
        return simulator.start(*args, **kwargs)
    except OSError as exc:
        raise SystemExit(
            "simulators: cannot listen on 127.0.0.1:%s for the %s simulator (%s): is `make simulators` "
            "already running? Stop it, or pass %s 0 for a free port" % (args[1], name, exc.strerror, option)
        )


def write_json(path, document):
    """Atomically, so that a reader never sees half of it."""
    temporary = "%s.tmp" % path
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, sort_keys=True)
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Start the DocBits and Infor authorization-server simulators for the demo inventory.")
    parser.add_argument("--port", type=int, default=DOCBITS_PORT, help="DocBits simulator port (default %(default)s; 0 picks a free one)")
    parser.add_argument("--auth-port", type=int, default=AUTH_PORT, help="Infor auth simulator port (default %(default)s, the demo files' pu)")
    parser.add_argument("--keys-file", default=str(DEMO / "simulator-keys.txt"), help="KEY=ORG lines: the API keys DocBits accepts")
    parser.add_argument("--files-dir", default=str(REPO / "credentials" / "demo"), help="the .ionapi files whose apps Infor accepts")
    parser.add_argument("--vault-password-file", default=str(DEMO / "vault-password.txt"))
    parser.add_argument("--state-dir", help="where the CA goes (default: a temporary directory, removed on exit)")
    parser.add_argument("--ready-file", help="write JSON (docbits_url, auth_url, ca_path, pid) here once both listen")
    parser.add_argument("--stats-file", help="write JSON (requests, writes, token grants, revocations) here on exit")
    parser.add_argument("--quiet", action="store_true", help="print only the ready line")
    parser.add_argument("--files-copy", help="copy the .ionapi files here with pu at the Infor simulator's port (for --auth-port 0)")
    args = parser.parse_args(argv)

    keep = args.state_dir is not None
    state_dir = Path(args.state_dir or tempfile.mkdtemp(prefix="docbits-simulators."))
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    ca = trustme.CA()
    ca_path = state_dir / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server_pem = state_dir / "server.pem"
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(server_pem))

    auth = InforAuthSimulator()
    vault = vault_of(args.vault_password_file)
    found = credentials(args.files_dir, vault)
    for _path, _encrypted, file_credentials in found:
        auth.register(file_credentials)
    docbits = DocBitsSimulator(api_keys=api_keys(args.keys_file), infor_ca_path=str(ca_path))

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stopped.set())
    signal.signal(signal.SIGINT, lambda *_args: stopped.set())
    try:
        auth_url = start(auth, "Infor auth", "--auth-port", "127.0.0.1", args.auth_port, tls=(str(server_pem), str(server_pem)))
        docbits_url = start(docbits, "DocBits", "--port", "127.0.0.1", args.port)
        if args.files_copy:
            copy_pointing_at(found, auth_url, args.files_copy, vault)
        if args.ready_file:
            write_json(
                args.ready_file,
                {"docbits_url": docbits_url, "auth_url": auth_url, "ca_path": str(ca_path), "pid": os.getpid(), "files_dir": args.files_copy or args.files_dir},
            )
        print(
            "DocBits simulator: %s (%d organisations); Infor auth simulator: %s (%d apps); CA: %s"
            % (docbits_url, len(api_keys(args.keys_file)), auth_url, len(auth.apps), ca_path),
            flush=True,
        )
        if not args.quiet:
            print(USAGE % {"url": docbits_url, "ca": ca_path}, flush=True)
        stopped.wait()
    finally:
        docbits.stop()
        auth.stop()
        if args.stats_file:
            answered = [entry["path"] for entry in auth.requests if entry["status"] == 200]
            write_json(
                args.stats_file,
                {
                    "requests": len(docbits.requests),
                    "writes": docbits.writes,
                    "token_grants": sum(1 for path in answered if path.endswith("/token.oauth2")),
                    "revocations": sum(1 for path in answered if path.endswith("/revoke_token.oauth2")),
                },
            )
        if not keep:
            for path in (ca_path, server_pem):
                path.unlink()
            state_dir.rmdir()
    return 0


USAGE = """
From the repository root, in another shell (.venv/bin on PATH; the repo's ansible.cfg finds the collection):

  V="-i inventories/demo/hosts.yml --vault-password-file inventories/demo/vault-password.txt -e docbits_url=%(url)s"
  T="-e docbits_check_token=true -e docbits_ca_path=%(ca)s"
  ansible-playbook $V playbooks/validate_ionapi.yml $T
  ansible-playbook $V playbooks/provision_ionapi.yml $T --diff
  ansible-playbook $V playbooks/audit_ionapi.yml -e docbits_summary_dir=reports
  ansible-playbook $V playbooks/rotate_ionapi.yml -e docbits_ca_path=%(ca)s --limit acme-tst
  ansible-playbook $V playbooks/info_ionapi.yml

Stop with Ctrl-C."""


if __name__ == "__main__":
    sys.exit(main())
