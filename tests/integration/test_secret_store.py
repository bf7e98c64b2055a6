# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ionapi_content: the .ionapi file's text from a secret store's lookup instead of a file.

Lookups of ansible-core stand in for a store (file, env, unvault): what the collection sees is the
same, a variable whose template runs a lookup on the controller. Every run is scanned for every
secret (lab.run), here also in the forms a leak could take on its way: base64 and hex."""

from __future__ import annotations

import base64
import json
import shutil

import pytest

from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE, REPO, find_leaks, fingerprint, make_random_ionapi, run_tool, tool
from ansible_collections.docbits.infor.tests.support.leak_forms import with_encoded_forms

PROVISION = "provision_ionapi.yml"
VALIDATE = "validate_ionapi.yml"
AUDIT = "audit_ionapi.yml"
INFO = "info_ionapi.yml"
ROTATE = "rotate_ionapi.yml"
# The environment variable the env lookup reads: what a store's client would fetch.
STORE_VARIABLE = "SECRET_STORE_IONAPI_TST"


def remember_forms(lab):
    """Every secret of the lab, also in its encoded forms: lab.run then scans for those too."""
    plain = dict((label, value) for label, value in lab.secret_values.items() if not label.endswith(")"))
    lab.secret_values.update(with_encoded_forms(plain))


def from_lookup(env, kind):
    """The environment reads its file through a lookup of `kind` instead of ionapi_file."""
    path = env.vars.pop("ionapi_file")
    env.vars["ionapi_content"] = {
        "file": "{{ lookup('ansible.builtin.file', '%s') }}" % path,
        "env": "{{ lookup('ansible.builtin.env', '%s') }}" % STORE_VARIABLE,
        "unvault": "{{ lookup('ansible.builtin.unvault', '%s') }}" % path,
    }[kind]


@pytest.fixture
def store(lab_factory, pki):
    """file, env and unvault read their file through a lookup, plain through ionapi_file; Infor's token
    endpoint is the auth simulator, so rotate_ionapi.yml can prove each file."""
    lab = lab_factory({"file": "ACME_DEV", "env": "ACME_TST", "unvault": "ACME_PRD", "plain": "GLOBEX_PRD"})
    auth = lab.connect_to_infor(pki)
    lab.vault_encrypt(lab["unvault"])
    for kind in ("file", "env", "unvault"):
        from_lookup(lab[kind], kind)
    yield lab, auth
    auth.stop()


def run_env(lab):
    """The run's environment: the env lookup's value, as a store's client would have it."""
    return dict(NO_PROXY_NO_BUNDLE, **{STORE_VARIABLE: json.dumps(lab["env"].credentials, indent=4)})


def report_rows(directory, name):
    document = json.loads((directory / ("ionapi-%s.json" % name)).read_text(encoding="utf-8"))
    return dict((row["environment"], row) for row in document["rows"])


def test_the_scanner_finds_a_file_in_each_encoded_form(store):
    lab, _auth = store
    remember_forms(lab)
    text = json.dumps(lab["env"].credentials, indent=4)
    for prefix in ("", "x", "xy"):
        assert find_leaks(base64.b64encode((prefix + text).encode("utf-8")).decode("ascii"), lab.secret_values) != []
    assert find_leaks(text.encode("utf-8").hex(), lab.secret_values) != []
    assert find_leaks(json.dumps(text), lab.secret_values) != []


@pytest.mark.parametrize("result_format", ["yaml", "json"])
def test_content_from_lookups_provisions_reruns_unchanged_and_no_secret_shows_at_vvvv(store, tmp_path, result_format):
    lab, _auth = store
    remember_forms(lab)
    reports = tmp_path / "reports"
    env = dict(run_env(lab), ANSIBLE_CALLBACK_RESULT_FORMAT=result_format)

    first = lab.run(PROVISION, "-vvvv", "--diff", "-e", "docbits_summary_dir=%s" % reports, env=env)

    assert first.rc == 0, first
    first.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in lab.envs))
    rows = report_rows(reports, "summary")
    for name, environment in lab.envs.items():
        assert environment.stored_ionapi() == environment.credentials
        assert rows[name]["fingerprint_after"] == fingerprint(environment.credentials), rows[name]
    assert "<secret sha256:" in first.stdout
    writes = lab.sim.writes

    again = lab.run(PROVISION, "-vvvv", "--diff", env=env)

    assert again.rc == 0, again
    again.assert_recap(**dict((name, {"changed": 0, "failed": 0}) for name in lab.envs))
    assert lab.sim.writes == writes


def test_every_playbook_takes_ionapi_content(store, tmp_path):
    lab, auth = store
    remember_forms(lab)
    reports = tmp_path / "reports"
    env = run_env(lab)
    assert lab.run(PROVISION, env=env).rc == 0

    validation = lab.run(VALIDATE, "-vvvv", "-e", "docbits_check_token=true", "-e", "docbits_summary_dir=%s" % reports, env=env)

    assert validation.rc == 0, validation
    rows = report_rows(reports, "validation")
    for name, environment in lab.envs.items():
        assert rows[name]["desired_fingerprint"] == fingerprint(environment.credentials) and rows[name]["token_check"] == "ok", rows[name]

    info = lab.run(INFO, "-vvvv", env=env)

    assert info.rc == 0, info
    for name, environment in lab.envs.items():
        shown = info.result("ionapi_info", name)["result"]
        assert shown["fingerprint"] == fingerprint(environment.credentials) and shown["carried"] is True, shown

    # The store holds new files for env and unvault: the audit sees them, the rotation uploads them.
    for name in ("env", "unvault"):
        lab[name].write(make_random_ionapi(lab[name].tenant, pu=lab[name].credentials["pu"]))
        auth.register(lab[name].credentials)
    lab.vault_encrypt(lab["unvault"])
    remember_forms(lab)
    env = run_env(lab)
    writes = lab.sim.writes

    audit = lab.run(AUDIT, "-vvvv", "-e", "docbits_summary_dir=%s" % reports, env=env)

    assert audit.rc == 0, audit
    assert dict((name, row["status"]) for name, row in report_rows(reports, "audit").items()) == {
        "file": "in sync",
        "env": "differs",
        "unvault": "differs",
        "plain": "in sync",
    }
    assert lab.sim.writes == writes

    rotation = lab.run(ROTATE, "-vvvv", "--limit", "env,unvault", "-e", "docbits_summary_dir=%s" % reports, env=env)

    assert rotation.rc == 0, rotation
    rotation.assert_recap(env={"changed": 1, "failed": 0}, unvault={"changed": 1, "failed": 0})
    for name in ("env", "unvault"):
        assert lab[name].stored_ionapi() == lab[name].credentials
        result = rotation.result("ionapi", name)["result"]
        assert result["token_check"]["revoked"] is True and result["verification"]["connected"] is True


def test_the_shipped_module_gets_the_content_and_shows_none_of_it(lab_factory):
    """Another connection than local: the action plugin ships the module with the file's text in its arguments."""
    lab = lab_factory({"tst": "ACME_TST"}, connection="loopback")
    from_lookup(lab["tst"], "file")
    remember_forms(lab)

    run = lab.run(PROVISION, "-vvvv", "--diff")

    assert run.rc == 0, run
    assert "AnsiballZ_ionapi" in run.output
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials
    assert lab.run(PROVISION, "-vvvv").recap["tst"]["changed"] == 0


def test_the_role_checks_ionapi_content_and_shows_none_of_it(lab_factory):
    """The role's entry point: its argument check templates ionapi_content too (no_log there)."""
    lab = lab_factory({"tst": "ACME_TST"})
    from_lookup(lab["tst"], "file")
    remember_forms(lab)
    playbook = lab.directory / "role.yml"
    playbook.write_text("- hosts: docbits_environments\n  gather_facts: false\n  roles: [docbits.infor.ionapi]\n", encoding="utf-8")

    run = lab.run(playbook, "-vvvv", "--diff")

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials


MISSING = "{{ lookup('ansible.builtin.file', '/nonexistent/store/acme_tst.ionapi') }}"
BAD_CONTENT = {
    # (the variable's value, what the message says besides ionapi_content)
    "lookup fails": (MISSING, "is set but does not resolve"),
    "lookup finds nothing": ("{{ lookup('ansible.builtin.env', 'SECRET_STORE_UNSET') }}", "resolves to nothing"),
    # ansible-core 2.19 refuses to template a value to omit; 2.18 gives the omit placeholder.
    "omitted": ("{{ lookup('ansible.builtin.env', 'SECRET_STORE_UNSET') or omit }}", "resolve"),
    "none": ("{{ None }}", "resolves to nothing"),
    "a list": ("{{ [lookup('ansible.builtin.file', '%(path)s')] }}", "resolves to a list, not to text"),
    "another tenant's file": ("{{ lookup('ansible.builtin.file', '%(other)s') }}", "ionapi_content: key 'ti'"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONTENT))
def test_content_that_is_not_a_file_fails_its_environment_naming_ionapi_content(lab_factory, tmp_path, case):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    value, expected = BAD_CONTENT[case]
    path = lab["tst"].vars.pop("ionapi_file")
    lab["tst"].vars["ionapi_content"] = value % {"path": path, "other": lab["prd"].ionapi_file}
    reports = tmp_path / "reports"

    run = lab.run(PROVISION, "-vvvv", "-e", "docbits_summary_dir=%s" % reports, env={"SECRET_STORE_UNSET": ""})

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0}, prd={"changed": 1, "failed": 0})
    message = run.result("ionapi", "tst")["result"]["msg"]
    assert "ionapi_content" in message and expected in message, message
    # Never a file in its place, and never the text: the report names the variable.
    assert path not in message
    assert lab["tst"].requests() == []
    row = report_rows(reports, "summary")["tst"]
    assert row["status"] == "failed" and "ionapi_content" in row["error"] and path not in row["error"]

    validation = lab.run(VALIDATE, "--limit", "tst", env={"SECRET_STORE_UNSET": ""})

    assert validation.rc == 2, validation
    assert "ionapi_content" in validation.result("ionapi_validate", "tst")["result"]["msg"]


@pytest.mark.parametrize("playbook, module", [(PROVISION, "ionapi"), (VALIDATE, "ionapi_validate"), (INFO, "ionapi_info")])
def test_ionapi_file_and_ionapi_content_together_fail_naming_both(lab_factory, playbook, module):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    lab["tst"].vars["ionapi_content"] = "{{ lookup('ansible.builtin.file', '%s') }}" % lab["prd"].ionapi_file

    run = lab.run(playbook)

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0})
    message = run.result(module, "tst")["result"]["msg"]
    assert "variables ionapi_file and ionapi_content are set together" in message, message
    assert lab["tst"].requests() == [] and lab.sim.configs(lab["tst"].org) == []


def uncommented_example(directory):
    """inventories/example/ copied to `directory`, its commented secret_store environments uncommented."""
    shutil.copytree(REPO / "inventories" / "example", directory)
    lines = (directory / "hosts.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("        # secret_store:")
    lines[start:] = [line[:8] + line[10:] if line.startswith("        # ") else line for line in lines[start:]]
    (directory / "hosts.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory / "hosts.yml"


def test_the_example_inventory_environments_from_a_store_work_uncommented(lab_factory, tmp_path):
    """As a user would: uncomment them, put the Vault file where the unvault lookup reads it, validate."""
    lab = lab_factory({"globex-tst": "GLOBEX_TST"})
    remember_forms(lab)
    lab.vault_encrypt(lab["globex-tst"])
    inventory = uncommented_example(tmp_path / "example")
    text = inventory.read_text(encoding="utf-8")
    assert "/srv/docbits-secrets/globex-tst.ionapi" in text and "community.hashi_vault.vault_kv2_get" in text
    inventory.write_text(text.replace("/srv/docbits-secrets/globex-tst.ionapi", str(lab["globex-tst"].ionapi_file)), encoding="utf-8")
    env = lab.environment()

    inventory_listed = run_tool([tool("ansible-inventory"), "-i", str(inventory), "--list"], env=env)
    assert inventory_listed.returncode == 0, inventory_listed.stdout + inventory_listed.stderr
    listed = json.loads(inventory_listed.stdout)
    for host in ("globex-prd", "globex-tst"):
        variables = listed["_meta"]["hostvars"][host]
        # Out of the groups whose group_vars set ionapi_file: uncommented, they do not fail as "both set".
        assert "ionapi_content" in variables and "ionapi_file" not in variables, variables

    completed = run_tool(
        [
            tool("ansible-playbook"),
            "-i",
            str(inventory),
            str(REPO / "playbooks" / VALIDATE),
            "--limit",
            "globex-tst",
            "--vault-password-file",
            str(lab.vault_password_file),
            "-vvvv",
        ],
        env=env,
        cwd=str(tmp_path),
    )

    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "globex-tst                 : ok=" in output and fingerprint(lab["globex-tst"].credentials)[:19] in output, output
    assert find_leaks(output, lab.secret_values) == []
