# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run reports over many environments: rows from the registered docbits.infor.ionapi results,
rendered as JSON and Markdown. Pure: no I/O, no Ansible objects."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

KIND_PROVISION = "provision"
KIND_AUDIT = "audit"

# Status per kind of report; the order is the order of the totals.
STATUSES = {
    KIND_PROVISION: ("changed", "unchanged", "failed", "not run"),
    KIND_AUDIT: ("in sync", "differs", "no configuration", "failed", "not run"),
}
_AUDIT_STATUS_OF_ACTION = {"none": "in sync", "update": "differs", "create": "no configuration", "delete": "differs"}

TITLES = {
    KIND_PROVISION: ".ionapi provisioning summary",
    KIND_AUDIT: ".ionapi drift report",
}
_FIRST_COLUMNS = (("environment", "environment"), ("tenant", "tenant"), ("config id", "config_id"))
_LAST_COLUMNS = (("status", "status"), ("changes", "changes"), ("error", "error"))
COLUMNS = {
    KIND_PROVISION: _FIRST_COLUMNS + (("fingerprint before", "fingerprint_before"), ("fingerprint after", "fingerprint_after")) + _LAST_COLUMNS,
    KIND_AUDIT: _FIRST_COLUMNS + (("stored fingerprint", "fingerprint_before"), ("file fingerprint", "desired_fingerprint")) + _LAST_COLUMNS,
}
# Enough of a fingerprint to tell files apart in a table; the JSON keeps the whole value.
SHORT_FINGERPRINT = len("sha256:") + 12


def status_of(kind, result):
    if not isinstance(result, dict):
        return "not run"
    if result.get("failed"):
        return "failed"
    if result.get("skipped"):
        return "not run"
    if kind == KIND_AUDIT:
        return _AUDIT_STATUS_OF_ACTION.get(result.get("action"), "in sync")
    return "changed" if result.get("changed") else "unchanged"


def row(kind, environment, result, tenant=None):
    """One environment's line: its registered result (None when the task never ran for it)."""
    result = result if isinstance(result, dict) else {}
    status = status_of(kind, result or None)
    failed = status == "failed"
    after = None
    if not failed and status != "not run":
        # What DocBits carries after the task: the desired file, unless it was removed.
        after = result.get("previous_fingerprint") if kind == KIND_AUDIT else (
            None if result.get("action") == "delete" else result.get("fingerprint"))
    return {
        "environment": environment,
        "tenant": result.get("tenant") or tenant,
        "config_id": result.get("config_id"),
        "fingerprint_before": result.get("previous_fingerprint"),
        "fingerprint_after": after,
        "desired_fingerprint": result.get("fingerprint"),
        "status": status,
        "action": result.get("action"),
        "changes": list(result.get("changes") or []),
        "error": str(result.get("msg")) if failed and result.get("msg") else None,
    }


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
    return "\n".join(lines) + "\n"
