# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The once-per-run inventory check's decisions: misspelt variables, shared DocBits configurations,
and messages in the words of the inventory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.docbits.infor.plugins.plugin_utils.inventory_check import (
    OTHER_KNOWN_VARIABLES,
    Target,
    base_url,
    edit_distance,
    secret_digest,
    shared_targets,
    unknown_variables,
    unknown_variables_warning,
)
from ansible_collections.docbits.infor.plugins.plugin_utils.messages import files_dir_hint, in_user_words, path_hint
from ansible_collections.docbits.infor.tests.support.paths import REPO

ROLE_VARS = Path(REPO) / "roles" / "ionapi" / "vars" / "main.yml"


def known_variables():
    """The names the role maps to options (read from the role, as the check does), and the others."""
    known = set(OTHER_KNOWN_VARIABLES)
    for entry in yaml.safe_load(ROLE_VARS.read_text(encoding="utf-8"))["ionapi_option_variables"].values():
        entry = entry["variable"] if isinstance(entry, dict) else entry
        known.update([entry] if isinstance(entry, str) else entry)
    return known


KNOWN = known_variables()


def names(*hosts):
    return [(host, list(variables)) for host, variables in hosts]


@pytest.mark.parametrize(
    "typo, meant",
    [
        ("docbits_urll", "docbits_url"),
        ("docbits_api_kye", "docbits_api_key"),
        ("docbit_api_key", "docbits_api_key"),
        ("ionapi_fle", "ionapi_file"),
        ("infor_tenat", "infor_tenant"),
        ("docbits_org", "docbits_org_id"),
        ("docbits_export_methods", "docbits_export_method"),
        ("ionapifile", "ionapi_file"),
    ],
)
def test_a_misspelt_variable_is_named_with_the_one_meant(typo, meant):
    found = unknown_variables(names(("acme-tst", [typo, "infor_tenant"])), KNOWN)
    assert found == [dict(name=typo, meant=meant, hosts=["acme-tst"])]


def test_an_unknown_name_under_the_prefixes_is_named_even_without_a_near_one():
    found = unknown_variables(names(("acme-tst", ["docbits_colour_scheme"])), KNOWN)
    assert found == [dict(name="docbits_colour_scheme", meant=None, hosts=["acme-tst"])]


def test_known_and_unrelated_names_pass():
    variables = sorted(KNOWN) + ["ansible_connection", "inventory_hostname", "vault_docbits_api_key", "my_app_port", "groups"]
    assert unknown_variables(names(("acme-tst", variables)), KNOWN) == []


def test_the_warning_is_one_line_naming_every_name_the_one_meant_and_where():
    found = unknown_variables(
        names(("a", ["docbits_urll"]), ("b", ["docbits_urll"]), ("c", ["docbits_urll", "docbits_foo"]), ("d", ["docbits_urll"]), ("e", ["docbits_urll"])), KNOWN
    )
    warning = unknown_variables_warning(found)
    assert "\n" not in warning
    assert "docbits_foo (no variable of docbits.infor; set for c)" in warning
    assert "docbits_urll (did you mean docbits_url?; set for a, b, c and 2 more)" in warning


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("docbits_api_kye", "docbits_api_key") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("", "abc") == 3


def target(host, url="https://api.docbits.com", org_id=None, key="k1", sub_org_id=None, doc_types=("INVOICE",), config_id=None):
    return Target(host, url, org_id, secret_digest(key) if key else None, sub_org_id, set(doc_types), config_id)


def test_one_key_without_organisation_ids_is_one_organisation():
    verdicts, sets = shared_targets([target("tst"), target("prd"), target("dev", key="k2")])
    assert sorted(verdicts) == ["prd", "tst"]
    assert sets == ["prd, tst (one API key without docbits_org_id at https://api.docbits.com, document type(s) INVOICE)"]
    assert verdicts["prd"].startswith("prd writes to the same DocBits configuration as tst in this run")
    assert "k1" not in verdicts["prd"] and secret_digest("k1") not in verdicts["prd"]


def test_the_same_url_written_differently_is_the_same_url():
    verdicts, _sets = shared_targets([target("tst", url="https://API.docbits.com/"), target("prd", url="https://user:pw@api.docbits.com")])
    assert sorted(verdicts) == ["prd", "tst"]
    assert "pw" not in verdicts["prd"] and "user" not in verdicts["prd"]


@pytest.mark.parametrize(
    "other",
    [
        dict(url="https://us.api.docbits.com"),
        dict(org_id="acme-prd"),
        dict(sub_org_id="42"),
        dict(doc_types=("CREDIT_NOTE",)),
        dict(config_id="118"),
    ],
)
def test_environments_apart_in_any_coordinate_do_not_share(other):
    first = dict(org_id="acme-tst", config_id="117") if "config_id" in other else dict(org_id="acme-tst")
    second = dict(first, **other)
    assert shared_targets([target("tst", **first), target("prd", **second)]) == ({}, [])


def test_one_organisation_id_shares_whatever_the_keys_and_all_overlaps_every_type():
    verdicts, _sets = shared_targets(
        [
            target("tst", org_id="acme", key="k1"),
            target("prd", org_id="acme", key="k2", doc_types=("all",)),
            target("dev", org_id="acme", key="k3", doc_types=("CREDIT_NOTE",)),
        ]
    )
    assert sorted(verdicts) == ["dev", "prd", "tst"]
    assert "as dev, tst" in verdicts["prd"]
    # tst and dev overlap only through prd's all: each is named with prd alone.
    assert "as prd in this run" in verdicts["tst"]


def test_base_url_drops_user_info_and_trailing_slash():
    assert base_url("HTTPS://u:p@Api.DocBits.com:8443/prod-api/") == "https://api.docbits.com:8443/prod-api"


def test_messages_name_the_variable_the_user_set():
    sources = {"api_key": "docbits_api_key", "export_method": "docbits_export_method", "timeout": "docbits_timeout"}
    assert in_user_words("no DocBits credential: set api_key (or the DOCBITS_API_KEY environment variable)", sources) == (
        "no DocBits credential: set docbits_api_key (option api_key) (or the DOCBITS_API_KEY environment variable)"
    )
    assert in_user_words("value of export_method must be one of: a, b, got: c", sources).startswith(
        "value of docbits_export_method (option export_method) must be one of"
    )
    assert in_user_words("argument 'timeout' is of type <class 'str'>", sources) == ("argument docbits_timeout (option timeout) is of type <class 'str'>")
    # An option the task set itself is not renamed.
    assert in_user_words("value of state must be one of", sources) == "value of state must be one of"


def test_a_404_under_a_base_url_with_a_path_says_what_to_do():
    hint = path_hint("https://user:pw@api.docbits.com/prod-api", {"docbits_url": "docbits_url"})
    assert "docbits_url carries the path /prod-api" in hint and hint.endswith("set docbits_url to the bare https://api.docbits.com")
    assert "pw" not in hint
    assert path_hint("https://api.docbits.com/", {}) == ""


def test_a_relative_file_not_found_says_where_docbits_files_dir_was_taken_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hint = files_dir_hint({"src": "acme.ionapi", "src_dir": "inventories/mine/files"}, {"src": "ionapi_file", "src_dir": "docbits_files_dir"})
    assert "docbits_files_dir inventories/mine/files, which is relative to the directory ansible-playbook started in, %s" % tmp_path in hint
    assert files_dir_hint({"src": "/abs/acme.ionapi", "src_dir": "x"}, {}) == ""


def test_values_in_a_message_keep_their_words():
    sources = {"src": "ionapi_file", "src_dir": "docbits_files_dir"}
    assert in_user_words("src '/home/me/src/project/acme.ionapi': no such file on the controller", sources) == (
        "ionapi_file (option src) '/home/me/src/project/acme.ionapi': no such file on the controller"
    )
    assert in_user_words("src_dir must be a directory", sources) == "docbits_files_dir (option src_dir) must be a directory"


def test_a_url_that_is_no_url_raises_value_error_for_the_caller_to_skip():
    with pytest.raises(ValueError):
        target("tst", url="http://127.0.0.1:8765\r\nX-Injected: yes")
