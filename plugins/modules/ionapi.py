#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi
short_description: Keep a DocBits tenant's Infor export configuration carrying an .ionapi file
version_added: 1.0.0
description:
  - Makes the Infor export configuration of a DocBits organisation (one per O(doc_type) and O(sub_org_id))
    carry exactly the given Infor ION API credentials file, with the given attributes.
  - The file is validated first (see M(docbits.infor.ionapi_validate)); an invalid file or a tenant mismatch fails before
    any request is sent.
  - The current state is read (list and download). The configuration is written only when the stored file, compared as
    parsed JSON, or an attribute differs, and a write is read back before it counts as done.
  - With O(state=absent) the configuration is removed.
  - Runs on the controller when the task's connection is C(local) (the usual case, and the fastest); otherwise the
    module runs on the target host with the file content, so DocBits is reached from there.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.source
  - docbits.infor.connection
  - docbits.infor.connection.export
  - docbits.infor.token
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
    details: Reads DocBits and reports what would change; writes nothing.
  diff_mode:
    support: full
    details: Before and after of the configuration and of the file, with C(cs), C(saak) and C(sask) replaced by fingerprints.
  platform:
    platforms: all
options:
  state:
    description:
      - V(present) uploads the file when needed; V(absent) removes the Infor export configuration.
    type: str
    choices: [present, absent]
    default: present
  title:
    description:
      - Title of the export configuration. When unset, an existing title is kept and a new configuration is named after
        the authorized app (C(cn)).
    type: str
  export_method:
    description:
      - The Infor export method of the configuration.
    type: str
    default: infor-idm-cloud
    choices:
      - infor-idm-cloud
      - infor-ion-cloud
      - infor-bod-cloud
      - infor-ln-cloud
      - infor-m3-cloud
      - infor-m3-toml-cloud
      - infor-idm-onpremise
      - infor-ion-onpremise
      - infor-bod-onpremise
  config_id:
    description:
      - Id of the configuration to manage, when finding it by O(doc_type) and O(sub_org_id) is not wanted or ambiguous.
    type: int
  verify_connection:
    description:
      - After an upload, ask DocBits to test its connection to Infor with the stored file (C(test_infor_connection)).
      - When DocBits cannot connect, the tenant is rolled back, and the task fails saying so. An updated configuration
        gets back the file it stored before the upload (downloaded before the write) and its previous title and export
        method, then is read back; a configuration created by this task is removed. So a rotation never leaves a tenant
        with a dead file. When the rollback itself fails, the task fails naming both fingerprints.
      - When DocBits cannot answer the test (after O(retries)), nothing is rolled back; the task fails saying which
        file the configuration now carries.
      - Nothing is tested when nothing was uploaded (an unchanged tenant still costs two requests), nor in check mode.
      - Use it with O(check_token), which proves the file before the upload; this proves it as DocBits sees it.
    type: bool
    default: false
    version_added: 1.0.0
notes:
  - O(src) or O(content) is required with O(state=present).
  - When several Infor export configurations match O(doc_type) and O(sub_org_id), the only active one is used;
    if that is still ambiguous the task fails and lists the candidate ids.
seealso:
  - module: docbits.infor.ionapi_validate
  - module: docbits.infor.ionapi_info
"""

EXAMPLES = r"""
- name: Upload the TST credentials to the TST tenant
  docbits.infor.ionapi:
    src: files/ACME_TST.ionapi
    expected_tenant: ACME_TST
    docbits_url: https://api.docbits.com
    api_key: "{{ vault_docbits_api_key }}"
    doc_type: INVOICE
    title: Infor IDM export (TST)

- name: Drive it from inventory variables, one host per environment
  docbits.infor.ionapi:
    src: "{{ ionapi_file }}"
    expected_tenant: "{{ infor_tenant }}"
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ docbits_api_key }}"
    org_id: "{{ docbits_org_id | default(omit) }}"

- name: Remove the Infor export configuration of a sub-organisation
  docbits.infor.ionapi:
    state: absent
    sub_org_id: "42"
    api_key: "{{ vault_docbits_api_key }}"
"""

RETURN = r"""
config_id:
  description: Id of the export configuration that carries the file (null when one would be created in check mode).
  returned: always
  type: int
  sample: 117
fingerprint:
  description: Fingerprint of the desired file (SHA-256 of its canonical JSON form).
  returned: always
  type: str
  sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
previous_fingerprint:
  description: Fingerprint of the file DocBits stored before this task, null when it stored none.
  returned: always
  type: str
  sample: sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071
tenant:
  description: The Infor tenant (C(ti)) of the file.
  returned: when O(state=present)
  type: str
  sample: ACME_TST
app_name:
  description: The authorized app name (C(cn)) of the file.
  returned: when O(state=present)
  type: str
  sample: DocBits_TST
action:
  description: What was (or in check mode would be) done.
  returned: always
  type: str
  choices: [none, create, update, delete]
  sample: update
token_check:
  description: With O(check_token), how the file got its token; never the token.
  returned: when O(check_token=true)
  type: dict
  sample: {"token_endpoint": "https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/token.oauth2", "client_auth": "body",
           "token_type": "Bearer", "expires_in": 7200, "refresh_token_issued": true, "tenant_claim": "matched", "revoked": true}
verification:
  description: With O(verify_connection), what DocBits said when it tested the uploaded file.
  returned: when O(verify_connection=true) and the file was uploaded
  type: dict
  sample: {"connected": true, "message": "Connection OK"}
changes:
  description: What differed, among V(configuration), V(ion_api), V(title), V(export_method), V(doc_type), V(sub_org_id).
  returned: always
  type: list
  elements: str
  sample: [ion_api]
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.docbits.infor.plugins.module_utils.arguments import CONNECTION_MUTUALLY_EXCLUSIVE, IONAPI_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, failure_details
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_ionapi


def main():
    module = AnsibleModule(
        argument_spec=IONAPI_SPEC,
        mutually_exclusive=[("src", "content")] + CONNECTION_MUTUALLY_EXCLUSIVE,
        required_if=[("state", "present", ("src", "content"), True)],
        supports_check_mode=True,
    )
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        result = run_ionapi(module.params, check_mode=module.check_mode)
    except DocBitsInforError as exc:
        module.fail_json(msg=str(exc), **failure_details(exc))
    for warning in result.pop("warnings"):
        module.warn(warning)
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
