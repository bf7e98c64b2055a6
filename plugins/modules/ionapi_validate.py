#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi_validate
short_description: Validate an Infor ION API credentials file (.ionapi) offline
version_added: 1.0.0
description:
  - Checks that an C(.ionapi) file is the download DocBits needs (a Backend Service authorized app with a service account),
    well formed, and for the expected Infor tenant. Nothing is sent anywhere, unless O(check_token) asks Infor for a token.
  - Refuses templates, redacted or damaged copies and files that are not that download (placeholders in any value, redaction
    markers, secrets with whitespace or under 40 characters, tenant ids with spaces or control characters, nesting over 32
    levels). The message names the file, the key and what the value looks like, never the value; the failed result carries
    the rule id in RV(rule) and the key in RV(key). C(docs/ionapi-format.md) lists every rule.
  - Warns, without failing, when C(cn) does not follow the C(DocBits_<ENV>) naming or C(ci) is prefixed by another name than
    C(ti) (such as the Infor OS farm).
  - Runs on the controller, so the file never has to exist on a managed host.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.source
  - docbits.infor.token
  - docbits.infor.token.transport
  - docbits.infor.variables
  - ansible.builtin.action_common_attributes
  - docbits.infor.attributes
  - docbits.infor.attributes.read_only
options:
  state:
    description:
      - V(absent) for an environment that is to carry no C(.ionapi) file (as O(docbits.infor.ionapi#module:state=absent)),
        so nothing is read or validated and the task is skipped.
    type: str
    choices: [present, absent]
    default: present
    version_added: 1.2.0
  strict:
    description:
      - Fail on the validator's warnings too (a file readable by others, an unusual value shape), naming the file and each warning.
    type: bool
    default: false
    version_added: 1.2.0
seealso:
  - module: docbits.infor.ionapi
"""

EXAMPLES = r"""
# The layout of the collection's README: the .ionapi files in credentials/mine/, beside the inventory.
- name: Check the TST credentials before a deploy
  docbits.infor.ionapi_validate:
    src: credentials/mine/docbits-tst.ionapi
    expected_tenant: ACME_TST
  delegate_to: localhost

- name: Prove the rotated PRD credentials get a token before anything else
  docbits.infor.ionapi_validate:
    src: credentials/mine/docbits-prd.ionapi
    expected_tenant: ACME_PRD
    check_token: true
  delegate_to: localhost

- name: Validate a file kept in a secret store
  docbits.infor.ionapi_validate:
    content: "{{ lookup('ansible.builtin.env', 'ACME_PRD_IONAPI') }}"
    expected_tenant: ACME_PRD
  delegate_to: localhost
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
rule:
  description:
    - On failure, the stable id of the rule the file or an option broke, so that a pipeline can act on it, for example
      V(placeholder), V(redacted), V(secret-whitespace), V(secret-too-short), V(tenant-invalid), V(wrong-download),
      V(too-deep) or V(tenant-mismatch).
    - Every rule id, what it means and what to do is listed in C(docs/ionapi-format.md) of the collection.
  returned: failure, when the refusal has a rule id
  type: str
  sample: placeholder
  version_added: 1.0.0
key:
  description: On failure, the key of the C(.ionapi) file the refusal is about; never its value.
  returned: failure, when the refusal is about one key
  type: str
  sample: cs
  version_added: 1.0.0
token_check:
  description: With O(check_token), how the file got its token; never the token.
  returned: when O(check_token=true)
  type: dict
  sample: {"token_endpoint": "https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/token.oauth2", "client_auth": "body",
           "token_type": "Bearer", "expires_in": 7200, "refresh_token_issued": true, "tenant_claim": "matched", "revoked": true}
"""

from ansible_collections.docbits.infor.plugins.module_utils.arguments import VALIDATE_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.module_entry import run_module
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_validate


def main():
    # Offline validation needs no HTTP library; only the token check does.
    run_module(VALIDATE_ARGUMENTS, lambda module: run_validate(module.params), needs_requests=lambda params: params["check_token"])


if __name__ == "__main__":
    main()
