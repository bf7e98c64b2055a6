# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builders shared by the unit tests, the integration lab and the benchmarks.

Fake .ionapi files shaped like a real Backend Service download (with a service account), a
throw-away PKI, and simulators started on 127.0.0.1. Every .ionapi value is derived from a seed
with SHA-256 (``make_seeded_ionapi``, ``seeded_token``): deterministic, and no real secret
anywhere. The integration lab's ``make_random_ionapi`` / ``random_token`` draw fresh secrets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import sys

import trustme
from docbits_simulator import DocBitsSimulator  # pylint: disable=import-error
from infor_auth_simulator import InforAuthSimulator  # pylint: disable=import-error

from ansible_collections.docbits.infor.plugins.module_utils.ionapi import SECRET_KEYS

# An override with this value removes the key from the generated file.
DELETE = object()

SIMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "simulator")

TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def seeded_token(seed, length):
    """`length` characters of [A-Za-z0-9_-], the same for the same seed."""
    chars = []
    counter = 0
    while len(chars) < length:
        digest = hashlib.sha256(("%s/%d" % (seed, counter)).encode("utf-8")).digest()
        chars.extend(TOKEN_ALPHABET[byte % len(TOKEN_ALPHABET)] for byte in digest)
        counter += 1
    return "".join(chars[:length])


def make_seeded_ionapi(tenant="ACME_TST", seed=None, **overrides):
    """A dict of a Backend Service download for `tenant`; overrides replace (or, with DELETE, drop) keys."""
    seed = tenant if seed is None else seed
    env = tenant.rsplit("_", 1)[-1] if "_" in tenant else tenant
    credentials = {
        "ti": tenant,
        "cn": "DocBits_%s" % env,
        "dt": "12",
        "ci": "%s~%s" % (tenant, seeded_token(seed + ":ci", 43)),
        "cs": seeded_token(seed + ":cs", 86),
        "iu": "https://mingle-ionapi.eu1.inforcloudsuite.com",
        "pu": "https://mingle-sso.eu1.inforcloudsuite.com:443/%s/as/" % tenant,
        "oa": "authorization.oauth2",
        "ot": "token.oauth2",
        "or": "revoke_token.oauth2",
        "ev": "U147858101",
        "v": "1.0",
        "saak": "%s#%s" % (tenant, seeded_token(seed + ":saak", 86)),
        "sask": seeded_token(seed + ":sask", 86),
    }
    for key, value in overrides.items():
        if value is DELETE:
            credentials.pop(key, None)
        else:
            credentials[key] = value
    return credentials


def only(credentials, *keys):
    """The credentials restricted to `keys` (in that order), e.g. to fake another kind of download."""
    return dict((key, credentials[key]) for key in keys)


def secret_values(credentials):
    return [credentials[key] for key in SECRET_KEYS if isinstance(credentials.get(key), str) and credentials[key]]


def dump(obj, indent=2):
    """The bytes of a file holding `obj` as JSON, as Infor's download (pretty-printed, UTF-8)."""
    return json.dumps(obj, indent=indent).encode("utf-8")


# Variables through which requests replaces the verification setting of a request, or its route.
CA_BUNDLE_VARIABLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


class Pki:
    """A CA and a server certificate for 127.0.0.1 and localhost, and what must not be trusted."""

    def __init__(self, directory):
        self.directory = directory
        ca, other_ca = trustme.CA(), trustme.CA()
        self.ca = self._write("ca.pem", ca.cert_pem.bytes())
        self.other_ca = self._write("other-ca.pem", other_ca.cert_pem.bytes())
        self.server = self._pair("server", ca.issue_cert("127.0.0.1", "localhost"))
        self.wrong_name = self._pair("wrong-name", ca.issue_cert("docbits.example.com"))

    def _write(self, name, data):
        path = os.path.join(self.directory, name)
        with open(path, "wb") as handle:
            handle.write(data)
        return path

    def _pair(self, name, cert):
        chain = b"".join(blob.bytes() for blob in cert.cert_chain_pems)
        return self._write(name + "-cert.pem", chain), self._write(name + "-key.pem", cert.private_key_pem.bytes())


def start_auth_simulator(pki, *registered, **register_options):
    """A started InforAuthSimulator (tests/simulator) over HTTPS on 127.0.0.1, accepting these .ionapi dicts."""
    simulator = InforAuthSimulator()
    for credentials in registered:
        simulator.register(credentials, **register_options)
    simulator.start(host="127.0.0.1", port=0, tls=pki.server)
    return simulator


def simulator_command(port_file, *options):
    """The command line of tests/simulator/docbits_simulator.py serving on a free port of 127.0.0.1, which it writes to port_file."""
    script = os.path.join(SIMULATOR_DIR, "docbits_simulator.py")
    return [sys.executable, script, "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file)] + list(options)


def start_simulator(**kwargs):
    """A started DocBitsSimulator (tests/simulator) on 127.0.0.1 and a free port; the caller stops it."""
    simulator = DocBitsSimulator(**kwargs)
    simulator.start(host="127.0.0.1", port=0)
    return simulator
