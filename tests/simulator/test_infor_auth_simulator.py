# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Infor authorization-server simulator, spoken to over HTTPS with plain requests (a CA made here)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from ansible_collections.docbits.infor.tests.support.builders import SIMULATOR_DIR, make_seeded_ionapi, start_auth_simulator

SCRIPT = os.path.join(SIMULATOR_DIR, "infor_auth_simulator.py")
TENANT = "ACME_TST"


pytestmark = pytest.mark.usefixtures("controlled_environment")


class Client:
    """Requests as an OAuth client of one registered file would send them."""

    def __init__(self, auth, pki, credentials):
        self.auth, self.ca, self.credentials = auth, pki.ca, credentials

    def post(self, path, form, basic=False, tenant=TENANT):
        url = self.auth.pu(tenant) + path
        credentials = self.credentials
        if not basic:
            form = dict(form, client_id=credentials["ci"], client_secret=credentials["cs"])
        return requests.post(url, data=form, auth=(credentials["ci"], credentials["cs"]) if basic else None, verify=self.ca, timeout=10)

    def token(self, basic=False, **form):
        grant = {"grant_type": "password", "username": self.credentials["saak"], "password": self.credentials["sask"]}
        return self.post("token.oauth2", dict(grant, **form), basic=basic)

    def revoke(self, token, basic=True):
        return self.post("revoke_token.oauth2", {"token": token, "token_type_hint": "access_token"}, basic=basic)


@pytest.fixture
def made(pki):
    auth = start_auth_simulator(pki)
    credentials = make_seeded_ionapi(TENANT)
    auth.register(credentials)
    yield Client(auth, pki, credentials)
    auth.stop()


def oauth_error(response, status, error):
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


def test_a_registered_file_gets_a_signed_token_with_its_tenant(made):
    answer = made.token()

    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    claims = made.auth.verify(body["access_token"])
    assert claims["Tenant"] == TENANT and claims["ClientId"] == made.credentials["ci"]
    assert claims["exp"] - claims["iat"] == 7200
    assert made.auth.issued == [body["access_token"], body["refresh_token"]]
    # The saak's '#' arrived form-encoded: the account was found.
    assert "#" in made.credentials["saak"]


def test_a_forged_token_is_not_verified(made):
    access = made.token().json()["access_token"]
    header, payload, signature = access.split(".")
    assert made.auth.verify("%s.%s.%s" % (header, payload[:-2] + "xx", signature)) is None
    assert made.auth.verify("not-a-jwt") is None


@pytest.mark.parametrize("mode, body_status, basic_status", [("both", 200, 200), ("body", 200, 401), ("basic", 401, 200)])
def test_client_authentication_modes(pki, mode, body_status, basic_status):
    auth = start_auth_simulator(pki)
    credentials = make_seeded_ionapi(TENANT)
    auth.register(credentials, client_auth=mode)
    client = Client(auth, pki, credentials)
    try:
        assert client.token(basic=False).status_code == body_status
        assert client.token(basic=True).status_code == basic_status
    finally:
        auth.stop()
    with pytest.raises(ValueError):
        auth.register(credentials, client_auth="header")


def test_refusals_are_standard_oauth_errors(made):
    oauth_error(made.token(password="wrong"), 400, "invalid_grant")
    oauth_error(made.token(grant_type="client_credentials"), 400, "unsupported_grant_type")
    made.credentials = dict(made.credentials, cs="x" * 86)
    oauth_error(made.token(), 401, "invalid_client")
    oauth_error(made.token(basic=True), 401, "invalid_client")
    assert made.auth.issued == []


def test_an_app_of_another_tenant_is_an_unknown_client(made):
    oauth_error(made.post("token.oauth2", {"grant_type": "password"}, tenant="ACME_PRD"), 401, "invalid_client")


def test_a_disabled_app_and_a_deleted_account(made):
    made.auth.delete_service_account(made.credentials["saak"])
    oauth_error(made.token(), 400, "invalid_grant")
    made.auth.disable_app(made.credentials["ci"])
    oauth_error(made.token(), 401, "invalid_client")


def test_a_wrong_tenant_claim_on_demand(made):
    made.auth.claim_tenant(TENANT, "SOMEONE_ELSE")
    assert made.auth.verify(made.token().json()["access_token"])["Tenant"] == "SOMEONE_ELSE"


def test_revocation_needs_the_client_and_is_counted(made):
    access = made.token().json()["access_token"]

    assert made.revoke(access, basic=True).status_code == 200
    assert made.revoke(access, basic=False).status_code == 200
    made.credentials = dict(made.credentials, cs="x" * 86)
    oauth_error(made.revoke(access), 401, "invalid_client")

    assert made.auth.revoked == [access, access]
    assert [(entry["path"], entry["status"], entry["basic"]) for entry in made.auth.requests] == [
        ("/%s/as/token.oauth2" % TENANT, 200, False),
        ("/%s/as/revoke_token.oauth2" % TENANT, 200, True),
        ("/%s/as/revoke_token.oauth2" % TENANT, 200, False),
        ("/%s/as/revoke_token.oauth2" % TENANT, 401, True),
    ]


SCOPES = ["Infor-ION", "Infor-IDM"]


def test_an_app_that_enforces_scopes_wants_exactly_its_scopes(pki):
    credentials = make_seeded_ionapi(TENANT, sc=SCOPES, v="1.1")
    auth = start_auth_simulator(pki)
    auth.register(credentials, enforce_scopes=SCOPES)
    client = Client(auth, pki, credentials)
    try:
        oauth_error(client.token(), 400, "invalid_scope")
        oauth_error(client.token(scope="Infor-ION"), 400, "invalid_scope")
        oauth_error(client.token(scope="Infor-ION Infor-IDM Infor-M3"), 400, "invalid_scope")
        assert auth.issued == []
        assert client.token(scope="Infor-IDM Infor-ION").status_code == 200
        assert client.token(scope="Infor-ION Infor-IDM", basic=True).status_code == 200
    finally:
        auth.stop()


def test_an_app_without_enforced_scopes_ignores_the_scope_asked(made):
    assert made.token().status_code == 200
    assert made.token(scope="Infor-ION").status_code == 200


def test_a_smooth_secret_reset_keeps_the_old_secret_until_it_is_revoked(made):
    old = made.credentials
    new = dict(old, cs=make_seeded_ionapi(TENANT, seed="reset")["cs"])
    made.auth.smooth_reset_secret(old["ci"], new["cs"])

    assert made.token().status_code == 200
    made.credentials = new
    assert made.token().status_code == 200 and made.token(basic=True).status_code == 200

    made.auth.revoke_old_secret(old["ci"])
    assert made.token().status_code == 200
    made.credentials = old
    oauth_error(made.token(), 401, "invalid_client")


def test_a_disabled_service_account_is_invalid_grant(made):
    made.auth.disable_service_account(made.credentials["saak"])
    oauth_error(made.token(), 400, "invalid_grant")


def test_on_premises_paths_and_refusals(pki):
    credentials = make_seeded_ionapi("infor", seed="onprem")
    auth = start_auth_simulator(pki, credentials)
    client = Client(auth, pki, credentials)
    grant = {"grant_type": "password", "username": credentials["saak"], "password": credentials["sask"]}
    try:
        assert auth.pu("infor") == "https://127.0.0.1:%d/InforIntSTS/" % auth.port
        answer = client.post("connect/token", grant, tenant="infor")
        assert answer.status_code == 200
        assert auth.verify(answer.json()["access_token"])["Tenant"] == "infor"
        assert client.post("connect/revocation", {"token": answer.json()["refresh_token"]}, basic=True, tenant="infor").status_code == 200
        # IdentityServer answers a wrong client with 400, not 401.
        client.credentials = dict(credentials, cs="x" * 86)
        oauth_error(client.post("connect/token", grant, tenant="infor"), 400, "invalid_client")
        assert client.post("token.oauth2", grant, tenant="infor").status_code == 404
    finally:
        auth.stop()
    assert auth.revoked == [answer.json()["refresh_token"]]


def test_unknown_paths_and_methods(made):
    assert requests.get(made.auth.pu(TENANT) + "token.oauth2", verify=made.ca, timeout=10).status_code == 404
    assert made.post("authorization.oauth2", {}).status_code == 404


def test_faults_are_taken_in_order_per_endpoint(made):
    made.auth.add_fault(status=500, times=2)
    made.auth.add_fault(status=200, body="<html>Sign in</html>", content_type="text/html")
    made.auth.add_fault(endpoint="revoke", status=503)

    assert [made.token().status_code for _attempt in range(2)] == [500, 500]
    page = made.token()
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html" and page.text == "<html>Sign in</html>"
    access = made.token().json()["access_token"]
    assert made.revoke(access).status_code == 503
    assert made.revoke(access).status_code == 200
    assert made.auth.faults == [] and made.auth.revoked == [access]


def test_a_delay_fault_answers_late(made):
    made.auth.add_fault(delay=0.5)
    started = time.monotonic()
    assert made.token().status_code == 200
    assert time.monotonic() - started >= 0.5


def test_cli_serves_registered_files_over_tls(tmp_path, pki):
    credentials = make_seeded_ionapi(TENANT)
    (tmp_path / "acme.ionapi").write_text(json.dumps(credentials), encoding="utf-8")
    port_file = tmp_path / "port"
    cert, key = pki.server
    # pylint: disable-next=consider-using-with
    process = subprocess.Popen(
        [sys.executable, SCRIPT, "--tls-cert", cert, "--tls-key", key, "--register", str(tmp_path / "acme.ionapi"), "--port-file", str(port_file), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the simulator did not start"
            time.sleep(0.05)
        url = "https://127.0.0.1:%d/%s/as/token.oauth2" % (int(port_file.read_text(encoding="utf-8")), TENANT)
        grant = {"grant_type": "password", "username": credentials["saak"], "password": credentials["sask"]}
        answer = requests.post(url, data=grant, auth=(credentials["ci"], credentials["cs"]), verify=pki.ca, timeout=10)
        assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer"
        with pytest.raises(requests.exceptions.SSLError):
            requests.post(url, data=grant, verify=pki.other_ca, timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=15)
    assert process.returncode == 0
    # --quiet: the start line only, no request log (and never a secret).
    assert err.strip().splitlines() == ["infor-auth-simulator: listening on https://127.0.0.1:%s, 1 app(s)" % url.split(":")[2].split("/")[0]]


def test_cli_needs_a_certificate(tmp_path):
    completed = subprocess.run([sys.executable, SCRIPT, "--port-file", str(tmp_path / "port")], capture_output=True, text=True, timeout=30, check=False)
    assert completed.returncode == 2 and "--tls-cert" in completed.stderr
