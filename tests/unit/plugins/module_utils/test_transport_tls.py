# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client over HTTPS: the simulator serves a certificate of a CA generated here (trustme).

ca_path trusts that CA; the system CAs do not (a clear TLS failure naming ca_path, nothing
written); validate_certs=False skips verification; another CA, or a certificate for another
host name, is refused. The process environment is controlled: no proxy, and no CA bundle
variables unless a test sets them on purpose.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

import pytest
import requests

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DocBitsClient, DocBitsError, DocBitsTransientError
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_ionapi
from ansible_collections.docbits.infor.tests.support.builders import CA_BUNDLE_VARIABLES, dump, make_seeded_ionapi
from docbits_simulator import DocBitsSimulator  # pylint: disable=import-error

KEY = "tls-key-0123456789abcdef"
ORG = "acme"
ION = make_seeded_ionapi()
ENV_NAME = "acme_tst"
pytestmark = pytest.mark.usefixtures("controlled_environment")


def serve(pair):
    simulator = DocBitsSimulator(api_keys={KEY: ORG})
    simulator.start(host="127.0.0.1", port=0, tls=pair)
    return simulator


@pytest.fixture
def https_sim(pki):
    simulator = serve(pki.server)
    yield simulator
    simulator.stop()


@pytest.fixture
def ionapi_file(tmp_path):
    path = tmp_path / "ACME_TST.ionapi"
    path.write_bytes(dump(ION))
    os.chmod(str(path), 0o600)
    return str(path)


def params(url, src, **kwargs):
    values = dict((name, spec.get("default")) for name, spec in IONAPI_SPEC.items())
    values.update(docbits_url=url, api_key=KEY, src=src, expected_tenant="ACME_TST", timeout=5, retries=2, environment_name=ENV_NAME)
    values.update(kwargs)
    return values


def assert_tls_failure(simulator, error):
    message = str(error)
    assert "TLS" in message and "ca_path" in message, message
    assert "environment '%s'" % ENV_NAME in message, message
    assert KEY not in message and ION["cs"] not in message
    assert not isinstance(error, DocBitsTransientError), "a certificate problem is not transient: %r" % error
    # The handshake fails: DocBits never sees a request, so nothing can have changed.
    assert simulator.requests == [] and simulator.writes == 0 and simulator.configs(ORG) == []


def test_the_simulator_really_serves_https(https_sim, pki):
    assert https_sim.base_url.startswith("https://127.0.0.1:")
    answer = requests.get(https_sim.base_url + "/openapi.json", verify=pki.ca, timeout=5)
    assert answer.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(https_sim.base_url + "/openapi.json", verify=pki.other_ca, timeout=5)


def test_ca_path_trusts_the_generated_ca(https_sim, pki, ionapi_file):
    first = run_ionapi(params(https_sim.base_url, ionapi_file, ca_path=pki.ca))
    assert (first["changed"], first["action"]) == (True, "create")
    [config] = https_sim.configs(ORG)
    assert json.loads(config["files"]["ION_API"]) == ION
    assert https_sim.writes == 1

    again = run_ionapi(params(https_sim.base_url, ionapi_file, ca_path=pki.ca))
    assert (again["changed"], again["action"], again["config_id"]) == (False, "none", first["config_id"])
    assert https_sim.writes == 1


def test_localhost_name_is_covered_too(https_sim, pki):
    client = DocBitsClient(https_sim.base_url.replace("127.0.0.1", "localhost"), api_key=KEY, ca_path=pki.ca, timeout=5)
    try:
        assert client.list_configurations() == []
    finally:
        client.close()


def test_system_cas_do_not_trust_it(https_sim, ionapi_file):
    started = time.monotonic()
    with pytest.raises(DocBitsError) as failure:
        run_ionapi(params(https_sim.base_url, ionapi_file))
    assert_tls_failure(https_sim, failure.value)
    assert "CERTIFICATE_VERIFY_FAILED" in str(failure.value)
    assert time.monotonic() - started < 5, "a certificate failure must not be retried with backoff"


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_validate_certs_false_skips_verification(https_sim, ionapi_file):
    result = run_ionapi(params(https_sim.base_url, ionapi_file, validate_certs=False))
    assert (result["changed"], result["action"]) == (True, "create")
    assert json.loads(https_sim.configs(ORG)[0]["files"]["ION_API"]) == ION


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_validate_certs_false_wins_over_ca_path(https_sim, pki, ionapi_file):
    result = run_ionapi(params(https_sim.base_url, ionapi_file, validate_certs=False, ca_path=pki.other_ca))
    assert result["changed"] is True


def test_a_ca_that_did_not_sign_the_certificate_fails(https_sim, pki, ionapi_file):
    with pytest.raises(DocBitsError) as failure:
        run_ionapi(params(https_sim.base_url, ionapi_file, ca_path=pki.other_ca))
    assert_tls_failure(https_sim, failure.value)


def test_a_certificate_for_another_host_fails(pki, ionapi_file):
    simulator = serve(pki.wrong_name)
    try:
        with pytest.raises(DocBitsError) as failure:
            run_ionapi(params(simulator.base_url, ionapi_file, ca_path=pki.ca))
        assert_tls_failure(simulator, failure.value)
        assert "127.0.0.1" in str(failure.value)
    finally:
        simulator.stop()


def test_missing_ca_path_file_is_a_clear_error(https_sim, pki, ionapi_file):
    missing = os.path.join(pki.directory, "no-such-ca.pem")
    with pytest.raises(DocBitsInforError) as failure:
        run_ionapi(params(https_sim.base_url, ionapi_file, ca_path=missing))
    message = str(failure.value)
    assert "ca_path" in message and "no-such-ca.pem" in message, message
    assert https_sim.requests == [] and https_sim.writes == 0


@pytest.mark.parametrize("variable", CA_BUNDLE_VARIABLES)
def test_ca_path_is_honoured_when_a_ca_bundle_variable_is_set(https_sim, pki, ionapi_file, monkeypatch, variable):
    # Common on CI runners and in distribution images: a system bundle, without the generated CA.
    monkeypatch.setenv(variable, requests.certs.where())
    result = run_ionapi(params(https_sim.base_url, ionapi_file, ca_path=pki.ca))
    assert result["changed"] is True


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
@pytest.mark.parametrize("variable", CA_BUNDLE_VARIABLES)
def test_validate_certs_false_is_honoured_when_a_ca_bundle_variable_is_set(https_sim, ionapi_file, monkeypatch, variable):
    monkeypatch.setenv(variable, requests.certs.where())
    result = run_ionapi(params(https_sim.base_url, ionapi_file, validate_certs=False))
    assert result["changed"] is True
