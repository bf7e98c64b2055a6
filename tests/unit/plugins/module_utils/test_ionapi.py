# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every validation rule of plugins/module_utils/ionapi.py, each with a passing and a failing case."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import hashlib
import json
import os
import re

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import ionapi as ionapi_module
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError, failure_details
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import (
    MAX_BYTES,
    MAX_DEPTH,
    IonApiError,
    fingerprint,
    parse_ionapi,
    redacted,
)
from ansible_collections.docbits.infor.tests.support.builders import DELETE, SECRET_KEYS, dump, make_seeded_ionapi, only, secret_values, seeded_token
from ansible_collections.docbits.infor.tests.support.paths import REPO

SOURCE = "inventories/acme/host_vars/tst/ACME_TST.ionapi"
BASE = make_seeded_ionapi()
BASE_SECRETS = secret_values(BASE)
REQUIRED = ("ti", "ci", "cs", "iu", "pu", "ot", "saak", "sask")
EXPECTED = ("cn", "oa", "or")


def assert_no_secret(text, secrets):
    """Neither a secret nor any 12-character slice of one appears in `text`."""
    for secret in secrets:
        assert secret not in text
        for start in range(0, len(secret) - 12, 6):
            assert secret[start : start + 12] not in text, "a slice of a secret leaked into: %s" % text


def refuse(data, rule, key=None, secrets=BASE_SECRETS, **kwargs):
    """Parse `data`, expect IonApiError(rule, key); check the message; return it."""
    with pytest.raises(IonApiError) as info:
        parse_ionapi(data, source=SOURCE, **kwargs)
    error = info.value
    message = str(error)
    assert (error.rule, error.key) == (rule, key), message
    assert error.source == SOURCE
    assert message.startswith(SOURCE + ": "), message
    if key is not None:
        assert "key '%s'" % key in message
    assert_no_secret(message, secrets)
    return message


def accept(data, secrets=BASE_SECRETS, **kwargs):
    """Parse `data`, expect success; warnings and summary must not hold a secret."""
    ionapi = parse_ionapi(data, source=SOURCE, **kwargs)
    assert ionapi.source == SOURCE
    assert_no_secret("\n".join(ionapi.warnings), secrets)
    assert_no_secret(json.dumps(ionapi.summary()), secrets)
    return ionapi


# --- the reference file ---------------------------------------------------------------


def test_real_shaped_download_is_accepted_without_warnings():
    data = dump(BASE)
    ionapi = accept(data, expected_tenant="ACME_TST")
    assert ionapi.credentials == BASE
    assert ionapi.content == data
    assert ionapi.warnings == []
    assert ionapi.tenant == "ACME_TST"
    assert ionapi.app_name == "DocBits_TST"
    assert ionapi.kind == "backend_service_account"
    assert sorted(ionapi.secret_values()) == sorted(BASE_SECRETS)
    assert ionapi.summary() == {
        "tenant": "ACME_TST",
        "app_name": "DocBits_TST",
        "fingerprint": ionapi.fingerprint,
        "kind": "backend_service_account",
        "warnings": [],
    }


def test_text_input_is_accepted_like_bytes():
    assert accept(dump(BASE).decode("utf-8")).fingerprint == accept(dump(BASE)).fingerprint


def test_content_is_kept_byte_for_byte():
    data = json.dumps(BASE, separators=(", ", " : ")).encode("utf-8").replace(b", ", b",\r\n\t")
    assert accept(data).content == data


def test_fixture_shapes():
    assert BASE["ci"].startswith("ACME_TST~") and len(BASE["ci"]) == len("ACME_TST~") + 43
    assert BASE["saak"].startswith("ACME_TST#") and len(BASE["saak"]) == len("ACME_TST#") + 86
    assert len(BASE["cs"]) == 86 and len(BASE["sask"]) == 86
    assert make_seeded_ionapi() == BASE
    assert make_seeded_ionapi(seed="other")["cs"] != BASE["cs"]
    assert "cn" not in make_seeded_ionapi(cn=DELETE)
    assert set(SECRET_KEYS) == {"cs", "saak", "sask"}


# --- rule 1: bytes, size ---------------------------------------------------------------


def test_empty_file_is_refused():
    message = refuse(b"", "empty")
    assert "empty" in message


def test_file_of_exactly_max_bytes_is_accepted():
    size = len(dump(make_seeded_ionapi(pad="")))
    data = dump(make_seeded_ionapi(pad="x" * (MAX_BYTES - size)))
    assert len(data) == MAX_BYTES
    assert accept(data).credentials["pad"].startswith("x")


def test_file_over_max_bytes_is_refused():
    size = len(dump(make_seeded_ionapi(pad="")))
    data = dump(make_seeded_ionapi(pad="x" * (MAX_BYTES - size + 1)))
    assert len(data) == MAX_BYTES + 1
    message = refuse(data, "too-large")
    assert str(MAX_BYTES + 1) in message and str(MAX_BYTES) in message


# --- rule 2: encoding ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "codec, bom",
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
    ids=["le-bom", "be-bom", "le-no-bom", "be-no-bom"],
)
def test_utf16_is_refused(codec, bom):
    data = bom + dump(BASE).decode("utf-8").encode(codec)
    message = refuse(data, "utf16")
    assert "UTF-16" in message and "UTF-8" in message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + dump(BASE),
        dump(BASE)[:40] + b"\x00" + dump(BASE)[40:],
    ],
    ids=["png", "zip", "nul-inside-json"],
)
def test_binary_with_nul_bytes_is_refused(data):
    message = refuse(data, "binary")
    assert "binary" in message


def test_invalid_utf8_is_refused_with_the_byte_offset():
    data = json.dumps(make_seeded_ionapi(cn="DocBits_T\u00e9ST"), indent=2, ensure_ascii=False).encode("latin-1")
    offset = data.index(b"\xe9")
    message = refuse(data, "encoding")
    assert "UTF-8" in message and "byte %d" % offset in message


def test_valid_utf8_non_ascii_is_accepted():
    ionapi = accept(json.dumps(make_seeded_ionapi(cn="DocBits_T\u00e9ST"), ensure_ascii=False).encode("utf-8"))
    assert ionapi.app_name == "DocBits_T\u00e9ST"


def test_utf8_bom_is_accepted_and_dropped_from_content():
    data = codecs.BOM_UTF8 + dump(BASE)
    ionapi = accept(data)
    assert ionapi.content == dump(BASE)
    assert not ionapi.content.startswith(codecs.BOM_UTF8)
    assert ionapi.fingerprint == accept(dump(BASE)).fingerprint


# --- rule 2: JSON syntax --------------------------------------------------------------


def test_missing_comma_reports_line_and_column():
    lines = dump(BASE).decode("utf-8").split("\n")
    assert lines[2] == '  "cn": "DocBits_TST",'
    lines[2] = lines[2].rstrip(",")
    message = refuse("\n".join(lines).encode("utf-8"), "json-syntax")
    assert "line 4, column 3" in message


def test_keys_appended_after_the_closing_brace_report_line_and_column():
    head = dump(make_seeded_ionapi(saak=DELETE, sask=DELETE)).decode("utf-8")
    assert head.count("\n") == 13  # '{', 12 keys, '}'
    text = head + '\n"saak": "%s",\n"sask": "%s"\n' % (BASE["saak"], BASE["sask"])
    message = refuse(text.encode("utf-8"), "json-syntax")
    assert "line 15, column 1" in message


@pytest.mark.parametrize(
    "text, position",
    [
        (dump(BASE).decode("utf-8")[1:], "line 2, column"),
        ("// DocBits TST, downloaded by hand\n" + dump(BASE).decode("utf-8"), "line 1, column 1"),
    ],
    ids=["missing-opening-brace", "comment-line"],
)
def test_hand_edited_json_is_a_json_syntax_error_not_a_csv(text, position):
    """Hand-edited JSON (the doc's 'missing braces and commas') must be reported as JSON, with a position."""
    assert not text.startswith("{")
    message = refuse(text.encode("utf-8"), "json-syntax")
    assert position in message


def test_second_bom_is_refused():
    refuse(codecs.BOM_UTF8 + codecs.BOM_UTF8 + dump(BASE), "json-syntax")


def test_truncated_json_is_refused():
    data = dump(BASE)
    cut = data.index(b'"sask"') + 20  # in the middle of a secret value
    message = refuse(data[:cut], "json-syntax")
    assert "line 15, column" in message


@pytest.mark.parametrize("key", ["ti", "cs"])
def test_duplicate_top_level_key_is_refused(key):
    text = dump(BASE).decode("utf-8")
    anchor = '  "oa": "authorization.oauth2",\n'
    duplicate = '  "%s": "%s",\n' % (key, make_seeded_ionapi("ACME_PRD")[key])
    message = refuse(
        text.replace(anchor, anchor + duplicate).encode("utf-8"), "duplicate-key", key=key, secrets=BASE_SECRETS + secret_values(make_seeded_ionapi("ACME_PRD"))
    )
    assert "more than once" in message


def test_duplicate_key_nested_in_sc_is_refused():
    text = dump(make_seeded_ionapi(sc={"scope": "a"})).decode("utf-8")
    text = text.replace('"scope": "a"', '"scope": "a", "scope": "b"')
    refuse(text.encode("utf-8"), "duplicate-key", key="scope")


def test_distinct_keys_nested_in_sc_are_accepted():
    ionapi = accept(dump(make_seeded_ionapi(sc={"scope": "a", "other": "b"})))
    assert ionapi.credentials["sc"] == {"scope": "a", "other": "b"}


# --- rule 3: top level ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["[]", "[%s]" % json.dumps(BASE), '"ACME_TST"', "42", "null", "true"], ids=["empty-array", "array-of-file", "string", "number", "null", "bool"]
)
def test_top_level_must_be_an_object(text):
    message = refuse(text.encode("utf-8"), "not-object")
    assert "JSON object" in message


@pytest.mark.parametrize(
    "text, found", [("[]", "found an array"), ('"ACME_TST"', "found a string"), ("42", "found a number")], ids=["array", "string", "number"]
)
def test_top_level_message_names_the_json_type(text, found):
    assert found in refuse(text.encode("utf-8"), "not-object")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(constant):
    text = dump(BASE).decode("utf-8").replace('"dt": "12"', '"dt": %s' % constant)
    assert constant in text
    message = refuse(text.encode("utf-8"), "json-syntax")
    assert constant.lstrip("-") in message


# --- rule 4: required and expected keys ---------------------------------------------------


@pytest.mark.parametrize("key", REQUIRED)
def test_each_required_key_missing_is_refused(key):
    message = refuse(dump(make_seeded_ionapi(**{key: DELETE})), "missing-key", key=key)
    assert "missing" in message


def test_missing_both_service_account_keys_is_a_wrong_download():
    message = refuse(dump(make_seeded_ionapi(saak=DELETE, sask=DELETE)), "wrong-download", key="saak")
    assert "service account" in message and "Create Service Account" in message


@pytest.mark.parametrize("key", EXPECTED)
def test_expected_key_missing_is_only_a_warning(key):
    ionapi = accept(dump(make_seeded_ionapi(**{key: DELETE})))
    assert len(ionapi.warnings) == 1
    assert "key '%s' is missing" % key in ionapi.warnings[0]


@pytest.mark.parametrize(
    "value, type_name",
    [
        (12345, "a number"),
        (1.5, "a number"),
        (None, "null"),
        (True, "a boolean"),
        (["value"], "an array"),
        ({"value": 1}, "an object"),
    ],
    ids=["int", "float", "null", "bool", "list", "object"],
)
@pytest.mark.parametrize("key", REQUIRED + EXPECTED)
def test_wrong_type_is_refused(key, value, type_name):
    if key in SECRET_KEYS and isinstance(value, list):
        value = [BASE[key]]  # the secret inside a list must not be echoed either
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "type", key=key)
    assert "must be a string" in message and type_name in message


@pytest.mark.parametrize("value", ["", "   ", "\t\n"], ids=["empty", "spaces", "tab-newline"])
@pytest.mark.parametrize("key", REQUIRED)
def test_empty_required_value_is_refused(key, value):
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "empty-value", key=key)
    assert "empty" in message


@pytest.mark.parametrize("where", ["leading", "trailing"])
@pytest.mark.parametrize("key", REQUIRED + EXPECTED)
def test_whitespace_around_a_value_is_refused(key, where):
    value = " " + BASE[key] if where == "leading" else BASE[key] + "\n"
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "whitespace", key=key)
    assert "whitespace" in message


# --- rule 5: the wrong download -----------------------------------------------------------


def test_ru_in_a_backend_service_download_is_refused_as_web_application():
    message = refuse(dump(make_seeded_ionapi(ru="https://docbits.example.com/callback")), "wrong-download", key="ru")
    assert "Web Application" in message and "redirect URI" in message and "Create Service Account" in message


def test_web_application_download_is_refused():
    web = make_seeded_ionapi(saak=DELETE, sask=DELETE, ru="https://docbits.example.com/callback")
    message = refuse(dump(web), "wrong-download", key="ru")
    assert "Web Application" in message and "Backend Service" in message


def test_web_application_download_without_ru_is_refused():
    web = make_seeded_ionapi(saak=DELETE, sask=DELETE)
    message = refuse(dump(web), "wrong-download", key="saak")
    assert "without a service account" in message and "Create Service Account" in message


def test_client_credentials_download_is_refused():
    message = refuse(dump(only(BASE, "cn", "ci", "cs", "pu", "ot")), "wrong-download", key="saak")
    assert "client-credentials" in message and "Create Service Account" in message


def test_mobile_download_is_refused():
    mobile = make_seeded_ionapi(saak=DELETE, sask=DELETE, dt=DELETE, v=DELETE)
    message = refuse(dump(mobile), "wrong-download", key="saak")
    assert "Mobile" in message and "Create Service Account" in message


@pytest.mark.parametrize(
    "text",
    [
        "Access Key,Secret Key\r\n%s,%s\r\n" % (BASE["saak"], BASE["sask"]),
        "%s,%s\n" % (BASE["saak"], BASE["sask"]),
    ],
    ids=["with-header", "without-header"],
)
def test_service_account_csv_is_refused(text):
    message = refuse(text.encode("utf-8"), "csv")
    assert "CSV" in message and "Create Service Account" in message


@pytest.mark.parametrize(
    "key_file",
    [
        {"kty": "RSA", "kid": "ionapi-bridge-private-jwt-1", "alg": "RS256", "n": "sXch" * 20, "e": "AQAB", "d": "c2VjcmV0" * 20},
        {"keyId": "ionapi-bridge-private-jwt-1", "privateKey": "-----BEGIN PRIVATE KEY-----\nMIIEvQ" + "c2VjcmV0" * 20 + "\n-----END PRIVATE KEY-----\n"},
    ],
    ids=["jwk", "pem"],
)
def test_private_jwt_key_file_is_refused(key_file):
    message = refuse(dump(key_file), "jwt-key-file", secrets=[key_file.get("d", key_file.get("privateKey"))])
    assert "private-JWT" in message and "Create Service Account" in message


@pytest.mark.parametrize("obj", [{}, {"name": "docbits", "version": 1}, {"tenant": "ACME_TST"}], ids=["empty", "package", "lookalike"])
def test_json_without_ionapi_keys_is_refused(obj):
    message = refuse(dump(obj), "not-ionapi")
    assert "not an .ionapi file" in message


# --- rule 6: URLs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value",
    [
        ("iu", "http://mingle-ionapi.eu1.inforcloudsuite.com"),
        ("pu", "http://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/"),
        ("iu", "mingle-ionapi.eu1.inforcloudsuite.com"),
        ("pu", "/ACME_TST/as/"),
        ("pu", "ACME_TST/as/"),
        ("iu", "https://"),
        ("pu", "ftp://mingle-sso.eu1.inforcloudsuite.com/ACME_TST/as/"),
    ],
    ids=["http-iu", "http-pu", "no-scheme-iu", "relative-pu", "relative-pu-no-slash", "no-host-iu", "ftp-pu"],
)
def test_iu_and_pu_must_be_absolute_https_urls(key, value):
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "https-url", key=key)
    assert "https://" in message


@pytest.mark.parametrize(
    "key, value, shown",
    [
        ("iu", "https://mingle-ionapi.eu1.inforcl\u043eudsuite.com", "(punycode mingle-ionapi.eu1.xn--inforcludsuite-1zl.com)"),
        ("pu", "https://m\u0456ngle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/", "(punycode xn--mngle-sso-v9h.eu1.inforcloudsuite.com)"),
        ("pu", "https://mingle-sso.eu1.inforcloudsuite.com\u3002evil.example/ACME_TST/as/", "(punycode mingle-sso.eu1.inforcloudsuite.com.evil.example)"),
    ],
    ids=["cyrillic-o-iu", "ukrainian-i-pu", "ideographic-dot-pu"],
)
def test_iu_and_pu_hosts_must_be_plain_ascii(key, value, shown):
    """A look-alike host would receive the secrets: refused, showing the host escaped and its punycode."""
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "host-not-ascii", key=key)
    assert shown in message and "not plain ASCII" in message and message.isascii(), message


def test_ascii_hosts_of_any_domain_pass_the_host_rule():
    parse_ionapi(dump(make_seeded_ionapi(iu="https://ionapi.xn--infr-uqa.example", pu="https://sso.example.com/ACME_TST/as/")), source=SOURCE)


def test_pu_without_trailing_slash_is_refused_not_rewritten():
    message = refuse(dump(make_seeded_ionapi(pu="https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as")), "pu-trailing-slash", key="pu")
    assert "must end with '/'" in message


# --- rule 7: tenant ----------------------------------------------------------------------------


def test_tenant_mismatch_is_refused():
    prd = make_seeded_ionapi("ACME_PRD")
    message = refuse(dump(prd), "tenant-mismatch", key="ti", secrets=secret_values(prd), expected_tenant="ACME_TST")
    assert "'ACME_PRD'" in message and "'ACME_TST'" in message


def test_tenant_match_is_accepted():
    assert accept(dump(BASE), expected_tenant="ACME_TST").tenant == "ACME_TST"


def test_tenant_comparison_is_exact():
    refuse(dump(BASE), "tenant-mismatch", key="ti", expected_tenant="acme_tst")


# --- unknown and undocumented keys ----------------------------------------------------------


def test_unknown_keys_are_kept_and_change_the_fingerprint():
    extra = make_seeded_ionapi(custom="kept", nested={"list": [1, 2]})
    ionapi = accept(dump(extra))
    assert ionapi.warnings == []
    assert ionapi.credentials["custom"] == "kept"
    assert ionapi.credentials["nested"] == {"list": [1, 2]}
    assert ionapi.fingerprint != accept(dump(BASE)).fingerprint
    assert ionapi.fingerprint != accept(dump(make_seeded_ionapi(custom="other", nested={"list": [1, 2]}))).fingerprint


@pytest.mark.parametrize(
    "overrides",
    [
        {"dt": 12},
        {"v": 1.1},
        {"ev": None},
        {"sc": {}},
        {"sc": {"scopes": ["a", "b"], "n": 1}},
        {"sc": []},
        {"sc": "text"},
        {"dt": True, "v": None, "ev": ["U1"]},
    ],
    ids=["dt-int", "v-float", "ev-null", "sc-empty", "sc-object", "sc-array", "sc-string", "mixed"],
)
def test_undocumented_keys_of_any_type_are_accepted_as_is(overrides):
    ionapi = accept(dump(make_seeded_ionapi(**overrides)))
    for key, value in overrides.items():
        assert ionapi.credentials[key] == value
    assert ionapi.warnings == []


# --- rule 8: shape warnings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"ci": "OTHER~" + BASE["ci"].split("~")[1]}, "ci"),
        ({"ci": BASE["ci"].replace("~", "")}, "ci"),
        ({"saak": "OTHER#" + BASE["saak"].split("#")[1]}, "saak"),
        ({"saak": BASE["saak"].replace("#", "")}, "saak"),
        ({"cs": BASE["cs"][:40] + "+/=" + BASE["cs"][40:]}, "cs"),
        ({"sask": BASE["sask"][:40] + "." + BASE["sask"][40:]}, "sask"),
    ],
    ids=["ci-prefix", "ci-no-tilde", "saak-prefix", "saak-no-hash", "cs-chars", "sask-chars"],
)
def test_shape_oddities_are_warnings_not_errors(overrides, key):
    odd = make_seeded_ionapi(**overrides)
    ionapi = accept(dump(odd), secrets=BASE_SECRETS + secret_values(odd))
    assert len(ionapi.warnings) == 1, ionapi.warnings
    assert ionapi.warnings[0].startswith("key '%s'" % key)


def test_on_premises_shape_is_accepted_without_host_warnings():
    onprem = make_seeded_ionapi(
        "infor",
        cn="DocBits_PRD",
        iu="https://ionapi.acme.local:7443",
        pu="https://sso.acme.local/InforIntSTS/",
        oa="connect/authorize",
        ot="connect/token",
        **{"or": "connect/revocation"}
    )
    ionapi = accept(dump(onprem), secrets=secret_values(onprem), expected_tenant="infor")
    assert ionapi.warnings == []


@pytest.mark.parametrize("region", ["", "eu1.", "se1.", "se2."])
def test_cloud_regions_give_no_host_warning(region):
    cloud = make_seeded_ionapi(
        iu="https://mingle-ionapi.%sinforcloudsuite.com" % region, pu="https://mingle-sso.%sinforcloudsuite.com:443/ACME_TST/as/" % region
    )
    assert accept(dump(cloud)).warnings == []


@pytest.mark.parametrize(
    "key, value, host",
    [
        ("iu", "https://ionapi.example.com", "ionapi.example.com"),
        ("iu", "https://mingle-ionapi.inforcloudsuite.com.example.net", "mingle-ionapi.inforcloudsuite.com.example.net"),
        ("iu", "https://evilinforcloudsuite.com", "evilinforcloudsuite.com"),
        ("pu", "https://sso.example.com/ACME_TST/as/", "sso.example.com"),
    ],
    ids=["iu-other", "iu-suffix-trick", "iu-no-dot", "pu-other"],
)
def test_cloud_host_outside_inforcloudsuite_warns(key, value, host):
    ionapi = accept(dump(make_seeded_ionapi(**{key: value})))
    assert len(ionapi.warnings) == 1, ionapi.warnings
    assert "key '%s'" % key in ionapi.warnings[0] and "'%s'" % host in ionapi.warnings[0]


def test_pu_path_naming_another_tenant_warns():
    ionapi = accept(dump(make_seeded_ionapi(pu="https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_PRD/as/")))
    assert len(ionapi.warnings) == 1, ionapi.warnings
    assert "ACME_PRD" in ionapi.warnings[0] and "ACME_TST" in ionapi.warnings[0] and "key 'pu'" in ionapi.warnings[0]


# --- rule 9: fingerprint and redaction ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        json.dumps(dict(reversed(list(BASE.items())))).encode("utf-8"),
        json.dumps(BASE, separators=(",", ":")).encode("utf-8"),
        json.dumps(BASE, indent=4).encode("utf-8"),
        json.dumps(BASE, indent="\t").encode("utf-8").replace(b"\n", b"\r\n"),
        codecs.BOM_UTF8 + dump(BASE),
        dump(BASE).replace(b'"ti": "ACME_TST"', b'"ti": "\\u0041CME_TST"'),
    ],
    ids=["key-order", "compact", "indent-4", "tabs-crlf", "bom", "escapes"],
)
def test_fingerprint_ignores_formatting(data):
    assert data != dump(BASE)
    assert accept(data).fingerprint == accept(dump(BASE)).fingerprint


def _changed(key, value):
    if key == "pu":
        return value + "v2/"
    if isinstance(value, str):
        return value + "X"
    return "changed"


@pytest.mark.parametrize("key", sorted(BASE))
def test_fingerprint_changes_when_any_value_changes(key):
    other = make_seeded_ionapi(**{key: _changed(key, BASE[key])})
    assert accept(dump(other), secrets=BASE_SECRETS + secret_values(other)).fingerprint != accept(dump(BASE)).fingerprint


def test_fingerprint_distinguishes_value_types():
    assert accept(dump(make_seeded_ionapi(dt=12))).fingerprint != accept(dump(make_seeded_ionapi(dt="12"))).fingerprint


def test_fingerprint_is_sha256_of_canonical_form():
    value = fingerprint(BASE)
    assert value.startswith("sha256:") and len(value) == len("sha256:") + 64
    canonical = json.dumps(BASE, sort_keys=True, separators=(",", ":")).encode("utf-8")
    assert value == "sha256:" + hashlib.sha256(canonical).hexdigest()


def test_redacted_hides_secrets_and_keeps_the_rest():
    view = redacted(BASE)
    assert set(view) == set(BASE)
    for key in BASE:
        if key in SECRET_KEYS:
            assert view[key] != BASE[key]
            assert view[key].startswith("<secret sha256:")
        else:
            assert view[key] == BASE[key]
    assert_no_secret(json.dumps(view), BASE_SECRETS)
    assert redacted(make_seeded_ionapi(seed="other"))["cs"] != view["cs"]
    assert BASE["cs"] in BASE_SECRETS  # redacted() returned a copy


def test_redacted_handles_non_string_secret_values():
    view = redacted(make_seeded_ionapi(cs=["x"], sask=None))
    assert view["cs"].startswith("<secret sha256:") and view["sask"].startswith("<secret sha256:")


# --- real-world files: templates, redacted and damaged copies, impossible tenants ------------------------

PLACEHOLDERS = [
    ("ti", "<tenant>"),
    ("ti", "YOUR_TENANT"),
    ("ti", "TENANT_ID"),
    ("ti", "TenantId"),
    ("ti", "[TENANT]"),
    ("ti", "XXXX_TST"),
    ("ti", "{{ infor_tenant }}"),
    ("ti", "tbd"),
    ("ti", "TENANTNAME"),
    ("ti", "__TENANT__"),
    ("ci", "ACME_TST~<client id>"),
    ("ci", "ACME_TST~xxxxxxxxxxxxxxxxxxxx"),
    ("ci", "CLIENT_ID"),
    ("ci", "ACME_TST~yourClientId"),
    ("ci", "ION_API_CLIENT_ID"),
    ("ci", "#{IonApiClientId}#"),
    ("ci", "ionapi_client_id"),
    ("cs", "MY_CLIENT_SECRET"),
    ("cs", "your-secret-here"),
    ("cs", "changeme"),
    ("cs", "${ION_CS}"),
    ("cs", "%CLIENT_SECRET%"),
    ("cs", "<client secret>"),
    ("cs", "x" * 86),
    ("cs", "Replace_With_Your_Client_Secret_From_The_ION_API_Portal"),
    ("cs", "ab" * 43),
    ("cs", "0" * 86),
    ("cs", "$(ION_CLIENT_SECRET)"),
    ("cs", "@@MYCLIENTSECRET@@"),
    ("saak", "ACME_TST#SERVICE_ACCOUNT_KEY"),
    ("saak", "ACME_TST#<saak>"),
    ("saak", "SERVICE_ACCOUNT_ACCESS_KEY"),
    ("sask", "SERVICE_ACCOUNT_SECRET_KEY"),
    ("sask", "yoursecretkeygoeshereandthisisnotrandomatall"),
    ("iu", "https://<host>:7443"),
    ("iu", "https://mingle-ionapi.xxx.inforcloudsuite.com"),
    ("iu", "https://your-gateway.acme.local"),
    ("pu", "https://mingle-sso.inforcloudsuite.com:443/<tenant>/as/"),
    ("pu", "https://{sso_host}/InforIntSTS/"),
    ("oa", "<authorize path>"),
    ("ot", "TODO"),
    ("or", "FIXME"),
    ("cn", "<app name>"),
    ("cn", "YOUR_APP"),
    ("cn", "changeme"),
    ("ev", "<ev>"),
    ("dt", "xxx"),
    ("v", "{{ version }}"),
]


@pytest.mark.parametrize("key, value", PLACEHOLDERS, ids=["%s-%d" % (key, number) for number, (key, _value) in enumerate(PLACEHOLDERS)])
def test_placeholders_in_any_value_are_refused(key, value):
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "placeholder", key=key)
    assert "is a placeholder" in message and "download the credentials again" in message
    assert value not in message.split("'%s': " % key, 1)[1]


REDACTIONS = [
    ("cs", "[hidden]"),
    ("cs", "***"),
    ("cs", "<redacted>"),
    ("cs", "REDACTED"),
    ("cs", "AbC1d...xYz9"),
    ("cs", "AbC1d\u2026xYz9"),
    ("cs", "(removed)"),
    ("sask", "*" * 86),
    ("saak", "ACME_TST#***"),
    ("ti", "***"),
    ("cs", BASE["cs"][:20] + "*" * 66),
    ("sask", "masked"),
]


@pytest.mark.parametrize("key, value", REDACTIONS, ids=["%s-%d" % (key, number) for number, (key, _value) in enumerate(REDACTIONS)])
def test_redaction_markers_are_refused(key, value):
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "redacted", key=key)
    assert "is a redaction marker" in message


SECRET_WHITESPACE = [" ", "\t", "\n", "\r\n", "\u00a0", "  "]
SECRET_CONTROL = ["\u0000", "\u0007", "\u001b", "\u202e", "\u200b", "\ufeff"]


@pytest.mark.parametrize(
    "inside, at, rule, says",
    [(char, 50, "secret-whitespace", "contains whitespace") for char in SECRET_WHITESPACE]
    + [(char, 60, "control-character", "control or invisible") for char in SECRET_CONTROL],
    ids=["space", "tab", "lf", "crlf", "nbsp", "two-spaces", "nul", "bel", "esc", "rlo", "zwsp", "bom"],
)
@pytest.mark.parametrize("key", SECRET_KEYS)
def test_whitespace_control_and_invisible_characters_inside_a_secret_are_refused(key, inside, at, rule, says):
    value = BASE[key][:at] + inside + BASE[key][at:]
    message = refuse(dump(make_seeded_ionapi(**{key: value})), rule, key=key)
    assert says in message


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_a_secret_shorter_than_40_characters_is_refused_and_40_accepted(key):
    prefix = "ACME_TST#" if key == "saak" else ""
    message = refuse(dump(make_seeded_ionapi(**{key: prefix + seeded_token("short", 39)})), "secret-too-short", key=key)
    assert "too short to be a secret (39 characters" in message
    accept(dump(make_seeded_ionapi(**{key: prefix + seeded_token("long-enough", 40)})))


@pytest.mark.parametrize(
    "value",
    [
        "ACME TST",
        "ACME_TST\u202e",
        "\u200bACME_TST",
        "ACME\tTST",
        "ACME/TST",
        "ACME_TST?x",
        "ACME#TST",
        "ACME%20TST",
        '"ACME"',
    ],
    ids=["space", "rlo", "zwsp", "tab", "slash", "query", "hash", "percent", "quotes"],
)
def test_a_tenant_id_that_cannot_be_one_is_refused(value):
    message = refuse(dump(make_seeded_ionapi(ti=value)), "tenant-invalid", key="ti")
    assert "\u202e" not in message and "\u200b" not in message


@pytest.mark.parametrize(
    "key, value",
    [
        ("cn", "DocBits_TST\u202e"),
        ("iu", "https://mingle-ionapi.eu1.inforcloudsuite.com\u200b"),
        ("oa", "authorization.oauth2\u0007"),
        ("ev", "U147858101\u2066"),
    ],
    ids=["cn-rlo", "iu-zwsp", "oa-bel", "ev-lri"],
)
def test_control_and_bidi_characters_in_other_values_are_refused(key, value):
    message = refuse(dump(make_seeded_ionapi(**{key: value})), "control-character", key=key)
    assert "control or invisible" in message


@pytest.mark.parametrize(
    "overrides",
    [
        {"ti": "ACCESS_PRD"},
        {"ti": "KEY_TST"},
        {"ti": "SERVICE_DEV"},
        {"ti": "INFOR_ION"},
        {"ti": "infor"},
        {"ti": "A62KR42EX6BAV5NU_TST"},
        {"ti": "TENANT_TST"},
        {"ti": "CLIENTX_TST"},
        {"ti": "KEYBANK_PRD"},
        {"ti": "IDEA_TST"},
        {"ti": "MEDIA"},
        {"cn": "DocBits_TST (invoices)"},
        {"cn": "DocBits_[TST]"},
        {"iu": "https://[fd00::10]:7443", "pu": "https://sso.acme.local/InforIntSTS/"},
        {"cs": "FAKE-DEMO-CLIENT-SECRET-NOT-REAL-" + seeded_token("demo", 52)},
        {"sask": "yourt" + seeded_token("your-prefix", 81)},
        {"ci": "ACME_TST~" + seeded_token("ci32", 32)},
        {"ci": "infor-os-farm~" + seeded_token("ci-farm", 43)},
    ],
    ids=[
        "access",
        "key",
        "service",
        "infor-ion",
        "infor",
        "random",
        "tenant-word",
        "clientx",
        "keybank",
        "idea",
        "media",
        "cn-parentheses",
        "cn-brackets",
        "ipv6",
        "demo-secret",
        "secret-starting-with-yourt",
        "ci-32",
        "ci-farm",
    ],
)
def test_real_values_that_share_words_with_placeholders_are_accepted(overrides):
    overrides = dict(overrides)
    if "ti" in overrides:
        overrides.setdefault("pu", "https://mingle-sso.eu1.inforcloudsuite.com:443/%s/as/" % overrides["ti"])
        overrides.update(ci="%s~%s" % (overrides["ti"], seeded_token("ci", 43)), saak="%s#%s" % (overrides["ti"], seeded_token("saak", 86)))
    secrets = [value.split("#", 1)[-1] for value in secret_values(overrides)]
    ionapi = accept(dump(make_seeded_ionapi(**overrides)), secrets=BASE_SECRETS + secrets)
    assert all(warning.startswith(("key 'ci'", "key 'pu'", "key 'iu'")) for warning in ionapi.warnings), ionapi.warnings


@pytest.mark.parametrize("length", [40, 43, 60, 86, 90])
def test_random_secrets_of_every_real_length_are_always_accepted(length):
    """No real download is refused: 400 random files per length, the shapes of the format document."""
    for number in range(400):
        seed = "real-%d-%d" % (length, number)
        tenant = seeded_token(seed + ":ti", 16).upper().replace("-", "Q").replace("_", "Z") + "_TST"
        real = make_seeded_ionapi(
            tenant,
            seed=seed,
            cs=seeded_token(seed + ":cs", length),
            sask=seeded_token(seed + ":sask", length),
            saak="%s#%s" % (tenant, seeded_token(seed + ":saak", length)),
            ci="%s~%s" % (tenant, seeded_token(seed + ":ci", 32 if number % 2 else 43)),
        )
        assert parse_ionapi(dump(real), source=SOURCE).warnings == [], seed


# --- cn naming -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["DocBits_TST", "DocBits_PRD", "docbits_dev", "DOCBITS_TRN"])
def test_app_named_after_docbits_gives_no_warning(name):
    assert accept(dump(make_seeded_ionapi(cn=name))).warnings == []


@pytest.mark.parametrize("name", ["ERP_Export", "DocBits", "MyApp", "ION\u00e9"])
def test_app_not_named_docbits_env_is_a_warning_not_an_error(name):
    ionapi = accept(dump(make_seeded_ionapi(cn=name)))
    assert len(ionapi.warnings) == 1 and ionapi.warnings[0].startswith("key 'cn'") and "DocBits_<ENV>" in ionapi.warnings[0]


def test_missing_cn_is_one_warning_not_two():
    assert [warning[:9] for warning in accept(dump(make_seeded_ionapi(cn=DELETE))).warnings] == ["key 'cn' "]


# --- the other downloads say what to download instead ------------------------------------------------------------


def test_client_credentials_download_says_what_to_download_instead():
    message = refuse(dump(only(BASE, "cn", "ci", "cs", "pu", "ot")), "wrong-download", key="saak")
    for words in (
        "Client Credentials",
        "Password Credentials",
        "Backend Service",
        "Create Service Account",
        "Issue Refresh Tokens",
        "Download Credentials",
        "DocBits_<ENV>",
    ):
        assert words in message


def test_bridge_private_jwt_file_with_ionapi_keys_is_a_jwt_key_file():
    bridge = dict(
        only(BASE, "ti", "ci", "pu", "ot"),
        kid="ionapi-bridge-private-jwt-1",
        privateKey="-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n" % seeded_token("pem", 64),
    )
    message = refuse(dump(bridge), "jwt-key-file", secrets=[bridge["privateKey"][28:92]])
    assert "private-JWT" in message and "Backend Service" in message and "Issue Refresh Tokens" in message


def test_comment_lines_get_their_own_hint():
    message = refuse(("// ACME TST\n" + dump(BASE).decode("utf-8")).encode("utf-8"), "json-syntax")
    assert "JSON allows no comments" in message


# --- hostile files --------------------------------------------------------------------------------------------------


def _nested(depth):
    return "[" * depth + "]" * depth


def test_nesting_up_to_the_limit_is_accepted():
    ionapi = accept(dump(BASE)[:-2] + (',\n  "extra": %s\n}' % _nested(MAX_DEPTH - 1)).encode("utf-8"))
    assert "extra" in ionapi.credentials


@pytest.mark.parametrize(
    "text",
    [
        '{"ti": "ACME_TST", "sc": %s}' % _nested(MAX_DEPTH),
        _nested(7000),
        '{"a":' * 2000 + "1" + "}" * 2000,
        '{"sc": ' + "[" * 7000,
    ],
    ids=["one-over", "arrays-7000", "objects-2000", "unclosed"],
)
def test_deep_nesting_under_the_size_limit_is_refused_without_recursion_error(text):
    assert len(text) <= MAX_BYTES
    message = refuse(text.encode("utf-8"), "too-deep")
    assert "more than %d levels" % MAX_DEPTH in message


def test_brackets_inside_strings_do_not_count_as_nesting():
    ionapi = accept(dump(make_seeded_ionapi(note="[" * 200 + '\\"{' * 50)))
    assert ionapi.credentials["note"].startswith("[[[")


def test_untrusted_text_in_messages_is_escaped():
    source = "files/ACME_TST\u202e.ionapi"
    with pytest.raises(IonApiError) as info:
        parse_ionapi(b"", source=source)
    assert str(info.value).startswith("files/ACME_TST\\u202e.ionapi: ")
    with pytest.raises(IonApiError) as info:
        parse_ionapi(dump(BASE), source=SOURCE, expected_tenant="ACME_TST\u202e")
    assert "expects 'ACME_TST\\u202e'" in str(info.value) and "\u202e" not in str(info.value)
    text = dump(make_seeded_ionapi(sc={"k\u202e": 1})).decode("utf-8").replace('"k\\u202e": 1', '"k\\u202e": 1, "k\\u202e": 2')
    with pytest.raises(IonApiError) as info:
        parse_ionapi(text.encode("utf-8"), source=SOURCE)
    assert (info.value.rule, info.value.key) == ("duplicate-key", "k\u202e")
    assert "key 'k\\u202e'" in str(info.value) and "\u202e" not in str(info.value)


def test_a_refusal_carries_its_rule_and_key_into_a_failed_result():
    with pytest.raises(IonApiError) as info:
        parse_ionapi(dump(make_seeded_ionapi(cs="[hidden]")), source=SOURCE)
    assert failure_details(info.value) == {"rule": "redacted", "key": "cs"}
    with pytest.raises(IonApiError) as info:
        parse_ionapi(b"", source=SOURCE)
    assert failure_details(info.value) == {"rule": "empty"}
    assert failure_details(OptionError("src 'x': no such file")) == {}


# --- documentation ----------------------------------------------------------------------------------------------


def test_every_rule_id_is_documented_and_every_documented_rule_exists():
    with open(ionapi_module.__file__, encoding="utf-8") as handle:
        code = handle.read()
    in_code = set(re.findall(r'source,\s*"([a-z0-9-]+)"', code)) | set(re.findall(r'if key == "ti"\s+else\s+"([a-z0-9-]+)"', code))
    in_code |= set(re.findall(r'return\s+"([a-z0-9-]+)",', code))
    with open(os.path.join(REPO, "docs", "ionapi-format.md"), encoding="utf-8") as handle:
        document = handle.read()
    table = document.split("## What the collection checks: rule ids", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.MULTILINE)
    assert len(documented) == len(set(documented))
    assert set(documented) == in_code
    assert {"placeholder", "redacted", "secret-whitespace", "secret-too-short", "tenant-invalid", "control-character", "too-deep"} <= in_code
