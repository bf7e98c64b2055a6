# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  docbits_url:
    description:
      - Base URL of the DocBits API, for example V(https://api.docbits.com) or V(https://sandbox.api.docbits.com).
      - Falls back to the E(DOCBITS_URL) environment variable.
    type: str
    default: https://api.docbits.com
  api_key:
    description:
      - DocBits API key of the organisation and environment (DocBits Settings -> Integration), sent as C(X-API-KEY).
      - Falls back to the E(DOCBITS_API_KEY) environment variable. Never logged.
      - One of O(api_key) and O(bearer_token) is required.
    type: str
  bearer_token:
    description:
      - A DocBits bearer token, as the web app uses, instead of O(api_key).
      - Falls back to the E(DOCBITS_BEARER_TOKEN) environment variable. Never logged.
    type: str
  org_id:
    description:
      - DocBits organisation to act on; sent only when set.
    type: str
  timeout:
    description:
      - Seconds to wait for each answer from DocBits.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried after HTTP 429, 500, 502, 503, 504, a reset connection or a timeout,
        with exponential backoff and jitter (C(Retry-After) honoured, capped at 30 seconds). Other errors are not retried.
    type: int
    default: 3
  validate_certs:
    description:
      - Verify the TLS certificate of DocBits. Turn off only for a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of certificate authorities to trust instead of the system ones (for example behind a TLS-inspecting proxy).
      - The E(HTTPS_PROXY) and E(NO_PROXY) environment variables of the controller are honoured.
    type: path
  environment_name:
    description:
      - Name of the environment in error messages, for example V(acme-tst).
      - Defaults to the inventory host name of the task.
    type: str
"""

    EXPORT = r"""
options:
  doc_type:
    description:
      - DocBits document type that the Infor export configuration belongs to.
    type: str
    default: INVOICE
  sub_org_id:
    description:
      - DocBits sub-organisation of the export configuration; unset means the organisation itself.
    type: str
"""
