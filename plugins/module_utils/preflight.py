# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The live contract check: before the first write to a DocBits base URL in a run, read its
/openapi.json and check the operations the task will use (contract.py), so that a DocBits that
moved ends in one diagnosis before anything is written, never in a half-written tenant.

The document is read at most once per base URL per playbook run (`run_cache`, shared by every
host's worker; None on a target: read once per task), and each warning is given once per URL.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.docbits.infor.plugins.module_utils.contract import BLOCKING, IGNORED, check, declared_fields, excerpt, table
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    HEADER_ORG_ID,
    OP_CONFIGURE,
    OP_DOWNLOAD,
    OP_LIST,
    OP_REMOVE,
    OP_SET_ACTIVE,
    OP_TEST_CONNECTION,
    OPERATIONS,
    PATH_OPENAPI,
    SENT_BACK_ONLY,
    WEB_APP_ONLY,
    DocBitsError,
)
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, printable

CONTRACT_CHECK_MODES = ("auto", "strict", "off")
CACHE_NAMESPACE = "contract"


class ContractError(DocBitsInforError):
    """The live DocBits API lacks what the task cannot do without (or, in strict mode, cannot be read)."""


def operations_for(params):
    """The operations a task with these options may send, without the fields it leaves unset."""
    if params.get("state", "present") == "absent":
        operations = [OP_LIST, OP_DOWNLOAD, OP_REMOVE]
    else:
        # OP_REMOVE: exact duplicates left by concurrent runs are collapsed, and a failed connection
        # test rolls a configuration created by the task back by removing it.
        operations = [OP_LIST, OP_DOWNLOAD, OP_CONFIGURE, OP_REMOVE]
        if params.get("active") is not None:
            operations.append(OP_SET_ACTIVE)
        if params.get("verify_connection"):
            operations.append(OP_TEST_CONNECTION)
    unset = set(SENT_BACK_ONLY)
    if not params.get("org_id"):
        unset.update(("org_id", HEADER_ORG_ID))
    if not params.get("sub_org_id"):
        unset.add("sub_org_id")
    operations = [operation.without(unset) for operation in operations]
    if params.get("export_method"):
        # Only the task's own method has to be among those the live API may enumerate.
        operations = [
            operation.with_values("export_method", (params["export_method"],)) if "export_method" in operation.fields else operation for operation in operations
        ]
    return operations


def openapi_url(base_url):
    return printable(base_url.rstrip("/") + PATH_OPENAPI)


def read_verdict(client):
    """What the live document says, secret-free and small enough to share between hosts."""
    try:
        document = client.read_openapi()
    except DocBitsError as exc:
        return {"readable": False, "reason": str(exc)}
    return {
        "readable": True,
        "document": excerpt(document, [operation.path for operation in OPERATIONS]),
        "title": printable(str((document.get("info") or {}).get("title", "?"))),
        "version": printable(str((document.get("info") or {}).get("version", "?"))),
    }


class ContractPreflight:
    """Asked by the reconciler before each write (before_write): the first time, the live contract is checked.
    The warnings for the task's result in `.warnings`."""

    def __init__(self, client, mode, operations, run_cache=None):
        self.client = client
        self.mode = mode
        self.operations = operations
        self.run_cache = run_cache
        self.warnings = []
        # The one "before the first write" state of a task: once checked (or off), writes go ahead unasked.
        self.checked = False

    def before_write(self):
        """Check the live contract unless this task did already: raises ContractError when it blocks the write."""
        if self.mode == "off" or self.checked:
            return
        self.checked = True
        source = openapi_url(self.client.base_url)
        if self.run_cache is None:
            verdict = read_verdict(self.client)
        else:
            verdict = self.run_cache.once(CACHE_NAMESPACE, self.client.base_url, lambda: read_verdict(self.client))
        if not verdict["readable"]:
            if self.mode == "strict":
                raise ContractError("contract_check is strict and the live %s cannot be read, so nothing was written: %s" % (source, verdict["reason"]))
            self._warn_once(
                "the DocBits contract was not checked: the live %s cannot be read (%s); contract_check=auto goes on "
                "(strict would stop)" % (source, verdict["reason"])
            )
            return
        findings = check(verdict["document"], self.operations, WEB_APP_ONLY)
        blocking = [finding for finding in findings if finding.severity == BLOCKING]
        # An update sends back the settings this document declares (docbits_api.settings_to_send_back).
        self.client.declared_configure_fields = declared_fields(verdict["document"], OP_CONFIGURE)
        if blocking:
            where = " for environment '%s'" % printable(self.client.environment) if self.client.environment else ""
            raise ContractError(
                "the live %s (%s %s) lacks what this task cannot do without%s; nothing was written. What it declares differs from "
                "what the collection sends; if DocBits moved, change the constant named in plugins/module_utils/docbits_api.py:\n%s"
                % (source, verdict["title"], verdict["version"], where, "\n".join(table(blocking)))
            )
        ignored = {}
        for finding in findings:
            if finding.severity == IGNORED:
                ignored.setdefault(finding.item, []).append(finding.operation)
        for item, operations in sorted(ignored.items()):
            self._warn_once("the live %s does not declare %s (%s): DocBits will ignore it" % (source, item, ", ".join(operations)))

    def diagnose(self):
        """After DocBits answered 404 to an operation: fail with the live contract's table when it explains the 404
        (the operation moved or went); otherwise return and let the 404 speak."""
        self.before_write()

    def _warn_once(self, text):
        """Once per URL and run: only the host whose worker records the warning first gives it."""
        if self.run_cache is None:
            self.warnings.append(text)
            return
        first = []
        self.run_cache.once(CACHE_NAMESPACE + "-warning", self.client.base_url + "\n" + text, lambda: first.append(True) or True)
        if first:
            self.warnings.append(text)


def contract_report(client, operations):
    """The check of `check_contract.yml` (ionapi_info with contract): every operation, read-only."""
    # Settings only ever sent back where the live document declares them are never sent undeclared.
    operations = [operation.without(SENT_BACK_ONLY) for operation in operations]
    source = openapi_url(client.base_url)
    verdict = read_verdict(client)
    report = {"source": source, "readable": verdict["readable"], "reason": verdict.get("reason"), "findings": [], "table": [], "blocking": 0, "ignored": 0}
    if not verdict["readable"]:
        return report
    findings = check(verdict["document"], operations, WEB_APP_ONLY)
    report.update(
        title=verdict["title"],
        version=verdict["version"],
        findings=[finding.as_dict() for finding in findings],
        table=table(findings, operations),
        blocking=sum(1 for finding in findings if finding.severity == BLOCKING),
        ignored=sum(1 for finding in findings if finding.severity == IGNORED),
    )
    return report
