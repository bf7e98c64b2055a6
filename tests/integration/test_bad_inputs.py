# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad inputs, one inventory host each, all provisioned by ONE ansible-playbook run.

Every bad host has its own DocBits organisation and API key. File-level and option-level cases
talk to the lab's simulator; each server-level case gets a simulator of its own (fault rules
match by path, not by organisation), so no fault reaches another host. Each case must fail
with a message naming the file, the option or the environment AND the rule broken, print no
secret, and leave DocBits unchanged (no write; no request at all when the failure comes
before the network). The good hosts in the same run must be provisioned all the same.

The run is shared by every test of this module, also across pytest-xdist workers: the first
worker to need it runs it under a file lock and leaves a JSON summary for the others.
"""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import json
import os
import time
from typing import Callable

import pytest
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, Lab, find_leaks, make_random_ionapi, random_token
from docbits_simulator import DocBitsSimulator

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE, PATH_DOWNLOAD, PATH_LIST, PATH_OPENAPI
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import MAX_BYTES
from ansible_collections.docbits.infor.tests.support.builders import only

PROVISION = "provision_ionapi.yml"
FORKS = "10"
LIST = PATH_LIST
CONFIGURE = PATH_CONFIGURE
DOWNLOAD = PATH_DOWNLOAD.split("{", 1)[0]
# Before its first write to a DocBits URL, a run reads the live contract (contract_check: auto).
PREFLIGHT = ("GET", PATH_OPENAPI, 200)
SERVER_RETRIES = 2
SHARED_RESULT = "docbits-bad-inputs.json"


@dataclasses.dataclass
class Case:
    """One bad input: how to spoil a host, which task must fail, and what its message must say.

    kind: "file" (the task fails before any request, naming the file), "option" (it fails naming
    `names`) or "server" (it fails against the host's own simulator, naming the environment).
    `calls`: the exact (method, path, status) requests DocBits must see; None means no request at all."""

    name: str
    kind: str
    prepare: Callable
    expect: list
    names: str | None = None
    calls: list | None = None
    task = "ionapi"


CASES = []


def case(name, kind, *expect, names=None, calls=None):
    """Register the decorated function as the preparation of a bad-input case."""

    def register(prepare):
        CASES.append(Case(name, kind, prepare, list(expect), names=names, calls=calls))
        return prepare

    return register


def put(env, data):
    """Write raw bytes as the host's .ionapi file (0600)."""
    env.ionapi_file.parent.mkdir(parents=True, exist_ok=True)
    env.ionapi_file.write_bytes(data)
    env.ionapi_file.chmod(0o600)


def text_of(credentials):
    return json.dumps(credentials, indent=4)


def without(credentials, *keys):
    return dict((key, value) for key, value in credentials.items() if key not in keys)


# ---------------------------------------------------------------------------- file-level cases


@case("missing-path", "file", "no such file")
def _missing_path(lab, env):
    env.vars["ionapi_file"] = str(lab.directory / "files" / "nowhere" / "absent.ionapi")


@case("directory", "file", "is a directory, not an .ionapi file")
def _directory(lab, env):
    folder = lab.directory / "files" / "a-directory.ionapi"
    folder.mkdir(parents=True)
    env.vars["ionapi_file"] = str(folder)


@case("fifo", "file", "not a regular file")
def _fifo(lab, env):
    path = lab.directory / "files" / "a-fifo.ionapi"
    os.mkfifo(path, 0o600)
    env.vars["ionapi_file"] = str(path)


@case("empty", "file", "the file is empty")
def _empty(_lab, env):
    put(env, b"")


@case("over-size-limit", "file", "over the %d-byte limit" % MAX_BYTES)
def _over_size_limit(_lab, env):
    put(env, text_of(env.credentials).encode("utf-8") + b" " * MAX_BYTES)


@case("binary", "file", "the file is binary")
def _binary(_lab, env):
    put(env, b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)))


@case("utf16-bom", "file", "UTF-16 encoded")
def _utf16_bom(_lab, env):
    put(env, text_of(env.credentials).encode("utf-16"))


@case("utf16le-no-bom", "file", "UTF-16 encoded")
def _utf16le_no_bom(_lab, env):
    put(env, text_of(env.credentials).encode("utf-16-le"))


@case("invalid-utf8", "file", "not valid UTF-8 (byte")
def _invalid_utf8(_lab, env):
    put(env, text_of(env.credentials).encode("utf-8").replace(b'"DocBits_', b'"DocBits_\xff\xfe', 1))


@case("latin1", "file", "not valid UTF-8 (byte")
def _latin1(_lab, env):
    # As a Windows editor saves it: "é" as the single byte 0xE9.
    put(env, json.dumps(dict(env.credentials, cn="DocBits_Fr\u00e9d\u00e9ric"), indent=4, ensure_ascii=False).encode("latin-1"))


@case("truncated-json", "file", "invalid JSON at line")
def _truncated_json(_lab, env):
    text = text_of(env.credentials)
    put(env, text[: len(text) // 2].encode("utf-8"))


@case("trailing-garbage", "file", "invalid JSON at line", "Extra data")
def _trailing_garbage(_lab, env):
    put(env, (text_of(env.credentials) + '\n{"ti": "again"}\n').encode("utf-8"))


@case("nan-constant", "file", "NaN is not valid JSON")
def _nan_constant(_lab, env):
    put(env, text_of(env.credentials).replace('"dt": "12"', '"dt": NaN').encode("utf-8"))


@case("duplicate-key", "file", "key 'cs': appears more than once")
def _duplicate_key(lab, env):
    second = random_token(86)
    lab.remember_secret("%s second cs" % env.name, second)
    text = text_of(env.credentials)
    put(env, (text[: text.rindex("}")].rstrip() + ',\n    "cs": "%s"\n}\n' % second).encode("utf-8"))


@case("top-level-array", "file", "the top level must be a JSON object, found an array")
def _top_level_array(_lab, env):
    put(env, json.dumps([env.credentials], indent=4).encode("utf-8"))


@case("number-ti", "file", "key 'ti': must be a string, found a number")
def _number_ti(_lab, env):
    env.write(dict(env.credentials, ti=12345))


@case("null-cs", "file", "key 'cs': must be a string, found null")
def _null_cs(_lab, env):
    env.write(dict(env.credentials, cs=None))


@case("empty-ci", "file", "key 'ci': must not be empty")
def _empty_ci(_lab, env):
    env.write(dict(env.credentials, ci=""))


@case("whitespace-value", "file", "key 'ci': has leading or trailing whitespace")
def _whitespace_value(_lab, env):
    env.write(dict(env.credentials, ci=env.credentials["ci"] + " "))


@case("http-iu", "file", "key 'iu': must be an absolute https:// URL (found scheme 'http')")
def _http_iu(_lab, env):
    env.write(dict(env.credentials, iu=env.credentials["iu"].replace("https://", "http://")))


@case("http-pu", "file", "key 'pu': must be an absolute https:// URL (found scheme 'http')")
def _http_pu(_lab, env):
    env.write(dict(env.credentials, pu=env.credentials["pu"].replace("https://", "http://")))


@case("relative-pu", "file", "key 'pu': must be an absolute https:// URL (found scheme 'none')")
def _relative_pu(_lab, env):
    env.write(dict(env.credentials, pu="%s/as/" % env.tenant))


@case("pu-without-slash", "file", "key 'pu': must end with '/'")
def _pu_without_slash(_lab, env):
    env.write(dict(env.credentials, pu=env.credentials["pu"].rstrip("/")))


@case("web-app-download", "file", "key 'ru'", "a Web Application download", "Create Service Account")
def _web_app_download(_lab, env):
    env.write(dict(without(env.credentials, "saak", "sask"), ru="https://docbits.example.com/oauth/callback"))


@case("mobile-download", "file", "key 'saak'", "a Mobile / Native application download", "Create Service Account")
def _mobile_download(_lab, env):
    env.write(without(env.credentials, "saak", "sask", "dt", "v"))


@case("client-credentials-download", "file", "key 'saak'", "client-credentials grant", "Create Service Account")
def _client_credentials_download(_lab, env):
    env.write(only(env.credentials, "cn", "ci", "cs", "pu", "ot"))


@case("service-account-csv", "file", "looks like a CSV file", "Create Service Account")
def _service_account_csv(_lab, env):
    put(env, ("Access Key,Secret Key\n%s,%s\n" % (env.credentials["saak"], env.credentials["sask"])).encode("utf-8"))


@case("private-jwt-key-file", "file", "looks like a private-JWT key file", "Create Service Account")
def _private_jwt_key_file(lab, env):
    private = random_token(342)
    lab.remember_secret("%s jwt private exponent" % env.name, private)
    key = {"kty": "RSA", "kid": "ionapi-bridge-private-jwt-1", "alg": "RS256", "use": "sig", "e": "AQAB", "n": random_token(342), "d": private}
    put(env, json.dumps(key, indent=2).encode("utf-8"))


@case("json-without-ionapi-keys", "file", "none of the ION API keys")
def _json_without_ionapi_keys(_lab, env):
    put(env, json.dumps({"name": "DocBits settings", "version": 3, "exports": ["idm"]}, indent=2).encode("utf-8"))


@case("tenant-mismatch", "file", "key 'ti'", "is for Infor tenant 'BAD_PRD'", "expects 'BAD_TST'")
def _tenant_mismatch(_lab, env):
    env.write(make_random_ionapi("BAD_PRD"))


@case("missing-saak-only", "file", "key 'saak': is required but missing")
def _missing_saak_only(_lab, env):
    env.write(without(env.credentials, "saak"))


@case("vault-wrong-password", "file", "Vault-encrypted and could not be decrypted", "vault password")
def _vault_wrong_password(lab, env):
    # The run gets the lab's Vault password file (see the good-vault host); this file has another password.
    password = random_token(32)
    lab.remember_secret("%s other vault password" % env.name, password)
    vault = VaultLib([("default", VaultSecret(password.encode("utf-8")))])
    put(env, vault.encrypt(env.ionapi_file.read_bytes()))


# ---------------------------------------------------------------------------- option-level cases


@case("export-method-unknown", "option", "must be one of", "got: infor-foo-cloud", names="export_method")
def _export_method_unknown(_lab, env):
    env.vars["docbits_export_method"] = "infor-foo-cloud"


@case("url-without-scheme", "option", "must be an absolute http(s) URL", "(got no scheme)", names="docbits_url")
def _url_without_scheme(lab, env):
    # The simulator's own address: it would answer, were a request sent.
    env.vars["docbits_url"] = lab.url.split("://", 1)[1]


@case("url-ftp", "option", "must be an absolute http(s) URL", "(got scheme 'ftp')", names="docbits_url")
def _url_ftp(lab, env):
    env.vars["docbits_url"] = "ftp://" + lab.url.split("://", 1)[1]


@case("url-with-credentials", "option", "must not carry credentials", names="docbits_url")
def _url_with_credentials(lab, env):
    password = random_token(24)
    lab.remember_secret("%s url password" % env.name, password)
    env.vars["docbits_url"] = lab.url.replace("://", "://admin:%s@" % password, 1)


def setting(variable, value):
    """The preparation of a case that sets one inventory variable of its host, and nothing else."""

    def prepare(_lab, env):
        env.vars[variable] = value

    return prepare


# Options refused for their value alone: (case, what the message says, option it names, variable, value).
for _name, _expect, _names, _variable, _value in (
    ("api-key-empty", "is empty", "api_key", "docbits_api_key", ""),
    ("timeout-zero", "is 0: it must be from 1 to 3600 seconds", "timeout", "docbits_timeout", 0),
    ("timeout-too-large", "is 10000000000: it must be from 1 to 3600 seconds", "timeout", "docbits_timeout", 10000000000),
    ("retries-negative", "is -1: it must be from 0 to 10", "retries", "docbits_retries", -1),
    ("retries-too-many", "is 11: it must be from 0 to 10", "retries", "docbits_retries", 11),
    ("throttle-too-large", "is 1000000000: it must be from 0 to 1000", "concurrency_limit", "docbits_throttle", 1000000000),
    (
        "url-look-alike-host",
        "the host 'd\\u043ecbits.example' (punycode xn--dcbits-wqf.example) is not plain ASCII",
        "docbits_url",
        "docbits_url",
        "https://d\u043ecbits.example",
    ),
    ("validate-certs-not-bool", "bool", "validate_certs", "docbits_validate_certs", "perhaps"),
):
    case(_name, "option", _expect, names=_names)(setting(_variable, _value))


@case("ca-path-missing", "option", "no-such-ca.pem", names="ca_path")
def _ca_path_missing(lab, env):
    # Checked before any connection: the scheme is https, the shared simulator (plain HTTP) sees nothing.
    env.vars["docbits_url"] = lab.url.replace("http://", "https://", 1)
    env.vars["docbits_ca_path"] = str(lab.directory / "no-such-ca.pem")


@case("config-id-unknown", "option", "does not exist in this DocBits organisation", names="config_id 987654", calls=[("POST", LIST, 200)])
def _config_id_unknown(_lab, env):
    env.vars["docbits_config_id"] = 987654


# ---------------------------------------------------------------------------- server-level cases


def own_simulator(env, known=True):
    """A simulator serving only this host (its key known, unless `known` is false: a revoked key)."""
    sim = DocBitsSimulator(api_keys={env.api_key: env.org} if known else {})
    env.vars["docbits_url"] = sim.start(host="127.0.0.1", port=0)
    return sim


@case("html-200-on-list", "server", "with HTTP 200 but not the JSON expected", "proxy", "Access denied by policy", calls=[("POST", LIST, 200)])
def _html_200_on_list(_lab, env):
    sim = own_simulator(env)
    page = "<html><head><title>Proxy</title></head><body><h1>Access denied by policy</h1></body></html>"
    sim.add_fault(path=LIST, status=200, body=page, content_type="text/html", times=None)
    return sim


@case(
    "success-false-on-configure",
    "server",
    "DocBits refused the request",
    "at POST %s" % CONFIGURE,
    "Export target quota reached",
    calls=[("POST", LIST, 200), PREFLIGHT, ("POST", CONFIGURE, 200), ("POST", LIST, 200)],
)
def _success_false_on_configure(_lab, env):
    sim = own_simulator(env)
    sim.add_fault(path=CONFIGURE, status=200, body={"success": False, "exception": {"detail": "Export target quota reached"}}, times=None)
    return sim


@case(
    "422-on-configure",
    "server",
    "DocBits refused field(s) title: ensure this value has at most 64 characters",
    "HTTP 422",
    calls=[("POST", LIST, 200), PREFLIGHT, ("POST", CONFIGURE, 422), ("POST", LIST, 200)],
)
def _unprocessable_on_configure(_lab, env):
    sim = own_simulator(env)
    detail = [{"loc": ["body", "title"], "msg": "ensure this value has at most 64 characters", "type": "value_error.any_str.max_length"}]
    sim.add_fault(path=CONFIGURE, status=422, body={"detail": detail}, times=None)
    return sim


@case("401-revoked-key", "server", "DocBits refused the API key", "HTTP 401", "check docbits_api_key (option api_key)", calls=[("POST", LIST, 401)])
def _revoked_key(_lab, env):
    return own_simulator(env, known=False)


@case(
    "500-persistent",
    "server",
    "DocBits answered HTTP 500",
    "at POST %s" % CONFIGURE,
    calls=[("POST", LIST, 200), ("GET", DOWNLOAD, 200), PREFLIGHT] + [("POST", CONFIGURE, 500)] * (SERVER_RETRIES + 1),
)
def _persistent_500(_lab, env):
    sim = own_simulator(env)
    # A previous generation of the file is stored; the update to the rotated one never gets through.
    sim.seed(
        env.org,
        {
            "title": env.vars["docbits_export_title"],
            "doc_type": "INVOICE",
            "export_method": "infor-idm-cloud",
            "files": {"ION_API": text_of(env.credentials).encode("utf-8")},
        },
    )
    env.rotate()
    env.vars["docbits_retries"] = SERVER_RETRIES
    sim.add_fault(path=CONFIGURE, status=500, times=None)
    return sim


@case("403-wrong-org", "server", "no rights on this organisation", "HTTP 403", "check docbits_org_id (option org_id)", calls=[("POST", LIST, 403)])
def _wrong_org(_lab, env):
    sim = own_simulator(env)
    env.vars["docbits_org_id"] = "org-of-another-customer"
    return sim


GOOD = ("good", "good-mode-0644", "good-vault")


# ---------------------------------------------------------------------------- the one run


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def stored_files(sim, org):
    return dict((str(config["id"]), sha256(config["files"].get("ION_API", b""))) for config in sim.configs(org))


def task_view(run, module, host):
    found = run.results(module, host)
    assert len(found) <= 1, "%d %s results for %s" % (len(found), module, host)
    if not found:
        return None
    result = found[0]["result"]
    return {"status": found[0]["status"], "msg": str(result.get("msg", "")), "warnings": [str(w) for w in result.get("warnings", [])]}


def provision_all(directory):
    """Build the lab (one host per case and the good hosts), run the playbook once, summarise as JSON data."""
    names = [bad.name for bad in CASES] + list(GOOD)
    tenants = dict((name, "GOOD%d_TST" % index if name in GOOD else "BAD%02d_TST" % index) for index, name in enumerate(names))
    tenants["tenant-mismatch"] = "BAD_TST"
    lab = Lab(directory, tenants)
    own_sims = {}
    try:
        lab["good-mode-0644"].ionapi_file.chmod(0o644)
        lab.vault_encrypt(lab["good-vault"])
        for bad in CASES:
            sim = bad.prepare(lab, lab[bad.name])
            if sim is not None:
                own_sims[bad.name] = sim
        before = dict((name, stored_files(own_sims.get(name, lab.sim), env.org)) for name, env in lab.envs.items())

        started = time.monotonic()
        run = lab.run(PROVISION, "--forks", FORKS, env=RUN_ENV)
        duration = time.monotonic() - started

        hosts = {}
        for name, env in lab.envs.items():
            sim = own_sims.get(name)
            requests = sim.requests if sim is not None else env.requests()
            hosts[name] = {
                "path": env.vars["ionapi_file"],
                "tasks": {"ionapi": task_view(run, "ionapi", name)},
                "recap": run.recap.get(name),
                "requests": [[entry["method"], entry["path"], entry["status"]] for entry in requests],
                "writes": sim.writes if sim is not None else len(env.writes()),
                "stored_before": before[name],
                "stored_after": stored_files(sim or lab.sim, env.org),
                "stored_matches_file": [json.loads(config["files"]["ION_API"]) == env.credentials for config in (sim or lab.sim).configs(env.org)],
                "main_sim_requests": len(env.requests()),
            }
            hosts[name]["leaks"] = find_leaks(json.dumps(hosts[name]["tasks"]), lab.secret_values)
        return {
            "rc": run.rc,
            "duration": duration,
            "hosts": hosts,
            "secrets_watched": len(lab.secret_values),
            "leaks": find_leaks(run.output, lab.secret_values) + find_leaks(run.record_text, lab.secret_values),
            "main_sim_writes": lab.sim.writes,
        }
    finally:
        for sim in own_sims.values():
            sim.stop()
        lab.stop()


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    """The summary of the one run; under pytest-xdist, made by the first worker that asks for it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return provision_all(tmp_path_factory.mktemp("bad-inputs"))
    shared = tmp_path_factory.getbasetemp().parent / SHARED_RESULT
    with open(str(shared) + ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not shared.exists():
            try:
                data = provision_all(tmp_path_factory.mktemp("bad-inputs"))
            except Exception as exc:
                shared.write_text(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}), encoding="utf-8")
                raise
            shared.write_text(json.dumps(data), encoding="utf-8")
        data = json.loads(shared.read_text(encoding="utf-8"))
    if "error" in data:
        pytest.fail("the shared ansible-playbook run failed in another worker: %s" % data["error"])
    return data


# ---------------------------------------------------------------------------- the tests


def describe(host):
    return json.dumps(host, indent=1, sort_keys=True)


@pytest.mark.parametrize("bad", CASES, ids=[bad.name for bad in CASES])
def test_bad_input_fails_clearly_and_changes_nothing(outcome, bad):
    host = outcome["hosts"][bad.name]
    failed = host["tasks"][bad.task]
    assert failed is not None and failed["status"] == "failed", "%s: task %s did not fail\n%s" % (bad.name, bad.task, describe(host))
    message = failed["msg"]
    names = {"file": host["path"], "option": bad.names, "server": "environment '%s'" % bad.name}[bad.kind]
    for part in [names] + bad.expect:
        assert part in message, "%r not in the message of %s: %r" % (part, bad.name, message)
    assert host["leaks"] == [], "secret(s) in the result of %s: %s" % (bad.name, host["leaks"])
    assert host["recap"]["failed"] == 1 and host["recap"]["changed"] == 0, host["recap"]
    assert host["writes"] == 0, "%s: DocBits was written %d time(s)" % (bad.name, host["writes"])
    assert host["stored_after"] == host["stored_before"], "%s: the stored configurations changed" % bad.name
    expected_calls = [list(call) for call in bad.calls or []]
    seen = [[method, path if not path.startswith(DOWNLOAD) else DOWNLOAD, status] for method, path, status in host["requests"]]
    assert seen == expected_calls, "%s: requests %r, expected %r" % (bad.name, seen, expected_calls)
    if bad.kind == "server":
        assert host["main_sim_requests"] == 0, "a server-level case reached the shared simulator"


def test_persistent_500_leaves_the_stored_file_byte_identical(outcome):
    host = outcome["hosts"]["500-persistent"]
    assert len(host["stored_before"]) == 1, describe(host)
    assert host["stored_after"] == host["stored_before"]
    assert host["stored_matches_file"] == [False], "the rotated file must not have reached DocBits"


@pytest.mark.parametrize("name", GOOD)
def test_good_hosts_are_provisioned_in_the_same_run(outcome, name):
    host = outcome["hosts"][name]
    assert host["recap"]["failed"] == 0 and host["recap"]["changed"] == 1, describe(host)
    assert host["tasks"]["ionapi"]["status"] == "changed", describe(host)
    assert host["stored_matches_file"] == [True], describe(host)
    assert host["writes"] == 1
    permission_warnings = [warning for warning in host["tasks"]["ionapi"]["warnings"] if "group or others" in warning]
    if name == "good-mode-0644":
        assert len(permission_warnings) == 1, host["tasks"]["ionapi"]["warnings"]
        assert "mode 0644" in permission_warnings[0] and host["path"] in permission_warnings[0]
        assert "chmod 600" in permission_warnings[0]
    else:
        assert permission_warnings == [], "a 0600 or Vault-encrypted file must not earn the permission warning"


def test_summary(outcome):
    """The figures of the run (shown with -rA); globally: no bad write, no secret, one run."""
    bad_names = [bad.name for bad in CASES]
    writes_by_bad = sum(outcome["hosts"][name]["writes"] for name in bad_names)
    offline = [bad.name for bad in CASES if bad.calls is None]
    requests_before_network = sum(len(outcome["hosts"][name]["requests"]) for name in offline)
    failed_as_expected = sum(1 for bad in CASES if (outcome["hosts"][bad.name]["tasks"][bad.task] or {}).get("status") == "failed")
    print(
        "bad inputs tried: %d (%d file, %d option, %d server) in one ansible-playbook run of %d hosts (rc %d, %.1f s)"
        % (
            len(CASES),
            sum(1 for bad in CASES if bad.kind == "file"),
            sum(1 for bad in CASES if bad.kind == "option"),
            sum(1 for bad in CASES if bad.kind == "server"),
            len(outcome["hosts"]),
            outcome["rc"],
            outcome["duration"],
        )
    )
    print("bad inputs failing at the expected task: %d/%d" % (failed_as_expected, len(CASES)))
    print("writes seen for bad organisations: %d; requests for pre-network failures: %d" % (writes_by_bad, requests_before_network))
    print("writes on the shared simulator: %d (good hosts: %d)" % (outcome["main_sim_writes"], len(GOOD)))
    print("secrets printed: %d (of %d secret values watched)" % (len(outcome["leaks"]), outcome["secrets_watched"]))
    assert len(CASES) >= 30
    assert len(set(bad_names)) == len(bad_names)
    assert outcome["rc"] == 2
    assert writes_by_bad == 0 and requests_before_network == 0
    assert outcome["main_sim_writes"] == len(GOOD)
    assert outcome["leaks"] == []
