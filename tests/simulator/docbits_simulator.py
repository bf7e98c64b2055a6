# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A DocBits-compatible HTTP simulator for testing the docbits.infor collection.

It speaks the contract of ``docs/docbits-api.md`` (the ``/configurations/`` endpoints that hold
an Infor export configuration and its ION API file), keeps its state in memory (optionally in
a JSON state file), counts writes, and can inject faults: error statuses, broken bodies,
dropped connections, slow answers and "lost answers" (the write happens, the answer does not).

Python use::

    with DocBitsSimulator(api_keys={"k1": "acme"}) as sim:
        requests.post(sim.base_url + "/configurations/get_configurations", headers={"X-API-KEY": "k1"})

Command line use: ``python docbits_simulator.py --port 0 --port-file PORT --api-key k1=acme``.

Fault rules (``add_faults`` or ``POST /_sim/faults``) form a FIFO list; each request takes the
first rule that matches it, and a rule is removed once used ``times`` times::

    {"path": "*",            # "*", an exact path, or a prefix ending in "/" or "*"
     "method": "*",          # or GET, POST, ...
     "times": 1,             # null: unlimited
     "status": 503,          # the answer replacing the real one (default 503 when any of
     "headers": {},          #   status/headers/body/content_type is given)
     "body": None,           # text, or a JSON object/list; default {"detail": "<reason>"}
     "content_type": None,   # default: JSON for objects and text starting with { or [, else text/plain
     "delay": 0,             # seconds to wait before answering (a slow server)
     "drop": False,          # true: close without answering; "reset": abort with RST
     "after_apply": False}   # true: perform the real request (writes included) first, then
                             #   delay, then answer with the fault: a lost answer

A rule with only ``delay`` (and/or ``after_apply``) delays the real answer.

``test_infor_connection`` answers as DocBits does: with ``infor_ca_path`` (``--infor-ca``), the CA
bundle of the Infor token endpoint, it requests a token with the stored file and says no, with
the reason, when none comes back; ``mark_dead`` (``/_sim/dead``) forces a no without asking Infor.

Admin endpoints (no authentication, never subject to faults nor recorded): GET /_sim/stats,
POST /_sim/reset_stats, GET|POST|DELETE /_sim/faults, GET /_sim/state, POST /_sim/seed,
POST /_sim/reset, POST|DELETE /_sim/dead.

Standard library only, so it runs with any Python 3.11+. Beside it: ``sim_http`` (the server),
``multipart_form`` (request bodies), ``fault_rules`` (the fault language), ``sim_answers`` (what it
answers) and ``infor_relay`` (its connection test asking Infor); its tests are ``test_*.py`` here.
"""

import argparse
import base64
import copy
import datetime
import json
import os
import signal
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse

from fault_rules import fault_matches, normalise_fault  # pylint: disable=import-error
from infor_relay import infor_token_refusal  # pylint: disable=import-error
from sim_answers import ApiError, Response, app_failure, json_response, validation_error  # pylint: disable=import-error
from sim_http import ADMIN_PREFIX, STOP_POLL_INTERVAL, Handler, Server  # pylint: disable=import-error

__all__ = ["DocBitsSimulator", "INFOR_EXPORT_METHODS", "FILE_TYPES", "FILE_PARTS", "main"]

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

# Values accepted by GET /configurations/download/{id}?type=...
# Settings the 2024 web app sends on every update beside the managed ones, and their defaults: what a
# form-replacing update (update_replaces_form) gives every setting that is not sent.
FORM_SETTINGS = {"auto_approve_after_export": False, "auto_validate_after_export": False, "m3_toml_mapping_id": None}
FORM_DEFAULTS = dict(FORM_SETTINGS, title="", export_method="infor-idm-cloud", on_permise=False, zugferd=False)

FILE_TYPES = ("ION_API", "IDM_MAPPING", "BOD_MAPPING", "FLOW_MAPPING", "LN_MAPPING", "M3_MAPPING", "M3_TOML_MAPPING")

# Multipart part name of configure_infor_export -> stored file type.
FILE_PARTS = {
    "ion_api": "ION_API",
    "idm_mapping": "IDM_MAPPING",
    "bod_mapping": "BOD_MAPPING",
    "flow_mapping": "FLOW_MAPPING",
    "ln_mapping": "LN_MAPPING",
    "m3_mapping": "M3_MAPPING",
    "m3_toml_mapping": "M3_TOML_MAPPING",
}

# The same words pydantic (FastAPI) accepts for a boolean form field.
_TRUE_WORDS = frozenset(("1", "on", "t", "true", "y", "yes"))
_FALSE_WORDS = frozenset(("0", "off", "f", "false", "n", "no"))

_MAX_RECORDED_REQUESTS = 10000

_P_LIST = "/configurations/get_configurations"
_P_CONFIGURE = "/configurations/configure_infor_export"
_P_REMOVE = "/configurations/remove_configuration"
_P_VISIBILITY = "/configurations/update_configuration_visibility"
_P_TEST = "/configurations/test_infor_connection"
_P_DOWNLOAD = "/configurations/download/"
_P_OPENAPI = "/openapi.json"
# The public 2022 document's /configurations/ part, kept with the tests.
CONTRACT_DOCUMENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "contract", "docbits-openapi-2.2.10-configurations.json")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------------------- values


def _file_bytes(value):
    """Bytes of a seeded file given as bytes, text, a JSON value or {"base64": "..."}."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {"base64"}:
        return base64.b64decode(value["base64"])
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2).encode("utf-8")
    raise ValueError('a file must be bytes, text, a JSON object or {"base64": ...}')


def _norm_sub_org(value):
    """A sub_org_id as the server keeps it: None, an int when it looks like one, else the text."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def _same_sub_org(left, right):
    if left is None or right is None:
        return left is None and right is None
    return str(left) == str(right)


def _parse_bool(value):
    word = value.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(word)


def _parse_int(value):
    text = value.strip()
    if not text.lstrip("-").isdigit():
        raise ValueError(text)
    return int(text)


def _parse_ion_api(content):
    """The ION API file as a JSON object, or None when it is not one."""
    try:
        obj = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None
    return obj if isinstance(obj, dict) else None


# ---------------------------------------------------------------------------- the simulator


class DocBitsSimulator:
    """An in-process DocBits API: state, faults, accounting and an HTTP(S) server.

    ``api_keys`` and ``bearer_tokens`` map a credential to the organisation it belongs to.
    ``state_file``, when given, is loaded now (if it exists) and rewritten after every write.
    ``reserialise`` stores an uploaded ION API file as ``json.dumps(obj, indent=2)`` rather
    than the bytes received, as a server that re-serialises would.
    ``require_legacy_booleans`` makes ``on_permise`` and ``zugferd`` required (2022 spec).
    ``log`` is a callable taking one line per request (method, path, status only).
    ``openapi`` is what ``GET /openapi.json`` serves: a document (dict; default: the public 2022
    document with what this simulator also accepts, see ``openapi_document()``); afterwards the
    attribute may also be set to text (served as an HTML page) or None (404). ``configure_answer_id``: where a configure answer carries the id,
    "data" (``data.id``), "top" (``id``) or None (no id, as older DocBits answers).
    ``one_infor_export_per_doc_type`` refuses a second active Infor export of a document type (and
    sub-organisation), as DocBits did before exports had an execution order; by default several are allowed.

    Views and update semantics of other DocBits (attributes, settable any time):
    ``update_replaces_form``: an update takes every setting from the form, one not sent gets its default
    (FORM_DEFAULTS); ``lower_cases_doc_types``: document types are stored lower-cased;
    ``lists_twice``: every configuration is listed twice, the second time with its id as text;
    ``list_page_size``: the list answers the first N configurations, with ``total`` and ``next``.
    """

    def __init__(
        self,
        api_keys=None,
        state_file=None,
        reserialise=True,
        bearer_tokens=None,
        log=None,
        require_legacy_booleans=False,
        infor_ca_path=None,
        openapi=None,
        configure_answer_id="data",
        one_infor_export_per_doc_type=False,
    ):
        self._lock = threading.RLock()
        self._api_keys = dict(api_keys or {})
        self._bearer_tokens = dict(bearer_tokens or {})
        self.state_file = state_file
        self.reserialise = reserialise
        self.require_legacy_booleans = require_legacy_booleans
        self.openapi = openapi if openapi is not None else openapi_document()
        self.configure_answer_id = configure_answer_id
        self.one_infor_export_per_doc_type = one_infor_export_per_doc_type
        self.update_replaces_form = False
        self.lower_cases_doc_types = False
        self.lists_twice = False
        self.list_page_size = None
        self._log = log
        self._orgs = {}
        self._next_id = 1
        self._faults = []
        self._dead_ids = set()
        self._dead_ion_apis = []
        # With a CA bundle, test_infor_connection asks Infor for a token with the stored file, as DocBits does.
        self.infor_ca_path = infor_ca_path
        self.writes = 0
        self.requests = []
        self._server = None
        self._thread = None
        self._stop_event = threading.Event()
        self.base_url = None
        self.port = None
        self._ensure_key_orgs()
        if state_file and os.path.exists(state_file):
            self._load_state()

    # ------------------------------------------------------------------ lifecycle

    def start(self, host="127.0.0.1", port=0, tls=None):
        """Serve in a background thread; returns the base URL. ``tls`` is (certfile, keyfile) or an SSLContext."""
        if self._server is not None:
            raise RuntimeError("simulator already started")
        context = None
        if isinstance(tls, ssl.SSLContext):
            context = tls
        elif tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls[0], tls[1])
        self._stop_event.clear()
        server = Server((host, port), Handler, self, context)
        self._server = server
        self.port = server.server_address[1]
        shown = "[%s]" % host if ":" in host else host
        self.base_url = "%s://%s:%d" % ("https" if context else "http", shown, self.port)
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": STOP_POLL_INTERVAL}, name="docbits-simulator", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self):
        """Stop serving, cut open connections and end pending delays. Safe to call twice."""
        server, self._server = self._server, None
        self._stop_event.set()
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self):
        if self._server is None:
            self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.stop()

    # ------------------------------------------------------------------ state helpers (Python API)

    def seed(self, org, config):
        """Create a configuration in ``org`` directly (no rules, not counted as a write); returns its id.

        ``config`` may hold id, title, doc_type, export_method (default infor-ion-cloud),
        sub_org_id, is_active (default True), on_permise, zugferd, created_at, files
        ({"ION_API": bytes | str | JSON object, ...}), connection_ok (False marks it dead) and
        any other key, which the listing shows as is (e.g. a webhook's export_url).
        """
        if not isinstance(config, dict):
            raise ValueError("a seeded configuration must be an object")
        config = dict(config)
        connection_ok = config.pop("connection_ok", True)
        files = {}
        for ftype, value in (config.pop("files", None) or {}).items():
            if ftype not in FILE_TYPES:
                raise ValueError("unknown file type %r" % ftype)
            files[ftype] = _file_bytes(value)
        with self._lock:
            wanted = config.pop("id", None)
            if wanted is not None:
                if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 1:
                    raise ValueError("a seeded id must be a positive integer")
                if self._find(wanted)[1] is not None:
                    raise ValueError("configuration id %d already exists" % wanted)
                config_id = wanted
            else:
                config_id = self._next_id
            self._next_id = max(self._next_id, config_id + 1)
            record = {
                "id": config_id,
                "title": config.pop("title", ""),
                "doc_type": config.pop("doc_type", "INVOICE"),
                "export_method": config.pop("export_method", "infor-ion-cloud"),
                "sub_org_id": _norm_sub_org(config.pop("sub_org_id", None)),
                "is_active": bool(config.pop("is_active", True)),
                "files": files,
                "on_permise": bool(config.pop("on_permise", False)),
                "zugferd": bool(config.pop("zugferd", False)),
                "created_at": config.pop("created_at", _now()),
                "extra": config,
            }
            self._orgs.setdefault(org, {})[config_id] = record
            if not connection_ok:
                self._dead_ids.add(config_id)
            self._save_state()
        return config_id

    def snapshot(self):
        """A deep copy of the state: {"next_id": n, "orgs": {org: {"configurations": {id: config}}}}."""
        with self._lock:
            return {
                "next_id": self._next_id,
                "orgs": {org: {"configurations": copy.deepcopy(configs)} for org, configs in self._orgs.items()},
            }

    def configs(self, org=None):
        """Copies of the configurations of one organisation (or all), sorted by id."""
        with self._lock:
            found = [c for name, configs in self._orgs.items() if org in (None, name) for c in configs.values()]
            return [copy.deepcopy(c) for c in sorted(found, key=lambda c: c["id"])]

    def get_config(self, config_id):
        """A copy of one configuration, or None."""
        with self._lock:
            found = self._find(config_id)[1]
            return copy.deepcopy(found) if found is not None else None

    def reset_stats(self):
        with self._lock:
            self.writes = 0
            self.requests = []

    def reset(self):
        """Forget every configuration, fault, dead mark and statistic (keys are kept)."""
        with self._lock:
            self._orgs = {}
            self._next_id = 1
            self._faults = []
            self._dead_ids = set()
            self._dead_ion_apis = []
            self.reset_stats()
            self._ensure_key_orgs()
            self._save_state()

    def add_api_key(self, key, org):
        with self._lock:
            self._api_keys[key] = org
            self._orgs.setdefault(org, {})

    def add_bearer_token(self, token, org):
        with self._lock:
            self._bearer_tokens[token] = org
            self._orgs.setdefault(org, {})

    def add_faults(self, rules):
        """Append fault rules (a dict or a list of dicts, schema in the module docstring); returns how many are pending."""
        if isinstance(rules, dict):
            rules = [rules]
        if not isinstance(rules, list):
            raise ValueError("faults must be a rule object or a list of them")
        normalised = [normalise_fault(rule) for rule in rules]
        with self._lock:
            self._faults.extend(normalised)
            return len(self._faults)

    def add_fault(self, **rule):
        return self.add_faults([rule])

    def clear_faults(self):
        with self._lock:
            self._faults = []

    def pending_faults(self):
        with self._lock:
            return copy.deepcopy(self._faults)

    def mark_dead(self, config_id=None, ion_api=None):
        """Make test_infor_connection fail for a configuration id, or for any configuration storing this ION API content."""
        with self._lock:
            if config_id is not None:
                self._dead_ids.add(int(config_id))
            if ion_api is not None:
                obj = ion_api if isinstance(ion_api, dict) else _parse_ion_api(_file_bytes(ion_api))
                if obj is None:
                    raise ValueError("ion_api must be a JSON object")
                self._dead_ion_apis.append(obj)

    def clear_dead(self):
        with self._lock:
            self._dead_ids = set()
            self._dead_ion_apis = []

    # ------------------------------------------------------------------ internals: state

    def _ensure_key_orgs(self):
        for org in list(self._api_keys.values()) + list(self._bearer_tokens.values()):
            self._orgs.setdefault(org, {})

    def _find(self, config_id, org=None):
        """(org, config) of an id, limited to ``org`` when given; (None, None) when absent."""
        for name, configs in self._orgs.items():
            if org not in (None, name):
                continue
            if config_id in configs:
                return name, configs[config_id]
        return None, None

    def _state_document(self, files_as):
        """The state as JSON-ready data; files as {"base64": ...} (state file) or text (admin view)."""
        orgs = {}
        for org, configs in self._orgs.items():
            rows = []
            for config in sorted(configs.values(), key=lambda c: c["id"]):
                row = {k: v for k, v in config.items() if k != "files"}
                if files_as == "base64":
                    row["files"] = {k: {"base64": base64.b64encode(v).decode("ascii")} for k, v in config["files"].items()}
                else:
                    row["files"] = {k: v.decode("utf-8", errors="replace") for k, v in config["files"].items()}
                rows.append(row)
            orgs[org] = {"configurations": rows}
        return {"version": 1, "next_id": self._next_id, "orgs": orgs}

    def _save_state(self):
        if not self.state_file:
            return
        data = json.dumps(self._state_document("base64"), indent=1).encode("utf-8")
        directory = os.path.dirname(os.path.abspath(self.state_file))
        handle, tmp = tempfile.mkstemp(prefix=".docbits-sim-", dir=directory)
        try:
            # The file holds credentials: owner-only, and replaced atomically.
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(tmp, self.state_file)
        except OSError:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _load_state(self):
        with open(self.state_file, "rb") as stream:
            document = json.load(stream)
        orgs = {}
        for org, entry in (document.get("orgs") or {}).items():
            configs = {}
            for row in entry.get("configurations", []):
                config = dict(row)
                config["files"] = {k: _file_bytes(v) for k, v in (row.get("files") or {}).items()}
                config.setdefault("extra", {})
                configs[int(config["id"])] = config
            orgs[org] = configs
        with self._lock:
            self._orgs = orgs
            ids = [cid for configs in orgs.values() for cid in configs]
            self._next_id = max([int(document.get("next_id", 1))] + [cid + 1 for cid in ids])
            self._ensure_key_orgs()

    def _take_fault(self, method, path):
        """The first pending rule matching this request, counting one use of it."""
        with self._lock:
            for index, rule in enumerate(self._faults):
                if fault_matches(rule, method, path):
                    if rule["times"] is not None:
                        rule["times"] -= 1
                        if rule["times"] <= 0:
                            del self._faults[index]
                    return copy.deepcopy(rule)
        return None

    def _record(self, req, status, fault, dropped=False):
        entry = {
            "method": req.method,
            "path": req.path,
            "status": status,
            "fields": req.field_names(),
            "files": sorted(req.files),
            "query": sorted(req.query),
            "org": req.org,
            "auth": req.auth,
            "fault": fault,
            "dropped": dropped,
            "time": time.time(),
        }
        with self._lock:
            self.requests.append(entry)
            if len(self.requests) > _MAX_RECORDED_REQUESTS:
                del self.requests[:-_MAX_RECORDED_REQUESTS]
        if self._log is not None:
            shown = "dropped" if dropped else str(status)
            self._log("%s %s %s%s" % (req.method, req.path, shown, " (fault)" if fault else ""))

    def _wrote(self):
        """Count one successful state change and persist it; call with the lock held."""
        self.writes += 1
        self._save_state()

    def _sleep(self, seconds):
        """A delay that ends early when the simulator stops."""
        if seconds > 0:
            self._stop_event.wait(seconds)

    # ------------------------------------------------------------------ internals: API

    def _identify(self, req):
        """Set req.org / req.auth from the credentials, without failing (for accounting)."""
        key = req.headers.get("X-API-KEY")
        if key is not None:
            req.auth = "api_key"
            req.org = self._api_keys.get(key)
            return
        authorization = req.headers.get("Authorization") or ""
        scheme, _sep, token = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            req.auth = "bearer"
            req.org = self._bearer_tokens.get(token.strip())

    def _authorise(self, req):
        """401 without a known credential, 403 when an org_id names another organisation."""
        if req.org is None:
            raise ApiError(401, {"detail": "Invalid key"})
        for sent in (req.form.get("org_id"), req.query.get("org_id"), req.headers.get("X-ORG-ID")):
            if sent not in (None, "") and sent != req.org:
                raise ApiError(403, {"detail": "Not allowed for this organisation"})

    def dispatch(self, req):
        """The real answer to an API request (state changes included)."""
        try:
            return self._route(req)
        except ApiError as exc:
            return json_response(exc.status, exc.body, exc.headers)

    def _route(self, req):
        path, method = req.path, req.method
        routes = {
            _P_LIST: ("POST", self._api_list),
            _P_CONFIGURE: ("POST", self._api_configure),
            _P_REMOVE: ("POST", self._api_remove),
            _P_VISIBILITY: ("POST", self._api_visibility),
            _P_TEST: ("POST", self._api_test_connection),
            _P_OPENAPI: ("GET", None),
        }
        if path in routes:
            allowed, handler = routes[path]
            args = ()
        elif path.startswith(_P_DOWNLOAD) and "/" not in path[len(_P_DOWNLOAD) :] and path != _P_DOWNLOAD:
            allowed, handler = "GET", self._api_download
            args = (urllib.parse.unquote(path[len(_P_DOWNLOAD) :]),)
        else:
            raise ApiError(404, {"detail": "Not Found"})
        if method != allowed:
            raise ApiError(405, {"detail": "Method Not Allowed"}, {"Allow": allowed})
        if handler is None:
            return self._api_openapi()
        if req.parse_error is not None:
            raise ApiError(req.parse_error.status, {"detail": req.parse_error.detail})
        self._authorise(req)
        return handler(req, *args)

    def _listing_row(self, config):
        files = config["files"]
        row = {
            "id": config["id"],
            "title": config["title"],
            "doc_type": config["doc_type"],
            "export_method": config["export_method"],
            "sub_org_id": config["sub_org_id"],
            "is_active": config["is_active"],
            "on_permise": config["on_permise"],
            "zugferd": config["zugferd"],
            "infor_ion_api": "ION_API" in files,
            "infor_idm_mapping": "IDM_MAPPING" in files,
            "infor_bod_mapping": "BOD_MAPPING" in files,
            "infor_ln_mapping": "LN_MAPPING" in files,
            "infor_m3_mapping": "M3_MAPPING" in files or "M3_TOML_MAPPING" in files,
            # Not in the contract: present so that clients prove they ignore unknown keys.
            "created_at": config.get("created_at"),
        }
        for key, value in (config.get("extra") or {}).items():
            row.setdefault(key, value)
        return row

    def _api_list(self, req):
        with self._lock:
            configs = sorted(self._orgs.get(req.org, {}).values(), key=lambda c: c["id"])
            data = [self._listing_row(c) for c in configs]
        if self.lists_twice:
            data += [dict(row, id=str(row["id"])) for row in data]
        answer = {"success": True, "data": data}
        if self.list_page_size is not None and len(data) > self.list_page_size:
            answer.update(data=data[: self.list_page_size], total=len(data), next="%s?skip=%s" % (_P_LIST, self.list_page_size))
        return json_response(200, answer)

    def _validate_configure(self, req):
        """Field-level checks (422) of configure_infor_export; returns the parsed values."""
        form, errors, values = req.form, [], {}

        def given(name):
            # FastAPI treats an empty form value as not sent.
            return form.get(name) not in (None, "")

        if given("config_id"):
            try:
                values["config_id"] = _parse_int(form["config_id"])
            except ValueError:
                errors.append((("body", "config_id"), "value is not a valid integer", "type_error.integer"))
        creating = not given("config_id")
        if given("export_method"):
            if form["export_method"] in INFOR_EXPORT_METHODS:
                values["export_method"] = form["export_method"]
            else:
                errors.append(
                    (
                        ("body", "export_method"),
                        "value is not a valid enumeration member; permitted: %s" % ", ".join("'%s'" % m for m in INFOR_EXPORT_METHODS),
                        "type_error.enum",
                    )
                )
        elif creating:
            errors.append((("body", "export_method"), "field required", "value_error.missing"))
        if given("doc_type"):
            values["doc_type"] = form["doc_type"]
        elif creating:
            errors.append((("body", "doc_type"), "field required", "value_error.missing"))
        if "title" in form:
            values["title"] = form["title"]
        if given("sub_org_id"):
            values["sub_org_id"] = _norm_sub_org(form["sub_org_id"])
        if given("m3_toml_mapping_id"):
            values["m3_toml_mapping_id"] = form["m3_toml_mapping_id"]
        if self.lower_cases_doc_types and "doc_type" in values:
            values["doc_type"] = values["doc_type"].lower()
        for name in ("on_permise", "zugferd", "auto_approve_after_export", "auto_validate_after_export"):
            if given(name):
                try:
                    values[name] = _parse_bool(form[name])
                except ValueError:
                    errors.append((("body", name), "value could not be parsed to a boolean", "type_error.bool"))
            elif self.require_legacy_booleans and name in ("on_permise", "zugferd"):
                errors.append((("body", name), "field required", "value_error.missing"))
        for name in FILE_PARTS:
            if name in form:
                # A text field where a file is expected: FastAPI refuses it.
                errors.append((("body", name), "Expected UploadFile, received: <class 'str'>", "value_error"))
        if errors:
            raise validation_error(errors)
        return values

    def _conflict(self, org, doc_type, sub_org_id, exclude_id):
        if not self.one_infor_export_per_doc_type:
            return None
        for config in self._orgs.get(org, {}).values():
            if (
                config["id"] != exclude_id
                and config["is_active"]
                and config["export_method"] in INFOR_EXPORT_METHODS
                and config["doc_type"] == doc_type
                and _same_sub_org(config["sub_org_id"], sub_org_id)
            ):
                return config["id"]
        return None

    def _api_configure(self, req):
        values = self._validate_configure(req)
        files = {}
        for name, part in req.files.items():
            if name in FILE_PARTS:
                files[FILE_PARTS[name]] = part.content
        if "ION_API" in files:
            obj = _parse_ion_api(files["ION_API"])
            if obj is None:
                return app_failure("Invalid ION API file")
            if self.reserialise:
                files["ION_API"] = json.dumps(obj, indent=2).encode("utf-8")
        with self._lock:
            org_configs = self._orgs.setdefault(req.org, {})
            if "config_id" in values:
                config = org_configs.get(values["config_id"])
                if config is None:
                    return app_failure("Configuration not found")
                doc_type = values.get("doc_type", config["doc_type"])
                sub_org_id = values.get("sub_org_id", config["sub_org_id"])
                if config["is_active"]:
                    other = self._conflict(req.org, doc_type, sub_org_id, config["id"])
                    if other is not None:
                        return app_failure(self._conflict_text(doc_type, other))
                if self.update_replaces_form:
                    values = dict(FORM_DEFAULTS, **values)
                for key in ("title", "doc_type", "export_method", "sub_org_id", "on_permise", "zugferd"):
                    if key in values:
                        config[key] = values[key]
                config["extra"].update((key, values[key]) for key in FORM_SETTINGS if key in values)
                config["files"].update(files)
            else:
                if "ION_API" not in files:
                    return app_failure("ION API file is required")
                other = self._conflict(req.org, values["doc_type"], values.get("sub_org_id"), None)
                if other is not None:
                    return app_failure(self._conflict_text(values["doc_type"], other))
                config_id = self._next_id
                self._next_id += 1
                values["config_id"] = config_id
                org_configs[config_id] = {
                    "id": config_id,
                    "title": values.get("title", ""),
                    "doc_type": values["doc_type"],
                    "export_method": values["export_method"],
                    "sub_org_id": values.get("sub_org_id"),
                    "is_active": True,
                    "files": files,
                    "on_permise": values.get("on_permise", values["export_method"].endswith("-onpremise")),
                    "zugferd": values.get("zugferd", False),
                    "created_at": _now(),
                    "extra": dict((key, values.get(key, default)) for key, default in FORM_SETTINGS.items()),
                }
            self._wrote()
        answer = {"success": True, "message": "Configuration saved"}
        if self.configure_answer_id == "data":
            answer["data"] = {"id": values["config_id"]}
        elif self.configure_answer_id == "top":
            answer["id"] = values["config_id"]
        return json_response(200, answer)

    @staticmethod
    def _conflict_text(doc_type, other_id):
        return (
            "An active Infor export configuration already exists for doc_type %s in this organisation/sub-organisation (id %d); "
            "only one active Infor export per document type is allowed" % (doc_type, other_id)
        )

    def _required_int(self, req, name):
        value = req.form.get(name)
        if value in (None, ""):
            raise validation_error([(("body", name), "field required", "value_error.missing")])
        try:
            return _parse_int(value)
        except ValueError:
            raise validation_error([(("body", name), "value is not a valid integer", "type_error.integer")]) from None

    def _api_remove(self, req):
        config_id = self._required_int(req, "id")
        with self._lock:
            configs = self._orgs.get(req.org, {})
            if config_id not in configs:
                return app_failure("Configuration not found")
            del configs[config_id]
            self._dead_ids.discard(config_id)
            self._wrote()
        return json_response(200, {"success": True})

    def _api_visibility(self, req):
        config_id = self._required_int(req, "id")
        try:
            active = _parse_bool(req.form.get("is_active") or "")
        except ValueError:
            raise validation_error([(("body", "is_active"), "value could not be parsed to a boolean", "type_error.bool")]) from None
        with self._lock:
            config = self._orgs.get(req.org, {}).get(config_id)
            if config is None:
                return app_failure("Configuration not found")
            config["is_active"] = active
            self._wrote()
        return json_response(200, {"success": True, "message": "Configuration visibility updated"})

    def _api_openapi(self):
        document = self.openapi
        if document is None:
            raise ApiError(404, {"detail": "Not Found"})
        if isinstance(document, str):
            return Response(200, document.encode("utf-8"), "text/html; charset=utf-8")
        return json_response(200, document)

    def _api_test_connection(self, req):
        config_id = self._required_int(req, "config_id")
        with self._lock:
            config = self._orgs.get(req.org, {}).get(config_id)
            if config is None:
                return json_response(200, {"success": False, "message": "Configuration not found"})
            stored = config["files"].get("ION_API")
            if stored is None:
                return json_response(200, {"success": False, "message": "No ION API file is stored for this configuration"})
            dead = config_id in self._dead_ids or _parse_ion_api(stored) in self._dead_ion_apis
        if dead:
            return json_response(200, {"success": False, "message": "Connection failed: the ION API credentials were rejected"})
        if self.infor_ca_path:
            refusal = infor_token_refusal(_parse_ion_api(stored), self.infor_ca_path)
            if refusal:
                return json_response(200, {"success": False, "message": "Connection failed: %s" % refusal})
        return json_response(200, {"success": True, "message": "Connection OK"})

    def _api_download(self, req, raw_id):
        errors = []
        try:
            config_id = _parse_int(raw_id)
        except ValueError:
            config_id = None
            errors.append((("path", "id"), "value is not a valid integer", "type_error.integer"))
        ftype = req.query.get("type")
        if ftype in (None, ""):
            errors.append((("query", "type"), "field required", "value_error.missing"))
        elif ftype not in FILE_TYPES:
            errors.append(
                (("query", "type"), "value is not a valid enumeration member; permitted: %s" % ", ".join("'%s'" % t for t in FILE_TYPES), "type_error.enum")
            )
        if errors:
            raise validation_error(errors)
        with self._lock:
            config = self._orgs.get(req.org, {}).get(config_id)
            content = config["files"].get(ftype) if config is not None else None
        if content is None:
            raise ApiError(404, {"detail": "Not found"})
        filename = "%s.%s" % (ftype.lower(), "ionapi" if ftype == "ION_API" else "json")
        return Response(200, content, "application/octet-stream", {"Content-Disposition": 'attachment; filename="%s"' % filename})

    # ------------------------------------------------------------------ internals: admin

    def admin(self, method, path, body):
        """The /_sim/ endpoints (no authentication; for tests driving another process)."""
        try:
            return self._admin(method, path, body)
        except (ValueError, TypeError, KeyError) as exc:
            return json_response(400, {"detail": str(exc)})

    def _admin(self, method, path, body):
        name = path[len(ADMIN_PREFIX) :].strip("/")
        payload = None
        if method in ("POST", "PUT") and body.strip():
            try:
                payload = json.loads(body)
            except ValueError:
                raise ValueError("the body must be JSON") from None
        routes = {
            ("GET", "stats"): self._admin_stats,
            ("POST", "reset_stats"): lambda p: (self.reset_stats(), {"ok": True})[1],
            ("GET", "faults"): lambda p: {"faults": self.pending_faults()},
            ("POST", "faults"): lambda p: {"ok": True, "pending": self.add_faults(p if p is not None else [])},
            ("DELETE", "faults"): lambda p: (self.clear_faults(), {"ok": True})[1],
            ("GET", "state"): self._admin_state,
            ("POST", "seed"): self._admin_seed,
            ("POST", "reset"): lambda p: (self.reset(), {"ok": True})[1],
            ("POST", "dead"): self._admin_dead,
            ("DELETE", "dead"): lambda p: (self.clear_dead(), {"ok": True})[1],
        }
        handler = routes.get((method, name))
        if handler is None:
            if any(key[1] == name for key in routes):
                return json_response(405, {"detail": "Method Not Allowed"})
            return json_response(404, {"detail": "Not Found"})
        return json_response(200, handler(payload))

    def _admin_stats(self, _payload):
        with self._lock:
            return {"writes": self.writes, "requests": copy.deepcopy(self.requests)}

    def _admin_state(self, _payload):
        with self._lock:
            return self._state_document("text")

    def _admin_seed(self, payload):
        return {"ok": True, "ids": self.seed_entries(payload)}

    def seed_entries(self, payload):
        """Seed from JSON data: {"org": o, "config": {...}}, {"org": o, "configs": [...]} or a list of those; returns the ids."""
        items = payload if isinstance(payload, list) else [payload]
        ids = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("org"), str):
                raise ValueError("seed entries need an 'org' and a 'config' or 'configs'")
            configs = item.get("configs") if "configs" in item else [item.get("config")]
            for config in configs:
                ids.append(self.seed(item["org"], config))
        return ids

    def _admin_dead(self, payload):
        if not isinstance(payload, dict) or not ({"config_id", "ion_api"} & set(payload)):
            raise ValueError("give 'config_id' and/or 'ion_api'")
        self.mark_dead(config_id=payload.get("config_id"), ion_api=payload.get("ion_api"))
        return {"ok": True}


def contract_document():
    """A fresh copy of the public 2022 document kept in tests/contract/ (the /configurations/ part)."""
    with open(CONTRACT_DOCUMENT, encoding="utf-8") as stream:
        return json.load(stream)


def openapi_document():
    """What this simulator serves at /openapi.json: the public 2022 document, plus what it accepts
    beyond it, as DocBits' web app sends it (export_method, sub_org_id, org_id, X-ORG-ID,
    test_infor_connection)."""
    document = contract_document()
    schemas = document["components"]["schemas"]
    configure = schemas["Body_infor_export_configurations_configurations_configure_infor_export_post"]["properties"]
    configure["export_method"] = {"title": "Export Method", "enum": list(INFOR_EXPORT_METHODS)}
    configure["sub_org_id"] = {"title": "Sub Org Id", "type": "string"}
    for name in FORM_SETTINGS:
        configure[name] = {"title": name, "type": "string" if name.endswith("_id") else "boolean"}
    for name in FILE_PARTS:
        configure.setdefault(name, {"title": name, "type": "string", "format": "binary"})
    for schema in schemas.values():
        if schema.get("title", "").startswith("Body_"):
            schema.setdefault("properties", {})["org_id"] = {"title": "Org Id", "type": "string"}
    org_query = {"required": False, "schema": {"title": "Org Id", "type": "string"}, "name": "org_id", "in": "query"}
    document["paths"]["/configurations/download/{id}"]["get"]["parameters"].append(org_query)
    schemas["DOC_TYPE"]["enum"] = list(FILE_TYPES)
    listing = document["paths"][_P_LIST]["post"]
    listing["requestBody"] = {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Body_get_configurations"}}}}
    schemas["Body_get_configurations"] = {"title": "Body_get_configurations", "type": "object", "properties": {"org_id": {"title": "Org Id", "type": "string"}}}
    schemas["Body_test_infor_connection"] = {
        "title": "Body_test_infor_connection",
        "type": "object",
        "required": ["config_id"],
        "properties": {"config_id": {"title": "Config Id", "type": "integer"}, "org_id": {"title": "Org Id", "type": "string"}},
    }
    document["paths"][_P_TEST] = {
        "post": {
            "summary": "Test Infor Connection",
            "requestBody": {"content": {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Body_test_infor_connection"}}}},
            "responses": {"200": {"description": "Successful Response"}},
            "security": [{"APIKeyHeader": []}],
        }
    }
    document["components"]["securitySchemes"]["OrgIdHeader"] = {"type": "apiKey", "in": "header", "name": "X-ORG-ID"}
    document["info"]["title"] = "DocBits simulator (DOC2 - API 2.2.10 and what the web app sends)"
    return document


# ---------------------------------------------------------------------------- CLI


def _pairs(values, what):
    result = {}
    for value in values or []:
        key, sep, org = value.partition("=")
        if not sep or not key or not org:
            raise SystemExit("%s must look like VALUE=ORG" % what)
        result[key] = org
    return result


def _write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(prefix=".docbits-sim-port-", dir=directory)
    with os.fdopen(handle, "w") as stream:
        stream.write("%d\n" % port)
    # Atomic, so a reader polling for the file never sees it half written.
    os.replace(tmp, path)


def _remove_port_file(path):
    if path and os.path.exists(path):
        os.unlink(path)


def _stderr_log(line):
    sys.stderr.write("%s docbits-sim %s\n" % (time.strftime("%H:%M:%S"), line))
    sys.stderr.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description="DocBits-compatible HTTP simulator (for tests).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    parser.add_argument("--state-file", help="load state from / save state to this JSON file")
    parser.add_argument("--api-key", action="append", metavar="KEY=ORG", help="an API key and its organisation (repeatable)")
    parser.add_argument("--api-key-file", help="a file of KEY=ORG lines (keeps keys off the command line)")
    parser.add_argument("--bearer-token", action="append", metavar="TOKEN=ORG", help="a bearer token and its organisation (repeatable)")
    parser.add_argument("--seed-file", help='a JSON list of {"org": ..., "config": {...}} to create at start')
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--no-reserialise", action="store_true", help="store uploaded ION API files byte for byte")
    parser.add_argument("--require-legacy-booleans", action="store_true", help="on_permise and zugferd are required (2022 spec)")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument("--infor-ca", help="CA bundle of Infor's token endpoint: test_infor_connection then asks it for a token")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")

    api_keys = _pairs(args.api_key, "--api-key")
    if args.api_key_file:
        with open(args.api_key_file, encoding="utf-8") as stream:
            api_keys.update(_pairs([line.strip() for line in stream if line.strip() and not line.startswith("#")], "--api-key-file lines"))
    sim = DocBitsSimulator(
        api_keys=api_keys,
        bearer_tokens=_pairs(args.bearer_token, "--bearer-token"),
        state_file=args.state_file,
        reserialise=not args.no_reserialise,
        log=None if args.quiet else _stderr_log,
        require_legacy_booleans=args.require_legacy_booleans,
        infor_ca_path=args.infor_ca,
    )
    if args.seed_file:
        with open(args.seed_file, encoding="utf-8") as stream:
            sim.seed_entries(json.load(stream))

    stop = threading.Event()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # A port file left by an earlier run must not be mistaken for this one's.
    _remove_port_file(args.port_file)
    base_url = sim.start(host=args.host, port=args.port, tls=(args.tls_cert, args.tls_key) if args.tls_cert else None)
    if args.port_file:
        _write_port_file(args.port_file, sim.port)
    _stderr_log("listening on %s" % base_url)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
        _remove_port_file(args.port_file)
        _stderr_log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
