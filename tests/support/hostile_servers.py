# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loopback servers that behave as a hostile network does, for the transport's tests.

* RecordingOrigin: "another origin" that records every connection and request reaching it.
* HostileFront: stands where DocBits is expected; requests matching a rule get a hostile answer
  (a 302/307 redirect, a proxy's login page with HTTP 200, an answer trickled at 1 byte/s in
  its headers or its body, a 200 MB answer generated while streamed), the others are forwarded
  to the real upstream (the DocBits simulator), so a hostile answer can come at any step.

Every server binds 127.0.0.1 on an ephemeral port; the test that starts one stops it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import http.client
import json
import socketserver
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = 1000 * 1000
# stop() waits up to one poll of the serving thread; the unit tests start and stop hundreds of servers.
STOP_POLL_INTERVAL = 0.01
LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in - Corporate Web Gateway</title></head><body>"
    b'<h1>Corporate proxy: please sign in</h1><form method="post" action="/login">'
    b'<input name="user"><input type="password" name="password"><button>Sign in</button></form></body></html>'
)
HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authorization",
        "proxy-authenticate",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "server",
        "date",
    )
)


def relay(handler, connection, path, body):
    """Send `handler`'s request to `connection` (path, body, end-to-end headers) and copy the answer back to its client."""
    headers = dict((name, value) for name, value in handler.headers.items() if name.lower() not in HOP_BY_HOP)
    if body is not None:
        headers["Content-Length"] = str(len(body))
    try:
        connection.request(handler.command, path, body=body, headers=headers)
        answer = connection.getresponse()
        data = answer.read()
        answer_headers = [(name, value) for name, value in answer.getheaders() if name.lower() not in HOP_BY_HOP]
    finally:
        connection.close()
    handler.send_response(answer.status, answer.reason)
    for name, value in answer_headers:
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class _Served:
    """A server run by a daemon thread until stop()."""

    def _serve(self, name):
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": STOP_POLL_INTERVAL}, name=name, daemon=True)
        self._thread.start()

    scheme = "http"

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.server_address[1])

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


# ---------------------------------------------------------------------------- another origin


class _OriginHandler(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.record_connection(self.client_address)
        self.request.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                data = self.request.recv(4096)
                if not data:
                    break
                head += data
        except OSError:
            pass
        if head:
            self.server.record_request(head)
        # What a successful DocBits answer looks like: a client that followed would think it worked.
        body = json.dumps({"success": True, "data": []}).encode("utf-8")
        try:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        except OSError:
            pass


class RecordingOrigin(_Served, socketserver.ThreadingTCPServer):
    """Another origin: records every TCP connection and the head of every request reaching it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        socketserver.ThreadingTCPServer.__init__(self, ("127.0.0.1", 0), _OriginHandler)
        self.connections = []
        self.requests = []
        self._lock = threading.Lock()
        self._serve("recording-origin")

    def record_connection(self, peer):
        with self._lock:
            self.connections.append(peer)

    def record_request(self, head):
        with self._lock:
            self.requests.append(head.decode("latin-1"))


# ---------------------------------------------------------------------------- the hostile front


class _FrontHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        rule = self.server.take_rule(self.command, path)
        self.server.record(self.command, path, rule["kind"] if rule else "forward")
        if rule is None:
            self._forward(body)
        else:
            getattr(self, "_" + rule["kind"])(**rule["options"])

    do_GET = _handle
    do_POST = _handle

    def _forward(self, body):
        upstream = urllib.parse.urlsplit(self.server.upstream)
        if upstream.scheme == "https":
            # The upstream is another loopback test server with a certificate of a CA made for the test.
            connection = http.client.HTTPSConnection(upstream.hostname, upstream.port, timeout=30, context=ssl._create_unverified_context())
        else:
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        relay(self, connection, self.path, body)

    def _redirect(self, status, location):
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, status=200, body=LOGIN_PAGE, content_type="text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, phase, interval=1.0, size=600):
        """1 byte per `interval`: the whole status line and headers (phase "headers") or the body."""
        self.close_connection = True
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nX-Padding: %s\r\n\r\n" % (size, b"p" * size)
        body = b" " * (size - 2) + b"{}"
        try:
            if phase == "headers":
                self._drip(head + body, interval)
            else:
                self.wfile.write(head)
                self.wfile.flush()
                self._drip(body, interval)
        except OSError:
            pass  # the client gave up: what the test wants

    def _drip(self, data, interval):
        for index in range(len(data)):
            if self.server.stopping.is_set():
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()
            time.sleep(interval)

    def _oversized(self, size, declare_length, content_type="application/octet-stream"):
        """`size` bytes generated chunk by chunk (never held whole), with or without Content-Length."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Disposition", 'attachment; filename="credentials.ionapi"')
        if declare_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"{" + b" " * 65535
        sent = 0
        try:
            while sent < size and not self.server.stopping.is_set():
                piece = chunk[: min(len(chunk), size - sent)]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass
        self.server.record_sent(sent)


class HostileFront(_Served, ThreadingHTTPServer):
    """Where docbits_url points: hostile answers by rule, everything else forwarded to `upstream`.

    `tls` (certificate chain file, key file) serves HTTPS, as Infor's token endpoint must be."""

    daemon_threads = True

    def __init__(self, upstream, tls=None):
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), _FrontHandler)
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self.upstream = upstream
        self.rules = []
        self.seen = []
        self.sent = []
        self._lock = threading.Lock()
        self._serve("hostile-front")

    def add_rule(self, kind, path, method=None, times=None, **options):
        """Answer requests to `path` (fnmatch pattern) hostilely: kind is redirect, page, trickle or oversized."""
        with self._lock:
            self.rules.append({"kind": kind, "path": path, "method": method, "times": times, "options": options})

    def take_rule(self, method, path):
        with self._lock:
            for rule in self.rules:
                if fnmatch.fnmatchcase(path, rule["path"]) and rule["method"] in (None, method) and rule["times"] != 0:
                    if rule["times"] is not None:
                        rule["times"] -= 1
                    return rule
        return None

    def record(self, method, path, kind):
        with self._lock:
            self.seen.append((method, path, kind))

    def record_sent(self, size):
        with self._lock:
            self.sent.append(size)


# ---------------------------------------------------------------------------- a proxy that refuses


class _RefusingProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _refuse(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.record(self.command, self.path, self.headers.get("Proxy-Authorization"))
        body = b"<html><body><h1>407 Proxy Authentication Required</h1></body></html>"
        self.send_response(self.server.status)
        self.send_header("Proxy-Authenticate", 'Basic realm="corporate proxy"')
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_CONNECT = do_GET = do_POST = _refuse


class RefusingProxy(_Served, ThreadingHTTPServer):
    """An HTTP proxy that answers every request, CONNECT (https://) or absolute-URI (http://), with
    `status` (407 Proxy Authentication Required unless told) and forwards nothing. `seen` holds
    (method, target, Proxy-Authorization header or None) of each request."""

    daemon_threads = True

    def __init__(self, status=407):
        ThreadingHTTPServer.__init__(self, ("127.0.0.1", 0), _RefusingProxyHandler)
        self.status = status
        self.seen = []
        self._lock = threading.Lock()
        self._serve("refusing-proxy")

    def record(self, method, target, authorization):
        with self._lock:
            self.seen.append((method, target, authorization))

    def url_with(self, user, password):
        return "http://%s:%s@127.0.0.1:%d" % (urllib.parse.quote(user, safe=""), urllib.parse.quote(password, safe=""), self.server_address[1])
