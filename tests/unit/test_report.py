# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run reports: rows from registered results, totals, JSON and Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import report
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import ACTION_CREATE, ACTION_NONE, ACTION_UPDATE

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
        "desired_fingerprint": AFTER, "status": "changed", "action": "update", "changes": ["ion_api"], "token_check": None, "error": None,
        "configurations": [],
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


TOKEN_CHECK = {"token_endpoint": "https://x/as/token.oauth2", "tenant_claim": "matched", "revoked": True}


def table_of(kind, rows):
    lines = report.table(report.report(kind, rows))
    return lines[0], dict((line.split()[0], line) for line in lines[2:]), lines[1]


def test_table_names_action_fingerprints_token_check_and_the_whole_error_once():
    long_error = "src 'files/acme-tst.ionapi': key 'pu' must end with '/' " + "word " * 40 + "end-of-message"
    rows = [
        report.row(report.KIND_PROVISION, "dev", result(changed=True, action=ACTION_CREATE, previous_fingerprint=None, token_check=TOKEN_CHECK)),
        report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": long_error}, tenant="ACME_TST"),
        report.row(report.KIND_PROVISION, "prd", result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE)),
        report.row(report.KIND_PROVISION, "qa", result(action=ACTION_NONE)),
        report.row(report.KIND_PROVISION, "uat", None, tenant="ACME_UAT"),
    ]
    title, lines, heading = table_of(report.KIND_PROVISION, rows)

    assert title == ".ionapi provisioning summary: 5 environment(s), 2 changed, 1 unchanged, 1 failed, 1 not run"
    assert heading.split() == ["environment", "tenant", "action", "fingerprint", "before", "->", "after", "token", "check", "error"]
    assert lines["dev"].split()[:6] == ["dev", "ACME_TST", "create", "-", "->", "sha256:bbbbbbbbbbbb…"] and " ok" in lines["dev"]
    assert lines["prd"].split()[2:6] == ["update", "sha256:aaaaaaaaaaaa…", "->", "sha256:bbbbbbbbbbbb…"]
    assert lines["qa"].split()[2] == "unchanged" and lines["uat"].split()[:3] == ["uat", "ACME_UAT", "not", ]
    assert lines["tst"].split()[2] == "failed" and lines["tst"].endswith(" ".join(long_error.split()))
    assert sum(line.count("end-of-message") for line in lines.values()) == 1
    # Columns line up: every action starts where its heading does.
    column = heading.index("action")
    assert all(line[column:].split()[0] in ("create", "failed", "update", "unchanged", "not") for line in lines.values())


def test_table_escapes_control_and_bidi_characters_of_untrusted_text():
    rows = [report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": "DocBits said: \u202eevil\x1b[2J\nnext"}, tenant="ACME\u202eTST")]
    _title, lines, _heading = table_of(report.KIND_PROVISION, rows)
    text = lines["tst"]
    assert "\u202e" not in text and "\x1b" not in text and "\n" not in text
    assert "ACME\\u202eTST" in text and "\\u202eevil\\u001b[2J next" in text


def test_audit_table_shows_stored_then_file_fingerprint():
    rows = [report.row(report.KIND_AUDIT, "tst", result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE, fingerprint=AFTER))]
    title, lines, _heading = table_of(report.KIND_AUDIT, rows)
    assert title.endswith("1 differs")
    assert lines["tst"].split()[2:6] == ["update", "sha256:aaaaaaaaaaaa…", "->", "sha256:bbbbbbbbbbbb…"]


def test_check_table_shows_the_file_fingerprint_and_status():
    rows = [report.row(report.KIND_CHECK, "tst", {"fingerprint": AFTER, "tenant": "ACME_TST", "token_check": dict(TOKEN_CHECK, revoked=False)}),
            report.row(report.KIND_CHECK, "prd", {"failed": True, "msg": "bad"}, tenant="ACME_PRD")]
    title, lines, _heading = table_of(report.KIND_CHECK, rows)
    assert title.endswith("1 ok, 1 failed")
    assert lines["tst"].split() == ["tst", "ACME_TST", "ok", "sha256:bbbbbbbbbbbb…", "ok", "(not", "revoked)"]
    assert lines["prd"].split() == ["prd", "ACME_PRD", "failed", "-", "-", "bad"]
