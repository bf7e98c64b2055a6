# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the DocBits simulator (tests/simulator/docbits_simulator.py), over real HTTP on 127.0.0.1."""

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
import requests
import trustme

import docbits_simulator  # pylint: disable=import-error
import multipart_form  # pylint: disable=import-error
from docbits_simulator import DocBitsSimulator, FILE_TYPES, INFOR_EXPORT_METHODS  # pylint: disable=import-error
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    PATH_CONFIGURE as P_CONFIGURE,
    PATH_LIST as P_LIST,
    PATH_REMOVE as P_REMOVE,
    PATH_SET_ACTIVE as P_VISIBILITY,
    PATH_TEST_CONNECTION as P_TEST,
)
from ansible_collections.docbits.infor.tests.support.builders import SIMULATOR_DIR, make_seeded_ionapi, simulator_command, start_auth_simulator

SIMULATOR_SCRIPT = os.path.join(SIMULATOR_DIR, "docbits_simulator.py")

KEY = "key-acme-7f3a9c"
OTHER_KEY = "key-other-51be02"
TOKEN = "bearer-acme-d41d8c"
SECRET = "S3CR3T-client-secret-value"

ION_API = {
    "ti": "ACME_TST",
    "cn": "DocBits_TST",
    "ci": "ACME_TST~abcdef",
    "cs": SECRET,
    "iu": "https://mingle-ionapi.eu1.inforcloudsuite.com",
    "pu": "https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/",
    "oa": "authorization.oauth2",
    "ot": "token.oauth2",
    "or": "revoke_token.oauth2",
    "ev": "U1",
    "v": "1.0",
}
ION_API_BYTES = json.dumps(ION_API, separators=(",", ":")).encode("utf-8")
ION_API_2 = dict(ION_API, ci="ACME_TST~ghijkl", cs="another-secret")


class Api:
    """A minimal client speaking the contract, for the tests."""

    def __init__(self, base_url, key=KEY, verify=True, headers=None):
        self.base_url = base_url
        self.session = requests.Session()
        # No proxies or CA bundles from the environment: the simulator is on loopback, and
        # REQUESTS_CA_BUNDLE would otherwise override a session-level verify.
        self.session.trust_env = False
        self.verify = verify
        if headers is not None:
            self.headers = headers
        else:
            self.headers = {"X-API-KEY": key} if key else {}

    def post(self, path, data=None, files=None, timeout=10):
        return self.session.post(self.base_url + path, data=data, files=files, headers=self.headers, timeout=timeout, verify=self.verify)

    def get(self, path, params=None, timeout=10):
        return self.session.get(self.base_url + path, params=params, headers=self.headers, timeout=timeout, verify=self.verify)

    def list(self, org_id=None, timeout=10):
        return self.post(P_LIST, files={"org_id": (None, org_id)} if org_id else None, timeout=timeout)

    def configure(self, ion_api=ION_API_BYTES, timeout=10, **fields):
        """Multipart create/update; ion_api is a dict, bytes or None (no file part)."""
        files = {name: (None, str(value)) for name, value in fields.items()}
        if ion_api is not None:
            content = ion_api if isinstance(ion_api, bytes) else json.dumps(ion_api).encode("utf-8")
            files["ion_api"] = ("acme.ionapi", content, "application/octet-stream")
        return self.post(P_CONFIGURE, files=files, timeout=timeout)

    def create(self, doc_type="INVOICE", export_method="infor-ion-cloud", ion_api=ION_API_BYTES, **fields):
        fields.setdefault("title", "Infor " + doc_type)
        fields.setdefault("on_permise", "false")
        fields.setdefault("zugferd", "false")
        return self.configure(ion_api=ion_api, doc_type=doc_type, export_method=export_method, **fields)

    def download(self, config_id, ftype="ION_API", **params):
        query = {"type": ftype} if ftype is not None else {}
        query.update(params)
        return self.get("/configurations/download/%s" % config_id, params=query)

    def remove(self, config_id, multipart=False, **fields):
        fields["id"] = config_id
        if multipart:
            return self.post(P_REMOVE, files={k: (None, str(v)) for k, v in fields.items()})
        return self.post(P_REMOVE, data=fields)

    def test_connection(self, config_id):
        return self.post(P_TEST, data={"config_id": config_id})

    def data(self):
        response = self.list()
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["success"] is True
        return body["data"]


@pytest.fixture(name="sim")
def sim_fixture():
    simulator = DocBitsSimulator(api_keys={KEY: "acme", OTHER_KEY: "other"}, bearer_tokens={TOKEN: "acme"})
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture(name="api")
def api_fixture(sim):
    return Api(sim.base_url)


def single_config(configs):
    assert len(configs) == 1, configs
    return configs[0]


def assert_422(response, loc):
    assert response.status_code == 422, response.text
    locs = [error["loc"] for error in response.json()["detail"]]
    assert list(loc) in locs, locs
    for error in response.json()["detail"]:
        assert set(error) == {"loc", "msg", "type"}


def assert_failure(response, fragment):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is False
    assert fragment in body["exception"]["detail"]


# ---------------------------------------------------------------------------- listing


def test_list_empty_with_and_without_org_id(api):
    assert api.list().json() == {"success": True, "data": []}
    assert api.list(org_id="acme").json() == {"success": True, "data": []}


def test_list_fields_and_unknown_key(sim, api):
    assert api.create(sub_org_id="12", zugferd="true").json() == {"success": True, "message": "Configuration saved", "data": {"id": 1}}
    row = single_config(api.data())
    expected = {
        "id",
        "title",
        "doc_type",
        "export_method",
        "sub_org_id",
        "is_active",
        "infor_ion_api",
        "infor_idm_mapping",
        "infor_bod_mapping",
        "infor_ln_mapping",
        "infor_m3_mapping",
        "zugferd",
    }
    assert expected <= set(row)
    assert set(row) - expected - {"on_permise"}, "an unknown key must be present"
    assert "created_at" in row
    assert row["id"] == 1 and row["doc_type"] == "INVOICE" and row["export_method"] == "infor-ion-cloud"
    assert row["sub_org_id"] == 12 and row["is_active"] is True and row["infor_ion_api"] is True
    assert row["infor_idm_mapping"] is False and row["zugferd"] is True
    assert sim.writes == 1


def test_list_shows_seeded_non_infor_config(sim, api):
    config_id = sim.seed("acme", {"title": "hook", "doc_type": "INVOICE", "export_method": "webhook", "export_url": "https://example.invalid/hook"})
    row = single_config(api.data())
    assert row["id"] == config_id and row["export_method"] == "webhook"
    assert row["infor_ion_api"] is False and row["export_url"] == "https://example.invalid/hook"
    assert sim.writes == 0, "seeding is not a write"


def test_list_sorted_by_id_and_ids_global(sim, api):
    other = Api(sim.base_url, key=OTHER_KEY)
    assert api.create(doc_type="INVOICE").json()["success"]
    assert other.create(doc_type="INVOICE").json()["success"]
    assert api.create(doc_type="CREDIT_NOTE").json()["success"]
    assert [row["id"] for row in api.data()] == [1, 3]
    assert [row["id"] for row in other.data()] == [2]


# ---------------------------------------------------------------------------- authentication and tenancy


@pytest.mark.parametrize("headers", [{}, {"X-API-KEY": "wrong-key"}, {"X-API-KEY": ""}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}])
def test_invalid_credentials_401(sim, headers):
    response = Api(sim.base_url, headers=headers).list()
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid key"}
    assert "wrong" not in response.text


def test_invalid_key_401_on_every_endpoint(sim):
    bad = Api(sim.base_url, key="nope")
    assert bad.create().status_code == 401
    assert bad.download(1).status_code == 401
    assert bad.remove(1).status_code == 401
    assert bad.test_connection(1).status_code == 401
    assert sim.writes == 0


def test_bearer_token(sim):
    bearer = Api(sim.base_url, headers={"Authorization": "Bearer " + TOKEN})
    assert bearer.create().json()["success"] is True
    assert single_config(bearer.data())["id"] == 1
    assert sim.requests[-1]["auth"] == "bearer" and sim.requests[-1]["org"] == "acme"


def test_org_id_mismatch_403(sim, api):
    sim.seed("acme", {"doc_type": "INVOICE", "files": {"ION_API": ION_API}})
    forbidden = {"detail": "Not allowed for this organisation"}
    response = api.list(org_id="other")
    assert response.status_code == 403 and response.json() == forbidden
    response = api.create(doc_type="X", org_id="other")
    assert response.status_code == 403 and response.json() == forbidden
    response = api.download(1, org_id="other")
    assert response.status_code == 403 and response.json() == forbidden
    response = api.remove(1, org_id="other")
    assert response.status_code == 403
    assert api.download(1, org_id="acme").status_code == 200
    assert sim.writes == 0 and len(sim.configs("acme")) == 1


def test_org_isolation(sim, api):
    other = Api(sim.base_url, key=OTHER_KEY)
    assert api.create().json()["success"]
    assert other.data() == []
    assert other.download(1).status_code == 404
    assert other.download(1).json() == {"detail": "Not found"}
    assert_failure(other.remove(1), "Configuration not found")
    assert_failure(other.configure(config_id=1, title="stolen"), "Configuration not found")
    assert other.test_connection(1).json()["success"] is False
    assert single_config(api.data())["title"] == "Infor INVOICE"
    # The same doc_type in another organisation is no conflict.
    assert other.create().json()["success"] is True


# ---------------------------------------------------------------------------- create / update


def test_create_defaults_and_state(sim, api):
    assert api.create(export_method="infor-ion-onpremise", on_permise="true", title="On prem").json()["success"]
    config = single_config(sim.configs("acme"))
    assert config["is_active"] is True and config["on_permise"] is True and config["zugferd"] is False
    assert config["title"] == "On prem" and config["sub_org_id"] is None
    assert json.loads(config["files"]["ION_API"]) == ION_API


def test_create_without_legacy_booleans(sim, api):
    # The 2024 web app sends neither on_permise nor zugferd.
    assert api.configure(doc_type="INVOICE", export_method="infor-ion-cloud", title="t").json()["success"]
    assert sim.get_config(1)["zugferd"] is False


def test_require_legacy_booleans_option(api, sim):
    sim.require_legacy_booleans = True
    response = api.configure(doc_type="INVOICE", export_method="infor-ion-cloud")
    assert_422(response, ["body", "on_permise"])
    assert_422(response, ["body", "zugferd"])


@pytest.mark.parametrize("method", INFOR_EXPORT_METHODS)
def test_every_export_method_accepted(api, method):
    assert api.create(export_method=method).json()["success"] is True


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("True", True), ("0", False), ("yes", True)])
def test_boolean_like_values(sim, api, value, expected):
    assert api.create(zugferd=value).json()["success"]
    assert sim.get_config(1)["zugferd"] is expected


def test_create_422_errors(sim, api):
    assert_422(api.create(export_method="webhook"), ["body", "export_method"])
    assert_422(api.configure(title="x", export_method="infor-ion-cloud"), ["body", "doc_type"])
    assert_422(api.configure(title="x", doc_type="INVOICE"), ["body", "export_method"])
    assert_422(api.create(zugferd="maybe"), ["body", "zugferd"])
    assert_422(api.create(on_permise="2"), ["body", "on_permise"])
    assert_422(api.create(config_id="abc"), ["body", "config_id"])
    # An ION API file sent as a text field instead of a file part.
    response = api.post(P_CONFIGURE, data={"doc_type": "INVOICE", "export_method": "infor-ion-cloud", "ion_api": json.dumps(ION_API)})
    assert_422(response, ["body", "ion_api"])
    assert SECRET not in response.text
    assert sim.writes == 0 and sim.configs() == []


def test_422_never_echoes_values(api):
    response = api.create(export_method=SECRET, zugferd=SECRET)
    assert response.status_code == 422
    assert SECRET not in response.text


def test_create_requires_ion_api(sim, api):
    assert_failure(api.create(ion_api=None), "ION API file is required")
    assert sim.writes == 0


@pytest.mark.parametrize("content", [b"not json", b"[1, 2]", b"", b"\xff\xfe"])
def test_invalid_ion_api(sim, api, content):
    response = api.create(ion_api=content)
    assert_failure(response, "Invalid ION API file")
    assert sim.writes == 0 and sim.configs() == []


def test_update_keeps_file_when_absent(sim, api):
    assert api.create().json()["success"]
    before = sim.get_config(1)["files"]["ION_API"]
    response = api.configure(ion_api=None, config_id=1, title="renamed")
    assert response.json() == {"success": True, "message": "Configuration saved", "data": {"id": 1}}
    config = sim.get_config(1)
    assert config["title"] == "renamed" and config["files"]["ION_API"] == before
    assert config["doc_type"] == "INVOICE" and config["export_method"] == "infor-ion-cloud"
    assert sim.writes == 2


def test_update_replaces_file(sim, api):
    assert api.create().json()["success"]
    assert api.configure(ion_api=ION_API_2, config_id=1, export_method="infor-ion-cloud", doc_type="INVOICE").json()["success"]
    assert json.loads(api.download(1).content) == ION_API_2
    assert len(sim.configs()) == 1


def test_update_unknown_config(sim, api):
    assert_failure(api.configure(config_id=99, title="x"), "Configuration not found")
    assert sim.writes == 0


def test_mapping_files_stored_as_received(sim, api):
    mapping = b'{"a":1}'
    files = {
        "doc_type": (None, "INVOICE"),
        "export_method": (None, "infor-idm-cloud"),
        "ion_api": ("a.ionapi", ION_API_BYTES, "application/octet-stream"),
        "idm_mapping": ("idm.json", mapping, "application/octet-stream"),
    }
    assert api.post(P_CONFIGURE, files=files).json()["success"]
    assert api.download(1, "IDM_MAPPING").content == mapping
    assert single_config(api.data())["infor_idm_mapping"] is True
    assert sim.get_config(1)["files"]["IDM_MAPPING"] == mapping


# ---------------------------------------------------------------------------- one active Infor export per doc_type


def test_several_infor_exports_per_doc_type_by_default(sim, api):
    # Exports have an execution order (IDM, then ION...): DocBits accepts several of a document type.
    assert api.create(doc_type="INVOICE").json()["success"]
    assert api.create(doc_type="INVOICE", export_method="infor-ion-cloud").json()["success"]
    assert api.configure(ion_api=None, config_id=1, title="IDM").json()["success"]
    assert [config["doc_type"] for config in sim.configs()] == ["INVOICE", "INVOICE"]


def test_one_active_per_doc_type(sim, api):
    sim.one_infor_export_per_doc_type = True
    assert api.create(doc_type="INVOICE").json()["success"]
    response = api.create(doc_type="INVOICE", export_method="infor-idm-cloud")
    assert_failure(response, "INVOICE")
    assert "active" in response.json()["exception"]["detail"]
    assert len(sim.configs()) == 1 and sim.writes == 1
    # Another doc_type or another sub-organisation is fine.
    assert api.create(doc_type="CREDIT_NOTE").json()["success"]
    assert api.create(doc_type="INVOICE", sub_org_id="7").json()["success"]
    assert_failure(api.create(doc_type="INVOICE", sub_org_id="7"), "INVOICE")
    assert len(sim.configs()) == 3


def test_inactive_and_non_infor_do_not_conflict(sim, api):
    sim.one_infor_export_per_doc_type = True
    sim.seed("acme", {"doc_type": "INVOICE", "is_active": False, "files": {"ION_API": ION_API}})
    sim.seed("acme", {"doc_type": "INVOICE", "export_method": "webhook"})
    assert api.create(doc_type="INVOICE").json()["success"]


def test_update_into_conflict_refused(sim, api):
    sim.one_infor_export_per_doc_type = True
    assert api.create(doc_type="INVOICE").json()["success"]
    assert api.create(doc_type="CREDIT_NOTE").json()["success"]
    assert_failure(api.configure(ion_api=None, config_id=2, doc_type="INVOICE"), "INVOICE")
    assert sim.get_config(2)["doc_type"] == "CREDIT_NOTE"
    # Updating a configuration in place is not a conflict with itself.
    assert api.configure(ion_api=None, config_id=1, doc_type="INVOICE").json()["success"]


# ---------------------------------------------------------------------------- download


def test_reserialised_download(api):
    assert api.create(ion_api=ION_API_BYTES).json()["success"]
    response = api.download(1)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.content != ION_API_BYTES
    assert response.content == json.dumps(ION_API, indent=2).encode("utf-8")
    assert json.loads(response.content) == ION_API


def test_stored_bytes_without_reserialise():
    with DocBitsSimulator(api_keys={KEY: "acme"}, reserialise=False) as sim:
        api = Api(sim.base_url)
        assert api.create(ion_api=ION_API_BYTES).json()["success"]
        assert api.download(1).content == ION_API_BYTES


def test_download_errors(sim, api):
    assert api.create().json()["success"]
    assert_422(api.download(1, ftype=None), ["query", "type"])
    assert_422(api.download(1, ftype="SECRET_FILE"), ["query", "type"])
    assert_422(api.download("abc"), ["path", "id"])
    for ftype in FILE_TYPES:
        if ftype != "ION_API":
            assert api.download(1, ftype).status_code == 404
    assert api.download(42).status_code == 404
    assert api.download(42).json() == {"detail": "Not found"}
    assert sim.writes == 1


# ---------------------------------------------------------------------------- remove


@pytest.mark.parametrize("multipart", [False, True])
def test_remove(sim, api, multipart):
    assert api.create().json()["success"]
    assert api.remove(1, multipart=multipart).json() == {"success": True}
    assert api.data() == [] and sim.writes == 2
    assert api.download(1).status_code == 404
    response = api.remove(1, multipart=multipart)
    assert response.json()["success"] is False
    assert sim.writes == 2


def test_remove_422(api):
    assert_422(api.post(P_REMOVE, data={}), ["body", "id"])
    assert_422(api.remove("x"), ["body", "id"])


def test_remove_chunked_body(sim, api):
    assert api.create().json()["success"]

    def body():
        yield b"id="
        yield b"1"

    response = api.session.post(
        sim.base_url + P_REMOVE, data=body(), headers=dict(api.headers, **{"Content-Type": "application/x-www-form-urlencoded"}), timeout=10
    )
    assert response.json() == {"success": True}


# ---------------------------------------------------------------------------- test_infor_connection


def test_connection_ok_and_dead(sim, api):
    assert api.create().json()["success"]
    assert api.test_connection(1).json() == {"success": True, "message": "Connection OK"}
    sim.mark_dead(config_id=1)
    body = api.test_connection(1).json()
    assert body["success"] is False and body["message"]
    sim.clear_dead()
    assert api.test_connection(1).json()["success"] is True
    sim.mark_dead(ion_api=ION_API)
    assert api.test_connection(1).json()["success"] is False
    assert api.configure(ion_api=ION_API_2, config_id=1).json()["success"]
    assert api.test_connection(1).json()["success"] is True
    assert sim.writes == 2


def test_connection_errors(sim, api):
    assert api.test_connection(5).json()["success"] is False
    assert_422(api.post(P_TEST, data={}), ["body", "config_id"])
    sim.seed("acme", {"doc_type": "INVOICE", "connection_ok": False, "files": {"ION_API": ION_API}})
    assert api.test_connection(1).json()["success"] is False


def test_connection_dead_over_admin(sim, api):
    assert api.create().json()["success"]
    assert requests.post(sim.base_url + "/_sim/dead", json={"config_id": 1}, timeout=10).json() == {"ok": True}
    assert api.test_connection(1).json()["success"] is False
    assert requests.delete(sim.base_url + "/_sim/dead", timeout=10).status_code == 200
    assert api.test_connection(1).json()["success"] is True


# ------------------------------------------------ test_infor_connection: a real token request to Infor


@pytest.fixture(name="infor")
def infor_fixture(pki):
    auth = start_auth_simulator(pki)
    yield auth
    auth.stop()


def connect_with(sim, auth, credentials):
    """Store `credentials` (pu pointing at the auth simulator) and have the simulator test them: the answer's JSON."""
    api = Api(sim.base_url)
    assert api.create(ion_api=dict(credentials, pu=auth.pu(credentials["ti"]))).json()["success"]
    return api.test_connection(single_config(sim.configs("acme"))["id"]).json()


def test_connection_asks_infor_for_a_token_with_the_stored_file(sim, pki, infor):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials)
    sim.infor_ca_path = pki.ca
    assert connect_with(sim, infor, credentials) == {"success": True, "message": "Connection OK"}
    assert [(r["path"], r["status"], r["basic"]) for r in infor.requests] == [("/ACME_TST/as/token.oauth2", 200, False)]


def test_connection_falls_back_to_basic_on_invalid_client(sim, pki, infor):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials, client_auth="basic")
    sim.infor_ca_path = pki.ca
    assert connect_with(sim, infor, credentials)["success"] is True
    assert [(r["status"], r["basic"]) for r in infor.requests] == [(401, False), (200, True)]


@pytest.mark.parametrize(
    "dead, expected, attempts",
    [
        ({"cs": "rotated-since-" + "x" * 40}, "Connection failed: invalid_client (HTTP 401) from the token endpoint", 2),
        ({"sask": "deleted-account-" + "y" * 40}, "Connection failed: invalid_grant (HTTP 400) from the token endpoint", 1),
    ],
    ids=["wrong-secret", "wrong-service-account"],
)
def test_connection_refused_by_infor_says_why_without_secrets(sim, pki, infor, dead, expected, attempts):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials)
    sim.infor_ca_path = pki.ca
    answer = connect_with(sim, infor, dict(credentials, **dead))
    assert answer == {"success": False, "message": expected}
    assert len(infor.requests) == attempts and infor.issued == []


def test_connection_with_an_untrusted_infor_certificate_fails(sim, pki, infor):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials)
    sim.infor_ca_path = pki.other_ca
    answer = connect_with(sim, infor, credentials)
    assert answer["success"] is False and answer["message"].startswith("Connection failed: token endpoint unreachable")
    assert infor.issued == []


def test_connection_forced_dead_asks_nobody(sim, pki, infor):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials)
    sim.infor_ca_path = pki.ca
    sim.mark_dead(ion_api=dict(credentials, pu=infor.pu("ACME_TST")))
    assert connect_with(sim, infor, credentials)["success"] is False
    assert infor.requests == []


def test_cli_infor_ca(tmp_path, pki, infor):
    credentials = make_seeded_ionapi("ACME_TST")
    infor.register(credentials)
    process, port = _start_cli(tmp_path, "--infor-ca", pki.ca)
    try:
        api = Api("http://127.0.0.1:%d" % port)
        assert api.create(ion_api=dict(credentials, pu=infor.pu("ACME_TST"))).json()["success"]
        assert api.test_connection(1).json()["success"] is True
    finally:
        returncode, err = _stop_cli(process)
    assert returncode == 0, err
    assert [r["status"] for r in infor.requests] == [200]


# ---------------------------------------------------------------------------- routing


def test_openapi_document(sim):
    document = requests.get(sim.base_url + "/openapi.json", timeout=10).json()
    for path in (P_LIST, P_CONFIGURE, P_REMOVE, P_TEST, P_VISIBILITY, "/configurations/download/{id}"):
        assert path in document["paths"]
    # The public 2022 document, plus what the simulator accepts beyond it.
    assert document["paths"]["/configurations/document_types"] == docbits_simulator.contract_document()["paths"]["/configurations/document_types"]
    configure = document["components"]["schemas"]["Body_infor_export_configurations_configurations_configure_infor_export_post"]
    assert {"export_method", "sub_org_id", "org_id", "ion_api", "config_id"} <= set(configure["properties"])


def test_openapi_document_replaced_html_or_absent(sim):
    sim.openapi = {"openapi": "3.0.2", "paths": {}}
    assert requests.get(sim.base_url + "/openapi.json", timeout=10).json() == {"openapi": "3.0.2", "paths": {}}
    sim.openapi = "<html><body>Sign in</body></html>"
    response = requests.get(sim.base_url + "/openapi.json", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    sim.openapi = None
    assert requests.get(sim.base_url + "/openapi.json", timeout=10).status_code == 404


@pytest.mark.parametrize("where, expected", [("data", {"data": {"id": 1}}), ("top", {"id": 1}), (None, {})])
def test_configure_answer_carries_the_id_or_not(sim, api, where, expected):
    sim.configure_answer_id = where
    assert api.create().json() == dict({"success": True, "message": "Configuration saved"}, **expected)


def test_update_configuration_visibility(sim, api):
    assert api.create().json()["success"]
    response = api.post(P_VISIBILITY, data={"id": 1, "is_active": "false"})
    assert response.json()["success"] is True and sim.get_config(1)["is_active"] is False
    assert api.post(P_VISIBILITY, data={"id": 1, "is_active": "true"}).json()["success"] and sim.get_config(1)["is_active"] is True
    assert api.post(P_VISIBILITY, data={"id": 1, "is_active": "maybe"}).status_code == 422
    assert api.post(P_VISIBILITY, data={"id": 99, "is_active": "true"}).json()["success"] is False
    assert sim.writes == 3


def test_org_header_names_the_organisation(sim):
    assert Api(sim.base_url, headers={"X-API-KEY": KEY, "X-ORG-ID": "acme"}).list().status_code == 200
    assert Api(sim.base_url, headers={"X-API-KEY": KEY, "X-ORG-ID": "other"}).list().status_code == 403


def test_unknown_path_and_method(api):
    assert api.post("/configurations/nope").status_code == 404
    response = api.get(P_LIST)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"
    assert api.post("/configurations/download/1").status_code == 405


def test_malformed_multipart_400(sim, api):
    headers = dict(api.headers, **{"Content-Type": "multipart/form-data; boundary=xyz"})
    response = requests.post(sim.base_url + P_CONFIGURE, data=b"--xyz\r\ngarbage", headers=headers, timeout=10)
    assert response.status_code == 400
    assert sim.writes == 0


def test_bad_request_line_not_echoed(sim):
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
        sock.sendall(b"GET /x?k=" + SECRET.encode() + b" HTTP/1.1 extra\r\n\r\n")
        answer = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    # The stock error page would quote the request line (and the secret in its query).
    assert b"400" in answer
    assert SECRET.encode() not in answer


def test_multipart_parser_details():
    body = (
        b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nline1\r\nline2\r\n'
        b'--b\r\nContent-Disposition: form-data; name="ion_api"; filename="x.ionapi"\r\nContent-Type: application/octet-stream\r\n\r\n'
        b'{"a": "--b"}\r\n'
        b'--b\r\nContent-Disposition: form-data; name="empty"; filename=""\r\n\r\n\r\n'
        b"--b--\r\n"
    )
    fields, files = multipart_form.parse_multipart(body, "multipart/form-data; boundary=b")
    assert fields == {"title": "line1\r\nline2"}
    assert set(files) == {"ion_api"}
    assert files["ion_api"].content == b'{"a": "--b"}' and files["ion_api"].filename == "x.ionapi"


# ---------------------------------------------------------------------------- faults


def test_fault_429_retry_after(sim, api):
    sim.add_fault(path=P_LIST, status=429, headers={"Retry-After": "1"})
    response = api.list()
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert api.list().status_code == 200, "times defaults to 1"
    assert sim.pending_faults() == []
    assert [r["status"] for r in sim.requests] == [429, 200]
    assert sim.requests[0]["fault"] is True


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_fault_server_errors(sim, api, status):
    sim.add_fault(path=P_CONFIGURE, method="POST", status=status, times=2)
    assert api.create().status_code == status
    assert api.create().status_code == status
    assert api.create().json()["success"] is True
    assert sim.writes == 1


def test_fault_html_page_with_200(sim, api):
    sim.add_fault(path=P_LIST, status=200, body="<html><body>Gateway login</body></html>", content_type="text/html")
    response = api.list()
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html"
    with pytest.raises(ValueError):
        response.json()


def test_fault_application_failure(sim, api):
    sim.add_fault(path=P_CONFIGURE, status=200, body={"success": False, "exception": {"detail": "Temporary database error"}})
    assert_failure(api.create(), "Temporary database error")
    assert sim.writes == 0 and sim.configs() == []


def test_fault_422(sim, api):
    sim.add_fault(path=P_CONFIGURE, status=422, body={"detail": [{"loc": ["body", "title"], "msg": "too long", "type": "value_error"}]})
    assert_422(api.create(), ["body", "title"])
    assert sim.writes == 0


def test_fault_drop(sim, api):
    sim.add_fault(path=P_CONFIGURE, drop=True)
    with pytest.raises(requests.ConnectionError):
        api.create()
    assert sim.writes == 0 and sim.configs() == []
    assert sim.requests[-1]["dropped"] is True and sim.requests[-1]["status"] is None
    assert Api(sim.base_url).create().json()["success"] is True


def test_fault_drop_reset(sim, api):
    sim.add_fault(path="*", drop="reset")
    with pytest.raises(requests.ConnectionError):
        api.list()
    assert api.list().status_code == 200


@pytest.mark.parametrize("how, error", [(True, None), ("reset", ConnectionResetError)])
def test_fault_drop_on_the_wire(sim, how, error):
    sim.add_fault(path=P_LIST, drop=how)
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
        sock.sendall(b"POST " + P_LIST.encode() + b" HTTP/1.1\r\nHost: x\r\nX-API-KEY: " + KEY.encode() + b"\r\nContent-Length: 0\r\n\r\n")
        if error is None:
            assert sock.recv(1024) == b"", "closed without a byte of answer"
        else:
            with pytest.raises(error):
                sock.recv(1024)


def test_fault_after_apply(sim, api):
    sim.one_infor_export_per_doc_type = True
    sim.add_fault(path=P_CONFIGURE, status=504, after_apply=True)
    assert api.create().status_code == 504
    assert sim.writes == 1 and len(sim.configs()) == 1
    # The retry of a create now meets the one-active rule.
    assert_failure(api.create(), "INVOICE")


def test_fault_after_apply_drop(sim, api):
    sim.add_fault(path=P_REMOVE, drop=True, after_apply=True)
    assert api.create().json()["success"]
    with pytest.raises(requests.ConnectionError):
        api.remove(1)
    assert sim.configs() == [] and sim.writes == 2


def test_fault_delay_timeout(sim, api):
    sim.add_fault(path=P_LIST, delay=3)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        api.list(timeout=0.5)
    assert time.monotonic() - started < 2.5
    # The delay holds only that request; the next one is answered at once.
    fresh = Api(sim.base_url)
    assert fresh.list(timeout=2).status_code == 200


def test_fault_delay_then_real_answer(sim, api):
    sim.add_fault(path=P_LIST, delay=0.3)
    started = time.monotonic()
    assert api.list().json()["success"] is True
    assert time.monotonic() - started >= 0.3


def test_fault_after_apply_slow_answer(sim, api):
    sim.add_fault(path=P_CONFIGURE, delay=3, after_apply=True)
    with pytest.raises(requests.Timeout):
        api.create(timeout=0.5)
    assert sim.writes == 1 and len(sim.configs()) == 1


def test_fault_matching_rules(sim, api):
    sim.add_faults(
        [
            {"path": "/configurations/download/", "method": "GET", "status": 502},
            {"path": "/configurations/*", "method": "POST", "status": 503, "times": 2},
            {"path": "*", "status": 500},
        ]
    )
    assert api.list().status_code == 503
    assert api.download(1).status_code == 502
    assert api.list().status_code == 503
    assert api.list().status_code == 500
    assert api.list().status_code == 200
    # An exact path does not match a longer one.
    sim.add_fault(path="/configurations/download/1", status=500)
    assert api.download(12).status_code == 404
    assert api.download(1).status_code == 500


def test_fault_unlimited_times_and_clear(sim, api):
    sim.add_fault(path=P_LIST, status=503, times=None)
    for _attempt in range(3):
        assert api.list().status_code == 503
    sim.clear_faults()
    assert api.list().status_code == 200


@pytest.mark.parametrize("rule", [{"bogus": 1}, {"times": 0}, {"status": 42}, {"drop": "maybe"}, {"delay": -1}, {"headers": []}, "text"])
def test_fault_rule_validation(sim, rule):
    with pytest.raises(ValueError):
        sim.add_faults([rule])
    response = requests.post(sim.base_url + "/_sim/faults", json=[rule], timeout=10)
    assert response.status_code == 400


def test_faults_over_http(sim, api):
    rules = [{"path": P_LIST, "status": 429, "headers": {"Retry-After": "2"}}, {"path": P_LIST, "status": 200, "body": "<html/>", "content_type": "text/html"}]
    response = requests.post(sim.base_url + "/_sim/faults", json=rules, timeout=10)
    assert response.json() == {"ok": True, "pending": 2}
    assert len(requests.get(sim.base_url + "/_sim/faults", timeout=10).json()["faults"]) == 2
    assert api.list().status_code == 429
    assert api.list().headers["Content-Type"] == "text/html"
    assert requests.post(sim.base_url + "/_sim/faults", json={"path": P_LIST, "status": 500, "times": 5}, timeout=10).status_code == 200
    assert requests.delete(sim.base_url + "/_sim/faults", timeout=10).json() == {"ok": True}
    assert api.list().status_code == 200


# ---------------------------------------------------------------------------- accounting and admin


def test_request_accounting_names_only(sim, api):
    assert api.create(org_id="acme", sub_org_id="3").json()["success"]
    entry = sim.requests[-1]
    assert entry["method"] == "POST" and entry["path"] == P_CONFIGURE and entry["status"] == 200 and entry["org"] == "acme"
    assert entry["fields"] == sorted(["doc_type", "export_method", "ion_api", "on_permise", "org_id", "sub_org_id", "title", "zugferd"])
    assert SECRET not in json.dumps(entry) and KEY not in json.dumps(entry)
    sim.reset_stats()
    assert sim.writes == 0 and sim.requests == []


def test_snapshot_is_deep_copy(sim, api):
    assert api.create().json()["success"]
    snap = sim.snapshot()
    config = snap["orgs"]["acme"]["configurations"][1]
    assert config["files"]["ION_API"] == json.dumps(ION_API, indent=2).encode("utf-8")
    config["title"] = "changed"
    snap["orgs"]["acme"]["configurations"].clear()
    assert sim.get_config(1)["title"] == "Infor INVOICE"
    assert snap["next_id"] == 2 and "other" in snap["orgs"]


def test_seed_rules(sim):
    assert sim.seed("acme", {"id": 10, "doc_type": "INVOICE", "files": {"ION_API": ION_API_BYTES}}) == 10
    assert sim.seed("acme", {"doc_type": "INVOICE"}) == 11, "seeding ignores the one-active rule"
    with pytest.raises(ValueError):
        sim.seed("acme", {"id": 10})
    with pytest.raises(ValueError):
        sim.seed("acme", {"files": {"NOPE": "x"}})
    assert sim.get_config(10)["files"]["ION_API"] == ION_API_BYTES


def test_admin_endpoints(sim, api):
    base = sim.base_url + "/_sim"
    seed = {
        "org": "acme",
        "configs": [
            {"doc_type": "INVOICE", "title": "seeded", "files": {"ION_API": ION_API}},
            {"doc_type": "ORDER", "files": {"ION_API": {"base64": "eyJhIjogMX0="}}},
        ],
    }
    assert requests.post(base + "/seed", json=seed, timeout=10).json() == {"ok": True, "ids": [1, 2]}
    assert requests.post(base + "/seed", json=[{"org": "new-org", "config": {"doc_type": "X"}}], timeout=10).json()["ids"] == [3]
    assert api.download(2).content == b'{"a": 1}'
    state = requests.get(base + "/state", timeout=10).json()
    rows = state["orgs"]["acme"]["configurations"]
    assert [row["id"] for row in rows] == [1, 2]
    assert json.loads(rows[0]["files"]["ION_API"]) == ION_API
    assert "new-org" in state["orgs"]
    api.list()
    stats = requests.get(base + "/stats", timeout=10).json()
    assert stats["writes"] == 0 and [r["path"] for r in stats["requests"]] == ["/configurations/download/2", P_LIST]
    assert requests.post(base + "/reset_stats", timeout=10).json() == {"ok": True}
    assert requests.get(base + "/stats", timeout=10).json() == {"writes": 0, "requests": []}
    assert requests.post(base + "/reset", timeout=10).json() == {"ok": True}
    assert api.data() == [] and sim.snapshot()["next_id"] == 1
    assert requests.get(base + "/nope", timeout=10).status_code == 404
    assert requests.get(base + "/faults", timeout=10).status_code == 200
    assert requests.put(base + "/faults", timeout=10).status_code == 405
    assert requests.post(base + "/seed", data="not json", timeout=10).status_code == 400
    assert requests.post(base + "/seed", json={"config": {}}, timeout=10).status_code == 400


def test_admin_not_subject_to_faults_nor_counted(sim):
    sim.add_fault(path="*", status=500, times=None)
    assert requests.get(sim.base_url + "/_sim/stats", timeout=10).status_code == 200
    assert sim.requests == []


def test_log_lines_have_no_secrets():
    lines = []
    with DocBitsSimulator(api_keys={KEY: "acme"}, log=lines.append) as sim:
        api = Api(sim.base_url)
        assert api.create().json()["success"]
        api.download(1)
        Api(sim.base_url, key="bad-" + KEY).list()
    assert lines == ["POST %s 200" % P_CONFIGURE, "GET /configurations/download/1 200", "POST %s 401" % P_LIST]
    assert all(KEY not in line and SECRET not in line for line in lines)


def test_concurrent_creates_one_wins(sim):
    sim.one_infor_export_per_doc_type = True
    results = []

    def worker():
        results.append(Api(sim.base_url).create().json()["success"])

    threads = [threading.Thread(target=worker) for _worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert sim.writes == 1


def test_context_manager_and_stop_idempotent():
    sim = DocBitsSimulator(api_keys={KEY: "acme"})
    with sim:
        assert Api(sim.base_url).list().status_code == 200
    sim.stop()
    with pytest.raises(requests.ConnectionError):
        requests.post(sim.base_url + P_LIST, timeout=2)


def test_stop_ends_pending_delay():
    sim = DocBitsSimulator(api_keys={KEY: "acme"})
    sim.start()
    sim.add_fault(path=P_LIST, delay=60)
    errors = []

    def slow():
        try:
            Api(sim.base_url).list(timeout=30)
        except requests.RequestException as exc:
            errors.append(exc)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    sim.stop()
    thread.join(10)
    assert time.monotonic() - started < 5 and not thread.is_alive()


# ---------------------------------------------------------------------------- TLS


def test_tls(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile, cafile = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    sim = DocBitsSimulator(api_keys={KEY: "acme"})
    base_url = sim.start(tls=(str(certfile), str(keyfile)))
    try:
        assert base_url.startswith("https://127.0.0.1:")
        api = Api(base_url, verify=str(cafile))
        assert api.create().json()["success"]
        assert json.loads(api.download(1).content) == ION_API
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(base_url + P_LIST, headers={"X-API-KEY": KEY}, timeout=10)
        # A failed handshake does not disturb the server.
        assert api.list().status_code == 200
    finally:
        sim.stop()


# ---------------------------------------------------------------------------- state file


def test_state_file_persistence(tmp_path):
    state_file = tmp_path / "state.json"
    with DocBitsSimulator(api_keys={KEY: "acme"}, state_file=str(state_file)) as sim:
        api = Api(sim.base_url)
        assert api.create().json()["success"]
        assert api.create(doc_type="ORDER").json()["success"]
        assert api.remove(1).json()["success"]
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    assert KEY not in state_file.read_text(encoding="utf-8")
    with DocBitsSimulator(api_keys={KEY: "acme"}, state_file=str(state_file)) as sim:
        api = Api(sim.base_url)
        rows = api.data()
        assert [row["id"] for row in rows] == [2] and rows[0]["doc_type"] == "ORDER"
        assert json.loads(api.download(2).content) == ION_API
        assert api.create(doc_type="INVOICE").json()["success"]
        assert [row["id"] for row in api.data()] == [2, 3]
        assert sim.writes == 1


def test_state_file_not_written_without_writes(tmp_path):
    state_file = tmp_path / "state.json"
    with DocBitsSimulator(api_keys={KEY: "acme"}, state_file=str(state_file)) as sim:
        Api(sim.base_url).list()
        assert_failure(Api(sim.base_url).create(ion_api=None), "required")
    assert not state_file.exists()


# ---------------------------------------------------------------------------- CLI


def _start_cli(tmp_path, *extra):
    port_file = tmp_path / "port"
    if port_file.exists():
        port_file.unlink()
    command = simulator_command(port_file, "--api-key", KEY + "=acme", "--api-key", OTHER_KEY + "=other", *extra)
    # pylint: disable-next=consider-using-with
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            _out, err = process.communicate()
            pytest.fail("simulator did not start: %s" % err)
        time.sleep(0.05)
    return process, int(port_file.read_text(encoding="utf-8").strip())


def _stop_cli(process, signum=signal.SIGTERM):
    process.send_signal(signum)
    try:
        _out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("simulator did not stop on signal")
    return process.returncode, err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli(tmp_path, signum):
    state_file = tmp_path / "state.json"
    process, port = _start_cli(tmp_path, "--state-file", str(state_file))
    base_url = "http://127.0.0.1:%d" % port
    try:
        api = Api(base_url)
        assert api.create().json()["success"]
        assert api.download(1).status_code == 200
        assert Api(base_url, key="wrong").list().status_code == 401
        assert requests.post(base_url + "/_sim/faults", json=[{"path": P_LIST, "status": 503}], timeout=10).status_code == 200
        assert api.list().status_code == 503
        assert requests.get(base_url + "/_sim/stats", timeout=10).json()["writes"] == 1
    finally:
        returncode, err = _stop_cli(process, signum)
    assert returncode == 0, err
    assert "POST %s 200" % P_CONFIGURE in err
    assert "GET /configurations/download/1 200" in err
    assert "POST %s 401" % P_LIST in err
    assert KEY not in err and SECRET not in err and "wrong" not in err
    assert json.loads(state_file.read_text(encoding="utf-8"))["orgs"]["acme"]["configurations"][0]["id"] == 1

    # A second run over the same state file keeps the configuration.
    process, port = _start_cli(tmp_path, "--state-file", str(state_file), "--quiet")
    try:
        assert [row["id"] for row in Api("http://127.0.0.1:%d" % port).data()] == [1]
    finally:
        returncode, err = _stop_cli(process)
    assert returncode == 0 and P_LIST not in err


def test_cli_tls_and_key_file(tmp_path):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    key_file = tmp_path / "keys"
    key_file.write_text("# key=org lines\nfile-key-123=acme\n", encoding="utf-8")
    process, port = _start_cli(tmp_path, "--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"), "--api-key-file", str(key_file))
    try:
        api = Api("https://127.0.0.1:%d" % port, key="file-key-123", verify=str(tmp_path / "ca.pem"))
        assert api.list().json() == {"success": True, "data": []}
    finally:
        returncode, err = _stop_cli(process)
    assert returncode == 0, err
    assert "file-key-123" not in err


def test_cli_rejects_bad_arguments(tmp_path):
    result = subprocess.run([sys.executable, SIMULATOR_SCRIPT, "--api-key", "no-org-given"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode != 0
    result = subprocess.run([sys.executable, SIMULATOR_SCRIPT, "--tls-cert", str(tmp_path / "c")], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode != 0


def test_port_is_loopback_only(sim):
    host = sim.base_url.split("//", 1)[1].rsplit(":", 1)[0]
    assert host == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", sim.port), timeout=5):
        pass
