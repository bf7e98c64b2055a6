# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The one HTTP transport of both clients (DocBits, and Infor's token endpoint).

It owns what no caller may get wrong on its own: TLS settings given per request, no redirect
ever followed, clear text only on this machine, a deadline over each whole request, answers
read with a size cap, the retry policy, and redaction of secrets in everything it reports.
It knows nothing of DocBits or Infor: callers phrase its errors for their users.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import http.client
import json
import os
import random
import re
import socket
import ssl
import time
import traceback
from urllib.parse import unquote, urljoin, urlsplit

from ansible_collections.docbits.infor.plugins.module_utils._redaction import EXCERPT_CHARS, excerpt
from ansible_collections.docbits.infor.plugins.module_utils._watchdog import Adapter, Deadline
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import has_whitespace_or_control
from ansible_collections.docbits.infor.plugins.module_utils.urls import clear_text_problem, is_loopback, origin_of, proxy_variable

try:
    import requests
    from requests.utils import get_environ_proxies, select_proxy
    from urllib3.exceptions import HTTPError as Urllib3HTTPError
    from urllib3.exceptions import NameResolutionError, ProtocolError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    NameResolutionError = ProtocolError = ()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

KIB = 1024
MIB = 1024 * KIB
DEFAULT_ANSWER_CAP = 1 * MIB
# An error answer is only excerpted: its head is enough.
ERROR_ANSWER_CAP = 64 * KIB
CHUNK_BYTES = 16 * KIB


class RetryPolicy:
    """When a request is tried again and how long to wait first: the one home of these numbers.

    The transport retries with it, and so do callers that retry on their own (a create, which
    must list again before another try)."""

    def __init__(self, statuses, backoff_factor, backoff_max, jitter, retry_after_cap):
        self.statuses = tuple(statuses)
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.jitter = jitter
        self.retry_after_cap = retry_after_cap

    def is_transient(self, status):
        return status in self.statuses

    def backoff(self, attempt):
        """The pause after failed try number `attempt` (0 for the first), before jitter."""
        return min(self.backoff_max, self.backoff_factor * (2**attempt))

    def delay(self, attempt, retry_after=None):
        """Seconds to wait after failed try `attempt`: the server's Retry-After (capped) when given, else backoff; plus jitter."""
        base = self.backoff(attempt) if retry_after is None else min(retry_after, self.retry_after_cap)
        return base + random.uniform(0, self.jitter)

    def retry_after(self, headers):
        """Retry-After of an answer in seconds (a number or an HTTP date), capped; None when absent or unreadable."""
        value = headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = Retry(0).parse_retry_after(value)
        except Urllib3HTTPError:
            return None
        return min(seconds, self.retry_after_cap)


RETRY_POLICY = RetryPolicy(statuses=(429, 500, 502, 503, 504), backoff_factor=0.5, backoff_max=8.0, jitter=0.25, retry_after_cap=30.0)


# --- errors --------------------------------------------------------------------------------------


class TransportError(DocBitsInforError):
    """No usable answer; `reason` is secret-free and printable, and says what happened."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


class TLSFailure(TransportError):
    """The TLS handshake or the certificate check failed: final, nothing reached the server."""


class NoAnswer(TransportError):
    """Refused, reset, timed out or past its deadline after every try; a write may have been applied."""

    def __init__(self, reason, timed_out=False):
        self.timed_out = timed_out
        self.tries = 1
        super().__init__(reason)


class RedirectRefused(TransportError):
    """A 3xx answer: never followed, so nothing reaches another origin."""

    def __init__(self, status, location_origin):
        self.status = status
        self.location_origin = location_origin
        super().__init__("HTTP %d redirect to %s, not followed" % (status, location_origin or "an address it does not give"))


class AnswerTooLarge(TransportError):
    """The answer exceeds the cap of its kind; it was not read whole."""

    def __init__(self, cap):
        self.cap = cap
        super().__init__("the answer is larger than %s" % size_text(cap))


class ClearTextRefused(TransportError):
    """http:// off this machine: credentials would travel in clear text."""


class ProxyRefused(TransportError):
    """The proxy refused the request (HTTP 407: it wants other credentials; or another 4xx): final, nothing
    reached the server. `proxy` is its scheme://host:port, never its credentials."""

    def __init__(self, proxy, status, variable):
        self.proxy = proxy
        self.status = status
        if status == 407:
            reason = (
                "the proxy %s refused to authenticate the request (HTTP 407 Proxy Authentication Required): check the "
                "proxy user and password in %s (http://user:password@host:port), or name the host in NO_PROXY" % (proxy, variable)
            )
        else:
            reason = "the proxy %s refused the request (HTTP %d): check that it lets this controller reach the host, or name the host in NO_PROXY" % (
                proxy,
                status,
            )
        super().__init__(reason)


def size_text(size):
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return "%d %s" % (size // unit, name)
    return "%d bytes" % size


# A proxy's answer to CONNECT, as http.client words it: the tunnel's status is in the text only.
TUNNEL_FAILED = re.compile(r"Tunnel connection failed: (\d{3})")
# urllib3 prefixes its connection's repr ("HTTPSConnection(host='...', port=443): ") to what happened.
CONNECTION_REPR = re.compile(r"\w+\(host=[^)]*\): ")


def _causes(exc):
    """`exc` and the exceptions it wraps (urllib3's reason, args, __cause__, __context__), outermost first."""
    seen, queue = [], [exc]
    while queue and len(seen) < 16:
        current = queue.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        inner = [getattr(current, "reason", None), current.__cause__, current.__context__] + list(current.args)
        queue.extend(item for item in inner if isinstance(item, BaseException))
    return seen


def tunnel_status(exc):
    """The HTTP status a proxy refused a CONNECT with, or None."""
    for cause in _causes(exc):
        match = TUNNEL_FAILED.search(str(cause)) if isinstance(cause, OSError) else None
        if match:
            return int(match.group(1))
    return None


def transport_reason(exc):
    """What went wrong, in plain words ("the connection was refused"), not urllib3's internal names.
    May quote the server's or the system's words: pass it through excerpt()."""
    causes = _causes(exc)

    def first(kinds):
        return next((cause for cause in causes if isinstance(cause, kinds)), None)

    certificate = first(ssl.SSLCertVerificationError)
    if certificate is not None:
        return "the server's certificate was not accepted (%s: %s)" % (certificate.reason, certificate.verify_message)
    handshake = first(ssl.SSLError)
    if handshake is not None:
        return "the TLS handshake failed (%s)" % (handshake.reason or handshake.strerror or type(handshake).__name__)
    if first((NameResolutionError, socket.gaierror)) is not None:
        return "the host name does not resolve (DNS): check the host in the URL, and the DNS of this controller"
    if first(ConnectionRefusedError) is not None:
        return "the connection was refused: nothing listens on that port, or a firewall refuses it"
    if first(requests.exceptions.ConnectTimeout) is not None:
        return "no connection could be opened in time (a firewall dropping it? or the host is down)"
    if first(socket.timeout) is not None:
        return "the server did not answer in time"
    if (
        first(
            (
                ConnectionResetError,
                ConnectionAbortedError,
                BrokenPipeError,
                http.client.RemoteDisconnected,
                http.client.IncompleteRead,
                ProtocolError,
                requests.exceptions.ChunkedEncodingError,
            )
        )
        is not None
    ):
        return "the connection was closed before a whole answer came"
    if first(requests.exceptions.ContentDecodingError) is not None:
        return "the answer's compressed body could not be decoded"
    failed = next((cause for cause in reversed(causes) if isinstance(cause, OSError) and cause.strerror), causes[-1])
    text = failed.strerror if isinstance(failed, OSError) and failed.strerror else str(failed)
    text = CONNECTION_REPR.sub("", text.split(">: ", 1)[-1])
    return "the connection failed (%s)" % (text or type(failed).__name__)


# --- the transport ------------------------------------------------------------------------------


class Answer:
    """A whole answer, read within its deadline and size cap."""

    def __init__(self, status, headers, content):
        self.status = status
        self.headers = headers
        self.content = content

    @property
    def media_type(self):
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()

    @property
    def is_attachment(self):
        return (self.headers.get("Content-Disposition") or "").strip().lower().startswith("attachment")

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        """The parsed body; ValueError when it is not JSON (also when nested too deep to parse)."""
        try:
            return json.loads(self.text)
        except RecursionError:
            raise ValueError("JSON nested too deep")


class Transport:
    """One HTTP session for a run: use it as a context manager, or close() it."""

    def __init__(self, timeout=30, retries=3, validate_certs=True, ca_path=None, headers=None, secrets=(), policy=RETRY_POLICY):
        self.timeout = timeout
        self.retries = retries
        self.policy = policy
        # ca_path wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE; see _environment.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self._secrets = set()
        self.add_secrets(secrets)
        headers = dict(headers or {})
        _check_headers(headers)
        # requests' adapter without its Session: the session's cookies, hooks and settings merged from the
        # environment are nothing the clients use, and cost a freshly forked worker about 1 ms per request.
        # Proxies and CA bundle variables are read once per origin instead (_environment), ~/.netrc never.
        self._headers = requests.utils.default_headers()
        self._headers.update(headers)
        self._environments = {}
        self._adapter = Adapter()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._adapter.close()

    def add_secrets(self, values):
        """Values that must never appear in anything this transport reports."""
        self._secrets.update(value for value in values if value)

    def excerpt(self, text, limit=EXCERPT_CHARS):
        return excerpt(text, self._secrets, limit)

    def wait(self, attempt, retry_after=None):
        """Pause after failed try `attempt` as the policy says."""
        time.sleep(self.policy.delay(attempt, retry_after))

    def request(self, method, url, retry=True, cap=DEFAULT_ANSWER_CAP, basic_auth=None, headers=None, **kwargs):
        """The Answer to `method url`, tried again on no answer or a transient status while `retry`.

        An answer of a transient status is returned once the tries are spent; the caller judges it."""
        headers = dict(headers or {})
        if basic_auth is not None:
            pair = "%s:%s" % basic_auth
            self.add_secrets((pair,))
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
        _check_headers(headers)
        self._check_route(url)
        tries = (self.retries if retry else 0) + 1
        attempt = 0
        while True:
            last = attempt == tries - 1
            try:
                answer = self._try(method, url, cap, headers, kwargs)
            except NoAnswer as exc:
                if last:
                    exc.tries = tries
                    raise
                self.wait(attempt)
            else:
                if last or not self.policy.is_transient(answer.status):
                    return answer
                self.wait(attempt, self.policy.retry_after(answer.headers))
            attempt += 1

    def _check_route(self, url):
        problem = clear_text_problem(url)
        if problem:
            raise ClearTextRefused(problem)
        if urlsplit(url).scheme == "http":
            proxy = select_proxy(url, self._environment(url)[0])
            if proxy and urlsplit(proxy).scheme == "http" and not is_loopback(urlsplit(proxy).hostname):
                raise ClearTextRefused(
                    "the http proxy for this http:// address is not on this machine: the credentials would "
                    "travel in clear text; name the host in NO_PROXY, or use https://"
                )

    def _try(self, method, url, cap, headers, kwargs):
        proxies, verify = self._environment(url)
        proxy = select_proxy(url, proxies)
        with Deadline(self.timeout) as deadline:
            try:
                prepared = requests.Request(method, url, headers=dict(self._headers, **headers), **kwargs).prepare()
                response = self._adapter.send(prepared, stream=True, timeout=self.timeout, verify=verify, proxies=proxies)
                try:
                    if proxy and response.status_code == 407:
                        # A proxy forwarding http:// answers itself; the server never saw the request.
                        raise ProxyRefused(_proxy_origin(proxy), 407, proxy_variable(url))
                    return self._read(url, response, cap, deadline)
                finally:
                    response.close()
            except requests.exceptions.SSLError as exc:
                raise TLSFailure(self.excerpt(transport_reason(exc)))
            except (
                requests.exceptions.ConnectionError,
                requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                if deadline.passed:
                    raise NoAnswer(self._late(), timed_out=True)
                status = tunnel_status(exc) if proxy else None
                if status is not None:
                    self._refused_tunnel(proxy, status, url)
                if proxy and isinstance(exc, requests.exceptions.ProxyError):
                    raise NoAnswer("the proxy %s did not forward the request: %s" % (_proxy_origin(proxy), self.excerpt(transport_reason(exc))))
                raise NoAnswer(self.excerpt(transport_reason(exc)), timed_out=isinstance(exc, requests.exceptions.Timeout))
            except requests.exceptions.RequestException as exc:
                raise TransportError(self.excerpt(transport_reason(exc)))

    def _refused_tunnel(self, proxy, status, url):
        """A proxy's refusal of CONNECT: final unless its status is one the policy retries (a 502 of an unreachable host)."""
        if self.policy.is_transient(status):
            raise NoAnswer("the proxy %s answered HTTP %d instead of opening a tunnel to the server" % (_proxy_origin(proxy), status))
        raise ProxyRefused(_proxy_origin(proxy), status, proxy_variable(url))

    def _environment(self, url):
        """(proxies, verify) for `url` as requests would take them from the environment: HTTP(S)_PROXY and
        NO_PROXY; REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE only when ca_path is unset (ca_path wins)."""
        origin = origin_of(url)
        if origin not in self._environments:
            verify = self.verify
            if verify is True:
                verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            proxies = get_environ_proxies(url)
            for proxy in proxies.values():
                self.add_secrets(_proxy_secrets(proxy))
            self._environments[origin] = (proxies, verify)
        return self._environments[origin]

    def _late(self):
        return "no complete answer within %s s (the timeout bounds each whole request)" % self.timeout

    def _read(self, url, response, cap, deadline):
        status = response.status_code
        if 300 <= status < 400:
            location = response.headers.get("Location")
            raise RedirectRefused(status, origin_of(urljoin(url, location)) if location else None)
        limit = cap if status < 400 else ERROR_ANSWER_CAP
        declared = response.headers.get("Content-Length")
        if status < 400 and declared and declared.strip().isdigit() and int(declared) > cap:
            raise AnswerTooLarge(cap)
        chunks, size = [], 0
        for chunk in response.iter_content(CHUNK_BYTES):
            if deadline.passed:
                raise NoAnswer(self._late(), timed_out=True)
            size += len(chunk)
            if size > limit:
                if status < 400:
                    raise AnswerTooLarge(cap)
                chunks.append(chunk[: limit - size])
                break
            chunks.append(chunk)
        # A socket shut by the deadline reads as a clean end: that is not a whole answer.
        if deadline.expired:
            raise NoAnswer(self._late(), timed_out=True)
        return Answer(status, response.headers, b"".join(chunks))


def _proxy_origin(proxy):
    """A proxy URL as requests reads it ("host:port" means http://host:port), without its credentials."""
    return origin_of(proxy if "://" in proxy else "http://" + proxy)


def _proxy_secrets(proxy):
    """The password of a proxy URL, as written and decoded, and the user:password pair that Proxy-Authorization encodes."""
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    if not parts.password:
        return ()
    return (parts.password, unquote(parts.password), "%s:%s" % (unquote(parts.username or ""), unquote(parts.password)))


def _check_headers(headers):
    for name, value in headers.items():
        if not value.isascii() or has_whitespace_or_control(value.replace(" ", "")):
            raise TransportError("the %s header holds a line break, control or non-ASCII character: refused before sending" % name)
