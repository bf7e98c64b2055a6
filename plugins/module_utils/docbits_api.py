# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DocBits HTTP client: the ONE place that knows paths, field names and response rules.

Everything here follows docs/docbits-api.md. When the live /openapi.json of a DocBits
deployment says otherwise, correct it here and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import re
import time
import traceback

try:
    from urllib.parse import quote, quote_plus
except ImportError:  # pragma: no cover
    from urllib import quote, quote_plus  # type: ignore

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.filepost import encode_multipart_formdata
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

DEFAULT_URL = "https://api.docbits.com"

# --- The contract -------------------------------------------------------------------------
PATH_LIST = "/configurations/get_configurations"
PATH_CONFIGURE = "/configurations/configure_infor_export"
PATH_DOWNLOAD = "/configurations/download/{config_id}"
PATH_REMOVE = "/configurations/remove_configuration"
PATH_TEST_CONNECTION = "/configurations/test_infor_connection"

HEADER_API_KEY = "X-API-KEY"
FILE_TYPE_ION_API = "ION_API"
FIELD_ION_API_FILE = "ion_api"

INFOR_EXPORT_METHODS = (
    "infor-idm-cloud",
    "infor-ion-cloud",
    "infor-bod-cloud",
    "infor-ln-cloud",
    "infor-m3-cloud",
    "infor-m3-toml-cloud",
    "infor-idm-onpremise",
    "infor-ion-onpremise",
    "infor-bod-onpremise",
)
DEFAULT_EXPORT_METHOD = "infor-idm-cloud"
DEFAULT_DOC_TYPE = "INVOICE"

# Answers worth another try; everything else in 4xx is final.
TRANSIENT_STATUSES = (429, 500, 502, 503, 504)
RETRY_AFTER_CAP = 30.0
EXCERPT_CHARS = 160


class DocBitsError(DocBitsInforError):
    """A final failure talking to DocBits; the message is secret-free."""

    def __init__(self, message, endpoint=None, status=None):
        self.endpoint = endpoint
        self.status = status
        super(DocBitsError, self).__init__(message)


class DocBitsAuthError(DocBitsError):
    """401/403: the key is wrong or lacks rights; never retried."""


class DocBitsNotFound(DocBitsError):
    """404."""


class DocBitsTransientError(DocBitsError):
    """Retries exhausted on a transient fault; the request may or may not have been applied."""

    def __init__(self, message, endpoint=None, status=None, retry_after=None):
        self.retry_after = retry_after
        super(DocBitsTransientError, self).__init__(message, endpoint=endpoint, status=status)


class ExportConfig:
    """An export configuration as listed by DocBits (only the fields this project reads)."""

    def __init__(self, config_id, title, doc_type, export_method, sub_org_id, is_active, has_ion_api):
        self.id = config_id
        self.title = title
        self.doc_type = doc_type
        self.export_method = export_method
        self.sub_org_id = sub_org_id
        self.is_active = is_active
        self.has_ion_api = has_ion_api

    @property
    def is_infor_export(self):
        return self.export_method in INFOR_EXPORT_METHODS

    @classmethod
    def from_api(cls, item):
        return cls(
            config_id=int(item["id"]),
            title=item.get("title"),
            doc_type=item.get("doc_type"),
            export_method=item.get("export_method"),
            sub_org_id=normalise_id(item.get("sub_org_id")),
            is_active=bool(item.get("is_active", True)),
            has_ion_api=bool(item.get("infor_ion_api")),
        )

    def as_dict(self):
        return {
            "id": self.id,
            "title": self.title,
            "doc_type": self.doc_type,
            "export_method": self.export_method,
            "sub_org_id": self.sub_org_id,
            "is_active": self.is_active,
        }


def normalise_id(value):
    """Ids arrive as int, str or null; compare them as text."""
    if value is None or value == "":
        return None
    return str(value)


def is_onpremise(export_method):
    return export_method.endswith("-onpremise")


class CappedRetry(Retry):
    """urllib3's Retry with Retry-After bounded, so a server cannot stall a run for hours."""

    def get_retry_after(self, response):
        retry_after = super(CappedRetry, self).get_retry_after(response)
        return None if retry_after is None else min(retry_after, RETRY_AFTER_CAP)


def _retry_policy(retries):
    policy = dict(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=0.5,
        status_forcelist=TRANSIENT_STATUSES,
        allowed_methods=None,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    try:
        return CappedRetry(backoff_jitter=0.25, backoff_max=8.0, **policy)
    except TypeError:  # urllib3 1.x (on an old target host) has neither option
        return CappedRetry(**policy)


def transport_reason(exc):
    """The innermost cause of a transport failure, e.g. 'Connection refused', not urllib3's wrapping."""
    reason = exc
    for _depth in range(5):
        inner = getattr(reason, "reason", None)
        if inner is None and reason.args and isinstance(reason.args[0], BaseException):
            inner = reason.args[0]
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    text = str(reason)
    if "object at 0x" in text:
        text = text.split(">: ", 1)[-1]
    return "%s: %s" % (type(reason).__name__, text)


def _secret_forms(secret):
    """A secret as it may come back in an answer: as is, or URL- or form-encoded."""
    return set((secret, quote(secret, safe=""), quote_plus(secret)))


def redact(text, secrets):
    # Longest first, so an encoded form is not left half-replaced by a shorter one.
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(_secret_forms(secret))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "<redacted>")
    return text


class DocBitsClient:
    """One HTTP session per run; every call maps answers to the errors of the contract."""

    def __init__(self, base_url, api_key=None, bearer_token=None, org_id=None, timeout=30, retries=3,
                 validate_certs=True, ca_path=None, environment=None):
        self.base_url = base_url.rstrip("/")
        self.org_id = normalise_id(org_id)
        self.timeout = timeout
        self.retries = retries
        self.environment = environment
        self._secrets = set(value for value in (api_key, bearer_token) if value)
        self._verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self._headers = {"Accept": "application/json"}
        if api_key:
            self._headers[HEADER_API_KEY] = api_key
        if bearer_token:
            self._headers["Authorization"] = "Bearer " + bearer_token
        self._sessions = {}

    def wait_before_retry(self, attempt, error):
        """Pause like the transport's own retries (Retry-After first, else backoff with jitter),
        for the calls that are retried by the caller instead (creates)."""
        delay = error.retry_after if getattr(error, "retry_after", None) is not None else min(8.0, 0.5 * (2 ** attempt))
        time.sleep(min(delay, RETRY_AFTER_CAP) + random.uniform(0, 0.25))

    def add_secrets(self, values):
        """Values that must never appear in an error excerpt (e.g. the file's secrets)."""
        self._secrets.update(value for value in values if value)

    def close(self):
        for session in self._sessions.values():
            session.close()

    # --- transport --------------------------------------------------------------------
    def _session(self, retry):
        key = "retrying" if retry else "once"
        if key not in self._sessions:
            session = requests.Session()
            session.headers.update(self._headers)
            adapter = HTTPAdapter(max_retries=_retry_policy(self.retries if retry else 0))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._sessions[key] = session
        return self._sessions[key]

    def _where(self):
        return " for environment '%s'" % self.environment if self.environment else ""

    def _send(self, method, path, retry=True, **kwargs):
        url = self.base_url + path
        endpoint = "%s %s" % (method, path)
        try:
            # verify per request: a session-level value loses to REQUESTS_CA_BUNDLE from the environment.
            return self._session(retry).request(method, url, timeout=self.timeout, verify=self._verify, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise DocBitsError(
                "TLS failure%s at %s: %s (set ca_path to the CA bundle, or fix the URL)"
                % (self._where(), endpoint, self._excerpt(transport_reason(exc))), endpoint=endpoint)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise DocBitsTransientError(
                "DocBits did not answer%s at %s after %d retries: %s"
                % (self._where(), endpoint, self.retries if retry else 0, self._excerpt(transport_reason(exc))), endpoint=endpoint)
        except requests.exceptions.RequestException as exc:
            raise DocBitsError(
                "request failed%s at %s: %s" % (self._where(), endpoint, self._excerpt(transport_reason(exc))), endpoint=endpoint)

    def _excerpt(self, text):
        text = re.sub(r"<[^>]*>", " ", text)
        text = " ".join(redact(text, self._secrets).split())
        return text[:EXCERPT_CHARS] + ("..." if len(text) > EXCERPT_CHARS else "")

    def _fail_on_status(self, response, endpoint):
        status = response.status_code
        if status < 400:
            return
        body = response.text or ""
        if status == 401 or "invalid key" in body.lower():
            raise DocBitsAuthError(
                "DocBits refused the API key%s (HTTP %d at %s); check docbits_api_key" % (self._where(), status, endpoint),
                endpoint=endpoint, status=status)
        if status == 403:
            raise DocBitsAuthError(
                "the API key has no rights on this organisation%s (HTTP 403 at %s); check docbits_org_id"
                % (self._where(), endpoint), endpoint=endpoint, status=status)
        if status == 404:
            raise DocBitsNotFound("not found%s (HTTP 404 at %s)" % (self._where(), endpoint), endpoint=endpoint, status=status)
        if status == 422:
            raise DocBitsError(
                "DocBits refused field(s) %s%s (HTTP 422 at %s)" % (self._field_errors(response), self._where(), endpoint),
                endpoint=endpoint, status=status)
        message = "DocBits answered HTTP %d%s at %s: %s" % (status, self._where(), endpoint, self._excerpt(body))
        if status in TRANSIENT_STATUSES:
            raise DocBitsTransientError(message, endpoint=endpoint, status=status,
                                        retry_after=_retry_policy(0).get_retry_after(response.raw))
        raise DocBitsError(message, endpoint=endpoint, status=status)

    def _field_errors(self, response):
        # FastAPI may echo the refused input back; only field names and messages are kept.
        try:
            details = response.json()["detail"]
            return "; ".join(
                "%s: %s" % (".".join(str(part) for part in item.get("loc", []) if part != "body"), self._excerpt(str(item.get("msg", ""))))
                for item in details)
        except (ValueError, KeyError, TypeError, AttributeError):
            return "(unreadable answer: %s)" % self._excerpt(response.text or "")

    def _json_call(self, method, path, retry=True, **kwargs):
        endpoint = "%s %s" % (method, path)
        response = self._send(method, path, retry=retry, **kwargs)
        self._fail_on_status(response, endpoint)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise DocBitsError(
                "DocBits answered%s at %s with HTTP %d but not the JSON expected (wrong URL or a proxy?): %s"
                % (self._where(), endpoint, response.status_code, self._excerpt(response.text or "")),
                endpoint=endpoint, status=response.status_code)
        if body.get("success") is False:
            detail = (body.get("exception") or {}).get("detail") if isinstance(body.get("exception"), dict) else None
            message = detail or body.get("message") or body.get("detail") or "no reason given"
            raise DocBitsError(
                "DocBits refused the request%s at %s: %s" % (self._where(), endpoint, self._excerpt(str(message))),
                endpoint=endpoint, status=response.status_code)
        return body

    def _org_form(self):
        return {"org_id": self.org_id} if self.org_id else {}

    @staticmethod
    def _multipart(fields):
        # requests builds multipart only with a files mapping; (None, value) makes a plain field.
        return dict((name, (None, str(value))) for name, value in fields.items())

    # --- operations -------------------------------------------------------------------
    def list_configurations(self):
        body, content_type = encode_multipart_formdata(self._org_form())
        body = self._json_call("POST", PATH_LIST, data=body, headers={"Content-Type": content_type})
        items = body.get("data")
        if not isinstance(items, list):
            raise DocBitsError(
                "DocBits answered%s at POST %s without a 'data' list" % (self._where(), PATH_LIST), endpoint="POST " + PATH_LIST)
        return [ExportConfig.from_api(item) for item in items if isinstance(item, dict) and "id" in item]

    def list_infor_exports(self):
        return [config for config in self.list_configurations() if config.is_infor_export]

    def download_ionapi(self, config_id):
        """The stored ION API file's bytes, or None when DocBits has none."""
        path = PATH_DOWNLOAD.format(config_id=int(config_id))
        params = {"type": FILE_TYPE_ION_API}
        params.update(self._org_form())
        response = self._send("GET", path, params=params)
        try:
            self._fail_on_status(response, "GET " + path)
        except DocBitsNotFound:
            return None
        return response.content or None

    def configure_infor_export(self, export_method, title, doc_type, sub_org_id=None, config_id=None, ionapi_bytes=None,
                               filename="credentials.ionapi"):
        """Create (config_id None) or update an Infor export. A create is never retried here:
        its answer may be lost after DocBits applied it, so the caller lists again first."""
        fields = {
            "export_method": export_method,
            "title": title,
            "doc_type": doc_type,
            "on_permise": "true" if is_onpremise(export_method) else "false",
            "zugferd": "false",
        }
        if sub_org_id is not None:
            fields["sub_org_id"] = sub_org_id
        if config_id is not None:
            fields["config_id"] = int(config_id)
        fields.update(self._org_form())
        files = self._multipart(fields)
        if ionapi_bytes is not None:
            files[FIELD_ION_API_FILE] = (filename, ionapi_bytes, "application/octet-stream")
        return self._json_call("POST", PATH_CONFIGURE, retry=config_id is not None, files=files)

    def remove_configuration(self, config_id):
        data = {"id": int(config_id)}
        data.update(self._org_form())
        return self._json_call("POST", PATH_REMOVE, data=data)

    def test_connection(self, config_id):
        """Ask DocBits to try the stored credentials: (ok, message)."""
        files = self._multipart(dict({"config_id": int(config_id)}, **self._org_form()))
        # Retried like a read: DocBits only asks Infor for a token and stores nothing, so a repeat is harmless.
        # Transient and auth errors raise (no answer is not a "no"); any refusal of the check is a "no".
        try:
            body = self._json_call("POST", PATH_TEST_CONNECTION, files=files)
        except (DocBitsAuthError, DocBitsTransientError):
            raise
        except DocBitsError as exc:
            return False, str(exc)
        return True, self._excerpt(str(body.get("message", "")))
