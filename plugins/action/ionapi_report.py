# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-only: gathers every environment's registered result from hostvars and writes the report."""

from __future__ import annotations

import os
import tempfile

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.docbits.infor.plugins.module_utils import report

ARGUMENT_SPEC = {
    "json_path": {"type": "path"},
    "markdown_path": {"type": "path"},
    "kind": {"type": "str", "default": report.KIND_PROVISION, "choices": list(report.KINDS)},
    "hosts": {"type": "list", "elements": "str"},
    "result_var": {"type": "str", "default": "docbits_ionapi_result"},
    "tenant_var": {"type": "str", "default": "infor_tenant"},
    "show_table": {"type": "bool", "default": True},
}

display = Display()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        params = self.validate_argument_spec(ARGUMENT_SPEC)[1]
        hosts = params["hosts"] if params["hosts"] is not None else task_vars.get("ansible_play_hosts_all", [])
        hostvars = task_vars.get("hostvars", {})
        rows = [self._row(params, host, hostvars) for host in hosts]
        document = report.report(params["kind"], rows)
        outputs = [(params["json_path"], report.to_json(document)), (params["markdown_path"], report.to_markdown(document))]
        changed = False
        for path, text in outputs:
            if path and _differs(path, text):
                changed = True
                if not self._task.check_mode:
                    _write_atomically(path, text)
        table = report.table(document)
        if params["show_table"]:
            # Shown whatever the verbosity and the stdout callback: the one summary a person reads.
            display.display("\n".join(table))
        result.update(changed=changed, totals=document["totals"], by_status=document["by_status"], environments=document["environments"], rows=rows,
                      table=table, json_path=params["json_path"], markdown_path=params["markdown_path"])
        return result

    @staticmethod
    def _row(params, host, hostvars):
        variables = hostvars.get(host) or {}
        registered = variables.get(params["result_var"])
        try:
            tenant = variables.get(params["tenant_var"])
        except AnsibleError:
            # Its own task failed on this already; the row then says so.
            tenant = None
        return report.row(params["kind"], host, registered, tenant=tenant if isinstance(tenant, str) else None)


def _differs(path, text):
    try:
        with open(path, "r", encoding="utf-8") as handle:
            return handle.read() != text
    except (IOError, OSError, ValueError):
        return True


def _write_atomically(path, text):
    """Readers never see half a report: write beside it, then rename."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
