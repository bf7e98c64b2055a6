# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory DocBits behind a mock of the real client, for fast reconciliation tests.

The mock is made with create_autospec(DocBitsClient): a method renamed or re-signed in the client
breaks these tests instead of silently passing. Every call is recorded in `calls` (operation, id).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest import mock

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    OP_CONFIGURE,
    DocBitsClient,
    DocBitsError,
    ExportConfig,
    contract_fields,
)

WRITES = ("configure_infor_export", "remove_configuration", "set_active")
# The settings an Infor export has beside the managed ones, and what a form-replacing update gives one not sent.
SETTING_DEFAULTS = {"zugferd": False, "on_permise": False, "auto_approve_after_export": False, "auto_validate_after_export": False}


class FakeDocBits:
    """One organisation's configurations; `client` is the spec'd mock a Reconciler is given.

    answers_with_id: configure answers carry the new id (newer DocBits) or not (then None).
    reserialise: stored files come back as json.dumps(indent=2), as DocBits re-serialises them.
    faults: {operation: [exception or callable, ...]}, taken first in first out; a callable runs
    instead of the answer (e.g. to act as a concurrent run) and may return "apply" to let the call through.
    """

    def __init__(self, answers_with_id=True, reserialise=True, retries=2, form_replacing=False):
        self.configs = {}
        self.files = {}
        self.next_id = 1
        self.answers_with_id = answers_with_id
        self.reserialise = reserialise
        self.calls = []
        self.faults = {}
        self.dead_files = set()
        # An update takes every setting from the form: one not sent gets its default (SETTING_DEFAULTS).
        self.form_replacing = form_replacing
        client = mock.create_autospec(DocBitsClient, instance=True)
        client.retries = retries
        client.declared_configure_fields = None
        for name in (
            "list_configurations",
            "list_infor_exports",
            "download_ionapi",
            "download_listed_file",
            "configure_infor_export",
            "remove_configuration",
            "set_active",
            "test_connection",
        ):
            getattr(client, name).side_effect = getattr(self, "_" + name)
        client.configure_fields.side_effect = lambda: contract_fields(OP_CONFIGURE)
        client.wait_before_retry.side_effect = lambda attempt, error: self.calls.append(("wait", attempt))
        self.client = client

    # --- state --------------------------------------------------------------------------------
    def seed(self, doc_type="INVOICE", export_method="infor-idm-cloud", title="DocBits_TST", sub_org_id=None, is_active=True, ionapi=None, **settings):
        """A configuration as it already is in DocBits (not counted as a write); `ionapi` bytes, a dict or None;
        `settings` beside the managed ones (SETTING_DEFAULTS for those not given)."""
        config_id = self.next_id
        self.next_id += 1
        self.configs[config_id] = dict(
            SETTING_DEFAULTS, id=config_id, title=title, doc_type=doc_type, export_method=export_method, sub_org_id=sub_org_id, is_active=is_active, **settings
        )
        if ionapi is not None:
            self.files[config_id] = self._stored_bytes(json.dumps(ionapi).encode("utf-8") if isinstance(ionapi, dict) else ionapi)
        return config_id

    def _stored_bytes(self, data):
        try:
            return json.dumps(json.loads(data.decode("utf-8")), indent=2).encode("utf-8") if self.reserialise else data
        except ValueError:
            return data

    def stored(self, config_id):
        """The stored file parsed, or None."""
        data = self.files.get(config_id)
        return json.loads(data) if data is not None else None

    def ops(self, *names):
        return [call for call in self.calls if not names or call[0] in names]

    @property
    def writes(self):
        return self.ops(*WRITES)

    def forget_calls(self):
        self.calls = []

    def fail(self, operation, *outcomes):
        self.faults.setdefault(operation, []).extend(outcomes)

    def _fault(self, operation):
        """None to answer normally; raises a queued exception; runs a queued callable."""
        queue = self.faults.get(operation)
        if not queue:
            return None
        outcome = queue.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome()

    # --- the client's operations ---------------------------------------------------------------
    def _list_configurations(self):
        self.calls.append(("list", None))
        self._fault("list")
        return [ExportConfig.from_api(dict(config)) for _id, config in sorted(self.configs.items())]

    def _list_infor_exports(self):
        return [config for config in self._list_configurations() if config.is_infor_export]

    def _download_ionapi(self, config_id):
        self.calls.append(("download", config_id))
        self._fault("download")
        return self.files.get(config_id)

    def _download_listed_file(self, config):
        return self._download_ionapi(config.id)

    def _configure_infor_export(
        self, export_method, title, doc_type, sub_org_id=None, config_id=None, ionapi_bytes=None, settings=None, filename="credentials.ionapi"
    ):
        del filename
        self.calls.append(("configure_infor_export", config_id))
        outcome = self._fault("configure")
        if outcome not in (None, "apply", "apply then lose"):
            return outcome
        if config_id is None:
            if ionapi_bytes is None:
                raise DocBitsError("ION API file is required")
            config_id = self.seed(doc_type, export_method, title, sub_org_id, ionapi=ionapi_bytes)
        else:
            if config_id not in self.configs:
                raise DocBitsError("Configuration not found")
            if self.form_replacing:
                self.configs[config_id].update(SETTING_DEFAULTS)
            self.configs[config_id].update(settings or {})
            self.configs[config_id].update(title=title, doc_type=doc_type, export_method=export_method, sub_org_id=sub_org_id)
            if ionapi_bytes is not None:
                self.files[config_id] = self._stored_bytes(ionapi_bytes)
        if outcome == "apply then lose":
            raise DocBitsError("DocBits did not answer (the write was applied)")
        return config_id if self.answers_with_id else None

    def _remove_configuration(self, config_id):
        self.calls.append(("remove_configuration", config_id))
        self._fault("remove")
        if config_id not in self.configs:
            raise DocBitsError("Configuration not found")
        del self.configs[config_id]
        self.files.pop(config_id, None)
        return {"success": True}

    def _set_active(self, config_id, active):
        self.calls.append(("set_active", config_id))
        self._fault("set_active")
        if config_id not in self.configs:
            raise DocBitsError("Configuration not found")
        self.configs[config_id]["is_active"] = bool(active)
        return {"success": True}

    def _test_connection(self, config_id):
        self.calls.append(("test_connection", config_id))
        self._fault("test_connection")
        data = self.files.get(config_id)
        if data is None:
            return False, "No ION API file is stored for this configuration"
        if json.loads(data).get("cs") in self.dead_files:
            return False, "Connection failed: the ION API credentials were rejected"
        return True, "Connection OK"
