# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse and validate Infor ION API credentials files (.ionapi).

Pure functions, no I/O: callers hand in bytes and a label naming where they came from.
Messages name the file and the key, never a value of a secret key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps linters calm
    from urlparse import urlsplit  # type: ignore

# A real download is under 2 KiB; anything this large is not an .ionapi file.
MAX_BYTES = 16 * 1024

SECRET_KEYS = ("cs", "saak", "sask")
REQUIRED_KEYS = ("ti", "ci", "cs", "iu", "pu", "ot", "saak", "sask")
EXPECTED_KEYS = ("cn", "oa", "or")
# Keys whose meaning is known and whose value must be a string when present.
STRING_KEYS = REQUIRED_KEYS + EXPECTED_KEYS + ("ru",)

KIND_SERVICE_ACCOUNT = "backend_service_account"
KIND_CLIENT_CREDENTIALS = "backend_service_client_credentials"
KIND_WEB_APP = "web_application"
KIND_MOBILE = "mobile_or_native_application"
KIND_NO_SERVICE_ACCOUNT = "authorized_app_without_service_account"

KIND_LABELS = {
    KIND_CLIENT_CREDENTIALS: "a Backend Service download for the client-credentials grant",
    KIND_WEB_APP: "a Web Application download",
    KIND_MOBILE: "a Mobile / Native application download",
    KIND_NO_SERVICE_ACCOUNT: "an authorized app download without a service account",
}

WHAT_TO_DOWNLOAD = (
    "In Infor ION API > Authorized Apps, open (or create) the Backend Service app for DocBits with "
    "'Create Service Account' and 'Issue Refresh Tokens' on, then 'Download Credentials' and use that file."
)

TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
JWT_KEY_MARKERS = ("privateKey", "private_key", "kty", "kid", "keys", "alg")


class IonApiError(DocBitsInforError):
    """A .ionapi file breaks a rule; the message names the file and the key, never a secret."""

    def __init__(self, source, rule, message, key=None):
        self.source = source
        self.rule = rule
        self.key = key
        where = "%s: key '%s'" % (source, key) if key else source
        super(IonApiError, self).__init__("%s: %s" % (where, message))


class IonApiFile:
    """A validated .ionapi file."""

    def __init__(self, content, credentials, source, warnings):
        self.content = content
        self.credentials = credentials
        self.source = source
        self.warnings = warnings
        self.kind = KIND_SERVICE_ACCOUNT
        self.fingerprint = fingerprint(credentials)

    @property
    def tenant(self):
        return self.credentials["ti"]

    @property
    def app_name(self):
        return self.credentials.get("cn")

    def secret_values(self):
        return [self.credentials[key] for key in SECRET_KEYS if self.credentials.get(key)]

    def summary(self):
        return {
            "tenant": self.tenant,
            "app_name": self.app_name,
            "fingerprint": self.fingerprint,
            "kind": self.kind,
            "warnings": list(self.warnings),
        }


def canonical_bytes(credentials):
    return json.dumps(credentials, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint(credentials):
    """SHA-256 of the canonical JSON form: equal for files that parse to the same object."""
    return "sha256:" + hashlib.sha256(canonical_bytes(credentials)).hexdigest()


def secret_fingerprint(value):
    """Short stand-in for a secret value in diffs and reports."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return "<secret sha256:%s>" % hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def redacted(credentials):
    """The credentials with every secret value replaced by its fingerprint."""
    return dict(
        (key, secret_fingerprint(value) if key in SECRET_KEYS else value)
        for key, value in credentials.items()
    )


def _reject_duplicates(source):
    def hook(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise IonApiError(
                    source, "duplicate-key",
                    "appears more than once; the credentials are ambiguous, download the file again", key=key)
            result[key] = value
        return result
    return hook


def _reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def _decode(data, source):
    if not data:
        raise IonApiError(source, "empty", "the file is empty")
    if len(data) > MAX_BYTES:
        raise IonApiError(
            source, "too-large",
            "the file has %d bytes, over the %d-byte limit (a real .ionapi file is under 2 KiB)" % (len(data), MAX_BYTES))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in data[:4] and data.lstrip(b"\x00")[:1] in (b"{", b"[")):
        raise IonApiError(source, "utf16", "the file is UTF-16 encoded; save it as UTF-8 (or download it again)")
    if b"\x00" in data:
        raise IonApiError(source, "binary", "the file is binary, not a JSON text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IonApiError(source, "encoding", "the file is not valid UTF-8 (byte %d)" % exc.start)
    return text[1:] if text.startswith(u"\ufeff") else text


def strip_bom(data):
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _looks_like_csv(text):
    # Hand-edited JSON (a lost brace, a comment) must stay a syntax error with its line and column.
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return "," in first_line and not first_line.startswith(("{", "[", '"', "/", "#")) and '":' not in text


def _load_json(text, source):
    if _looks_like_csv(text):
        raise IonApiError(
            source, "csv",
            "this looks like a CSV file (the service-account key export?), not an ION API credentials file. " + WHAT_TO_DOWNLOAD)
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates(source), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # exc.msg describes the syntax only; it never quotes the document.
        raise IonApiError(
            source, "json-syntax",
            "invalid JSON at line %d, column %d: %s (was the file edited by hand?)" % (exc.lineno, exc.colno, exc.msg))
    except ValueError as exc:
        raise IonApiError(source, "json-syntax", "invalid JSON: %s" % exc)


def _download_kind(obj):
    """Which ION API download an object without a service account looks like."""
    if "ru" in obj:
        return KIND_WEB_APP
    if "ti" not in obj and "iu" not in obj:
        return KIND_CLIENT_CREDENTIALS
    if "dt" not in obj and "v" not in obj:
        return KIND_MOBILE
    return KIND_NO_SERVICE_ACCOUNT


def _check_kind(obj, source):
    if not any(key in obj for key in ("ti", "ci", "cs", "pu", "saak", "sask")):
        if any(key in obj for key in JWT_KEY_MARKERS):
            raise IonApiError(
                source, "jwt-key-file",
                "this looks like a private-JWT key file, not an ION API credentials file. " + WHAT_TO_DOWNLOAD)
        raise IonApiError(
            source, "not-ionapi",
            "this JSON has none of the ION API keys (ti, ci, cs, pu, saak, sask); it is not an .ionapi file. " + WHAT_TO_DOWNLOAD)
    has_account = "saak" in obj or "sask" in obj
    if "ru" in obj or not has_account:
        kind = _download_kind(obj)
        key = "ru" if "ru" in obj else "saak"
        reason = "has a redirect URI" if "ru" in obj else "has no service account (saak/sask)"
        raise IonApiError(
            source, "wrong-download",
            "the file %s: this looks like %s, which DocBits cannot use. %s" % (reason, KIND_LABELS[kind], WHAT_TO_DOWNLOAD),
            key=key)


def _check_types(obj, source):
    for key in STRING_KEYS:
        if key not in obj:
            continue
        value = obj[key]
        if not isinstance(value, str):
            raise IonApiError(
                source, "type", "must be a string, found %s" % _json_type(value), key=key)
        if key in REQUIRED_KEYS and not value.strip():
            raise IonApiError(source, "empty-value", "must not be empty", key=key)
        if value != value.strip():
            raise IonApiError(
                source, "whitespace", "has leading or trailing whitespace (was the file edited by hand?)", key=key)


def _json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    return type(value).__name__


def _check_https_url(obj, key, source):
    parts = urlsplit(obj[key])
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise IonApiError(
            source, "https-url", "must be an absolute https:// URL (found scheme '%s')" % (parts.scheme or "none"), key=key)
    return parts


def _host_warnings(obj, pu_parts, iu_parts):
    warnings = []
    on_premises = "/InforIntSTS/" in pu_parts.path
    if on_premises:
        return warnings
    for key, parts in (("iu", iu_parts), ("pu", pu_parts)):
        host = (parts.hostname or "").lower()
        if not host.endswith(".inforcloudsuite.com"):
            warnings.append(
                "key '%s': host '%s' is not under inforcloudsuite.com (fine for on-premises Infor OS)" % (key, host))
    path_tenant = pu_parts.path.strip("/").split("/")[0] if pu_parts.path.strip("/") else ""
    if path_tenant and path_tenant != obj["ti"] and pu_parts.path.rstrip("/").endswith("/as"):
        warnings.append(
            "key 'pu': its path names tenant '%s' but 'ti' is '%s' (was the file edited by hand?)" % (path_tenant, obj["ti"]))
    return warnings


def _shape_warnings(obj):
    tenant = obj["ti"]
    warnings = []
    prefix, sep, rest = obj["ci"].partition("~")
    if not sep or prefix != tenant:
        warnings.append("key 'ci': expected the form '%s~<id>'" % tenant)
    prefix, sep, rest = obj["saak"].partition("#")
    if not sep or prefix != tenant:
        warnings.append("key 'saak': expected the form '%s#<key>'" % tenant)
    for key in ("cs", "sask"):
        if not TOKEN_CHARS.match(obj[key]):
            warnings.append("key '%s': contains characters outside [A-Za-z0-9_-]" % key)
    return warnings


def parse_ionapi(data, source="<content>", expected_tenant=None):
    """Validate the bytes of an .ionapi file; return an IonApiFile or raise IonApiError."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    obj = _load_json(_decode(data, source), source)
    if not isinstance(obj, dict):
        raise IonApiError(
            source, "not-object", "the top level must be a JSON object, found %s" % _json_type(obj))
    _check_kind(obj, source)
    _check_types(obj, source)
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise IonApiError(source, "missing-key", "is required but missing (download the file again)", key=key)
    warnings = ["key '%s' is missing (expected in a Backend Service download)" % key for key in EXPECTED_KEYS if key not in obj]

    iu_parts = _check_https_url(obj, "iu", source)
    pu_parts = _check_https_url(obj, "pu", source)
    if not obj["pu"].endswith("/"):
        raise IonApiError(
            source, "pu-trailing-slash",
            "must end with '/' because clients append 'ot' to it; fix the download, do not edit it by hand", key="pu")

    if expected_tenant is not None and obj["ti"] != expected_tenant:
        raise IonApiError(
            source, "tenant-mismatch",
            "the file is for Infor tenant '%s' but this environment expects '%s'" % (obj["ti"], expected_tenant), key="ti")

    warnings.extend(_host_warnings(obj, pu_parts, iu_parts))
    warnings.extend(_shape_warnings(obj))
    # The upload carries the user's bytes as given: never a silent rewrite, only the BOM dropped.
    return IonApiFile(strip_bom(data), obj, source, warnings)


def describe_stored(data):
    """Summary of the bytes of a file stored in DocBits, which may predate any validation: never raises."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return {"tenant": None, "app_name": None, "fingerprint": "sha256:" + hashlib.sha256(data).hexdigest(), "parsed": False}
    if not isinstance(obj, dict):
        return {"tenant": None, "app_name": None, "fingerprint": fingerprint(obj), "parsed": True}
    return {"tenant": obj.get("ti"), "app_name": obj.get("cn"), "fingerprint": fingerprint(obj), "parsed": True}
