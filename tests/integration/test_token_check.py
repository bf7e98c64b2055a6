# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""check_token through ansible-playbook: the Infor auth simulator over HTTPS (a CA made here) and DocBits."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.tests.support.builders import start_auth_simulator
from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, find_leaks, make_random_ionapi, random_token

PROVISION = "provision_ionapi.yml"
VALIDATE = "validate_ionapi.yml"
CASES = {
    "good": "GOOD_TST",
    "wrongsecret": "WRONGSECRET_TST",
    "noaccount": "NOACCOUNT_TST",
    "othertenant": "OTHERTENANT_TST",
    "untrusted": "UNTRUSTED_TST",
}
EXPECTED = {
    "wrongsecret": ["invalid_client", "download the credentials again"],
    "noaccount": ["invalid_grant", "re-enable it"],
    "othertenant": ["is for tenant 'SOMEONE_ELSE'", "ti 'OTHERTENANT_TST'"],
    "untrusted": ["TLS failure", "set ca_path"],
}


@pytest.fixture
def token_lab_factory(lab_factory, pki):
    """Make labs whose files point at an auth simulator, each environment spoiled as its name says."""
    started = []

    def make(names=tuple(CASES), connection="local"):
        lab = lab_factory(dict((name, CASES[name]) for name in names), connection=connection)
        auth = start_auth_simulator(pki)
        started.append(auth)
        for env in lab.envs.values():
            env.write(make_random_ionapi(env.tenant, pu=auth.pu(env.tenant)))
            auth.register(env.credentials)
            env.vars.update(docbits_check_token=True, docbits_ca_path=pki.ca, docbits_timeout=10)
        if "wrongsecret" in lab.envs:
            wrong = random_token(86)
            lab.remember_secret("wrong cs", wrong)
            lab["wrongsecret"].write(dict(lab["wrongsecret"].credentials, cs=wrong))
        if "noaccount" in lab.envs:
            auth.delete_service_account(lab["noaccount"].credentials["saak"])
        auth.claim_tenant("OTHERTENANT_TST", "SOMEONE_ELSE")
        if "untrusted" in lab.envs:
            lab["untrusted"].vars["docbits_ca_path"] = pki.other_ca
        return lab, auth

    yield make
    for auth in started:
        auth.stop()


@pytest.fixture
def token_lab(token_lab_factory):
    return token_lab_factory()


def assert_no_token_printed(run, auth):
    tokens = dict(("token %d" % index, value) for index, value in enumerate(auth.issued))
    assert tokens, "the simulator issued no token"
    assert find_leaks(run.output + run.record_text, tokens) == []


def test_only_files_that_get_a_token_are_uploaded(token_lab):
    lab, auth = token_lab

    run = lab.run(PROVISION, "-vvvv", env=RUN_ENV)

    assert run.rc == 2, run
    run.assert_recap(good={"changed": 1, "failed": 0}, **dict((name, {"changed": 0, "failed": 1}) for name in EXPECTED))
    result = run.result("ionapi", "good")["result"]
    assert result["token_check"]["tenant_claim"] == "matched" and result["token_check"]["revoked"] is True
    assert json.loads(lab["good"].stored_configs()[0]["files"]["ION_API"]) == lab["good"].credentials
    for name, parts in EXPECTED.items():
        message = run.result("ionapi", name)["result"]["msg"]
        for part in [lab[name].vars["ionapi_file"]] + parts:
            assert part in message, "%s: %r not in %r" % (name, part, message)
        assert lab[name].requests() == [], "%s reached DocBits" % name
        assert lab[name].stored_configs() == []
    assert lab.sim.writes == 1
    # Every token issued (only the good file's) was revoked, and none was printed.
    assert sorted(auth.revoked) == sorted(auth.issued)
    assert_no_token_printed(run, auth)


def test_check_mode_proves_the_token_and_writes_nothing(token_lab):
    lab, auth = token_lab

    run = lab.run(PROVISION, "--check", "--limit", "good,wrongsecret", env=RUN_ENV)

    run.assert_recap(good={"changed": 1, "failed": 0}, wrongsecret={"failed": 1})
    assert lab.sim.writes == 0
    assert len(auth.issued) == 2 and sorted(auth.revoked) == sorted(auth.issued)


@pytest.mark.parametrize(
    "fault, expected",
    [
        (dict(status=500, times=2), ["the token endpoint failed (HTTP 500)", "retry later"]),
        (dict(status=401, body="", times=2), ["refused (HTTP 401)", "download the credentials again"]),
        (dict(status=200, body="<html>Sign in</html>", content_type="text/html"), ["not a token but text/html", "proxy"]),
        (dict(status=200, body="{}", delay=3), ["no answer within 1 s", "HTTPS_PROXY"]),
    ],
    ids=["500", "401", "html", "timeout"],
)
def test_a_failing_token_endpoint_fails_and_uploads_nothing(token_lab_factory, fault, expected):
    lab, auth = token_lab_factory(["good"])
    lab["good"].vars["docbits_timeout"] = 1
    auth.add_fault(**fault)

    run = lab.run(PROVISION, env=RUN_ENV)

    run.assert_recap(good={"changed": 0, "failed": 1})
    message = run.result("ionapi", "good")["result"]["msg"]
    assert all(part in message for part in [lab["good"].vars["ionapi_file"]] + expected), message
    assert lab["good"].requests() == [] and lab.sim.writes == 0
    assert auth.issued == []


def test_shipped_modules_check_the_token(token_lab_factory):
    lab, auth = token_lab_factory(["good", "wrongsecret"], connection="loopback")

    validate = lab.run(VALIDATE, "-vvvv", env=RUN_ENV)
    provision = lab.run(PROVISION, "-vvvv", env=RUN_ENV)

    for run, module in ((validate, "ionapi_validate"), (provision, "ionapi")):
        assert "AnsiballZ_%s.py" % module in run.stdout, run
        run.assert_recap(good={"failed": 0}, wrongsecret={"failed": 1})
        assert run.result(module, "good")["result"]["token_check"]["revoked"] is True
        assert "invalid_client" in run.result(module, "wrongsecret")["result"]["msg"]
        assert_no_token_printed(run, auth)
    assert lab.sim.writes == 1 and lab["wrongsecret"].requests() == []
    assert len(auth.issued) == 4 and sorted(auth.revoked) == sorted(auth.issued)


def test_validate_playbook_proves_tokens_without_docbits(token_lab):
    lab, auth = token_lab

    run = lab.run(VALIDATE, env=RUN_ENV)

    run.assert_recap(good={"failed": 0}, **dict((name, {"failed": 1}) for name in EXPECTED))
    assert run.result("ionapi_validate", "good")["result"]["token_check"]["token_type"] == "Bearer"
    for name, parts in EXPECTED.items():
        message = run.result("ionapi_validate", name)["result"]["msg"]
        assert all(part in message for part in parts), message
    assert lab.sim.requests == []
    assert_no_token_printed(run, auth)


SCOPES = ["Infor-ION", "Infor-IDM", "Infor-M3"]


def test_enforced_scopes_an_empty_sc_and_an_on_premises_file_get_tokens(lab_factory, pki):
    lab = lab_factory({"scoped": "SCOPED_TST", "emptysc": "EMPTYSC_TST", "onprem": "infor"})
    auth = start_auth_simulator(pki)
    try:
        lab["scoped"].write(make_random_ionapi("SCOPED_TST", pu=auth.pu("SCOPED_TST"), v="1.1", sc=SCOPES))
        auth.register(lab["scoped"].credentials, enforce_scopes=SCOPES)
        lab["emptysc"].write(make_random_ionapi("EMPTYSC_TST", pu=auth.pu("EMPTYSC_TST"), v="1.1", sc={}))
        auth.register(lab["emptysc"].credentials)
        lab["onprem"].write(make_random_ionapi("infor", pu=auth.pu("infor"), ot="connect/token", oa="connect/authorize", **{"or": "connect/revocation"}))
        auth.register(lab["onprem"].credentials)
        for env in lab.envs.values():
            env.vars.update(docbits_check_token=True, docbits_ca_path=pki.ca, docbits_timeout=10)

        run = lab.run(PROVISION, "-vvvv", env=RUN_ENV)
    finally:
        auth.stop()

    run.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in lab.envs))
    for name, env in lab.envs.items():
        check = run.result("ionapi", name)["result"]["token_check"]
        assert check["revoked"] is True and check["tenant_claim"] == "matched", name
        assert json.loads(env.stored_configs()[0]["files"]["ION_API"]) == env.credentials
    assert run.result("ionapi", "scoped")["result"]["token_check"]["scopes"] == SCOPES
    assert run.result("ionapi", "onprem")["result"]["token_check"]["token_endpoint"].endswith("/InforIntSTS/connect/token")
    asked = dict((entry["path"].split("/")[1], entry["scope"]) for entry in auth.requests if entry["path"].endswith(("/token.oauth2", "/connect/token")))
    assert asked == {"SCOPED_TST": " ".join(SCOPES), "EMPTYSC_TST": None, "InforIntSTS": None}
    assert sorted(auth.revoked) == sorted(auth.issued) and len(auth.issued) == 6
    assert_no_token_printed(run, auth)
