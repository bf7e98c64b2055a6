#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi_validate
short_description: Validate an Infor ION API credentials file (.ionapi) offline
version_added: 0.1.0
description:
  - Checks that an C(.ionapi) file is the download DocBits needs (a Backend Service authorized app with a service account),
    well formed, and for the expected Infor tenant. Nothing is sent anywhere.
  - Runs on the controller, so the file never has to exist on a managed host.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.source
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
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
seealso:
  - module: docbits.infor.ionapi
"""

EXAMPLES = r"""
- name: Check the TST credentials before a deploy
  docbits.infor.ionapi_validate:
    src: files/ACME_TST.ionapi
    expected_tenant: ACME_TST

- name: Validate a file kept in a secret store
  docbits.infor.ionapi_validate:
    content: "{{ lookup('ansible.builtin.env', 'ACME_PRD_IONAPI') }}"
    expected_tenant: ACME_PRD
"""

RETURN = r"""
tenant:
  description: The Infor tenant of the file (C(ti)).
  returned: success
  type: str
  sample: ACME_TST
app_name:
  description: The authorized app name (C(cn)), if the file has one.
  returned: success
  type: str
  sample: DocBits_TST
fingerprint:
  description: SHA-256 of the canonical JSON form of the file; equal for files that parse to the same object.
  returned: success
  type: str
  sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
kind:
  description: Which ION API download the file is; always V(backend_service_account) on success.
  returned: success
  type: str
  sample: backend_service_account
warnings:
  description: Findings that do not stop the file, such as a missing C(cn) or a host outside C(inforcloudsuite.com).
  returned: success
  type: list
  elements: str
  sample: ["key 'cn' is missing (expected in a Backend Service download)"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.docbits.infor.plugins.module_utils.arguments import SOURCE_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_validate


def main():
    module = AnsibleModule(
        argument_spec=SOURCE_SPEC,
        mutually_exclusive=[("src", "content")],
        required_one_of=[("src", "content")],
        supports_check_mode=True,
    )
    try:
        result = run_validate(module.params)
    except DocBitsInforError as exc:
        module.fail_json(msg=str(exc))
    for warning in result.pop("warnings"):
        module.warn(warning)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
