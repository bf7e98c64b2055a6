# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Desired state vs DocBits state: observe, plan, apply.

Observer: one list and one download per Infor export in scope. make_plan / make_absent_plan (pure):
per configuration what is there, what will be done and why, as a frozen Plan a test can read.
apply_plan: Writer (writes), ReadBack (read back), ConcurrentDuplicates, verify and Rollback, recording
what happened in Applied (a ConfigOutcome per configuration), from which the task's result is built.
Reconciler ties them together. Works with a DocBitsClient or anything with its methods.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    DEFAULT_EXPORT_METHOD,
    MANAGED_SETTINGS,
    DocBitsAuthError,
    DocBitsError,
    DocBitsTransientError,
    ExportConfig,
    doc_type_key,
    method_key,
    normalise_id,
    settings_to_send_back,
)
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, printable
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import (
    SECRET_KEYS,
    IonApiError,
    fingerprint,
    parse_ionapi,
    redacted,
    strip_bom,
)

ACTION_NONE = "none"
ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_DELETE = "delete"
ACTION_REMOVE_DUPLICATE = "remove duplicate"
# The task's action is the strongest of its configurations' (a duplicate removal is an update of the tenant).
_TASK_ACTION = {ACTION_REMOVE_DUPLICATE: ACTION_UPDATE}
_PRECEDENCE = (ACTION_CREATE, ACTION_DELETE, ACTION_UPDATE, ACTION_NONE)

CHANGE_CONFIGURATION = "configuration"
CHANGE_ION_API = "ion_api"
CHANGE_ACTIVE = "is_active"
CHANGE_DUPLICATE = "duplicate"
CHANGE_TENANT = "tenant"

DOC_TYPES_ALL = "all"
# Exports whose ION connection point is bound to the authorized app's client id.
CLIENT_BOUND_METHOD_PREFIXES = ("infor-ion-", "infor-bod-")


class ReconcileError(DocBitsInforError):
    """DocBits holds a state this collection must not guess about, or a write did not stick."""


class StoredFile:
    """The bytes DocBits stores for a configuration, parsed once. DocBits may hold anything there
    (older uploads predate validation): this never raises."""

    def __init__(self, data):
        self.data = data
        try:
            obj = json.loads(strip_bom(data).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            self.parsed, self.credentials = False, None
            self.fingerprint = "sha256:" + hashlib.sha256(data).hexdigest()
        else:
            self.parsed = True
            self.credentials = obj if isinstance(obj, dict) else None
            self.fingerprint = fingerprint(obj)

    @property
    def is_object(self):
        return self.credentials is not None

    @property
    def client_id(self):
        return self.credentials.get("ci") if self.is_object else None

    def secret_values(self):
        if not self.is_object:
            return []
        return [value for key, value in self.credentials.items() if key in SECRET_KEYS and isinstance(value, str) and value]

    def view(self):
        """As a diff shows it: secrets fingerprinted, or a note when it is not a JSON object."""
        return redacted(self.credentials) if self.is_object else "<not a JSON object: %s>" % self.fingerprint

    def summary(self):
        if not self.is_object:
            return {"tenant": None, "app_name": None, "fingerprint": self.fingerprint, "parsed": self.parsed}
        return {"tenant": self.credentials.get("ti"), "app_name": self.credentials.get("cn"), "fingerprint": self.fingerprint, "parsed": True}

    def restorable(self, source):
        """None when the bytes parse as an .ionapi file (so a rollback may put them back), else why not."""
        try:
            parse_ionapi(self.data, source=source)
        except IonApiError as exc:
            return str(exc)
        return None


class Desired:
    """What the inventory says one environment's Infor exports must be (ionapi None: removed).
    export_method and title None: not set, so an existing configuration keeps its own."""

    def __init__(self, ionapi, doc_type, export_method=None, sub_org_id=None, title=None, config_id=None, doc_types=None, active=None):
        self.ionapi = ionapi
        self.doc_type = doc_type
        self.export_method = export_method
        self.sub_org_id = normalise_id(sub_org_id)
        self.title = title
        self.config_id = config_id
        self.doc_types = normalise_doc_types(doc_types)
        self.active = active

    @property
    def fingerprint(self):
        return self.ionapi.fingerprint if self.ionapi is not None else None

    def new_configuration(self, doc_type):
        """The settings of a configuration the task creates: the defaults apply only here."""
        return {
            "title": self.title if self.title is not None else self.ionapi.app_name or "Infor ION API (%s)" % self.ionapi.tenant,
            "export_method": self.export_method or DEFAULT_EXPORT_METHOD,
            "doc_type": doc_type,
            "sub_org_id": self.sub_org_id,
        }


def normalise_doc_types(doc_types):
    """None (only doc_type), DOC_TYPES_ALL, or the listed types once each, in order."""
    if doc_types is None:
        return None
    if isinstance(doc_types, str):
        doc_types = [doc_types]
    if [item for item in doc_types if item == DOC_TYPES_ALL]:
        return DOC_TYPES_ALL
    unique = []
    for item in doc_types:
        if item and doc_type_key(item) not in [doc_type_key(known) for known in unique]:
            unique.append(item)
    return unique or None


def find_owned_config(configs, doc_type, sub_org_id=None, config_id=None):
    """The one configuration `state=absent` removes, or None; ambiguity is an error, never a guess."""
    if config_id is not None:
        return _by_id(configs, config_id)
    sub_org_id = normalise_id(sub_org_id)
    candidates = [config for config in configs if config.is_infor_export and config.doc_type_key == doc_type_key(doc_type) and config.sub_org_id == sub_org_id]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    active = [config for config in candidates if config.is_active]
    if len(active) == 1:
        return active[0]
    raise ReconcileError(
        "%d Infor export configurations match doc_type '%s'%s (ids %s); set config_id to choose one"
        % (
            len(candidates),
            printable(doc_type),
            " and sub_org_id '%s'" % printable(sub_org_id) if sub_org_id else "",
            ", ".join(str(config.id) for config in candidates),
        )
    )


def _by_id(configs, config_id):
    for config in configs:
        if config.id == int(config_id):
            if not config.is_infor_export:
                raise ReconcileError("config_id %s is a '%s' export, not an Infor export" % (config_id, printable(config.export_method)))
            return config
    return None


class Scope:
    """The Infor exports a task owns, per document type, in the order the types were selected."""

    def __init__(self, doc_types, by_type, chosen=False):
        self.doc_types = doc_types
        self.by_type = by_type
        # config_id named the configuration: the inventory's title and method apply to it, and it is never collapsed.
        self.chosen = chosen

    @property
    def configs(self):
        return [config for doc_type in self.doc_types for config in self.by_type[doc_type]]


def select_scope(desired, configs):
    """Which listed configurations the task owns (pure)."""
    if desired.config_id is not None:
        config = _by_id(configs, desired.config_id)
        if config is None:
            raise ReconcileError("config_id %s does not exist in this DocBits organisation" % desired.config_id)
        return Scope([desired.doc_type], {desired.doc_type: [config]}, chosen=True)
    owned = sorted((config for config in configs if config.is_infor_export and config.sub_org_id == desired.sub_org_id), key=lambda config: config.id)
    if desired.doc_types == DOC_TYPES_ALL:
        doc_types = []
        for config in owned:
            if config.doc_type_key not in [doc_type_key(known) for known in doc_types]:
                doc_types.append(config.doc_type)
        # An organisation without any Infor export gets one, of doc_type.
        doc_types = doc_types or [desired.doc_type]
    else:
        doc_types = desired.doc_types or [desired.doc_type]
    return Scope(doc_types, dict((doc_type, [config for config in owned if config.doc_type_key == doc_type_key(doc_type)]) for doc_type in doc_types))


def duplicate_key(config, stored):
    """What makes two configurations exact duplicates: same type, sub-organisation, method, title, other settings and file."""
    return (
        config.doc_type_key,
        config.sub_org_id,
        method_key(config.export_method),
        config.title,
        repr(config.settings()),
        stored.fingerprint if stored is not None else None,
    )


def collapse(configs, stored):
    """(kept, [(duplicate, kept one)]): of exact duplicates only the oldest (lowest id) is kept."""
    kept, duplicates, first = [], [], {}
    for config in sorted(configs, key=lambda item: item.id):
        key = duplicate_key(config, stored.get(config.id))
        if key in first:
            duplicates.append((config, first[key]))
        else:
            first[key] = config
            kept.append(config)
    return kept, duplicates


@dataclass(frozen=True)
class ConfigPlan:
    """One configuration: what is there (current, stored), what will be done (action, changes, and
    the managed settings it is written with: target) and why (reasons). Never changed once made:
    what apply does is recorded in a ConfigOutcome."""

    doc_type: str
    current: Optional[ExportConfig] = None
    stored: Optional[StoredFile] = None
    action: str = ACTION_NONE
    changes: list = field(default_factory=list)
    reasons: list = field(default_factory=list)
    target: Optional[dict] = None
    send_file: bool = False
    set_active: Optional[bool] = None
    duplicate_of: Optional[int] = None

    @property
    def id(self):
        """The configuration's id; None for one to create (its outcome learns the id)."""
        return self.current.id if self.current is not None else None

    @property
    def writes(self):
        return self.action != ACTION_NONE

    @property
    def fingerprint_before(self):
        return self.stored.fingerprint if self.stored is not None else None

    @property
    def configures(self):
        """Whether it is written through configure_infor_export: a file, or a managed setting, to write
        (not only the active flag, which has its own operation, nor the tenant, which comes with the file)."""
        return self.send_file or bool(set(self.changes) - set((CHANGE_ACTIVE, CHANGE_TENANT)))

    @property
    def removes(self):
        return self.action in (ACTION_DELETE, ACTION_REMOVE_DUPLICATE)


def task_action(entries):
    """The task's action: the strongest of its configurations'."""
    actions = set(_TASK_ACTION.get(entry.action, entry.action) for entry in entries)
    return next(action for action in _PRECEDENCE if action in actions or action == ACTION_NONE)


def task_changes(entries):
    """The names of the configurations' changes, each once, in order."""
    names = []
    for entry in entries:
        names.extend(name for name in entry.changes if name not in names)
    return names


@dataclass(frozen=True)
class Plan:
    """Everything a task will do, decided before any write (entries and warnings are tuples)."""

    desired: Desired
    entries: tuple
    warnings: tuple

    @property
    def changed(self):
        return any(entry.writes for entry in self.entries)

    @property
    def action(self):
        return task_action(self.entries)

    @property
    def changes(self):
        return task_changes(self.entries)

    @property
    def carriers(self):
        """The configurations that carry the file after the task (removed ones go)."""
        return [entry for entry in self.entries if not entry.removes]

    @property
    def primary(self):
        """The configuration the top-level keys describe: the first of doc_type, else the first."""
        carriers = self.carriers or self.entries
        of_type = [entry for entry in carriers if doc_type_key(entry.doc_type) == doc_type_key(self.desired.doc_type)]
        return (of_type or carriers or [None])[0]


def _target(desired, config, owns_one):
    """The managed settings an existing configuration is written with: its own, but for the title and
    export method the inventory sets, where the task owns this one configuration alone."""
    target = dict((name, getattr(config, name)) for name in MANAGED_SETTINGS)
    if owns_one:
        for name in ("title", "export_method"):
            if getattr(desired, name) is not None:
                target[name] = getattr(desired, name)
    return target


def _tenant_change(desired, config, stored, warnings):
    """The reason to give when the stored file is of another Infor tenant than the new one, or None."""
    before = stored.credentials.get("ti") if stored is not None and stored.is_object else None
    if not isinstance(before, str) or before == desired.ionapi.tenant:
        return None
    warnings.append(
        "configuration %s (%s) stores a file of Infor tenant '%s' and gets one of tenant '%s': check that this "
        "environment's DocBits organisation (docbits_api_key, docbits_org_id) is the one meant for '%s'"
        % (config.id, printable(config.doc_type), printable(before), printable(desired.ionapi.tenant), printable(desired.ionapi.tenant))
    )
    return "replaces a file of Infor tenant '%s' with one of '%s'" % (printable(before), printable(desired.ionapi.tenant))


def _plan_existing(desired, config, stored, owns_one, warnings):
    target = _target(desired, config, owns_one)
    changes, reasons = [], []
    for name in MANAGED_SETTINGS:
        if getattr(config, name) != target[name]:
            changes.append(name)
            reasons.append("%s '%s' -> '%s'" % (name, printable(getattr(config, name)), printable(target[name])))
    if stored is None:
        changes.append(CHANGE_ION_API)
        reasons.append("stores no ION API file")
    elif stored.fingerprint != desired.ionapi.fingerprint:
        changes.append(CHANGE_ION_API)
        if not stored.is_object:
            reasons.append("stores a file that is not a JSON object (%s)" % stored.fingerprint)
            warnings.append("configuration %s stores an ION API file that is not a JSON object (%s): it is replaced" % (config.id, stored.fingerprint))
        else:
            reasons.append("stores another file (%s)" % stored.fingerprint)
        tenant_change = _tenant_change(desired, config, stored, warnings)
        if tenant_change:
            changes.append(CHANGE_TENANT)
            reasons.append(tenant_change)
        if stored.client_id and stored.client_id != desired.ionapi.credentials["ci"] and target["export_method"].startswith(CLIENT_BOUND_METHOD_PREFIXES):
            warnings.append(
                "configuration %s (%s, %s) gets a file of another authorized app (a new client id): ION's connection point "
                "(IMS via ION API) is bound to the old client id and must be changed to the new one in Infor ION"
                % (config.id, printable(config.doc_type), printable(target["export_method"]))
            )
    set_active = None
    if desired.active is not None and config.is_active != desired.active:
        set_active = desired.active
        changes.append(CHANGE_ACTIVE)
        reasons.append("is %s" % ("inactive" if desired.active else "active"))
    return ConfigPlan(
        config.doc_type,
        current=config,
        stored=stored,
        action=ACTION_UPDATE if changes else ACTION_NONE,
        changes=changes,
        reasons=reasons or ["in sync"],
        target=target,
        send_file=CHANGE_ION_API in changes,
        set_active=set_active,
    )


def make_plan(desired, scope, stored):
    """The plan (pure): `stored` maps the id of every configuration in scope to its StoredFile or None."""
    entries, warnings = [], []
    collapsed = dict((doc_type, (scope.by_type[doc_type], []) if scope.chosen else collapse(scope.by_type[doc_type], stored)) for doc_type in scope.doc_types)
    # One title and method fit one configuration: with several (an execution order, or several document
    # types) applying them to any would be a guess, so only the file goes to those.
    owns_one = sum(len(kept) for kept, _duplicates in collapsed.values()) == 1
    for doc_type in scope.doc_types:
        kept, duplicates = collapsed[doc_type]
        if not kept:
            entries.append(
                ConfigPlan(
                    doc_type,
                    action=ACTION_CREATE,
                    changes=[CHANGE_CONFIGURATION],
                    reasons=["no Infor export of this type"],
                    target=desired.new_configuration(doc_type),
                    send_file=True,
                    set_active=False if desired.active is False else None,
                )
            )
            continue
        for config in kept:
            entries.append(_plan_existing(desired, config, stored.get(config.id), owns_one, warnings))
        for config, original in duplicates:
            entries.append(
                ConfigPlan(
                    doc_type,
                    current=config,
                    stored=stored.get(config.id),
                    action=ACTION_REMOVE_DUPLICATE,
                    changes=[CHANGE_DUPLICATE],
                    reasons=["exact duplicate of configuration %s" % original.id],
                    duplicate_of=original.id,
                )
            )
    carriers = [entry for entry in entries if entry.current is not None and not entry.removes]
    if carriers and desired.active is None and not any(entry.current.is_active for entry in carriers):
        warnings.append(all_inactive_warning([entry.id for entry in carriers]))
    return Plan(desired, tuple(entries), tuple(warnings))


def make_absent_plan(desired, configs, stored):
    """The plan of state=absent (pure): the one configuration owned, and its exact duplicates, removed."""
    kept, duplicates = collapse(configs, stored)
    # Exact duplicates are one configuration as far as the user can tell: all of them go.
    current = find_owned_config(kept, desired.doc_type, desired.sub_org_id) if desired.config_id is None else (kept[0] if kept else None)
    removed = [current] + [duplicate for duplicate, original in duplicates if original.id == current.id] if current is not None else []
    entries = [
        ConfigPlan(
            config.doc_type, current=config, stored=stored.get(config.id), action=ACTION_DELETE, changes=[CHANGE_CONFIGURATION], reasons=["state=absent"]
        )
        for config in removed
    ]
    return Plan(desired, tuple(entries), ())


def all_inactive_warning(config_ids):
    return "every Infor export configuration (ids %s) is inactive: DocBits exports nothing to Infor; set active: true to switch them on" % ", ".join(
        str(config_id) for config_id in config_ids
    )


def _same_setting(name, listed, written):
    """Whether DocBits lists a managed setting as written (it may store a document type in other case)."""
    if name == "doc_type":
        return doc_type_key(listed) == doc_type_key(written)
    if name == "export_method":
        return method_key(listed) == method_key(written)
    return listed == written


def config_view(attrs, ionapi_view, file_fingerprint):
    view = dict(attrs)
    view["ion_api"] = ionapi_view
    view["fingerprint"] = file_fingerprint
    return view


# --- what apply did, and the result built from it ----------------------------------------------------
class ConfigOutcome:
    """What apply made of one planned configuration, which stays as planned: the id it has now (a create
    learns it) and the listed configuration it is (one adopted after a lost answer, or an older identical
    one kept instead of ours)."""

    def __init__(self, planned, config_id=None):
        self.planned = planned
        self.id = planned.id if config_id is None else config_id
        self.current = planned.current

    def as_dict(self, desired_fingerprint):
        planned = self.planned
        # A configuration to remove has no target: it is described as it is.
        attrs = planned.target or (self.current.as_dict() if self.current is not None else {})
        is_active = self.current.is_active if self.current is not None else True
        return {
            "id": self.id,
            "doc_type": planned.doc_type,
            "export_method": attrs.get("export_method"),
            "title": attrs.get("title"),
            "sub_org_id": attrs.get("sub_org_id"),
            "is_active": planned.set_active if planned.set_active is not None else is_active,
            "fingerprint_before": planned.fingerprint_before,
            "fingerprint_after": desired_fingerprint if not planned.removes else None,
            "action": planned.action,
            "changes": list(planned.changes),
            "reasons": list(planned.reasons),
            "duplicate_of": planned.duplicate_of,
        }

    def diff(self, desired):
        """Before and after of this configuration, with its header."""
        planned, current = self.planned, self.current
        before, after = {}, {}
        if current is not None:
            attrs = dict(((name, getattr(current, name)) for name in MANAGED_SETTINGS), id=current.id)
            if desired.active is not None:
                attrs["is_active"] = current.is_active
            before = config_view(attrs, planned.stored.view() if planned.stored is not None else None, planned.fingerprint_before)
        if not planned.removes:
            attrs = dict(planned.target, id=self.id)
            if desired.active is not None:
                attrs["is_active"] = planned.set_active if planned.set_active is not None else (current.is_active if current is not None else True)
            after = config_view(attrs, redacted(desired.ionapi.credentials), desired.ionapi.fingerprint)
        header = "configuration %s (%s)" % (self.id if self.id is not None else "new", printable(planned.doc_type))
        return {"before": before, "after": after, "before_header": header, "after_header": header}


class Applied:
    """What apply did with a plan: an outcome per planned configuration, then one per exact duplicate a
    concurrent run made meanwhile (removed during the read back), the connection test's verification, and
    the warnings learnt while writing. The task's result is built from it."""

    def __init__(self, plan):
        self.plan = plan
        self.planned = [ConfigOutcome(entry) for entry in plan.entries]
        self.duplicates = []
        self.verification = None
        self.warnings = []

    @property
    def outcomes(self):
        return self.planned + self.duplicates

    def of_action(self, action):
        return [outcome for outcome in self.planned if outcome.planned.action == action]

    def known_ids(self):
        return set(outcome.id for outcome in self.outcomes if outcome.id is not None)

    def result(self):
        plan, desired = self.plan, self.plan.desired
        entries = [outcome.planned for outcome in self.outcomes]
        primary = next((outcome for outcome in self.planned if outcome.planned is plan.primary), None)
        result = {
            "changed": plan.changed,
            "action": task_action(entries),
            "changes": task_changes(entries),
            "config_id": primary.id if primary is not None else None,
            "fingerprint": desired.fingerprint,
            "previous_fingerprint": primary.planned.fingerprint_before if primary is not None else None,
            "configurations": [outcome.as_dict(desired.fingerprint) for outcome in self.outcomes],
            "diff": self._diff(),
            "warnings": list(plan.warnings) + self.warnings,
        }
        if desired.ionapi is not None:
            result.update(tenant=desired.ionapi.tenant, app_name=desired.ionapi.app_name)
        if self.verification is not None:
            result["verification"] = self.verification
        return result

    def _diff(self):
        """One diff for one configuration, a list for several."""
        diffs = [outcome.diff(self.plan.desired) for outcome in self.outcomes]
        if len(diffs) <= 1:
            return {"before": diffs[0]["before"], "after": diffs[0]["after"]} if diffs else {"before": {}, "after": {}}
        return diffs


# --- observe ---------------------------------------------------------------------------------------
class Observer:
    """What DocBits holds: lists, and downloads parsed as StoredFile (their secrets handed to the client's redaction)."""

    def __init__(self, client):
        self.client = client

    def download(self, config_id):
        return self._stored(self.client.download_ionapi(config_id))

    def download_listed(self, config):
        return self._stored(self.client.download_listed_file(config))

    def _stored(self, data):
        if data is None:
            return None
        stored = StoredFile(data)
        # A stored file's secrets must never show in an error excerpt either.
        self.client.add_secrets(stored.secret_values())
        return stored

    def plan(self, desired):
        """One list and one download per Infor export in scope, then the pure plan."""
        self.client.add_secrets(desired.ionapi.secret_values())
        scope = select_scope(desired, self.client.list_configurations())
        stored = dict((config.id, self.download_listed(config)) for config in scope.configs)
        return make_plan(desired, scope, stored)

    def plan_absent(self, desired):
        """One list and one download per matching Infor export, then the pure plan of state=absent."""
        configs = self.client.list_configurations()
        if desired.config_id is not None:
            owned = [config for config in [_by_id(configs, desired.config_id)] if config is not None]
        else:
            owned = [
                config
                for config in configs
                if config.is_infor_export and config.doc_type_key == doc_type_key(desired.doc_type) and config.sub_org_id == desired.sub_org_id
            ]
        stored = dict((config.id, self.download_listed(config)) for config in owned)
        return make_absent_plan(desired, owned, stored)

    def describe(self, doc_type=None, sub_org_id=None):
        """Every Infor export of the organisation (optionally filtered), with its stored file summarised."""
        described = []
        for config in self.client.list_infor_exports():
            if doc_type is not None and config.doc_type_key != doc_type_key(doc_type):
                continue
            if sub_org_id is not None and config.sub_org_id != normalise_id(sub_org_id):
                continue
            entry = config.as_dict()
            stored = self.download_listed(config)
            entry["ionapi"] = stored.summary() if stored is not None else None
            described.append(entry)
        return described


# --- write -----------------------------------------------------------------------------------------
class Writer:
    """The writes of one apply, recorded in `applied`: updates, creates (a lost answer never makes a
    duplicate of our own) and removals; the preflight is asked before each."""

    def __init__(self, client, observer, applied, preflight=None):
        self.client = client
        self.observer = observer
        self.applied = applied
        self.desired = applied.plan.desired
        self.preflight = preflight

    def before_write(self):
        if self.preflight is not None:
            self.preflight.before_write()

    def configure(self, target, config_id, ionapi_bytes, settings=None):
        return self.client.configure_infor_export(config_id=config_id, ionapi_bytes=ionapi_bytes, settings=settings, **target)

    def update(self, outcome):
        planned = outcome.planned
        if planned.configures:
            ionapi_bytes = self.desired.ionapi.content if planned.send_file else None
            self.configure(planned.target, outcome.id, ionapi_bytes, self.settings_sent_back(planned.current))
        if planned.set_active is not None:
            self.client.set_active(outcome.id, planned.set_active)

    def settings_sent_back(self, config):
        """The listed settings an update sends back unchanged; those it cannot send are named in a warning."""
        settings, unsendable = settings_to_send_back(config, self.client.configure_fields())
        if unsendable:
            self.applied.warnings.append(
                "configuration %s has setting(s) %s that DocBits lists but configure_infor_export does not declare, so they "
                "cannot be sent back: a DocBits that rebuilds a configuration from the form may reset them; check them in DocBits"
                % (config.id, ", ".join(printable(name) for name in unsendable))
            )
        return settings

    def create(self, outcome):
        """Create; after a lost answer or a refusal list again before creating again: no duplicate of our own."""
        known = self.applied.known_ids()
        attempts = self.client.retries + 1
        for attempt in range(attempts):
            try:
                answer = self.configure(outcome.planned.target, None, self.desired.ionapi.content)
            except DocBitsAuthError:
                raise
            except DocBitsError as exc:
                appeared = self._appeared(outcome, known)
                if appeared is not None:
                    # Another run (or our own lost create) made it meanwhile: make it ours.
                    self._adopt(outcome, appeared)
                    return
                if not isinstance(exc, DocBitsTransientError) or attempt == attempts - 1:
                    raise
                self.client.wait_before_retry(attempt, exc)
            else:
                # An id in the answer spares a list: the read back downloads it directly.
                outcome.id = answer if isinstance(answer, int) and not isinstance(answer, bool) else None
                if outcome.id is not None:
                    self.set_active_as_planned(outcome)
                return

    def set_active_as_planned(self, outcome):
        if outcome.planned.set_active is not None:
            self.client.set_active(outcome.id, outcome.planned.set_active)

    def _appeared(self, outcome, known):
        """A configuration of the outcome's type that was not there when the task planned, or None."""
        for config in sorted(self.client.list_configurations(), key=lambda item: item.id):
            if is_new_of(config, outcome, known):
                return config
        return None

    def _adopt(self, outcome, config):
        outcome.id, outcome.current = config.id, config
        stored = self.observer.download(config.id)
        target = outcome.planned.target
        differs = [name for name in ("title", "export_method") if not _same_setting(name, getattr(config, name), target[name])]
        if differs or stored is None or stored.fingerprint != self.desired.fingerprint:
            self.configure(target, config.id, self.desired.ionapi.content, self.settings_sent_back(config))
        self.set_active_as_planned(outcome)

    def remove(self, config_id):
        self.before_write()
        try:
            self.client.remove_configuration(config_id)
        except DocBitsAuthError:
            raise
        except DocBitsError:
            # A concurrent run may have removed it first: gone is what we wanted.
            if any(config.id == config_id for config in self.client.list_configurations()):
                raise


def is_new_of(config, outcome, known):
    """Whether a listed configuration is a new one of the outcome's type and sub-organisation."""
    target = outcome.planned.target
    same_place = (config.doc_type_key, config.sub_org_id) == (doc_type_key(target["doc_type"]), target["sub_org_id"])
    return config.is_infor_export and config.id not in known and same_place


# --- read back -------------------------------------------------------------------------------------
class ReadBack:
    """A write counts once DocBits lists the settings and stores the file as written. Also finds the id of a
    create answered without one, and has exact duplicates a concurrent run made meanwhile collapsed."""

    def __init__(self, writer):
        self.writer = writer
        self.client = writer.client
        self.applied = writer.applied
        self.desired = writer.desired
        self.duplicates = ConcurrentDuplicates(writer)

    def check(self, written):
        listed = None
        # Only creates answered with their id skip the list: a download reads them back.
        if any(outcome.id is None or outcome.current is not None for outcome in written):
            listed = self.client.list_configurations()
            self._find_created(written, listed)
            self.duplicates.collapse(written, listed)
        for outcome in written:
            stored = self.writer.observer.download(outcome.id)
            if stored is None and outcome.planned.action == ACTION_CREATE and listed is None:
                # Gone at once: a concurrent run may have collapsed it onto an older identical one.
                listed = self.client.list_configurations()
                self.duplicates.collapse([outcome], listed)
                stored = self.writer.observer.download(outcome.id)
            fingerprint_now = stored.fingerprint if stored is not None else None
            if fingerprint_now != self.desired.fingerprint:
                raise ReconcileError(
                    "DocBits accepted the upload, but configuration %s now stores %s instead of %s"
                    % (outcome.id, fingerprint_now or "no ION API file", self.desired.fingerprint)
                )
            if listed is not None:
                self._check_listed(outcome, listed)

    def _check_listed(self, outcome, listed):
        planned = outcome.planned
        config = next((item for item in listed if item.id == outcome.id), None)
        if config is None:
            raise ReconcileError("DocBits accepted the upload, but configuration %s is not listed afterwards" % outcome.id)
        mismatched = [name for name in MANAGED_SETTINGS if not _same_setting(name, getattr(config, name), planned.target[name])]
        if planned.set_active is not None and config.is_active != planned.set_active:
            mismatched.append(CHANGE_ACTIVE)
        if mismatched:
            raise ReconcileError("DocBits accepted the upload, but configuration %s still differs in %s" % (outcome.id, ", ".join(mismatched)))
        if planned.action == ACTION_UPDATE:
            self._warn_changed_settings(planned, config)

    def _warn_changed_settings(self, planned, config):
        """Settings the update sent back as listed that DocBits lists otherwise now."""
        before, after = planned.current.settings(), config.settings()
        if planned.set_active is not None:
            # The task switched it: not a setting DocBits changed.
            before.pop(CHANGE_ACTIVE, None)
            after.pop(CHANGE_ACTIVE, None)
        lost = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
        if lost:
            self.applied.warnings.append(
                "DocBits changed setting(s) %s of configuration %s during the update, which sent them back as "
                "listed: check them in DocBits" % (", ".join(printable(name) for name in lost), config.id)
            )

    def _find_created(self, written, listed):
        """The id of a create whose answer carried none: the new configuration of its type, oldest first."""
        known = self.applied.known_ids()
        for outcome in written:
            if outcome.id is not None:
                continue
            new = [config for config in sorted(listed, key=lambda item: item.id) if is_new_of(config, outcome, known)]
            if not new:
                raise ReconcileError("DocBits accepted the upload, but no matching configuration is listed afterwards")
            outcome.id = new[0].id
            known.add(outcome.id)
            self.writer.set_active_as_planned(outcome)


class ConcurrentDuplicates:
    """Exact duplicates of what this task wrote, made meanwhile by a concurrent run, go at once: the oldest
    stays. Each removal is recorded in `applied.duplicates`."""

    def __init__(self, writer):
        self.writer = writer
        self.applied = writer.applied
        self.desired = writer.desired

    def collapse(self, written, listed):
        """An older identical one is kept in place of a configuration this task created (never of one it updated)."""
        planned_ids = set(item.id for item in self.applied.outcomes)
        for outcome in written:
            for twin in self._twins(outcome, listed, planned_ids):
                if twin.id < outcome.id and outcome.planned.action != ACTION_CREATE:
                    continue
                stored = self.writer.observer.download(twin.id)
                if stored is not None and stored.fingerprint == self.desired.fingerprint:
                    duplicate = self._older_kept(outcome, twin) if twin.id < outcome.id else self._duplicate_of_ours(outcome, twin, stored)
                    self.writer.remove(duplicate.id)
                    self.applied.duplicates.append(duplicate)

    @staticmethod
    def _twins(outcome, listed, planned_ids):
        """Listed Infor exports, not planned, with the managed settings the outcome was written with; oldest first."""
        target = outcome.planned.target
        twins = [config for config in listed if config.is_infor_export and config.id != outcome.id and config.id not in planned_ids]
        twins = [config for config in twins if all(_same_setting(name, getattr(config, name), target[name]) for name in MANAGED_SETTINGS)]
        return sorted(twins, key=lambda item: item.id)

    @staticmethod
    def _older_kept(outcome, twin):
        """An older identical one exists: ours is the duplicate; theirs is kept and becomes ours."""
        ours = ConfigPlan(
            outcome.planned.doc_type,
            current=outcome.current,
            action=ACTION_REMOVE_DUPLICATE,
            changes=[CHANGE_DUPLICATE],
            reasons=["exact duplicate of configuration %s, made by a concurrent run" % twin.id],
            target=dict(outcome.planned.target),
            duplicate_of=twin.id,
        )
        duplicate = ConfigOutcome(ours, config_id=outcome.id)
        outcome.id, outcome.current = twin.id, twin
        return duplicate

    @staticmethod
    def _duplicate_of_ours(outcome, twin, stored):
        theirs = ConfigPlan(
            outcome.planned.doc_type,
            current=twin,
            stored=stored,
            action=ACTION_REMOVE_DUPLICATE,
            changes=[CHANGE_DUPLICATE],
            reasons=["exact duplicate of configuration %s, made by a concurrent run" % outcome.id],
            duplicate_of=outcome.id,
        )
        return ConfigOutcome(theirs)


# --- verify and roll back ----------------------------------------------------------------------------
class Rollback:
    """Every configuration written gets its previous state back (downloaded before the write), read back."""

    def __init__(self, writer):
        self.writer = writer
        self.client = writer.client
        self.desired = writer.desired

    def roll_back_all(self, written):
        """What was rolled back, or what could not be, in words for the task's error."""
        restored, failures = [], []
        for outcome in written:
            if outcome.id is None:
                continue
            try:
                restored.append(self.roll_back(outcome))
            except DocBitsInforError as exc:
                failures.append("configuration %s: %s" % (outcome.id, exc))
        if failures:
            return "the rollback failed (%s): configuration(s) may now carry the unverified file %s; rolled back: %s" % (
                "; ".join(failures),
                self.desired.fingerprint,
                "; ".join(restored) or "none",
            )
        return "the tenant was rolled back to %s" % "; ".join(restored)

    def roll_back(self, outcome):
        """Put back what was there before the write and read it back; say what."""
        planned, config_id = outcome.planned, outcome.id
        if planned.action == ACTION_CREATE:
            self.client.remove_configuration(config_id)
            if any(config.id == config_id for config in self.client.list_configurations()):
                raise ReconcileError("configuration %s is still listed after its removal" % config_id)
            return "no configuration (the one created for it, %s, was removed)" % config_id
        previous = planned.current
        if planned.send_file:
            self._check_restorable(planned.stored, config_id)
        if planned.configures:
            self.writer.configure(
                dict((name, getattr(previous, name)) for name in MANAGED_SETTINGS),
                config_id,
                planned.stored.data if planned.send_file else None,
                settings_to_send_back(previous, self.client.configure_fields())[0],
            )
        if planned.set_active is not None:
            self.client.set_active(config_id, previous.is_active)
        self._read_back(planned, config_id)
        return "%s (configuration %s carries its previous file, title and export method again)" % (planned.fingerprint_before, config_id)

    def _check_restorable(self, stored, config_id):
        if stored is None:
            raise ReconcileError("it had no ION API file before, and DocBits cannot store none: it carries %s" % self.desired.fingerprint)
        unusable = stored.restorable("the previous file of configuration %s" % config_id)
        if unusable:
            raise ReconcileError(
                "the previous file %s is not an .ionapi file (%s), so it was not put back: configuration %s "
                "carries %s" % (stored.fingerprint, unusable, config_id, self.desired.fingerprint)
            )

    def _read_back(self, planned, config_id):
        previous = planned.current
        config = next((config for config in self.client.list_configurations() if config.id == config_id), None)
        if config is None or config.as_dict() != previous.as_dict():
            raise ReconcileError(
                "configuration %s is %s after the rollback, not %s" % (config_id, config.as_dict() if config is not None else "gone", previous.as_dict())
            )
        now = self.writer.observer.download(config_id)
        if (now.fingerprint if now is not None else None) != planned.fingerprint_before:
            raise ReconcileError("configuration %s stores %s after the rollback" % (config_id, now.fingerprint if now else "no ION API file"))


def verify(writer, written):
    """DocBits tries every configuration written; on Infor's "no" for any, every one gets its previous state back.
    A test that could not run (the endpoint missing, refusing the request, or failing) is no "no": the file stays."""
    desired = writer.desired
    verification = {"available": True, "connected": True, "message": None, "configurations": []}
    for outcome in written:
        try:
            connected, message = writer.client.test_connection(outcome.id)
        except DocBitsAuthError:
            raise
        except DocBitsError as exc:
            verification.update(available=False, connected=None, message=str(exc))
            writer.applied.warnings.append(
                "configuration %s now carries the new file %s (it had %s), but DocBits' connection test could not run (%s): "
                "the upload stands; test it in DocBits (Test connection)" % (outcome.id, desired.fingerprint, outcome.planned.fingerprint_before or "none", exc)
            )
            return verification
        verification["configurations"].append({"id": outcome.id, "connected": connected, "message": message})
        if not connected:
            failure = "DocBits could not connect to Infor with the new file %s (configuration %s: %s)" % (desired.fingerprint, outcome.id, printable(message))
            raise ReconcileError("%s; %s" % (failure, Rollback(writer).roll_back_all(written)))
        verification["message"] = message
    return verification


def apply_plan(writer, verify_connection):
    """Updates, then creates, then the read back; with verify_connection the connection test, and a failure
    puts back what was written before it (all or nothing). Then the planned removals."""
    applied = writer.applied
    writer.before_write()
    written = []
    try:
        for outcome in applied.of_action(ACTION_UPDATE):
            writer.update(outcome)
            written.append(outcome)
        for outcome in applied.of_action(ACTION_CREATE):
            written.append(outcome)
            writer.create(outcome)
        if written:
            ReadBack(writer).check(written)
    except DocBitsInforError as exc:
        if verify_connection and written:
            raise ReconcileError("%s; %s" % (exc, Rollback(writer).roll_back_all(written)))
        raise
    if verify_connection and written:
        applied.verification = verify(writer, written)
    for outcome in applied.planned:
        if outcome.planned.removes:
            writer.remove(outcome.id)


class Reconciler:
    """One environment's desired state through a client: observe and plan, then apply."""

    def __init__(self, client, preflight=None):
        self.client = client
        self.observer = Observer(client)
        # Asked before every write; it knows whether it checked already (preflight.ContractPreflight).
        self.preflight = preflight

    def plan(self, desired):
        return self.observer.plan(desired)

    def plan_absent(self, desired):
        return self.observer.plan_absent(desired)

    def describe(self, doc_type=None, sub_org_id=None):
        return self.observer.describe(doc_type, sub_org_id)

    def apply(self, plan, check_mode=False, verify_connection=False):
        """The task's result (its `warnings`: the plan's, then those learnt while writing); the plan stays as it is."""
        applied = Applied(plan)
        if plan.changed and not check_mode:
            apply_plan(Writer(self.client, self.observer, applied, self.preflight), verify_connection)
        return applied.result()
