# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration tests' lab: a DocBits simulator on 127.0.0.1 and real ansible-playbook runs against it.

A test asks the ``lab`` fixture for a few DocBits environments (one inventory host each, with its
own DocBits organisation, API key, Infor tenant and .ionapi file of random secrets). The lab
starts an in-process simulator knowing those keys, writes the inventory, runs the repository's
playbooks as subprocesses and checks every run's output for leaked secrets.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import string
import subprocess
from pathlib import Path

import pytest
import yaml
from docbits_simulator import DocBitsSimulator  # pylint: disable=import-error

from ansible_collections.docbits.infor.plugins.module_utils.ionapi import SECRET_KEYS
from ansible_collections.docbits.infor.tests.support.builders import CA_BUNDLE_VARIABLES, PROXY_VARIABLES, make_seeded_ionapi, start_auth_simulator

REPO = Path(__file__).resolve().parents[2]
INTEGRATION_DIR = REPO / "tests" / "integration"
PLAYBOOKS = REPO / "playbooks"

TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
# A leaked fragment this long of a random secret cannot be a coincidence.
LEAK_WINDOW = 16
RUN_TIMEOUT = 180
RECAP_LINE = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+"
    r"failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.MULTILINE,
)
# Not inherited by ansible-playbook: the modules' fallbacks, and any Ansible setting (callback, result
# format, Vault password file...) but the collections path, which is passed on as given.
SCRUBBED_PREFIXES = ("DOCBITS_", "ANSIBLE_", "PYTHONPATH")
# A run's environment whatever the caller's: no proxy, and no CA bundle variable replacing the tasks' TLS settings.
NO_PROXY_NO_BUNDLE = dict((name, "") for name in CA_BUNDLE_VARIABLES + PROXY_VARIABLES)


def random_token(length):
    """`length` random characters of [A-Za-z0-9_-], as in real client ids and secrets."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _index in range(length))


def make_random_ionapi(tenant, **overrides):
    """A Backend Service download with a service account for `tenant`, with fresh random secrets."""
    return make_seeded_ionapi(tenant, seed=secrets.token_hex(16), **overrides)


def fingerprint(credentials):
    """The collection's fingerprint, computed independently: SHA-256 of the canonical JSON form.

    Deliberately not imported from plugins/module_utils: a test comparing the collection's
    fingerprint with its own would pass whatever the function did.
    """
    canonical = json.dumps(credentials, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def find_leaks(text, secret_values):
    """Descriptions of every secret (or LEAK_WINDOW-long fragment of one) found in `text`; never the value."""
    leaks = []
    for label, value in sorted(secret_values.items()):
        windows = [value[i : i + LEAK_WINDOW] for i in range(0, max(1, len(value) - LEAK_WINDOW + 1))]
        hits = [i for i, window in enumerate(windows) if window in text]
        if hits:
            leaks.append("%s (fragment at offset %d, %d fragment(s))" % (label, hits[0], len(hits)))
    return leaks


class Environment:
    """One inventory host: a DocBits organisation with its API key, and an Infor tenant with its file."""

    def __init__(self, lab, name, tenant):
        self.lab = lab
        self.name = name
        self.tenant = tenant
        self.org = "org-%s-%s" % (name, random_token(6))
        self.api_key = "dbk_" + random_token(40)
        self.ionapi_file = lab.directory / "files" / ("%s.ionapi" % tenant.lower())
        self.credentials = None
        self.vars = {
            "ionapi_file": str(self.ionapi_file),
            "infor_tenant": tenant,
            "docbits_api_key": self.api_key,
            "docbits_org_id": self.org,
            "docbits_doc_type": "INVOICE",
            "docbits_export_title": "Infor IDM export (%s)" % name,
            "docbits_export_method": "infor-idm-cloud",
            "docbits_ionapi_state": "present",
        }
        lab.remember_secret("%s api key" % name, self.api_key)
        self.write(make_random_ionapi(tenant))

    def write(self, credentials=None, text=None):
        """Write the .ionapi file (0600): `credentials` as Infor formats it, or `text` verbatim."""
        if credentials is not None:
            self.credentials = credentials
            self.lab.remember_credentials(self.name, credentials)
            # Not the layout the simulator re-serialises to (indent=2): stored bytes differ, JSON does not.
            text = json.dumps(credentials, indent=4)
        self.ionapi_file.parent.mkdir(parents=True, exist_ok=True)
        self.ionapi_file.write_text(text, encoding="utf-8")
        self.ionapi_file.chmod(0o600)

    def rotate(self):
        """New client secret and service account secret key, as after a rotation in Infor."""
        rotated = dict(self.credentials, cs=random_token(86), sask=random_token(86))
        self.write(rotated)
        return rotated

    def stored_configs(self):
        """The simulator's configurations of this environment's organisation."""
        return self.lab.sim.configs(self.org)

    def stored_ionapi(self):
        """The one stored ION API file of this organisation, parsed."""
        configs = self.stored_configs()
        assert len(configs) == 1, "%s: expected one configuration, found %d" % (self.name, len(configs))
        return json.loads(configs[0]["files"]["ION_API"])

    def requests(self):
        """The simulator's recorded requests authenticated as this organisation."""
        return [entry for entry in self.lab.sim.requests if entry["org"] == self.org]

    def writes(self):
        """Successful writes this organisation made (configure or remove answered 200)."""
        return [entry for entry in self.requests() if entry["status"] == 200 and entry["path"].endswith(("/configure_infor_export", "/remove_configuration"))]


class PlaybookRun:
    """One finished ansible-playbook run: exit code, output, recap and the recorded task results."""

    def __init__(self, args, completed, record_file):
        self.args = args
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.record_text = record_file.read_text(encoding="utf-8") if record_file.exists() else ""
        self.record = json.loads(self.record_text) if self.record_text else {"results": [], "stats": {}}
        self.recap = dict(
            (match.group("host"), dict((key, int(value)) for key, value in match.groupdict().items() if key != "host"))
            for match in RECAP_LINE.finditer(self.stdout)
        )

    def __str__(self):
        return "ansible-playbook %s -> rc %d\n--- stdout\n%s\n--- stderr\n%s" % (" ".join(self.args), self.rc, self.stdout, self.stderr)

    @property
    def output(self):
        return self.stdout + self.stderr

    def results(self, module, host=None):
        """Recorded results of the tasks running `module` (short name), optionally for one host."""
        return [entry for entry in self.record["results"] if entry["action"].rsplit(".", 1)[-1] == module and (host is None or entry["host"] == host)]

    def result(self, module, host):
        """The single result of `module` for `host`."""
        found = self.results(module, host)
        assert len(found) == 1, "expected one %s result for %s, found %d\n%s" % (module, host, len(found), self)
        return found[0]

    def changed_hosts(self):
        return sorted(host for host, counts in self.recap.items() if counts["changed"])

    def assert_recap(self, **expected):
        """Check the PLAY RECAP printed by ansible against the stats the callback recorded, then
        against `expected`: host -> dict of counters (only the counters given are compared)."""
        for host, stats in self.record["stats"].items():
            printed = self.recap.get(host)
            assert printed is not None, "%s missing from the PLAY RECAP\n%s" % (host, self)
            assert printed["changed"] == stats["changed"] and printed["failed"] == stats["failures"], (host, printed, stats)
        for host, counters in expected.items():
            for counter, value in counters.items():
                assert self.recap[host][counter] == value, "%s: %s=%s, expected %s\n%s" % (host, counter, self.recap[host][counter], value, self)


class Lab:
    """A simulator, some environments, an inventory and a way to run playbooks against them."""

    def __init__(self, directory, tenants, connection="local"):
        self.directory = directory
        self.connection = connection
        self.secret_values = {}
        self.runs = 0
        self.envs = {}
        for name, tenant in tenants.items():
            self.envs[name] = Environment(self, name, tenant)
        self.sim = DocBitsSimulator(api_keys=dict((env.api_key, env.org) for env in self.envs.values()))
        self.url = self.sim.start(host="127.0.0.1", port=0)
        for env in self.envs.values():
            env.vars["docbits_url"] = self.url
        self.inventory = directory / "hosts.yml"
        self.vault_password_file = None

    def __getitem__(self, name):
        return self.envs[name]

    def stop(self):
        self.sim.stop()

    def connect_to_infor(self, pki):
        """Every environment gets a new file that works: Infor's token endpoint is an auth simulator (HTTPS,
        pki's CA), which DocBits also tests connections against. Returns it; the caller stops it."""
        auth = start_auth_simulator(pki)
        self.sim.infor_ca_path = pki.ca
        for env in self.envs.values():
            env.write(make_random_ionapi(env.tenant, pu=auth.pu(env.tenant)))
            auth.register(env.credentials)
            env.vars.update(docbits_ca_path=pki.ca, docbits_timeout=10)
        return auth

    def remember_secret(self, label, value):
        """A value that must never appear in any output of any run of this lab."""
        self.secret_values[label] = value

    def remember_credentials(self, name, credentials):
        generation = sum(1 for label in self.secret_values if label.startswith("%s cs" % name))
        for key in SECRET_KEYS:
            value = credentials.get(key)
            if isinstance(value, str) and value:
                # saak is "<ti>#<random>": the tenant prefix is not secret, the random part is.
                self.remember_secret("%s %s #%d" % (name, key, generation), value.split("#", 1)[-1])

    def vault_encrypt(self, env):
        """Encrypt the environment's file in place with ansible-vault and a password file."""
        if self.vault_password_file is None:
            self.vault_password_file = self.directory / "vault-password.txt"
            password = random_token(32)
            self.vault_password_file.write_text(password + "\n", encoding="utf-8")
            self.vault_password_file.chmod(0o600)
            self.remember_secret("vault password", password)
        completed = subprocess.run(
            [tool("ansible-vault"), "encrypt", "--vault-password-file", str(self.vault_password_file), str(env.ionapi_file)],
            cwd=str(self.directory),
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert env.ionapi_file.read_text(encoding="utf-8").startswith("$ANSIBLE_VAULT;")

    def write_inventory(self):
        hosts = {}
        interpreter = "{{ ansible_playbook_python }}"
        for env in self.envs.values():
            host = {"ansible_connection": self.connection, "ansible_python_interpreter": interpreter}
            host.update(env.vars)
            hosts[env.name] = dict((key, value) for key, value in host.items() if value is not None)
        document = {"all": {"children": {"docbits_environments": {"hosts": hosts}}}}
        if self.connection != "local":
            # The playbooks delegate their tasks to localhost: it must use the lab's connection too.
            document["all"]["hosts"] = {"localhost": {"ansible_connection": self.connection, "ansible_python_interpreter": interpreter}}
        self.inventory.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")

    def environment(self, record_file=None):
        """The environment of ansible subprocesses: the caller's, with the collection path as given."""
        collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
        if not collections_path:
            pytest.fail("ANSIBLE_COLLECTIONS_PATH is not set: it must point at the directory holding ansible_collections/docbits/infor")
        env = dict((key, value) for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES))
        config = self.directory / "ansible.cfg"
        if not config.exists():
            config.write_text("[defaults]\n", encoding="utf-8")
        env.update(
            {
                "ANSIBLE_CONFIG": str(config),
                "ANSIBLE_COLLECTIONS_PATH": collections_path,
                "ANSIBLE_CONNECTION_PLUGINS": str(INTEGRATION_DIR / "connection_plugins"),
                "ANSIBLE_CALLBACK_PLUGINS": str(INTEGRATION_DIR / "callback_plugins"),
                "ANSIBLE_CALLBACKS_ENABLED": "record_results",
                "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.default",
                "ANSIBLE_LOCAL_TEMP": str(self.directory / "ansible-local"),
                "ANSIBLE_REMOTE_TMP": str(self.directory / "ansible-remote"),
                "ANSIBLE_HOME": str(self.directory / "ansible-home"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
        )
        if record_file is not None:
            env["DOCBITS_TEST_RESULTS"] = str(record_file)
        return env

    def run(self, playbook, *args, vault=True, env=None):
        """Run a playbook (a name under playbooks/ or a path) against the inventory; check no secret leaked.

        `vault=False` leaves out the Vault password file even when the lab has one; `env` adds
        environment variables for this run."""
        self.write_inventory()
        path = PLAYBOOKS / playbook if isinstance(playbook, str) else playbook
        assert path.is_file(), "playbook %s is missing" % path
        self.runs += 1
        record_file = self.directory / ("results-%02d.json" % self.runs)
        argv = [tool("ansible-playbook"), "-i", str(self.inventory), str(path)] + list(args)
        if vault and self.vault_password_file is not None:
            argv += ["--vault-password-file", str(self.vault_password_file)]
        completed = subprocess.run(
            argv,
            cwd=str(self.directory),
            env=dict(self.environment(record_file), **(env or {})),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        run = PlaybookRun(argv[1:], completed, record_file)
        leaks = find_leaks(run.output, self.secret_values) + ["%s in the recorded results" % leak for leak in find_leaks(run.record_text, self.secret_values)]
        assert not leaks, "secret value(s) in the output of ansible-playbook %s: %s" % (" ".join(args), "; ".join(leaks))
        assert run.rc in (0, 2), "ansible-playbook crashed\n%s" % run
        assert run.record["stats"], "no recap recorded\n%s" % run
        return run


def tool(name):
    """An Ansible command from PATH (the Makefile puts the project's virtualenv first)."""
    found = shutil.which(name)
    if found is None:
        pytest.fail("%s is not on PATH" % name)
    return found


def run_tool(command, cwd=None, env=None, timeout=RUN_TIMEOUT):
    """A command run to its end without input, its output captured as text; the caller judges the exit code."""
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def build_collection(source, output):
    """The tarball `ansible-galaxy collection build` makes of the collection at source, in output."""
    built = run_tool([tool("ansible-galaxy"), "collection", "build", str(source), "--output-path", str(output)])
    assert built.returncode == 0, built.stdout + built.stderr
    return next(Path(output).glob("docbits-infor-*.tar.gz"))
