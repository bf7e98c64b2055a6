# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Through ansible-playbook at -vvvv: a hostile network between the controller and DocBits.

Each inventory host meets its own hostile server (tests/support/hostile_servers.py) in front of
the lab's simulator: redirects to another origin, clear text to a remote host, bad API keys and
URLs, trickled answers, a 200 MB answer, a proxy's login page. Every run is scanned for secrets
by the lab; the tests assert what reached which server, that nothing was written, wall time
bounds and the controller's peak memory.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE as CONFIGURE, PATH_DOWNLOAD, PATH_LIST as LIST
from ansible_collections.docbits.infor.tests.support.hostile_servers import MB, HostileFront, RecordingOrigin

PROVISION = "provision_ionapi.yml"
DOWNLOAD = PATH_DOWNLOAD.format(config_id="*")
VERBOSE = "-vvvv"


@pytest.fixture
def servers():
    """Start hostile servers on 127.0.0.1: servers(HostileFront, upstream) or servers(RecordingOrigin); stopped after the test."""
    started = []

    def start(kind, *args):
        server = kind(*args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def failure(run, host):
    """The message of the host's failed ionapi task (the recap says it failed)."""
    assert run.recap[host]["failed"] == 1, run
    return run.result("ionapi", host)["result"]["msg"]


def seed_stored_file(lab, env):
    """The environment's configuration, already in DocBits with its current file: a run downloads it."""
    return lab.sim.seed(
        env.org,
        {
            "title": env.vars["docbits_export_title"],
            "doc_type": "INVOICE",
            "export_method": "infor-idm-cloud",
            "files": {"ION_API": json.dumps(env.credentials, indent=2)},
        },
    )


def test_no_request_reaches_another_origin_and_bad_options_send_nothing(lab_factory, servers):
    lab = lab_factory(
        {
            "r302": "ACME_R302",
            "r307": "ACME_R307",
            "plain": "ACME_PLAIN",
            "keylf": "ACME_KEYLF",
            "keycrlf": "ACME_KEYCRLF",
            "keyspace": "ACME_KEYSPACE",
            "bearer": "ACME_BEARER",
            "urlcrlf": "ACME_URLCRLF",
        }
    )
    origin = servers(RecordingOrigin)
    moved = origin.url + "/configurations/get_configurations?org_id=stolen&next=/x"
    front302 = servers(HostileFront, lab.url)
    front302.add_rule("redirect", LIST, status=302, location=moved)
    front307 = servers(HostileFront, lab.url)
    front307.add_rule("redirect", CONFIGURE, status=307, location=origin.url + CONFIGURE)
    lab["r302"].vars["docbits_url"] = front302.url
    lab["r307"].vars["docbits_url"] = front307.url
    lab["plain"].vars["docbits_url"] = "http://api.docbits.example.com"
    lab["urlcrlf"].vars["docbits_url"] = lab.url + "\r\nX-Injected: yes"
    key = dict((name, lab[name].api_key) for name in ("keylf", "keycrlf", "keyspace", "bearer"))
    lab["keylf"].vars["docbits_api_key"] = key["keylf"] + "\n"
    lab["keycrlf"].vars["docbits_api_key"] = key["keycrlf"][:20] + "\r\n" + key["keycrlf"][20:]
    lab["keyspace"].vars["docbits_api_key"] = key["keyspace"][:20] + " " + key["keyspace"][20:]
    lab["bearer"].vars["docbits_api_key"] = "Bearer " + key["bearer"]
    # Any plain-HTTP request to api.docbits.example.com would go through this proxy: the origin records it.
    run = lab.run(PROVISION, VERBOSE, env={"HTTP_PROXY": origin.url, "http_proxy": origin.url})

    assert run.rc == 2, run
    run.assert_recap(**dict((name, {"failed": 1, "changed": 0}) for name in lab.envs))
    assert origin.connections == [] and origin.requests == [], "requests reached another origin: %r" % origin.requests

    for name, status, endpoint in (("r302", 302, "POST " + LIST), ("r307", 307, "POST " + CONFIGURE)):
        message = failure(run, name)
        assert "at %s with a redirect (HTTP %d) to %s;" % (endpoint, status, origin.url) in message, message
        assert "set docbits_url to the final address" in message
        assert "stolen" not in message and "next=" not in message
    assert front302.seen == [("POST", LIST, "redirect")], "a redirect is final: %r" % front302.seen
    assert [(method, path) for method, path, kind in front307.seen if kind == "redirect"] == [("POST", CONFIGURE)]
    assert "clear text" in failure(run, "plain") and "https://" in failure(run, "plain")
    assert "docbits_url must not contain whitespace or control characters" in failure(run, "urlcrlf")
    # The key came from docbits_api_key: the message names that variable, and the module's option.
    assert "docbits_api_key (option api_key) ends with a line break: a YAML block scalar '|' adds one (use '|-')" in failure(run, "keylf")
    for name in ("keycrlf", "keyspace"):
        assert "docbits_api_key (option api_key) contains whitespace, control or non-ASCII characters" in failure(run, name)
    assert "docbits_api_key (option api_key) starts with 'Bearer ': paste the key alone" in failure(run, "bearer")
    assert "Injected" not in run.output

    # Refused before any request: DocBits saw the redirected hosts only (r307 listed, then nothing).
    reached = set(entry["org"] for entry in lab.sim.requests)
    assert reached <= {lab["r307"].org}, reached
    assert lab.sim.writes == 0 and all(lab[name].stored_configs() == [] for name in lab.envs)


def test_a_trickled_answer_fails_within_the_timeout_of_each_try(lab_factory, servers):
    lab = lab_factory({"headers": "ACME_HEADERS", "body": "ACME_BODY"})
    timeout, retries = 2, 1
    for phase in ("headers", "body"):
        front = servers(HostileFront, lab.url)
        front.add_rule("trickle", LIST, phase=phase, interval=1.0, times=None)
        lab[phase].vars.update(docbits_url=front.url, docbits_timeout=timeout, docbits_retries=retries)
        lab[phase].front = front

    started = time.monotonic()
    run = lab.run(PROVISION, VERBOSE)
    wall = time.monotonic() - started

    assert run.rc == 2, run
    for phase in ("headers", "body"):
        message = failure(run, phase)
        assert "DocBits did not answer for environment '%s' at POST %s after %d retries" % (phase, LIST, retries) in message, message
        assert "no complete answer within %d s" % timeout in message
        assert [kind for _method, _path, kind in lab[phase].front.seen] == ["trickle"] * (retries + 1)
    # timeout x (retries + 1) + backoff (0.5 s + 0.25 s jitter), plus Ansible's own start-up and a wide margin;
    # the trickled answers alone would take 1200 s each.
    bound = timeout * (retries + 1) + 0.75 + 60
    print("trickle: ansible-playbook wall time %.1f s (bound %.1f s, requests %d x %d s)" % (wall, bound, retries + 1, timeout))
    assert wall < bound, "the run took %.1f s" % wall
    assert lab.sim.writes == 0


def _measured_ansible_playbook(directory):
    """A stand-in for ansible-playbook that runs the real one in a fresh process and writes the peak
    RSS of its whole process tree (RUSAGE_CHILDREN: every reaped descendant) to rss.txt."""
    real = shutil.which("ansible-playbook")
    wrapper_dir = directory / "measured-bin"
    wrapper_dir.mkdir()
    wrapper = wrapper_dir / "ansible-playbook"
    wrapper.write_text(
        "#!%s\nimport resource, subprocess, sys\nrc = subprocess.call([%r] + sys.argv[1:])\n"
        "open(%r, 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\nsys.exit(rc)\n" % (sys.executable, real, str(directory / "rss.txt")),
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper_dir, directory / "rss.txt"


def _peak_rss_mb(rss_file):
    # ru_maxrss is in KiB on Linux.
    return int(rss_file.read_text(encoding="utf-8")) / 1024.0


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units differ off Linux")
def test_a_200_mb_answer_is_refused_with_flat_memory(lab_factory, servers, monkeypatch):
    lab = lab_factory({"streamed": "ACME_STREAMED", "declared": "ACME_DECLARED"})
    for name, declare_length in (("streamed", False), ("declared", True)):
        seed_stored_file(lab, lab[name])
        front = servers(HostileFront, lab.url)
        front.add_rule("oversized", DOWNLOAD, size=200 * MB, declare_length=declare_length, times=None)
        lab[name].vars["docbits_url"] = front.url
        lab[name].front = front
    wrapper_dir, rss_file = _measured_ansible_playbook(lab.directory)
    monkeypatch.setenv("PATH", str(wrapper_dir) + os.pathsep + os.environ["PATH"])

    run = lab.run(PROVISION, VERBOSE)
    peak = _peak_rss_mb(rss_file)

    assert run.rc == 2, run
    for name in ("streamed", "declared"):
        message = failure(run, name)
        assert "at GET /configurations/download/" in message and "with more than 64 KiB" in message and "proxy" in message, message
        assert [kind for _method, _path, kind in lab[name].front.seen].count("oversized") == 1, "an oversized answer is final"
        assert lab[name].front.sent and max(lab[name].front.sent) < 50 * MB
    print("oversized: peak RSS of the ansible-playbook process tree %.0f MB against a 200 MB answer" % peak)
    assert peak < 150, "peak RSS %.0f MB: the answer was read" % peak
    assert lab.sim.writes == 0


def test_a_proxy_page_on_download_or_list_fails_saying_so_and_writes_nothing(lab_factory, servers):
    lab = lab_factory({"pagelist": "ACME_PAGELIST", "pagedownload": "ACME_PAGEDL"})
    seed_stored_file(lab, lab["pagedownload"])
    lab["pagedownload"].rotate()  # the stored file differs: without the page, this run would upload
    for name, path in (("pagelist", LIST), ("pagedownload", DOWNLOAD)):
        front = servers(HostileFront, lab.url)
        front.add_rule("page", path, times=None)
        lab[name].vars["docbits_url"] = front.url

    run = lab.run(PROVISION, VERBOSE)

    assert run.rc == 2, run
    listed = failure(run, "pagelist")
    assert "at POST %s with HTTP 200 but not the JSON expected (wrong URL or a proxy?)" % LIST in listed, listed
    downloaded = failure(run, "pagedownload")
    assert "with HTTP 200 and an HTML page, not a stored file (a proxy in between?" in downloaded, downloaded
    assert "<form" not in listed + downloaded
    assert lab.sim.writes == 0
    assert not [entry for entry in lab.sim.requests if entry["path"] == CONFIGURE]
