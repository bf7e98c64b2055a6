# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Prove an .ionapi file works: get a token with it from Infor, as DocBits will, then revoke it.

Password grant to pu + ot (docs/ionapi-format.md, "Token flow"), asking for the scopes the file's
`sc` lists (an app that enforces scopes refuses a grant without them). The token and the file's
secrets never leave this module: results and errors carry the endpoint, statuses and claims only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, printable
from ansible_collections.docbits.infor.plugins.module_utils.transport import (
    KIB,
    AnswerTooLarge,
    ClearTextRefused,
    NoAnswer,
    ProxyRefused,
    RedirectRefused,
    TLSFailure,
    Transport,
    TransportError,
    size_text,
)
from ansible_collections.docbits.infor.plugins.module_utils.urls import url_shown

EXCERPT_CHARS = 120
# A token answer is a few KiB (a JWT and its expiry); anything far larger is not one.
TOKEN_ANSWER_CAP = 64 * KIB
CLIENT_AUTH_BODY = "body"
CLIENT_AUTH_BASIC = "basic"

REDOWNLOAD = "download the credentials again in Infor ION API (Authorized Apps, the DocBits app, Download Credentials) and check that the app is enabled"
SCOPES_ASKED = (
    "check in Infor ION API (Authorized Apps, the DocBits app, Scopes) that the app allows these scopes, "
    "then download the credentials again so that sc lists what the app enforces"
)
SCOPES_NONE = (
    "the app enforces scopes but the file's sc lists none: download the credentials again (a download of "
    "version 1.1 lists the app's scopes in sc) and check the app's scopes in Infor ION API (Authorized Apps)"
)
SERVICE_ACCOUNT = (
    "the service account was deleted or disabled, or its keys regenerated: re-enable it, or create a service account and download the credentials again"
)


class TokenCheckError(DocBitsInforError):
    """The file did not get a token; the message says why and what to do, never a secret.
    `reason` is the OAuth error (invalid_client, invalid_grant) when Infor gave one, else None;
    `token_issued` says Infor issued a token all the same (then revoked), for the wrong tenant."""

    def __init__(self, message, reason=None, token_issued=False):
        super(TokenCheckError, self).__init__(message)
        self.reason = reason
        self.token_issued = token_issued


def token_claims(token):
    """The payload of a JWT access token, or {} for an opaque one (no signature check: we are not its audience)."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return {}
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def requested_scopes(credentials):
    """(scope names to ask for, warning or None) from sc: a list of names or a space-separated string;
    {} or no sc asks for none."""
    scopes = credentials.get("sc")
    if scopes is None or scopes == {}:
        return [], None
    if isinstance(scopes, str):
        scopes = [scopes]
    if not isinstance(scopes, list) or not all(isinstance(item, str) for item in scopes):
        return [], "key 'sc': neither a list of scope names nor a space-separated string: no scope asked for"
    names = []
    for name in " ".join(scopes).split():
        if name not in names:
            names.append(name)
    return names, None


class TokenCheck:
    """One check of one file: token request, answer checks, revocation."""

    def __init__(self, ionapi, source, validate_certs=True, ca_path=None, timeout=30):
        self.ionapi = ionapi
        self.source = printable(source) if source else "the .ionapi file"
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        credentials = ionapi.credentials
        self.token_url = credentials["pu"] + credentials["ot"]
        self.revoke_url = credentials["pu"] + credentials["or"] if credentials.get("or") else None
        self.client = (credentials["ci"], credentials["cs"])
        self.grant = {"grant_type": "password", "username": credentials["saak"], "password": credentials["sask"]}
        self.scopes, scope_warning = requested_scopes(credentials)
        self.warnings = ["%s: %s" % (self.source, scope_warning)] if scope_warning else []
        if self.scopes:
            self.grant["scope"] = " ".join(self.scopes)
        # Never retried: a token issued for a lost answer could not be revoked.
        self.transport = Transport(
            timeout=timeout, retries=0, validate_certs=validate_certs, ca_path=ca_path, headers={"Accept": "application/json"}, secrets=ionapi.secret_values()
        )
        # The HTTP Basic form of the client credentials, base64 of "ci:cs", is a secret too.
        self.transport.add_secrets(("%s:%s" % self.client,))

    def run(self):
        with self.transport:
            answer, client_auth = self._request_token()
            token = self._token_answer(answer)
            self.transport.add_secrets((token["access_token"], token.get("refresh_token")))
            # Revoked first: a token of the wrong tenant is still a live token.
            revoked = self._revoke(token, client_auth)
            tenant_claim = self._check_tenant(token["access_token"])
        return {
            "token_endpoint": self.token_url,
            "client_auth": client_auth,
            "scopes": list(self.scopes),
            "token_type": token["token_type"],
            "expires_in": token["expires_in"],
            "refresh_token_issued": bool(token.get("refresh_token")),
            "tenant_claim": tenant_claim,
            "revoked": revoked,
            "warnings": self.warnings,
        }

    def _error(self, reason, advice, oauth_error=None):
        return TokenCheckError("%s: no token from %s: %s; %s" % (self.source, url_shown(self.token_url), reason, advice), reason=oauth_error)

    def _post(self, url, data, basic):
        try:
            return self.transport.request("POST", url, retry=False, cap=TOKEN_ANSWER_CAP, data=data, basic_auth=self.client if basic else None)
        except TLSFailure as exc:
            raise self._error(
                "TLS failure (%s)" % exc.reason,
                "set ca_path to the CA bundle that signs the server's certificate (a TLS-inspecting proxy has its own), and check the system clock",
            )
        except NoAnswer as exc:
            if exc.timed_out:
                raise self._error("no answer within %g s" % self.timeout, "check the network path and the proxy settings (HTTPS_PROXY, NO_PROXY)")
            raise self._error("cannot connect (%s)" % exc.reason, "check pu in the file, the network path and the proxy settings (HTTPS_PROXY, NO_PROXY)")
        except RedirectRefused as exc:
            raise self._error(
                "the answer is a redirect (HTTP %d) to %s, never followed: the credentials go nowhere else"
                % (exc.status, exc.location_origin or "an address it does not give"),
                "check pu and ot in the file: they must name Infor's token endpoint itself",
            )
        except AnswerTooLarge as exc:
            raise self._error(
                "the answer is larger than %s, far more than a token" % size_text(exc.cap),
                "a proxy or a login page answered: check pu in the file and the proxy settings (HTTPS_PROXY, NO_PROXY)",
            )
        except ProxyRefused as exc:
            raise self._error(exc.reason, "the request never reached Infor")
        except ClearTextRefused as exc:
            raise self._error(exc.reason, "check pu in the file: Infor's token endpoint is an https:// address")
        except TransportError as exc:
            raise self._error("cannot connect (%s)" % exc.reason, "check pu in the file, the network path and the proxy settings (HTTPS_PROXY, NO_PROXY)")

    def _request_token(self):
        """Client credentials in the body first; an unknown server may accept only HTTP Basic, so one retry with it."""
        body = dict(self.grant, client_id=self.client[0], client_secret=self.client[1])
        answer = self._post(self.token_url, body, basic=False)
        if self._oauth_error(answer) == "invalid_client" or answer.status == 401:
            answer = self._post(self.token_url, self.grant, basic=True)
            return answer, CLIENT_AUTH_BASIC
        return answer, CLIENT_AUTH_BODY

    @staticmethod
    def _json(answer):
        try:
            body = answer.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _oauth_error(self, answer):
        body = self._json(answer)
        return str(body.get("error")) if body and body.get("error") else None

    def _token_answer(self, answer):
        self._refusal(answer)
        body = self._json(answer)
        if body is None:
            raise self._error(
                "the answer is not a token but %s: %s" % (printable(answer.media_type or "untyped"), self._excerpt(answer.text)),
                "a proxy or a login page answered: check pu in the file and the proxy settings",
            )
        missing = [key for key in ("access_token", "token_type", "expires_in") if not body.get(key)]
        if missing:
            raise self._error("the answer lacks %s" % ", ".join(missing), "check pu and ot in the file: they must name Infor's token endpoint")
        try:
            expires_in = int(body["expires_in"])
        except (TypeError, ValueError):
            expires_in = 0
        if expires_in <= 0:
            raise self._error("the token's expires_in is not a positive number of seconds", "check the system clock, pu and ot")
        return dict(body, expires_in=expires_in)

    def _refusal(self, answer):
        """Raises what a refused grant means, judged by its status and OAuth error code (never the description)."""
        status, error = answer.status, self._oauth_error(answer)
        if error == "invalid_client":
            raise self._error(
                "the client id and secret were refused (invalid_client, HTTP %d)" % status,
                "the app's secret was changed, or the app deleted or disabled: " + REDOWNLOAD,
                error,
            )
        if error == "invalid_scope":
            if self.scopes:
                raise self._error(
                    "the scopes asked for (%s, from sc) were refused (invalid_scope, HTTP %d)" % (printable(" ".join(self.scopes)), status), SCOPES_ASKED, error
                )
            raise self._error("the app enforces scopes (invalid_scope, HTTP %d)" % status, SCOPES_NONE, error)
        if error == "invalid_grant":
            raise self._error("the service account was refused (invalid_grant, HTTP %d)" % status, SERVICE_ACCOUNT, error)
        if status >= 500:
            raise self._error(
                "the token endpoint failed (HTTP %d)" % status,
                "retry later; Infor's gateway also answers 500 for refused credentials, so if it lasts, " + REDOWNLOAD,
            )
        if status in (401, 403):
            raise self._error("refused (HTTP %d%s)" % (status, ", %s" % error if error else ""), REDOWNLOAD)
        if status >= 300 or error:
            raise self._error(
                "HTTP %d%s: %s" % (status, " (%s)" % error if error else "", self._excerpt(answer.text)), "check pu and ot in the file; " + REDOWNLOAD
            )

    def _check_tenant(self, access_token):
        claimed = token_claims(access_token).get("Tenant")
        if claimed is None:
            return "absent"
        if claimed != self.ionapi.tenant:
            raise TokenCheckError(
                "%s: the token from %s is for tenant '%s', but the file says ti '%s': the file was edited or mixes two "
                "downloads; download the credentials again for this tenant"
                % (self.source, printable(self.token_url), printable(claimed), printable(self.ionapi.tenant)),
                token_issued=True,
            )
        return "matched"

    def _revoke(self, granted, client_auth):
        if not self.revoke_url:
            self.warnings.append("%s: no revoke path (or) in the file: the test token expires by itself in %d s" % (self.source, granted["expires_in"]))
            return False
        revoked = True
        for token, hint in ((granted.get("refresh_token"), "refresh_token"), (granted["access_token"], "access_token")):
            if not token:
                continue
            form = {"token": token, "token_type_hint": hint}
            basic = client_auth == CLIENT_AUTH_BASIC
            if not basic:
                form.update(client_id=self.client[0], client_secret=self.client[1])
            try:
                # The client authenticates as it did for the token: a server may accept only that way.
                status = self.transport.request(
                    "POST", self.revoke_url, retry=False, cap=TOKEN_ANSWER_CAP, data=form, basic_auth=self.client if basic else None
                ).status
            except TransportError as exc:
                status = exc.reason
            if status != 200:
                revoked = False
                self.warnings.append(
                    "%s: the test %s was not revoked at %s (%s); it expires by itself" % (self.source, hint, printable(self.revoke_url), status)
                )
        return revoked

    def _excerpt(self, text):
        return self.transport.excerpt(text, EXCERPT_CHARS)


def check_token(ionapi, source=None, validate_certs=True, ca_path=None, timeout=30):
    """A secret-free account of a token obtained and revoked with `ionapi`, or TokenCheckError."""
    return TokenCheck(ionapi, source, validate_certs=validate_certs, ca_path=ca_path, timeout=timeout).run()
