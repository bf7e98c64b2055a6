# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a benchmark size runs against: N generated environments (fake .ionapi files, one DocBits
organisation and API key each, an inventory) and the DocBits simulator for them, in a child process."""

import json
import subprocess
import time
import urllib.request

import yaml

# Imported for what it does: it sets the import path of builders.
from . import paths  # noqa: F401  pylint: disable=unused-import

# The tests' generator of real-shaped, deterministic, fake .ionapi contents, and the simulator's command line.
from ansible_collections.docbits.infor.tests.support import builders  # noqa: E402  pylint: disable=wrong-import-order

# The variables that point requests at a CA bundle: the runs unset them.
CA_BUNDLE_VARIABLES = builders.CA_BUNDLE_VARIABLES


class Infor:
    """The Infor authorization simulator (tests/simulator) over HTTPS, in this process, with a CA made
    for the run: the token requests of rotate_ionapi.yml (docbits_check_token) go there."""

    # Delays "for ever": the simulator counts a fault's uses down.
    ALWAYS = 10**9

    def __init__(self, directory, latency_s=0.0):
        self.pki = builders.Pki(str(directory))
        self.auth = builders.start_auth_simulator(self.pki)
        if latency_s:
            # Infor answers as late as DocBits does.
            for endpoint in ("token", "revoke"):
                self.auth.add_fault(endpoint=endpoint, delay=latency_s, times=self.ALWAYS)

    def credentials(self, tenant):
        """A file of `tenant` whose token endpoint is this simulator, which accepts it."""
        credentials = builders.make_seeded_ionapi(tenant, pu=self.auth.pu(tenant))
        self.auth.register(credentials)
        return credentials

    def stop(self):
        self.auth.stop()


def write_environments(directory, size, infor):
    """Write N .ionapi files (accepted by `infor`) and the simulator's key file; return the hosts' variables."""
    files = directory / "files"
    files.mkdir()
    hosts, key_lines = {}, []
    for index in range(1, size + 1):
        tenant = "BENCH%05d_TST" % index
        path = files / ("%s.ionapi" % tenant.lower())
        # Not the simulator's layout (indent=2): stored and local bytes differ, their JSON does not.
        path.write_text(json.dumps(infor.credentials(tenant), indent=4), encoding="utf-8")
        path.chmod(0o600)
        api_key = "dbk_" + builders.seeded_token(tenant + ":key", 40)
        org = "org-bench-%05d" % index
        key_lines.append("%s=%s" % (api_key, org))
        hosts["env%05d" % index] = {"ionapi_file": str(path), "infor_tenant": tenant, "docbits_api_key": api_key, "docbits_org_id": org}
    keys = directory / "simulator-keys.txt"
    keys.write_text("\n".join(key_lines) + "\n", encoding="utf-8")
    keys.chmod(0o600)
    return hosts, keys


def write_inventory(directory, hosts, url, ca_path):
    group_vars = {
        # The CA of the Infor simulator's certificate (DocBits is plain HTTP here).
        "docbits_ca_path": ca_path,
        "ansible_connection": "local",
        # The uri module of the plain playbook runs under this interpreter; no discovery.
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "docbits_url": url,
        "docbits_doc_type": "INVOICE",
        "docbits_export_method": "infor-idm-cloud",
        "docbits_export_title": "Infor IDM export",
    }
    document = {"all": {"children": {"docbits_environments": {"hosts": hosts, "vars": group_vars}}}}
    inventory = directory / "hosts.yml"
    inventory.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")
    return inventory


class Simulator:
    """tests/simulator/docbits_simulator.py in a child process, on a free port of 127.0.0.1."""

    def __init__(self, directory, keys_file):
        port_file = directory / "simulator.port"
        self.log = directory / "simulator.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                builders.simulator_command(port_file, "--api-key-file", str(keys_file), "--quiet"),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the simulator did not start:\n%s" % self.log.read_text(encoding="utf-8", errors="replace"))
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%d" % int(port_file.read_text(encoding="utf-8"))

    def admin(self, method, name, payload=None):
        data = json.dumps(payload).encode("utf-8") if payload is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request("%s/_sim/%s" % (self.url, name), method=method, data=data, headers={"Content-Type": "application/json"})
        # A direct connection: a proxy from the environment must not see 127.0.0.1 traffic.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
