# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: every task result and the final stats of a run, as one JSON file."""

from __future__ import annotations

DOCUMENTATION = """
    name: record_results
    type: aggregate
    short_description: write every task result and the recap of a run to a JSON file (test use only)
    description:
        - Records, per task and host, the action, the status and the full result (diff and warnings
          included), and the per-host stats, so that integration tests can assert on them.
    author: docbits.infor contributors
    requirements:
        - enable in configuration
    options:
        path:
            description: File to write the JSON document to.
            required: true
            env:
                - name: DOCBITS_TEST_RESULTS
"""

import json

from ansible.plugins.callback import CallbackBase
from ansible.vars.clean import module_response_deepcopy, strip_internal_keys


def _part(result, name):
    """A task result's host, task or result: public since ansible-core 2.19, private before (2.18)."""
    return getattr(result, name) if hasattr(result, name) else getattr(result, "_" + name)


class CallbackModule(CallbackBase):
    """Collects results in memory and writes them once, when the recap is due."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._results = []

    def _record(self, status, result):
        self._results.append(
            {
                "host": _part(result, "host").get_name(),
                "task": _part(result, "task").get_name(),
                "action": _part(result, "task").action,
                "status": status,
                "result": strip_internal_keys(module_response_deepcopy(_part(result, "result"))),
            }
        )

    def v2_runner_on_ok(self, result):
        self._record("changed" if _part(result, "result").get("changed") else "ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("ignored" if ignore_errors else "failed", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)

    def v2_playbook_on_stats(self, stats):
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed))
        with open(self.get_option("path"), "w", encoding="utf-8") as handle:
            json.dump({"results": self._results, "stats": summary}, handle, default=str, indent=1, sort_keys=True)
