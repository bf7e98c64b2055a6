# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parser over the .ionapi corpus (tests/corpus/ionapi/): every file judged as expected.yml says, no secret echoed."""

from __future__ import annotations

import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.ionapi import IonApiError, parse_ionapi
from ansible_collections.docbits.infor.tests.corpus.ionapi_corpus import corpus_files, find_numbered_leaks, load_cases

CASES = load_cases()
# The rules a real-world file breaks; the corpus must hold at least one file for each.
REAL_WORLD_RULES = {
    "placeholder",
    "redacted",
    "secret-whitespace",
    "secret-too-short",
    "control-character",
    "tenant-invalid",
    "too-deep",
    "wrong-download",
    "jwt-key-file",
    "csv",
    "json-syntax",
    "duplicate-key",
    "utf16",
    "https-url",
    "pu-trailing-slash",
    "tenant-mismatch",
}


def judge(case):
    """('accept', None, None, warnings) or ('refuse', rule, key, message) for one corpus file."""
    try:
        ionapi = parse_ionapi(case.data, source=case.name, expected_tenant=case.expected_tenant)
    except IonApiError as error:
        return "refuse", error.rule, error.key, str(error)
    return "accept", None, None, ionapi.warnings


def test_the_manifest_lists_every_file_of_the_corpus_and_nothing_else():
    assert sorted(case.name for case in CASES) == corpus_files()


def test_the_corpus_covers_every_category():
    accepted = [case for case in CASES if case.verdict == "accept"]
    assert len(CASES) >= 40 and len(accepted) >= 15
    assert {case.rule for case in CASES if case.verdict == "refuse"} >= REAL_WORLD_RULES
    assert all(case.rule is None and case.key is None for case in accepted)
    texts = [case.data for case in accepted]
    assert any(data.startswith(b"\xef\xbb\xbf") for data in texts), "a file with a BOM"
    assert any(b"\r\n" in data for data in texts), "a file with CRLF line ends"
    assert any(data.count(b"\n") <= 1 for data in texts), "a compact one-line file"
    parsed = [json.loads(data.decode("utf-8-sig")) for data in texts]
    assert {"1.0", "1.1"} <= {obj.get("v") for obj in parsed}
    assert any(isinstance(obj.get("sc"), list) for obj in parsed) and {} in [obj.get("sc") for obj in parsed]
    assert "infor" in {obj["ti"] for obj in parsed}
    regions = {obj["iu"].split("mingle-ionapi.", 1)[-1].split("inforcloudsuite", 1)[0] for obj in parsed if "mingle-ionapi" in obj["iu"]}
    assert {"", "eu1.", "se1.", "se2."} <= regions


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_corpus_file_is_judged_as_expected(case):
    verdict, rule, key, detail = judge(case)

    assert (verdict, rule, key) == (case.verdict, case.rule, case.key), detail
    if verdict == "refuse":
        assert detail.startswith(case.name + ": "), detail
        if key:
            assert detail.startswith("%s: key '%s': " % (case.name, key)), detail
        assert not find_numbered_leaks(detail, case.secrets()), detail
    else:
        assert len(detail) == len(case.warnings), detail
        for expected in case.warnings:
            assert [warning for warning in detail if expected in warning], (expected, detail)
        assert not find_numbered_leaks("\n".join(detail), case.secrets()), detail


@pytest.mark.parametrize("case", [case for case in CASES if case.secrets()], ids=repr)
def test_the_secrets_of_a_file_are_found_by_the_leak_check(case):
    """The leak check of these tests is not blind: the file's own text contains what it looks for."""
    text = case.data.decode("utf-16" if case.data.startswith(b"\xff\xfe") else "utf-8", "replace")
    assert find_numbered_leaks(text, case.secrets())


def test_a_refusal_describes_the_value_never_quotes_it():
    descriptions = {
        "placeholder": "a placeholder",
        "redacted": "a redaction marker",
        "secret-whitespace": "contains whitespace",
        "secret-too-short": "too short to be a secret",
        "tenant-invalid": "cannot be an Infor tenant id",
    }
    seen = set()
    for case in CASES:
        verdict, rule, _key, message = judge(case)
        if verdict == "refuse" and rule in descriptions and descriptions[rule] in message:
            seen.add(rule)
    assert seen == set(descriptions)
