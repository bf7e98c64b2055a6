# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The main() of every module shipped to a target: options parsed, the runner called, its result reported.

The only place outside the modules that talks to AnsibleModule; the layers below raise
DocBitsInforError and never call fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, failure_details
from ansible_collections.docbits.infor.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


def run_module(arguments, work, needs_requests=lambda params: True):
    """`arguments`: a ModuleArguments; `work(module)`: a runner's result dict, or DocBitsInforError."""
    module = AnsibleModule(argument_spec=arguments.argument_spec, supports_check_mode=True, **arguments.constraints)
    if needs_requests(module.params) and not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        result = work(module)
    except DocBitsInforError as exc:
        module.fail_json(msg=str(exc), **failure_details(exc))
    for warning in result.pop("warnings", []):
        module.warn(warning)
    if not module._diff:
        result.pop("diff", None)
    if result.pop("failed", False):
        # e.g. a dead stored file (check_stored_token): the host fails, the result keeps its report data.
        module.fail_json(**result)
    module.exit_json(**result)
