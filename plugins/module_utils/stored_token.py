# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The stored token check (option check_stored_token, inventory variable docbits_audit_liveness): does the
file DocBits stores still get a token? A token request with the stored file (held in memory, revoked, never
shown), once per distinct stored file per run when the caller has a run cache. After a rotation, the same
question about the file it replaced: are the old credentials retired? Each verdict goes in the result as the
configuration's `liveness`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.docbits.infor.plugins.module_utils.infor_token import TokenCheckError, check_token
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import IonApiError, parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import ACTION_REMOVE_DUPLICATE, CHANGE_ION_API

RUN_CACHE_NAMESPACE = "stored-token"
REASON_INVALID_FILE = "invalid_file"
REASON_NO_TOKEN = "no_token"
# What Infor says of credentials it no longer accepts: a revoked secret or deleted app, a disabled service account.
REFUSED = {
    "invalid_client": "Infor refuses the old client (invalid_client): its secret is revoked or the app deleted or disabled",
    "invalid_grant": "Infor refuses the old service account (invalid_grant): it is disabled or deleted",
}
# What a dead file means and what to do, per OAuth error.
FIXES = {
    "invalid_client": "the authorized app's secret was changed or the app was deleted: download the credentials again "
    "(Infor ION API, Authorized Apps, Download Credentials) and provision them",
    "invalid_grant": "the service account is disabled (or deleted): re-enable it in Infor, or download the credentials again "
    "with a new service account and provision them",
    "invalid_scope": "the app enforces scopes that the stored file's sc does not ask for: check the app's scopes in Infor ION API "
    "(Authorized Apps), download the credentials again and provision them",
    REASON_INVALID_FILE: "DocBits stores a file that is not a usable .ionapi file: provision the right one",
    REASON_NO_TOKEN: "see the message; provision a file that gets a token",
}


def verdict(stored, validate_certs=True, ca_path=None, timeout=30):
    """{"alive": bool, "reason", "fix", "message"} for a StoredFile; secret-free and JSON-serialisable."""
    source = "the file DocBits stores (%s)" % stored.fingerprint
    try:
        ionapi = parse_ionapi(stored.data, source=source)
    except IonApiError as exc:
        return {"alive": False, "reason": REASON_INVALID_FILE, "fix": FIXES[REASON_INVALID_FILE], "message": str(exc)}
    try:
        check_token(ionapi, source=source, validate_certs=validate_certs, ca_path=ca_path, timeout=timeout)
    except TokenCheckError as exc:
        reason = exc.reason if exc.reason in FIXES else REASON_NO_TOKEN
        return {"alive": False, "reason": reason, "fix": FIXES[reason], "message": str(exc)}
    return {"alive": True, "reason": None, "fix": None, "message": "got a token (revoked at once)"}


def old_credentials_live(stored, validate_certs=True, ca_path=None, timeout=30):
    """{"live": True|False|None, "reason", "message"} for a file a rotation replaced: True when Infor still issues
    a token for it (revoked at once), False when it refuses the client or the account, None when it cannot tell."""
    source = "the old file (%s)" % stored.fingerprint
    try:
        ionapi = parse_ionapi(stored.data, source=source)
        check_token(ionapi, source=source, validate_certs=validate_certs, ca_path=ca_path, timeout=timeout)
    except IonApiError as exc:
        return {"live": None, "reason": REASON_INVALID_FILE, "message": str(exc)}
    except TokenCheckError as exc:
        if exc.reason in REFUSED:
            return {"live": False, "reason": exc.reason, "message": REFUSED[exc.reason]}
        if not exc.token_issued:
            return {"live": None, "reason": exc.reason or REASON_NO_TOKEN, "message": str(exc)}
    return {"live": True, "reason": None, "message": "the old credentials still get a token (revoked at once)"}


def check_stored_tokens(plan, validate_certs=True, ca_path=None, timeout=30, run_cache=None):
    """Verdicts by configuration id for every stored file of the plan; each distinct file is tried once."""
    verdicts, by_fingerprint = {}, {}
    for entry in plan.entries:
        stored = entry.stored
        if stored is None or entry.id is None:
            continue
        if stored.fingerprint not in by_fingerprint:

            def compute(stored=stored):
                return verdict(stored, validate_certs=validate_certs, ca_path=ca_path, timeout=timeout)

            # Keyed by fingerprint (a hash): the cache on disk holds no secret.
            by_fingerprint[stored.fingerprint] = run_cache.once(RUN_CACHE_NAMESPACE, stored.fingerprint, compute) if run_cache is not None else compute()
        verdicts[entry.id] = by_fingerprint[stored.fingerprint]
    return verdicts


def add_stored_token_verdicts(result, verdicts, check_mode):
    """Each configuration of the result gets its `liveness`; a dead file DocBits keeps fails the task
    (failed and msg in the result, which keeps its configurations for the report)."""
    dead = []
    for entry in result.get("configurations", []):
        found = verdicts.get(entry["id"])
        if found is None:
            continue
        entry["liveness"] = found
        # A file this task replaced is no longer DocBits' problem; in check mode every file stays.
        stays = check_mode or CHANGE_ION_API not in entry["changes"] and entry["action"] != ACTION_REMOVE_DUPLICATE
        if not found["alive"] and stays:
            dead.append("configuration %s (%s): %s (%s)" % (entry["id"], entry["doc_type"], found["message"], found["fix"]))
    if dead:
        result["failed"] = True
        result["msg"] = "DocBits stores an ION API file that gets no token from Infor, so its exports stop: %s" % "; ".join(dead)
    return result
