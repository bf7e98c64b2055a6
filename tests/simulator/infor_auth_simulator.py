# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An Infor ION API authorization server for tests and the demo: stdlib only, HTTPS.

Speaks the password grant of docs/ionapi-format.md ("Token flow") at ``/<TENANT>/as/token.oauth2``
and revocation at ``/<TENANT>/as/revoke_token.oauth2``, so a file's ``pu`` is
``https://127.0.0.1:<port>/<TENANT>/as/``; on-premises Infor OS (tenant ``infor``) at
``/InforIntSTS/connect/token`` and ``/InforIntSTS/connect/revocation``. Apps and service accounts are
registered from .ionapi contents; access tokens are HS256 JWTs carrying a ``Tenant`` claim. Errors are
the standard OAuth ``invalid_client`` (401; 400 on premises, as IdentityServer answers),
``invalid_grant`` (400) and ``invalid_scope`` (400, an app that enforces scopes and a grant that does
not ask for exactly them). A smooth secret reset keeps the old secret valid until it is revoked.
Faults (status, body, delay) can be queued.

  python infor_auth_simulator.py --tls-cert cert.pem --tls-key key.pem --register a.ionapi [...] \\
      [--host 127.0.0.1] [--port 0] [--port-file FILE] [--quiet]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import secrets
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN_PATH = "token.oauth2"
REVOKE_PATH = "revoke_token.oauth2"
ON_PREMISES_ROOT = "InforIntSTS"
ON_PREMISES_TENANT = "infor"
ON_PREMISES_TOKEN_PATH = "connect/token"
ON_PREMISES_REVOKE_PATH = "connect/revocation"
EXPIRES_IN = 7200
CLIENT_AUTH_MODES = ("body", "basic", "both")
# stop() waits up to one poll of the serving thread; tests start and stop hundreds of servers.
STOP_POLL_INTERVAL = 0.01


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class InforAuthSimulator:
    """In-process server: register(), start(), then read .issued / .revoked / .requests; stop()."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)
        self.apps = {}
        self.accounts = {}
        self.tenant_claims = {}
        self.faults = []
        self.issued = []
        self.revoked = []
        self.requests = []
        self._server = None
        self._thread = None
        self.port = None
        self.quiet = True

    # --- set-up --------------------------------------------------------------------------
    def register(self, credentials, client_auth="both", enforce_scopes=None):
        """Accept the app and the service account of an .ionapi file (a dict). `enforce_scopes`, a list of
        scope names, makes the app refuse a grant that does not ask for exactly those (invalid_scope)."""
        if client_auth not in CLIENT_AUTH_MODES:
            raise ValueError("client_auth must be one of %s" % ", ".join(CLIENT_AUTH_MODES))
        tenant = credentials["ti"]
        with self._lock:
            # old_cs: the previous secret, still valid after a smooth reset until it is revoked.
            self.apps[credentials["ci"]] = {
                "cs": credentials["cs"],
                "old_cs": None,
                "tenant": tenant,
                "client_auth": client_auth,
                "enabled": True,
                "scopes": set(enforce_scopes) if enforce_scopes else None,
            }
            self.accounts[credentials["saak"]] = {"sask": credentials["sask"], "tenant": tenant, "enabled": True}

    def smooth_reset_secret(self, client_id, new_secret):
        """Infor's Smooth Reset Secret: the new secret works at once, the previous one until revoke_old_secret()."""
        with self._lock:
            app = self.apps[client_id]
            app["old_cs"], app["cs"] = app["cs"], new_secret

    def revoke_old_secret(self, client_id):
        with self._lock:
            self.apps[client_id]["old_cs"] = None

    def disable_app(self, client_id):
        with self._lock:
            self.apps[client_id]["enabled"] = False

    def disable_service_account(self, access_key):
        with self._lock:
            self.accounts[access_key]["enabled"] = False

    def delete_service_account(self, access_key):
        with self._lock:
            self.accounts.pop(access_key, None)

    def claim_tenant(self, tenant, claimed):
        """Issue tokens for `tenant` whose Tenant claim says `claimed` (a misconfigured or mixed-up tenant)."""
        with self._lock:
            self.tenant_claims[tenant] = claimed

    def add_fault(self, endpoint="token", status=None, body=None, content_type="application/json", delay=0.0, times=1):
        """Answer the next `times` requests to `endpoint` (token or revoke) with this status/body, after `delay` s."""
        with self._lock:
            self.faults.append({"endpoint": endpoint, "status": status, "body": body, "content_type": content_type, "delay": delay, "times": times})

    def pu(self, tenant):
        if tenant == ON_PREMISES_TENANT:
            return "https://127.0.0.1:%d/%s/" % (self.port, ON_PREMISES_ROOT)
        return "https://127.0.0.1:%d/%s/as/" % (self.port, tenant)

    # --- serving -------------------------------------------------------------------------
    def start(self, host="127.0.0.1", port=0, tls=None):
        """Serve HTTPS in a thread; `tls` is (certfile, keyfile) or an SSLContext. Returns the base URL."""
        if isinstance(tls, ssl.SSLContext):
            context = tls
        else:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls[0], tls[1])
        server = ThreadingHTTPServer((host, port), _Handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.simulator = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": STOP_POLL_INTERVAL}, daemon=True, name="infor-auth-simulator")
        self._thread.start()
        return "https://%s:%d" % (host, self.port)

    def stop(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(timeout=5)

    # --- answers -------------------------------------------------------------------------
    def _take_fault(self, endpoint):
        with self._lock:
            for fault in self.faults:
                if fault["endpoint"] == endpoint:
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def _jwt(self, claims):
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64(json.dumps(claims).encode())
        signature = _b64(hmac.new(self._key, ("%s.%s" % (header, payload)).encode(), hashlib.sha256).digest())
        return "%s.%s.%s" % (header, payload, signature)

    def verify(self, token):
        """The claims of an access token this simulator signed, else None (what a resource server checks)."""
        signed, _sep, signature = token.rpartition(".")
        expected = _b64(hmac.new(self._key, signed.encode(), hashlib.sha256).digest())
        if signed.count(".") != 1 or not hmac.compare_digest(expected, signature):
            return None
        payload = signed.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))

    def _client(self, headers, form, tenant):
        """(client id, how it authenticated) when the app is known, enabled and of this tenant; else None."""
        authorization = headers.get("Authorization", "")
        if authorization.startswith("Basic "):
            try:
                client_id, _sep, secret = base64.b64decode(authorization[6:]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
            how = "basic"
        elif "client_id" in form:
            client_id, secret, how = form.get("client_id"), form.get("client_secret", ""), "body"
        else:
            return None
        app = self.apps.get(client_id)
        # Every secret is compared, so the time taken does not tell which one matched.
        matches = [hmac.compare_digest(known, secret) for known in (app["cs"], app["old_cs"]) if known] if app is not None else []
        if app is None or not app["enabled"] or app["tenant"] != tenant or app["client_auth"] not in (how, "both") or not any(matches):
            return None
        return client_id, how

    @staticmethod
    def _route(path):
        """(tenant, endpoint "token" or "revoke", on premises) for a served path, else None."""
        parts = path.split("?", 1)[0].strip("/").split("/")
        if len(parts) == 3 and parts[1] == "as" and parts[2] in (TOKEN_PATH, REVOKE_PATH):
            return parts[0], "token" if parts[2] == TOKEN_PATH else "revoke", False
        if parts[0] == ON_PREMISES_ROOT and "/".join(parts[1:]) in (ON_PREMISES_TOKEN_PATH, ON_PREMISES_REVOKE_PATH):
            return ON_PREMISES_TENANT, "token" if "/".join(parts[1:]) == ON_PREMISES_TOKEN_PATH else "revoke", True
        return None

    def answer(self, method, path, headers, body):
        """(status, content type, body bytes) for one request."""
        route = self._route(path)
        if method != "POST" or route is None:
            return 404, "application/json", b'{"error": "not_found"}'
        tenant, endpoint, on_premises = route
        fault = self._take_fault(endpoint)
        if fault:
            time.sleep(fault["delay"])
            if fault["status"] is not None:
                content = fault["body"] if fault["body"] is not None else json.dumps({"error": "server_error"})
                return fault["status"], fault["content_type"], content.encode("utf-8") if isinstance(content, str) else content
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        with self._lock:
            client = self._client(headers, form, tenant)
            if client is None:
                return _oauth_error(400 if on_premises else 401, "invalid_client", "Client authentication failed")
            if endpoint == "revoke":
                self.revoked.append(form.get("token", ""))
                return 200, "application/json", b"{}"
            if form.get("grant_type") != "password":
                return _oauth_error(400, "unsupported_grant_type", "Only the password grant is served here")
            account = self.accounts.get(form.get("username"))
            if account is None or not account["enabled"] or account["tenant"] != tenant or not hmac.compare_digest(account["sask"], form.get("password", "")):
                return _oauth_error(400, "invalid_grant", "The service account credentials are invalid")
            enforced = self.apps[client[0]]["scopes"]
            if enforced is not None and set(form.get("scope", "").split()) != enforced:
                return _oauth_error(400, "invalid_scope", "The requested scope is invalid, unknown or malformed")
            now = int(time.time())
            access = self._jwt(
                {"Tenant": self.tenant_claims.get(tenant, tenant), "ClientId": client[0], "iat": now, "exp": now + EXPIRES_IN, "jti": secrets.token_hex(8)}
            )
            refresh = secrets.token_urlsafe(32)
            self.issued.extend([access, refresh])
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": EXPIRES_IN, "refresh_token": refresh}
        return 200, "application/json", json.dumps(answer).encode("utf-8")


def _oauth_error(status, error, description):
    return status, "application/json", json.dumps({"error": error, "error_description": description}).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: without this each answer waits for a delayed ACK.
    disable_nagle_algorithm = True

    def _serve(self):
        simulator = self.server.simulator
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, content_type, data = simulator.answer(self.command, self.path, self.headers, body)
        with simulator._lock:  # pylint: disable=protected-access
            # The scope asked for, None without the parameter (names, never a secret).
            scope = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)).get("scope")
            simulator.requests.append(
                {
                    "method": self.command,
                    "path": self.path.split("?", 1)[0],
                    "status": status,
                    "basic": self.headers.get("Authorization", "").startswith("Basic "),
                    "scope": scope,
                }
            )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = _serve
    do_GET = _serve

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if not self.server.simulator.quiet:
            sys.stderr.write("infor-auth-simulator: %s\n" % (format % args))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Infor ION API authorization-server simulator (HTTPS).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--tls-cert", required=True)
    parser.add_argument("--tls-key", required=True)
    parser.add_argument("--register", action="append", default=[], metavar="IONAPI", help="an .ionapi file whose app and account to accept")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    simulator = InforAuthSimulator()
    simulator.quiet = args.quiet
    for path in args.register:
        try:
            with open(path, encoding="utf-8") as handle:
                simulator.register(json.load(handle))
        except (OSError, ValueError, KeyError) as exc:
            parser.error("--register %s: not a readable, decrypted .ionapi file (%s)" % (path, type(exc).__name__))
    url = simulator.start(args.host, args.port, tls=(args.tls_cert, args.tls_key))
    if args.port_file:
        with open(args.port_file + ".tmp", "w", encoding="utf-8") as handle:
            handle.write("%d\n" % simulator.port)
        os.replace(args.port_file + ".tmp", args.port_file)
    sys.stderr.write("infor-auth-simulator: listening on %s, %d app(s)\n" % (url, len(simulator.apps)))
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_args: stopped.set())
    signal.signal(signal.SIGINT, lambda *_args: stopped.set())
    stopped.wait()
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
