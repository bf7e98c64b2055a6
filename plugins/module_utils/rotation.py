# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""What a rotation leaves to retire in Infor ION API, which no public API does (docs/ionapi-format.md,
"Two ways Infor rotates"): the kind of change from the credentials DocBits stored to the new file, and
the advice for a person. Pure but for the token check of the old file the caller hands in; names the app, the tenant
and fingerprints at most, never a secret."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable

CHANGE_NONE = "none"
# Smooth Reset Secret: same app (ci), new cs; the old secret works 1-7 days unless revoked.
CHANGE_NEW_SECRET = "new_secret"
# A download with Create Service Account: same app, new saak; the old account works until disabled.
CHANGE_NEW_SERVICE_ACCOUNT = "new_service_account"
CHANGE_NEW_SECRET_AND_SERVICE_ACCOUNT = "new_secret_and_service_account"
CHANGE_NEW_APP = "new_app"
CHANGE_OTHER_TENANT = "other_tenant"
# DocBits stored something that is not a credentials object: nothing known to retire.
CHANGE_UNKNOWN = "unknown"
# The most telling first: an environment's change is the first of these among its old files.
CHANGES = (
    CHANGE_OTHER_TENANT,
    CHANGE_NEW_APP,
    CHANGE_NEW_SECRET_AND_SERVICE_ACCOUNT,
    CHANGE_NEW_SERVICE_ACCOUNT,
    CHANGE_NEW_SECRET,
    CHANGE_UNKNOWN,
    CHANGE_NONE,
)
IDENTITY_KEYS = ("ti", "ci", "cs", "saak")
# Enough of a fingerprint to find the file among one's downloads, in a table.
SHORT_FINGERPRINT = len("sha256:") + 12


def client_id_fingerprint(client_id):
    return "sha256:" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:12]


def classify(old, new):
    """The change from the `old` credentials (a dict, or None when DocBits stored no object) to `new` (validated)."""
    if not isinstance(old, dict) or not all(isinstance(old.get(key), str) and old.get(key) for key in IDENTITY_KEYS):
        return CHANGE_UNKNOWN
    if old["ti"] != new["ti"]:
        return CHANGE_OTHER_TENANT
    if old["ci"] != new["ci"]:
        return CHANGE_NEW_APP
    new_secret, new_account = old["cs"] != new["cs"], old["saak"] != new["saak"]
    if new_secret and new_account:
        return CHANGE_NEW_SECRET_AND_SERVICE_ACCOUNT
    if new_secret:
        return CHANGE_NEW_SECRET
    return CHANGE_NEW_SERVICE_ACCOUNT if new_account else CHANGE_NONE


def _app(credentials):
    name = credentials.get("cn")
    return "%s (client %s)" % (printable(name) if isinstance(name, str) and name else "the authorized app", client_id_fingerprint(credentials["ci"]))


def actions(change, old, fingerprint):
    """What a person must do in Infor for one old file (`fingerprint` names it), in the order to do it:
    (short, in full) pairs, the short one for a table."""
    if change in (CHANGE_NONE, CHANGE_UNKNOWN):
        return []
    app = _app(old)
    revoke_secret = (
        "Revoke Old Secret of %s" % app,
        "Revoke Old Secret of %s in Infor ION API (Authorized Apps): after a Smooth Reset Secret the old secret works for up to 7 days" % app,
    )
    disable_account = (
        "disable the old service account (file %s...)" % fingerprint[:SHORT_FINGERPRINT],
        "disable the service account of the old file %s in Infor (User Management, Service Accounts): it works until disabled" % fingerprint,
    )
    delete_app = ("delete the old app %s" % app, "delete the old authorized app %s in Infor ION API (Authorized Apps) once nothing else uses it" % app)
    if change == CHANGE_OTHER_TENANT:
        where = "in the old file's tenant %s, " % printable(old["ti"])
        return [(where + short, where + full) for short, full in (disable_account, delete_app)]
    return {
        CHANGE_NEW_SECRET: [revoke_secret],
        CHANGE_NEW_SERVICE_ACCOUNT: [disable_account],
        CHANGE_NEW_SECRET_AND_SERVICE_ACCOUNT: [revoke_secret, disable_account],
        CHANGE_NEW_APP: [disable_account, delete_app],
    }[change]


def old_file(stored, new, prove=None):
    """One stored file this task replaced: its change, what to retire (in full, and short) and whether it still
    gets a token. `prove(stored)` gives {"live", "reason", "message"}; None (check mode) leaves `live` unknown."""
    change = classify(stored.credentials, new)
    credentials = stored.credentials if change != CHANGE_UNKNOWN else {}
    described = {
        "fingerprint": stored.fingerprint,
        "tenant": credentials.get("ti"),
        "app_name": credentials.get("cn"),
        "client_id": client_id_fingerprint(credentials["ci"]) if credentials else None,
        "change": change,
        "live": None,
        "message": None,
    }
    if prove is not None and change not in (CHANGE_NONE, CHANGE_UNKNOWN):
        proof = prove(stored)
        described.update(live=proof["live"], message=proof["message"])
    # Dead old credentials are retired already.
    todo = [] if described["live"] is False else actions(change, credentials, stored.fingerprint)
    described["actions"] = [full for _short, full in todo]
    return described, [short for short, _full in todo]


def _live(files):
    states = [entry["live"] for entry in files if entry["change"] not in (CHANGE_NONE, CHANGE_UNKNOWN)]
    if True in states:
        return True
    return False if states and all(state is False for state in states) else None


def _summary(change, todo, live):
    if change == CHANGE_NONE:
        return "nothing to retire: the credentials are the ones DocBits stored"
    if change == CHANGE_UNKNOWN:
        return "nothing known to retire: DocBits stored no .ionapi credentials"
    state = {True: "old credentials still live", False: "old credentials dead, nothing left to retire", None: "old credentials not checked"}[live]
    return "%s: %s" % (change.replace("_", " "), "; ".join(todo + [state]))


def _unique(items):
    found = []
    for item in items:
        if item not in found:
            found.append(item)
    return found


def retire(entries, new, prove=None):
    """The `retire` of a result for the plan's `entries` (each with .stored) and the new credentials, or None
    when no configuration stored a file. One entry per distinct stored file."""
    files, shorts, seen = [], [], set()
    for entry in entries:
        stored = entry.stored
        if stored is not None and stored.fingerprint not in seen:
            seen.add(stored.fingerprint)
            described, short = old_file(stored, new, prove)
            files.append(described)
            shorts.extend(short)
    if not files:
        return None
    change = next(change for change in CHANGES if any(entry["change"] == change for entry in files))
    live = _live(files)
    return {
        "change": change,
        "actions": _unique(action for entry in files for action in entry["actions"]),
        "old_credentials_live": live,
        "old_files": files,
        "summary": _summary(change, _unique(shorts), live),
    }
