# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/provision_ionapi.yml against the DocBits simulator: upload, idempotency, check mode,
rotation, removal, Vault, and the module shipped to a (loopback) target by AnsiballZ."""

from __future__ import annotations

import json

from ansible_collections.docbits.infor.tests.support.docbits_lab import fingerprint, make_random_ionapi

PROVISION = "provision_ionapi.yml"
READS = ("/configurations/get_configurations", "/configurations/download/")


def assert_carries(env, config_id=None):
    """The environment's organisation holds exactly one Infor export, with the inventory's attributes and file."""
    configs = env.stored_configs()
    assert len(configs) == 1, "%s: %d configurations in org %s" % (env.name, len(configs), env.org)
    config = configs[0]
    assert config["title"] == env.vars["docbits_export_title"]
    assert config["doc_type"] == env.vars["docbits_doc_type"]
    assert config["export_method"] == env.vars["docbits_export_method"]
    assert config["sub_org_id"] is None
    assert config["is_active"] is True
    assert json.loads(config["files"]["ION_API"]) == env.credentials
    if config_id is not None:
        assert config["id"] == config_id
    return config


def assert_read_only(requests):
    """Only list and download requests (no write was even attempted)."""
    assert requests, "no request reached the simulator"
    assert all(entry["path"].startswith(READS) for entry in requests), [(e["method"], e["path"]) for e in requests]


def test_first_upload_creates_one_configuration_per_organisation(lab):
    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    assert lab.sim.writes == 2
    for env in lab.envs.values():
        config = assert_carries(env)
        assert len(env.writes()) == 1
        result = run.result("ionapi", env.name)
        assert result["status"] == "changed"
        assert result["result"]["action"] == "create"
        assert result["result"]["changes"] == ["configuration"]
        assert result["result"]["config_id"] == config["id"]
        assert result["result"]["fingerprint"] == fingerprint(env.credentials)
        assert result["result"]["previous_fingerprint"] is None
        assert result["result"]["tenant"] == env.tenant
        assert "changed: [%s -> localhost]" % env.name in run.stdout


def test_rerun_changes_nothing(lab):
    first = lab.run(PROVISION)
    assert first.rc == 0, first
    ids = dict((env.name, assert_carries(env)["id"]) for env in lab.envs.values())
    writes = lab.sim.writes
    lab.sim.reset_stats()

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert run.changed_hosts() == []
    assert lab.sim.writes == 0, "a re-run wrote %d time(s) (first run: %d)" % (lab.sim.writes, writes)
    assert_read_only(lab.sim.requests)
    for env in lab.envs.values():
        assert_carries(env, ids[env.name])
        result = run.result("ionapi", env.name)["result"]
        # The simulator re-serialises stored files: equal as JSON, not as bytes.
        assert env.stored_configs()[0]["files"]["ION_API"] != env.ionapi_file.read_bytes()
        assert result["action"] == "none" and result["changes"] == []
        assert result["previous_fingerprint"] == result["fingerprint"] == fingerprint(env.credentials)


def test_existing_configurations_updated_in_place_others_untouched(lab):
    tst, prd = lab["tst"], lab["prd"]
    stale = make_random_ionapi("ACME_TST")
    lab.remember_credentials("tst-stale", stale)
    owned = lab.sim.seed(tst.org, {"title": "Old title", "doc_type": "INVOICE", "export_method": "infor-ion-cloud", "files": {"ION_API": stale}})
    lab.sim.seed(tst.org, {"title": "Orders", "doc_type": "ORDER", "export_method": "infor-idm-cloud", "files": {"ION_API": stale}})
    lab.sim.seed(tst.org, {"title": "Hook", "doc_type": "INVOICE", "export_method": "webhook", "export_url": "https://hooks.example.com/x"})
    # prd manages the Infor export of sub-organisation 7; the organisation's own one is not its business.
    prd.vars["docbits_sub_org_id"] = "7"
    lab.sim.seed(prd.org, {"title": "Org level", "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": stale}})
    untouched = dict((config["id"], config) for env in (tst, prd) for config in env.stored_configs() if config["id"] != owned)

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    assert lab.sim.writes == 2
    result = run.result("ionapi", "tst")["result"]
    assert result["action"] == "update" and result["config_id"] == owned
    assert sorted(result["changes"]) == ["export_method", "ion_api", "title"]
    assert result["previous_fingerprint"] == fingerprint(stale)
    updated = lab.sim.get_config(owned)
    assert (updated["title"], updated["export_method"]) == (tst.vars["docbits_export_title"], tst.vars["docbits_export_method"])
    assert json.loads(updated["files"]["ION_API"]) == tst.credentials
    created = [config for config in prd.stored_configs() if config["id"] not in untouched]
    assert len(created) == 1 and str(created[0]["sub_org_id"]) == "7"
    assert json.loads(created[0]["files"]["ION_API"]) == prd.credentials
    for config_id, config in untouched.items():
        assert lab.sim.get_config(config_id) == config
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    again.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0


def test_check_mode_predicts_without_writing(lab):
    fresh = lab.run(PROVISION, "--check")

    assert fresh.rc == 0, fresh
    fresh.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    assert lab.sim.writes == 0
    assert_read_only(lab.sim.requests)
    for env in lab.envs.values():
        assert not env.stored_configs()
        result = fresh.result("ionapi", env.name)["result"]
        assert result["action"] == "create" and result["config_id"] is None

    assert lab.run(PROVISION).rc == 0
    lab.sim.reset_stats()

    after = lab.run(PROVISION, "--check")

    assert after.rc == 0, after
    after.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0
    for env in lab.envs.values():
        assert_carries(env)


def test_rotated_secret_updates_only_that_environment(lab):
    assert lab.run(PROVISION).rc == 0
    ids = dict((env.name, assert_carries(env)["id"]) for env in lab.envs.values())
    old = dict(lab["tst"].credentials)
    rotated = lab["tst"].rotate()
    lab.sim.reset_stats()

    check = lab.run(PROVISION, "--check")

    assert check.rc == 0, check
    check.assert_recap(tst={"changed": 1}, prd={"changed": 0})
    assert lab.sim.writes == 0
    assert lab["tst"].stored_ionapi() == old

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert run.changed_hosts() == ["tst"]
    assert lab.sim.writes == 1
    assert len(lab["tst"].writes()) == 1 and not lab["prd"].writes()
    assert_carries(lab["tst"], ids["tst"])
    assert lab["tst"].stored_ionapi() == rotated
    assert_carries(lab["prd"], ids["prd"])
    result = run.result("ionapi", "tst")["result"]
    assert result["action"] == "update" and result["changes"] == ["ion_api"]
    assert result["previous_fingerprint"] == fingerprint(old)
    assert result["fingerprint"] == fingerprint(rotated)


def test_state_absent_removes_the_configuration(lab):
    assert lab.run(PROVISION).rc == 0
    config = assert_carries(lab["tst"])
    lab["tst"].vars.update(docbits_ionapi_state="absent", ionapi_file=None)
    lab.sim.reset_stats()

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0, "skipped": 0}, prd={"changed": 0, "failed": 0})
    assert lab["tst"].stored_configs() == []
    assert lab.sim.writes == 1
    assert [entry["path"] for entry in lab["tst"].writes()] == ["/configurations/remove_configuration"]
    assert_carries(lab["prd"])
    result = run.result("ionapi", "tst")["result"]
    assert result["action"] == "delete" and result["config_id"] == config["id"]
    assert result["previous_fingerprint"] == fingerprint(lab["tst"].credentials)
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    assert again.rc == 0, again
    again.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0
    assert again.result("ionapi", "tst")["result"]["action"] == "none"


def test_vault_encrypted_file_uploads_its_decrypted_content(lab):
    lab.vault_encrypt(lab["tst"])

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    for env in lab.envs.values():
        assert_carries(env)
    assert run.result("ionapi", "tst")["result"]["fingerprint"] == fingerprint(lab["tst"].credentials)
    # Only a plaintext file readable by others earns a permission warning; neither is here.
    assert not run.result("ionapi", "tst")["result"].get("warnings")
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    again.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0

    without_password = lab.run(PROVISION, vault=False)

    assert without_password.rc == 2, without_password
    without_password.assert_recap(tst={"failed": 1}, prd={"failed": 0, "changed": 0})
    message = without_password.result("ionapi", "tst")["result"]["msg"]
    assert str(lab["tst"].ionapi_file) in message and "decrypt" in message, message
    assert lab.sim.writes == 0


def test_module_shipped_to_a_target_by_ansiballz(lab_factory):
    lab = lab_factory(connection="loopback")

    run = lab.run(PROVISION, "-vvv")

    assert run.rc == 0, run
    assert "AnsiballZ_ionapi.py" in run.stdout, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    ids = dict((env.name, assert_carries(env)["id"]) for env in lab.envs.values())
    assert lab.sim.writes == 2
    for env in lab.envs.values():
        assert run.result("ionapi", env.name)["result"]["fingerprint"] == fingerprint(env.credentials)
    rotated = lab["tst"].rotate()
    lab.sim.reset_stats()

    update = lab.run(PROVISION, "--diff")

    assert update.rc == 0, update
    update.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 1
    assert lab["tst"].stored_ionapi() == rotated
    assert_carries(lab["tst"], ids["tst"])
    diff = update.result("ionapi", "tst")["result"]["diff"]
    assert diff["after"]["fingerprint"] == fingerprint(rotated) != diff["before"]["fingerprint"]
    assert fingerprint(rotated) in update.stdout
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    assert again.rc == 0, again
    again.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0
    assert_read_only(lab.sim.requests)


def test_shipped_module_failure_names_the_environment(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"}, connection="loopback")
    lab.remember_secret("tst wrong api key", "dbk_" + lab["tst"].api_key[::-1])
    lab["tst"].vars["docbits_api_key"] = lab.secret_values["tst wrong api key"]

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    message = run.result("ionapi", "tst")["result"]["msg"]
    assert message.startswith("DocBits refused the API key"), message
    assert "for environment 'tst'" in message, message


def test_shipped_modules_use_no_deprecated_api(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"}, connection="loopback")

    run = lab.run("validate_ionapi.yml")

    assert run.rc == 0, run
    assert "[DEPRECATION WARNING]" not in run.output, run.stderr
