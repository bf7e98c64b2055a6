# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operator's first day: mistakes of a whole inventory that no single environment's task sees,
and errors in the words of the inventory the user wrote. Real ansible-playbook runs against the
simulator (tests/support/docbits_lab.py)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, REPO, make_random_ionapi, run_tool, tool

DEMO_VAULT_PASSWORD = REPO / "inventories" / "demo" / "vault-password.txt"

PLAYBOOKS = ("provision_ionapi.yml", "audit_ionapi.yml", "rotate_ionapi.yml", "validate_ionapi.yml", "info_ionapi.yml", "check_contract.yml")


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_every_playbook_fails_naming_the_group_when_it_has_no_host(lab, playbook):
    # The inventory's environments sit in a group of another name: the playbooks would match nothing.
    lab.write_inventory()
    document = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    document["all"]["children"] = {"environments": document["all"]["children"]["docbits_environments"]}
    lab.write_inventory = lambda: lab.inventory.write_text(yaml.safe_dump(document), encoding="utf-8")
    run = lab.run(playbook, env=RUN_ENV)
    assert run.rc == 2, run
    assert "group docbits_environments has no host in this run" in run.output, run
    assert not lab.sim.requests


def test_a_limit_outside_the_group_fails_too(lab):
    lab.write_inventory()
    document = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    document["all"]["hosts"] = {"bastion": {"ansible_connection": "local"}}
    lab.write_inventory = lambda: lab.inventory.write_text(yaml.safe_dump(document), encoding="utf-8")
    run = lab.run("provision_ionapi.yml", "--limit", "bastion", env=RUN_ENV)
    assert run.rc == 2, run
    assert "group docbits_environments has no host in this run" in run.output and "--limit bastion" in run.output, run
    assert not lab.sim.requests


def test_environments_sharing_one_key_fail_before_any_write_and_the_others_proceed(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD", "dev": "ACME_DEV"})
    # PRD given TST's key by mistake, neither with an organisation id: both would write to TST's organisation.
    for name in ("tst", "prd"):
        lab[name].vars.pop("docbits_org_id")
    lab["prd"].vars["docbits_api_key"] = lab["tst"].api_key
    run = lab.run("provision_ionapi.yml", env=RUN_ENV)
    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0}, prd={"failed": 1, "changed": 0}, dev={"failed": 0, "changed": 1})
    tst, prd = run.result("ionapi", "tst"), run.result("ionapi", "prd")
    assert "tst writes to the same DocBits configuration as prd" in tst["result"]["msg"], run
    assert "prd writes to the same DocBits configuration as tst" in prd["result"]["msg"], run
    assert "INVOICE" in prd["result"]["msg"] and lab.url in prd["result"]["msg"]
    # prd's requests would be made as tst's organisation: there were none.
    assert not lab["tst"].requests()
    assert lab["dev"].writes()
    assert lab["dev"].stored_ionapi() == lab["dev"].credentials


def test_environments_sharing_an_organisation_id_conflict_only_on_a_shared_document_type(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    lab["prd"].vars["docbits_org_id"] = lab["tst"].org
    lab["prd"].vars["docbits_doc_type"] = "CREDIT_NOTE"
    run = lab.run("validate_ionapi.yml", env=RUN_ENV)
    assert run.rc == 0 and "same DocBits configuration" not in run.output, run
    # Rotation covers every document type: there they would overwrite each other.
    run = lab.run("rotate_ionapi.yml", env=RUN_ENV)
    assert run.rc == 2, run
    assert "document type(s) all" in run.result("ionapi", "prd")["result"]["msg"], run
    assert not lab.sim.requests or all(entry["status"] != 200 or "configure" not in entry["path"] for entry in lab.sim.requests)


def test_a_misspelt_variable_is_named_once_with_the_name_meant(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD", "dev": "ACME_DEV"})
    for name in ("tst", "prd"):
        lab[name].vars["docbits_urll"] = lab[name].vars.pop("docbits_url")
    lab["dev"].vars["ionapi_fle"] = "x.ionapi"
    run = lab.run("validate_ionapi.yml", env=RUN_ENV)
    assert run.rc == 0, run
    warning = [line for line in run.output.splitlines() if "does not read" in line]
    assert len(warning) == 1, run
    text = run.output[run.output.index("variable(s) that docbits.infor does not read") :]
    assert "docbits_urll (did you mean docbits_url?; set for prd, tst)" in " ".join(text.split()), run
    assert "ionapi_fle (did you mean ionapi_file?; set for dev)" in " ".join(text.split()), run


def test_the_default_url_is_said_in_the_result(lab, tmp_path):
    lab["tst"].vars.pop("docbits_url")
    lab["tst"].vars.update(docbits_retries=0, docbits_timeout=5)
    # Nothing listens there: the test must never reach production.
    run = lab.run("provision_ionapi.yml", "--limit", "tst", env=dict(RUN_ENV, HTTPS_PROXY="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9"))
    result = run.result("ionapi", "tst")["result"]
    assert result.get("docbits_url_default") is True, run
    assert "uses the default DocBits URL https://api.docbits.com" in run.output, run
    assert "tst: no docbits_url and no DOCBITS_URL" in " ".join(run.output.split()), run


def test_users_of_the_role_get_the_same_checks(lab):
    playbook = lab.directory / "mine.yml"
    playbook.write_text(
        "- name: Keep the .ionapi files in DocBits\n"
        "  hosts: docbits_environments\n"
        "  gather_facts: false\n"
        "  roles:\n"
        "    - role: docbits.infor.ionapi\n",
        encoding="utf-8",
    )
    for name in ("tst", "prd"):
        lab[name].vars.pop("docbits_org_id")
    lab["prd"].vars["docbits_api_key"] = lab["tst"].api_key
    lab["prd"].vars["docbits_export_titel"] = "PRD"
    run = lab.run(playbook, env=RUN_ENV)
    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0}, prd={"failed": 1, "changed": 0})
    assert "prd writes to the same DocBits configuration as tst" in run.result("ionapi", "prd")["result"]["msg"], run
    assert "docbits_export_titel (did you mean docbits_export_title?; set for prd)" in " ".join(run.output.split()), run
    assert not lab.sim.requests


INVENTORIES = REPO / "inventories"


def one_line_ionapi(tenant):
    """An .ionapi file on one line, as some editors and secret stores save it: an INI parser reads it as one host name."""
    return json.dumps(make_random_ionapi(tenant), separators=(",", ":"))


def project_with(inventory, tmp_path, misplaced=False):
    """A project holding the repository's inventory `inventory` and one-line .ionapi files where its docbits_files_dir
    points (or, misplaced, inside the inventory directory); returns (project, the files' secrets)."""
    project = tmp_path / inventory
    shutil.copytree(INVENTORIES / inventory, project / "inventories" / inventory)
    shipped = inventory_list(REPO, "inventories/%s/hosts.yml" % inventory)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    hostvars = json.loads(shipped.stdout)["_meta"]["hostvars"]
    secrets_written = {}
    for host, variables in hostvars.items():
        files_dir = variables["docbits_files_dir"]
        assert not Path(files_dir).is_absolute() and not files_dir.startswith("inventories/"), (inventory, files_dir)
        folder = project / "inventories" / inventory / "files" if misplaced else project / files_dir
        folder.mkdir(parents=True, exist_ok=True)
        text = one_line_ionapi(variables["infor_tenant"])
        data = text + "\n"
        shipped_file = REPO / files_dir / variables["ionapi_file"]
        if shipped_file.is_file() and shipped_file.read_text(encoding="utf-8").startswith("$ANSIBLE_VAULT;"):
            # Kept encrypted as the repository keeps it: Ansible decrypts it with the password it is given.
            data = vault().encrypt(data).decode("utf-8")
        (folder / variables["ionapi_file"]).write_text(data, encoding="utf-8")
        secrets_written[host] = json.loads(text)["cs"]
    return project, sorted(hostvars), secrets_written


def vault():
    password = DEMO_VAULT_PASSWORD.read_text(encoding="utf-8").strip().encode("utf-8")
    return VaultLib([("default", VaultSecret(password))])


def clean_env():
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "DOCBITS_")))
    env["ANSIBLE_COLLECTIONS_PATH"] = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
    return env


def inventory_list(project, source, *args):
    """ansible-inventory --list of source, run in project with the demo's Vault password."""
    command = [tool("ansible-inventory"), "-i", source, "--list", "--vault-password-file", str(DEMO_VAULT_PASSWORD)] + list(args)
    return run_tool(command, cwd=str(project), env=clean_env(), timeout=120)


@pytest.mark.parametrize("inventory", ["example", "demo"])
# A directory as source, as with -i; --export is what AWX imports from a project's inventory source.
@pytest.mark.parametrize("source, args", [("inventories/{name}", ()), ("inventories/{name}/", ()), ("inventories/{name}", ("--export",))])
def test_a_credentials_file_is_never_read_as_an_inventory_host(tmp_path, inventory, source, args):
    project, hosts, secrets_written = project_with(inventory, tmp_path)
    listed = inventory_list(project, source.format(name=inventory), *args)
    output = listed.stdout + listed.stderr
    assert listed.returncode == 0, output
    listing = json.loads(output[: output.rindex("}") + 1])
    assert sorted(set(host for name, group in listing.items() if name != "_meta" for host in group.get("hosts", ()))) == hosts
    assert [host for host, secret in secrets_written.items() if secret[:16] in output] == []


@pytest.mark.parametrize("inventory", ["example", "demo"])
def test_the_inventory_test_sees_a_file_kept_inside_the_inventory(tmp_path, inventory):
    # The layout the README had: the same files inside the inventory directory are read as hosts, secrets and all,
    # the Vault-encrypted one (demo's acme-prd) too.
    project, _hosts, secrets_written = project_with(inventory, tmp_path, misplaced=True)
    listed = inventory_list(project, "inventories/%s" % inventory)
    assert all(secret[:16] in listed.stdout + listed.stderr for secret in secrets_written.values())


def test_errors_name_the_inventory_variable_the_user_set(lab_factory):
    lab = lab_factory({"method": "ACME_M", "timeout": "ACME_T", "nokey": "ACME_N", "path": "ACME_P", "vault": "ACME_V", "files": "ACME_F"})
    lab["method"].vars["docbits_export_method"] = "infor-idm-clud"
    lab["timeout"].vars["docbits_timeout"] = "thirty"
    lab["nokey"].vars.pop("docbits_api_key")
    lab["path"].vars["docbits_url"] = lab.url + "/prod-api"
    # An inline !vault value, the run given no Vault password.
    secret = VaultLib([("default", VaultSecret(b"not-given-to-the-run"))]).encrypt(lab["vault"].api_key).decode("utf-8")
    lab["vault"].vars.pop("docbits_api_key")
    (lab.directory / "host_vars").mkdir()
    (lab.directory / "host_vars" / "vault.yml").write_text(
        "docbits_api_key: !vault |\n" + "".join("  %s\n" % line for line in secret.splitlines()), encoding="utf-8"
    )
    lab["files"].vars.update(ionapi_file=lab["files"].ionapi_file.name, docbits_files_dir="credentials/mine")
    run = lab.run("provision_ionapi.yml", env=RUN_ENV)
    messages = dict((host, run.result("ionapi", host)["result"]["msg"]) for host in lab.envs)
    assert "value of docbits_export_method (option export_method) must be one of" in messages["method"], run
    assert "docbits_timeout (option timeout) is of type" in messages["timeout"], run
    assert "set docbits_api_key (option api_key)" in messages["nokey"], run
    assert "docbits_url carries the path /prod-api" in messages["path"] and messages["path"].endswith("the bare %s" % lab.url), run
    assert "docbits_api_key" in messages["vault"] and "Vault" in messages["vault"] and "--ask-vault-pass" in messages["vault"], run
    assert "docbits_files_dir credentials/mine, which is relative to the directory ansible-playbook started in, %s" % lab.directory in messages["files"], run
    assert not [entry for entry in lab.sim.requests if entry["status"] == 200 and "configure" in entry["path"]]
