# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Parse and validate Infor ION API credentials files (.ionapi).

Pure functions, no I/O: callers hand in bytes and a label naming where they came from.
Messages name the file and the key, never a value of a secret key.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
import unicodedata
from urllib.parse import urlsplit

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, printable, punycode

# A real download is under 2 KiB; anything this large is not an .ionapi file.
MAX_BYTES = 16 * 1024

SECRET_KEYS = ("cs", "saak", "sask")
REQUIRED_KEYS = ("ti", "ci", "cs", "iu", "pu", "ot", "saak", "sask")
EXPECTED_KEYS = ("cn", "oa", "or")
# Keys whose meaning is known and whose value must be a string when present.
STRING_KEYS = REQUIRED_KEYS + EXPECTED_KEYS + ("ru",)
# Keys whose string values are judged for placeholders; unknown extra keys are kept as they are.
JUDGED_KEYS = REQUIRED_KEYS + EXPECTED_KEYS + ("dt", "ev", "v")

# A real file nests two levels (the object, then sc); json.loads recurses once per level.
MAX_DEPTH = 32
# Real secrets are random strings of 60 to 90 characters; none shorter than 40 was ever seen.
MIN_SECRET_LENGTH = 40
# 40 random characters of [A-Za-z0-9_-] show about 30 distinct ones; a filler such as "0000..." shows few.
MIN_SECRET_DISTINCT = 12

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
    "In Infor ION API > Authorized Apps, open (or create) the app DocBits_<ENV> of type Backend Service with "
    "'Create Service Account' and 'Issue Refresh Tokens' on (the Password Credentials grant), "
    "then 'Download Credentials' and use that file."
)

TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")
JWT_KEY_MARKERS = ("privateKey", "private_key", "kty", "kid", "keys", "alg")
GRANT_HINT = " DocBits signs in as a service account (the Password Credentials grant), not with the Client Credentials grant."
APP_NAMING = re.compile(r"^DocBits_", re.IGNORECASE)

# Placeholders are recognised by general properties of the value, not by a list of known templates.
TEMPLATE_MARKERS = re.compile(r"[<>]|\{\{|\}\}|\$\{|\$\(|%[A-Za-z_]{3,}%")
# [tenant], {secret}; URLs may hold IPv6 hosts in square brackets, app names any text.
BRACKETS = {"iu": re.compile(r"[{}]"), "pu": re.compile(r"[{}]"), "cn": re.compile(r"$^")}
ANY_BRACKET = re.compile(r"[\[\]{}]")
REDACTION_MARKERS = re.compile(r"\*|\.\.\.|\u2026")
SEGMENT_SEPARATORS = re.compile(r"[^0-9A-Za-z]+")
WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
X_RUN = re.compile(r"^[xX]{3,}$")
YOUR_WORD = re.compile(r"^your[a-z]*$", re.IGNORECASE)
REDACTION_WORDS = frozenset(("hidden", "redacted", "removed", "masked", "omitted", "censored", "obfuscated", "sanitized", "snipped", "elided"))
INSTRUCTION_WORDS = frozenset(("your", "yours", "changeme", "changeit", "replaceme", "placeholder", "todo", "fixme", "tbd", "tba"))
# Words a template names a value with (TENANT_ID, MY_CLIENT_SECRET, SERVICE_ACCOUNT_KEY); a value made only
# of them, with at least one naming the credential itself, is a name, not a value.
NAME_CORE_WORDS = frozenset(
    (
        "tenant",
        "tenantid",
        "id",
        "client",
        "clientid",
        "secret",
        "key",
        "password",
        "pwd",
        "token",
        "credential",
        "credentials",
        "saak",
        "sask",
        "placeholder",
        "here",
        "your",
        "changeme",
    )
)
NAME_WORDS = NAME_CORE_WORDS | frozenset(
    (
        "my",
        "the",
        "a",
        "an",
        "of",
        "for",
        "from",
        "to",
        "in",
        "with",
        "me",
        "it",
        "this",
        "goes",
        "go",
        "put",
        "enter",
        "insert",
        "paste",
        "fill",
        "replace",
        "change",
        "ion",
        "api",
        "infor",
        "oauth",
        "value",
        "string",
        "env",
        "environment",
        "access",
        "service",
        "account",
        "app",
        "application",
        "name",
        "user",
        "username",
        "auth",
        "org",
        "organisation",
        "organization",
        "company",
        "customer",
        "instance",
        "sa",
        "ak",
        "sk",
        "cs",
        "ci",
        "ti",
        "ionapi",
        "url",
        "uri",
        "secrets",
        "vault",
        "var",
        "config",
        "docbits",
    )
)
# Words a run-together name (TENANTNAME, MYCLIENTSECRET) is split into: two-letter words would split almost anything.
COMPOUND_PARTS = sorted((word for word in NAME_WORDS if len(word) > 2 or word in ("my", "id")), key=len, reverse=True)
# Keys whose placeholders may be the name of the value (TENANT_ID); app names and paths are free text.
NAMED_KEYS = ("ti", "ci", "cs", "saak", "sask")
# A tenant id is a path segment of pu and of every gateway call.
TENANT_FORBIDDEN = re.compile(r"[\s/\\?#%\"']")


class IonApiError(DocBitsInforError):
    """A .ionapi file breaks a rule; the message names the file and the key, never a secret."""

    def __init__(self, source, rule, message, key=None):
        self.source = source
        self.rule = rule
        self.key = key
        where = "%s: key '%s'" % (printable(source), printable(key)) if key else printable(source)
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
    return dict((key, secret_fingerprint(value) if key in SECRET_KEYS else value) for key, value in credentials.items())


def _reject_duplicates(source):
    def hook(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise IonApiError(source, "duplicate-key", "appears more than once; the credentials are ambiguous, download the file again", key=key)
            result[key] = value
        return result

    return hook


def _reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def _decode(data, source):
    if not data:
        raise IonApiError(source, "empty", "the file is empty")
    if len(data) > MAX_BYTES:
        raise IonApiError(source, "too-large", "the file has %d bytes, over the %d-byte limit (a real .ionapi file is under 2 KiB)" % (len(data), MAX_BYTES))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in data[:4] and data.lstrip(b"\x00")[:1] in (b"{", b"[")):
        raise IonApiError(source, "utf16", "the file is UTF-16 encoded; save it as UTF-8 (or download it again)")
    if b"\x00" in data:
        raise IonApiError(source, "binary", "the file is binary, not a JSON text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IonApiError(source, "encoding", "the file is not valid UTF-8 (byte %d)" % exc.start)
    return text[1:] if text.startswith("\ufeff") else text


def strip_bom(data):
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _looks_like_csv(text):
    # Hand-edited JSON (a lost brace, a comment) must stay a syntax error with its line and column.
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return "," in first_line and not first_line.startswith(("{", "[", '"', "/", "#")) and '":' not in text


# Strings (whose brackets do not count) and the brackets that open or close a level.
JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(text, source):
    """Refuse nesting deeper than MAX_DEPTH before json.loads, whose recursion it could exhaust."""
    depth = 0
    for match in JSON_STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise IonApiError(
                    source,
                    "too-deep",
                    "arrays or objects nest more than %d levels deep (a real .ionapi file nests 2): this is not an ION API credentials file" % MAX_DEPTH,
                )
        elif token in "]}":
            depth -= 1


def _syntax_hint(text, exc):
    lines = text.splitlines()
    line = lines[exc.lineno - 1] if exc.lineno <= len(lines) else ""
    if line.lstrip().startswith(("//", "/*", "#")):
        return "JSON allows no comments: remove them, or download the file again"
    return "was the file edited by hand?"


def _load_json(text, source):
    if _looks_like_csv(text):
        raise IonApiError(source, "csv", "this looks like a CSV file (the service-account key export?), not an ION API credentials file. " + WHAT_TO_DOWNLOAD)
    _check_depth(text, source)
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates(source), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        # exc.msg describes the syntax only; it never quotes the document.
        raise IonApiError(source, "json-syntax", "invalid JSON at line %d, column %d: %s (%s)" % (exc.lineno, exc.colno, exc.msg, _syntax_hint(text, exc)))
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
    has_account = "saak" in obj or "sask" in obj
    if not has_account and any(key in obj for key in JWT_KEY_MARKERS):
        raise IonApiError(
            source,
            "jwt-key-file",
            "this looks like a private-JWT key file (ionapi-bridge-private-jwt), not the ION API credentials file "
            "DocBits signs in with. " + WHAT_TO_DOWNLOAD,
        )
    if not any(key in obj for key in ("ti", "ci", "cs", "pu", "saak", "sask")):
        raise IonApiError(
            source, "not-ionapi", "this JSON has none of the ION API keys (ti, ci, cs, pu, saak, sask); it is not an .ionapi file. " + WHAT_TO_DOWNLOAD
        )
    if "ru" in obj or not has_account:
        kind = _download_kind(obj)
        key = "ru" if "ru" in obj else "saak"
        reason = "has a redirect URI" if "ru" in obj else "has no service account (saak/sask)"
        grant = GRANT_HINT if kind == KIND_CLIENT_CREDENTIALS else ""
        raise IonApiError(
            source,
            "wrong-download",
            "the file %s: this looks like %s, which DocBits cannot use.%s %s" % (reason, KIND_LABELS[kind], grant, WHAT_TO_DOWNLOAD),
            key=key,
        )


def _check_types(obj, source):
    for key in STRING_KEYS:
        if key not in obj:
            continue
        value = obj[key]
        if not isinstance(value, str):
            raise IonApiError(source, "type", "must be a string, found %s" % _json_type(value), key=key)
        if key in REQUIRED_KEYS and not value.strip():
            raise IonApiError(source, "empty-value", "must not be empty", key=key)
        if value != value.strip():
            raise IonApiError(source, "whitespace", "has leading or trailing whitespace (was the file edited by hand?)", key=key)


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


def _has_invisible(text):
    # Cc: control (line breaks, tabs, NUL); Cf: format (bidi overrides, zero-width); Zl/Zp: line and paragraph separators.
    # isprintable() is False for all of them (and for non-ASCII spaces): a C-speed pass first, as every value is checked.
    return not text.isprintable() and any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn") for char in text)


def _random_looking(text):
    """Of generated shape: long, of [A-Za-z0-9_-] only, mixing upper case, lower case and digits."""
    if len(text) < 24 or not TOKEN_CHARS.match(text):
        return False
    return any(char.isupper() for char in text) and any(char.islower() for char in text) and any(char.isdigit() for char in text)


def _split_compound(word):
    """The name words `word` is made of (tenantname -> tenant, name), or None."""
    ends = {0: []}
    for end in range(1, len(word) + 1):
        for part in COMPOUND_PARTS:
            start = end - len(part)
            if start in ends and word[start:end] == part:
                ends[end] = ends[start] + [part]
                break
    return ends.get(len(word))


def _is_name(text):
    """TENANT_ID, MY_CLIENT_SECRET, yourSecretHere, TENANTNAME: words naming a credential, one of them the credential itself."""
    words = []
    for word in WORDS.findall(text):
        parts = [word.lower()] if word.lower() in NAME_WORDS else _split_compound(word.lower())
        if not parts:
            return False
        words.extend(parts)
    return any(word in NAME_CORE_WORDS for word in words) and (len(words) > 1 or words[0] not in ("id", "here"))


def _judged_parts(key, value):
    """The parts of a value read as text; a generated part (ci after '~', saak after '#', cs, sask) only if it does not look generated."""
    prefix, random_part = "", value
    if key == "ci" and "~" in value:
        prefix, random_part = value.split("~", 1)
    elif key == "saak" and "#" in value:
        prefix, random_part = value.split("#", 1)
    elif key not in SECRET_KEYS:
        return [value]
    return [part for part in (prefix, random_part) if part and not (part is random_part and _random_looking(part))]


PLACEHOLDER = "a placeholder (from a template, not a download)"


def _looks_like(key, value):
    """(rule, description) of a value no download holds ("a placeholder"...), or None."""
    segments = [segment.lower() for segment in SEGMENT_SEPARATORS.split(value) if segment]
    if REDACTION_MARKERS.search(value) or any(segment in REDACTION_WORDS for segment in segments):
        return "redacted", "a redaction marker (from a redacted copy, not a download)"
    if TEMPLATE_MARKERS.search(value) or BRACKETS.get(key, ANY_BRACKET).search(value):
        return "placeholder", PLACEHOLDER
    for part in _judged_parts(key, value):
        words = [word for word in SEGMENT_SEPARATORS.split(part) if word]
        if any(word.lower() in INSTRUCTION_WORDS or X_RUN.match(word) or YOUR_WORD.match(word) for word in words):
            return "placeholder", PLACEHOLDER
        if key in NAMED_KEYS and _is_name(part):
            return "placeholder", "a placeholder (the name of the value instead of the value, from a template, not a download)"
    return None


def _check_values(obj, source):
    """Refuse values no download holds: templates, redacted or damaged copies. Never quotes a value."""
    for key in JUDGED_KEYS:
        value = obj.get(key)
        if not isinstance(value, str):
            continue
        looks = _looks_like(key, value)
        if looks:
            raise IonApiError(source, looks[0], "is %s; download the credentials again" % looks[1], key=key)
        if key in SECRET_KEYS:
            _check_secret(key, value.split("#", 1)[1] if key == "saak" and "#" in value else value, source)
        if _has_invisible(value):
            raise IonApiError(
                source,
                "tenant-invalid" if key == "ti" else "control-character",
                "contains control or invisible formatting characters (such as a bidi override); no download holds them: download the credentials again",
                key=key,
            )
    if TENANT_FORBIDDEN.search(obj["ti"]):
        raise IonApiError(
            source,
            "tenant-invalid",
            "cannot be an Infor tenant id: it contains whitespace, a quote or a URL delimiter (/ \\ ? # %); download the credentials again",
            key="ti",
        )


def _check_secret(key, secret, source):
    if any(char.isspace() for char in secret):
        raise IonApiError(
            source,
            "secret-whitespace",
            "contains whitespace (a space or a line break: was it copied from a document, a PDF or an e-mail?); download the credentials again",
            key=key,
        )
    if _has_invisible(secret):
        raise IonApiError(source, "control-character", "contains control or invisible formatting characters; download the credentials again", key=key)
    if len(secret) < MIN_SECRET_LENGTH:
        raise IonApiError(
            source,
            "secret-too-short",
            "is too short to be a secret (%d characters; real ones have %d or more): a placeholder or a damaged copy? "
            "Download the credentials again" % (len(secret), MIN_SECRET_LENGTH),
            key=key,
        )
    if len(set(secret)) < MIN_SECRET_DISTINCT:
        raise IonApiError(
            source, "placeholder", "is a placeholder: too few distinct characters to be a generated secret; download the credentials again", key=key
        )


def _check_https_url(obj, key, source):
    parts = urlsplit(obj[key])
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise IonApiError(source, "https-url", "must be an absolute https:// URL (found scheme '%s')" % (parts.scheme or "none"), key=key)
    host = parts.hostname or ""
    if not host.isascii():
        # The secrets would go to whoever owns the look-alike domain.
        raise IonApiError(
            source,
            "host-not-ascii",
            "the host '%s' (punycode %s) is not plain ASCII: a letter that only looks like a Latin one? Infor's hosts are plain "
            "ASCII: download the credentials again" % (printable(host), punycode(host)),
            key=key,
        )
    return parts


def _host_warnings(obj, pu_parts, iu_parts):
    warnings = []
    on_premises = "/InforIntSTS/" in pu_parts.path
    if on_premises:
        return warnings
    for key, parts in (("iu", iu_parts), ("pu", pu_parts)):
        host = (parts.hostname or "").lower()
        if not host.endswith(".inforcloudsuite.com"):
            warnings.append("key '%s': host '%s' is not under inforcloudsuite.com (fine for on-premises Infor OS)" % (key, printable(host)))
    path_tenant = pu_parts.path.strip("/").split("/")[0] if pu_parts.path.strip("/") else ""
    if path_tenant and path_tenant != obj["ti"] and pu_parts.path.rstrip("/").endswith("/as"):
        warnings.append("key 'pu': its path names tenant '%s' but 'ti' is '%s' (was the file edited by hand?)" % (printable(path_tenant), printable(obj["ti"])))
    return warnings


def _shape_warnings(obj):
    tenant = obj["ti"]
    warnings = []
    prefix, sep, _rest = obj["ci"].partition("~")
    if not sep or prefix != tenant:
        warnings.append("key 'ci': expected the form '%s~<id>' (a prefix naming the Infor OS farm instead is fine)" % printable(tenant))
    prefix, sep, _rest = obj["saak"].partition("#")
    if not sep or prefix != tenant:
        warnings.append("key 'saak': expected the form '%s#<key>'" % printable(tenant))
    for key in ("cs", "sask"):
        if not TOKEN_CHARS.match(obj[key]):
            warnings.append("key '%s': contains characters outside [A-Za-z0-9_-]" % key)
    app_name = obj.get("cn")
    if isinstance(app_name, str) and not APP_NAMING.match(app_name):
        warnings.append(
            "key 'cn': the authorized app is named '%s', not DocBits_<ENV> as the DocBits guide names it: "
            "is this the DocBits app's download?" % printable(app_name)
        )
    return warnings


def parse_ionapi(data, source="<content>", expected_tenant=None):
    """Validate the bytes of an .ionapi file; return an IonApiFile or raise IonApiError."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    obj = _load_json(_decode(data, source), source)
    if not isinstance(obj, dict):
        raise IonApiError(source, "not-object", "the top level must be a JSON object, found %s" % _json_type(obj))
    _check_kind(obj, source)
    _check_types(obj, source)
    for key in REQUIRED_KEYS:
        if key not in obj:
            raise IonApiError(source, "missing-key", "is required but missing (download the file again)", key=key)
    warnings = ["key '%s' is missing (expected in a Backend Service download)" % key for key in EXPECTED_KEYS if key not in obj]

    _check_values(obj, source)
    iu_parts = _check_https_url(obj, "iu", source)
    pu_parts = _check_https_url(obj, "pu", source)
    if not obj["pu"].endswith("/"):
        raise IonApiError(
            source, "pu-trailing-slash", "must end with '/' because clients append 'ot' to it; fix the download, do not edit it by hand", key="pu"
        )

    if expected_tenant is not None and obj["ti"] != expected_tenant:
        raise IonApiError(
            source,
            "tenant-mismatch",
            "the file is for Infor tenant '%s' but this environment expects '%s'" % (printable(obj["ti"]), printable(expected_tenant)),
            key="ti",
        )

    warnings.extend(_host_warnings(obj, pu_parts, iu_parts))
    warnings.extend(_shape_warnings(obj))
    # The upload carries the user's bytes as given: never a silent rewrite, only the BOM dropped.
    return IonApiFile(strip_bom(data), obj, source, warnings)
