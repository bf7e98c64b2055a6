# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The stored token check of stored files against the Infor auth simulator over HTTPS (a CA made here)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.ionapi import SECRET_KEYS, parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.stored_token import add_stored_token_verdicts, check_stored_tokens, old_credentials_live, verdict
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import Desired, Reconciler, StoredFile
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache
from ansible_collections.docbits.infor.tests.support.fake_docbits import FakeDocBits
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, start_auth_simulator

pytestmark = pytest.mark.usefixtures("controlled_environment")


@pytest.fixture
def auth(pki):
    simulator = start_auth_simulator(pki)
    yield simulator
    simulator.stop()


def stored_file(credentials):
    return StoredFile(dump(credentials))


def test_alive_file_gets_a_token_that_is_revoked(auth, pki):
    credentials = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(credentials)
    found = verdict(stored_file(credentials), ca_path=pki.ca)
    assert found["alive"] is True and found["reason"] is None
    assert len(auth.issued) == 2 and len(auth.revoked) == 2


def test_disabled_service_account_and_changed_secret_are_dead_with_reason_and_fix(auth, pki):
    disabled = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(disabled)
    auth.delete_service_account(disabled["saak"])
    changed = make_seeded_ionapi("ACME_PRD", pu=auth.pu("ACME_PRD"))
    auth.register(dict(changed, cs="another-secret-" + "x" * 60))
    dead_account, dead_client = verdict(stored_file(disabled), ca_path=pki.ca), verdict(stored_file(changed), ca_path=pki.ca)
    assert (dead_account["alive"], dead_account["reason"]) == (False, "invalid_grant")
    assert "service account is disabled" in dead_account["fix"]
    assert (dead_client["alive"], dead_client["reason"]) == (False, "invalid_client")
    assert "secret was changed or the app was deleted" in dead_client["fix"]
    text = json.dumps([dead_account, dead_client])
    for secret in [disabled[key] for key in SECRET_KEYS] + [changed[key] for key in SECRET_KEYS]:
        assert secret not in text


def test_stored_file_that_is_no_ionapi_is_dead_without_a_request(auth, pki):
    found = verdict(StoredFile(b"<html>login</html>"), ca_path=pki.ca)
    assert (found["alive"], found["reason"]) == (False, "invalid_file")
    assert auth.requests == []


def test_each_distinct_stored_file_is_tried_once_per_run(auth, pki, tmp_path):
    credentials = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(credentials)
    fake = FakeDocBits()
    for doc_type in ("INVOICE", "CREDIT_NOTE", "ORDER"):
        fake.seed(doc_type=doc_type, ionapi=dump(credentials))
    desired = Desired(parse_ionapi(dump(credentials), source="tst.ionapi"), "INVOICE", "infor-idm-cloud", doc_types="all")
    cache = RunCache(str(tmp_path))
    for _host in range(2):
        plan = Reconciler(fake.client).plan(desired)
        verdicts = check_stored_tokens(plan, ca_path=pki.ca, run_cache=cache)
        assert sorted(verdicts) == [1, 2, 3] and all(found["alive"] for found in verdicts.values())
    token_requests = [entry for entry in auth.requests if entry["path"].endswith("/token.oauth2")]
    assert len(token_requests) == 1


def test_a_dead_file_fails_the_task_only_while_it_stays():
    dead = {"alive": False, "reason": "invalid_grant", "fix": "re-enable it", "message": "no token"}
    configurations = [
        {"id": 1, "doc_type": "INVOICE", "action": "update", "changes": ["ion_api"]},
        {"id": 2, "doc_type": "ORDER", "action": "none", "changes": []},
    ]
    replaced = add_stored_token_verdicts({"configurations": [dict(entry) for entry in configurations[:1]]}, {1: dead}, check_mode=False)
    assert "failed" not in replaced and replaced["configurations"][0]["liveness"] == dead
    audited = add_stored_token_verdicts({"configurations": [dict(entry) for entry in configurations]}, {1: dead, 2: dead}, check_mode=True)
    assert audited["failed"] is True
    assert "configuration 1 (INVOICE)" in audited["msg"] and "configuration 2 (ORDER)" in audited["msg"] and "re-enable it" in audited["msg"]


def test_old_credentials_after_a_smooth_reset_live_until_the_old_secret_is_revoked(auth, pki):
    old = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(old)
    auth.smooth_reset_secret(old["ci"], make_seeded_ionapi("ACME_TST", seed="reset")["cs"])

    live = old_credentials_live(stored_file(old), ca_path=pki.ca)
    assert live == {"live": True, "reason": None, "message": "the old credentials still get a token (revoked at once)"}
    assert len(auth.issued) == 2 and sorted(auth.revoked) == sorted(auth.issued)

    auth.revoke_old_secret(old["ci"])
    dead = old_credentials_live(stored_file(old), ca_path=pki.ca)
    assert (dead["live"], dead["reason"]) == (False, "invalid_client") and "secret is revoked" in dead["message"]
    assert len(auth.issued) == 2


def test_old_credentials_of_a_disabled_service_account_are_dead(auth, pki):
    old = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(old)
    auth.disable_service_account(old["saak"])
    dead = old_credentials_live(stored_file(old), ca_path=pki.ca)
    assert (dead["live"], dead["reason"]) == (False, "invalid_grant") and "disabled" in dead["message"]


def test_a_token_for_another_tenant_still_means_live(auth, pki):
    old = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(old)
    auth.claim_tenant("ACME_TST", "ACME_PRD")
    assert old_credentials_live(stored_file(old), ca_path=pki.ca)["live"] is True
    assert sorted(auth.revoked) == sorted(auth.issued) and auth.issued


@pytest.mark.parametrize("spoil", ["server_error", "untrusted", "not_ionapi"])
def test_old_credentials_that_cannot_be_tried_are_unknown(auth, pki, spoil):
    old = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
    auth.register(old)
    auth.add_fault(status=500, times=2)
    stored = StoredFile(b"<html>login</html>") if spoil == "not_ionapi" else stored_file(old)
    found = old_credentials_live(stored, ca_path=pki.other_ca if spoil == "untrusted" else pki.ca)
    assert found["live"] is None and found["message"]
    assert not [secret for secret in [old[key] for key in SECRET_KEYS] if secret in json.dumps(found)]
