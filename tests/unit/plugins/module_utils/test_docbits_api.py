# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DocBitsClient against the DocBits simulator over real HTTP on 127.0.0.1."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    PATH_CONFIGURE,
    PATH_DOWNLOAD,
    PATH_LIST,
    PATH_REMOVE,
    PATH_TEST_CONNECTION,
    DOWNLOAD_ANSWER_CAP,
    AnswerJudge,
    DocBitsAmbiguousView,
    DocBitsAuthError,
    DocBitsClient,
    DocBitsError,
    DocBitsNotFound,
    DocBitsTransientError,
    DocBitsUnexpectedAnswer,
    ExportConfig,
    client_from_params,
)
from ansible_collections.docbits.infor.plugins.module_utils.arguments import CONNECTION_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError
from ansible_collections.docbits.infor.plugins.module_utils.transport import RETRY_POLICY, Answer, RetryPolicy, Transport
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, secret_values, start_simulator

KEY = "sim-key-0123456789abcdef"
OTHER_KEY = "sim-key-other-organisation"
ORG = "acme"
ION = make_seeded_ionapi()
ION_BYTES = dump(ION)


@pytest.fixture
def sim():
    simulator = start_simulator(api_keys={KEY: ORG, OTHER_KEY: "globex"})
    yield simulator
    simulator.stop()


# The policy's statuses and caps, without its pauses: retry tests need not sleep.
NO_WAIT = RetryPolicy(statuses=RETRY_POLICY.statuses, backoff_factor=0, backoff_max=0, jitter=0, retry_after_cap=0)


def make_client(simulator, **kwargs):
    kwargs.setdefault("retry_policy", NO_WAIT)
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("timeout", 5)
    kwargs.setdefault("retries", 3)
    kwargs.setdefault("environment", "acme_tst")
    return DocBitsClient(simulator.base_url, **kwargs)


@pytest.fixture
def client(sim):
    docbits = make_client(sim)
    yield docbits
    docbits.close()


def calls(simulator, path, method="POST"):
    return [request for request in simulator.requests if request["path"] == path and request["method"] == method]


def seed_infor(simulator, **config):
    config.setdefault("title", "DocBits_TST")
    config.setdefault("doc_type", "INVOICE")
    config.setdefault("export_method", "infor-idm-cloud")
    config.setdefault("files", {"ION_API": ION_BYTES})
    return simulator.seed(ORG, config)


# --- operations ----------------------------------------------------------------------------------


def test_list_empty(sim, client):
    assert client.list_configurations() == []
    assert [(request["auth"], request["org"]) for request in sim.requests] == [("api_key", ORG)]


def test_list_reads_the_contract_fields_and_ignores_the_rest(sim, client):
    infor_id = seed_infor(sim, sub_org_id=7, is_active=False, export_url="https://hooks.example.com")
    other_id = sim.seed(ORG, {"title": "Mail", "doc_type": "INVOICE", "export_method": "email"})
    sim.seed("globex", {"title": "Not ours", "export_method": "infor-ion-cloud"})
    configs = client.list_configurations()
    assert [config.id for config in configs] == [infor_id, other_id]
    infor = configs[0]
    assert infor.as_dict() == {
        "id": infor_id,
        "title": "DocBits_TST",
        "doc_type": "INVOICE",
        "export_method": "infor-idm-cloud",
        "sub_org_id": "7",
        "is_active": False,
    }
    assert infor.is_infor_export is True
    assert configs[1].is_infor_export is False
    assert [config.id for config in client.list_infor_exports()] == [infor_id]


def test_download(sim, client):
    with_file = seed_infor(sim)
    without_file = seed_infor(sim, doc_type="ORDER", files={})
    assert client.download_ionapi(with_file) == ION_BYTES
    assert client.download_ionapi(str(with_file)) == ION_BYTES
    assert client.download_ionapi(without_file) is None
    assert client.download_ionapi(9999) is None
    download = calls(sim, PATH_DOWNLOAD.format(config_id=with_file), "GET")[0]
    assert download["query"] == ["type"] and download["status"] == 200


def test_configure_create(sim, client):
    config_id = client.configure_infor_export("infor-idm-cloud", "DocBits_TST", "INVOICE", ionapi_bytes=ION_BYTES)
    [config] = sim.configs(ORG)
    assert config_id == config["id"]
    assert (config["title"], config["doc_type"], config["export_method"], config["sub_org_id"]) == ("DocBits_TST", "INVOICE", "infor-idm-cloud", None)
    assert (config["on_permise"], config["zugferd"]) == (False, False)
    assert json.loads(config["files"]["ION_API"]) == ION
    [request] = calls(sim, PATH_CONFIGURE)
    assert request["files"] == ["ion_api"]
    assert request["fields"] == ["doc_type", "export_method", "ion_api", "on_permise", "title", "zugferd"]
    assert sim.writes == 1


def test_configure_create_on_premises_in_a_sub_org(sim, client):
    client.configure_infor_export("infor-ion-onpremise", "On prem", "ORDER", sub_org_id="12", ionapi_bytes=ION_BYTES)
    [config] = sim.configs(ORG)
    assert config["on_permise"] is True
    assert str(config["sub_org_id"]) == "12"
    assert client.list_infor_exports()[0].sub_org_id == "12"


def test_configure_update_without_file_keeps_the_stored_file(sim, client):
    config_id = seed_infor(sim)
    client.configure_infor_export("infor-ion-cloud", "Renamed", "INVOICE", config_id=config_id)
    config = sim.get_config(config_id)
    assert (config["title"], config["export_method"]) == ("Renamed", "infor-ion-cloud")
    assert config["files"]["ION_API"] == ION_BYTES
    [request] = calls(sim, PATH_CONFIGURE)
    assert request["files"] == [] and "config_id" in request["fields"]
    assert len(sim.configs(ORG)) == 1


def test_configure_update_with_file(sim, client):
    config_id = seed_infor(sim)
    rotated = make_seeded_ionapi(seed="rotated")
    client.configure_infor_export("infor-idm-cloud", "DocBits_TST", "INVOICE", config_id=config_id, ionapi_bytes=dump(rotated))
    assert json.loads(sim.get_config(config_id)["files"]["ION_API"]) == rotated
    assert calls(sim, PATH_CONFIGURE)[0]["files"] == ["ion_api"]


def test_org_id_is_sent_on_every_call_when_set(sim):
    with make_client(sim, org_id=ORG) as docbits:
        docbits.configure_infor_export("infor-idm-cloud", "T", "INVOICE", ionapi_bytes=ION_BYTES)
        [config] = docbits.list_configurations()
        assert docbits.download_ionapi(config.id) == ION_BYTES
        assert docbits.test_connection(config.id)[0] is True
        docbits.remove_configuration(config.id)
    assert len(sim.requests) == 5
    for request in sim.requests:
        assert "org_id" in (request["query"] if request["method"] == "GET" else request["fields"]), request


def test_org_id_is_not_sent_when_unset(sim, client):
    client.list_configurations()
    assert "org_id" not in sim.requests[0]["fields"]


def test_remove(sim, client):
    config_id = seed_infor(sim)
    assert client.remove_configuration(config_id)["success"] is True
    assert sim.configs(ORG) == []
    with pytest.raises(DocBitsError) as info:
        client.remove_configuration(config_id)
    assert "Configuration not found" in str(info.value)
    assert [request["path"] for request in sim.requests] == [PATH_REMOVE, PATH_REMOVE]


def test_test_connection(sim, client):
    good = seed_infor(sim)
    dead = seed_infor(sim, doc_type="ORDER", connection_ok=False)
    ok, message = client.test_connection(good)
    assert ok is True and message == "Connection OK"
    ok, message = client.test_connection(dead)
    assert ok is False and "rejected" in message
    ok, message = client.test_connection(9999)
    assert ok is False and "not found" in message


def test_bearer_token(sim):
    sim.add_bearer_token("bearer-t0ken", ORG)
    with make_client(sim, api_key=None, bearer_token="bearer-t0ken") as docbits:
        assert docbits.list_configurations() == []
    assert sim.requests[0]["auth"] == "bearer" and sim.requests[0]["org"] == ORG


# --- refusals ------------------------------------------------------------------------------------


def test_bad_key_is_an_auth_error_without_the_key(sim):
    with make_client(sim, api_key="wrong-key-5ecret-value") as docbits, pytest.raises(DocBitsAuthError) as info:
        docbits.list_configurations()
    message = str(info.value)
    assert info.value.status == 401
    assert "wrong-key-5ecret-value" not in message and "5ecret" not in message
    assert "acme_tst" in message and "api_key" in message
    assert len(sim.requests) == 1


def test_key_of_another_organisation_is_forbidden(sim):
    with make_client(sim, org_id=ORG, api_key=OTHER_KEY) as docbits, pytest.raises(DocBitsAuthError) as info:
        docbits.list_configurations()
    assert info.value.status == 403
    assert "org_id" in str(info.value) and OTHER_KEY not in str(info.value)
    assert len(sim.requests) == 1


def test_422_names_the_field(sim, client):
    with pytest.raises(DocBitsError) as info:
        client.configure_infor_export("infor-nonsense", "T", "INVOICE", config_id=1, ionapi_bytes=ION_BYTES)
    assert info.value.status == 422
    assert "export_method" in str(info.value)
    assert "body." not in str(info.value)
    assert not isinstance(info.value, DocBitsTransientError)
    assert len(sim.requests) == 1


def test_422_from_the_wire_lists_every_field(sim, client):
    sim.add_fault(
        path=PATH_LIST,
        status=422,
        body={
            "detail": [
                {"loc": ["body", "org_id"], "msg": "bad org", "type": "value_error"},
                {"loc": ["query", "type"], "msg": "bad type", "type": "value_error"},
            ]
        },
    )
    with pytest.raises(DocBitsError) as info:
        client.list_configurations()
    assert "org_id: bad org" in str(info.value) and "query.type: bad type" in str(info.value)


def test_success_false_carries_the_detail(sim, client):
    sim.one_infor_export_per_doc_type = True
    seed_infor(sim)
    with pytest.raises(DocBitsError) as info:
        client.configure_infor_export("infor-idm-cloud", "Second", "INVOICE", ionapi_bytes=ION_BYTES)
    assert "An active Infor export configuration already exists" in str(info.value)
    assert info.value.status == 200
    assert len(sim.configs(ORG)) == 1


@pytest.mark.parametrize("body", [{"success": False, "message": "told by message"}, {"success": False, "detail": "told by detail"}], ids=["message", "detail"])
def test_success_false_with_other_reason_keys(sim, client, body):
    sim.add_fault(path=PATH_LIST, status=200, body=body)
    with pytest.raises(DocBitsError) as info:
        client.list_configurations()
    assert "told by" in str(info.value)


def test_html_answer_is_not_the_json_expected(sim, client):
    sim.add_fault(
        path=PATH_LIST, status=200, content_type="text/html", body="<html><head><title>Welcome</title></head><body><h1>Welcome to nginx!</h1></body></html>"
    )
    with pytest.raises(DocBitsError) as info:
        client.list_configurations()
    message = str(info.value)
    assert "not the JSON expected" in message
    assert "Welcome to nginx!" in message and "<h1>" not in message


@pytest.mark.parametrize("body", ["[]", '{"success": true}', '{"success": true, "data": {"id": 1}}'], ids=["array", "no-data", "data-object"])
def test_list_answer_without_a_data_list_is_refused(sim, client, body):
    sim.add_fault(path=PATH_LIST, status=200, body=body)
    with pytest.raises(DocBitsError):
        client.list_configurations()


def test_error_excerpts_are_short_and_redacted(sim):
    sim.add_fault(path=PATH_LIST, status=500, times=None, body="proxy echo: X-API-KEY=%s cs=%s %s" % (KEY, ION["cs"], "x" * 500))
    with make_client(sim, retries=0) as docbits:
        docbits.add_secrets(secret_values(ION))
        with pytest.raises(DocBitsTransientError) as info:
            docbits.list_configurations()
    message = str(info.value)
    assert KEY not in message and ION["cs"] not in message
    assert "<redacted>" in message
    assert len(message) < 400


# --- retries ---------------------------------------------------------------------------------------


def test_503_twice_then_ok_is_retried(sim, client):
    sim.add_fault(path=PATH_LIST, status=503, times=2)
    assert client.list_configurations() == []
    assert [request["status"] for request in calls(sim, PATH_LIST)] == [503, 503, 200]


def test_429_with_retry_after_is_retried(sim, client):
    sim.add_fault(path=PATH_LIST, status=429, headers={"Retry-After": "0"})
    assert client.list_configurations() == []
    assert [request["status"] for request in calls(sim, PATH_LIST)] == [429, 200]


def test_persistent_500_is_a_transient_error(sim):
    sim.add_fault(path=PATH_LIST, status=500, times=None)
    with make_client(sim, retries=2) as docbits, pytest.raises(DocBitsTransientError) as info:
        docbits.list_configurations()
    assert info.value.status == 500 and "HTTP 500" in str(info.value)
    assert len(calls(sim, PATH_LIST)) == 3


@pytest.mark.parametrize("status", [400, 404, 405, 409])
def test_final_4xx_is_not_retried(sim, client, status):
    sim.add_fault(path=PATH_LIST, status=status, times=None, body={"detail": "refused here"})
    with pytest.raises(DocBitsError) as info:
        client.list_configurations()
    assert not isinstance(info.value, DocBitsTransientError)
    assert info.value.status == status
    assert len(sim.requests) == 1


def test_create_is_not_retried_on_503(sim, client):
    sim.add_fault(path=PATH_CONFIGURE, status=503, times=None)
    with pytest.raises(DocBitsTransientError):
        client.configure_infor_export("infor-idm-cloud", "T", "INVOICE", ionapi_bytes=ION_BYTES)
    assert len(calls(sim, PATH_CONFIGURE)) == 1
    assert sim.configs(ORG) == [] and sim.writes == 0


def test_create_is_not_retried_on_a_dropped_connection(sim, client):
    sim.add_fault(path=PATH_CONFIGURE, drop="reset", times=None)
    with pytest.raises(DocBitsTransientError):
        client.configure_infor_export("infor-idm-cloud", "T", "INVOICE", ionapi_bytes=ION_BYTES)
    assert len(calls(sim, PATH_CONFIGURE)) == 1


def test_update_is_retried_on_503(sim, client):
    config_id = seed_infor(sim)
    sim.add_fault(path=PATH_CONFIGURE, status=503, times=1)
    client.configure_infor_export("infor-idm-cloud", "Renamed", "INVOICE", config_id=config_id)
    assert [request["status"] for request in calls(sim, PATH_CONFIGURE)] == [503, 200]
    assert sim.get_config(config_id)["title"] == "Renamed"


def test_dropped_connection_is_retried(sim, client):
    sim.add_fault(path=PATH_LIST, drop="reset", times=1)
    assert client.list_configurations() == []
    assert len(calls(sim, PATH_LIST)) == 2


def test_dropped_connection_without_retries_is_transient(sim):
    sim.add_fault(path=PATH_LIST, drop=True, times=None)
    with make_client(sim, retries=0) as docbits, pytest.raises(DocBitsTransientError) as info:
        docbits.list_configurations()
    assert "did not answer" in str(info.value) and "acme_tst" in str(info.value)


def test_timeout_is_transient(sim):
    sim.add_fault(path=PATH_LIST, delay=5, times=1)
    with make_client(sim, retries=0, timeout=0.3) as docbits, pytest.raises(DocBitsTransientError):
        docbits.list_configurations()


def test_nothing_listening_is_transient(sim):
    base_url = sim.base_url
    sim.stop()
    with DocBitsClient(base_url, api_key=KEY, retries=0, timeout=2) as docbits, pytest.raises(DocBitsTransientError) as info:
        docbits.list_configurations()
    assert KEY not in str(info.value)


def test_test_connection_failure_message_hides_the_file_secrets(sim, client):
    """DocBits may echo its token request (form-encoded: '#' in saak becomes %23) in the failure message."""
    from urllib.parse import urlencode  # pylint: disable=import-outside-toplevel

    config_id = seed_infor(sim)
    client.add_secrets(secret_values(ION))
    echoed = urlencode({"grant_type": "password", "username": ION["saak"], "password": ION["sask"]})
    sim.add_fault(path=PATH_TEST_CONNECTION, status=200, body={"success": False, "message": "token request failed: " + echoed})
    ok, message = client.test_connection(config_id)
    assert ok is False and "token request failed" in message
    assert ION["sask"] not in message
    assert ION["saak"].split("#", 1)[1] not in message


# --- hostile answers -------------------------------------------------------------------------------

LOGIN_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form><input type=password></form></body></html>"


@pytest.mark.parametrize(
    "fault, what",
    [
        (dict(content_type="text/html", body=LOGIN_PAGE), "an HTML page"),
        (dict(content_type="image/png", body="PNG"), "an answer of type image/png"),
        (dict(content_type="application/octet-stream", body=LOGIN_PAGE), "an HTML page"),
    ],
    ids=["login-page", "foreign-type", "html-without-attachment"],
)
def test_a_download_that_is_a_page_is_not_a_stored_file(sim, client, fault, what):
    config_id = seed_infor(sim)
    sim.add_fault(path=PATH_DOWNLOAD.format(config_id=config_id), status=200, **fault)
    with pytest.raises(DocBitsUnexpectedAnswer) as info:
        client.download_ionapi(config_id)
    message = str(info.value)
    assert what in message and "a proxy in between?" in message and "acme_tst" in message, message
    assert "<form" not in message


def test_a_broken_file_that_docbits_serves_as_a_file_is_returned(sim, client):
    """Not JSON, but DocBits' own file answer: the reconciler replaces it (with a warning)."""
    config_id = seed_infor(sim, files={"ION_API": b"<html>an HTML page someone uploaded as the file</html>"})
    assert client.download_ionapi(config_id) == b"<html>an HTML page someone uploaded as the file</html>"


def test_an_oversized_download_is_refused(sim, client):
    config_id = seed_infor(sim)
    sim.add_fault(
        path=PATH_DOWNLOAD.format(config_id=config_id), status=200, content_type="application/octet-stream", body="{" + " " * (DOWNLOAD_ANSWER_CAP + 1) + "}"
    )
    with pytest.raises(DocBitsUnexpectedAnswer) as info:
        client.download_ionapi(config_id)
    assert "more than 64 KiB" in str(info.value) and "proxy" in str(info.value)


def test_a_list_that_is_a_login_page_is_an_unexpected_answer(sim, client):
    sim.add_fault(path=PATH_LIST, status=200, content_type="text/html", body=LOGIN_PAGE)
    with pytest.raises(DocBitsUnexpectedAnswer) as info:
        client.list_configurations()
    assert "proxy" in str(info.value) and "Sign in" in str(info.value)


def test_a_login_page_answering_the_connection_test_is_no_answer_not_a_no(sim, client):
    config_id = seed_infor(sim)
    sim.add_fault(path=PATH_TEST_CONNECTION, status=200, content_type="text/html", body=LOGIN_PAGE)
    with pytest.raises(DocBitsUnexpectedAnswer):
        client.test_connection(config_id)


def test_a_redirect_names_the_endpoint_and_the_origin_only(sim, client):
    sim.add_fault(path=PATH_LIST, status=307, headers={"Location": "https://collector.example.net:8443/grab?key=" + KEY}, body="")
    with pytest.raises(DocBitsUnexpectedAnswer) as info:
        client.list_configurations()
    message = str(info.value)
    assert "POST %s" % PATH_LIST in message and "HTTP 307" in message and "https://collector.example.net:8443" in message
    assert "set docbits_url to the final address" in message
    assert "grab" not in message and KEY not in message
    assert len(sim.requests) == 1


def test_wait_before_retry_follows_the_policy(sim, monkeypatch):
    client = make_client(sim, retry_policy=RETRY_POLICY)
    slept = []
    monkeypatch.setattr("time.sleep", slept.append)
    client.wait_before_retry(2, DocBitsTransientError("x"))
    client.wait_before_retry(0, DocBitsTransientError("x", retry_after=600))
    assert RETRY_POLICY.backoff(2) <= slept[0] <= RETRY_POLICY.backoff(2) + RETRY_POLICY.jitter
    assert RETRY_POLICY.retry_after_cap <= slept[1] <= RETRY_POLICY.retry_after_cap + RETRY_POLICY.jitter


def test_the_client_is_a_context_manager(sim):
    with make_client(sim) as docbits:
        assert docbits.list_configurations() == []


# --- the answer rules, on answers built here (no HTTP) -----------------------------------------------

WHERE = " for environment 'acme_tst'"
ANSWER_SECRET = "answer-secret-0123456789"
ENDPOINT = "GET /configurations/download/7"


@pytest.fixture
def judge():
    """The judge as the client builds it: its `where` text and the transport's excerpt."""
    transport = Transport(secrets=(ANSWER_SECRET,))
    yield AnswerJudge(WHERE, transport.excerpt)
    transport.close()


def answer(status=200, body=b"", content_type="application/json", **headers):
    content = json.dumps(body).encode() if isinstance(body, (dict, list)) else body if isinstance(body, bytes) else body.encode()
    return Answer(status, dict(headers, **{"Content-Type": content_type}), content)


@pytest.mark.parametrize(
    "status, body, headers, error, words",
    [
        (400, {"detail": "Invalid key"}, {}, DocBitsAuthError, "DocBits refused the API key for environment 'acme_tst' (HTTP 400 at %s)" % ENDPOINT),
        (403, "", {}, DocBitsAuthError, "no rights on this organisation for environment 'acme_tst' (HTTP 403 at %s); check org_id" % ENDPOINT),
        (404, "", {}, DocBitsNotFound, "not found for environment 'acme_tst' (HTTP 404 at %s)" % ENDPOINT),
        (422, {"detail": [{"loc": ["body", "title"], "msg": "field required"}]}, {}, DocBitsError, "refused field(s) title: field required for"),
        (422, "<html>gateway</html>", {}, DocBitsError, "refused field(s) (unreadable answer: gateway) for"),
        (429, "slow down", {"Retry-After": "7"}, DocBitsTransientError, "DocBits answered HTTP 429 for environment 'acme_tst' at %s: slow down" % ENDPOINT),
        (400, "bad request", {}, DocBitsError, "DocBits answered HTTP 400 for environment 'acme_tst' at %s: bad request" % ENDPOINT),
    ],
    ids=["invalid-key-text", "403", "404", "422-fields", "422-unreadable", "429-transient", "400-final"],
)
def test_each_refusing_status_is_its_error_naming_environment_and_endpoint(judge, status, body, headers, error, words):
    with pytest.raises(error) as info:
        judge.fail_on_status(answer(status, body, **headers), ENDPOINT)
    assert info.type is error and words in str(info.value), str(info.value)
    assert (info.value.endpoint, info.value.status) == (ENDPOINT, status)
    assert getattr(info.value, "retry_after", None) == (7 if status == 429 else None)


def test_an_answer_below_400_is_no_refusal(judge):
    assert judge.fail_on_status(answer(302, "Invalid key"), ENDPOINT) is None


@pytest.mark.parametrize(
    "body, error, words",
    [
        ([{"id": 1}], DocBitsUnexpectedAnswer, "with HTTP 200 but not the JSON expected (wrong URL or a proxy?)"),
        (
            {"success": False, "exception": {"detail": "first"}, "message": "second"},
            DocBitsError,
            "DocBits refused the request%s at %s: first" % (WHERE, ENDPOINT),
        ),
        ({"success": False, "exception": "text", "detail": "third"}, DocBitsError, "refused the request%s at %s: third" % (WHERE, ENDPOINT)),
        ({"success": False}, DocBitsError, ": no reason given"),
    ],
    ids=["not-an-object", "exception-detail-first", "detail-last", "no-reason"],
)
def test_a_json_answer_is_an_object_that_does_not_say_it_failed(judge, body, error, words):
    with pytest.raises(error) as info:
        judge.json_body(answer(200, body), ENDPOINT)
    assert words in str(info.value), str(info.value)
    assert judge.json_body(answer(200, {"success": True, "data": []}), ENDPOINT) == {"success": True, "data": []}


@pytest.mark.parametrize(
    "served, expected",
    [
        (answer(404, {"detail": "Not Found"}), None),
        (answer(200, b"", "application/octet-stream"), None),
        (answer(200, b"<xml>stored as a file</xml>", "application/octet-stream", **{"Content-Disposition": "attachment"}), b"<xml>stored as a file</xml>"),
        (answer(200, {"detail": "x", "ti": "ACME_TST"}), b'{"detail": "x", "ti": "ACME_TST"}'),
    ],
    ids=["404-no-file", "empty-no-file", "markup-as-attachment", "detail-among-other-fields"],
)
def test_a_download_is_the_stored_bytes_or_none(judge, served, expected):
    assert judge.stored_file(served, ENDPOINT) == expected


@pytest.mark.parametrize(
    "served, error, words",
    [
        (
            answer(200, b"\xef\xbb\xbf\n<html>login</html>", "application/octet-stream"),
            DocBitsUnexpectedAnswer,
            "with HTTP 200 and an HTML page, not a stored file",
        ),
        (answer(200, {"detail": "Not Found"}), DocBitsAmbiguousView, "with one of its own JSON answers, not a stored file"),
        (answer(200, {"success": True, "key": ANSWER_SECRET}), DocBitsAmbiguousView, "with one of its own JSON answers, not a stored file"),
    ],
    ids=["bom-markup-not-attached", "detail-envelope", "success-envelope"],
)
def test_a_download_that_is_no_stored_file_is_refused_without_secrets(judge, served, error, words):
    with pytest.raises(error) as info:
        judge.stored_file(served, ENDPOINT)
    assert info.type is error and ("DocBits answered%s at %s " % (WHERE, ENDPOINT) + words) in str(info.value), str(info.value)
    assert ANSWER_SECRET not in str(info.value)


@pytest.mark.parametrize("flag, data", [(None, b"{}"), (None, None), (True, b"{}"), (False, None)])
def test_a_download_that_agrees_with_the_list_or_a_list_that_does_not_say_is_accepted(judge, flag, data):
    judge.check_listed_file(ExportConfig.from_api({"id": 7, "infor_ion_api": flag}), data)


def test_a_download_that_contradicts_the_list_names_both(judge):
    with pytest.raises(DocBitsAmbiguousView) as info:
        judge.check_listed_file(ExportConfig.from_api({"id": 7, "infor_ion_api": "true"}), None)
    assert str(info.value) == (
        "DocBits for environment 'acme_tst' lists configuration 7 with an ION API file, but its download has none: "
        "the download is not the file of that configuration, so nothing was written"
    )
    assert info.value.endpoint == ENDPOINT


def test_the_list_rules_read_the_data_list_whole(judge):
    items = [{"id": 1}, {"id": "2"}]
    assert judge.listed_items({"data": items, "total": 2, "next": None}) is items
    with pytest.raises(DocBitsError, match="answered for environment 'acme_tst' at POST %s without a 'data' list" % PATH_LIST):
        judge.listed_items({"data": {"id": 1}})
    # One problem is named: a page of more before an id listed twice.
    with pytest.raises(DocBitsAmbiguousView, match=r"list of configurations for environment 'acme_tst' cannot be trusted: it says there is more \(has_more\);"):
        judge.listed_items({"data": items + [{"id": 1}], "total": 3, "paging": {"has_more": True}})
    with pytest.raises(DocBitsAmbiguousView, match=r"cannot be trusted: configuration 1 is listed twice \(as 1 and 1\);"):
        judge.listed_items({"data": items + [{"id": 1}], "total": 3})


def test_an_openapi_answer_must_be_a_readable_document(judge):
    with pytest.raises(DocBitsError, match="at GET /openapi.json with JSON that is not an OpenAPI document"):
        judge.openapi_document({"success": True})


# --- options checked before any request --------------------------------------------------------------


def connection_options(**overrides):
    options = dict((name, spec.get("default")) for name, spec in CONNECTION_SPEC.items())
    options["api_key"] = KEY
    options.update(overrides)
    return options


@pytest.mark.parametrize(
    "overrides, expected",
    [
        (dict(api_key=KEY + "\n"), "api_key ends with a line break"),
        (dict(api_key=KEY[:8] + "\r\n" + KEY[8:]), "api_key contains whitespace"),
        (dict(api_key=KEY[:8] + " " + KEY[8:]), "api_key contains whitespace"),
        (dict(api_key="Bearer " + KEY), "paste the key alone"),
        (dict(api_key=None, bearer_token="Bearer " + KEY), "bearer_token starts with 'Bearer '"),
        (dict(docbits_url="https://api.docbits.com\r\n"), "docbits_url must not contain whitespace or control characters"),
        (dict(docbits_url="http://api.docbits.example.com"), "clear text"),
        (dict(org_id="acme\r\nX-Other: 1"), "org_id contains whitespace"),
    ],
    ids=["key-newline", "key-crlf", "key-space", "key-bearer", "token-bearer", "url-crlf", "url-http-remote", "org-crlf"],
)
def test_bad_connection_options_fail_before_any_request(sim, overrides, expected):
    with pytest.raises(OptionError) as info:
        client_from_params(connection_options(**overrides))
    assert expected in str(info.value), str(info.value)
    assert KEY[:16] not in str(info.value)
    assert sim.requests == []
