# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The playbooks run as AWX / Automation Controller runs them, and the three ways into the collection.

AWX runs a job with ansible-runner in a private data directory: the project (a checkout of the
user's repository) in ``project/``, the inventory it imported (``ansible-inventory --list
--export`` of the inventory source) served by an executable script in ``inventory/``, the
credentials as their credential type's injectors say (``awx/credential_type_docbits_api.yml``:
environment variables), the Vault password answered at the ``--ask-vault-pass`` prompt, extra
variables, and the collection installed in the execution environment. Job slicing splits the
hosts into N slices, each an independent job. All of that is reproduced here with the collection
installed from the tarball ``ansible-galaxy collection build`` makes, against the simulators.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml

from ansible_collections.docbits.infor.tests.support.builders import start_auth_simulator
from ansible_collections.docbits.infor.tests.support.leak_forms import with_encoded_forms
from ansible_collections.docbits.infor.tests.support.docbits_lab import (
    NO_PROXY_NO_BUNDLE,
    REPO,
    RUN_TIMEOUT,
    find_leaks,
    fingerprint,
    make_random_ionapi,
    random_token,
    run_tool,
    tool,
)
from docbits_simulator import DocBitsSimulator

DEMO = REPO / "inventories" / "demo"
VAULT_PROMPT = r"^Vault password:\s*?$"
SLICES = 2
CREDENTIAL_TYPE = yaml.safe_load((REPO / "awx" / "credential_type_docbits_api.yml").read_text(encoding="utf-8"))
# AWX's credential-injected environment is the one thing a job's artifacts may repeat: keep it out.
RUNNER_OPTIONS = {"suppress_env_files": True, "quiet": True, "timeout": RUN_TIMEOUT}


def demo_api_keys():
    keys = {}
    for line in (DEMO / "simulator-keys.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            key, _sep, org = line.strip().partition("=")
            keys[key] = org
    return keys


def clean_environment(**settings):
    """The caller's environment without any Ansible setting or module fallback, plus `settings`."""
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "DOCBITS_")))
    env.update(NO_PROXY_NO_BUNDLE, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", **settings)
    return env


def run_quietly(argv, **kwargs):
    kwargs.setdefault("env", clean_environment())
    # Not the repository root, whose ansible.cfg points at the checkout's collection.
    kwargs.setdefault("cwd", str(Path(kwargs["env"].get("TMPDIR", "/tmp"))))
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False, **kwargs)
    assert completed.returncode == 0, "%s\n%s%s" % (" ".join(argv), completed.stdout, completed.stderr)
    return completed.stdout


def inject(credential_inputs):
    """The environment AWX gives a job for a credential of the DocBits API type: its injectors, rendered."""
    env = {}
    for name, template in CREDENTIAL_TYPE["injectors"]["env"].items():
        field = template.strip().strip("{}").strip()
        env[name] = credential_inputs[field]
    return env


class AwxSite:
    """The simulators, the installed collection, the project and what AWX made of its inventory."""

    def __init__(self, root, pki):
        self.root = root
        self.secrets = {}
        self.vault_password = random_token(32)
        self.remember("vault password", self.vault_password)
        self.collections = root / "ee-collections"
        self.install_collection()
        self.project = root / "project-checkout"
        shutil.copytree(REPO / "playbooks", self.project / "playbooks")
        shutil.copytree(DEMO, self.project / "inventories" / "demo", ignore=shutil.ignore_patterns("*.ionapi", "vault*"))
        self.auth = start_auth_simulator(pki)
        self.keys = self.fresh_api_keys()
        self.credentials = {}
        for org in self.keys.values():
            self.write_ionapi(org)
        self.docbits = DocBitsSimulator(api_keys=self.keys, infor_ca_path=pki.ca)
        self.url = self.docbits.start(host="127.0.0.1", port=0)
        self.ca = pki.ca
        self.hosts, self.exported = self.export_inventory()
        self.jobs = 0

    def fresh_api_keys(self):
        """Random API keys in place of the demo's (which share long runs of text a leak scan would flag)."""
        keys = {}
        for demo_key, org in demo_api_keys().items():
            key = "dbk_" + random_token(40)
            keys[key] = org
            self.remember("%s api key" % org, key)
            host_vars = self.project / "inventories" / "demo" / "host_vars" / ("%s.yml" % org)
            if host_vars.exists():
                host_vars.write_text(host_vars.read_text(encoding="utf-8").replace(demo_key, key), encoding="utf-8")
        return keys

    def remember(self, label, value):
        self.secrets[label] = value

    def install_collection(self):
        """The tarball built from this repository, installed into an empty path: the EE's collections."""
        built = self.root / "built"
        run_quietly([tool("ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(built)])
        [tarball] = list(built.glob("docbits-infor-*.tar.gz"))
        run_quietly([tool("ansible-galaxy"), "collection", "install", str(tarball), "-p", str(self.collections)])
        assert (self.collections / "ansible_collections" / "docbits" / "infor" / "roles" / "ionapi").is_dir()

    def write_ionapi(self, org):
        """A fresh file for the environment (random secrets, pu at the auth simulator), as the project holds it."""
        tenant = org.upper().replace("-", "_")
        credentials = make_random_ionapi(tenant, pu="https://127.0.0.1:%d/%s/as/" % (self.auth.port, tenant))
        self.auth.register(credentials)
        self.credentials[org] = credentials
        for key in ("cs", "sask"):
            self.remember("%s %s %s" % (org, key, credentials["ci"][-6:]), credentials[key])
        self.remember("%s saak %s" % (org, credentials["ci"][-6:]), credentials["saak"].split("#", 1)[1])
        path = self.project / "credentials" / "demo" / ("%s.ionapi" % org)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(credentials, indent=4), encoding="utf-8")
        path.chmod(0o600)
        if org == "acme-prd":
            # Production's file is Vault-encrypted, as in the demo inventory.
            run_quietly([tool("ansible-vault"), "encrypt", "--vault-password-file", str(self.vault_password_file()), str(path)])
        return credentials

    def vault_password_file(self):
        path = self.root / "vault-password"
        if not path.exists():
            path.write_text(self.vault_password + "\n", encoding="utf-8")
            path.chmod(0o600)
            # The demo's Vault file of acme-prd's API key, under this site's password.
            vault_file = self.project / "inventories" / "demo" / "host_vars" / "acme-prd" / "vault.yml"
            vault_file.write_text("vault_docbits_api_key: %s\n" % next(key for key, org in self.keys.items() if org == "acme-prd"), encoding="utf-8")
            run_quietly([tool("ansible-vault"), "encrypt", "--vault-password-file", str(path), str(vault_file)])
        return path

    def export_inventory(self):
        """What AWX stores when it imports the project's inventory source."""
        exported = json.loads(
            run_quietly(
                [
                    tool("ansible-inventory"),
                    "-i",
                    str(self.project / "inventories" / "demo" / "hosts.yml"),
                    "--list",
                    "--export",
                    "--vault-password-file",
                    str(self.vault_password_file()),
                ],
                cwd=str(self.project),
                env=clean_environment(ANSIBLE_COLLECTIONS_PATH=str(self.collections)),
            )
        )
        hosts = sorted(exported["_meta"]["hostvars"])
        # The credential serves acme-dev's key and every environment's URL: the inventory sets neither.
        del exported["_meta"]["hostvars"]["acme-dev"]["docbits_api_key"]
        exported["docbits_environments"]["vars"].pop("docbits_url")
        return hosts, exported

    def private_data_dir(self, name, hosts, hostvars=None):
        """A job's private data directory: the project, and the inventory served by a script, sliced to `hosts`
        (`hostvars`: {host: {variable: value, or None to remove it}} changed in the inventory)."""
        job = self.root / "jobs" / name
        shutil.copytree(self.project, job / "project")
        document = json.loads(json.dumps(self.exported))
        for host, changes in (hostvars or {}).items():
            variables = document["_meta"]["hostvars"][host]
            variables.update(changes)
            for variable in [variable for variable, value in changes.items() if value is None]:
                del variables[variable]
        for group in document.values():
            if isinstance(group, dict) and "hosts" in group:
                group["hosts"] = [host for host in group["hosts"] if host in hosts]
        document["_meta"]["hostvars"] = dict((host, hostvars) for host, hostvars in document["_meta"]["hostvars"].items() if host in hosts)
        script = job / "inventory" / "hosts"
        script.parent.mkdir(parents=True)
        script.write_text("#!%s\nimport json, sys\nprint(json.dumps(%r if '--list' in sys.argv else {}))\n" % (sys.executable, document), encoding="utf-8")
        script.chmod(0o700)
        return job

    def job(self, playbook, hosts=None, extravars=None, hostvars=None, env=None, **options):
        """One AWX job: ansible-runner over a fresh private data directory. Returns (runner, job directory).
        `env`: more of the job's environment (further credentials' injections, settings)."""
        self.jobs += 1
        job_dir = self.private_data_dir("%02d-%s" % (self.jobs, Path(playbook).stem), hosts or self.hosts, hostvars)
        envvars = dict(
            NO_PROXY_NO_BUNDLE,
            ANSIBLE_COLLECTIONS_PATH=str(self.collections),
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
            NO_PROXY="127.0.0.1",
            no_proxy="127.0.0.1",
            ANSIBLE_LOCAL_TEMP=str(job_dir / "tmp"),
            **dict(inject({"api_key": self.api_key("acme-dev"), "docbits_url": self.url}), **(env or {})),
        )
        runner = ansible_runner.run(
            private_data_dir=str(job_dir),
            playbook=playbook,
            envvars=envvars,
            cmdline="--ask-vault-pass",
            passwords={VAULT_PROMPT: self.vault_password},
            extravars=dict({"docbits_ca_path": self.ca}, **(extravars or {})),
            **dict(RUNNER_OPTIONS, **options),
        )
        self.assert_no_secret(runner, job_dir)
        return runner, job_dir

    def api_key(self, org):
        return next(key for key, owner in self.keys.items() if owner == org)

    def assert_no_secret(self, runner, job_dir):
        """Neither the job's events nor any artifact it left holds a secret, in any of the forms the lab knows,
        but for the one thing ansible-runner always writes: the job's environment, in artifacts/<ident>/command."""
        events = json.dumps(list(runner.events))
        [command_file] = (job_dir / "artifacts").glob("*/command")
        command = json.loads(command_file.read_text(encoding="utf-8"))
        injected = dict((name, command["env"].pop(name)) for name in CREDENTIAL_TYPE["injectors"]["env"])
        assert injected["DOCBITS_API_KEY"] == self.api_key("acme-dev"), "README's AWX section: the injected key is in artifacts/*/command"
        artifacts = json.dumps(command) + "".join(
            path.read_text(encoding="utf-8", errors="replace") for path in (job_dir / "artifacts").rglob("*") if path.is_file() and path != command_file
        )
        leaks = find_leaks(events, self.secrets) + ["%s in artifacts" % leak for leak in find_leaks(artifacts, self.secrets)]
        assert leaks == [], leaks

    def stop(self):
        self.docbits.stop()
        self.auth.stop()


@pytest.fixture(scope="module")
def awx(tmp_path_factory, pki):
    site = AwxSite(tmp_path_factory.mktemp("awx"), pki)
    yield site
    site.stop()


def read_summary(job_dir, name):
    return json.loads((job_dir / "project" / "reports" / ("ionapi-%s.json" % name)).read_text(encoding="utf-8"))


def merged(documents):
    """The slices' summaries as one: every environment once, totals added up."""
    rows = [row for document in documents for row in document["rows"] if row["status"] != "not run"]
    environments = [row["environment"] for row in rows]
    assert len(environments) == len(set(environments)), environments
    return dict((row["environment"], row) for row in rows)


def sliced_provision(awx):
    """AWX job slicing: slice k of N runs the hosts k, k+N, k+2N... as its own job, with its own summary."""
    documents = []
    for index in range(SLICES):
        runner, job_dir = awx.job(
            "playbooks/provision_ionapi.yml", hosts=awx.hosts[index::SLICES], extravars={"docbits_summary_dir": "reports", "docbits_check_token": True}
        )
        assert runner.rc == 0 and runner.status == "successful", runner.stdout.read()
        documents.append(read_summary(job_dir, "summary"))
    return merged(documents)


def test_awx_job_provisions_every_environment_then_changes_nothing_audits_and_rotates(awx):
    first = sliced_provision(awx)

    assert sorted(first) == awx.hosts
    for org, row in first.items():
        assert row["status"] == "changed" and row["fingerprint_before"] is None, row
        assert row["fingerprint_after"] == fingerprint(awx.credentials[org]), row
        assert row["token_check"] == "ok", row
        [stored] = awx.docbits.configs(org)
        assert json.loads(stored["files"]["ION_API"]) == awx.credentials[org]
    # acme-dev's key and every URL came from the credential's injected environment.
    assert any(entry["org"] == "acme-dev" for entry in awx.docbits.requests)
    writes = awx.docbits.writes

    second = sliced_provision(awx)

    assert sorted(second) == awx.hosts
    assert dict((org, row["status"]) for org, row in second.items()) == dict((org, "unchanged") for org in awx.hosts)
    assert awx.docbits.writes == writes

    rotated = awx.write_ionapi("acme-tst")
    audit, audit_dir = awx.job("playbooks/audit_ionapi.yml", extravars={"docbits_summary_dir": "reports"})

    assert audit.rc == 0, audit.stdout.read()
    rows = dict((row["environment"], row["status"]) for row in read_summary(audit_dir, "audit")["rows"])
    assert rows.pop("acme-tst") == "differs" and set(rows.values()) == {"in sync"}, rows
    assert awx.docbits.writes == writes

    rotation, rotation_dir = awx.job("playbooks/rotate_ionapi.yml", limit="acme-tst", extravars={"docbits_summary_dir": "reports"})

    assert rotation.rc == 0, rotation.stdout.read()
    [row] = [row for row in read_summary(rotation_dir, "rotation")["rows"] if row["status"] != "not run"]
    assert row["environment"] == "acme-tst" and row["status"] == "changed" and row["fingerprint_after"] == fingerprint(rotated)
    [stored] = awx.docbits.configs("acme-tst")
    assert json.loads(stored["files"]["ION_API"]) == rotated
    # The table a person reads in the job's output.
    assert ".ionapi rotation: " in rotation.stdout.read()


def test_runner_env_artifact_repeats_the_injected_key_unless_suppressed(awx):
    runner, job_dir = awx.job("playbooks/validate_ionapi.yml", hosts=["acme-tst"], suppress_env_files=False)

    assert runner.rc == 0
    written = "".join(path.read_text(encoding="utf-8") for path in (job_dir / "env").rglob("*") if path.is_file())
    # What README's AWX section warns about: without suppress_env_files, env/envvars holds the credential.
    assert awx.api_key("acme-dev") in written
    shutil.rmtree(job_dir / "env")


def user_project(awx, name, play):
    """A user's project: their deployment playbook beside the demo inventory, the collection installed."""
    directory = awx.root / "users" / name
    shutil.copytree(awx.project / "inventories", directory / "inventories")
    shutil.copytree(awx.project / "credentials", directory / "credentials")
    (directory / "deploy.yml").write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    return directory


def run_user_playbook(awx, directory, *args):
    env = clean_environment(
        ANSIBLE_COLLECTIONS_PATH=str(awx.collections),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
        ANSIBLE_LOCAL_TEMP=str(directory / "tmp"),
        ANSIBLE_HOME=str(directory / "home"),
    )
    completed = run_tool(
        [
            tool("ansible-playbook"),
            "-i",
            "inventories/demo/hosts.yml",
            "deploy.yml",
            "--vault-password-file",
            str(awx.vault_password_file()),
            "-e",
            "docbits_url=%s" % awx.url,
        ]
        + list(args),
        cwd=str(directory),
        env=env,
    )
    output = completed.stdout + completed.stderr
    assert find_leaks(output, awx.secrets) == []
    return completed.returncode, output


ROLE_PLAY = [{"name": "Deploy, then make DocBits carry the file", "hosts": "acme-dev", "gather_facts": False, "roles": [{"role": "docbits.infor.ionapi"}]}]
MODULE_PLAY = [
    {
        "name": "Deploy, then make DocBits carry the file",
        "hosts": "acme-dev",
        "gather_facts": False,
        "tasks": [
            {
                "name": "Upload the .ionapi file",
                "docbits.infor.ionapi": {
                    "src": "credentials/demo/acme-dev.ionapi",
                    "expected_tenant": "ACME_DEV",
                    "docbits_url": "{{ docbits_url }}",
                    "api_key": "{{ docbits_api_key }}",
                    "org_id": "acme-dev",
                },
                "delegate_to": "localhost",
                "register": "uploaded",
            },
            {"name": "Show the fingerprint", "ansible.builtin.debug": {"msg": "{{ uploaded.fingerprint }}"}},
        ],
    }
]
IMPORT_PLAY = [
    {"name": "Deploy the application", "hosts": "acme-dev", "gather_facts": False, "tasks": [{"name": "Deploy", "ansible.builtin.debug": {"msg": "deployed"}}]},
    {"ansible.builtin.import_playbook": "docbits.infor.provision_ionapi"},
]


@pytest.mark.parametrize("name, play", [("import_playbook", IMPORT_PLAY), ("role", ROLE_PLAY), ("module", MODULE_PLAY)])
def test_three_ways_in_from_a_users_project(awx, name, play):
    directory = user_project(awx, name, play)
    awx.docbits.reset()

    rc, output = run_user_playbook(awx, directory, "--limit", "acme-dev")

    assert rc == 0, output
    [stored] = awx.docbits.configs("acme-dev")
    assert json.loads(stored["files"]["ION_API"]) == awx.credentials["acme-dev"]

    again, output = run_user_playbook(awx, directory, "--limit", "acme-dev")

    assert again == 0 and "changed=0" in output, output


def test_role_checks_the_inventory_variables_before_anything_is_sent(awx):
    directory = user_project(awx, "role-bad-variable", ROLE_PLAY)
    awx.docbits.reset()

    rc, output = run_user_playbook(awx, directory, "--limit", "acme-dev", "-e", "docbits_export_method=infor-fax", "-e", "docbits_timeout=soon")

    assert rc == 2, output
    assert "docbits_export_method" in output and "infor-fax" in output and "docbits_timeout" in output, output
    assert awx.docbits.requests == []


# A secret store as AWX reaches it: a credential of a custom type injects the store's address into the
# job's environment, and a lookup run in the execution environment reads each file there. The stand-in
# store is a directory: ansible.builtin.file reads globex-tst's file, ansible.builtin.unvault
# globex-prd's Vault-encrypted one; neither is in the project, and the inventory names neither path.
STORE_CREDENTIAL_TYPE = {
    "inputs": {"fields": [{"id": "address", "type": "string", "label": "Store address"}]},
    "injectors": {"env": {"SECRET_STORE_ADDR": "{{ address }}"}},
}
STORE_LOOKUPS = {
    "globex-tst": "{{ lookup('ansible.builtin.file', lookup('ansible.builtin.env', 'SECRET_STORE_ADDR') ~ '/globex-tst.ionapi') }}",
    "globex-prd": "{{ lookup('ansible.builtin.unvault', lookup('ansible.builtin.env', 'SECRET_STORE_ADDR') ~ '/globex-prd.ionapi.vault') }}",
}


def test_awx_job_with_ionapi_content_from_a_store_provisions_reruns_unchanged_and_no_event_holds_a_secret(awx):
    store = awx.root / "store"
    store.mkdir()
    for org in STORE_LOOKUPS:
        awx.write_ionapi(org)
        stored = store / ("%s.ionapi" % org)
        shutil.copy(awx.project / "credentials" / "demo" / ("%s.ionapi" % org), stored)
        if org == "globex-prd":
            run_quietly(
                [tool("ansible-vault"), "encrypt", "--vault-password-file", str(awx.vault_password_file()), str(stored), "--output", str(stored) + ".vault"]
            )
            stored.unlink()
    # Every secret also in the encoded forms a job's payloads could carry it in.
    awx.secrets.update(with_encoded_forms(awx.secrets))
    hosts = sorted(STORE_LOOKUPS)
    hostvars = dict((host, {"ionapi_file": None, "ionapi_content": lookup}) for host, lookup in STORE_LOOKUPS.items())
    injected = dict((name, str(store)) for name in STORE_CREDENTIAL_TYPE["injectors"]["env"])
    # Task arguments in the job's events and output too, as a job template may ask.
    job = dict(hosts=hosts, hostvars=hostvars, env=dict(injected, ANSIBLE_DISPLAY_ARGS_TO_STDOUT="true"), verbosity=4)

    first, first_dir = awx.job("playbooks/provision_ionapi.yml", extravars={"docbits_summary_dir": "reports", "docbits_check_token": True}, **job)

    assert first.rc == 0 and first.status == "successful", first.stdout.read()
    rows = dict((row["environment"], row) for row in read_summary(first_dir, "summary")["rows"])
    for org in hosts:
        assert rows[org]["status"] in ("changed", "unchanged") and rows[org]["token_check"] == "ok", rows[org]
        assert rows[org]["fingerprint_after"] == fingerprint(awx.credentials[org]), rows[org]
        [configuration] = awx.docbits.configs(org)
        assert json.loads(configuration["files"]["ION_API"]) == awx.credentials[org]
    # The job's events carry each task's arguments: the mapping's name, never a value.
    arguments = [event["event_data"].get("task_args") for event in first.events if event["event"] == "playbook_on_task_start"]
    assert "option_variables=ionapi_option_variables" in arguments, arguments
    writes = awx.docbits.writes

    again, again_dir = awx.job("playbooks/provision_ionapi.yml", extravars={"docbits_summary_dir": "reports"}, **job)

    assert again.rc == 0, again.stdout.read()
    assert set(row["status"] for row in read_summary(again_dir, "summary")["rows"]) == {"unchanged"}
    assert awx.docbits.writes == writes

    audit, audit_dir = awx.job("playbooks/audit_ionapi.yml", extravars={"docbits_summary_dir": "reports"}, **job)

    assert audit.rc == 0, audit.stdout.read()
    assert set(row["status"] for row in read_summary(audit_dir, "audit")["rows"]) == {"in sync"}

    # Without the store's credential, the lookup finds no store: the job fails naming ionapi_content, and writes nothing.
    missing, _missing_dir = awx.job("playbooks/provision_ionapi.yml", hosts=hosts, hostvars=hostvars)

    assert missing.rc == 2, missing.stdout.read()
    output = missing.stdout.read()
    assert output.count("variable ionapi_content is set but does not resolve") >= len(hosts), output
    assert awx.docbits.writes == writes
