# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret value (cs, saak, sask, API key) in any output: diffs, -vvvv, failures, and error
answers in which DocBits echoes a secret back.

Every lab run also scans its stdout, stderr and recorded results (docbits_lab.Lab.run); these
tests add the runs most likely to leak and check that the scanner would see a leak."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE as CONFIGURE
from ansible_collections.docbits.infor.tests.support.docbits_lab import fingerprint, find_leaks, make_random_ionapi, random_token

PROVISION = "provision_ionapi.yml"


def assert_no_leak(lab, run):
    assert find_leaks(run.output, lab.secret_values) == []
    assert find_leaks(run.record_text, lab.secret_values) == []


def test_scanner_finds_what_it_looks_for(lab):
    """The two files hold three secrets each: the scanner must report all six, and a fragment of a key."""
    files = "".join(env.ionapi_file.read_text(encoding="utf-8") for env in lab.envs.values())
    found = find_leaks(files, lab.secret_values)
    assert len(found) == 6, found
    assert all(" cs " in label or " saak " in label or " sask " in label for label in found)
    assert len(find_leaks("x%sx" % lab["tst"].api_key[10:30], lab.secret_values)) == 1


def test_diff_shows_fingerprints_and_no_secret(lab):
    check = lab.run(PROVISION, "--check", "--diff")

    assert check.rc == 0, check
    assert lab.sim.writes == 0
    assert "--- before" in check.stdout and "+++ after" in check.stdout
    for env in lab.envs.values():
        expected = fingerprint(env.credentials)
        assert '+    "fingerprint": "%s"' % expected in check.stdout
        diff = check.result("ionapi", env.name)["result"]["diff"]
        assert diff["before"] == {}
        assert diff["after"]["fingerprint"] == expected
        shown = diff["after"]["ion_api"]
        for key in ("cs", "saak", "sask"):
            assert shown[key].startswith("<secret sha256:"), shown[key]
        assert dict((k, v) for k, v in shown.items() if k not in ("cs", "saak", "sask")) == dict(
            (k, v) for k, v in env.credentials.items() if k not in ("cs", "saak", "sask")
        )
    assert_no_leak(lab, check)

    upload = lab.run(PROVISION, "--diff")

    assert upload.rc == 0, upload
    assert lab.sim.writes == 2
    for env in lab.envs.values():
        assert fingerprint(env.credentials) in upload.stdout
    old = fingerprint(lab["tst"].credentials)
    old_cs = upload.result("ionapi", "tst")["result"]["diff"]["after"]["ion_api"]["cs"]
    new = fingerprint(lab["tst"].rotate())

    for args in (("--check", "--diff"), ("--diff",)):
        rotation = lab.run(PROVISION, *args)

        assert rotation.rc == 0, rotation
        rotation.assert_recap(tst={"changed": 1}, prd={"changed": 0})
        assert '-    "fingerprint": "%s"' % old in rotation.stdout
        assert '+    "fingerprint": "%s"' % new in rotation.stdout
        assert '-        "cs": "%s"' % old_cs in rotation.stdout
        diff = rotation.result("ionapi", "tst")["result"]["diff"]
        assert diff["before"]["fingerprint"] == old and diff["after"]["fingerprint"] == new
        assert diff["before"]["ion_api"]["sask"] != diff["after"]["ion_api"]["sask"]
        assert diff["before"]["ion_api"]["ci"] == diff["after"]["ion_api"]["ci"]
        assert_no_leak(lab, rotation)
    assert lab.sim.writes == 3


@pytest.mark.parametrize("result_format", ["yaml", "json"])
def test_no_secret_at_vvvv_in_success_and_failure(lab, result_format):
    callback = {"ANSIBLE_CALLBACK_RESULT_FORMAT": result_format}
    success = lab.run(PROVISION, "-vvvv", "--diff", env=callback)

    assert success.rc == 0, success
    success.assert_recap(tst={"changed": 1}, prd={"changed": 1})
    # Local connection: the logic ran in the action plugin, no module was shipped.
    assert "AnsiballZ_ionapi" not in success.output
    assert "<secret sha256:" in success.stdout
    assert_no_leak(lab, success)
    assert len(find_leaks("".join(c["files"]["ION_API"].decode("utf-8") for c in lab.sim.configs()), lab.secret_values)) == 6

    lab["tst"].rotate()
    wrong_key = "dbk_" + random_token(40)
    lab.remember_secret("tst wrong api key", wrong_key)
    lab["tst"].vars["docbits_api_key"] = wrong_key
    lab["prd"].write(make_random_ionapi("ACME_TST"))

    failure = lab.run(PROVISION, "-vvvv", "--diff", env=callback)

    assert failure.rc == 2, failure
    failure.assert_recap(tst={"failed": 1}, prd={"failed": 1})
    assert "HTTP 401" in failure.result("ionapi", "tst")["result"]["msg"]
    assert "key 'ti'" in failure.result("ionapi", "prd")["result"]["msg"]
    assert_no_leak(lab, failure)


def _refused_with_echo(env):
    credentials = env.credentials
    body = {"success": False, "exception": {"detail": "Invalid ION API file: cs=%s sask=%s" % (credentials["cs"], credentials["sask"])}}
    return dict(path=CONFIGURE, method="POST", status=200, body=body)


def _unprocessable_with_echo(env):
    detail = [{"loc": ["body", "ion_api"], "msg": "saak %s is not allowed" % env.credentials["saak"], "type": "value_error"}]
    return dict(path=CONFIGURE, method="POST", status=422, body={"detail": detail})


def _server_error_with_echo(env):
    page = "<html><body><h1>Internal Server Error</h1><pre>key=%s sask=%s</pre></body></html>" % (env.api_key, env.credentials["sask"])
    return dict(path=CONFIGURE, method="POST", status=500, body=page, content_type="text/html", times=None)


def _form_encoded_echo(env):
    echoed = urlencode({"grant_type": "password", "username": env.credentials["saak"], "password": env.credentials["sask"]})
    return dict(path=CONFIGURE, method="POST", status=200, body={"success": False, "message": "Token request failed: %s" % echoed})


def _unauthorised_with_echo(env):
    return dict(path="*", status=401, body={"detail": "Invalid key %s" % env.api_key})


ECHOES = {
    "refused": (_refused_with_echo, "DocBits refused the request for environment 'tst' at POST %s: Invalid ION API file: cs=<redacted>" % CONFIGURE),
    "unprocessable": (_unprocessable_with_echo, "DocBits refused field(s) ion_api: saak <redacted> is not allowed for environment 'tst'"),
    "server-error": (_server_error_with_echo, "DocBits answered HTTP 500 for environment 'tst' at POST %s: Internal Server Error key=<redacted>" % CONFIGURE),
    "form-encoded": (
        _form_encoded_echo,
        "DocBits refused the request for environment 'tst' at POST %s: Token request failed: "
        "grant_type=password&username=<redacted>&password=<redacted>" % CONFIGURE,
    ),
    "unauthorised": (_unauthorised_with_echo, "DocBits refused the API key for environment 'tst' (HTTP 401"),
}


@pytest.mark.parametrize("echo", sorted(ECHOES))
def test_secret_echoed_by_docbits_is_redacted(lab_factory, echo):
    lab = lab_factory({"tst": "ACME_TST"})
    fault, expected = ECHOES[echo]
    lab.sim.add_fault(**fault(lab["tst"]))

    run = lab.run(PROVISION, "-vvvv", "--diff")

    assert run.rc == 2, run
    run.assert_recap(tst={"failed": 1, "changed": 0})
    message = run.result("ionapi", "tst")["result"]["msg"]
    assert message.startswith(expected), message
    assert lab.sim.writes == 0 and lab["tst"].stored_configs() == []
    assert_no_leak(lab, run)
