# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""One entry point per module, shared by the module (on a target) and its action plugin
(in-process on the controller): options in, result dict out, DocBitsInforError on failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import OPERATIONS, DocBitsNotFound, client_from_params
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, printable
from ansible_collections.docbits.infor.plugins.module_utils.infor_token import check_token
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import MAX_BYTES, IonApiError, parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.stored_token import add_stored_token_verdicts, check_stored_tokens, old_credentials_live
from ansible_collections.docbits.infor.plugins.module_utils.preflight import ContractPreflight, contract_report, operations_for
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import Desired, Reconciler, all_inactive_warning
from ansible_collections.docbits.infor.plugins.module_utils.rotation import retire
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import check_transport


class ControllerFile:
    """The task's .ionapi file before validation: its bytes (or the text of the content option), the name
    messages give it, and warnings about it (its mode)."""

    def __init__(self, data, source, warnings=()):
        self.data = data
        self.source = source
        self.warnings = list(warnings)


def read_source(path, label=None, warn_permissions=True):
    """The ControllerFile at `path` (named `label` when given); errors name the file and the rule."""
    shown = printable(label or path)
    try:
        info = os.stat(path)
    except OSError as exc:
        if not os.path.lexists(path):
            raise OptionError("src '%s': no such file" % shown)
        raise OptionError("src '%s': cannot be read (%s)" % (shown, exc.strerror))
    if stat.S_ISDIR(info.st_mode):
        raise OptionError("src '%s': is a directory, not an .ionapi file" % shown)
    if not stat.S_ISREG(info.st_mode):
        raise OptionError("src '%s': is not a regular file" % shown)
    if info.st_size > MAX_BYTES:
        raise IonApiError(
            label or path, "too-large", "the file has %d bytes, over the %d-byte limit (a real .ionapi file is under 2 KiB)" % (info.st_size, MAX_BYTES)
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except (IOError, OSError) as exc:
        raise OptionError("src '%s': cannot be read (%s)" % (shown, exc.strerror))
    warnings = []
    if warn_permissions and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(
            "src '%s': is accessible by group or others (mode %04o); it holds credentials, chmod 600 it or keep it in Ansible Vault"
            % (shown, stat.S_IMODE(info.st_mode))
        )
    return ControllerFile(data, label or path, warnings)


def source_path(params):
    """The task's src, taken under src_dir when it is relative (an absolute src stays as it is)."""
    src = params.get("src")
    if src and params.get("src_dir"):
        return os.path.join(os.path.realpath(params["src_dir"]), src)
    return src


def load_ionapi(params, controller_file=None):
    """Validate the task's file: `controller_file` when the caller has it (the action plugin, which names
    content as the inventory does: ionapi_content), else src or content."""
    if controller_file is None:
        if params.get("content") is not None:
            controller_file = ControllerFile(params["content"], "content")
        elif params.get("src"):
            controller_file = read_source(source_path(params))
        else:
            raise OptionError("one of src or content is required")
    ionapi = parse_ionapi(controller_file.data, source=controller_file.source, expected_tenant=params.get("expected_tenant"))
    ionapi.warnings = controller_file.warnings + ionapi.warnings
    return ionapi


def prove_token(params, ionapi):
    """With check_token: a token obtained and revoked with the file (its account, secret-free), else None."""
    if not params.get("check_token"):
        return None
    check_transport(params)
    outcome = check_token(ionapi, source=ionapi.source, validate_certs=params["validate_certs"], ca_path=params.get("ca_path"), timeout=params["timeout"])
    ionapi.warnings.extend(outcome.pop("warnings"))
    return outcome


def run_validate(params, controller_file=None):
    if params.get("state") == "absent":
        return {"changed": False, "skipped": True, "msg": "state=absent: the environment is to carry no .ionapi file, nothing to validate"}
    ionapi = load_ionapi(params, controller_file)
    token_check = prove_token(params, ionapi)
    if params.get("strict") and ionapi.warnings:
        raise DocBitsInforError("%s: strict: %s" % (printable(ionapi.source or "content"), "; ".join(ionapi.warnings)))
    result = ionapi.summary()
    result["changed"] = False
    if token_check is not None:
        result["token_check"] = token_check
    return result


# The options that say what the environment's Infor exports must be (reconcile.Desired).
DESIRED_OPTIONS = ("doc_type", "export_method", "sub_org_id", "title", "config_id", "doc_types", "active")


def run_ionapi(params, check_mode=False, controller_file=None, run_cache=None):
    warnings = []
    desired_file = None
    if params["state"] == "present":
        # Validation comes before any network call: a bad file never reaches DocBits.
        desired_file = load_ionapi(params, controller_file)
        warnings = desired_file.warnings
    elif params.get("doc_types"):
        raise OptionError("doc_types applies to state=present; to remove a configuration set doc_type or config_id")
    desired = Desired(desired_file, **dict((name, params.get(name)) for name in DESIRED_OPTIONS))
    client = client_from_params(params)
    verdicts = None
    try:
        # Before any DocBits call: a file that gets no token is never uploaded.
        token_check = prove_token(params, desired_file) if desired_file is not None else None
        # The live contract is checked right before the first write (never in check mode or without one).
        preflight = ContractPreflight(client, params["contract_check"], operations_for(params), run_cache)
        reconciler = Reconciler(client, preflight=preflight)
        plan = reconciler.plan(desired) if desired_file is not None else reconciler.plan_absent(desired)
        if params.get("check_stored_token"):
            # The files DocBits stores now, before anything replaces them.
            verdicts = check_stored_tokens(plan, params["validate_certs"], params.get("ca_path"), params["timeout"], run_cache)
        result = reconciler.apply(plan, check_mode=check_mode, verify_connection=params["verify_connection"])
        warnings = warnings + result.pop("warnings")
    except DocBitsNotFound:
        # A path DocBits does not know: its live contract says which operation moved, in the table.
        preflight.diagnose()
        raise
    finally:
        client.close()
    if token_check is not None:
        result["token_check"] = token_check
        _add_retire(result, params, plan, desired_file, check_mode)
    if verdicts is not None:
        add_stored_token_verdicts(result, verdicts, check_mode)
    result["warnings"] = warnings + preflight.warnings
    return result


def _add_retire(result, params, plan, desired_file, check_mode):
    """What to retire in ION API after a rotation. Here the new file is proven and in place (a failed upload or
    verification raised): only now are the old credentials tried, and never in check mode."""
    retired = retire(
        plan.entries,
        desired_file.credentials,
        prove=None if check_mode else lambda stored: old_credentials_live(stored, params["validate_certs"], params.get("ca_path"), params["timeout"]),
    )
    if retired is not None:
        result["retire"] = retired


def run_info(params, controller_file=None):
    # The environment's own file first: a bad one fails before any request.
    own = None
    if params.get("state") != "absent" and (controller_file is not None or params.get("src") or params.get("content") is not None):
        own = load_ionapi(params, controller_file)
    client = client_from_params(params)
    if params.get("contract"):
        # Read-only: the live /openapi.json against every operation the collection uses.
        try:
            return {"changed": False, "configurations": [], "contract": contract_report(client, OPERATIONS)}
        finally:
            client.close()
    try:
        configurations = Reconciler(client).describe(params.get("doc_type"), params.get("sub_org_id"))
    finally:
        client.close()
    result = {"changed": False, "configurations": configurations, "exporting": any(entry["is_active"] for entry in configurations)}
    warnings = list(own.warnings) if own is not None else []
    if own is not None:
        result["fingerprint"] = own.fingerprint
        result["carried"] = any((entry.get("ionapi") or {}).get("fingerprint") == own.fingerprint for entry in configurations)
    if configurations and not result["exporting"]:
        warnings.append(all_inactive_warning([entry["id"] for entry in configurations]))
    if warnings:
        result["warnings"] = warnings
    return result
