# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every EXAMPLES block of the modules and the role runs as written, with the README's layout.

The project is the README's: inventories/mine/ is a copy of inventories/example/ filled in (the
simulator's URL, one key per environment in its vault.yml, tenants ACME_*), the .ionapi files in
credentials/mine/, PRD's Vault-encrypted. Examples that are tasks run in a play on the TST
environment, whose files they name; examples that are plays run as they are. DOCBITS_API_KEY is set
to a key no DocBits knows and HTTPS goes to a closed proxy, so an example that forgot docbits_url or
its key fails instead of reaching production.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess

import pytest
import yaml
from ansible.parsing.vault import VaultLib, VaultSecret
from docbits_simulator import DocBitsSimulator  # pylint: disable=import-error

from ansible_collections.docbits.infor.tests.support.builders import CA_BUNDLE_VARIABLES, PROXY_VARIABLES, start_auth_simulator
from ansible_collections.docbits.infor.tests.support.docbits_lab import REPO, find_leaks, make_random_ionapi, random_token, tool

ENVIRONMENTS = ("dev", "tst", "prd")
MODULES = ("ionapi_validate", "ionapi", "ionapi_info", "ionapi_report", "ionapi_inventory_check")


def examples_of(module):
    tree = ast.parse((REPO / "plugins" / "modules" / ("%s.py" % module)).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "EXAMPLES":
            return node.value.value
    raise AssertionError("%s has no EXAMPLES" % module)


def role_examples():
    specs = yaml.safe_load((REPO / "roles" / "ionapi" / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    return specs["argument_specs"]["main"]["examples"]


class Project:
    """The README's layout around the repository's example inventory, against the simulators."""

    def __init__(self, root, pki):
        self.root = root
        self.secrets = {}
        self.vault_password = random_token(32)
        self.secrets["vault password"] = self.vault_password
        self.password_file = root / "vault-password"
        self.password_file.write_text(self.vault_password + "\n", encoding="utf-8")
        self.auth = start_auth_simulator(pki)
        self.pki = pki
        inventory = root / "inventories" / "mine"
        shutil.copytree(REPO / "inventories" / "example", inventory)
        shutil.copytree(REPO / "credentials" / "example", root / "credentials" / "mine")
        self.keys = {}
        self.files = {}
        for env in ENVIRONMENTS:
            tenant = "ACME_%s" % env.upper()
            key = "dbk_" + random_token(40)
            self.keys[key] = "acme-%s" % env
            self.secrets["%s key" % env] = key
            credentials = make_random_ionapi(tenant, pu="https://127.0.0.1:%d/%s/as/" % (self.auth.port, tenant))
            self.auth.register(credentials)
            for name in ("cs", "sask"):
                self.secrets["%s %s" % (env, name)] = credentials[name]
            self.files[env] = credentials
            path = root / "credentials" / "mine" / ("docbits-%s.ionapi" % env)
            text = json.dumps(credentials, indent=4)
            if env == "prd":
                text = self.vault().encrypt(text).decode("utf-8")
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)
            vars_file = inventory / "group_vars" / env / "vars.yml"
            vars_file.write_text(vars_file.read_text(encoding="utf-8").replace("YOURCOMPANY_", "ACME_").replace("yourcompany-", "acme-"), encoding="utf-8")
            vault_file = inventory / "group_vars" / env / "vault.yml"
            vault_file.write_text(self.vault().encrypt("vault_docbits_api_key: %s\n" % key).decode("utf-8"), encoding="utf-8")
        self.sim = DocBitsSimulator(api_keys=self.keys, infor_ca_path=pki.ca)
        self.url = self.sim.start(host="127.0.0.1", port=0)
        defaults = inventory / "group_vars" / "docbits_environments" / "vars.yml"
        text = defaults.read_text(encoding="utf-8")
        assert "docbits_files_dir: credentials/example\n" in text and "docbits_url: https://api.docbits.com\n" in text
        defaults.write_text(
            text.replace("docbits_files_dir: credentials/example\n", "docbits_files_dir: credentials/mine\n").replace(
                "docbits_url: https://api.docbits.com\n", "docbits_url: %s\n" % self.url
            ),
            encoding="utf-8",
        )

    def vault(self):
        return VaultLib([("default", VaultSecret(self.vault_password.encode("utf-8")))])

    def stop(self):
        self.sim.stop()
        self.auth.stop()

    def run(self, name, plays):
        playbook = self.root / ("%s.yml" % name)
        playbook.write_text(yaml.safe_dump(plays, sort_keys=False), encoding="utf-8")
        env = dict((key, value) for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "DOCBITS_")))
        env.update(dict((variable, "") for variable in CA_BUNDLE_VARIABLES + PROXY_VARIABLES))
        env.update(
            ANSIBLE_COLLECTIONS_PATH=os.environ["ANSIBLE_COLLECTIONS_PATH"],
            ANSIBLE_HOME=str(self.root / "home"),
            ANSIBLE_LOCAL_TEMP=str(self.root / "tmp"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
            # The operator's environment: a CA bundle for the Infor simulator, a stray key and a dead proxy for production.
            REQUESTS_CA_BUNDLE=self.pki.ca,
            DOCBITS_API_KEY="dbk_" + random_token(40),
            HTTPS_PROXY="http://127.0.0.1:9",
            https_proxy="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1",
            no_proxy="127.0.0.1",
            ACME_PRD_IONAPI=json.dumps(self.files["prd"]),
        )
        completed = subprocess.run(
            [tool("ansible-playbook"), "-i", "inventories/mine", playbook.name, "--vault-password-file", str(self.password_file)],
            cwd=str(self.root),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        output = completed.stdout + completed.stderr
        assert find_leaks(output, self.secrets) == []
        return completed.returncode, output


@pytest.fixture
def project(tmp_path, pki):
    made = Project(tmp_path, pki)
    yield made
    made.stop()


def as_plays(examples):
    """The examples as a playbook: plays as they are, tasks in one play on the TST environment."""
    document = yaml.safe_load(examples)
    if all("hosts" in entry for entry in document):
        return document
    return [{"name": "The examples", "hosts": "docbits-tst", "gather_facts": False, "tasks": document}]


def test_every_example_runs_as_written_against_the_simulator(project):
    blocks = [(module, examples_of(module)) for module in MODULES] + [("role", role_examples())]
    for name, examples in blocks:
        rc, output = project.run(name, as_plays(examples))
        assert rc == 0, "the EXAMPLES of %s fail:\n%s" % (name, output)
        assert "failed=0" in output and "unreachable=0" in output, output
    # The provisioning examples wrote every environment's own file to its own organisation.
    for env in ENVIRONMENTS:
        stored = [json.loads(config["files"]["ION_API"]) for config in project.sim.configs("acme-%s" % env)]
        assert project.files[env] in stored, env
