# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every request the client can build, captured as really sent by a loopback recording server, is
checked against the public DocBits document kept in tests/contract/ ("DOC2 - API" 2.2.10).

Anything sent that the document does not declare fails the test, unless docbits_api.WEB_APP_ONLY
lists it (what is known from the DocBits web app only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from multipart_form import parse_form  # pylint: disable=import-error
from ansible_collections.docbits.infor.plugins.module_utils import contract
from ansible_collections.docbits.infor.plugins.module_utils.contract import BLOCKING, FILE, Operation, Part
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    OPERATIONS,
    WEB_APP_ONLY,
    DocBitsAmbiguousView,
    DocBitsAuthError,
    DocBitsClient,
)
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, start_simulator
from ansible_collections.docbits.infor.tests.support.paths import CONTRACT_DOCUMENT

DOCUMENT_PATH = CONTRACT_DOCUMENT
BASE_PATH = "/prod-api"
KEY = "conformance-key-5d1e8a"
# Headers every HTTP client adds; the contract is about the others.
STANDARD_HEADERS = frozenset(("host", "user-agent", "accept", "accept-encoding", "connection", "content-length", "content-type"))


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.requests = []
        super().__init__(("127.0.0.1", 0), RecordingHandler)


class RecordingHandler(BaseHTTPRequestHandler):
    """Records each request as it arrives (method, path, query, headers, body) and answers as DocBits does."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        self._record_and_answer()

    def do_POST(self):  # pylint: disable=invalid-name
        self._record_and_answer()

    def _record_and_answer(self):
        split = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append(
            {"method": self.command, "path": split.path, "query": urllib.parse.parse_qs(split.query), "headers": dict(self.headers.items()), "body": body}
        )
        if "/download/" in split.path:
            payload, content_type = dump(make_seeded_ionapi()), "application/octet-stream"
        elif split.path.endswith("/get_configurations"):
            payload, content_type = json.dumps({"success": True, "data": []}).encode(), "application/json"
        else:
            payload, content_type = json.dumps({"success": True, "data": {"id": 41}}).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(name="recorder")
def recorder_fixture(controlled_environment):  # pylint: disable=unused-argument
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(name="document")
def document_fixture():
    with open(DOCUMENT_PATH, encoding="utf-8") as stream:
        return json.load(stream)


def exercise(client):
    """Every operation the client can send: list, download, create, update, remove, activation, connection test."""
    ion = dump(make_seeded_ionapi())
    client.list_configurations()
    client.download_ionapi(7)
    assert client.configure_infor_export("infor-idm-cloud", "Infor IDM (TST)", "INVOICE", sub_org_id="12", ionapi_bytes=ion) == 41
    client.configure_infor_export("infor-ion-onpremise", "Renamed", "INVOICE", config_id=7)
    client.configure_infor_export("infor-idm-cloud", "Infor IDM (TST)", "INVOICE", config_id=7, ionapi_bytes=ion)
    client.remove_configuration(7)
    client.set_active(7, False)
    client.set_active(7, True)
    assert client.test_connection(7)[0] is True


def as_sent(captured):
    """A captured request as contract.py reads it: the fields, file parts, query and headers really sent."""
    assert captured["path"].startswith(BASE_PATH + "/"), "the base URL's path was not kept: %s" % captured["path"]
    content_type = captured["headers"].get("Content-Type")
    fields, files = parse_form(captured["body"], content_type) if captured["body"] else ({}, {})
    parts = dict((name, Part(values=[value])) for name, value in fields.items())
    parts.update((name, Part(FILE)) for name in files)
    query = dict((name, Part(values=values)) for name, values in captured["query"].items())
    headers = dict((name, Part(values=[value])) for name, value in captured["headers"].items() if name.lower() not in STANDARD_HEADERS)
    media_type = content_type.split(";")[0].strip().lower() if content_type else None
    path = captured["path"][len(BASE_PATH) :]
    name = next(operation.name for operation in OPERATIONS if operation.path.split("{")[0] == path[: len(operation.path.split("{")[0])])
    return Operation(name, captured["method"], path, media_type, fields=parts, query=query, headers=headers)


@pytest.mark.parametrize("org_id", ["org-42", None])
def test_every_request_the_client_sends_is_declared_or_known_from_the_web_app(recorder, document, org_id):
    client = DocBitsClient("http://127.0.0.1:%d%s" % (recorder.server_address[1], BASE_PATH), api_key=KEY, org_id=org_id, timeout=5, retries=0)
    with client:
        exercise(client)
    sent = [as_sent(captured) for captured in recorder.requests]
    assert sorted(set(request.name for request in sent)) == sorted(operation.name for operation in OPERATIONS)

    findings = contract.check(document, sent, WEB_APP_ONLY)

    blocking = [finding for finding in findings if finding.severity == BLOCKING]
    assert blocking == [], "\n".join(contract.table(blocking))
    unlisted = [finding for finding in findings if not finding.known]
    assert unlisted == [], "sent but neither declared nor in docbits_api.WEB_APP_ONLY:\n" + "\n".join(contract.table(unlisted))
    found = sorted(set((finding.operation_name, finding.item) for finding in findings))
    expected = [("configure_infor_export", "export_method"), ("configure_infor_export", "sub_org_id"), ("test_infor_connection", "operation")]
    if org_id:
        expected += [(operation.name, item) for operation in OPERATIONS if operation.name != "test_infor_connection" for item in ("header X-ORG-ID", "org_id")]
    assert found == sorted(expected)


def test_what_is_sent_is_what_the_descriptors_say(recorder):
    """The preflight checks the descriptors; they must be what the request builders really send."""
    with DocBitsClient("http://127.0.0.1:%d%s" % (recorder.server_address[1], BASE_PATH), api_key=KEY, org_id="org-42", timeout=5, retries=0) as client:
        exercise(client)
    for request in (as_sent(captured) for captured in recorder.requests):
        descriptor = next(operation for operation in OPERATIONS if operation.name == request.name)
        assert request.method == descriptor.method
        assert request.content_type == descriptor.content_type, request.name
        assert set(request.fields) <= set(descriptor.fields) and set(request.query) <= set(descriptor.query), request.name
        assert set(request.headers) <= set(descriptor.headers), (request.name, sorted(request.headers))
        for name, part in request.fields.items():
            assert (part.kind == FILE) == (descriptor.fields[name].kind == FILE), name
        assert set(name for name, part in descriptor.fields.items() if part.always) <= set(request.fields), request.name
    list_request = recorder.requests[0]
    assert list_request["headers"]["X-ORG-ID"] == "org-42" and list_request["headers"]["X-API-KEY"] == KEY


def test_without_org_id_the_list_sends_no_body(recorder):
    with DocBitsClient("http://127.0.0.1:%d" % recorder.server_address[1], api_key=KEY, timeout=5, retries=0) as client:
        client.list_configurations()
    [captured] = recorder.requests
    assert captured["path"] == "/configurations/get_configurations"
    assert captured["body"] == b"" and "Content-Type" not in captured["headers"] and "X-ORG-ID" not in captured["headers"]


# --- answers --------------------------------------------------------------------------------------


@pytest.fixture(name="sim")
def sim_fixture(controlled_environment):  # pylint: disable=unused-argument
    simulator = start_simulator(api_keys={KEY: "acme"})
    yield simulator
    simulator.stop()


def test_a_refused_key_is_wrong_expired_or_revoked(sim):
    with DocBitsClient(sim.base_url, api_key="not-" + KEY, timeout=5, retries=0, environment="acme-tst") as client:
        with pytest.raises(DocBitsAuthError) as refused:
            client.list_configurations()
    message = str(refused.value)
    assert "the key is wrong, expired or revoked" in message and "check api_key" in message and "acme-tst" in message
    assert "not-" + KEY not in message and "docbits_api_key" not in message


def test_list_answers_with_other_methods_and_fields_are_tolerated(sim):
    answer = {
        "success": True,
        "data": [
            {
                "id": 3,
                "title": "IDM",
                "doc_type": "INVOICE",
                "export_method": "infor-idm-cloud",
                "is_active": True,
                "execution_order": 2,
                "created_at": "2025-01-02T03:04:05+00:00",
            },
            {"id": "4", "title": "text flag", "doc_type": "INVOICE", "export_method": "infor-ion-cloud", "is_active": "false"},
            {"id": 5, "export_method": "infor_sftp", "unknown_field": {"nested": [1]}},
            {"id": 6, "export_method": "watcher"},
            {"id": 7, "export_method": "vertex", "is_active": None},
            {"id": 8, "export_method": "infor-gls840-onpremise"},
        ],
        "paging": {"next": None},
        "total": 6,
    }
    sim.add_fault(path="/configurations/get_configurations", status=200, body=answer, times=2)
    with DocBitsClient(sim.base_url, api_key=KEY, timeout=5, retries=0) as client:
        listed = client.list_configurations()
        infor = client.list_infor_exports()
    assert [config.id for config in listed] == [3, 4, 5, 6, 7, 8]
    assert [(config.id, config.export_method, config.is_active) for config in infor] == [(3, "infor-idm-cloud", True), (4, "infor-ion-cloud", False)]
    assert infor[0].created_at == "2025-01-02T03:04:05+00:00" and infor[1].created_at is None
    assert infor[0].settings() == {"execution_order": 2, "is_active": True}


INFOR_ITEM = {"title": "IDM", "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "is_active": True}


@pytest.mark.parametrize(
    "answer, problem",
    [
        ({"data": [dict(INFOR_ITEM, id=3), dict(INFOR_ITEM, id=3)]}, "configuration 3 is listed twice (as 3 and 3)"),
        ({"data": [dict(INFOR_ITEM, id=3), dict(INFOR_ITEM, id="3")]}, "configuration 3 is listed twice (as 3 and '3')"),
        ({"data": [dict(INFOR_ITEM, id=3), dict(INFOR_ITEM, id=" 3")]}, "listed twice"),
        ({"data": [dict(INFOR_ITEM, id=3), {"title": "no id"}]}, "item 2 has no id (None)"),
        ({"data": [dict(INFOR_ITEM, id="not a number")]}, "item 1 has no id ('not a number')"),
        ({"data": [dict(INFOR_ITEM, id=True)]}, "item 1 has no id (True)"),
        ({"data": ["not an object"]}, "item 1 has no id (str)"),
        ({"data": [dict(INFOR_ITEM, id=3)], "total": 2}, "it says total 2 but holds 1 item(s)"),
        ({"data": [dict(INFOR_ITEM, id=3)], "count": 5}, "it says count 5"),
        ({"data": [dict(INFOR_ITEM, id=3)], "next": "/configurations/get_configurations?skip=1"}, "it says there is more (next)"),
        ({"data": [dict(INFOR_ITEM, id=3)], "has_more": True}, "it says there is more (has_more)"),
        ({"data": [dict(INFOR_ITEM, id=3)], "meta": {"page": 1, "pages": 2}}, "it is page 1 of 2"),
        ({"data": [dict(INFOR_ITEM, id=3)], "pagination": {"total": 40}}, "it says total 40"),
    ],
)
def test_a_list_that_could_show_the_organisation_wrong_is_refused(sim, answer, problem):
    sim.add_fault(path="/configurations/get_configurations", status=200, body=dict(answer, success=True), times=1)
    with DocBitsClient(sim.base_url, api_key=KEY, timeout=5, retries=0) as client:
        with pytest.raises(DocBitsAmbiguousView) as caught:
            client.list_configurations()
    assert problem in str(caught.value) and "nothing was written or removed" in str(caught.value)


def test_a_download_that_contradicts_the_list_or_is_an_api_answer_is_refused(sim):
    config_id = sim.seed("acme", {"title": "T", "files": {"ION_API": b'{"ti": "ACME_TST"}'}})
    bare = sim.seed("acme", {"title": "B"})
    with DocBitsClient(sim.base_url, api_key=KEY, timeout=5, retries=0) as client:
        listed = dict((config.id, config) for config in client.list_configurations())
        assert client.download_listed_file(listed[config_id]) and client.download_listed_file(listed[bare]) is None
        sim.add_fault(path="/configurations/download/%d" % bare, status=200, body=b'{"ti": "ACME_PRD"}', times=1)
        with pytest.raises(DocBitsAmbiguousView, match="lists configuration %d without an ION API file, but its download returns one" % bare):
            client.download_listed_file(listed[bare])
        sim.add_fault(path="/configurations/download/%d" % config_id, status=200, body={"success": False, "message": "Not found"}, times=1)
        with pytest.raises(DocBitsAmbiguousView, match="one of its own JSON answers, not a stored file"):
            client.download_ionapi(config_id)


def test_org_id_travels_as_header_and_field(sim):
    with DocBitsClient(sim.base_url, api_key=KEY, org_id="acme", timeout=5, retries=0) as client:
        client.list_configurations()
        client.download_ionapi(1)
    listing, download = sim.requests
    assert listing["fields"] == ["org_id"] and download["query"] == ["org_id", "type"]
    with DocBitsClient(sim.base_url, api_key=KEY, org_id="globex", timeout=5, retries=0) as client:
        with pytest.raises(DocBitsAuthError, match="no rights on this organisation.*check org_id"):
            client.list_configurations()
