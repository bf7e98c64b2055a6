# -*- coding: utf-8 -*-
# Copyright: docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP(S) layer of the DocBits simulator: a threaded server that can cut every connection, and a
handler that reads one request, applies faults, asks the simulator and sends its answer."""

import socket
import ssl
import struct
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fault_rules import fault_answers, fault_response  # pylint: disable=import-error
from multipart_form import BodyError, parse_form  # pylint: disable=import-error
from sim_answers import json_response  # pylint: disable=import-error

MAX_BODY = 10 * 1024 * 1024
ADMIN_PREFIX = "/_sim/"
# stop() waits up to one poll of the serving thread; tests start and stop hundreds of servers.
STOP_POLL_INTERVAL = 0.01


class Request:
    """One API request as the application sees it."""

    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.form = {}
        self.files = {}
        self.parse_error = None
        self.org = None
        self.auth = None
        if method in ("POST", "PUT", "PATCH", "DELETE") and body:
            try:
                self.form, self.files = parse_form(body, headers.get("Content-Type", ""))
            except BodyError as exc:
                self.parse_error = exc

    def field_names(self):
        return sorted(set(self.form) | set(self.files))


class Server(ThreadingHTTPServer):
    """Threaded server that wraps connections in TLS in the handler thread and can cut them all."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, sim, ssl_context):
        self.sim = sim
        self.ssl_context = ssl_context
        self._connections = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.ssl_context is not None:
            # The handshake runs in the handler thread, so a slow client cannot block accept().
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def process_request(self, request, client_address):
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        # A client that hangs up or fails the TLS handshake is routine here; no traceback.
        if self.sim._log is not None:  # pylint: disable=protected-access
            self.sim._log("connection error: %s" % type(sys.exc_info()[1]).__name__)  # pylint: disable=protected-access


class Handler(BaseHTTPRequestHandler):
    """Reads one request, applies faults, asks the simulator for the answer and sends it."""

    protocol_version = "HTTP/1.1"
    # As production servers do: headers and body are separate writes, and with Nagle's algorithm the
    # body would wait for the client's delayed ACK (~40 ms per answer on loopback).
    disable_nagle_algorithm = True
    server_version = "docbits-simulator"
    sys_version = ""
    timeout = 60

    def version_string(self):
        return self.server_version

    def setup(self):
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    # Request lines and errors are logged by the simulator itself, without headers or bodies.
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def log_error(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def send_error(self, code, message=None, explain=None):
        # The stock message quotes the request line; answer with the bare status instead.
        super().send_error(code)

    def do_GET(self):  # pylint: disable=invalid-name
        self._handle()

    def do_POST(self):  # pylint: disable=invalid-name
        self._handle()

    def do_PUT(self):  # pylint: disable=invalid-name
        self._handle()

    def do_PATCH(self):  # pylint: disable=invalid-name
        self._handle()

    def do_DELETE(self):  # pylint: disable=invalid-name
        self._handle()

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError:
            raise BodyError(400, "Invalid Content-Length") from None
        if size < 0:
            raise BodyError(400, "Invalid Content-Length")
        if size > MAX_BODY:
            raise BodyError(413, "Request Entity Too Large")
        return self.rfile.read(size)

    def _read_chunked(self):
        parts, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BodyError(400, "Invalid chunked body") from None
            if size == 0:
                break
            total += size
            if total > MAX_BODY:
                raise BodyError(413, "Request Entity Too Large")
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)
        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(parts)

    def _send(self, response):
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for key, value in response.headers.items():
                self.send_header(key, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(response.body)
            self.wfile.flush()
        except OSError:
            # The client gave up (e.g. timed out during a delay): nothing left to tell it.
            self.close_connection = True

    def _drop(self, how):
        """Answer nothing: close the connection (FIN), or with "reset" abort it (RST)."""
        self.close_connection = True
        if how == "reset":
            try:
                # Linger 0 and an immediate close() send RST: "connection reset by peer".
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            except OSError:
                pass

    def _handle(self):
        sim = self.server.sim
        split = urllib.parse.urlsplit(self.path)
        path = split.path or "/"
        try:
            body = self._read_body()
        except BodyError as exc:
            self.close_connection = True
            self._send(json_response(exc.status, {"detail": exc.detail}))
            return
        if path.startswith(ADMIN_PREFIX):
            self._send(sim.admin(self.command, path, body))
            return
        query = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        req = Request(self.command, path, query, self.headers, body)
        sim._identify(req)  # pylint: disable=protected-access
        rule = sim._take_fault(self.command, path)  # pylint: disable=protected-access
        try:
            self._answer(sim, req, rule)
        except Exception:  # pylint: disable=broad-exception-caught
            # Never a traceback with request data; a plain 500 like any server bug.
            sim._record(req, 500, False)  # pylint: disable=protected-access
            self._send(json_response(500, {"detail": "Internal Server Error"}))

    def _answer(self, sim, req, rule):
        # Each request is recorded before its answer goes out, so a client that has its
        # answer can rely on seeing it in sim.requests.
        # pylint: disable=protected-access
        if rule is None:
            response = sim.dispatch(req)
            sim._record(req, response.status, False)
            self._send(response)
            return
        real = None
        if rule["after_apply"]:
            real = sim.dispatch(req)
        sim._sleep(rule["delay"])
        if rule["drop"]:
            sim._record(req, None, True, dropped=True)
            self._drop(rule["drop"])
            return
        if fault_answers(rule):
            response = fault_response(rule)
        else:
            response = real if real is not None else sim.dispatch(req)
        sim._record(req, response.status, True)
        self._send(response)
