# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""read_source, run_validate and client_from_params: what fails before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsClient, DocBitsError, client_from_params
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import MAX_BYTES, IonApiError
from ansible_collections.docbits.infor.plugins.module_utils.runner import read_source, run_info, run_ionapi, run_validate, source_path
from ansible_collections.docbits.infor.tests.support.builders import DELETE, dump, make_seeded_ionapi, secret_values, start_simulator

BASE = make_seeded_ionapi()


def write(path, data, mode=0o600):
    path.write_bytes(data)
    os.chmod(str(path), mode)
    return str(path)


@pytest.fixture
def ionapi_file(tmp_path):
    return write(tmp_path / "ACME_TST.ionapi", dump(BASE))


SIM_KEY = "sim-key-0123456789abcdef"
SIM_TOKEN = "sim-token-0123456789abcdef"


@pytest.fixture
def sim():
    simulator = start_simulator(api_keys={SIM_KEY: "acme"}, bearer_tokens={SIM_TOKEN: "acme"})
    yield simulator
    simulator.stop()


# --- read_source ------------------------------------------------------------------------------


def test_read_source_regular_0600_file(ionapi_file):
    read = read_source(ionapi_file)
    assert (read.data, read.warnings, read.source) == (dump(BASE), [], ionapi_file)


def test_read_source_missing_path(tmp_path):
    path = str(tmp_path / "nope.ionapi")
    with pytest.raises(OptionError) as info:
        read_source(path)
    assert "src '%s'" % path in str(info.value) and "no such file" in str(info.value)


def test_read_source_uses_the_label(tmp_path):
    with pytest.raises(OptionError) as info:
        read_source(str(tmp_path / "nope.ionapi"), label="files/tst.ionapi")
    assert "src 'files/tst.ionapi'" in str(info.value)


def test_read_source_dangling_symlink(tmp_path):
    link = tmp_path / "link.ionapi"
    os.symlink(str(tmp_path / "gone.ionapi"), str(link))
    with pytest.raises(OptionError) as info:
        read_source(str(link))
    assert "src '%s'" % link in str(info.value) and "cannot be read" in str(info.value)


def test_read_source_follows_a_symlink_to_a_file(tmp_path, ionapi_file):
    link = tmp_path / "link.ionapi"
    os.symlink(ionapi_file, str(link))
    assert read_source(str(link)).data == dump(BASE)


def test_read_source_directory(tmp_path):
    with pytest.raises(OptionError) as info:
        read_source(str(tmp_path))
    assert "is a directory" in str(info.value)


def test_read_source_fifo_is_not_regular(tmp_path):
    fifo = str(tmp_path / "pipe.ionapi")
    os.mkfifo(fifo)
    with pytest.raises(OptionError) as info:
        read_source(fifo)
    assert "src '%s'" % fifo in str(info.value) and "not a regular file" in str(info.value)


def test_read_source_dev_null_is_not_regular():
    with pytest.raises(OptionError) as info:
        read_source(os.devnull)
    assert "not a regular file" in str(info.value)


def test_read_source_over_size(tmp_path):
    path = write(tmp_path / "big.ionapi", b" " * (MAX_BYTES + 1))
    with pytest.raises(IonApiError) as info:
        read_source(path, label="big\u202e.ionapi")
    assert (info.value.rule, info.value.key) == ("too-large", None)
    assert str(info.value).startswith("big\\u202e.ionapi: the file has %d bytes" % (MAX_BYTES + 1)) and "limit" in str(info.value)


def test_read_source_escapes_the_file_name_in_messages(tmp_path):
    with pytest.raises(OptionError) as info:
        read_source(str(tmp_path / "missing.ionapi"), label="files/ACME_TST\u202e.ionapi")
    assert str(info.value) == "src 'files/ACME_TST\\u202e.ionapi': no such file"


def test_read_source_exactly_max_size(tmp_path):
    path = write(tmp_path / "big.ionapi", b" " * MAX_BYTES)
    assert len(read_source(path).data) == MAX_BYTES


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o601, 0o610])
def test_read_source_group_or_other_access_warns(tmp_path, mode):
    path = write(tmp_path / "open.ionapi", dump(BASE), mode)
    read = read_source(path)
    warnings = read.warnings
    assert read.data == dump(BASE)
    assert len(warnings) == 1
    assert "src '%s'" % path in warnings[0] and "%04o" % mode in warnings[0] and "chmod 600" in warnings[0]


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_read_source_owner_only_does_not_warn(tmp_path, mode):
    path = write(tmp_path / "closed.ionapi", dump(BASE), mode)
    assert read_source(path).warnings == []


def test_read_source_permission_warning_can_be_off(tmp_path):
    path = write(tmp_path / "open.ionapi", dump(BASE), 0o644)
    assert read_source(path, warn_permissions=False).warnings == []


# --- run_validate -------------------------------------------------------------------------------


def validate_params(**kwargs):
    params = {"src": None, "content": None, "expected_tenant": None}
    params.update(kwargs)
    return params


def test_run_validate_src(ionapi_file):
    result = run_validate(validate_params(src=ionapi_file, expected_tenant="ACME_TST"))
    assert result["changed"] is False
    assert result["tenant"] == "ACME_TST" and result["app_name"] == "DocBits_TST"
    assert result["fingerprint"].startswith("sha256:")
    assert result["warnings"] == []
    for secret in secret_values(BASE):
        assert secret not in repr(result)


def test_a_relative_src_is_taken_under_src_dir_and_an_absolute_one_is_kept(tmp_path, ionapi_file, monkeypatch):
    monkeypatch.chdir(str(tmp_path.parent))
    relative_dir = os.path.basename(str(tmp_path))

    assert source_path({"src": "ACME_TST.ionapi", "src_dir": relative_dir}) == os.path.realpath(ionapi_file)
    assert source_path({"src": ionapi_file, "src_dir": "/elsewhere"}) == ionapi_file
    assert source_path({"src": "ACME_TST.ionapi", "src_dir": None}) == "ACME_TST.ionapi"
    result = run_validate(validate_params(src="ACME_TST.ionapi", src_dir=relative_dir, expected_tenant="ACME_TST"))
    assert result["tenant"] == "ACME_TST"


def test_run_validate_src_reports_permission_warning_first(tmp_path):
    path = write(tmp_path / "open.ionapi", dump(make_seeded_ionapi(oa=DELETE)), 0o644)
    result = run_validate(validate_params(src=path))
    assert len(result["warnings"]) == 2
    assert "chmod 600" in result["warnings"][0] and "key 'oa' is missing" in result["warnings"][1]


def test_run_validate_content_matches_src(ionapi_file):
    by_content = run_validate(validate_params(content=dump(BASE).decode("utf-8")))
    by_src = run_validate(validate_params(src=ionapi_file))
    assert by_content == by_src


def test_run_validate_content_wins_over_src(ionapi_file):
    other = make_seeded_ionapi("ACME_PRD")
    result = run_validate(validate_params(content=dump(other).decode("utf-8"), src=ionapi_file))
    assert result["tenant"] == "ACME_PRD"


def test_run_validate_content_errors_name_content():
    with pytest.raises(IonApiError) as info:
        run_validate(validate_params(content=dump(BASE).decode("utf-8"), expected_tenant="ACME_PRD"))
    assert str(info.value).startswith("content: key 'ti'")


def test_run_validate_src_errors_name_the_path(tmp_path):
    path = write(tmp_path / "bad.ionapi", b"{")
    with pytest.raises(IonApiError) as info:
        run_validate(validate_params(src=path))
    assert str(info.value).startswith(path + ": ") and info.value.rule == "json-syntax"


def test_run_validate_empty_content_is_validated_not_ignored(ionapi_file):
    with pytest.raises(IonApiError) as info:
        run_validate(validate_params(content="", src=ionapi_file))
    assert info.value.rule == "empty"


def test_run_validate_needs_src_or_content():
    with pytest.raises(OptionError) as info:
        run_validate(validate_params())
    assert "src" in str(info.value) and "content" in str(info.value)


def test_run_validate_unreadable_src(tmp_path):
    with pytest.raises(OptionError) as info:
        run_validate(validate_params(src=str(tmp_path)))
    assert "src '%s'" % tmp_path in str(info.value) and "is a directory" in str(info.value)


# --- client_from_params -----------------------------------------------------------------------------


def connection_params(**kwargs):
    params = {
        "docbits_url": "https://api.docbits.com",
        "api_key": "k3y-value",
        "bearer_token": None,
        "org_id": None,
        "timeout": 30,
        "retries": 3,
        "validate_certs": True,
        "ca_path": None,
    }
    params.update(kwargs)
    return params


def refuse_option(option, secret=None, **kwargs):
    with pytest.raises(OptionError) as info:
        client_from_params(connection_params(**kwargs))
    message = str(info.value)
    assert option in message, message
    if secret:
        assert secret not in message, message
    return message


def test_client_from_valid_params():
    client = client_from_params(connection_params(docbits_url="https://sandbox.api.docbits.com/", org_id=12, environment_name="tst"))
    try:
        assert isinstance(client, DocBitsClient)
        assert client.base_url == "https://sandbox.api.docbits.com"
        assert client.org_id == "12"
        assert client.environment == "tst"
    finally:
        client.close()


def test_client_from_bearer_token(sim):
    with client_from_params(connection_params(docbits_url=sim.base_url, api_key=None, bearer_token=SIM_TOKEN)) as client:
        assert client.list_configurations() == []
    assert [(request["auth"], request["org"], request["status"]) for request in sim.requests] == [("bearer", "acme", 200)]


def test_client_accepts_plain_http_for_a_local_simulator_only(sim):
    assert sim.base_url.startswith("http://127.0.0.1:")
    with client_from_params(connection_params(docbits_url=sim.base_url, api_key=SIM_KEY)) as client:
        assert client.list_configurations() == []
    assert [request["status"] for request in sim.requests] == [200]
    refuse_option("docbits_url", docbits_url="http://api.docbits.com")


@pytest.mark.parametrize(
    "url",
    [
        "api.docbits.com",
        "ftp://api.docbits.com",
        "",
        None,
        "https://",
        "https:///configurations",
        "/api",
    ],
    ids=["no-scheme", "ftp", "empty", "none", "no-host", "path-only", "relative"],
)
def test_malformed_docbits_url(url):
    refuse_option("docbits_url", docbits_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:s3cr3tpw@api.docbits.com",
        "https://s3cr3tpw@api.docbits.com",
        "ftp://user:s3cr3tpw@api.docbits.com",
        "user:s3cr3tpw@api.docbits.com",
    ],
    ids=["https-user-password", "https-user", "ftp-user-password", "no-scheme-user-password"],
)
def test_docbits_url_with_credentials_is_refused_without_echoing_them(url):
    refuse_option("docbits_url", secret="s3cr3tpw", docbits_url=url)


@pytest.mark.parametrize("url", ["https://api.docbits.com/?key=1", "https://api.docbits.com/#top"], ids=["query", "fragment"])
def test_docbits_url_with_query_or_fragment(url):
    refuse_option("docbits_url", docbits_url=url)


@pytest.mark.parametrize("option", ["api_key", "bearer_token"])
@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "blank"])
def test_empty_credential(option, value):
    kwargs = {"api_key": None, option: value}
    refuse_option(option, **kwargs)


def test_no_credential_at_all():
    refuse_option("api_key", api_key=None, bearer_token=None)


@pytest.mark.parametrize("timeout", [0, -1])
def test_timeout_must_be_positive(timeout):
    refuse_option("timeout", timeout=timeout)


def test_retries_must_not_be_negative_and_zero_means_one_try(sim):
    refuse_option("retries", retries=-1)
    sim.add_fault(path="*", status=503, times=None)
    with client_from_params(connection_params(docbits_url=sim.base_url, api_key=SIM_KEY, retries=0)) as client:
        with pytest.raises(DocBitsError):
            client.list_configurations()
    assert len(sim.requests) == 1


# --- run_ionapi / run_info end to end (simulator) --------------------------------------------------


def ionapi_params(simulator_url, **kwargs):
    params = dict((name, spec.get("default")) for name, spec in IONAPI_SPEC.items())
    params.update(docbits_url=simulator_url, api_key=SIM_KEY, timeout=5, retries=1)
    params.update(kwargs)
    return params


def test_run_ionapi_present_then_unchanged_then_absent(sim, ionapi_file):
    params = ionapi_params(sim.base_url, src=ionapi_file, expected_tenant="ACME_TST")
    first = run_ionapi(dict(params, environment_name="acme_tst"))
    assert (first["changed"], first["action"], first["warnings"]) == (True, "create", [])
    second = run_ionapi(params)
    assert (second["changed"], second["action"], second["config_id"]) == (False, "none", first["config_id"])
    gone = run_ionapi(dict(params, state="absent"))
    assert (gone["changed"], gone["action"], gone["config_id"]) == (True, "delete", first["config_id"])
    assert sim.configs("acme") == []
    for result in (first, second, gone):
        for secret in secret_values(BASE):
            assert secret not in repr(result)


def test_run_ionapi_refuses_a_bad_file_before_any_request(sim):
    params = ionapi_params(sim.base_url, content=dump(make_seeded_ionapi("ACME_PRD")).decode("utf-8"), expected_tenant="ACME_TST")
    with pytest.raises(IonApiError) as info:
        run_ionapi(params)
    assert info.value.rule == "tenant-mismatch"
    assert sim.requests == []


def test_run_ionapi_absent_needs_no_file(sim):
    assert run_ionapi(ionapi_params(sim.base_url, state="absent"))["action"] == "none"


def test_run_ionapi_check_mode(sim):
    params = ionapi_params(sim.base_url, content=dump(BASE).decode("utf-8"))
    assert run_ionapi(params, check_mode=True)["changed"] is True
    assert sim.configs("acme") == [] and sim.writes == 0


def test_run_ionapi_passes_the_controller_files_warnings_through(sim, tmp_path):
    path = write(tmp_path / "open.ionapi", dump(BASE), 0o644)
    result = run_ionapi(ionapi_params(sim.base_url), controller_file=read_source(path))
    assert result["changed"] is True
    assert len(result["warnings"]) == 1 and "chmod 600" in result["warnings"][0]


def test_run_info_lists_without_secrets(sim):
    run_ionapi(ionapi_params(sim.base_url, content=dump(BASE).decode("utf-8")))
    info = run_info(dict(ionapi_params(sim.base_url), doc_type=None))
    assert info["changed"] is False
    [entry] = info["configurations"]
    assert entry["ionapi"]["tenant"] == "ACME_TST"
    for secret in secret_values(BASE):
        assert secret not in repr(info)
