# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport: option checks, redaction and the retry policy (pure), then real HTTP on
127.0.0.1 against hostile servers: redirects, trickled and oversized answers, clear text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import re
import time
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError
from ansible_collections.docbits.infor.plugins.module_utils._redaction import REDACTED, excerpt, redact
from ansible_collections.docbits.infor.plugins.module_utils.option_checks import check_credential, check_url
from ansible_collections.docbits.infor.plugins.module_utils.transport import (
    ERROR_ANSWER_CAP,
    KIB,
    RETRY_POLICY,
    Answer,
    AnswerTooLarge,
    ClearTextRefused,
    NoAnswer,
    RedirectRefused,
    Transport,
    TransportError,
)
from ansible_collections.docbits.infor.plugins.module_utils.urls import origin_of
from ansible_collections.docbits.infor.tests.support.hostile_servers import MB, HostileFront, RecordingOrigin
from ansible_collections.docbits.infor.tests.support.builders import start_simulator, seeded_token
from ansible_collections.docbits.infor.tests.support.paths import REPO

KEY = "dbk_" + seeded_token("transport-key", 40)
OPENAPI = "/openapi.json"

pytestmark = pytest.mark.usefixtures("controlled_environment")


# --- the retry policy --------------------------------------------------------------------------------


def test_backoff_doubles_up_to_its_cap_and_jitter_stays_in_bounds():
    assert [RETRY_POLICY.backoff(attempt) for attempt in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    for attempt in range(6):
        delays = [RETRY_POLICY.delay(attempt) for _index in range(50)]
        assert all(RETRY_POLICY.backoff(attempt) <= delay <= RETRY_POLICY.backoff(attempt) + RETRY_POLICY.jitter for delay in delays)
        assert len(set(delays)) > 1, "no jitter"


def test_retry_after_wins_over_backoff_and_is_capped():
    assert RETRY_POLICY.retry_after({"Retry-After": "2"}) == 2
    assert RETRY_POLICY.retry_after({"Retry-After": "86400"}) == RETRY_POLICY.retry_after_cap == 30.0
    in_a_day = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 86400))
    assert RETRY_POLICY.retry_after({"Retry-After": in_a_day}) == RETRY_POLICY.retry_after_cap
    assert RETRY_POLICY.retry_after({"Retry-After": "soon"}) is None
    assert RETRY_POLICY.retry_after({}) is None
    assert 2 <= RETRY_POLICY.delay(5, retry_after=2) <= 2 + RETRY_POLICY.jitter
    assert RETRY_POLICY.delay(0, retry_after=3600) <= RETRY_POLICY.retry_after_cap + RETRY_POLICY.jitter


def test_the_docs_describe_the_policy_as_it_is():
    """README and the retries option are written from the policy's numbers: they must still match it."""
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    with open(os.path.join(REPO, "plugins", "doc_fragments", "connection.py"), encoding="utf-8") as handle:
        fragment = handle.read()
    statuses = ", ".join(str(status) for status in RETRY_POLICY.statuses[:-1]) + " and %d" % RETRY_POLICY.statuses[-1]
    numbers = (RETRY_POLICY.backoff_factor, RETRY_POLICY.backoff_max, RETRY_POLICY.jitter, RETRY_POLICY.retry_after_cap)
    for text in (readme, fragment):
        flat = " ".join(text.split())
        assert statuses in flat
        for number in numbers:
            assert "%g s" % number in flat, "%g s missing" % number


# --- checks before any request ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.docbits.com",
        "https://sandbox.api.docbits.com/sandbox-api",
        "http://127.0.0.1:8080",
        "http://127.3.2.1",
        "http://localhost:1234/base",
        "http://[::1]:8080",
    ],
)
def test_good_urls(url):
    check_url(url, "docbits_url")


@pytest.mark.parametrize(
    "url, rule",
    [
        ("https://api.docbits.com\r\nX-Injected: 1", "whitespace or control"),
        ("https://api.docbits.com/\n", "whitespace or control"),
        ("https://api.docbits .com", "whitespace or control"),
        ("https://api.docbits.com/\u202e", "whitespace or control"),
        ("https://user:s3cret-pass@api.docbits.com", "must not carry credentials"),
        ("ftp://api.docbits.com", "absolute http(s) URL"),
        ("api.docbits.com", "absolute http(s) URL"),
        ("https://api.docbits.com:99999", "port"),
        ("https://api.docbits.com/?key=s3cret-pass", "without query"),
        ("http://api.docbits.example.com", "clear text"),
        ("http://10.0.0.5:8080", "clear text"),
    ],
    ids=["crlf", "newline", "space", "bidi", "userinfo", "ftp", "no-scheme", "port", "query", "http-remote", "http-private-ip"],
)
def test_bad_urls_are_refused_without_echoing_them(url, rule):
    with pytest.raises(OptionError) as refused:
        check_url(url, "docbits_url")
    message = str(refused.value)
    assert message.startswith("docbits_url") and rule in message, message
    assert "s3cret" not in message and "Injected" not in message and "docbits .com" not in message


def test_http_refusal_says_why():
    with pytest.raises(OptionError) as refused:
        check_url("http://api.docbits.example.com", "docbits_url")
    assert "clear text" in str(refused.value) and "https://" in str(refused.value) and "example.com" not in str(refused.value)


@pytest.mark.parametrize(
    "value, hint",
    [
        (KEY + "\n", "ends with a line break: a YAML block scalar '|' adds one (use '|-')"),
        (KEY + "\r\n", "ends with a line break"),
        (KEY[:20] + "\r\n" + KEY[20:], "whitespace, control"),
        (KEY[:20] + "\n" + KEY[20:], "whitespace, control"),
        (KEY[:20] + " " + KEY[20:], "whitespace, control"),
        (KEY[:20] + "\t" + KEY[20:], "whitespace, control"),
        (" " + KEY, "whitespace, control"),
        (KEY[:20] + "\u00e9" + KEY[20:], "non-ASCII"),
        ("Bearer " + KEY, "starts with 'Bearer ': paste the key alone"),
        ("bearer\t" + KEY, "starts with 'Bearer '"),
        (" \n", "is empty"),
    ],
    ids=["trailing-lf", "trailing-crlf", "inner-crlf", "inner-lf", "inner-space", "tab", "leading-space", "non-ascii", "bearer", "bearer-tab", "blank"],
)
def test_bad_credentials_are_refused_with_a_hint_and_never_echoed(value, hint):
    with pytest.raises(OptionError) as refused:
        check_credential(value, "api_key", "DocBits API key")
    message = str(refused.value)
    assert message.startswith("api_key") and hint in message, message
    assert not re.search(r"[A-Za-z0-9_-]{16}", message.replace("api_key", "")), "a piece of the key in: %s" % message
    assert KEY[:16] not in message and KEY[-16:] not in message


def test_a_good_key_passes():
    check_credential(KEY, "api_key", "DocBits API key")
    check_credential(None, "api_key", "DocBits API key")


# --- redaction ----------------------------------------------------------------------------------

SECRET = "s3cr#t/with+specials&" + seeded_token("redaction", 40)


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET)[1:-1],
        repr(SECRET + "\n")[1:-1],
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(SECRET.encode()).decode().rstrip("="),
    ],
    ids=["raw", "url", "form", "json", "repr", "base64", "base64-unpadded"],
)
def test_every_form_of_a_secret_is_redacted(form):
    text = "echo: [%s] end" % form
    redacted = redact(text, [SECRET])
    assert redacted == "echo: [%s] end" % REDACTED or redacted.startswith("echo: [%s" % REDACTED), redacted
    assert seeded_token("redaction", 40)[:16] not in redacted


def test_a_key_with_a_newline_is_redacted_in_its_escaped_forms():
    key = KEY + "\n"
    for text in ("InvalidHeader: %r" % key, "value %s" % json.dumps(key), "raw %s" % key, "printable %s" % key.replace("\n", "\\u000a")):
        assert KEY not in redact(text, [key]) and KEY[:16] not in redact(text, [key]), text


def test_pieces_of_a_wrapped_secret_are_redacted():
    wrapped = seeded_token("piece-a", 30) + "\n " + seeded_token("piece-b", 30)
    text = "got %s and %s" % (seeded_token("piece-a", 30), seeded_token("piece-b", 30))
    assert redact(text, [wrapped]) == "got %s and %s" % (REDACTED, REDACTED)


def test_basic_auth_of_client_id_and_secret_is_redacted():
    pair = "ACME_TST~client:" + seeded_token("cs", 86)
    header = "Basic " + base64.b64encode(pair.encode()).decode()
    assert redact("Authorization: " + header, [pair]) == "Authorization: Basic " + REDACTED


def test_excerpt_drops_markup_escapes_controls_and_is_short():
    text = "<html><b>tenant ACME\u202eTST</b> " + SECRET + " " + "x" * 400 + "</html>"
    short = excerpt(text, [SECRET], limit=60)
    assert short.startswith("tenant ACME\\u202eTST " + REDACTED) and short.endswith("...") and len(short) == 63
    assert "<b>" not in short and "\u202e" not in short


def test_origin_is_scheme_host_and_port_only():
    assert origin_of("https://user:pw@evil.example.com/steal?key=s3cret#x") == "https://evil.example.com:443"
    assert origin_of("http://127.0.0.1:8081/a") == "http://127.0.0.1:8081"
    assert origin_of("https://[::1]/a") == "https://[::1]:443"


def test_deeply_nested_json_is_not_json():
    with pytest.raises(ValueError):
        Answer(200, {}, b"[" * 100000 + b"]" * 100000).json()


# --- over real HTTP on 127.0.0.1 ---------------------------------------------------------------


@pytest.fixture
def sim():
    simulator = start_simulator(api_keys={KEY: "acme"})
    yield simulator
    simulator.stop()


@pytest.fixture
def origin():
    recording = RecordingOrigin()
    yield recording
    recording.stop()


@pytest.fixture
def front(sim):
    hostile = HostileFront(sim.base_url)
    yield hostile
    hostile.stop()


def transport(**kwargs):
    kwargs.setdefault("timeout", 5)
    kwargs.setdefault("retries", 2)
    kwargs.setdefault("headers", {"X-API-KEY": KEY})
    kwargs.setdefault("secrets", (KEY,))
    return Transport(**kwargs)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_never_followed(front, origin, status):
    front.add_rule("redirect", OPENAPI, status=status, location=origin.url + "/steal/path?key=" + KEY)
    with transport() as http:
        with pytest.raises(RedirectRefused) as refused:
            http.request("POST", front.url + OPENAPI, data={"file": "content"})
    assert refused.value.status == status and refused.value.location_origin == origin.url
    assert "steal" not in str(refused.value) and KEY not in str(refused.value)
    assert origin.connections == [] and origin.requests == []
    assert len(front.seen) == 1, "a redirect is final, not retried"


def test_a_relative_redirect_names_the_same_origin(front):
    front.add_rule("redirect", OPENAPI, status=302, location="/elsewhere?x=1")
    with transport() as http, pytest.raises(RedirectRefused) as refused:
        http.request("GET", front.url + OPENAPI)
    assert refused.value.location_origin == front.url


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_a_trickled_answer_ends_at_the_deadline_of_each_try(front, monkeypatch, phase):
    waits = []
    monkeypatch.setattr(Transport, "wait", lambda self, attempt, retry_after=None: waits.append(attempt))
    front.add_rule("trickle", OPENAPI, phase=phase, interval=0.2)
    started = time.monotonic()
    with transport(timeout=0.5, retries=1) as http, pytest.raises(NoAnswer) as failed:
        http.request("GET", front.url + OPENAPI)
    elapsed = time.monotonic() - started
    assert failed.value.timed_out and failed.value.tries == 2 and "within 0.5 s" in str(failed.value)
    assert waits == [0]
    # 2 tries of 0.5 s; the trickle alone would take 2 x 1200 x 0.2 s.
    assert 0.95 <= elapsed < 6, elapsed
    assert [entry[2] for entry in front.seen] == ["trickle", "trickle"]


def test_a_kept_alive_connection_is_watched_too(front, sim):
    """The second request reuses the first one's socket: its deadline must still apply."""
    front.add_rule("trickle", OPENAPI, phase="body", interval=0.2, times=None)
    with transport(timeout=0.5, retries=0) as http:
        assert http.request("GET", front.url + "/_sim/stats").status == 200
        started = time.monotonic()
        with pytest.raises(NoAnswer):
            http.request("GET", front.url + OPENAPI)
        assert time.monotonic() - started < 4


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "streamed"])
def test_an_oversized_answer_is_refused_without_being_read(front, declare_length):
    front.add_rule("oversized", OPENAPI, size=200 * MB, declare_length=declare_length)
    with transport(retries=3) as http, pytest.raises(AnswerTooLarge) as refused:
        http.request("GET", front.url + OPENAPI, cap=64 * KIB)
    assert "64 KiB" in str(refused.value)
    assert len(front.seen) == 1, "an oversized answer is final"
    deadline = time.monotonic() + 10
    while not front.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    assert front.sent and front.sent[0] < 50 * MB, "the client read on: the server sent %d bytes" % front.sent[0]


def test_an_error_answer_is_cut_to_its_head_not_refused(sim):
    sim.add_fault(path=OPENAPI, status=404, body="e" * (ERROR_ANSWER_CAP * 3), times=None)
    with transport() as http:
        answer = http.request("GET", sim.base_url + OPENAPI, cap=1 * KIB)
    assert answer.status == 404 and len(answer.content) == ERROR_ANSWER_CAP


def test_transient_statuses_are_retried_with_the_policy(sim, monkeypatch):
    waits = []
    monkeypatch.setattr(Transport, "wait", lambda self, attempt, retry_after=None: waits.append((attempt, retry_after)))
    sim.add_faults([dict(path=OPENAPI, status=503), dict(path=OPENAPI, status=429, headers={"Retry-After": "7"})])
    with transport(retries=3) as http:
        answer = http.request("GET", sim.base_url + OPENAPI)
    assert answer.status == 200 and isinstance(answer.json(), dict)
    assert waits == [(0, None), (1, 7)]


def test_the_last_transient_answer_is_returned_to_the_caller(sim, monkeypatch):
    monkeypatch.setattr(Transport, "wait", lambda self, attempt, retry_after=None: None)
    sim.add_fault(path=OPENAPI, status=502, times=None)
    with transport(retries=2) as http:
        assert http.request("GET", sim.base_url + OPENAPI).status == 502
        assert http.request("GET", sim.base_url + OPENAPI, retry=False).status == 502
    assert len(sim.requests) == 4


def test_nothing_listening_is_no_answer_without_the_key(sim, monkeypatch):
    monkeypatch.setattr(Transport, "wait", lambda self, attempt, retry_after=None: None)
    url = sim.base_url
    sim.stop()
    with transport(retries=1) as http, pytest.raises(NoAnswer) as failed:
        http.request("GET", url + OPENAPI)
    assert failed.value.tries == 2 and not failed.value.timed_out and "refused" in str(failed.value).lower()
    assert KEY not in str(failed.value)


def test_clear_text_off_this_machine_is_refused_before_any_connection():
    with transport() as http, pytest.raises(ClearTextRefused) as refused:
        # Nothing resolves or listens there: a connection attempt would fail differently.
        http.request("GET", "http://api.docbits.example.com/configurations/get_configurations")
    assert "clear text" in str(refused.value)


def test_an_http_proxy_off_this_machine_is_refused_for_http(sim, monkeypatch, origin):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp.example.com:3128")
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "")
    with transport() as http, pytest.raises(ClearTextRefused) as refused:
        http.request("GET", sim.base_url + OPENAPI)
    assert "NO_PROXY" in str(refused.value)
    assert sim.requests == []
    # A proxy on this machine is fine: it does not leave it.
    monkeypatch.setenv("HTTP_PROXY", origin.url)
    with transport() as http:
        assert http.request("GET", sim.base_url + OPENAPI).status == 200
    assert len(origin.requests) == 1


def test_netrc_credentials_are_never_sent(origin, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password %s\n" % KEY, encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with transport(headers={}) as http:
        assert http.request("GET", origin.url + "/configurations/get_configurations").status == 200
    assert len(origin.requests) == 1 and "authorization" not in origin.requests[0].lower()


@pytest.mark.parametrize("value", [KEY + "\n", KEY + "\r\nX-Injected: 1", "\u00e9" + KEY])
def test_a_header_with_a_line_break_is_refused_by_the_transport_too(sim, value):
    with pytest.raises(TransportError) as refused:
        transport(headers={"X-API-KEY": value})
    assert "X-API-KEY" in str(refused.value) and KEY[:16] not in str(refused.value)
    with transport(headers={}) as http, pytest.raises(TransportError):
        http.request("GET", sim.base_url + OPENAPI, headers={"X-API-KEY": value})
    assert sim.requests == []


def test_basic_auth_is_built_and_its_base64_redacted(sim):
    sim.add_fault(path=OPENAPI, status=500, body="echo Authorization: Basic %s" % base64.b64encode(b"client:" + KEY.encode()).decode(), times=None)
    with transport(retries=0, headers={}) as http:
        answer = http.request("GET", sim.base_url + OPENAPI, basic_auth=("client", KEY))
        assert answer.status == 500
        assert http.excerpt(answer.text) == "echo Authorization: Basic " + REDACTED
