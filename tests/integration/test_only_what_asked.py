# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Only what the inventory asks for changes, and an ambiguous view of a tenant stops the write, through
ansible-playbook against DocBits simulators with other update semantics and views."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.tests.support.docbits_lab import make_random_ionapi

PROVISION = "provision_ionapi.yml"
HAND_MADE = {
    "title": "Invoices to ION (by hand)",
    "doc_type": "INVOICE",
    "export_method": "infor-ion-cloud",
    "zugferd": True,
    "auto_approve_after_export": True,
    "auto_validate_after_export": True,
}
SETTINGS = ("title", "export_method", "zugferd", "auto_approve_after_export", "auto_validate_after_export")


def settings_of(config):
    return dict((name, config.get(name, config.get("extra", {}).get(name))) for name in SETTINGS)


def unset_style(env):
    """The inventory sets neither the export method nor the title: the usual rotation inventory."""
    env.vars["docbits_export_method"] = None
    env.vars["docbits_export_title"] = None


@pytest.mark.parametrize("contract_check", ["auto", "off"])
def test_a_routine_update_keeps_every_setting_of_a_form_replacing_docbits(lab_factory, contract_check):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    unset_style(env)
    env.vars["docbits_contract_check"] = contract_check
    old = make_random_ionapi(env.tenant)
    lab.remember_credentials("tst-old", old)
    config_id = lab.sim.seed(env.org, dict(HAND_MADE, files={"ION_API": old}))
    lab.sim.update_replaces_form = True

    run = lab.run(PROVISION, "--diff")

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    [config] = env.stored_configs()
    assert config["id"] == config_id and json.loads(config["files"]["ION_API"]) == env.credentials
    assert settings_of(config) == dict((name, HAND_MADE[name]) for name in SETTINGS)
    result = run.result("ionapi", "tst")["result"]
    assert result["changes"] == ["ion_api"]
    assert result["diff"]["before"]["export_method"] == result["diff"]["after"]["export_method"] == "infor-ion-cloud"

    again = lab.run(PROVISION)
    assert again.rc == 0, again
    again.assert_recap(tst={"changed": 0, "failed": 0})


def test_a_new_configuration_gets_the_defaults(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    unset_style(lab["tst"])
    run = lab.run(PROVISION)
    assert run.rc == 0, run
    [config] = lab["tst"].stored_configs()
    assert (config["export_method"], config["title"]) == ("infor-idm-cloud", "DocBits_TST")


@pytest.mark.parametrize(
    "view, problem",
    [
        ({"lists_twice": True}, "is listed twice"),
        ({"list_page_size": 1}, "it says total 2 but holds 1 item(s)"),
    ],
)
def test_an_ambiguous_list_stops_before_any_write(lab_factory, view, problem):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    old = make_random_ionapi(env.tenant)
    lab.remember_credentials("tst-old", old)
    lab.sim.seed(env.org, {"title": "Hook", "doc_type": "INVOICE", "export_method": "webhook"})
    lab.sim.seed(env.org, dict(HAND_MADE, files={"ION_API": old}))
    before = env.stored_configs()
    for name, value in view.items():
        setattr(lab.sim, name, value)

    for _run in range(2):
        run = lab.run(PROVISION)
        assert run.rc == 2, run
        run.assert_recap(tst={"changed": 0, "failed": 1})
        assert problem in run.output and "nothing was written or removed" in run.output
        assert env.writes() == [] and env.stored_configs() == before


def test_a_docbits_storing_lower_cased_document_types_gets_one_configuration(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    lab.sim.lower_cases_doc_types = True

    first = lab.run(PROVISION)
    assert first.rc == 0, first
    first.assert_recap(tst={"changed": 1, "failed": 0})
    for _run in range(2):
        again = lab.run(PROVISION)
        assert again.rc == 0, again
        again.assert_recap(tst={"changed": 0, "failed": 0})
    [config] = env.stored_configs()
    assert config["doc_type"] == "invoice"


def test_replacing_the_file_of_another_infor_tenant_is_said(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    other = make_random_ionapi("ACME_PRD")
    lab.remember_credentials("prd", other)
    lab.sim.seed(env.org, {"title": "T", "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": other}})

    run = lab.run(PROVISION, "--diff")

    assert run.rc == 0, run
    result = run.result("ionapi", "tst")["result"]
    assert "tenant" in result["changes"]
    assert "replaces a file of Infor tenant 'ACME_PRD' with one of 'ACME_TST'" in result["configurations"][0]["reasons"]
    assert "stores a file of Infor tenant 'ACME_PRD' and gets one of tenant 'ACME_TST'" in run.output


@pytest.mark.parametrize("status", [503, 422, 404])
def test_a_connection_test_that_cannot_run_keeps_the_upload(lab_factory, status):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    env.vars["docbits_verify_connection"] = True
    lab.sim.add_fault(path="/configurations/test_infor_connection", status=status, times=10)

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    assert env.stored_ionapi() == env.credentials
    result = run.result("ionapi", "tst")["result"]
    assert result["verification"]["available"] is False
    assert "connection test could not run" in run.output and "the upload stands" in run.output
