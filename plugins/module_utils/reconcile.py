# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state vs DocBits state: find the owned configuration, plan, apply, read back.

Selection, planning and diffs are pure; ensure_present/ensure_absent drive a DocBitsClient
(or anything with its methods) and trust no write until it is read back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    DocBitsAuthError,
    DocBitsError,
    DocBitsTransientError,
    normalise_id,
)
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import describe_stored, redacted

ACTION_NONE = "none"
ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_DELETE = "delete"


class ReconcileError(DocBitsInforError):
    """DocBits holds a state this collection must not guess about, or a write did not stick."""


class Desired:
    """What the inventory says one environment's Infor export must be."""

    def __init__(self, ionapi, doc_type, export_method, sub_org_id=None, title=None, config_id=None):
        self.ionapi = ionapi
        self.doc_type = doc_type
        self.export_method = export_method
        self.sub_org_id = normalise_id(sub_org_id)
        self.title = title
        self.config_id = config_id

    def title_for(self, current):
        """An unset title is left as DocBits has it; a new configuration is named after the app."""
        if self.title is not None:
            return self.title
        if current is not None and current.title:
            return current.title
        return self.ionapi.app_name or "Infor ION API (%s)" % self.ionapi.tenant


def find_owned_config(configs, doc_type, sub_org_id=None, config_id=None):
    """The configuration an environment owns, or None; ambiguity is an error, never a guess."""
    if config_id is not None:
        for config in configs:
            if config.id == int(config_id):
                if not config.is_infor_export:
                    raise ReconcileError(
                        "config_id %s is a '%s' export, not an Infor export" % (config_id, config.export_method))
                return config
        return None
    sub_org_id = normalise_id(sub_org_id)
    candidates = [
        config for config in configs
        if config.is_infor_export and config.doc_type == doc_type and config.sub_org_id == sub_org_id
    ]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    active = [config for config in candidates if config.is_active]
    if len(active) == 1:
        return active[0]
    raise ReconcileError(
        "%d Infor export configurations match doc_type '%s'%s (ids %s); set config_id to choose one"
        % (len(candidates), doc_type, " and sub_org_id '%s'" % sub_org_id if sub_org_id else "",
           ", ".join(str(config.id) for config in candidates)))


def attribute_changes(desired, current):
    """Names of the configuration attributes that differ from the inventory."""
    wanted = {
        "title": desired.title_for(current),
        "export_method": desired.export_method,
        "doc_type": desired.doc_type,
        "sub_org_id": desired.sub_org_id,
    }
    return sorted(name for name, value in wanted.items() if getattr(current, name) != value)


def plan(desired, current, stored_fingerprint):
    """(action, changed field names) that bring the current configuration to the desired one."""
    if current is None:
        return ACTION_CREATE, ["configuration"]
    changes = attribute_changes(desired, current)
    if stored_fingerprint != desired.ionapi.fingerprint:
        changes.append("ion_api")
    return (ACTION_UPDATE if changes else ACTION_NONE), changes


def stored_view(stored_bytes):
    """The stored file as a diff shows it: secrets fingerprinted, or a note when unreadable."""
    if stored_bytes is None:
        return None
    try:
        obj = json.loads(stored_bytes.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        obj = None
    if not isinstance(obj, dict):
        return "<not a JSON object: %s>" % describe_stored(stored_bytes)["fingerprint"]
    return redacted(obj)


def config_view(config_attrs, ionapi_view, fingerprint):
    view = dict(config_attrs)
    view["ion_api"] = ionapi_view
    view["fingerprint"] = fingerprint
    return view


def _desired_attrs(desired, current, config_id):
    return {
        "id": config_id,
        "title": desired.title_for(current),
        "doc_type": desired.doc_type,
        "export_method": desired.export_method,
        "sub_org_id": desired.sub_org_id,
    }


def _current_attrs(current):
    attrs = current.as_dict()
    attrs.pop("is_active")
    return attrs


class Reconciler:
    """Applies one environment's desired state through a client."""

    def __init__(self, client):
        self.client = client

    def _stored(self, config):
        stored = self.client.download_ionapi(config.id) if config is not None else None
        return stored, (describe_stored(stored)["fingerprint"] if stored is not None else None)

    def ensure_present(self, desired, check_mode=False, verify_connection=False):
        self.client.add_secrets(desired.ionapi.secret_values())
        current = self._find(desired, self.client.list_infor_exports())
        stored, previous_fingerprint = self._stored(current)
        action, changes = plan(desired, current, previous_fingerprint)

        before = (config_view(_current_attrs(current), stored_view(stored), previous_fingerprint)
                  if current is not None else {})
        after_id = current.id if current is not None else None
        after = config_view(_desired_attrs(desired, current, after_id), redacted(desired.ionapi.credentials),
                            desired.ionapi.fingerprint)
        result = {
            "changed": action != ACTION_NONE,
            "action": action,
            "changes": changes,
            "config_id": after_id,
            "fingerprint": desired.ionapi.fingerprint,
            "previous_fingerprint": previous_fingerprint,
            "tenant": desired.ionapi.tenant,
            "app_name": desired.ionapi.app_name,
            "diff": {"before": before, "after": after},
        }
        if action == ACTION_NONE or check_mode:
            return result

        previous = current
        if action == ACTION_CREATE:
            current = self._create(desired)
            if current is not None:
                # Another run (or our own lost create) made the configuration meanwhile: make it ours.
                changes = plan(desired, current, self._stored(current)[1])[1]
        if changes and current is not None:
            self._write(desired, current, send_file="ion_api" in changes)
        result["config_id"] = self._read_back(desired, current.id if current is not None else None)
        result["diff"]["after"]["id"] = result["config_id"]
        if verify_connection:
            result["verification"] = self._verify(desired, result["config_id"], previous, stored, previous_fingerprint)
        return result

    def _verify(self, desired, config_id, previous, stored, previous_fingerprint):
        """DocBits tries the new file; when it cannot connect, the tenant gets its previous state back."""
        try:
            connected, message = self.client.test_connection(config_id)
        except DocBitsError as exc:
            # No answer is not a "no": the file may work, so it stays, and the user is told to check it.
            raise ReconcileError("configuration %s now carries the new file %s (it had %s), but DocBits could not test the connection (%s): "
                                 "test it in DocBits (Test connection), or upload the previous file again"
                                 % (config_id, desired.ionapi.fingerprint, previous_fingerprint or "none", exc))
        if connected:
            return {"connected": True, "message": message}
        failure = "DocBits could not connect to Infor with the new file %s (configuration %s: %s)" % (
            desired.ionapi.fingerprint, config_id, message)
        try:
            restored = self._roll_back(config_id, previous, stored, previous_fingerprint)
        except DocBitsInforError as exc:
            raise ReconcileError("%s, and the rollback failed (%s): configuration %s may now carry the unverified file %s instead of %s"
                                 % (failure, exc, config_id, desired.ionapi.fingerprint, previous_fingerprint or "none"))
        raise ReconcileError("%s; the tenant was rolled back to %s" % (failure, restored))

    def _roll_back(self, config_id, previous, stored, previous_fingerprint):
        """Put back what was there before the write (downloaded before it) and read it back; say what."""
        if previous is None:
            self.client.remove_configuration(config_id)
            if any(config.id == config_id for config in self.client.list_infor_exports()):
                raise ReconcileError("configuration %s is still listed after its removal" % config_id)
            return "no configuration (the one created for it, %s, was removed)" % config_id
        if stored is None:
            raise ReconcileError("configuration %s had no ION API file before, and DocBits cannot store none" % config_id)
        self.client.configure_infor_export(
            export_method=previous.export_method,
            title=previous.title,
            doc_type=previous.doc_type,
            sub_org_id=previous.sub_org_id,
            config_id=config_id,
            ionapi_bytes=stored,
        )
        config = next((config for config in self.client.list_infor_exports() if config.id == config_id), None)
        if config is None or _current_attrs(config) != _current_attrs(previous):
            raise ReconcileError("configuration %s is %s after the rollback, not %s"
                                 % (config_id, _current_attrs(config) if config is not None else "gone", _current_attrs(previous)))
        restored = self._stored(config)[1]
        if restored != previous_fingerprint:
            raise ReconcileError("configuration %s stores %s after the rollback" % (config_id, restored or "no ION API file"))
        return "%s (configuration %s carries its previous file, title and export method again)" % (previous_fingerprint, config_id)

    def _find(self, desired, configs):
        current = find_owned_config(configs, desired.doc_type, desired.sub_org_id, desired.config_id)
        if current is None and desired.config_id is not None:
            raise ReconcileError("config_id %s does not exist in this DocBits organisation" % desired.config_id)
        return current

    def _write(self, desired, current, send_file=True):
        self.client.configure_infor_export(
            export_method=desired.export_method,
            title=desired.title_for(current),
            doc_type=desired.doc_type,
            sub_org_id=desired.sub_org_id,
            config_id=current.id if current is not None else None,
            ionapi_bytes=desired.ionapi.content if send_file else None,
        )

    def _create(self, desired):
        """Create, or return the configuration that appeared meanwhile. After a lost answer or a
        refusal (a concurrent run created it first) list again before creating again: no duplicate."""
        attempts = self.client.retries + 1
        for attempt in range(attempts):
            try:
                self._write(desired, None)
                return None
            except DocBitsAuthError:
                raise
            except DocBitsError as exc:
                current = self._find(desired, self.client.list_infor_exports())
                if current is not None:
                    return current
                if not isinstance(exc, DocBitsTransientError) or attempt == attempts - 1:
                    raise
                self.client.wait_before_retry(attempt, exc)
        return None

    def _read_back(self, desired, config_id):
        """Confirm DocBits now stores exactly the desired file and attributes; return the config id."""
        configs = self.client.list_infor_exports()
        if config_id is None:
            current = find_owned_config(configs, desired.doc_type, desired.sub_org_id)
        else:
            current = next((config for config in configs if config.id == config_id), None)
        if current is None:
            raise ReconcileError("DocBits accepted the upload, but no matching configuration is listed afterwards")
        stored, stored_fingerprint = self._stored(current)
        if stored_fingerprint != desired.ionapi.fingerprint:
            raise ReconcileError(
                "DocBits accepted the upload, but configuration %s now stores %s instead of %s"
                % (current.id, stored_fingerprint or "no ION API file", desired.ionapi.fingerprint))
        mismatched = attribute_changes(desired, current)
        if mismatched:
            raise ReconcileError(
                "DocBits accepted the upload, but configuration %s still differs in %s" % (current.id, ", ".join(mismatched)))
        return current.id

    def ensure_absent(self, doc_type, sub_org_id=None, config_id=None, check_mode=False):
        current = find_owned_config(self.client.list_infor_exports(), doc_type, sub_org_id, config_id)
        if current is None:
            return {"changed": False, "action": ACTION_NONE, "changes": [], "config_id": None,
                    "fingerprint": None, "previous_fingerprint": None, "diff": {"before": {}, "after": {}}}
        stored, previous_fingerprint = self._stored(current)
        result = {
            "changed": True,
            "action": ACTION_DELETE,
            "changes": ["configuration"],
            "config_id": current.id,
            "fingerprint": None,
            "previous_fingerprint": previous_fingerprint,
            "diff": {"before": config_view(_current_attrs(current), stored_view(stored), previous_fingerprint), "after": {}},
        }
        if not check_mode:
            self.client.remove_configuration(current.id)
        return result

    def describe(self, doc_type=None, sub_org_id=None):
        """Every Infor export of the organisation (optionally filtered), with its stored file summarised."""
        described = []
        for config in self.client.list_infor_exports():
            if doc_type is not None and config.doc_type != doc_type:
                continue
            if sub_org_id is not None and config.sub_org_id != normalise_id(sub_org_id):
                continue
            entry = config.as_dict()
            stored = self.client.download_ionapi(config.id)
            entry["ionapi"] = describe_stored(stored) if stored is not None else None
            described.append(entry)
        return described
