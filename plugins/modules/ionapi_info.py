#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi_info
short_description: List a DocBits tenant's Infor export configurations and the .ionapi files they carry
version_added: 1.0.0
description:
  - Lists the Infor export configurations of a DocBits organisation, each with the tenant (C(ti)), app name (C(cn)) and
    fingerprint of its stored ION API file. Secret values are never returned.
  - Read-only.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  action:
    support: full
  action_group:
    support: full
    membership:
      - docbits.infor.docbits
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: all
options:
  doc_type:
    description:
      - Only configurations of this document type.
    type: str
  sub_org_id:
    description:
      - Only configurations of this sub-organisation.
    type: str
seealso:
  - module: docbits.infor.ionapi
"""

EXAMPLES = r"""
- name: What does the TST tenant carry?
  docbits.infor.ionapi_info:
    api_key: "{{ vault_docbits_api_key }}"
  register: docbits

- name: Fail when the stored file is not the one in the repository
  ansible.builtin.assert:
    that: docbits.configurations | map(attribute='ionapi.fingerprint') is contains(expected_fingerprint)
"""

RETURN = r"""
exporting:
  description:
    - Whether any listed Infor export configuration is active. V(false) with configurations listed means DocBits
      exports nothing to Infor; the task then warns.
  returned: always
  type: bool
  sample: true
  version_added: 1.0.0
configurations:
  description: The Infor export configurations of the organisation.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Configuration id.
      type: int
      sample: 117
    title:
      description: Title of the configuration.
      type: str
      sample: DocBits_TST
    doc_type:
      description: Document type.
      type: str
      sample: INVOICE
    export_method:
      description: Infor export method.
      type: str
      sample: infor-idm-cloud
    sub_org_id:
      description: Sub-organisation id, null for the organisation itself.
      type: str
      sample: null
    is_active:
      description: Whether the configuration is active.
      type: bool
      sample: true
    ionapi:
      description: Summary of the stored ION API file, null when none is stored.
      type: dict
      contains:
        tenant:
          description: Infor tenant (C(ti)), null when the stored file is unreadable.
          type: str
          sample: ACME_TST
        app_name:
          description: Authorized app name (C(cn)).
          type: str
          sample: DocBits_TST
        fingerprint:
          description: SHA-256 of the canonical JSON form (of the raw bytes when the file does not parse).
          type: str
          sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
        parsed:
          description: Whether the stored file is valid JSON.
          type: bool
          sample: true
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.docbits.infor.plugins.module_utils.arguments import CONNECTION_MUTUALLY_EXCLUSIVE, IONAPI_INFO_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_info


def main():
    module = AnsibleModule(
        argument_spec=IONAPI_INFO_SPEC,
        mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE,
        supports_check_mode=True,
    )
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        result = run_info(module.params)
    except DocBitsInforError as exc:
        module.fail_json(msg=str(exc))
    for warning in result.pop("warnings", []):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
