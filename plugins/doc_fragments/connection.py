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
      - DocBits runs in two regions that hold separate data; a configuration written to one never shows in the other.
        Europe is V(https://eu.api.docbits.com) or the bare V(https://api.docbits.com), the United States
        V(https://us.api.docbits.com); sandboxes are V(https://eu.sandbox.api.docbits.com),
        V(https://us.sandbox.api.docbits.com) and V(https://sandbox.api.docbits.com) (Europe).
      - The URL may carry a path (for example V(https://api.docbits.com/prod-api)); request paths are appended to it.
      - C(http://) is refused unless the host is this machine (127.0.0.0/8, V(::1), V(localhost)), since the key and the
        file's secrets would travel in clear text. The same holds for Infor's token endpoint with C(check_token).
      - Redirects (HTTP 3xx) are never followed; the task fails naming the origin the redirect points to, so no key or
        file reaches another address. Set O(docbits_url) to the final address.
      - A host that is not plain ASCII (a look-alike letter, such as a Cyrillic one for C(o)) is refused before any
        request; the message shows it escaped (C(\u043e)) and in its punycode (C(xn--)) form. DocBits hosts are ASCII.
      - Falls back to the E(DOCBITS_URL) environment variable.
    type: str
    default: https://api.docbits.com
  api_key:
    description:
      - DocBits API key of the organisation and environment (DocBits Settings -> Integration), sent as C(X-API-KEY).
      - Falls back to the E(DOCBITS_API_KEY) environment variable. Never logged.
      - The key alone, printable ASCII without whitespace, not prefixed by C(Bearer), and without the line break a YAML
        block scalar C(|) adds (use C(|-)). Checked before any request.
      - One of O(api_key) and O(bearer_token) is required.
    type: str
  bearer_token:
    description:
      - A DocBits bearer token, as the web app uses, instead of O(api_key).
      - Falls back to the E(DOCBITS_BEARER_TOKEN) environment variable. Never logged.
    type: str
  org_id:
    description:
      - DocBits organisation to act on (DocBits Settings -> Integration & SSO -> ID); sent only when set, as the
        C(X-ORG-ID) header and as the C(org_id) form field or query parameter.
    type: str
  timeout:
    description:
      - Seconds a whole request may take, from connecting to the last byte of the answer (also for Infor's token
        endpoint with C(check_token)). A server trickling its answer byte by byte cannot stretch it.
      - A request that keeps timing out fails within about O(timeout) x (O(retries) + 1) seconds plus the backoff
        between tries (see O(retries)).
      - From 1 to 3600; a value outside fails the task before any request.
    type: int
    default: 30
  retries:
    description:
      - How many times a request is retried after HTTP 429, 500, 502, 503 and 504, a reset connection or a timeout.
        Before each new try it waits as C(Retry-After) says (capped at 30 s), else 0.5 s, 1 s, 2 s ... (exponential
        backoff, at most 8 s), plus a random jitter of up to 0.25 s. Other errors are not retried.
      - From 0 to 10; a value outside fails the task before any request.
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
      - The E(HTTPS_PROXY) and E(NO_PROXY) environment variables of the controller are honoured. A proxy answering
        HTTP 407 (it wants other credentials) fails the task at once, naming the proxy (never its credentials); check the
        user and password in E(HTTPS_PROXY).
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
