# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reports per Infor export configuration, and the audit's liveness statuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.docbits.infor.plugins.module_utils import report
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import ACTION_CREATE, ACTION_NONE, ACTION_REMOVE_DUPLICATE, ACTION_UPDATE

OLD = "sha256:" + "a" * 64
NEW = "sha256:" + "b" * 64
DEAD = {"alive": False, "reason": "invalid_grant", "fix": "re-enable the service account", "message": "no token"}


def configuration(config_id, action, changes=(), liveness=None, doc_type="INVOICE"):
    entry = {
        "id": config_id,
        "doc_type": doc_type,
        "export_method": "infor-idm-cloud",
        "fingerprint_before": OLD,
        "fingerprint_after": NEW,
        "action": action,
        "changes": list(changes),
    }
    if liveness is not None:
        entry["liveness"] = liveness
    return entry


def audit_result(*configurations, **extra):
    result = {
        "changed": True,
        "action": ACTION_UPDATE,
        "tenant": "ACME_TST",
        "config_id": 1,
        "fingerprint": NEW,
        "previous_fingerprint": OLD,
        "configurations": list(configurations),
    }
    result.update(extra)
    return result


def test_audit_status_per_configuration():
    result = audit_result(
        configuration(1, ACTION_NONE),
        configuration(2, ACTION_UPDATE, ["ion_api"]),
        configuration(3, ACTION_UPDATE, ["title"]),
        configuration(4, ACTION_REMOVE_DUPLICATE, ["duplicate"]),
        configuration(None, ACTION_CREATE, ["configuration"]),
    )
    rows = report.row(report.KIND_AUDIT, "tst", result)["configurations"]
    assert [line["status"] for line in rows] == ["in sync", "another file", "differs", "duplicate", "no configuration"]


def test_provision_status_per_configuration_is_the_action():
    rows = report.row(report.KIND_PROVISION, "tst", audit_result(configuration(1, ACTION_UPDATE, ["ion_api"])))["configurations"]
    assert rows[0]["status"] == ACTION_UPDATE and rows[0]["fingerprint_after"] == NEW


def test_dead_stored_file_makes_a_dead_environment_listed_first_with_reason_and_fix():
    alive = {"alive": True, "reason": None, "fix": None, "message": "got a token"}
    dead = audit_result(configuration(1, ACTION_NONE, liveness=DEAD), failed=True, msg="DocBits stores an ION API file that gets no token")
    rows = [
        report.row(report.KIND_AUDIT, "good", audit_result(configuration(1, ACTION_NONE, liveness=alive))),
        report.row(report.KIND_AUDIT, "broken", {"failed": True, "msg": "refused key"}),
        report.row(report.KIND_AUDIT, "disabled", dead),
    ]
    document = report.report(report.KIND_AUDIT, rows)
    # What to act on first: dead, then failed; the rest in inventory order.
    assert [line["environment"] for line in document["rows"]] == ["disabled", "broken", "good"]
    assert document["totals"]["dead"] == 1 and document["totals"]["failed"] == 1
    assert document["rows"][0]["error"].startswith("DocBits stores")
    assert document["rows"][0]["configurations"][0]["liveness"] == "dead: invalid_grant"
    assert document["rows"][0]["configurations"][0]["fix"] == "re-enable the service account"
    assert document["rows"][2]["configurations"][0]["liveness"] == "alive"
    lines = report.table(document)
    assert lines[2].split()[:3] == ["disabled", "ACME_TST", "dead"]


def test_markdown_has_a_table_per_configuration():
    result = audit_result(configuration(1, ACTION_NONE), configuration(2, ACTION_UPDATE, ["ion_api"], doc_type="CREDIT_NOTE"))
    rows = [report.row(report.KIND_AUDIT, "tst", result)]
    markdown = report.to_markdown(report.report(report.KIND_AUDIT, rows))
    assert "## Infor export configurations" in markdown
    assert "| tst | 2 | CREDIT_NOTE | infor-idm-cloud |" in markdown and "another file" in markdown
    # An audit wrote nothing: its columns say stored and file, not before and after.
    assert "| stored fingerprint | file fingerprint |" in markdown and "before" not in markdown


def listed(config_id, fingerprint, doc_type="INVOICE"):
    """One entry of an ionapi_info result."""
    stored = {"fingerprint": fingerprint, "tenant": "ACME_TST", "app_name": "DocBits_TST", "parsed": True}
    return {
        "id": config_id,
        "doc_type": doc_type,
        "export_method": "infor-idm-cloud",
        "title": "DocBits_TST",
        "sub_org_id": None,
        "is_active": True,
        "ionapi": None if fingerprint is None else stored,
    }


def test_info_carries_every_stored_fingerprint_and_whether_it_is_the_local_file():
    # ionapi_info results: the environment's own file's fingerprint beside the listing, when it has one.
    own = {"changed": False, "fingerprint": NEW}
    rows = [
        report.row(report.KIND_INFO, "tst", dict(own, configurations=[listed(1, NEW), listed(2, OLD, "CREDIT_NOTE"), listed(3, None)]), tenant="ACME_TST"),
        report.row(report.KIND_INFO, "prd", dict(own, configurations=[listed(4, OLD)])),
        report.row(report.KIND_INFO, "dev", dict(own, configurations=[])),
        report.row(report.KIND_INFO, "qa", {"changed": False, "configurations": [listed(5, OLD)]}),
        report.row(report.KIND_INFO, "bad", {"failed": True, "msg": "files/bad.ionapi: not JSON"}, tenant="ACME_BAD"),
    ]
    document = report.report(report.KIND_INFO, rows)

    assert document["title"] == ".ionapi files stored in DocBits"
    assert document["totals"] == {"in sync": 1, "another file": 1, "no configuration": 1, "not compared": 1, "failed": 1, "not run": 0}
    by_name = dict((line["environment"], line) for line in document["rows"])
    assert [(entry["id"], entry["fingerprint"], entry["is_local_file"], entry["status"]) for entry in by_name["tst"]["configurations"]] == [
        (1, NEW, True, "local file"),
        (2, OLD, False, "another file"),
        (3, None, False, "no file"),
    ]
    assert by_name["tst"]["desired_fingerprint"] == NEW and by_name["prd"]["status"] == "another file"
    assert by_name["qa"]["configurations"][0]["is_local_file"] is None and by_name["qa"]["configurations"][0]["fingerprint"] == OLD
    assert by_name["bad"]["error"] == "files/bad.ionapi: not JSON" and by_name["bad"]["tenant"] == "ACME_BAD"
    lines = report.table(document)
    assert lines[0].endswith("1 not compared, 1 failed (bad)")
    assert lines[2].split()[:3] == ["bad", "ACME_BAD", "failed"]
    tst = [line for line in lines if line.startswith("tst ")][0]
    assert "1 sha256:bbbbbbbbbbbb... (file), 2 sha256:aaaaaaaaaaaa..., 3 -" in tst
    markdown = report.to_markdown(document)
    assert "| tst | 1 | INVOICE | infor-idm-cloud | True | sha256:bbbbbbbbbbbb... | local file |" in markdown
    assert "| tst | 2 | CREDIT_NOTE | infor-idm-cloud | True | sha256:aaaaaaaaaaaa... | another file |" in markdown
    # One cell per column on every line of the first table.
    first = [line for line in markdown.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    assert len(set(line.replace("\\|", "").count("|") for line in first)) == 1
