# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Run reports over many environments: rows from the registered docbits.infor results, rendered as
JSON, Markdown and the table printed at the end of a run. Pure: no I/O, no Ansible objects.

Every text that comes from DocBits, a file or the inventory goes through errors.printable when the
row is made, so the JSON, the Markdown and the table show control, invisible (and, as printable
escapes them, non-ASCII) characters as escapes, never raw."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import (
    ACTION_CREATE,
    ACTION_DELETE,
    ACTION_NONE,
    ACTION_REMOVE_DUPLICATE,
    ACTION_UPDATE,
    CHANGE_ION_API,
)

KIND_PROVISION = "provision"
# provision_ionapi.yml's task, run by rotate_ionapi.yml: its own title and words.
KIND_ROTATION = "rotation"
KIND_AUDIT = "audit"
# info_ionapi.yml: what each environment stores, compared with its own file.
KIND_INFO = "info"
# A read-only check per environment (validate_ionapi.yml): it passed or failed.
KIND_CHECK = "check"
KINDS = (KIND_PROVISION, KIND_ROTATION, KIND_AUDIT, KIND_INFO, KIND_CHECK)
# Kinds whose task writes to DocBits: their check-mode report says "would".
WRITING_KINDS = (KIND_PROVISION, KIND_ROTATION)

STATUS_CHANGED = "changed"
STATUS_WOULD_CHANGE = "would change"
STATUS_UNCHANGED = "unchanged"
STATUS_FAILED = "failed"
STATUS_NOT_RUN = "not run"
# Audit with liveness: DocBits stores a file that gets no token (its exports stop); listed first.
STATUS_DEAD = "dead"
STATUS_IN_SYNC = "in sync"
STATUS_ANOTHER_FILE = "another file"
STATUS_NO_CONFIGURATION = "no configuration"
# Info without a local file to compare with.
STATUS_NOT_COMPARED = "not compared"
# Status per kind of report; the order is the order of the totals.
STATUSES = {
    KIND_PROVISION: (STATUS_CHANGED, STATUS_UNCHANGED, STATUS_FAILED, STATUS_NOT_RUN),
    KIND_ROTATION: (STATUS_CHANGED, STATUS_UNCHANGED, STATUS_FAILED, STATUS_NOT_RUN),
    KIND_AUDIT: (STATUS_DEAD, STATUS_IN_SYNC, "differs", STATUS_NO_CONFIGURATION, STATUS_FAILED, STATUS_NOT_RUN),
    KIND_INFO: (STATUS_IN_SYNC, STATUS_ANOTHER_FILE, STATUS_NO_CONFIGURATION, STATUS_NOT_COMPARED, STATUS_FAILED, STATUS_NOT_RUN),
    KIND_CHECK: ("ok", STATUS_FAILED, STATUS_NOT_RUN),
}
# Listed first in every table, and named in its header: what a person must act on.
ALARMING = (STATUS_DEAD, STATUS_FAILED)
# Environments named in a header per alarming status; the rest is a count.
NAMED_IN_HEADER = 5
_AUDIT_STATUS_OF_ACTION = {ACTION_NONE: STATUS_IN_SYNC, ACTION_UPDATE: "differs", ACTION_CREATE: STATUS_NO_CONFIGURATION, ACTION_DELETE: "differs"}
# Per Infor export of an audit: a stale copy of the file is "another file"; other attributes "differs".
_AUDIT_STATUS_OF_CONFIGURATION = {
    ACTION_NONE: STATUS_IN_SYNC,
    ACTION_CREATE: STATUS_NO_CONFIGURATION,
    ACTION_REMOVE_DUPLICATE: "duplicate",
    ACTION_DELETE: "differs",
}
# The action column: what was done (in check mode: "would" and the verb).
_ACTION_WORDS = {
    KIND_PROVISION: {ACTION_NONE: "unchanged", ACTION_CREATE: "create", ACTION_UPDATE: "update", ACTION_DELETE: "delete"},
    KIND_ROTATION: {ACTION_NONE: "already current", ACTION_CREATE: "installed", ACTION_UPDATE: "rotated", ACTION_DELETE: "removed"},
}
_CHECK_MODE_WORDS = {
    KIND_PROVISION: {ACTION_NONE: "unchanged", ACTION_CREATE: "would create", ACTION_UPDATE: "would update", ACTION_DELETE: "would delete"},
    KIND_ROTATION: {ACTION_NONE: "already current", ACTION_CREATE: "would install", ACTION_UPDATE: "would rotate", ACTION_DELETE: "would remove"},
}

TITLES = {
    KIND_PROVISION: ".ionapi provisioning summary",
    KIND_ROTATION: ".ionapi rotation",
    KIND_AUDIT: ".ionapi drift report",
    KIND_INFO: ".ionapi files stored in DocBits",
    KIND_CHECK: ".ionapi check",
}
CHECK_MODE_MARK = " (check mode: nothing written)"
# Token and connection-test words: a check that was not asked for (or never reached) is not run.
NOT_RUN = "not run"
TEST_UNAVAILABLE = "test unavailable"
# Enough of a fingerprint to tell files apart in a table; the JSON keeps the whole value.
SHORT_FINGERPRINT = len("sha256:") + 12


def _text(value):
    """A DocBits-, file- or inventory-derived text as it may be shown, on one line (other values stay as they are)."""
    return printable(" ".join(value.split())) if isinstance(value, str) else value


def status_of(kind, result, check_mode=False):
    if not isinstance(result, dict):
        return STATUS_NOT_RUN
    if result.get("failed") and kind == KIND_AUDIT and any(_is_dead(entry) for entry in result.get("configurations") or []):
        return STATUS_DEAD
    if result.get("failed"):
        return STATUS_FAILED
    if result.get("skipped"):
        return STATUS_NOT_RUN
    if kind == KIND_AUDIT:
        return _AUDIT_STATUS_OF_ACTION.get(result.get("action"), STATUS_IN_SYNC)
    if kind == KIND_CHECK:
        return "ok"
    if not result.get("changed"):
        return STATUS_UNCHANGED
    return STATUS_WOULD_CHANGE if check_mode else STATUS_CHANGED


def statuses(kind, check_mode=False):
    if check_mode and kind in WRITING_KINDS:
        return tuple(STATUS_WOULD_CHANGE if status == STATUS_CHANGED else status for status in STATUSES[kind])
    return STATUSES[kind]


def _is_dead(entry):
    return isinstance(entry.get("liveness"), dict) and entry["liveness"].get("alive") is False


def configuration_status(kind, entry):
    """One Infor export's status: what was (or would be) done to it; in an audit, how it stands."""
    if kind != KIND_AUDIT:
        return entry.get("action")
    if _is_dead(entry):
        return STATUS_DEAD
    if entry.get("action") == ACTION_UPDATE:
        return STATUS_ANOTHER_FILE if CHANGE_ION_API in (entry.get("changes") or []) else "differs"
    return _AUDIT_STATUS_OF_CONFIGURATION.get(entry.get("action"), STATUS_IN_SYNC)


def configuration_rows(kind, result):
    """Per Infor export of one environment: id, type, method, fingerprints, action, status, liveness."""
    rows = []
    for entry in result.get("configurations") or []:
        liveness = entry.get("liveness") if isinstance(entry.get("liveness"), dict) else None
        rows.append(
            {
                "id": _text(entry.get("id")),
                "doc_type": _text(entry.get("doc_type")),
                "export_method": _text(entry.get("export_method")),
                "fingerprint_before": _text(entry.get("fingerprint_before")),
                "fingerprint_after": _text(entry.get("fingerprint_after")),
                "action": entry.get("action"),
                "status": configuration_status(kind, entry),
                "liveness": None if liveness is None else ("alive" if liveness.get("alive") else "dead: %s" % printable(liveness.get("reason"))),
                "fix": _text(liveness.get("fix")) if liveness is not None and not liveness.get("alive") else None,
            }
        )
    return rows


def stored_file_rows(result, local_fingerprint):
    """info: per Infor export, the file it stores and whether that is the environment's own file."""
    rows = []
    for entry in result.get("configurations") or []:
        stored = entry.get("ionapi") if isinstance(entry.get("ionapi"), dict) else None
        fingerprint = stored.get("fingerprint") if stored is not None else None
        is_local = fingerprint is not None and fingerprint == local_fingerprint
        rows.append(
            {
                "id": _text(entry.get("id")),
                "doc_type": _text(entry.get("doc_type")),
                "export_method": _text(entry.get("export_method")),
                "title": _text(entry.get("title")),
                "is_active": entry.get("is_active"),
                "fingerprint": _text(fingerprint),
                "is_local_file": is_local if local_fingerprint else None,
                "status": (
                    "no file" if fingerprint is None else ("local file" if is_local else ("not compared" if not local_fingerprint else STATUS_ANOTHER_FILE))
                ),
            }
        )
    return rows


def _info_status(stored_files, local_fingerprint):
    if not stored_files:
        return STATUS_NO_CONFIGURATION
    if not local_fingerprint:
        return STATUS_NOT_COMPARED
    return STATUS_IN_SYNC if any(entry["is_local_file"] for entry in stored_files) else STATUS_ANOTHER_FILE


# The messages of infor_token.TokenCheckError ("<file>: no token from <url>: <reason>; <advice>",
# or the tenant claim's): a failed result carries no other sign of which check failed.
_NO_TOKEN = ": no token from "
_WRONG_TENANT_TOKEN = " is for tenant "
_OAUTH_ERRORS = ("invalid_client", "invalid_grant")


def _token_failure(message):
    """The reason a token check failed, in a few words, or None when the failure is another one."""
    if _NO_TOKEN in message:
        reason = message.split(_NO_TOKEN, 1)[1].split(": ", 1)[-1].split("; ", 1)[0]
        code = next((code for code in _OAUTH_ERRORS if code in reason), None)
        return code or reason.split(" (", 1)[0].strip()
    if ": the token from " in message and _WRONG_TENANT_TOKEN in message:
        return "token of another tenant"
    return None


def token_check_of(result):
    """ok, ok (not revoked), failed (reason) or not run: a failed check is also the environment's error."""
    check = result.get("token_check")
    if isinstance(check, dict):
        return "ok" + ("" if check.get("revoked", True) else " (not revoked)")
    if result.get("failed"):
        reason = _token_failure(str(result.get("msg") or ""))
        if reason is not None:
            return "failed (%s)" % printable(reason)
    return NOT_RUN


def connection_test_of(result):
    """DocBits' test of the uploaded file: connected, not connected, test unavailable (the upload stands) or not run."""
    verification = result.get("verification")
    if not isinstance(verification, dict):
        return NOT_RUN
    if verification.get("available") is False:
        return TEST_UNAVAILABLE
    return "connected" if verification.get("connected") else "not connected"


def _note(result):
    """What a person must still know of an environment that did not fail: a connection DocBits could not
    test, the default DocBits URL used for want of docbits_url."""
    notes = []
    verification = result.get("verification")
    if isinstance(verification, dict) and verification.get("available") is False:
        said = verification.get("message")
        notes.append(
            "DocBits could not test the connection%s: the new file stands; test it in DocBits (Test connection)" % (" (%s)" % printable(said) if said else "")
        )
    if result.get("docbits_url_default"):
        notes.append("no docbits_url: the default DocBits URL was used")
    return "; ".join(notes) or None


def row(kind, environment, result, tenant=None, check_mode=False):
    """One environment's line: its registered result (None when the task never ran for it).

    info: `result` is the ionapi_info result, which carries the fingerprint of the environment's own
    file when it has one (a failure reading it is the environment's)."""
    result = result if isinstance(result, dict) else {}
    status = status_of(kind, result or None, check_mode)
    failed = status == STATUS_FAILED
    line = {
        "environment": _text(environment),
        "tenant": _text(result.get("tenant") or tenant),
        "config_id": _text(result.get("config_id")),
        "fingerprint_before": _text(result.get("previous_fingerprint")),
        "fingerprint_after": None,
        "desired_fingerprint": _text(result.get("fingerprint")),
        "status": status,
        "action": result.get("action"),
        "changes": [_text(change) for change in result.get("changes") or []],
        "token_check": token_check_of(result),
        "connection_test": connection_test_of(result),
        "error": _text(str(result.get("msg"))) if status in ALARMING and result.get("msg") else None,
        "note": _note(result),
        # info's are the stored files, below.
        "configurations": [] if kind == KIND_INFO else configuration_rows(kind, result),
    }
    if kind == KIND_INFO and status not in (STATUS_FAILED, STATUS_NOT_RUN):
        local_fingerprint = result.get("fingerprint")
        stored_files = stored_file_rows(result, local_fingerprint)
        line.update(status=_info_status(stored_files, local_fingerprint), configurations=stored_files)
    elif not failed and status != STATUS_NOT_RUN and kind not in (KIND_CHECK, KIND_INFO):
        # What DocBits carries after the task: the desired file, unless it was removed.
        line["fingerprint_after"] = (
            line["fingerprint_before"] if kind == KIND_AUDIT or check_mode else (None if result.get("action") == ACTION_DELETE else line["desired_fingerprint"])
        )
    if isinstance(result.get("retire"), dict):
        # What a rotation leaves to retire in Infor ION API (module_utils/rotation.py), secret-free.
        line["retire"] = result["retire"]
    return line


def totals(kind, rows, check_mode=False):
    counts = dict((status, 0) for status in statuses(kind, check_mode))
    for line in rows:
        counts[line["status"]] = counts.get(line["status"], 0) + 1
    return counts


def by_status(kind, rows, check_mode=False):
    """The environments of each status that has any, in the order of the totals."""
    grouped = dict((status, [line["environment"] for line in rows if line["status"] == status]) for status in statuses(kind, check_mode))
    return dict((status, names) for status, names in grouped.items() if names)


def ordered(rows):
    """Dead, then failed environments first (what to act on); the others keep their inventory order."""
    return sorted(rows, key=lambda line: ALARMING.index(line["status"]) if line["status"] in ALARMING else len(ALARMING))


def report(kind, rows, check_mode=False):
    """The whole document of a run. `check_mode`: the task ran in check mode (an audit always does)."""
    check_mode = bool(check_mode) or kind == KIND_AUDIT
    rows = ordered(rows)
    title = TITLES[kind] + (CHECK_MODE_MARK if check_mode and kind in WRITING_KINDS else "")
    return {
        "kind": kind,
        "title": title,
        "check_mode": check_mode,
        "environments": len(rows),
        "totals": totals(kind, rows, check_mode),
        "by_status": by_status(kind, rows, check_mode),
        "rows": rows,
    }


def to_json(document):
    # ensure_ascii: whatever printable leaves, the text of the file is ASCII.
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def _named(names):
    shown = ", ".join(names[:NAMED_IN_HEADER])
    return shown + (" and %d more" % (len(names) - NAMED_IN_HEADER) if len(names) > NAMED_IN_HEADER else "")


def summary(document):
    """ "3 environment(s), 197 unchanged, 3 failed (a, b, c)": the counts, naming what to act on."""
    counts = []
    for status, count in document["totals"].items():
        if count:
            names = document["by_status"].get(status) if status in ALARMING else None
            counts.append("%d %s" % (count, status) + (" (%s)" % _named(names) if names else ""))
    return "%d environment(s), %s" % (document["environments"], ", ".join(counts) or "none")


def _short(fingerprint):
    if not fingerprint:
        return "-"
    return fingerprint[:SHORT_FINGERPRINT] + "..." if len(fingerprint) > SHORT_FINGERPRINT else fingerprint


def _words(kind, line, check_mode):
    """What happened to the environment, in the words of its kind of report."""
    if line["status"] in (STATUS_FAILED, STATUS_NOT_RUN, STATUS_DEAD) or kind not in WRITING_KINDS:
        if kind == KIND_AUDIT and line["status"] == "differs":
            # Which attributes drift, so "differs" is never mistaken for an action taken.
            return "differs (%s)" % ", ".join(line["changes"]) if line["changes"] else "differs"
        return line["status"]
    words = (_CHECK_MODE_WORDS if check_mode else _ACTION_WORDS)[kind]
    return words.get(line["action"], line["action"] or line["status"])


def _fingerprints(kind, line, check_mode):
    if kind == KIND_CHECK:
        return _short(line["desired_fingerprint"])
    if kind == KIND_INFO:
        stored = ", ".join(
            "%s %s%s" % (entry["id"], _short(entry["fingerprint"]), " (file)" if entry["is_local_file"] else "") for entry in line["configurations"]
        )
        return "file %s; stored: %s" % (_short(line["desired_fingerprint"]), stored or "-")
    # Audit and check mode: what DocBits stores -> what the file would make it store.
    would_be = None if line["action"] == ACTION_DELETE or line["status"] in (STATUS_FAILED, STATUS_NOT_RUN) else line["desired_fingerprint"]
    after = would_be if check_mode else line["fingerprint_after"]
    return "%s -> %s" % (_short(line["fingerprint_before"]), _short(after))


def _retire_summary(line):
    """What a rotation left to retire (or found retired already); None when the credentials did not change."""
    retire = line.get("retire")
    return printable(retire["summary"]) if retire and retire.get("change") != "none" else None


def _error_or_note(line):
    retire = _retire_summary(line)
    return " ".join((line["error"] or line["note"] or ("retire: " + retire if retire else "")).split())


def _has_connection_tests(document):
    return document["kind"] == KIND_ROTATION or any(line["connection_test"] != NOT_RUN for line in document["rows"])


def columns(document):
    """(heading, cell) of each column: cell(line) -> text. The last column (error) is shown whole.

    A further per-environment detail (say, what to retire in ION API) is one more entry here."""
    kind = document["kind"]
    check_mode = document.get("check_mode", False)
    fingerprint_heading = {KIND_CHECK: "fingerprint", KIND_INFO: "fingerprints (stored per config id)", KIND_AUDIT: "stored -> file"}.get(
        kind, "fingerprint before -> would be" if check_mode else "fingerprint before -> after"
    )
    chosen = [
        ("environment", lambda line: line["environment"]),
        ("tenant", lambda line: line["tenant"] or "-"),
        ("action" if kind in WRITING_KINDS else "status", lambda line: _words(kind, line, check_mode)),
        (fingerprint_heading, lambda line: _fingerprints(kind, line, check_mode)),
    ]
    if kind in (KIND_PROVISION, KIND_ROTATION, KIND_CHECK):
        chosen.append(("token check", lambda line: line["token_check"]))
    if kind in WRITING_KINDS and _has_connection_tests(document):
        chosen.append(("connection test", lambda line: line["connection_test"]))
    chosen.append(("error", _error_or_note))
    return chosen


def _cell(value):
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    text = printable(value)
    if text.startswith("sha256:") and len(text) > SHORT_FINGERPRINT and " " not in text:
        text = _short(text)
    # A cell is one line, and a pipe would end it.
    return " ".join(text.split()).replace("|", "\\|")


def _configuration_columns(kind):
    if kind == KIND_INFO:
        return (
            ("config id", "id"),
            ("document type", "doc_type"),
            ("export method", "export_method"),
            ("active", "is_active"),
            ("stored fingerprint", "fingerprint"),
            ("status", "status"),
        )
    # An audit wrote nothing: what is stored, and what the file would make it store.
    before, after = ("stored fingerprint", "file fingerprint") if kind == KIND_AUDIT else ("fingerprint before", "fingerprint after")
    return (
        ("config id", "id"),
        ("document type", "doc_type"),
        ("export method", "export_method"),
        (before, "fingerprint_before"),
        (after, "fingerprint_after"),
        ("status", "status"),
        ("liveness", "liveness"),
        ("fix", "fix"),
    )


def to_markdown(document):
    kind = document["kind"]
    chosen = columns(document)
    if kind in WRITING_KINDS:
        chosen.insert(-1, ("changes", lambda line: line["changes"]))
    lines = [
        "# %s" % document["title"],
        "",
        "%s." % summary(document),
        "",
        "| %s |" % " | ".join(heading for heading, _cell_of in chosen),
        "|%s|" % "|".join("---" for _column in chosen),
    ]
    for line in document["rows"]:
        lines.append("| %s |" % " | ".join(_cell(cell_of(line)) for _heading, cell_of in chosen))
    retiring = [line for line in document["rows"] if _retire_summary(line)]
    if retiring:
        lines += ["", "## Retire in Infor ION API", ""]
        lines += ["- %s: %s" % (_cell(line["environment"]), _cell(_retire_summary(line))) for line in retiring]
    configurations = [(line["environment"], entry) for line in document["rows"] for entry in line.get("configurations") or []]
    if configurations:
        configuration_columns = _configuration_columns(kind)
        headings = [heading for heading, _key in configuration_columns]
        lines += [
            "",
            "## Infor export configurations",
            "",
            "| environment | %s |" % " | ".join(headings),
            "|%s|" % "|".join("---" for _column in range(len(headings) + 1)),
        ]
        for environment, entry in configurations:
            lines.append("| %s | %s |" % (_cell(environment), " | ".join(_cell(entry[key]) for _heading, key in configuration_columns)))
    return "\n".join(lines) + "\n"


def table(document, scope=None):
    """The environments at a glance, one line each, as plain text lines: what a person reads at the
    end of a run (or of a batch: `scope` says which). Each error is shown once, whole, in the last column."""
    chosen = columns(document)
    cells = [tuple(heading for heading, _cell_of in chosen)]
    for line in document["rows"]:
        cells.append(tuple(printable(cell_of(line)) for _heading, cell_of in chosen))
    widths = [max(len(cell_row[index]) for cell_row in cells) for index in range(len(chosen) - 1)]
    lines = ["%s%s: %s" % (document["title"], " (%s)" % scope if scope else "", summary(document))]
    for cell_row in cells:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(cell_row, widths)) + "  " + cell_row[-1])
    return [text.rstrip() for text in lines]


def run_total(document):
    """The last line of a run in batches: the whole run's counts, naming its failures."""
    return "%s (whole run): %s" % (document["title"], summary(document))
