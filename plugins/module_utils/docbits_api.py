# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The DocBits HTTP client: the ONE place that knows paths, field names and response rules.

Everything here follows docs/docbits-api.md. When the live /openapi.json of a DocBits
deployment says otherwise, correct it here and nowhere else.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from dataclasses import dataclass, field
from typing import Optional

from ansible_collections.docbits.infor.plugins.module_utils.contract import FILE, Operation, Part, is_readable
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, printable
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import (
    check_credential,
    check_transport,
    check_url,
    has_whitespace_or_control,
)
from ansible_collections.docbits.infor.plugins.module_utils.transport import (
    HAS_REQUESTS,
    KIB,
    MIB,
    RETRY_POLICY,
    AnswerTooLarge,
    NoAnswer,
    ProxyRefused,
    RedirectRefused,
    TLSFailure,
    Transport,
    TransportError,
    size_text,
)
from ansible_collections.docbits.infor.plugins.module_utils.urls import url_shown

if HAS_REQUESTS:
    from urllib3.filepost import encode_multipart_formdata

DEFAULT_URL = "https://api.docbits.com"

# --- The contract -------------------------------------------------------------------------
PATH_LIST = "/configurations/get_configurations"
PATH_CONFIGURE = "/configurations/configure_infor_export"
PATH_DOWNLOAD = "/configurations/download/{config_id}"
PATH_REMOVE = "/configurations/remove_configuration"
PATH_SET_ACTIVE = "/configurations/update_configuration_visibility"
PATH_TEST_CONNECTION = "/configurations/test_infor_connection"
PATH_OPENAPI = "/openapi.json"

HEADER_API_KEY = "X-API-KEY"
HEADER_ORG_ID = "X-ORG-ID"
FILE_TYPE_ION_API = "ION_API"
FIELD_ION_API_FILE = "ion_api"
MULTIPART = "multipart/form-data"
URLENCODED = "application/x-www-form-urlencoded"

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

# Every request the client sends, as a descriptor the request builders use and contract.py checks
# (against the public document in the conformance test, against the live /openapi.json before a
# write). Part(always=False): sent only when set; essential: the job cannot do without it.
_ORG_FIELD = {"org_id": Part("string", always=False)}
_AUTH_HEADERS = {HEADER_API_KEY: Part("string"), HEADER_ORG_ID: Part("string", always=False)}


def _operation(key, name, method, content_type=None, **parts):
    """OP_<key>: the operation sent to PATH_<key> with the key headers; contract findings name those two constants."""
    path_constant = "PATH_" + key
    return Operation(name, method, globals()[path_constant], content_type, headers=_AUTH_HEADERS, constant="OP_" + key, path_constant=path_constant, **parts)


OP_LIST = _operation("LIST", "get_configurations", "POST", MULTIPART, fields=_ORG_FIELD)
OP_DOWNLOAD = _operation(
    "DOWNLOAD",
    "download",
    "GET",
    query={"type": Part("string", values=(FILE_TYPE_ION_API,), essential=True), "org_id": Part("string", always=False)},
)
OP_CONFIGURE = _operation(
    "CONFIGURE",
    "configure_infor_export",
    "POST",
    MULTIPART,
    fields=dict(
        _ORG_FIELD,
        **{
            "export_method": Part("string", values=INFOR_EXPORT_METHODS),
            "title": Part("string"),
            "doc_type": Part("string"),
            "on_permise": Part("boolean"),
            "zugferd": Part("boolean"),
            "sub_org_id": Part("string", always=False),
            # Sent back as listed (never set by the collection): the web app sends them on every update.
            "auto_approve_after_export": Part("boolean", always=False),
            "auto_validate_after_export": Part("boolean", always=False),
            "m3_toml_mapping_id": Part("string", always=False),
            "config_id": Part("integer", essential=True, always=False),
            FIELD_ION_API_FILE: Part(FILE, essential=True, always=False),
        }
    ),
)
OP_REMOVE = _operation("REMOVE", "remove_configuration", "POST", URLENCODED, fields=dict(_ORG_FIELD, id=Part("integer", essential=True)))
OP_SET_ACTIVE = _operation(
    "SET_ACTIVE",
    "update_configuration_visibility",
    "POST",
    URLENCODED,
    fields=dict(_ORG_FIELD, id=Part("integer", essential=True), is_active=Part("boolean", essential=True)),
)
OP_TEST_CONNECTION = _operation(
    "TEST_CONNECTION", "test_infor_connection", "POST", MULTIPART, fields=dict(_ORG_FIELD, config_id=Part("integer", essential=True))
)
OPERATIONS = (OP_LIST, OP_DOWNLOAD, OP_CONFIGURE, OP_REMOVE, OP_SET_ACTIVE, OP_TEST_CONNECTION)

# Fields of configure_infor_export only ever sent back as listed: when a live document is read, only
# those it declares are (so they are not part of the live contract check).
SENT_BACK_ONLY = ("auto_approve_after_export", "auto_validate_after_export", "m3_toml_mapping_id")

# What the client sends that the public document ("DOC2 - API" 2.2.10) does not declare, known
# from the DocBits web app (X-ORG-ID: from today's Swagger page). The ONE list of it: the
# conformance test fails on anything else undeclared. (name, None) is a whole operation.
WEB_APP_ONLY = (
    ("test_infor_connection", None),
    ("configure_infor_export", "export_method"),
    ("configure_infor_export", "sub_org_id"),
    ("configure_infor_export", "auto_approve_after_export"),
    ("configure_infor_export", "auto_validate_after_export"),
    ("configure_infor_export", "m3_toml_mapping_id"),
) + tuple((operation.name, item) for operation in OPERATIONS for item in ("org_id", "header " + HEADER_ORG_ID))

DEFAULT_EXPORT_METHOD = "infor-idm-cloud"
DEFAULT_DOC_TYPE = "INVOICE"

# The settings of an Infor export the collection compares, sends and reports (is_active has its own
# operation). Every other setting the list carries is sent back as read on an update.
MANAGED_SETTINGS = ("title", "export_method", "doc_type", "sub_org_id")
# What a listed configuration carries that is not a setting to send back: its identity, timestamps
# and whether a file part is stored (DocBits keeps a file part not sent).
LISTED_NOT_SETTINGS = (
    "id",
    "config_id",
    "org_id",
    "created_at",
    "updated_at",
    "infor_ion_api",
    "infor_idm_mapping",
    "infor_bod_mapping",
    "infor_ln_mapping",
    "infor_m3_mapping",
)
# Settings with an operation of their own: sent back only where configure_infor_export declares them.
OWN_OPERATION_SETTINGS = ("is_active",)
# Fields of a list answer by which a DocBits list says it is one page of more.
LIST_TOTAL_FIELDS = ("total", "count", "total_count", "totalCount")
LIST_NEXT_FIELDS = ("next", "next_page", "nextPage", "next_url", "has_more", "hasMore")

# Size caps per kind of answer: a stored .ionapi file is under 16 KiB, a list a few configurations.
DOWNLOAD_ANSWER_CAP = 64 * KIB
LIST_ANSWER_CAP = 4 * MIB
OPENAPI_ANSWER_CAP = 8 * MIB
JSON_ANSWER_CAP = 1 * MIB
# What a stored file is served as; an answer of any other type (an HTML page) is not one.
STORED_FILE_TYPES = (
    "",
    "application/octet-stream",
    "binary/octet-stream",
    "application/json",
    "text/plain",
    "application/force-download",
    "application/download",
    "application/x-download",
)


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


class DocBitsUnexpectedAnswer(DocBitsError):
    """An answer that is not DocBits' own: an HTML page, a redirect, an oversized or non-JSON body
    (a proxy in between, or the wrong URL). Never compared, never a reason to write."""


class DocBitsAmbiguousView(DocBitsUnexpectedAnswer):
    """A list or download that could show the organisation wrong (an id twice, an item without id,
    one page of more, a download that is not the listed file): nothing is written on it."""


@dataclass
class ExportConfig:
    """An export configuration as listed by DocBits (only the fields this project reads)."""

    id: int
    title: Optional[str]
    doc_type: Optional[str]
    export_method: Optional[str]
    sub_org_id: Optional[str]
    is_active: bool
    created_at: Optional[str] = None
    # Every field the list carries, as listed: what an update sends back (settings_to_send_back).
    listed: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_infor_export(self):
        # Other methods (webhook, infor_sftp, watcher, vertex, ...) are listed too: never ours.
        return method_key(self.export_method) in INFOR_EXPORT_METHODS

    @property
    def doc_type_key(self):
        return doc_type_key(self.doc_type)

    @property
    def lists_a_file(self):
        """Whether the list says an ION API file is stored: True, False, or None when it does not say."""
        flag = self.listed.get("infor_ion_api")
        return _listed_bool(flag) if isinstance(flag, (bool, int, str)) else None

    @classmethod
    def from_api(cls, item):
        """The configuration of one listed item, or None when the item has no integer id."""
        config_id = listed_id(item.get("id"))
        if config_id is None:
            return None
        created_at = item.get("created_at")
        return cls(
            id=config_id,
            title=item.get("title"),
            doc_type=item.get("doc_type"),
            export_method=item.get("export_method"),
            sub_org_id=normalise_id(item.get("sub_org_id")),
            is_active=_listed_bool(item.get("is_active", True)),
            created_at=created_at if isinstance(created_at, str) else None,
            listed=dict(item),
        )

    def as_dict(self):
        return dict(((name, getattr(self, name)) for name in MANAGED_SETTINGS), id=self.id, is_active=self.is_active)

    def settings(self):
        """The settings listed beside the managed ones, as listed (what an update must not change)."""
        return dict((name, value) for name, value in sorted(self.listed.items()) if name not in LISTED_NOT_SETTINGS and name not in MANAGED_SETTINGS)


def listed_id(value):
    """A listed id as an int (5, "5" and " 5" are one id), or None when it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def doc_type_key(value):
    """Document types as DocBits may store them: case and surrounding white space make no other type."""
    return value.strip().casefold() if isinstance(value, str) else value


def method_key(value):
    return value.strip().lower() if isinstance(value, str) else value


def settings_to_send_back(config, declared_fields):
    """(fields, unsendable names) for an update of a listed configuration: every listed setting that
    configure_infor_export declares (`declared_fields`: the live document's, else the contract's),
    as listed; file parts are never sent (DocBits keeps a file part not sent)."""
    fields, unsendable = {}, []
    for name, value in config.settings().items():
        declared = declared_fields.get(name)
        if declared == FILE or declared is None and name in OWN_OPERATION_SETTINGS:
            continue
        if declared is None or isinstance(value, (dict, list)):
            unsendable.append(name)
        elif value is not None:
            fields[name] = value
    return fields, unsendable


def contract_fields(operation):
    """{field: kind} of an operation as the collection describes it."""
    return dict((name, part.kind) for name, part in operation.fields.items())


def _listed_bool(value):
    """A listed flag; text such as "false" is false (bool("false") is not)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "f", "no", "n", "off", "")
    return bool(value)


def normalise_id(value):
    """Ids arrive as int, str or null; compare them as text."""
    if value is None or value == "":
        return None
    return str(value)


def is_onpremise(export_method):
    return export_method.endswith("-onpremise")


class AnswerJudge:
    """The rules that judge DocBits' answers (transport.Answer and the JSON read from them): which is an
    error of the contract, which a trusted list, which a stored file. `where` is the environment part of
    every message; `excerpt` shortens and redacts what an answer says."""

    def __init__(self, where, excerpt):
        self.where = where
        self.excerpt = excerpt

    def fail_on_status(self, answer, endpoint):
        status = answer.status
        if status < 400:
            return
        body = answer.text
        if status == 401 or "invalid key" in body.lower():
            raise DocBitsAuthError(
                "DocBits refused the API key%s (HTTP %d at %s): the key is wrong, expired or revoked; check api_key" % (self.where, status, endpoint),
                endpoint=endpoint,
                status=status,
            )
        if status == 403:
            raise DocBitsAuthError(
                "the API key has no rights on this organisation%s (HTTP 403 at %s); check org_id" % (self.where, endpoint), endpoint=endpoint, status=status
            )
        if status == 404:
            raise DocBitsNotFound("not found%s (HTTP 404 at %s)" % (self.where, endpoint), endpoint=endpoint, status=status)
        if status == 422:
            raise DocBitsError(
                "DocBits refused field(s) %s%s (HTTP 422 at %s)" % (self.field_errors(answer), self.where, endpoint), endpoint=endpoint, status=status
            )
        message = "DocBits answered HTTP %d%s at %s: %s" % (status, self.where, endpoint, self.excerpt(body))
        if RETRY_POLICY.is_transient(status):
            raise DocBitsTransientError(message, endpoint=endpoint, status=status, retry_after=RETRY_POLICY.retry_after(answer.headers))
        raise DocBitsError(message, endpoint=endpoint, status=status)

    def field_errors(self, answer):
        # FastAPI may echo the refused input back; only field names and messages are kept.
        try:
            details = answer.json()["detail"]
            return "; ".join(
                "%s: %s" % (".".join(str(part) for part in item.get("loc", []) if part != "body"), self.excerpt(str(item.get("msg", "")))) for item in details
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return "(unreadable answer: %s)" % self.excerpt(answer.text)

    def json_body(self, answer, endpoint):
        """The JSON object of an answer that says the request was done; anything else raises."""
        self.fail_on_status(answer, endpoint)
        try:
            body = answer.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise DocBitsUnexpectedAnswer(
                "DocBits answered%s at %s with HTTP %d but not the JSON expected (wrong URL or a proxy?): %s"
                % (self.where, endpoint, answer.status, self.excerpt(answer.text)),
                endpoint=endpoint,
                status=answer.status,
            )
        if body.get("success") is False:
            detail = (body.get("exception") or {}).get("detail") if isinstance(body.get("exception"), dict) else None
            message = detail or body.get("message") or body.get("detail") or "no reason given"
            raise DocBitsError(
                "DocBits refused the request%s at %s: %s" % (self.where, endpoint, self.excerpt(str(message))), endpoint=endpoint, status=answer.status
            )
        return body

    def listed_items(self, body):
        """The items of a list answer; a list is trusted only when it is one whole list of items with distinct ids."""
        endpoint = "POST " + PATH_LIST
        items = body.get("data")
        if not isinstance(items, list):
            raise DocBitsError("DocBits answered%s at POST %s without a 'data' list" % (self.where, PATH_LIST), endpoint=endpoint)
        problem = _incomplete_list(body, len(items)) or _id_problem(items)
        if problem:
            raise DocBitsAmbiguousView(
                "DocBits' list of configurations%s cannot be trusted: %s; nothing was written or removed on this view "
                "(look at the organisation's exports in DocBits)" % (self.where, problem),
                endpoint=endpoint,
            )
        return items

    def stored_file(self, answer, endpoint):
        """The bytes of a download, or None when DocBits has no file. Bytes served as a file are
        returned even when they are no JSON; a page or one of DocBits' own answers is an error."""
        try:
            self.fail_on_status(answer, endpoint)
        except DocBitsNotFound:
            return None
        self._fail_unless_served_as_file(answer, endpoint)
        if _is_api_envelope(answer.content):
            raise DocBitsAmbiguousView(
                "DocBits answered%s at %s with one of its own JSON answers, not a stored file: %s" % (self.where, endpoint, self.excerpt(answer.text)),
                endpoint=endpoint,
                status=answer.status,
            )
        return answer.content or None

    def _fail_unless_served_as_file(self, answer, endpoint):
        """A download that is a page, not a file (a proxy's login page with HTTP 200), is an error, never bytes to compare."""
        looks_like_markup = answer.content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        if answer.media_type in ("text/html", "application/xhtml+xml") or (looks_like_markup and not answer.is_attachment):
            what = "an HTML page"
        elif answer.media_type not in STORED_FILE_TYPES:
            what = "an answer of type %s" % printable(answer.media_type)
        else:
            return
        raise DocBitsUnexpectedAnswer(
            "DocBits answered%s at %s with HTTP %d and %s, not a stored file (a proxy in between? or the wrong docbits_url): %s"
            % (self.where, endpoint, answer.status, what, self.excerpt(answer.text)),
            endpoint=endpoint,
            status=answer.status,
        )

    def check_listed_file(self, config, data):
        """A download (`data`, None for no file) that contradicts the list, which says whether a file is stored, is no view to act on."""
        listed = config.lists_a_file
        if listed is not None and listed != (data is not None):
            raise DocBitsAmbiguousView(
                "DocBits%s lists configuration %d %s an ION API file, but its download %s: the download is not the file of that "
                "configuration, so nothing was written"
                % (self.where, config.id, "with" if listed else "without", "has none" if data is None else "returns one"),
                endpoint="%s %s" % (OP_DOWNLOAD.method, OP_DOWNLOAD.path.format(config_id=config.id)),
            )

    def openapi_document(self, body):
        if not is_readable(body):
            raise DocBitsError(
                "DocBits answered%s at GET %s with JSON that is not an OpenAPI document" % (self.where, PATH_OPENAPI), endpoint="GET " + PATH_OPENAPI
            )
        return body


class DocBitsClient:
    """One HTTP session per run: sends the contract's operations and has their answers judged (AnswerJudge)."""

    # {field: kind} of configure_infor_export in the live document once the contract check read it.
    declared_configure_fields = None

    def __init__(
        self,
        base_url,
        api_key=None,
        bearer_token=None,
        org_id=None,
        timeout=30,
        retries=3,
        validate_certs=True,
        ca_path=None,
        environment=None,
        retry_policy=RETRY_POLICY,
    ):
        self.base_url = base_url.rstrip("/")
        self.org_id = normalise_id(org_id)
        self.environment = environment
        self._transport = Transport(
            timeout=timeout,
            retries=retries,
            validate_certs=validate_certs,
            ca_path=ca_path,
            headers=_request_headers(api_key, bearer_token, self.org_id),
            secrets=(api_key, bearer_token),
            policy=retry_policy,
        )
        # The environment part of every message, the client's own and the judge's.
        where = " for environment '%s'" % printable(environment) if environment else ""
        self._judge = AnswerJudge(where, self._transport.excerpt)

    @property
    def retries(self):
        """Retries after a transient failure: the transport's, also for the creates the caller retries."""
        return self._transport.retries

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def wait_before_retry(self, attempt, error):
        """Pause as the transport does between its own tries, for calls the caller retries (creates)."""
        self._transport.wait(attempt, getattr(error, "retry_after", None))

    def add_secrets(self, values):
        """Values that must never appear in an error excerpt (e.g. the file's secrets)."""
        self._transport.add_secrets(values)

    def close(self):
        self._transport.close()

    def _send(self, method, path, retry=True, cap=JSON_ANSWER_CAP, **kwargs):
        endpoint = "%s %s" % (method, path)
        # Transport failures name the base URL: with several environments, which one failed is half the answer.
        url = "docbits_url %s" % url_shown(self.base_url)
        try:
            return self._transport.request(method, self.base_url + path, retry=retry, cap=cap, **kwargs)
        except TLSFailure as exc:
            raise DocBitsError(
                "TLS failure%s at %s: %s (%s; set ca_path to the CA bundle, or fix the URL)" % (self._judge.where, endpoint, exc.reason, url), endpoint=endpoint
            )
        except NoAnswer as exc:
            raise DocBitsTransientError(
                "DocBits did not answer%s at %s after %d retries: %s (%s)" % (self._judge.where, endpoint, exc.tries - 1, exc.reason, url), endpoint=endpoint
            )
        except ProxyRefused as exc:
            # The proxy's refusal, not DocBits': DocBits never saw the request.
            raise DocBitsError(
                "no request reached DocBits%s at %s (%s): %s" % (self._judge.where, endpoint, url, exc.reason), endpoint=endpoint, status=exc.status
            )
        except RedirectRefused as exc:
            raise DocBitsUnexpectedAnswer(
                "DocBits answered%s at %s with a redirect (HTTP %d) to %s; redirects are never followed, so no key or file "
                "reaches another address: set docbits_url to the final address"
                % (self._judge.where, endpoint, exc.status, exc.location_origin or "an address it does not give"),
                endpoint=endpoint,
                status=exc.status,
            )
        except AnswerTooLarge as exc:
            raise DocBitsUnexpectedAnswer(
                "DocBits answered%s at %s with more than %s, more than any answer of this kind, and it was not read further "
                "(a proxy in between? or the wrong docbits_url)" % (self._judge.where, endpoint, size_text(exc.cap)),
                endpoint=endpoint,
            )
        except TransportError as exc:
            raise DocBitsError("request failed%s at %s: %s (%s)" % (self._judge.where, endpoint, exc.reason, url), endpoint=endpoint)

    def _json_call(self, method, path, retry=True, cap=JSON_ANSWER_CAP, **kwargs):
        answer = self._send(method, path, retry=retry, cap=cap, **kwargs)
        return self._judge.json_body(answer, "%s %s" % (method, path))

    def _encode(self, operation, fields=None, query=None):
        """requests' arguments for one call, encoded as its descriptor says (content type, fields,
        query); org_id is added where the descriptor has it. None values are not sent."""
        fields = dict((name, value) for name, value in (fields or {}).items() if value is not None)
        query = dict((name, value) for name, value in (query or {}).items() if value is not None)
        if self.org_id:
            (query if "org_id" in operation.query else fields)["org_id"] = self.org_id
        undescribed = sorted((set(fields) - set(operation.fields)) | (set(query) - set(operation.query)))
        if undescribed:
            raise ValueError("%s does not describe %s" % (operation.constant, ", ".join(undescribed)))
        arguments = {"params": dict((name, _form_text(value)) for name, value in query.items())} if query else {}
        if not fields:
            return arguments
        if operation.content_type == MULTIPART:
            files = [(name, value) for name, value in sorted(fields.items()) if operation.fields[name].kind == FILE]
            texts = [(name, _form_text(value)) for name, value in sorted(fields.items()) if operation.fields[name].kind != FILE]
            body, content_type = encode_multipart_formdata(texts + files)
            arguments.update(data=body, headers={"Content-Type": content_type})
        else:
            arguments["data"] = dict((name, _form_text(value)) for name, value in fields.items())
        return arguments

    def _call(self, operation, path=None, retry=True, fields=None, query=None, cap=JSON_ANSWER_CAP):
        return self._json_call(operation.method, path or operation.path, retry=retry, cap=cap, **self._encode(operation, fields, query))

    # --- operations -------------------------------------------------------------------
    def list_configurations(self):
        return [ExportConfig.from_api(item) for item in self._judge.listed_items(self._call(OP_LIST, cap=LIST_ANSWER_CAP))]

    def list_infor_exports(self):
        return [config for config in self.list_configurations() if config.is_infor_export]

    def download_listed_file(self, config):
        """The stored file of a listed configuration; a download that contradicts the list (which says
        whether a file is stored) is no view to act on."""
        data = self.download_ionapi(config.id)
        self._judge.check_listed_file(config, data)
        return data

    def download_ionapi(self, config_id):
        """The stored ION API file's bytes, or None when DocBits has none."""
        path = OP_DOWNLOAD.path.format(config_id=int(config_id))
        answer = self._send(OP_DOWNLOAD.method, path, cap=DOWNLOAD_ANSWER_CAP, **self._encode(OP_DOWNLOAD, query={"type": FILE_TYPE_ION_API}))
        return self._judge.stored_file(answer, "%s %s" % (OP_DOWNLOAD.method, path))

    def configure_infor_export(
        self, export_method, title, doc_type, sub_org_id=None, config_id=None, ionapi_bytes=None, settings=None, filename="credentials.ionapi"
    ):
        """Create (config_id None) or update an Infor export; the configuration's id when the answer
        carries it (data.id or id), else None. `settings`: the other settings sent back as listed
        (settings_to_send_back). A create is never retried here: its answer may be lost after
        DocBits applied it, so the caller lists again first."""
        fields = {
            # Required by the 2022 API, no longer sent by the web app: both generations accept them.
            "on_permise": is_onpremise(export_method),
            "zugferd": False,
        }
        fields.update(settings or {})
        fields.update(
            {
                "export_method": export_method,
                "title": title,
                "doc_type": doc_type,
                "sub_org_id": sub_org_id,
                "config_id": int(config_id) if config_id is not None else None,
            }
        )
        operation = OP_CONFIGURE.with_fields(dict((name, "string") for name in fields if name not in OP_CONFIGURE.fields))
        if ionapi_bytes is not None:
            fields[FIELD_ION_API_FILE] = (filename, ionapi_bytes, "application/octet-stream")
        body = self._call(operation, retry=config_id is not None, fields=fields)
        return _answered_id(body)

    def configure_fields(self):
        """{field: kind} configure_infor_export takes: the live document's once read, else the contract's."""
        return self.declared_configure_fields if self.declared_configure_fields is not None else contract_fields(OP_CONFIGURE)

    def remove_configuration(self, config_id):
        return self._call(OP_REMOVE, fields={"id": int(config_id)})

    def set_active(self, config_id, active):
        """Activate or deactivate a configuration (DocBits exports only through active ones)."""
        return self._call(OP_SET_ACTIVE, fields={"id": int(config_id), "is_active": bool(active)})

    def read_openapi(self):
        """The live OpenAPI document (a dict), read with the key; DocBitsError when there is none to read."""
        return self._judge.openapi_document(self._json_call("GET", PATH_OPENAPI, cap=OPENAPI_ANSWER_CAP))

    def test_connection(self, config_id):
        """Ask DocBits to try the stored credentials: (ok, message)."""
        # Retried like a read: DocBits only asks Infor for a token and stores nothing, so a repeat is harmless.
        # Only DocBits' answer that Infor refused ({"success": false}) is a "no"; an HTTP error of the
        # (web-app-only) endpoint, or no answer, means the test could not run: it raises.
        try:
            body = self._call(OP_TEST_CONNECTION, fields={"config_id": int(config_id)})
        except DocBitsError as exc:
            if exc.status is None or exc.status >= 400 or isinstance(exc, DocBitsUnexpectedAnswer):
                raise
            return False, str(exc)
        return True, self._judge.excerpt(str(body.get("message", "")))


def client_from_params(params):
    """A DocBitsClient for validated task options; bad options fail before any request."""
    check_url(params["docbits_url"], "docbits_url")
    api_key, bearer_token = params.get("api_key"), params.get("bearer_token")
    check_credential(api_key, "api_key", "DocBits API key")
    check_credential(bearer_token, "bearer_token", "DocBits bearer token")
    if not (api_key or bearer_token):
        raise OptionError("no DocBits credential: set api_key (or the DOCBITS_API_KEY environment variable)")
    org_id = normalise_id(params.get("org_id"))
    if org_id is not None and (not org_id.isascii() or has_whitespace_or_control(org_id)):
        raise OptionError("org_id contains whitespace, control or non-ASCII characters: give the organisation id alone")
    check_transport(params)
    return DocBitsClient(
        params["docbits_url"],
        api_key=api_key,
        bearer_token=bearer_token,
        org_id=org_id,
        timeout=params["timeout"],
        retries=params["retries"],
        validate_certs=params["validate_certs"],
        ca_path=params.get("ca_path"),
        environment=params.get("environment_name"),
    )


def _request_headers(api_key, bearer_token, org_id):
    """The headers of every request: the credential and, when set, the organisation."""
    headers = {"Accept": "application/json"}
    if api_key:
        headers[HEADER_API_KEY] = api_key
    if org_id:
        # Today's API reads the organisation from this header; org_id also goes in the form or query.
        headers[HEADER_ORG_ID] = org_id
    if bearer_token:
        headers["Authorization"] = "Bearer " + bearer_token
    return headers


def _form_text(value):
    """A form or query value as text; booleans as the 2022 API's examples write them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, (tuple, bytes)) else str(value)


def _incomplete_list(body, count):
    """Why a list answer is one page of more, or None; read in the answer and its paging objects."""
    holders = [body] + [body[name] for name in ("meta", "pagination", "paging", "page_info") if isinstance(body.get(name), dict)]
    for holder in holders:
        for name in LIST_TOTAL_FIELDS:
            value = holder.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > count:
                return "it says %s %d but holds %d item(s)" % (name, value, count)
        for name in LIST_NEXT_FIELDS:
            if holder.get(name) not in (None, False, "", 0, [], {}):
                return "it says there is more (%s)" % name
        page, pages = holder.get("page"), holder.get("pages", holder.get("total_pages"))
        if isinstance(page, int) and isinstance(pages, int) and not isinstance(page, bool) and page < pages:
            return "it is page %d of %d" % (page, pages)
    return None


def _id_problem(items):
    """Why listed items cannot be told apart (an item without id, an id twice), or None."""
    seen = {}
    for position, item in enumerate(items):
        config_id = listed_id(item.get("id")) if isinstance(item, dict) else None
        if config_id is None:
            return "item %d has no id (%s)" % (position + 1, printable(repr(item.get("id")) if isinstance(item, dict) else type(item).__name__))
        if config_id in seen:
            return "configuration %d is listed twice (as %s and %s)" % (config_id, printable(repr(seen[config_id])), printable(repr(item.get("id"))))
        seen[config_id] = item.get("id")
    return None


def _is_api_envelope(content):
    """Whether a download is one of DocBits' own JSON answers ({"success": ..., ...} or {"detail": ...})."""
    try:
        obj = json.loads(content.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(obj, dict) and ("success" in obj or set(obj) == set(("detail",)))


def _answered_id(body):
    """The configuration id a configure answer carries (data.id or id), else None."""
    data = body.get("data")
    for holder in (data if isinstance(data, dict) else {}, body):
        value = holder.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    return None
