# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run reports: rows from registered results, totals, JSON and Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import report
from ansible_collections.docbits.infor.plugins.module_utils.errors import printable
from ansible_collections.docbits.infor.plugins.module_utils.infor_token import TokenCheck
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import ACTION_CREATE, ACTION_NONE, ACTION_UPDATE
from ansible_collections.docbits.infor.tests.support.builders import make_seeded_ionapi

BEFORE = "sha256:" + "a" * 64
AFTER = "sha256:" + "b" * 64


def result(**fields):
    base = {"changed": False, "action": "none", "changes": [], "config_id": 7, "fingerprint": AFTER, "previous_fingerprint": AFTER, "tenant": "ACME_TST"}
    base.update(fields)
    return base


@pytest.mark.parametrize(
    "registered, expected",
    [
        (result(), "unchanged"),
        (result(changed=True, action="update", previous_fingerprint=BEFORE), "changed"),
        (result(changed=True, action="create", previous_fingerprint=None, config_id=None), "changed"),
        ({"failed": True, "msg": "boom"}, "failed"),
        ({"skipped": True}, "not run"),
        (None, "not run"),
    ],
)
def test_provision_status(registered, expected):
    assert report.status_of(report.KIND_PROVISION, registered) == expected


@pytest.mark.parametrize("action, expected", [("none", "in sync"), ("update", "differs"), ("create", "no configuration"), ("delete", "differs")])
def test_audit_status_comes_from_the_planned_action(action, expected):
    assert report.status_of(report.KIND_AUDIT, result(action=action, changed=action != "none")) == expected


def test_changed_row_carries_both_fingerprints():
    row = report.row(report.KIND_PROVISION, "tst", result(changed=True, action="update", previous_fingerprint=BEFORE, changes=["ion_api"]))
    assert row == {
        "environment": "tst",
        "tenant": "ACME_TST",
        "config_id": 7,
        "fingerprint_before": BEFORE,
        "fingerprint_after": AFTER,
        "desired_fingerprint": AFTER,
        "status": "changed",
        "action": "update",
        "changes": ["ion_api"],
        "token_check": "not run",
        "connection_test": "not run",
        "error": None,
        "note": None,
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
    assert "2 environment(s), 1 changed, 1 failed (tst)." in lines
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 4
    assert "| tst |" in table[2] and "line one line \\| two" in table[2]
    # Unescaped pipes delimit cells: every line has the same number of them.
    assert len(set(line.replace("\\|", "").count("|") for line in table)) == 1
    assert "sha256:aaaaaaaaaaaa..." in table[3] and "a" * 13 not in table[3]


def test_audit_markdown_names_stored_and_file_fingerprints():
    markdown = report.to_markdown(report.report(report.KIND_AUDIT, [report.row(report.KIND_AUDIT, "tst", result())]))
    assert "| stored -> file |" in markdown
    assert "1 environment(s), 1 in sync." in markdown


TOKEN_CHECK = {"token_endpoint": "https://x/as/token.oauth2", "tenant_claim": "matched", "revoked": True}


def table_of(kind, rows, check_mode=False):
    lines = report.table(report.report(kind, rows, check_mode))
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

    assert title == ".ionapi provisioning summary: 5 environment(s), 2 changed, 1 unchanged, 1 failed (tst), 1 not run"
    assert heading.split() == ["environment", "tenant", "action", "fingerprint", "before", "->", "after", "token", "check", "error"]
    assert lines["dev"].split()[:7] == ["dev", "ACME_TST", "create", "-", "->", "sha256:bbbbbbbbbbbb...", "ok"]
    assert lines["prd"].split()[2:8] == ["update", "sha256:aaaaaaaaaaaa...", "->", "sha256:bbbbbbbbbbbb...", "not", "run"]
    assert lines["qa"].split()[2] == "unchanged" and lines["uat"].split()[:4] == ["uat", "ACME_UAT", "not", "run"]
    assert lines["tst"].split()[2] == "failed" and lines["tst"].endswith(" ".join(long_error.split()))
    assert sum(line.count("end-of-message") for line in lines.values()) == 1
    # Columns line up: every action starts where its heading does.
    column = heading.index("action")
    assert all(line[column:].split()[0] in ("create", "failed", "update", "unchanged", "not") for line in lines.values())


def test_failed_environments_come_first_and_the_header_names_a_few_then_counts():
    names = ["env%03d" % index for index in range(200)]
    failing = set(["env007", "env099", "env150"])
    rows = [report.row(report.KIND_PROVISION, name, {"failed": True, "msg": "boom"} if name in failing else result()) for name in names]

    lines = report.table(report.report(report.KIND_PROVISION, rows))

    assert lines[0].endswith("200 environment(s), 197 unchanged, 3 failed (env007, env099, env150)")
    assert [line.split()[0] for line in lines[2:5]] == ["env007", "env099", "env150"]
    assert [line.split()[0] for line in lines[5:]] == [name for name in names if name not in failing]

    many = [report.row(report.KIND_PROVISION, name, {"failed": True, "msg": "boom"}) for name in names[:12]]
    header = report.table(report.report(report.KIND_PROVISION, many))[0]
    assert header.endswith("12 failed (env000, env001, env002, env003, env004 and 7 more)")


def test_check_mode_is_marked_in_the_title_the_json_the_totals_and_the_words():
    rows = [
        report.row(report.KIND_PROVISION, "dev", result(changed=True, action=ACTION_CREATE, previous_fingerprint=None, config_id=None), check_mode=True),
        report.row(report.KIND_PROVISION, "prd", result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE), check_mode=True),
        report.row(report.KIND_PROVISION, "qa", result(), check_mode=True),
    ]
    document = report.report(report.KIND_PROVISION, rows, check_mode=True)

    assert document["check_mode"] is True
    assert document["totals"] == {"would change": 2, "unchanged": 1, "failed": 0, "not run": 0}
    # Nothing was written: DocBits still stores what it stored.
    assert [line["fingerprint_after"] for line in document["rows"]] == [None, BEFORE, AFTER]
    lines = report.table(document)
    assert lines[0] == ".ionapi provisioning summary (check mode: nothing written): 3 environment(s), 2 would change, 1 unchanged"
    assert lines[1].split()[3:7] == ["fingerprint", "before", "->", "would"]
    words = dict((line.split()[0], line.split()[2:4]) for line in lines[2:])
    assert words == {"dev": ["would", "create"], "prd": ["would", "update"], "qa": ["unchanged", "sha256:bbbbbbbbbbbb..."]}
    markdown = report.to_markdown(document)
    assert markdown.startswith("# .ionapi provisioning summary (check mode: nothing written)\n")
    assert "3 environment(s), 2 would change, 1 unchanged." in markdown and "| would update |" in markdown
    assert json.loads(report.to_json(document))["check_mode"] is True
    assert "changed" not in document["totals"]

    real = report.report(report.KIND_PROVISION, [report.row(report.KIND_PROVISION, "prd", result(changed=True, action=ACTION_UPDATE))])
    assert real["check_mode"] is False and "check mode" not in report.table(real)[0]


def test_table_escapes_control_and_bidi_characters_of_untrusted_text():
    rows = [report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": "DocBits said: \u202eevil\x1b[2J\nnext"}, tenant="ACME\u202eTST")]
    _title, lines, _heading = table_of(report.KIND_PROVISION, rows)
    text = lines["tst"]
    assert "\u202e" not in text and "\x1b" not in text and "\n" not in text
    assert "ACME\\u202eTST" in text and "\\u202eevil\\u001b[2J next" in text


UNTRUSTED = "\u0422\x1b]0;owned\x07\u200b"


def test_docbits_values_are_escaped_in_the_table_markdown_and_json():
    configuration = {
        "id": 1,
        "doc_type": "INV" + UNTRUSTED,
        "export_method": "infor-idm-cloud" + UNTRUSTED,
        "action": "update",
        "changes": ["ion_api"],
        "fingerprint_before": BEFORE,
        "fingerprint_after": AFTER,
    }
    rows = [
        report.row(report.KIND_PROVISION, "tst" + UNTRUSTED, result(tenant="T" + UNTRUSTED, configurations=[configuration], changes=["title" + UNTRUSTED])),
        report.row(report.KIND_PROVISION, "prd", {"failed": True, "msg": "DocBits answered " + UNTRUSTED}),
    ]
    document = report.report(report.KIND_PROVISION, rows)
    table, markdown, text = "\n".join(report.table(document)), report.to_markdown(document), report.to_json(document)
    for shown in (table, markdown, text):
        assert "\x1b" not in shown and "\x07" not in shown and "\u200b" not in shown
    # Whatever errors.printable shows for a value (it may escape every non-ASCII character too), never the raw value.
    for value in ("T" + UNTRUSTED, "tst" + UNTRUSTED, "DocBits answered " + UNTRUSTED):
        assert printable(value) in table and printable(value) in markdown
    for value in ("INV" + UNTRUSTED, "infor-idm-cloud" + UNTRUSTED, "title" + UNTRUSTED):
        assert printable(value) in markdown
    # The JSON text is ASCII, and holds the values as shown.
    assert text.isascii()
    rows = dict((line["environment"], line) for line in json.loads(text)["rows"])
    shown = rows[printable("tst" + UNTRUSTED)]
    assert shown["tenant"] == printable("T" + UNTRUSTED) and shown["changes"] == [printable("title" + UNTRUSTED)]
    assert shown["configurations"][0]["doc_type"] == printable("INV" + UNTRUSTED)
    assert rows["prd"]["error"] == printable("DocBits answered " + UNTRUSTED)


TOKEN_MESSAGES = [
    ("invalid_client", "the client id and secret were refused (invalid_client, HTTP 401)", "invalid_client"),
    ("invalid_grant", "the service account was refused (invalid_grant, HTTP 400)", "invalid_grant"),
    (None, "no answer within 30 s", "no answer within 30 s"),
    (None, "TLS failure (certificate verify failed)", "TLS failure"),
]


@pytest.mark.parametrize("oauth_error, reason, shown", TOKEN_MESSAGES)
def test_token_column_says_why_a_token_check_failed(oauth_error, reason, shown):
    check = TokenCheck(ionapi(), source="files/acme-tst.ionapi")
    message = str(check._error(reason, "download the credentials again", oauth_error))  # pylint: disable=protected-access
    line = report.row(report.KIND_PROVISION, "tst", {"failed": True, "msg": message})
    assert line["token_check"] == "failed (%s)" % shown
    assert line["error"] == message


def test_token_column_says_ok_or_not_run_and_a_failure_elsewhere_is_not_a_token_failure():
    assert report.row(report.KIND_PROVISION, "a", result(token_check=TOKEN_CHECK))["token_check"] == "ok"
    assert report.row(report.KIND_PROVISION, "a", result(token_check=dict(TOKEN_CHECK, revoked=False)))["token_check"] == "ok (not revoked)"
    assert report.row(report.KIND_PROVISION, "a", result())["token_check"] == "not run"
    assert report.row(report.KIND_PROVISION, "a", {"failed": True, "msg": "DocBits refused the API key"})["token_check"] == "not run"
    assert report.row(report.KIND_PROVISION, "a", None)["token_check"] == "not run"


def ionapi():
    return parse_ionapi(json.dumps(make_seeded_ionapi("ACME_TST", seed="report")).encode("utf-8"), source="files/acme-tst.ionapi", expected_tenant="ACME_TST")


def test_audit_table_says_how_each_environment_stands_not_an_action():
    rows = [
        report.row(report.KIND_AUDIT, "tst", result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE, fingerprint=AFTER, changes=["ion_api"])),
        report.row(report.KIND_AUDIT, "dev", result()),
        report.row(report.KIND_AUDIT, "prd", result(changed=True, action=ACTION_CREATE, previous_fingerprint=None, config_id=None)),
    ]
    title, lines, heading = table_of(report.KIND_AUDIT, rows)
    assert title == ".ionapi drift report: 3 environment(s), 1 in sync, 1 differs, 1 no configuration"
    assert heading.split()[2] == "status"
    assert lines["tst"].split()[2:7] == ["differs", "(ion_api)", "sha256:aaaaaaaaaaaa...", "->", "sha256:bbbbbbbbbbbb..."]
    assert lines["dev"].split()[2:4] == ["in", "sync"] and lines["prd"].split()[2:4] == ["no", "configuration"]
    text = "\n".join(report.table(report.report(report.KIND_AUDIT, rows)))
    assert "update" not in text and "create" not in text and "Make DocBits" not in text


def test_rotation_has_its_own_title_words_and_connection_test():
    verified = {"connected": True, "message": "Connection OK", "configurations": [{"id": 7, "connected": True, "message": "Connection OK"}]}
    unavailable = {"available": False, "connected": None, "message": "HTTP 503 from DocBits", "configurations": []}
    rows = [
        report.row(
            report.KIND_ROTATION, "dev", result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE, token_check=TOKEN_CHECK, verification=verified)
        ),
        report.row(
            report.KIND_ROTATION,
            "tst",
            result(changed=True, action=ACTION_UPDATE, previous_fingerprint=BEFORE, token_check=TOKEN_CHECK, verification=unavailable),
        ),
        report.row(report.KIND_ROTATION, "qa", result(token_check=TOKEN_CHECK)),
    ]
    title, lines, heading = table_of(report.KIND_ROTATION, rows)
    assert title == ".ionapi rotation: 3 environment(s), 2 changed, 1 unchanged"
    assert "provisioning" not in title and "connection test" in heading
    assert lines["dev"].split()[2:8] == ["rotated", "sha256:aaaaaaaaaaaa...", "->", "sha256:bbbbbbbbbbbb...", "ok", "connected"]
    # DocBits could not run its test: the upload stands, the row says so, nothing failed.
    assert lines["tst"].split()[2:9] == ["rotated", "sha256:aaaaaaaaaaaa...", "->", "sha256:bbbbbbbbbbbb...", "ok", "test", "unavailable"]
    assert "HTTP 503 from DocBits" in lines["tst"] and "test it in DocBits" in lines["tst"]
    assert lines["qa"].split()[2:4] == ["already", "current"]
    document = report.report(report.KIND_ROTATION, rows)
    assert document["rows"][1]["status"] == "changed" and document["rows"][1]["connection_test"] == "test unavailable"
    assert document["rows"][1]["fingerprint_after"] == AFTER


def test_check_table_shows_the_file_fingerprint_and_status():
    rows = [
        report.row(report.KIND_CHECK, "tst", {"fingerprint": AFTER, "tenant": "ACME_TST", "token_check": dict(TOKEN_CHECK, revoked=False)}),
        report.row(report.KIND_CHECK, "prd", {"failed": True, "msg": "bad"}, tenant="ACME_PRD"),
    ]
    title, lines, _heading = table_of(report.KIND_CHECK, rows)
    assert title.endswith("1 ok, 1 failed (prd)")
    assert lines["tst"].split() == ["tst", "ACME_TST", "ok", "sha256:bbbbbbbbbbbb...", "ok", "(not", "revoked)"]
    assert lines["prd"].split() == ["prd", "ACME_PRD", "failed", "-", "not", "run", "bad"]


def test_an_environment_on_the_default_url_says_so_in_its_row_and_the_table():
    row = report.row(report.KIND_PROVISION, "tst", result(changed=True, action="update", previous_fingerprint=BEFORE, docbits_url_default=True))
    assert row["note"] == "no docbits_url: the default DocBits URL was used"
    table = report.table(report.report(report.KIND_PROVISION, [row]))
    assert [line for line in table if line.startswith("tst ") and line.endswith("no docbits_url: the default DocBits URL was used")]
