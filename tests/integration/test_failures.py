# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One environment goes wrong (its file, its key, its URL): it fails clearly, before DocBits is
written (or reached), and the other environments are provisioned all the same."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.tests.support.docbits_lab import fingerprint, make_random_ionapi, random_token

PROVISION = "provision_ionapi.yml"


def _other_tenant(env):
    env.write(make_random_ionapi("ACME_PRD"))
    return ["key 'ti'", "'ACME_PRD'", "'ACME_TST'"]


def _invalid_json(env):
    text = json.dumps(env.credentials, indent=4)
    lines = text.splitlines()
    # Drop the comma after "cs", as a hand edit does: the parser stops on the next line.
    number = next(index for index, line in enumerate(lines) if line.lstrip().startswith('"cs"'))
    lines[number] = lines[number].rstrip(",")
    env.write(text="\n".join(lines) + "\n")
    return ["invalid JSON at line %d, column 5" % (number + 2)]


def _web_application(env):
    credentials = dict(env.credentials, ru="https://docbits.example.com/callback")
    del credentials["saak"], credentials["sask"]
    env.write(credentials)
    return ["key 'ru'", "Web Application", "Create Service Account"]


@pytest.mark.parametrize("spoil", [_other_tenant, _invalid_json, _web_application], ids=["tenant-mismatch", "invalid-json", "web-app-download"])
def test_wrong_file_fails_only_its_environment(lab, spoil):
    expected = spoil(lab["tst"])

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0}, prd={"failed": 0, "changed": 1})
    failure = run.result("ionapi", "tst")
    assert failure["status"] == "failed"
    message = failure["result"]["msg"]
    for part in [str(lab["tst"].ionapi_file)] + expected:
        assert part in message, "%r not in %r" % (part, message)
    assert "fatal: [tst -> localhost]: FAILED!" in run.stdout
    assert message in run.stdout.replace('\\"', '"')
    assert lab["tst"].requests() == [] and lab["tst"].stored_configs() == []
    assert lab.sim.writes == 1
    assert json.loads(lab["prd"].stored_configs()[0]["files"]["ION_API"]) == lab["prd"].credentials


def test_bad_api_key_and_malformed_url_fail_their_environment(lab_factory):
    lab = lab_factory({"dev": "ACME_DEV", "tst": "ACME_TST", "prd": "ACME_PRD"})
    wrong_key = "dbk_" + random_token(40)
    lab.remember_secret("tst wrong api key", wrong_key)
    lab["tst"].vars["docbits_api_key"] = wrong_key
    # The simulator's address without its scheme: it would answer, were a request sent.
    lab["prd"].vars["docbits_url"] = lab.url.split("://", 1)[1]

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(dev={"failed": 0, "changed": 1}, tst={"failed": 1, "changed": 0}, prd={"failed": 1, "changed": 0})
    key_failure = run.result("ionapi", "tst")["result"]["msg"]
    assert "DocBits refused the API key for environment 'tst' (HTTP 401" in key_failure, key_failure
    assert "check docbits_api_key (option api_key)" in key_failure
    url_failure = run.result("ionapi", "prd")["result"]["msg"]
    assert url_failure.startswith("docbits_url must be an absolute http(s) URL"), url_failure
    for message in (key_failure, url_failure):
        assert message in run.stdout
    refused = [entry for entry in lab.sim.requests if entry["status"] == 401]
    assert len(refused) == 1, "a 401 must not be retried: %r" % refused
    assert refused[0]["org"] is None
    assert lab["prd"].requests() == [], "a malformed docbits_url must fail before any request"
    assert lab["tst"].stored_configs() == [] and lab["prd"].stored_configs() == []
    assert lab.sim.writes == 1
    assert json.loads(lab["dev"].stored_configs()[0]["files"]["ION_API"]) == lab["dev"].credentials
    assert run.result("ionapi", "dev")["result"]["fingerprint"] == fingerprint(lab["dev"].credentials)
