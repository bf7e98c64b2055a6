# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DocBits misbehaving (injected by the simulator): transient errors are retried, a lost answer
does not create a duplicate, Retry-After is honoured, and what cannot be retried fails clearly.

Fault rules match requests by path, not by organisation: these labs have one environment."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE as CONFIGURE, PATH_DOWNLOAD, PATH_LIST as LIST

PROVISION = "provision_ionapi.yml"
DOWNLOAD = PATH_DOWNLOAD.format(config_id="*")


def _calls(lab, path):
    return [entry for entry in lab.sim.requests if entry["path"] == path]


def _single_upload_succeeded(lab, run):
    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    configs = lab["tst"].stored_configs()
    assert len(configs) == 1, "expected one configuration, found %d" % len(configs)
    assert json.loads(configs[0]["files"]["ION_API"]) == lab["tst"].credentials
    assert lab.sim.writes == 1


@pytest.fixture
def single(lab_factory):
    return lab_factory({"tst": "ACME_TST"})


def test_transient_errors_are_retried(single):
    single.sim.add_faults(
        [
            dict(path=LIST, status=503),
            dict(path=LIST, drop="reset"),
            dict(path=DOWNLOAD, status=502),
        ]
    )

    run = single.run(PROVISION)

    _single_upload_succeeded(single, run)
    assert single.sim.pending_faults() == []
    assert [entry["status"] for entry in _calls(single, LIST)][:3] == [503, None, 200]


def test_lost_answer_of_a_create_makes_no_duplicate(single):
    # DocBits applies the create, then the connection drops before the answer.
    single.sim.add_fault(path=CONFIGURE, method="POST", after_apply=True, drop=True)

    run = single.run(PROVISION)

    _single_upload_succeeded(single, run)
    assert len(_calls(single, CONFIGURE)) == 1, "the create was sent again although it had been applied"
    assert run.result("ionapi", "tst")["result"]["config_id"] == single["tst"].stored_configs()[0]["id"]


def test_retry_after_is_honoured_on_update(single):
    assert single.run(PROVISION).rc == 0
    single["tst"].rotate()
    single.sim.reset_stats()
    single.sim.add_fault(path=CONFIGURE, status=429, headers={"Retry-After": "1"})

    run = single.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    first, second = _calls(single, CONFIGURE)
    assert first["status"] == 429 and second["status"] == 200
    assert second["time"] - first["time"] >= 1.0
    assert single["tst"].stored_ionapi() == single["tst"].credentials


def test_retry_after_is_honoured_on_create(single):
    single.sim.add_fault(path=CONFIGURE, status=429, headers={"Retry-After": "1"})

    run = single.run(PROVISION)

    _single_upload_succeeded(single, run)
    first, second = _calls(single, CONFIGURE)
    assert first["status"] == 429 and second["status"] == 200
    assert second["time"] - first["time"] >= 1.0, "create re-sent %.2f s after a 429 with Retry-After: 1" % (second["time"] - first["time"])


def test_retries_are_bounded(single):
    single["tst"].vars["docbits_retries"] = 1
    single.sim.add_fault(path=LIST, status=503, times=None)

    run = single.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1})
    message = run.result("ionapi", "tst")["result"]["msg"]
    assert message.startswith("DocBits answered HTTP 503 for environment 'tst' at POST %s" % LIST), message
    assert len(_calls(single, LIST)) == 2
    assert single.sim.writes == 0


def test_unexpected_body_fails_with_a_short_excerpt(single):
    page = "<html><head><title>Sign in</title></head><body>Corporate proxy: please sign in %s</body></html>" % ("." * 400)
    single.sim.add_fault(path=LIST, status=200, body=page, content_type="text/html")

    run = single.run(PROVISION)

    assert run.rc == 2, run
    message = run.result("ionapi", "tst")["result"]["msg"]
    assert "not the JSON expected (wrong URL or a proxy?)" in message, message
    assert "Corporate proxy: please sign in" in message and "<html>" not in message
    assert len(message) < 400
    assert single.sim.writes == 0
