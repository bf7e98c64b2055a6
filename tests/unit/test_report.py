# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run reports: rows from registered results, totals, JSON and Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import report

BEFORE = "sha256:" + "a" * 64
AFTER = "sha256:" + "b" * 64


def result(**fields):
    base = {"changed": False, "action": "none", "changes": [], "config_id": 7, "fingerprint": AFTER,
            "previous_fingerprint": AFTER, "tenant": "ACME_TST"}
    base.update(fields)
    return base


@pytest.mark.parametrize("registered, expected", [
    (result(), "unchanged"),
    (result(changed=True, action="update", previous_fingerprint=BEFORE), "changed"),
    (result(changed=True, action="create", previous_fingerprint=None, config_id=None), "changed"),
    ({"failed": True, "msg": "boom"}, "failed"),
    ({"skipped": True}, "not run"),
    (None, "not run"),
])
def test_provision_status(registered, expected):
    assert report.status_of(report.KIND_PROVISION, registered) == expected


@pytest.mark.parametrize("action, expected", [("none", "in sync"), ("update", "differs"), ("create", "no configuration"), ("delete", "differs")])
def test_audit_status_comes_from_the_planned_action(action, expected):
    assert report.status_of(report.KIND_AUDIT, result(action=action, changed=action != "none")) == expected


def test_changed_row_carries_both_fingerprints():
    row = report.row(report.KIND_PROVISION, "tst", result(changed=True, action="update", previous_fingerprint=BEFORE, changes=["ion_api"]))
    assert row == {
        "environment": "tst", "tenant": "ACME_TST", "config_id": 7, "fingerprint_before": BEFORE, "fingerprint_after": AFTER,
        "desired_fingerprint": AFTER, "status": "changed", "action": "update", "changes": ["ion_api"], "error": None,
    }


def test_removed_configuration_has_no_fingerprint_after():
    row = report.row(report.KIND_PROVISION, "tst", result(changed=True, action="delete", previous_fingerprint=BEFORE, fingerprint=None))
    assert row["fingerprint_before"] == BEFORE and row["fingerprint_after"] is None


def test_failed_row_keeps_the_message_and_falls_back_to_the_inventory_tenant():
    row = report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": "src 'x.ionapi': key 'cs': missing"}, tenant="ACME_TST")
    assert row["status"] == "failed" and row["error"] == "src 'x.ionapi': key 'cs': missing"
    assert row["tenant"] == "ACME_TST" and row["fingerprint_after"] is None and row["config_id"] is None


def test_environment_that_never_ran():
    row = report.row(report.KIND_PROVISION, "prd", None, tenant="ACME_PRD")
    assert row["status"] == "not run" and row["error"] is None and row["fingerprint_after"] is None


def test_audit_row_reports_what_is_stored_not_what_would_be():
    row = report.row(report.KIND_AUDIT, "tst", result(changed=True, action="update", previous_fingerprint=BEFORE, fingerprint=AFTER))
    assert row["fingerprint_before"] == row["fingerprint_after"] == BEFORE
    assert row["desired_fingerprint"] == AFTER


def test_totals_and_grouping_keep_every_status_in_order():
    rows = [
        report.row(report.KIND_PROVISION, "a", result()),
        report.row(report.KIND_PROVISION, "b", {"failed": True, "msg": "x"}),
        report.row(report.KIND_PROVISION, "c", result()),
    ]
    document = report.report(report.KIND_PROVISION, rows)
    assert list(document["totals"].items()) == [("changed", 0), ("unchanged", 2), ("failed", 1), ("not run", 0)]
    assert document["by_status"] == {"unchanged": ["a", "c"], "failed": ["b"]}
    assert document["environments"] == 3
    assert json.loads(report.to_json(document)) == document


def test_markdown_is_one_line_per_environment_whatever_the_error_says():
    rows = [
        report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": "line one\nline | two"}),
        report.row(report.KIND_PROVISION, "prd", result(changed=True, action="update", previous_fingerprint=BEFORE)),
    ]
    markdown = report.to_markdown(report.report(report.KIND_PROVISION, rows))
    lines = markdown.splitlines()
    assert lines[0] == "# .ionapi provisioning summary"
    assert "2 environment(s): 1 changed, 1 failed." in lines
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 4
    assert "| tst |" in table[2] and "line one line \\| two" in table[2]
    # Unescaped pipes delimit cells: every line has the same number of them.
    assert len(set(line.replace("\\|", "").count("|") for line in table)) == 1
    assert "sha256:aaaaaaaaaaaa…" in table[3] and "a" * 13 not in table[3]


def test_audit_markdown_names_stored_and_file_fingerprints():
    markdown = report.to_markdown(report.report(report.KIND_AUDIT, [report.row(report.KIND_AUDIT, "tst", result())]))
    assert "| stored fingerprint | file fingerprint |" in markdown
    assert "1 environment(s): 1 in sync." in markdown
