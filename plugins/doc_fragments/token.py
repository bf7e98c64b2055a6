# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  check_token:
    description:
      - Prove that the file works before anything depends on it, as DocBits will use it, by getting a token from Infor
        with it (password grant to C(pu) + C(ot), the client authenticated in the form body, then once with HTTP Basic)
        and revoking it at C(pu) + C(or).
      - When the file's C(sc) lists scopes (a list, or a space-separated string), the grant asks for them; an empty
        C(sc) asks for none. An app that refuses them (C(invalid_scope)) fails the task naming the scopes and what to check
        in ION API.
      - The answer must carry C(access_token), C(token_type) and C(expires_in), and a C(Tenant) claim in the token, when
        there is one, must equal the file's C(ti).
      - A refused secret (C(invalid_client)), a deleted or disabled service account (C(invalid_grant)), a server error, a
        timeout, a TLS failure or an answer that is not a token fails the task with what to do; nothing is uploaded.
      - The token is never printed or returned. It runs in check mode too (it writes nothing to DocBits).
      - O(validate_certs), O(ca_path) and O(timeout) apply to the token endpoint as well; the E(HTTPS_PROXY) and
        E(NO_PROXY) environment variables of the host the task runs on (the controller with a local connection) are
        honoured.
    type: bool
    default: false
    version_added: 1.0.0
"""

    TRANSPORT = r"""
options:
  timeout:
    description:
      - Seconds to wait for each answer of Infor's token endpoint (with O(check_token)).
      - From 1 to 3600; a value outside fails the task before any request.
    type: int
    default: 30
  validate_certs:
    description:
      - Verify the TLS certificate of Infor's token endpoint (with O(check_token)). Turn off only for a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of certificate authorities to trust instead of the system ones (with O(check_token)).
    type: path
"""
