# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs shared by the modules and their action plugins, and the client they build."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.basic import env_fallback

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    DEFAULT_DOC_TYPE,
    DEFAULT_EXPORT_METHOD,
    DEFAULT_URL,
    INFOR_EXPORT_METHODS,
    DocBitsClient,
)
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError

SOURCE_SPEC = dict(
    src=dict(type="path"),
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

CONNECTION_MUTUALLY_EXCLUSIVE = [("api_key", "bearer_token")]

# ionapi_validate reaches Infor only for check_token; ionapi shares these with its DocBits connection.
TOKEN_CHECK_SPEC = dict(
    check_token=dict(type="bool", default=False),
    timeout=CONNECTION_SPEC["timeout"],
    validate_certs=CONNECTION_SPEC["validate_certs"],
    ca_path=CONNECTION_SPEC["ca_path"],
)
VALIDATE_SPEC = dict(SOURCE_SPEC, **TOKEN_CHECK_SPEC)

EXPORT_SPEC = dict(
    doc_type=dict(type="str", default=DEFAULT_DOC_TYPE),
    sub_org_id=dict(type="str"),
)

IONAPI_SPEC = dict(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    title=dict(type="str"),
    export_method=dict(type="str", default=DEFAULT_EXPORT_METHOD, choices=list(INFOR_EXPORT_METHODS)),
    config_id=dict(type="int"),
    verify_connection=dict(type="bool", default=False),
    **dict(SOURCE_SPEC, **dict(CONNECTION_SPEC, **dict(EXPORT_SPEC, **TOKEN_CHECK_SPEC)))
)

IONAPI_INFO_SPEC = dict(CONNECTION_SPEC, **EXPORT_SPEC)
IONAPI_INFO_SPEC["doc_type"] = dict(type="str")


def check_url(url):
    parts = urlsplit(url or "")
    # The URL itself is never echoed: it may carry a password.
    if "@" in parts.netloc or "@" in (url or "").split("/")[0]:
        raise OptionError("docbits_url must not carry credentials; use api_key")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(
            "docbits_url must be an absolute http(s) URL such as https://api.docbits.com (got %s)"
            % ("an empty value" if not url else "scheme '%s'" % parts.scheme if parts.scheme else "no scheme"))
    if parts.query or parts.fragment:
        raise OptionError("docbits_url must be a base URL without query or fragment")


def check_transport(params):
    """The options of any HTTPS call; refused before a request."""
    if params["timeout"] <= 0:
        raise OptionError("timeout must be a positive number of seconds")
    if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
        raise OptionError("ca_path '%s': no such file (a PEM bundle of certificate authorities)" % params["ca_path"])


def client_from_params(params):
    """A DocBitsClient for validated task options; bad options fail before any request."""
    check_url(params["docbits_url"])
    api_key, bearer_token = params.get("api_key"), params.get("bearer_token")
    for name, value in (("api_key", api_key), ("bearer_token", bearer_token)):
        if value is not None and not value.strip():
            raise OptionError("%s is empty; set it (or DOCBITS_API_KEY) to the DocBits API key" % name)
    if not (api_key or bearer_token):
        raise OptionError("no DocBits credential: set api_key (or the DOCBITS_API_KEY environment variable)")
    check_transport(params)
    if params["retries"] < 0:
        raise OptionError("retries must be 0 or more")
    return DocBitsClient(
        params["docbits_url"],
        api_key=api_key,
        bearer_token=bearer_token,
        org_id=params.get("org_id"),
        timeout=params["timeout"],
        retries=params["retries"],
        validate_certs=params["validate_certs"],
        ca_path=params.get("ca_path"),
        environment=params.get("environment_name"),
    )
