# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Through ansible-playbook: look-alike hosts and out-of-range transport options fail before any
request, transport failures are told in plain words naming docbits_url, and a proxy answering 407
is asked once per environment and named, never its credentials."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_LIST as LIST
from ansible_collections.docbits.infor.tests.support.builders import CA_BUNDLE_VARIABLES, PROXY_VARIABLES, seeded_token
from ansible_collections.docbits.infor.tests.support.hostile_servers import RefusingProxy

PROVISION = "provision_ionapi.yml"
CYRILLIC_O = "\u043e"


def failure(run, host):
    assert run.recap[host]["failed"] == 1, run
    return run.result("ionapi", host)["result"]["msg"]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_look_alike_hosts_and_out_of_range_options_fail_before_any_request(lab_factory):
    lab = lab_factory(
        {"lookalike": "ACME_LOOK", "pu": "ACME_PU", "timeout": "ACME_TIMEOUT", "retries": "ACME_RETRIES", "throttle": "ACME_THROTTLE", "closed": "ACME_CLOSED"}
    )
    lab["lookalike"].vars["docbits_url"] = "https://api.d%scbits.com" % CYRILLIC_O
    credentials = dict(lab["pu"].credentials, pu=lab["pu"].credentials["pu"].replace("mingle-sso", "mingle-ss" + CYRILLIC_O))
    lab["pu"].write(credentials)
    lab["timeout"].vars["docbits_timeout"] = 10000000000
    lab["retries"].vars["docbits_retries"] = 11
    lab["throttle"].vars["docbits_throttle"] = 100000000
    closed = "http://127.0.0.1:%d" % closed_port()
    lab["closed"].vars.update(docbits_url=closed, docbits_retries=0)

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(**dict((name, {"failed": 1, "changed": 0}) for name in lab.envs))
    look = failure(run, "lookalike")
    assert "docbits_url: the host 'api.d\\u043ecbits.com' (punycode api.xn--dcbits-wqf.com) is not plain ASCII" in look, look
    pu = failure(run, "pu")
    assert "key 'pu': the host 'mingle-ss\\u043e.eu1.inforcloudsuite.com' (punycode xn--mingle-ss-" in pu, pu
    assert run.result("ionapi", "pu")["result"]["rule"] == "host-not-ascii"
    # Named as the inventory names them.
    assert "docbits_timeout (option timeout) is 10000000000: it must be from 1 to 3600 seconds" in failure(run, "timeout")
    assert "docbits_retries (option retries) is 11: it must be from 0 to 10" in failure(run, "retries")
    assert "docbits_throttle (option concurrency_limit) is 100000000: it must be from 0 to 1000" in failure(run, "throttle")
    plain = failure(run, "closed")
    assert "DocBits did not answer for environment 'closed' at POST %s after 0 retries: the connection was refused" % LIST in plain, plain
    assert "(docbits_url %s)" % closed in plain
    for internal in ("NewConnectionError", "Watched", "HTTPConnection(", "MaxRetryError", "_PyTime_t"):
        assert internal not in run.output, internal
    # What the terminal shows is escaped: the look-alike letter never appears as itself.
    assert CYRILLIC_O not in run.output
    assert lab.sim.requests == [] and lab.sim.writes == 0


@pytest.fixture
def proxy():
    refusing = RefusingProxy()
    yield refusing
    refusing.stop()


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_proxy_answering_407_is_asked_once_per_environment_and_named(lab_factory, pki, proxy, scheme):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    if scheme == "https":
        lab.sim.stop()
        lab.url = lab.sim.start(host="127.0.0.1", port=0, tls=pki.server)
    for env in lab.envs.values():
        env.vars.update(docbits_url=lab.url, docbits_ca_path=pki.ca, docbits_retries=3)
    password = "pr0xy-" + seeded_token("integration-proxy", 24)
    lab.remember_secret("proxy password", password)
    proxy_url = proxy.url_with("corp-user", password)
    env = dict(
        [(name, "") for name in PROXY_VARIABLES + CA_BUNDLE_VARIABLES],
        HTTPS_PROXY=proxy_url,
        https_proxy=proxy_url,
        HTTP_PROXY=proxy_url,
        http_proxy=proxy_url,
        NO_PROXY="",
        no_proxy="",
    )

    run = lab.run(PROVISION, env=env)

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0}, prd={"failed": 1, "changed": 0})
    assert len(proxy.seen) == 2, "a 407 is final: one request per environment, not %d" % len(proxy.seen)
    for name in ("tst", "prd"):
        message = failure(run, name)
        assert message.startswith("no request reached DocBits for environment '%s' at POST %s" % (name, LIST)), message
        assert "the proxy http://127.0.0.1:%d refused to authenticate the request (HTTP 407" % proxy.server_address[1] in message
        assert "%s_PROXY" % scheme.upper() in message and "corp-user" not in message
    assert lab.sim.requests == [] and lab.sim.writes == 0
