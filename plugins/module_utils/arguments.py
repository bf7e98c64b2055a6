# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Options of every module and the constraints between them: one definition, used by the module
(AnsibleModule) and by its action plugin (the same checks, through one ArgumentSpecValidator)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    DEFAULT_DOC_TYPE,
    DEFAULT_URL,
    INFOR_EXPORT_METHODS,
)
from ansible_collections.docbits.infor.plugins.module_utils.preflight import CONTRACT_CHECK_MODES
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import check_bounds

# 0 is no limit; a slot is a lock file, and no run forks more workers than this.
CONCURRENCY_LIMIT_BOUNDS = (0, 1000)

# Read by the action plugin on the controller (plugin_utils/option_variables.py), never by a module on a target.
CONTROLLER_SPEC = dict(
    option_variables=dict(type="raw"),
)

SOURCE_SPEC = dict(
    src=dict(type="path"),
    src_dir=dict(type="path"),
    content=dict(type="str", no_log=True),
    expected_tenant=dict(type="str"),
)

CONNECTION_SPEC = dict(
    docbits_url=dict(type="str", default=DEFAULT_URL, fallback=(env_fallback, ["DOCBITS_URL"])),
    api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["DOCBITS_API_KEY"])),
    bearer_token=dict(type="str", no_log=True, fallback=(env_fallback, ["DOCBITS_BEARER_TOKEN"])),
    org_id=dict(type="str"),
    timeout=dict(type="int", default=30),
    retries=dict(type="int", default=3),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    environment_name=dict(type="str"),
)

# ionapi_validate reaches Infor only for check_token; ionapi shares these with its DocBits connection.
TOKEN_CHECK_SPEC = dict(
    check_token=dict(type="bool", default=False),
    timeout=CONNECTION_SPEC["timeout"],
    validate_certs=CONNECTION_SPEC["validate_certs"],
    ca_path=CONNECTION_SPEC["ca_path"],
)
# present: the environment is to carry its file; absent: it is to carry none (ionapi removes it), so
# ionapi_validate has nothing to check and ionapi_info nothing to compare.
STATE_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
VALIDATE_SPEC = dict(SOURCE_SPEC, **dict(TOKEN_CHECK_SPEC, **dict(STATE_SPEC, **CONTROLLER_SPEC)))
VALIDATE_SPEC["strict"] = dict(type="bool", default=False)

EXPORT_SPEC = dict(
    doc_type=dict(type="str", default=DEFAULT_DOC_TYPE),
    sub_org_id=dict(type="str"),
)

IONAPI_SPEC = dict(
    title=dict(type="str"),
    export_method=dict(type="str", choices=list(INFOR_EXPORT_METHODS)),
    config_id=dict(type="int"),
    verify_connection=dict(type="bool", default=False),
    doc_types=dict(type="list", elements="str"),
    active=dict(type="bool"),
    check_stored_token=dict(type="bool", default=False),
    contract_check=dict(type="str", default="auto", choices=list(CONTRACT_CHECK_MODES)),
    concurrency_limit=dict(type="int", default=0),
    **dict(SOURCE_SPEC, **dict(STATE_SPEC, **dict(CONNECTION_SPEC, **dict(EXPORT_SPEC, **dict(TOKEN_CHECK_SPEC, **CONTROLLER_SPEC)))))
)

IONAPI_INFO_SPEC = dict(SOURCE_SPEC, **dict(STATE_SPEC, **dict(CONNECTION_SPEC, **dict(EXPORT_SPEC, **CONTROLLER_SPEC))))
IONAPI_INFO_SPEC["doc_type"] = dict(type="str")
IONAPI_INFO_SPEC["contract"] = dict(type="bool", default=False)
IONAPI_INFO_SPEC["hosts"] = dict(type="list", elements="str")


class ModuleArguments:
    """A module's argument spec with its constraints, in the keywords that AnsibleModule takes, and
    their validator for the action plugin."""

    def __init__(self, argument_spec, mutually_exclusive=(), required_one_of=(), required_if=()):
        self.argument_spec = argument_spec
        self.constraints = dict(
            mutually_exclusive=list(mutually_exclusive),
            required_one_of=list(required_one_of),
            required_if=list(required_if),
        )
        # Built once, at import: on the controller that is before the strategy forks its workers,
        # which then validate with it instead of each deep-copying the spec into a validator of its own.
        self.validator = ArgumentSpecValidator(argument_spec, **self.constraints)


ONE_SOURCE = ("src", "content")
ONE_CREDENTIAL = ("api_key", "bearer_token")

VALIDATE_ARGUMENTS = ModuleArguments(VALIDATE_SPEC, mutually_exclusive=[ONE_SOURCE], required_if=[("state", "present", ONE_SOURCE, True)])
IONAPI_ARGUMENTS = ModuleArguments(
    IONAPI_SPEC,
    mutually_exclusive=[ONE_SOURCE, ONE_CREDENTIAL],
    required_if=[("state", "present", ONE_SOURCE, True)],
)
IONAPI_INFO_ARGUMENTS = ModuleArguments(IONAPI_INFO_SPEC, mutually_exclusive=[ONE_SOURCE, ONE_CREDENTIAL])


def check_concurrency_limit(limit):
    """concurrency_limit within its bounds, before any request (timeout and retries: option_checks.check_transport)."""
    check_bounds(limit, "concurrency_limit", CONCURRENCY_LIMIT_BOUNDS, "hosts at once (0: no limit)")
