# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hosts, proxies and bounds: every printed value escaped, look-alike hosts refused with their
punycode, option bounds, transport failures in plain words naming docbits_url, and a proxy
answering 407 asked once, named (never its credentials), for DocBits and Infor alike."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import socket

import pytest
import requests
import urllib3

from ansible_collections.docbits.infor.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.docbits.infor.plugins.module_utils.arguments import CONCURRENCY_LIMIT_BOUNDS, check_concurrency_limit
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsClient, DocBitsError, DocBitsTransientError, client_from_params
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError, printable, punycode
from ansible_collections.docbits.infor.plugins.module_utils.infor_token import TokenCheckError, check_token
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import parse_ionapi
from ansible_collections.docbits.infor.plugins.modules import ionapi as ionapi_module
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import RETRIES_BOUNDS, TIMEOUT_BOUNDS, check_transport, check_url
from ansible_collections.docbits.infor.plugins.module_utils.transport import NoAnswer, ProxyRefused, Transport, transport_reason
from ansible_collections.docbits.infor.plugins.module_utils.urls import url_shown
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, seeded_token, start_auth_simulator, start_simulator
from ansible_collections.docbits.infor.tests.support.hostile_servers import RefusingProxy

KEY = "dbk_" + seeded_token("hosts-key", 40)
PROXY_PASSWORD = "pr0xy-" + seeded_token("proxy-password", 24)
# "docbits" with a Cyrillic o (U+043E): it looks the same, and is another domain.
LOOK_ALIKE = "api.d\u043ecbits.com"

pytestmark = pytest.mark.usefixtures("controlled_environment")


# --- printable ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("ACME_TST", "ACME_TST"),
        ("plain ASCII: ~!@#$%^&*()[]{}\\", "plain ASCII: ~!@#$%^&*()[]{}\\"),
        ("ACME_\u0422ST", "ACME_\\u0422ST"),
        ("caf\u00e9", "caf\\u00e9"),
        ("a\u202eb", "a\\u202eb"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("line\nbreak\ttab\x1b", "line\\u000abreak\\u0009tab\\u001b"),
        ("no\u00a0break", "no\\u00a0break"),
        ("emoji \U0001f600", "emoji \\U0001f600"),
    ],
    ids=["ascii", "ascii-punctuation", "cyrillic", "latin-accent", "bidi", "zero-width", "controls", "nbsp", "astral"],
)
def test_printable_escapes_everything_outside_printable_ascii(text, shown):
    assert printable(text) == shown
    assert printable(shown) == shown, "escaping twice must change nothing"


def test_two_tenants_that_look_alike_print_differently():
    real, fake = "ACME_TST", "ACME_\u0422ST"
    assert printable(real) != printable(fake)


def test_a_tenant_mismatch_shows_the_look_alike_escaped():
    credentials = make_seeded_ionapi("ACME_\u0422ST")
    with pytest.raises(Exception) as refused:
        parse_ionapi(dump(credentials), source="acme.ionapi", expected_tenant="ACME_TST")
    message = str(refused.value)
    assert (refused.value.rule, refused.value.key) == ("tenant-mismatch", "ti")
    assert "tenant 'ACME_\\u0422ST' but this environment expects 'ACME_TST'" in message, message
    assert message.isascii()


# --- look-alike hosts --------------------------------------------------------------------------


def test_punycode_is_the_dns_form_of_each_label():
    assert punycode(LOOK_ALIKE) == "api.xn--dcbits-wqf.com" == LOOK_ALIKE.encode("idna").decode("ascii")
    assert punycode("api.docbits.com") == "api.docbits.com"


@pytest.mark.parametrize(
    "url, shown",
    [
        ("https://%s" % LOOK_ALIKE, "'api.d\\u043ecbits.com' (punycode api.xn--dcbits-wqf.com)"),
        ("https://%s:8443/prod-api" % LOOK_ALIKE, "'api.d\\u043ecbits.com' (punycode api.xn--dcbits-wqf.com)"),
        ("https://API.D\u041eCBITS.COM", "'api.d\\u043ecbits.com' (punycode api.xn--dcbits-wqf.com)"),
        # DNS reads U+3002 as a dot: this is a host under evil.example.
        ("https://api.docbits.com\u3002evil.example", "'api.docbits.com\\u3002evil.example' (punycode api.docbits.com.evil.example)"),
    ],
    ids=["cyrillic-o", "with-port-and-path", "upper-case", "ideographic-dot"],
)
def test_docbits_url_with_a_non_ascii_host_is_refused_showing_its_punycode(url, shown):
    with pytest.raises(OptionError) as refused:
        check_url(url, "docbits_url")
    message = str(refused.value)
    assert message.startswith("docbits_url: the host %s is not plain ASCII" % shown), message
    assert message.isascii()


def test_a_non_ascii_host_fails_the_client_before_any_request():
    sim = start_simulator(api_keys={KEY: "acme"})
    try:
        params = dict(docbits_url="https://" + LOOK_ALIKE, api_key=KEY, timeout=5, retries=0, validate_certs=True)
        with pytest.raises(OptionError):
            client_from_params(params)
        assert sim.requests == []
    finally:
        sim.stop()


@pytest.mark.parametrize("key", ["iu", "pu"])
def test_an_ionapi_url_with_a_non_ascii_host_is_refused(key):
    credentials = make_seeded_ionapi("ACME_TST")
    credentials[key] = credentials[key].replace("mingle-", "m\u0456ngle-", 1)
    assert not credentials[key].isascii()
    with pytest.raises(Exception) as refused:
        parse_ionapi(dump(credentials), source="acme.ionapi")
    message = str(refused.value)
    assert (refused.value.rule, refused.value.key) == ("host-not-ascii", key)
    assert "xn--" in message and "\\u0456" in message and message.isascii(), message


# --- bounds ------------------------------------------------------------------------------------


def transport_params(**values):
    return dict(dict(timeout=30, retries=3, ca_path=None), **values)


@pytest.mark.parametrize(
    "option, value",
    [
        ("timeout", TIMEOUT_BOUNDS[0] - 1),
        ("timeout", TIMEOUT_BOUNDS[1] + 1),
        ("timeout", 10000000000),
        ("timeout", -5),
        ("retries", RETRIES_BOUNDS[0] - 1),
        ("retries", RETRIES_BOUNDS[1] + 1),
        ("retries", 10**12),
    ],
)
def test_transport_options_out_of_bounds_are_refused_naming_the_option_and_bounds(option, value):
    with pytest.raises(OptionError) as refused:
        check_transport(transport_params(**{option: value}))
    bounds = TIMEOUT_BOUNDS if option == "timeout" else RETRIES_BOUNDS
    assert str(refused.value).startswith("%s is %d: it must be from %d to %d" % (option, value, bounds[0], bounds[1])), str(refused.value)


@pytest.mark.parametrize(
    "values",
    [dict(timeout=TIMEOUT_BOUNDS[0]), dict(timeout=TIMEOUT_BOUNDS[1]), dict(retries=RETRIES_BOUNDS[0]), dict(retries=RETRIES_BOUNDS[1]), dict(retries=None)],
)
def test_transport_options_on_their_bounds_pass(values):
    check_transport(transport_params(**values))


def test_the_largest_timeout_allowed_is_usable_by_the_deadline():
    """The bug behind the bound: 10000000000 s failed inside the clock functions ("timestamp too large")."""
    with Transport(timeout=TIMEOUT_BOUNDS[1], retries=0) as http, pytest.raises(NoAnswer):
        http.request("GET", "http://127.0.0.1:%d/" % _closed_port())


@pytest.mark.parametrize("limit", [CONCURRENCY_LIMIT_BOUNDS[0] - 1, CONCURRENCY_LIMIT_BOUNDS[1] + 1, 10**9])
def test_concurrency_limit_out_of_bounds_is_refused(limit):
    with pytest.raises(OptionError) as refused:
        check_concurrency_limit(limit)
    assert str(refused.value).startswith("concurrency_limit is %d: it must be from 0 to %d" % (limit, CONCURRENCY_LIMIT_BOUNDS[1]))


@pytest.mark.parametrize("limit", [0, 1, CONCURRENCY_LIMIT_BOUNDS[1]])
def test_concurrency_limit_within_bounds_passes(limit):
    check_concurrency_limit(limit)


def test_the_docs_state_the_bounds():
    """The option docs are written from the bounds: they must still match them."""
    flat = " ".join(ModuleDocFragment.DOCUMENTATION.split())
    for bounds in (TIMEOUT_BOUNDS, RETRIES_BOUNDS):
        assert "From %d to %d; a value outside fails the task before any request." % bounds in flat
    assert "From %d to %d;" % CONCURRENCY_LIMIT_BOUNDS in " ".join(ionapi_module.DOCUMENTATION.split())


# --- transport failures in plain words ---------------------------------------------------------


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


INTERNAL_NAMES = ("NewConnectionError", "Watched", "HTTPConnection", "MaxRetryError", "object at 0x", "urllib3", "Errno")


def test_a_refused_connection_is_said_in_plain_words_naming_docbits_url():
    url = "http://127.0.0.1:%d/prod-api" % _closed_port()
    with DocBitsClient(url, api_key=KEY, retries=0, environment="acme_tst") as client, pytest.raises(DocBitsTransientError) as failed:
        client.list_configurations()
    message = str(failed.value)
    assert "the connection was refused" in message and "(docbits_url %s)" % url in message, message
    assert not [name for name in INTERNAL_NAMES if name in message], message


def test_a_host_that_does_not_resolve_is_said_in_plain_words():
    pool = urllib3.HTTPSConnectionPool("nowhere.invalid", 443)
    resolution = urllib3.exceptions.NameResolutionError("nowhere.invalid", pool, socket.gaierror(-2, "Name or service not known"))
    failure = requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(pool, "/x", resolution))
    reason = transport_reason(failure)
    assert reason.startswith("the host name does not resolve (DNS)"), reason
    assert not [name for name in INTERNAL_NAMES if name in reason], reason


def test_another_os_error_keeps_the_system_words_only():
    pool = urllib3.HTTPConnectionPool("10.0.0.1", 80)
    unreachable = OSError(113, "No route to host")
    connection = urllib3.exceptions.NewConnectionError(pool, "Failed to establish a new connection: [Errno 113] No route to host")
    connection.__context__ = unreachable
    reason = transport_reason(requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(pool, "/", connection)))
    assert reason == "the connection failed (No route to host)", reason


def test_url_shown_drops_user_info_only():
    assert url_shown("https://user:s3cret@api.docbits.com:8443/prod-api") == "https://api.docbits.com:8443/prod-api"
    assert url_shown("https://" + LOOK_ALIKE) == "https://api.d\\u043ecbits.com"


# --- a proxy answering 407 ---------------------------------------------------------------------


@pytest.fixture
def proxy():
    refusing = RefusingProxy()
    yield refusing
    refusing.stop()


def through(monkeypatch, proxy_url):
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, proxy_url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "")


def assert_names_the_proxy_only(message, proxy):
    assert "the proxy http://127.0.0.1:%d refused to authenticate the request (HTTP 407" % proxy.server_address[1] in message, message
    assert "HTTPS_PROXY" in message or "HTTP_PROXY" in message
    assert PROXY_PASSWORD not in message and "proxyuser" not in message, message


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_407_is_final_and_names_the_proxy_not_its_credentials(monkeypatch, proxy, scheme):
    """https:// is refused at CONNECT; http:// (a proxy on this machine) in the proxy's own answer."""
    through(monkeypatch, proxy.url_with("proxyuser", PROXY_PASSWORD))
    url = "%s://127.0.0.1:9/prod-api" % scheme
    with DocBitsClient(url, api_key=KEY, retries=3, environment="acme_tst") as client, pytest.raises(DocBitsError) as refused:
        client.list_configurations()
    message = str(refused.value)
    assert not isinstance(refused.value, DocBitsTransientError), "a 407 is final"
    assert len(proxy.seen) == 1, "a 407 must not be retried: %r" % proxy.seen
    assert_names_the_proxy_only(message, proxy)
    assert "DocBits answered" not in message and "no request reached DocBits for environment 'acme_tst'" in message, message
    assert "(docbits_url %s)" % url in message
    # The credentials were offered: the proxy refused them, and no form of them shows.
    offered = proxy.seen[0][2]
    assert offered == "Basic " + base64.b64encode(("proxyuser:" + PROXY_PASSWORD).encode()).decode()
    assert offered.split()[1] not in message


def test_a_407_at_connect_is_one_try_of_the_transport(monkeypatch, proxy):
    through(monkeypatch, proxy.url_with("proxyuser", PROXY_PASSWORD))
    with Transport(timeout=5, retries=5) as http, pytest.raises(ProxyRefused) as refused:
        http.request("GET", "https://api.docbits.com/openapi.json")
    assert refused.value.status == 407 and refused.value.proxy == "http://127.0.0.1:%d" % proxy.server_address[1]
    assert proxy.seen == [("CONNECT", "api.docbits.com:443", proxy.seen[0][2])]


def test_a_proxy_failing_the_tunnel_with_502_is_retried_as_no_answer(monkeypatch):
    failing = RefusingProxy(status=502)
    try:
        through(monkeypatch, failing.url)
        monkeypatch.setattr(Transport, "wait", lambda self, attempt, retry_after=None: None)
        with Transport(timeout=5, retries=2) as http, pytest.raises(NoAnswer) as failed:
            http.request("GET", "https://api.docbits.com/openapi.json")
        assert len(failing.seen) == 3 and "the proxy %s answered HTTP 502" % failing.url in str(failed.value)
    finally:
        failing.stop()


def test_the_token_check_through_a_407_proxy_names_the_proxy(monkeypatch, proxy, pki):
    auth = start_auth_simulator(pki)
    try:
        credentials = make_seeded_ionapi("ACME_TST", pu=auth.pu("ACME_TST"))
        auth.register(credentials)
        through(monkeypatch, proxy.url_with("proxyuser", PROXY_PASSWORD))
        with pytest.raises(TokenCheckError) as refused:
            check_token(parse_ionapi(dump(credentials), source="acme.ionapi"), source="files/\u0430cme.ionapi", ca_path=pki.ca, timeout=5)
        message = str(refused.value)
        assert message.startswith("files/\\u0430cme.ionapi: no token from %stoken.oauth2: the proxy" % credentials["pu"]), message
        assert_names_the_proxy_only(message, proxy)
        assert "never reached Infor" in message and len(proxy.seen) == 1 and auth.requests == []
        assert not [credentials[key] for key in ("cs", "saak", "sask") if credentials[key] in message]
    finally:
        auth.stop()
