# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet health audit: audit_ionapi.yml with docbits_audit_liveness proves the file DocBits stores
against the Infor auth simulator (HTTPS, a CA made here); dead tenants fail their host, come first in
the report with the reason and the fix, and nothing is written."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.tests.support.builders import start_auth_simulator
from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, find_leaks, make_random_ionapi, random_token

AUDIT = "audit_ionapi.yml"


@pytest.fixture
def fleet(lab_factory, pki):
    """good, disabled (service account disabled) and changed (the app's secret changed in Infor);
    good-copy stores the same file as good. Each DocBits organisation stores its environment's file."""
    lab = lab_factory({"good": "GOOD_TST", "goodcopy": "GOOD_TST", "disabled": "DISABLED_TST", "changed": "CHANGED_TST"})
    auth = start_auth_simulator(pki)
    shared = make_random_ionapi("GOOD_TST", pu=auth.pu("GOOD_TST"))
    for env in lab.envs.values():
        env.write(shared if env.tenant == "GOOD_TST" else make_random_ionapi(env.tenant, pu=auth.pu(env.tenant)))
        auth.register(env.credentials)
        env.vars.update(docbits_ca_path=pki.ca, docbits_timeout=10)
        lab.sim.seed(
            env.org,
            {"title": env.vars["docbits_export_title"], "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": env.credentials}},
        )
    auth.delete_service_account(lab["disabled"].credentials["saak"])
    changed_secret = random_token(86)
    lab.remember_secret("changed: Infor's new secret", changed_secret)
    auth.apps[lab["changed"].credentials["ci"]]["cs"] = changed_secret
    lab.sim.reset_stats()
    yield lab, auth
    auth.stop()


def test_audit_names_dead_tenants_with_reason_and_fix_fails_only_them_and_writes_nothing(fleet, tmp_path):
    lab, auth = fleet
    reports = tmp_path / "audit"

    run = lab.run(AUDIT, "-e", "docbits_audit_liveness=true", "-e", "docbits_summary_dir=%s" % reports, "--forks", "4", "-vvv", env=RUN_ENV)

    assert run.rc == 2, run
    run.assert_recap(good={"failed": 0}, goodcopy={"failed": 0}, disabled={"failed": 1}, changed={"failed": 1})
    assert lab.sim.writes == 0
    assert all(entry["method"] == "GET" or entry["path"].endswith("get_configurations") for entry in lab.sim.requests)
    disabled = run.result("ionapi", "disabled")["result"]
    assert "invalid_grant" in disabled["msg"] and "service account is disabled" in disabled["msg"]
    [entry] = disabled["configurations"]
    assert entry["liveness"]["alive"] is False and entry["liveness"]["reason"] == "invalid_grant"
    changed = run.result("ionapi", "changed")["result"]
    assert "invalid_client" in changed["msg"] and "secret was changed or the app was deleted" in changed["msg"]
    good = run.result("ionapi", "good")["result"]
    assert good["configurations"][0]["liveness"]["alive"] is True and good["action"] == "none"

    document = json.loads((reports / "ionapi-audit.json").read_text(encoding="utf-8"))
    statuses = [(row["environment"], row["status"]) for row in document["rows"]]
    assert sorted(statuses[:2]) == [("changed", "dead"), ("disabled", "dead")], statuses
    assert sorted(statuses[2:]) == [("good", "in sync"), ("goodcopy", "in sync")]
    rows = dict((row["environment"], row) for row in document["rows"])
    assert rows["disabled"]["configurations"][0]["liveness"] == "dead: invalid_grant"
    assert "re-enable" in rows["disabled"]["configurations"][0]["fix"]
    markdown = (reports / "ionapi-audit.md").read_text(encoding="utf-8")
    assert "dead: invalid_client" in markdown

    # One token request per distinct stored file per run: good and goodcopy store the same one.
    # (A refused client is asked once more with HTTP Basic, as DocBits' Infor client would.)
    token_paths = [entry["path"] for entry in auth.requests if entry["path"].endswith("/token.oauth2")]
    assert token_paths.count("/GOOD_TST/as/token.oauth2") == 1, token_paths
    assert token_paths.count("/DISABLED_TST/as/token.oauth2") == 1, token_paths
    everything = run.output + run.record_text + markdown + json.dumps(document)
    issued = dict(("token %d" % index, value) for index, value in enumerate(auth.issued))
    assert issued and find_leaks(everything, issued) == []
    assert len(auth.revoked) >= 1


def test_audit_without_liveness_sends_no_token_request_and_reports_stale_copies(fleet):
    lab, auth = fleet
    lab["good"].write(make_random_ionapi("GOOD_TST", pu=auth.pu("GOOD_TST")))

    run = lab.run(AUDIT, env=RUN_ENV)

    assert run.rc == 0, run
    assert auth.requests == [] and lab.sim.writes == 0
    [entry] = run.result("ionapi", "good")["result"]["configurations"]
    assert entry["action"] == "update" and entry["changes"] == ["ion_api"]
