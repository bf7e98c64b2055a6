# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-only: gathers every environment's registered result from hostvars, prints the run's
table, then writes the report."""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Mapping

from ansible.errors import AnsibleError
from ansible.utils.display import Display

from ansible_collections.docbits.infor.plugins.module_utils import report
from ansible_collections.docbits.infor.plugins.module_utils.errors import printable
from ansible_collections.docbits.infor.plugins.plugin_utils.controller_action import ControllerAction

display = Display()


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = {
        "json_path": {"type": "path"},
        "markdown_path": {"type": "path"},
        "kind": {"type": "str", "default": report.KIND_PROVISION, "choices": list(report.KINDS)},
        "hosts": {"type": "list", "elements": "str"},
        "result_var": {"type": "str", "default": "docbits_ionapi_result"},
        "tenant_var": {"type": "str", "default": "infor_tenant"},
        "show_table": {"type": "bool", "default": True},
        "defer_write_errors": {"type": "bool", "default": False},
    }

    def run_checked(self, params, task_vars, result):
        hostvars = task_vars.get("hostvars", {})
        # The run's --check (the report task itself runs with check_mode: false to be written).
        check_mode = bool(task_vars.get("ansible_check_mode"))
        hosts = params["hosts"] if params["hosts"] is not None else list(task_vars.get("ansible_play_hosts_all", []))
        # Each host's variables are made once and left untemplated: they are the costly part of a report over
        # many hosts, and templating them all (every registered result) cost about as much again.
        variables = dict((host, _untemplated(hostvars, host)) for host in hosts)
        rows = dict((host, self._row(params, host, variables[host], check_mode, hostvars)) for host in hosts)
        document = report.report(params["kind"], list(rows.values()), check_mode)
        batch, later = self._batch(params, hosts, variables, task_vars)
        if batch is None or not later and len(batch) == len(hosts):
            table = report.table(document)
        else:
            # Under serial: this batch's environments, and at the last batch the whole run's counts.
            table = report.table(
                report.report(params["kind"], [rows[host] for host in batch], check_mode),
                scope="this batch, %d to come" % len(later) if later else "last batch",
            )
            if not later:
                table.append(report.run_total(document))
        if params["show_table"]:
            # First, whatever comes next: the one summary a person reads, whatever the verbosity and stdout callback.
            display.display("\n".join(table))
        changed, errors = self._write(params, document)
        result.update(
            changed=changed,
            check_mode=document["check_mode"],
            totals=document["totals"],
            by_status=document["by_status"],
            environments=document["environments"],
            rows=document["rows"],
            table=table,
            json_path=params["json_path"],
            markdown_path=params["markdown_path"],
            write_errors=errors,
        )
        if errors and not params["defer_write_errors"]:
            result.update(failed=True, msg="; ".join(errors))
        elif errors:
            display.warning("; ".join(errors))
        return result

    def _batch(self, params, hosts, variables, task_vars):
        """(this batch's hosts, hosts of later batches), or (None, []) when the task cannot tell.

        An environment whose report variable (this task's register) is set was reported by an earlier
        batch; one with a result, or still running, is in this one; any other waits for a later one."""
        register = self._task.register
        if isinstance(register, dict):
            # ansible-core 2.21 keeps a register as {variable: projection}: one variable here.
            register = next(iter(register), None)
        if params["hosts"] is not None or not register:
            return None, []
        running = set(task_vars.get("ansible_play_batch", []))
        batch, later = [], []
        for host in hosts:
            if register in variables[host]:
                continue
            (batch if host in running or params["result_var"] in variables[host] else later).append(host)
        return batch, later

    def _write(self, params, document):
        """(whether a file changed, the errors of the files that could not be written)."""
        changed, errors = False, []
        for path, render in ((params["json_path"], report.to_json), (params["markdown_path"], report.to_markdown)):
            if not path:
                continue
            text = render(document)
            try:
                if _differs(path, text):
                    changed = True
                    if not self._task.check_mode:
                        _write_atomically(path, text)
            except OSError as exc:
                errors.append("cannot write the report %s: %s" % (printable(path), exc.strerror or exc))
        return changed, errors

    @staticmethod
    def _row(params, host, variables, check_mode, hostvars):
        registered = variables.get(params["result_var"])
        tenant = variables.get(params["tenant_var"])
        if isinstance(tenant, str) and "{" in tenant:
            # Written as a template: the host's templated view resolves it.
            try:
                tenant = (hostvars.get(host) or {}).get(params["tenant_var"])
            except AnsibleError:
                # Its own task failed on this already; the row then says so.
                tenant = None
        return report.row(params["kind"], host, registered, tenant=tenant if isinstance(tenant, str) else None, check_mode=check_mode)


def _untemplated(hostvars, host):
    """The variables of `host` as they are set (a registered result is data, never a template), or {}."""
    raw_get = getattr(hostvars, "raw_get", None)
    variables = raw_get(host) if raw_get is not None else hostvars.get(host)
    return variables if isinstance(variables, Mapping) else {}


def _differs(path, text):
    """Whether `path` holds other text than `text`; a link is never read through (it is refused when written)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return True
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "it is a symbolic link, never followed nor replaced")
        raise
    with os.fdopen(handle, "r", encoding="utf-8", errors="replace") as stream:
        return stream.read() != text


def _write_atomically(path, text):
    """Readers never see half a report: write beside it (mode 0666 less the umask), then rename over it."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if os.path.islink(path):
        raise OSError(errno.ELOOP, "it is a symbolic link, never followed nor replaced")
    temporary = os.path.join(directory, ".%s.%s" % (os.path.basename(path), secrets.token_hex(6)))
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise
