# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token check against the Infor authorization-server simulator over HTTPS (a CA made here)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import time

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.infor_token import TokenCheckError, check_token, token_claims
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import parse_ionapi
from ansible_collections.docbits.infor.tests.support.hostile_servers import MB, HostileFront, RecordingOrigin
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, start_auth_simulator

SOURCE = "files/acme_tst.ionapi"


pytestmark = pytest.mark.usefixtures("controlled_environment")


class Setup:
    """A started auth simulator and a good file pointing at it."""

    def __init__(self, pki, client_auth="both", tenant="ACME_TST"):
        self.pki = pki
        self.auth = start_auth_simulator(pki)
        self.credentials = make_seeded_ionapi(tenant, pu=self.auth.pu(tenant))
        self.auth.register(self.credentials, client_auth=client_auth)

    def check(self, credentials=None, **options):
        options.setdefault("ca_path", self.pki.ca)
        ionapi = parse_ionapi(dump(credentials or self.credentials), source=SOURCE)
        return check_token(ionapi, source=SOURCE, **options)

    def failure(self, credentials=None, **options):
        with pytest.raises(TokenCheckError) as caught:
            self.check(credentials, **options)
        message = str(caught.value)
        secrets = [self.credentials[key] for key in ("cs", "saak", "sask")] + self.auth.issued
        assert not [secret for secret in secrets if secret in message], message
        assert message.startswith(SOURCE + ": ")
        return message


@pytest.fixture
def setup(pki):
    made = Setup(pki)
    yield made
    made.auth.stop()


@pytest.mark.parametrize("client_auth", ["body", "basic", "both"])
def test_a_working_file_gets_a_token_that_is_then_revoked(pki, client_auth):
    made = Setup(pki, client_auth=client_auth)
    try:
        result = made.check()
    finally:
        made.auth.stop()
    assert result["client_auth"] == ("basic" if client_auth == "basic" else "body")
    assert result["token_type"] == "Bearer" and result["expires_in"] == 7200
    assert result["tenant_claim"] == "matched" and result["refresh_token_issued"] is True
    assert result["revoked"] is True and result["warnings"] == []
    assert result["token_endpoint"] == made.credentials["pu"] + "token.oauth2"
    assert sorted(made.auth.revoked) == sorted(made.auth.issued)
    assert not [token for token in made.auth.issued if token in repr(result)]


def test_a_rotated_secret_is_invalid_client(setup):
    # A well-formed secret Infor does not know ("x" * 86 would be refused offline as a placeholder).
    message = setup.failure(dict(setup.credentials, cs=make_seeded_ionapi(seed="rotated")["cs"]))
    assert "invalid_client" in message and "download the credentials again" in message
    # Body first, then once with HTTP Basic: a server may accept only one of the two.
    assert [entry["basic"] for entry in setup.auth.requests] == [False, True]
    assert setup.auth.issued == []


def test_a_disabled_app_is_invalid_client(setup):
    setup.auth.disable_app(setup.credentials["ci"])
    assert "the app's secret was changed, or the app deleted or disabled" in setup.failure()


def test_a_deleted_service_account_is_invalid_grant(setup):
    setup.auth.delete_service_account(setup.credentials["saak"])
    message = setup.failure()
    assert "service account was refused (invalid_grant" in message and "re-enable it" in message


def test_a_token_for_another_tenant_is_refused(setup):
    setup.auth.claim_tenant("ACME_TST", "ACME_PRD")
    message = setup.failure()
    assert "is for tenant 'ACME_PRD', but the file says ti 'ACME_TST'" in message
    assert sorted(setup.auth.revoked) == sorted(setup.auth.issued)


def test_an_opaque_token_passes_without_a_tenant_claim(setup):
    setup.auth.add_fault(status=200, body='{"access_token": "opaque-token-1", "token_type": "Bearer", "expires_in": "3600"}')
    result = setup.check()
    assert result["tenant_claim"] == "absent" and result["expires_in"] == 3600 and result["refresh_token_issued"] is False
    assert setup.auth.revoked == ["opaque-token-1"] and result["revoked"] is True
    assert token_claims("a.%%%.c") == {}


SCOPES = ["Infor-ION", "Infor-IDM", "Infor-M3"]


@pytest.mark.parametrize("sc", [SCOPES, " ".join(SCOPES), ["Infor-ION Infor-IDM", "Infor-M3", "Infor-ION"]], ids=["list", "string", "mixed"])
def test_the_scopes_of_sc_are_asked_for(pki, sc):
    made = Setup(pki)
    made.credentials = dict(made.credentials, v="1.1", sc=sc)
    made.auth.register(made.credentials, enforce_scopes=SCOPES)
    try:
        result = made.check()
    finally:
        made.auth.stop()
    assert result["scopes"] == SCOPES and result["revoked"] is True
    assert made.auth.requests[0]["scope"] == "Infor-ION Infor-IDM Infor-M3"


@pytest.mark.parametrize("sc", [{}, []], ids=["object", "list"])
def test_an_empty_sc_asks_for_no_scope(setup, sc):
    result = setup.check(dict(setup.credentials, v="1.1", sc=sc))
    assert result["scopes"] == [] and result["warnings"] == []


def test_an_empty_sc_sends_no_scope_parameter(setup):
    # Not even an empty one: a strict server may refuse "scope=" as malformed.
    setup.check(dict(setup.credentials, v="1.1", sc={}))
    assert [entry["scope"] for entry in setup.auth.requests] == [None, None, None]


def test_scopes_refused_name_the_scopes_and_what_to_check(pki):
    made = Setup(pki)
    made.auth.register(made.credentials, enforce_scopes=SCOPES)
    try:
        asked = made.failure(dict(made.credentials, v="1.1", sc=["Infor-ION"]))
        none = made.failure(dict(made.credentials, v="1.1", sc={}))
    finally:
        made.auth.stop()
    assert "scopes asked for (Infor-ION, from sc) were refused (invalid_scope, HTTP 400)" in asked
    assert "Authorized Apps, the DocBits app, Scopes" in asked and "download the credentials again" in asked
    assert "the app enforces scopes (invalid_scope, HTTP 400)" in none and "sc lists none" in none
    assert made.auth.issued == []


def test_an_sc_of_another_shape_asks_for_none_and_says_so(setup):
    result = setup.check(dict(setup.credentials, sc={"scopes": ["Infor-ION"]}))
    assert result["scopes"] == []
    assert result["warnings"] == [SOURCE + ": key 'sc': neither a list of scope names nor a space-separated string: no scope asked for"]


def test_an_on_premises_file_gets_a_token_that_is_then_revoked(pki):
    auth = start_auth_simulator(pki)
    credentials = make_seeded_ionapi("infor", seed="onprem", pu=auth.pu("infor"), ot="connect/token", oa="connect/authorize", **{"or": "connect/revocation"})
    auth.register(credentials)
    try:
        ionapi = parse_ionapi(dump(credentials), source=SOURCE)
        result = check_token(ionapi, source=SOURCE, ca_path=pki.ca)
    finally:
        auth.stop()
    assert result["token_endpoint"] == "https://127.0.0.1:%d/InforIntSTS/connect/token" % auth.port
    assert result["tenant_claim"] == "matched" and result["revoked"] is True
    assert sorted(auth.revoked) == sorted(auth.issued) and len(auth.issued) == 2
    assert [entry["path"] for entry in auth.requests] == ["/InforIntSTS/connect/token"] + ["/InforIntSTS/connect/revocation"] * 2


@pytest.mark.parametrize(
    "status, body, expected",
    [
        (500, '{"error": "server_error"}', "HTTP 500"),
        (503, "", "HTTP 503"),
        (401, '{"error": "invalid_client"}', "invalid_client"),
        (401, "", "refused (HTTP 401)"),
    ],
)
def test_server_errors_say_what_to_do(setup, status, body, expected):
    setup.auth.add_fault(status=status, body=body, times=2)
    message = setup.failure()
    assert expected in message and "download the credentials again" in message


def test_a_timeout_names_the_proxy(setup):
    setup.auth.add_fault(delay=2.0, status=200, body="{}")
    message = setup.failure(timeout=0.5)
    assert "no answer within 0.5 s" in message and "HTTPS_PROXY" in message


def test_an_untrusted_certificate_is_a_tls_failure(setup, pki):
    message = setup.failure(ca_path=pki.other_ca)
    assert "TLS failure" in message and "ca_path" in message and "clock" in message


def test_without_ca_path_the_test_ca_is_not_trusted(setup):
    assert "TLS failure" in setup.failure(ca_path=None)


def test_a_login_page_is_not_a_token(setup):
    setup.auth.add_fault(status=200, body="<html><body>Sign in</body></html>", content_type="text/html")
    message = setup.failure()
    assert "not a token but text/html" in message and "proxy" in message


def test_an_answer_without_expiry_is_refused(setup):
    setup.auth.add_fault(status=200, body='{"access_token": "abc", "token_type": "Bearer"}')
    assert "lacks expires_in" in setup.failure()


def test_a_failed_revoke_is_only_a_warning(setup):
    setup.auth.add_fault(endpoint="revoke", status=500, times=2)
    result = setup.check()
    assert result["revoked"] is False
    assert len(result["warnings"]) == 2 and all("not revoked" in warning for warning in result["warnings"])


def test_a_secret_echoed_by_the_server_is_redacted(setup):
    echoed = '{"error": "bad_request", "echo": "%s"}' % setup.credentials["sask"]
    setup.auth.add_fault(status=400, body=echoed)
    assert "<redacted>" in setup.failure()


# --- a hostile network between the controller and Infor ------------------------------------------------


@pytest.fixture
def hostile(pki):
    """A hostile front (HTTPS, the test CA) before the auth simulator, and another origin."""
    auth = start_auth_simulator(pki)
    front, origin = HostileFront(auth.pu("X").split("/X/")[0], tls=pki.server), RecordingOrigin()
    yield front, origin
    for server in (front, origin, auth):
        server.stop()


def check_through(front, pki, **options):
    options.setdefault("ca_path", pki.ca)
    credentials = make_seeded_ionapi("ACME_TST", pu=front.url + "/ACME_TST/as/")
    ionapi = parse_ionapi(dump(credentials), source=SOURCE)
    with pytest.raises(TokenCheckError) as caught:
        check_token(ionapi, source=SOURCE, **options)
    message = str(caught.value)
    assert not [secret for secret in (credentials["cs"], credentials["sask"], credentials["saak"].split("#")[1]) if secret in message]
    return message, credentials


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirected_token_request_goes_nowhere_else(hostile, pki, status):
    front, origin = hostile
    front.add_rule("redirect", "/ACME_TST/as/token.oauth2", status=status, location=origin.url + "/as/token.oauth2?grab=1")
    message, _credentials = check_through(front, pki)
    assert "redirect (HTTP %d) to %s, never followed" % (status, origin.url) in message and "grab" not in message
    assert origin.connections == [] and origin.requests == []


def test_a_trickled_token_answer_ends_at_the_timeout(hostile, pki):
    front, _origin = hostile
    front.add_rule("trickle", "/ACME_TST/as/token.oauth2", phase="body", interval=0.2)
    started = time.monotonic()
    message, _credentials = check_through(front, pki, timeout=0.5)
    assert "no answer within 0.5 s" in message
    assert time.monotonic() - started < 5


def test_an_oversized_token_answer_is_not_read(hostile, pki):
    front, _origin = hostile
    front.add_rule("oversized", "/ACME_TST/as/token.oauth2", size=200 * MB, declare_length=False, content_type="application/json")
    message, _credentials = check_through(front, pki)
    assert "larger than 64 KiB" in message and "proxy" in message


def test_a_token_endpoint_in_clear_text_off_this_machine_is_refused(hostile):
    """The file's rules refuse an http:// pu first; the transport refuses it again (defence in depth)."""
    front, _origin = hostile
    ionapi = parse_ionapi(dump(make_seeded_ionapi("ACME_TST")), source=SOURCE)
    ionapi.credentials["pu"] = "http://mingle-sso.example.com/ACME_TST/as/"
    with pytest.raises(TokenCheckError) as caught:
        check_token(ionapi, source=SOURCE)
    assert "clear text" in str(caught.value) and "https://" in str(caught.value)
    assert front.seen == []


def test_the_basic_credential_echoed_back_is_redacted(setup):
    pair = "%s:%s" % (setup.credentials["ci"], setup.credentials["cs"])
    echoed = base64.b64encode(pair.encode("utf-8")).decode("ascii")
    setup.auth.add_fault(status=400, body='{"error": "bad_request", "seen": "Authorization: Basic %s"}' % echoed)
    message = setup.failure()
    assert echoed not in message and echoed[:16] not in message and "Basic <redacted>" in message
