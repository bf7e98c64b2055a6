# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run reports over many environments: rows from the registered docbits.infor.ionapi results,
rendered as JSON and Markdown. Pure: no I/O, no Ansible objects."""

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
KIND_AUDIT = "audit"
# A read-only check per environment (validate_ionapi.yml, info_ionapi.yml): it passed or failed.
KIND_CHECK = "check"
KINDS = (KIND_PROVISION, KIND_AUDIT, KIND_CHECK)

STATUS_FAILED = "failed"
STATUS_NOT_RUN = "not run"
# Audit with liveness: DocBits stores a file that gets no token (its exports stop); listed first.
STATUS_DEAD = "dead"
# Status per kind of report; the order is the order of the totals.
STATUSES = {
    KIND_PROVISION: ("changed", "unchanged", STATUS_FAILED, STATUS_NOT_RUN),
    KIND_AUDIT: (STATUS_DEAD, "in sync", "differs", "no configuration", STATUS_FAILED, STATUS_NOT_RUN),
    KIND_CHECK: ("ok", STATUS_FAILED, STATUS_NOT_RUN),
}
_AUDIT_STATUS_OF_ACTION = {ACTION_NONE: "in sync", ACTION_UPDATE: "differs", ACTION_CREATE: "no configuration", ACTION_DELETE: "differs"}
# Per Infor export of an audit: a stale copy of the file is "another file"; other attributes "differs".
_AUDIT_STATUS_OF_CONFIGURATION = {ACTION_NONE: "in sync", ACTION_CREATE: "no configuration", ACTION_REMOVE_DUPLICATE: "duplicate",
                                  ACTION_DELETE: "differs"}
# The action column of the run's table: what was (in check mode: would be) done.
_ACTION_WORDS = {ACTION_NONE: "unchanged", ACTION_CREATE: "create", ACTION_UPDATE: "update", ACTION_DELETE: "delete"}

TITLES = {
    KIND_PROVISION: ".ionapi provisioning summary",
    KIND_AUDIT: ".ionapi drift report",
    KIND_CHECK: ".ionapi check",
}
_FIRST_COLUMNS = (("environment", "environment"), ("tenant", "tenant"), ("config id", "config_id"))
_LAST_COLUMNS = (("status", "status"), ("changes", "changes"), ("error", "error"))
COLUMNS = {
    KIND_PROVISION: _FIRST_COLUMNS + (("fingerprint before", "fingerprint_before"), ("fingerprint after", "fingerprint_after")) + _LAST_COLUMNS,
    KIND_AUDIT: _FIRST_COLUMNS + (("stored fingerprint", "fingerprint_before"), ("file fingerprint", "desired_fingerprint")) + _LAST_COLUMNS,
    KIND_CHECK: _FIRST_COLUMNS + (("file fingerprint", "desired_fingerprint"), ("token check", "token_check")) + _LAST_COLUMNS,
}
CONFIGURATION_COLUMNS = (("config id", "id"), ("document type", "doc_type"), ("export method", "export_method"),
                         ("fingerprint before", "fingerprint_before"), ("fingerprint after", "fingerprint_after"), ("status", "status"),
                         ("liveness", "liveness"), ("fix", "fix"))
# Enough of a fingerprint to tell files apart in a table; the JSON keeps the whole value.
SHORT_FINGERPRINT = len("sha256:") + 12


def status_of(kind, result):
    if not isinstance(result, dict):
        return STATUS_NOT_RUN
    if result.get("failed") and kind == KIND_AUDIT and any(_is_dead(entry) for entry in result.get("configurations") or []):
        return STATUS_DEAD
    if result.get("failed"):
        return STATUS_FAILED
    if result.get("skipped"):
        return STATUS_NOT_RUN
    if kind == KIND_AUDIT:
        return _AUDIT_STATUS_OF_ACTION.get(result.get("action"), "in sync")
    if kind == KIND_CHECK:
        return "ok"
    return "changed" if result.get("changed") else "unchanged"


def _is_dead(entry):
    return isinstance(entry.get("liveness"), dict) and entry["liveness"].get("alive") is False


def configuration_status(kind, entry):
    """One Infor export's status: what was (or would be) done to it; in an audit, how it stands."""
    if kind != KIND_AUDIT:
        return entry.get("action")
    if _is_dead(entry):
        return STATUS_DEAD
    if entry.get("action") == ACTION_UPDATE:
        return "another file" if CHANGE_ION_API in (entry.get("changes") or []) else "differs"
    return _AUDIT_STATUS_OF_CONFIGURATION.get(entry.get("action"), "in sync")


def configuration_rows(kind, result):
    """Per Infor export of one environment: id, type, method, fingerprints, action, status, liveness."""
    rows = []
    for entry in result.get("configurations") or []:
        liveness = entry.get("liveness") if isinstance(entry.get("liveness"), dict) else None
        rows.append({
            "id": entry.get("id"),
            "doc_type": entry.get("doc_type"),
            "export_method": entry.get("export_method"),
            "fingerprint_before": entry.get("fingerprint_before"),
            "fingerprint_after": entry.get("fingerprint_after"),
            "action": entry.get("action"),
            "status": configuration_status(kind, entry),
            "liveness": None if liveness is None else ("alive" if liveness.get("alive") else "dead: %s" % liveness.get("reason")),
            "fix": liveness.get("fix") if liveness is not None and not liveness.get("alive") else None,
        })
    return rows


def token_check_of(result):
    """How the file's token check went, in a word: a failed check is the environment's error."""
    check = result.get("token_check")
    if not isinstance(check, dict):
        return None
    return "ok" + ("" if check.get("revoked", True) else " (not revoked)")


def row(kind, environment, result, tenant=None):
    """One environment's line: its registered result (None when the task never ran for it)."""
    result = result if isinstance(result, dict) else {}
    status = status_of(kind, result or None)
    failed = status == STATUS_FAILED
    after = None
    if not failed and status != STATUS_NOT_RUN and kind != KIND_CHECK:
        # What DocBits carries after the task: the desired file, unless it was removed.
        after = result.get("previous_fingerprint") if kind == KIND_AUDIT else (
            None if result.get("action") == ACTION_DELETE else result.get("fingerprint"))
    line = {
        "environment": environment,
        "tenant": result.get("tenant") or tenant,
        "config_id": result.get("config_id"),
        "fingerprint_before": result.get("previous_fingerprint"),
        "fingerprint_after": after,
        "desired_fingerprint": result.get("fingerprint"),
        "status": status,
        "action": result.get("action"),
        "changes": list(result.get("changes") or []),
        "token_check": token_check_of(result),
        "error": str(result.get("msg")) if status in (STATUS_FAILED, STATUS_DEAD) and result.get("msg") else None,
        "configurations": configuration_rows(kind, result),
    }
    if isinstance(result.get("retire"), dict):
        # What a rotation leaves to retire in Infor ION API (module_utils/rotation.py), secret-free.
        line["retire"] = result["retire"]
    return line


def totals(kind, rows):
    counts = dict((status, 0) for status in STATUSES[kind])
    for line in rows:
        counts[line["status"]] = counts.get(line["status"], 0) + 1
    return counts


def by_status(kind, rows):
    """The environments of each status that has any, in the order of STATUSES."""
    grouped = dict((status, [line["environment"] for line in rows if line["status"] == status]) for status in STATUSES[kind])
    return dict((status, names) for status, names in grouped.items() if names)


def report(kind, rows):
    # Dead tenants first: they are what a scheduled audit is for.
    rows = sorted(rows, key=lambda line: line["status"] != STATUS_DEAD)
    return {"kind": kind, "title": TITLES[kind], "environments": len(rows), "totals": totals(kind, rows),
            "by_status": by_status(kind, rows), "rows": rows}


def to_json(document):
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _cell(value):
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    text = str(value)
    if text.startswith("sha256:") and len(text) > SHORT_FINGERPRINT:
        text = text[:SHORT_FINGERPRINT] + "…"
    # A cell is one line, and a pipe would end it.
    return " ".join(text.split()).replace("|", "\\|")


def _retire_summary(line):
    """What a rotation left to retire (or found retired already); None when the credentials did not change."""
    retire = line.get("retire")
    return retire["summary"] if retire and retire.get("change") != "none" else None


def to_markdown(document):
    columns = COLUMNS[document["kind"]]
    counts = ", ".join("%d %s" % (count, status) for status, count in document["totals"].items() if count)
    lines = [
        "# %s" % document["title"],
        "",
        "%d environment(s): %s." % (document["environments"], counts or "none"),
        "",
        "| %s |" % " | ".join(heading for heading, _key in columns),
        "|%s|" % "|".join("---" for _column in columns),
    ]
    for line in document["rows"]:
        lines.append("| %s |" % " | ".join(_cell(line[key]) for _heading, key in columns))
    retiring = [line for line in document["rows"] if _retire_summary(line)]
    if retiring:
        lines += ["", "## Retire in Infor ION API", ""]
        lines += ["- %s: %s" % (_cell(line["environment"]), _cell(_retire_summary(line))) for line in retiring]
    configurations = [(line["environment"], entry) for line in document["rows"] for entry in line.get("configurations") or []]
    if configurations:
        headings = [heading for heading, _key in CONFIGURATION_COLUMNS]
        lines += ["", "## Infor export configurations", "", "| environment | %s |" % " | ".join(headings),
                  "|%s|" % "|".join("---" for _column in range(len(headings) + 1))]
        for environment, entry in configurations:
            lines.append("| %s | %s |" % (_cell(environment), " | ".join(_cell(entry[key]) for _heading, key in CONFIGURATION_COLUMNS)))
    return "\n".join(lines) + "\n"


def _short(fingerprint):
    if not fingerprint:
        return "-"
    return fingerprint[:SHORT_FINGERPRINT] + "…" if len(fingerprint) > SHORT_FINGERPRINT else fingerprint


def _table_action(kind, line):
    if line["status"] in (STATUS_FAILED, STATUS_NOT_RUN, STATUS_DEAD) or kind == KIND_CHECK:
        return line["status"]
    return _ACTION_WORDS.get(line["action"], line["action"] or line["status"])


def _table_fingerprints(kind, line):
    if kind == KIND_CHECK:
        return _short(line["desired_fingerprint"])
    # Audit: what DocBits stores -> what the file would make it store.
    after = line["desired_fingerprint"] if kind == KIND_AUDIT else line["fingerprint_after"]
    return "%s -> %s" % (_short(line["fingerprint_before"]), _short(after))


def table(document):
    """The run at a glance, one line per environment, as plain text lines: what a person reads at
    the end of a run. Untrusted text is escaped; each error is shown once, whole, in the last column."""
    kind = document["kind"]
    headings = ("environment", "tenant", "action", "fingerprint" if kind == KIND_CHECK else "fingerprint before -> after", "token check", "error")
    cells = [headings]
    for line in document["rows"]:
        cells.append((
            printable(line["environment"]),
            printable(line["tenant"] or "-"),
            _table_action(kind, line),
            _table_fingerprints(kind, line),
            line.get("token_check") or "-",
            printable(" ".join(line["error"].split())) if line["error"] else (
                "retire: " + printable(_retire_summary(line)) if _retire_summary(line) else ""),
        ))
    widths = [max(len(row[index]) for row in cells) for index in range(len(headings) - 1)]
    counts = ", ".join("%d %s" % (count, status) for status, count in document["totals"].items() if count)
    lines = ["%s: %d environment(s), %s" % (document["title"], document["environments"], counts or "none")]
    for row in cells:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return [text.rstrip() for text in lines]
