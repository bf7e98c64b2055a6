# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Through ansible-playbook: DocBits over HTTPS with a CA generated here (trustme), and DocBits
behind an HTTP proxy given by HTTP_PROXY / NO_PROXY.

The environment of every run is set explicitly (RUN_ENV): the caller's proxy and CA bundle
variables, which requests would otherwise pick up, are blanked unless a test sets them.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from ansible_collections.docbits.infor.tests.support.builders import CA_BUNDLE_VARIABLES, PROXY_VARIABLES
from ansible_collections.docbits.infor.tests.support.hostile_servers import relay

PROVISION = "provision_ionapi.yml"
RUN_ENV = dict([(name, "") for name in PROXY_VARIABLES + CA_BUNDLE_VARIABLES] + [("NO_PROXY", "127.0.0.1,localhost"), ("no_proxy", "127.0.0.1,localhost")])


# ---------------------------------------------------------------------------- HTTPS


def serve_https(lab, pair):
    """Serve the lab's simulator (its keys and state kept) over HTTPS instead of HTTP."""
    lab.sim.stop()
    lab.url = lab.sim.start(host="127.0.0.1", port=0, tls=pair)
    for env in lab.envs.values():
        env.vars["docbits_url"] = lab.url
    assert lab.url.startswith("https://127.0.0.1:")


def test_https_with_ca_path_succeeds_and_is_idempotent_without_it_fails(lab, pki):
    ca_file, pair = pki.ca, pki.server
    serve_https(lab, pair)
    lab["tst"].vars["docbits_ca_path"] = ca_file

    first = lab.run(PROVISION, env=RUN_ENV)

    assert first.rc == 2, first
    first.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 0, "failed": 1})
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials
    refused = first.result("ionapi", "prd")["result"]["msg"]
    for part in ("TLS failure for environment 'prd'", "CERTIFICATE_VERIFY_FAILED", "set ca_path to the CA bundle"):
        assert part in refused, "%r not in %r" % (part, refused)
    assert lab["prd"].requests() == [] and lab["prd"].stored_configs() == []
    assert lab.sim.writes == 1

    second = lab.run(PROVISION, env=RUN_ENV)

    assert second.rc == 2, second
    second.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 1})
    assert second.result("ionapi", "tst")["result"]["action"] == "none"
    assert "TLS failure for environment 'prd'" in second.result("ionapi", "prd")["result"]["msg"]
    assert lab.sim.writes == 1
    assert [entry["path"] for entry in lab["tst"].requests()][-2:] == ["/configurations/get_configurations", "/configurations/download/1"]


@pytest.mark.parametrize("variable", CA_BUNDLE_VARIABLES)
def test_ca_path_is_honoured_when_a_ca_bundle_variable_is_set(lab_factory, pki, variable):
    """CI runners and distribution images often export a system bundle: docbits_ca_path must still win."""
    ca_file, pair = pki.ca, pki.server
    lab = lab_factory({"tst": "ACME_TST"})
    serve_https(lab, pair)
    lab["tst"].vars["docbits_ca_path"] = ca_file

    run = lab.run(PROVISION, env=dict(RUN_ENV, **{variable: requests.certs.where()}))

    assert run.rc == 0, "docbits_ca_path was ignored with %s set:\n%s" % (variable, run.result("ionapi", "tst")["result"].get("msg"))
    run.assert_recap(tst={"changed": 1, "failed": 0})
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials


# ---------------------------------------------------------------------------- HTTP proxy


class _ProxyHandler(BaseHTTPRequestHandler):
    """Forwards one absolute-URI http:// request to its origin and relays the answer."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _forward(self):
        target = urllib.parse.urlsplit(self.path)
        if target.scheme != "http" or not target.hostname:
            # Not a proxy request (an origin-form path, or https:// which needs CONNECT).
            self.send_error(400)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        self.server.record(self.command, self.path)
        origin = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        relay(self, origin, urllib.parse.urlunsplit(("", "", target.path or "/", target.query, "")), body)

    do_GET = _forward
    do_POST = _forward


class ForwardingProxy(ThreadingHTTPServer):
    """A tiny forwarding HTTP proxy on 127.0.0.1, counting the requests it forwards."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="test-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def record(self, method, uri):
        with self._lock:
            self.seen.append((method, uri))

    def stop(self):
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def proxy():
    forwarding = ForwardingProxy()
    yield forwarding
    forwarding.stop()


def test_http_proxy_is_used_unless_no_proxy_names_the_host(lab_factory, proxy):
    lab = lab_factory({"tst": "ACME_TST"})
    through_proxy = dict(RUN_ENV, HTTP_PROXY=proxy.url, http_proxy=proxy.url, NO_PROXY="", no_proxy="")

    first = lab.run(PROVISION, env=through_proxy)

    assert first.rc == 0, first
    first.assert_recap(tst={"changed": 1, "failed": 0})
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials
    origin = urllib.parse.urlsplit(lab.url).netloc
    assert len(proxy.seen) >= 4, proxy.seen
    assert all(urllib.parse.urlsplit(uri).netloc == origin for _method, uri in proxy.seen), proxy.seen
    # Every request DocBits saw came through the proxy, in the same order.
    assert [(method, urllib.parse.urlsplit(uri).path) for method, uri in proxy.seen] == [(entry["method"], entry["path"]) for entry in lab.sim.requests]

    proxy.seen.clear()
    lab.sim.reset_stats()
    bypass = dict(through_proxy, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")

    second = lab.run(PROVISION, env=bypass)

    assert second.rc == 0, second
    second.assert_recap(tst={"changed": 0, "failed": 0})
    assert proxy.seen == [], "NO_PROXY=127.0.0.1 must bypass the proxy: %r" % proxy.seen
    assert [entry["path"] for entry in lab.sim.requests] == ["/configurations/get_configurations", "/configurations/download/1"]
