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
  - With O(src) or O(content), also the environment's own file, validated as M(docbits.infor.ionapi_validate) does - its
    fingerprint (RV(fingerprint)) and whether a listed configuration stores it (RV(carried)).
  - Read-only.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.source
  - docbits.infor.connection
  - docbits.infor.variables
  - ansible.builtin.action_common_attributes
  - docbits.infor.attributes
  - docbits.infor.attributes.action_group
  - docbits.infor.attributes.read_only
options:
  doc_type:
    description:
      - Only configurations of this document type.
    type: str
  sub_org_id:
    description:
      - Only configurations of this sub-organisation.
    type: str
  contract:
    description:
      - Instead of listing configurations, check the DocBits contract of O(docbits_url) - read its live C(/openapi.json)
        with the key and check every operation the collection can send against it, as O(docbits.infor.ionapi#module:contract_check)
        does before a write. Returns RV(contract); RV(configurations) is then empty. Read-only.
      - C(playbooks/check_contract.yml) runs it once for each distinct C(docbits_url) of an inventory.
    type: bool
    default: false
    version_added: 1.0.0
  hosts:
    description:
      - With O(contract=true), check the base URL of each of these inventory hosts, once per distinct URL, each with the
        options that O(option_variables) gives the first host of that URL (of the others only O(docbits_url) is resolved).
        Returns RV(contracts). Meant for C(run_once), as C(playbooks/check_contract.yml) does with C(ansible_play_hosts),
        one task for the play instead of one per environment.
      - The variables are each host's inventory and extra variables; the options the task sets apply to every URL.
    type: list
    elements: str
    version_added: 1.2.0
  state:
    description:
      - V(absent) for an environment that is to carry no C(.ionapi) file; O(src) is then not read.
    type: str
    choices: [present, absent]
    default: present
    version_added: 1.2.0
seealso:
  - module: docbits.infor.ionapi
"""

EXAMPLES = r"""
# The layout of the collection's README: the inventory sets docbits_url and vault_docbits_api_key.
- name: Does the live DocBits API declare what the collection sends?
  docbits.infor.ionapi_info:
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ vault_docbits_api_key }}"
    contract: true
  delegate_to: localhost
  register: docbits_contract

- name: What does the TST tenant carry?
  docbits.infor.ionapi_info:
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ vault_docbits_api_key }}"
  delegate_to: localhost
  register: docbits

- name: Read the fingerprint of the TST file in the repository
  docbits.infor.ionapi_validate:
    src: credentials/mine/docbits-tst.ionapi
    expected_tenant: ACME_TST
  delegate_to: localhost
  register: tst_file

- name: Fail when the stored file is not the one in the repository
  ansible.builtin.assert:
    that: docbits.configurations | selectattr('ionapi') | map(attribute='ionapi.fingerprint') is contains(tst_file.fingerprint)
"""

RETURN = r"""
docbits_url_default:
  description:
    - V(true) when neither the task, its variables nor C(DOCBITS_URL) gave a O(docbits_url), so the default
      U(https://api.docbits.com) (production, Europe) was read; a warning says so too.
  returned: when the default URL was used
  type: bool
  sample: true
  version_added: 1.2.0
exporting:
  description:
    - Whether any listed Infor export configuration is active. V(false) with configurations listed means DocBits
      exports nothing to Infor; the task then warns.
  returned: unless O(contract=true)
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
fingerprint:
  description: With O(src) or O(content), the fingerprint of that file (never a secret).
  returned: when O(src) or O(content) is given and O(state=present)
  type: str
  sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
  version_added: 1.2.0
carried:
  description: With O(src) or O(content), whether a listed configuration stores that file.
  returned: when O(src) or O(content) is given and O(state=present)
  type: bool
  sample: true
  version_added: 1.2.0
contracts:
  description:
    - With O(hosts), the check of each distinct base URL, in the order of the hosts, as RV(contract) plus
      C(docbits_url), C(environment) (the host whose options were used) and C(summary) (one line). A host whose options
      do not resolve makes its URL's check unreadable, with the reason.
  returned: when O(contract) is true and O(hosts) is given
  type: list
  elements: dict
  sample: [{"docbits_url": "https://api.docbits.com", "environment": "acme-tst", "source": "https://api.docbits.com/openapi.json",
            "readable": true, "blocking": 0, "ignored": 2, "summary": "https://api.docbits.com/openapi.json: DOC2 - API 2.2.10: 0 blocking, 2 ignored"}]
  version_added: 1.2.0
contract:
  description: With O(contract), the check of the live C(/openapi.json) against the operations of the collection.
  returned: when O(contract) is true and O(hosts) is not given
  type: dict
  contains:
    source:
      description: The document read.
      type: str
      sample: https://api.docbits.com/openapi.json
    readable:
      description: Whether an OpenAPI document could be read there.
      type: bool
      sample: true
    reason:
      description: Why it could not be read, or null.
      type: str
      sample: null
    title:
      description: The document's title.
      type: str
      sample: DOC2 - API
    version:
      description: The document's version.
      type: str
      sample: 2.2.10
    blocking:
      description: How many findings would stop a write (the job cannot do without them).
      type: int
      sample: 0
    ignored:
      description: How many attributes the collection sends that the live API does not declare (DocBits ignores them).
      type: int
      sample: 2
    findings:
      description: Each difference between what the collection sends and what the document declares.
      type: list
      elements: dict
      contains:
        severity:
          description: V(blocking), V(ignored) or V(web-app-only) (an operation known from the DocBits web app only).
          type: str
          sample: ignored
        operation:
          description: Method and path.
          type: str
          sample: POST /configurations/configure_infor_export
        item:
          description: What differs (a field, query parameter, header, the content type or the operation).
          type: str
          sample: export_method
        sends:
          description: What the collection sends.
          type: str
          sample: string export_method
        declares:
          description: What the live API declares.
          type: str
          sample: no such field
        constant:
          description: The constant in C(plugins/module_utils/docbits_api.py) to change if DocBits moved.
          type: str
          sample: OP_CONFIGURE
    table:
      description: The findings as text lines, one row per finding and V(ok) for each operation without one.
      type: list
      elements: str
"""

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_INFO_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.module_entry import run_module
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_info


def main():
    # hosts needs the controller's inventory: its action plugin handles it before the module is ever shipped.
    run_module(IONAPI_INFO_ARGUMENTS, lambda module: run_info(module.params))


if __name__ == "__main__":
    main()
