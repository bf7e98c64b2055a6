# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP transport of both clients (DocBits, and Infor's token endpoint).

It owns what no caller may get wrong on its own: TLS settings given per request, no redirect
ever followed, clear text only on this machine, a deadline over each whole request, answers
read with a size cap, the retry policy, and redaction of secrets in everything it reports.
It knows nothing of DocBits or Infor: callers phrase its errors for their users.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import _thread
import base64
import http.client
import ipaddress
import json
import os
import random
import re
import socket
import ssl
import threading
import time
import traceback
from urllib.parse import quote, quote_plus, unquote, urljoin, urlsplit, urlunsplit

from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, printable, punycode

try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies, select_proxy
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import HTTPError as Urllib3HTTPError
    from urllib3.exceptions import NameResolutionError, ProtocolError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = HTTPConnection = HTTPSConnection = HTTPConnectionPool = HTTPSConnectionPool = object
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
EXCERPT_CHARS = 160
REDACTED = "<redacted>"
# Pieces of a secret split at whitespace that are this long are redacted on their own.
SECRET_PIECE_CHARS = 8
DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = ("localhost",)
# Bounds of the transport options, checked before any request: a timeout past what the system's
# clock functions take failed deep inside them, and every retry costs up to a timeout more.
TIMEOUT_BOUNDS = (1, 3600)
RETRIES_BOUNDS = (0, 10)


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
        return min(self.backoff_max, self.backoff_factor * (2 ** attempt))

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
            reason = ("the proxy %s refused to authenticate the request (HTTP 407 Proxy Authentication Required): check the "
                      "proxy user and password in %s (http://user:password@host:port), or name the host in NO_PROXY" % (proxy, variable))
        else:
            reason = ("the proxy %s refused the request (HTTP %d): check that it lets this controller reach the host, "
                      "or name the host in NO_PROXY" % (proxy, status))
        super().__init__(reason)


def size_text(size):
    for unit, name in ((MIB, "MiB"), (KIB, "KiB")):
        if size >= unit and size % unit == 0:
            return "%d %s" % (size // unit, name)
    return "%d bytes" % size


# --- checks made before any request ---------------------------------------------------------------

def is_loopback(host):
    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def has_whitespace_or_control(text):
    return any(char.isspace() or not char.isprintable() for char in text)


def origin_of(url):
    """scheme://host:port of `url`, printable; never its user, path or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return printable("%s://%s%s" % (parts.scheme, host, ":%d" % port if port else ""))


def url_shown(url):
    """`url` without its user info (scheme://host:port/path), printable: fit for a message."""
    parts = urlsplit(url)
    return printable(urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment)))


def proxy_variable(url):
    """The environment variable that names the proxy for `url`."""
    return "HTTPS_PROXY" if urlsplit(url).scheme == "https" else "HTTP_PROXY"


def clear_text_problem(url):
    """Why `url` must not be used because it is clear text off this machine, or None."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return ("plain http:// to a host that is not this machine would carry the credentials in clear text "
                "(http:// is accepted for 127.0.0.1, ::1 and localhost only); use https://")
    return None


def check_url(url, option):
    """A base URL option: absolute http(s), no credentials, whitespace, control characters, query or
    fragment, and https unless it is this machine. The value is never echoed: it may carry a password."""
    url = url or ""
    if has_whitespace_or_control(url):
        raise OptionError("%s must not contain whitespace or control characters (line breaks, tabs): remove them" % option)
    parts = urlsplit(url)
    if "@" in parts.netloc or "@" in url.split("/")[0]:
        raise OptionError("%s must not carry credentials; use api_key" % option)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(
            "%s must be an absolute http(s) URL such as https://api.docbits.com (got %s)"
            % (option, "an empty value" if not url else "scheme '%s'" % printable(parts.scheme) if parts.scheme else "no scheme"))
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise OptionError("%s has a port that is not a number from 0 to 65535" % option)
    if not parts.hostname.isascii():
        raise OptionError(
            "%s: the host '%s' (punycode %s) is not plain ASCII: a letter that only looks like a Latin one, such as a "
            "Cyrillic \\u043e for o? Real DocBits hosts are plain ASCII: type the URL again" % (option, printable(parts.hostname), punycode(parts.hostname)))
    if parts.query or parts.fragment:
        raise OptionError("%s must be a base URL without query or fragment" % option)
    problem = clear_text_problem(url)
    if problem:
        raise OptionError("%s: %s" % (option, problem))


# Compiled at import: the controller imports this once, then forks a worker per host.
BEARER_PREFIX = re.compile(r"(?i)\s*bearer\s")
MARKUP_TAG = re.compile(r"<[^>]*>")


def check_credential(value, option, what):
    """An API key or token: printable ASCII without whitespace or control characters.

    The value is never echoed, not even escaped: its hints come from its shape alone."""
    if value is None:
        return
    if not value.strip():
        raise OptionError("%s is empty; set it to the %s" % (option, what))
    if BEARER_PREFIX.match(value):
        raise OptionError("%s starts with 'Bearer ': paste the key alone, the collection adds what DocBits needs" % option)
    stripped = value.rstrip("\r\n")
    if stripped != value and not has_whitespace_or_control(stripped) and stripped.isascii():
        raise OptionError(
            "%s ends with a line break: a YAML block scalar '|' adds one (use '|-'), or strip the value where it is stored" % option)
    if has_whitespace_or_control(value) or not value.isascii():
        raise OptionError(
            "%s contains whitespace, control or non-ASCII characters: paste the %s alone, exactly as it was shown" % (option, what))


def check_bounds(value, option, bounds, unit):
    """An integer option within `bounds` (both included), else OptionError naming the option and its bounds."""
    low, high = bounds
    if not low <= value <= high:
        raise OptionError("%s is %d: it must be from %d to %d %s" % (option, value, low, high, unit))


def check_transport(params):
    """The transport options of a task (timeout, retries, ca_path), refused before any request."""
    check_bounds(params["timeout"], "timeout", TIMEOUT_BOUNDS, "seconds")
    if params.get("retries") is not None:
        check_bounds(params["retries"], "retries", RETRIES_BOUNDS, "retries")
    if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
        raise OptionError("ca_path '%s': no such file (a PEM bundle of certificate authorities)" % printable(params["ca_path"]))


# --- redaction ----------------------------------------------------------------------------------

def secret_forms(secret):
    """Every form in which `secret` may show up in text: as is, stripped, escaped (repr, JSON,
    printable), URL- or form-encoded, base64, and its longer pieces when it holds whitespace."""
    forms = set((secret, secret.strip(), quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1], repr(secret)[1:-1],
                 secret.encode("unicode_escape").decode("ascii"), printable(secret)))
    encoded = secret.encode("utf-8")
    for b64 in (base64.b64encode(encoded), base64.urlsafe_b64encode(encoded)):
        forms.update((b64.decode("ascii"), b64.decode("ascii").rstrip("=")))
    forms.update(piece for piece in re.split(r"[\s\x00-\x1f\x7f]+", secret) if len(piece) >= SECRET_PIECE_CHARS)
    return set(form for form in forms if form)


def redact(text, secrets):
    """`text` with every form of every secret replaced by <redacted>."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(secret_forms(secret))
    # Longest first: a shorter form inside a longer one must not leave the rest of it behind.
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def excerpt(text, secrets, limit=EXCERPT_CHARS):
    """A short, one-line, printable and secret-free excerpt of untrusted text (markup tags dropped)."""
    text = MARKUP_TAG.sub(" ", text or "")
    text = " ".join(redact(text, secrets).split())
    # Escaping may form another encoding of a secret: redact once more.
    text = redact(printable(text), secrets)
    return text[:limit] + ("..." if len(text) > limit else "")


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
    if first((ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected, http.client.IncompleteRead,
              ProtocolError, requests.exceptions.ChunkedEncodingError)) is not None:
        return "the connection was closed before a whole answer came"
    if first(requests.exceptions.ContentDecodingError) is not None:
        return "the answer's compressed body could not be decoded"
    failed = next((cause for cause in reversed(causes) if isinstance(cause, OSError) and cause.strerror), causes[-1])
    text = failed.strerror if isinstance(failed, OSError) and failed.strerror else str(failed)
    text = CONNECTION_REPR.sub("", text.split(">: ", 1)[-1])
    return "the connection failed (%s)" % (text or type(failed).__name__)


# --- deadlines ----------------------------------------------------------------------------------

_ACTIVE = threading.local()


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


class _Deadline:
    """Ends one try at its deadline: a watchdog shuts every socket the try uses, so neither a
    server trickling its headers nor one trickling its body can stretch the try; reads check it too."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets = []
        self._finished = False
        self._lock = threading.Lock()
        # Held while the try runs; the watchdog waits for it at most `seconds`.
        self._running = _thread.allocate_lock()

    def __enter__(self):
        _ACTIVE.deadline = self
        self._running.acquire()
        # A bare thread rather than threading.Timer: starting one costs a freshly forked worker
        # (one per host in a bulk run) about half a millisecond less per request.
        _thread.start_new_thread(self._watch, ())
        return self

    def __exit__(self, *exc_info):
        _ACTIVE.deadline = None
        with self._lock:
            self._finished = True
        self._running.release()

    def _watch(self):
        if not self._running.acquire(timeout=min(self.seconds, threading.TIMEOUT_MAX)):
            self._expire()

    def watch(self, sock):
        with self._lock:
            if self._finished:
                return
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self):
        with self._lock:
            if self._finished:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    @property
    def passed(self):
        return self.expired or time.monotonic() >= self.ends


def _watch(sock):
    deadline = getattr(_ACTIVE, "deadline", None)
    if sock is not None and deadline is not None:
        deadline.watch(sock)


def _watched(connection_class):
    """`connection_class` giving every socket it uses (a new one, or a kept-alive one serving
    another request) to the deadline of the try running on this thread."""

    class Watched(connection_class):
        @property
        def sock(self):
            return self.__dict__.get("_watched_sock")

        @sock.setter
        def sock(self, value):
            self.__dict__["_watched_sock"] = value
            _watch(value)

        def request(self, *args, **kwargs):
            _watch(self.sock)
            return super().request(*args, **kwargs)

    return Watched


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _watched(HTTPConnection)


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _watched(HTTPSConnection)


_WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}


class _Adapter(HTTPAdapter):
    """requests' adapter with watched connections and urllib3 told never to retry nor redirect:
    the transport does both itself."""

    def __init__(self):
        super().__init__(max_retries=Retry(0, read=False, redirect=0, raise_on_redirect=False, raise_on_status=False))

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _WATCHED_POOLS
        return manager


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
        self._session = requests.Session()
        # requests reads proxies and CA bundle variables from os.environ on every request; they are
        # read once per origin instead (_environment), which also keeps ~/.netrc credentials out.
        self._session.trust_env = False
        self._environments = {}
        self._session.headers.update(headers)
        adapter = _Adapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        self._session.close()

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
            pair = ("%s:%s" % basic_auth)
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
                raise ClearTextRefused("the http proxy for this http:// address is not on this machine: the credentials would "
                                       "travel in clear text; name the host in NO_PROXY, or use https://")

    def _try(self, method, url, cap, headers, kwargs):
        proxies, verify = self._environment(url)
        proxy = select_proxy(url, proxies)
        with _Deadline(self.timeout) as deadline:
            try:
                response = self._session.request(method, url, headers=headers, timeout=self.timeout, verify=verify, proxies=proxies,
                                                 allow_redirects=False, stream=True, **kwargs)
                try:
                    if proxy and response.status_code == 407:
                        # A proxy forwarding http:// answers itself; the server never saw the request.
                        raise ProxyRefused(_proxy_origin(proxy), 407, proxy_variable(url))
                    return self._read(url, response, cap, deadline)
                finally:
                    response.close()
            except requests.exceptions.SSLError as exc:
                raise TLSFailure(self.excerpt(transport_reason(exc)))
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError) as exc:
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
                chunks.append(chunk[:limit - size])
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
