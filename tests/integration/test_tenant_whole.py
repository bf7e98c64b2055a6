# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tenant as a whole, through ansible-playbook: every Infor export of the selected document types
carries the file (docbits_doc_types), several per type included; activation; fewer requests on create;
rotation all or nothing over every export."""

from __future__ import annotations

import json

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE as CONFIGURE
from ansible_collections.docbits.infor.tests.support.builders import start_auth_simulator
from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, fingerprint, make_random_ionapi

PROVISION = "provision_ionapi.yml"
ROTATE = "rotate_ionapi.yml"
INFO = "info_ionapi.yml"


def seed_organisation(lab, env, old):
    """Two INVOICE exports (IDM, then ION), one CREDIT_NOTE export, all with the old file, and a webhook."""
    ids = {
        "idm": lab.sim.seed(env.org, {"title": "Invoices to IDM", "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": old}}),
        "ion": lab.sim.seed(env.org, {"title": "Invoices to ION", "doc_type": "INVOICE", "export_method": "infor-ion-cloud", "files": {"ION_API": old}}),
        "credit": lab.sim.seed(env.org, {"title": "Credit notes", "doc_type": "CREDIT_NOTE", "export_method": "infor-ion-cloud", "files": {"ION_API": old}}),
        "hook": lab.sim.seed(env.org, {"title": "Hook", "doc_type": "INVOICE", "export_method": "webhook", "export_url": "https://hooks.example.com/x"}),
    }
    return ids


def paths(env):
    """The environment's requests by operation; the contract preflight (once per base URL per run, not per tenant) left out."""
    return [
        entry["path"].rsplit("/", 1)[-1] if "/download/" not in entry["path"] else "download"
        for entry in env.requests()
        if not entry["path"].endswith("/openapi.json")
    ]


def test_every_infor_export_gets_the_new_file_and_nothing_else_changes(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    old = make_random_ionapi(env.tenant)
    lab.remember_credentials("tst-old", old)
    ids = seed_organisation(lab, env, old)
    hook = lab.sim.get_config(ids["hook"])
    # The inventory's title and method fit one configuration, not three: only the file goes to them.
    env.vars["docbits_doc_types"] = "all"

    run = lab.run(PROVISION, "--diff")

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    configs = dict((config["id"], config) for config in env.stored_configs())
    assert sorted(configs) == sorted(ids.values()), "no configuration added or removed"
    for name in ("idm", "ion", "credit"):
        assert json.loads(configs[ids[name]]["files"]["ION_API"]) == env.credentials
    assert [(configs[ids[name]]["title"], configs[ids[name]]["export_method"]) for name in ("idm", "ion", "credit")] == [
        ("Invoices to IDM", "infor-idm-cloud"),
        ("Invoices to ION", "infor-ion-cloud"),
        ("Credit notes", "infor-ion-cloud"),
    ]
    assert lab.sim.get_config(ids["hook"]) == hook
    result = run.result("ionapi", "tst")["result"]
    rows = dict((entry["id"], entry) for entry in result["configurations"])
    assert sorted(rows) == sorted([ids["idm"], ids["ion"], ids["credit"]])
    for entry in rows.values():
        assert (entry["action"], entry["fingerprint_before"], entry["fingerprint_after"]) == ("update", fingerprint(old), fingerprint(env.credentials))
    assert rows[ids["credit"]]["doc_type"] == "CREDIT_NOTE" and rows[ids["ion"]]["export_method"] == "infor-ion-cloud"
    assert result["config_id"] == ids["idm"] and result["previous_fingerprint"] == fingerprint(old)
    assert len([entry for entry in env.writes() if entry["path"] == CONFIGURE]) == 3
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    again.assert_recap(tst={"changed": 0, "failed": 0})
    assert env.writes() == []
    # Cost of an unchanged tenant: one list and one download per Infor export.
    assert paths(env) == ["get_configurations", "download", "download", "download"]


def test_listed_document_types_each_get_a_configuration(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    env.vars["docbits_doc_types"] = ["INVOICE", "CREDIT_NOTE"]

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    configs = env.stored_configs()
    assert sorted(config["doc_type"] for config in configs) == ["CREDIT_NOTE", "INVOICE"]
    for config in configs:
        assert json.loads(config["files"]["ION_API"]) == env.credentials
        assert (config["title"], config["export_method"]) == (env.vars["docbits_export_title"], "infor-idm-cloud")
    assert [entry["action"] for entry in run.result("ionapi", "tst")["result"]["configurations"]] == ["create", "create"]
    lab.sim.reset_stats()
    again = lab.run(PROVISION)
    again.assert_recap(tst={"changed": 0, "failed": 0})
    assert env.writes() == []


def test_first_run_is_three_requests_when_the_answer_carries_the_id_and_four_when_not(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    lab.sim.configure_answer_id = "data"
    run = lab.run(PROVISION, "--limit", "tst")
    assert run.rc == 0, run
    assert paths(lab["tst"]) == ["get_configurations", "configure_infor_export", "download"]

    lab.sim.configure_answer_id = None
    run = lab.run(PROVISION, "--limit", "prd")
    assert run.rc == 0, run
    assert paths(lab["prd"]) == ["get_configurations", "configure_infor_export", "get_configurations", "download"]
    for env in (lab["tst"], lab["prd"]):
        assert run.rc == 0 and json.loads(env.stored_configs()[0]["files"]["ION_API"]) == env.credentials


def test_activation_switches_every_export_with_check_and_diff_mode(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    first = lab.run(PROVISION)
    assert first.rc == 0, first
    lab.sim.seed(env.org, {"title": "Credit notes", "doc_type": "CREDIT_NOTE", "export_method": "infor-idm-cloud", "files": {"ION_API": env.credentials}})
    env.vars.update(docbits_doc_types="all", docbits_export_active=False)
    lab.sim.reset_stats()

    checked = lab.run(PROVISION, "--check", "--diff")

    checked.assert_recap(tst={"changed": 1, "failed": 0})
    assert env.writes() == [] and all(config["is_active"] for config in env.stored_configs())
    assert "is_active" in checked.stdout

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    assert [config["is_active"] for config in env.stored_configs()] == [False, False]
    assert run.result("ionapi", "tst")["result"]["changes"] == ["is_active"]
    info = lab.run(INFO)
    assert "inactive: DocBits exports nothing" in info.output
    env.vars["docbits_export_active"] = True
    again = lab.run(PROVISION)
    assert again.rc == 0 and [config["is_active"] for config in env.stored_configs()] == [True, True]


def test_broken_stored_file_is_replaced_with_a_warning_and_another_app_on_ion_is_flagged(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    broken = lab.sim.seed(lab["tst"].org, {"title": "T", "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": b"\x00\x01 not json"}})
    other_app = make_random_ionapi("ACME_PRD")
    lab.remember_credentials("prd-other-app", other_app)
    ion = lab.sim.seed(lab["prd"].org, {"title": "ION", "doc_type": "INVOICE", "export_method": "infor-ion-cloud", "files": {"ION_API": other_app}})
    lab["prd"].vars.update(docbits_export_method="infor-ion-cloud", docbits_export_title="ION")

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    assert json.loads(lab.sim.get_config(broken)["files"]["ION_API"]) == lab["tst"].credentials
    assert "stores an ION API file that is not a JSON object" in run.output
    assert json.loads(lab.sim.get_config(ion)["files"]["ION_API"]) == lab["prd"].credentials
    assert "another authorized app" in run.output and "configuration %d" % ion in run.output


def test_rotation_covers_every_export_and_rolls_all_of_them_back(lab_factory, pki):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    auth = start_auth_simulator(pki)
    try:
        lab.sim.infor_ca_path = pki.ca
        env.vars.update(docbits_ca_path=pki.ca, docbits_timeout=10)
        old = make_random_ionapi(env.tenant, pu=auth.pu(env.tenant))
        lab.remember_credentials("tst-old", old)
        auth.register(old)
        ids = seed_organisation(lab, env, old)
        env.write(make_random_ionapi(env.tenant, pu=auth.pu(env.tenant)))
        auth.register(env.credentials)
        # DocBits cannot connect through the CREDIT_NOTE export: every export gets its old file back.
        lab.sim.mark_dead(config_id=ids["credit"])

        run = lab.run(ROTATE, env=RUN_ENV)

        assert run.rc == 2, run
        assert "rolled back" in run.result("ionapi", "tst")["result"]["msg"]
        for name in ("idm", "ion", "credit"):
            assert json.loads(lab.sim.get_config(ids[name])["files"]["ION_API"]) == old, name
        lab.sim.clear_dead()

        again = lab.run(ROTATE, env=RUN_ENV)

        assert again.rc == 0, again
        for name in ("idm", "ion", "credit"):
            assert json.loads(lab.sim.get_config(ids[name])["files"]["ION_API"]) == env.credentials, name
        verified = again.result("ionapi", "tst")["result"]["verification"]["configurations"]
        assert sorted(entry["id"] for entry in verified) == sorted([ids["idm"], ids["ion"], ids["credit"]])
    finally:
        auth.stop()
