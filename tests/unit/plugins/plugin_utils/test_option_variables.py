# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""option_variables: module options taken from the host's variables, with Ansible's own templar."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_SPEC, VALIDATE_SPEC
from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError
from ansible_collections.docbits.infor.tests.support.paths import REPO
from ansible_collections.docbits.infor.plugins.plugin_utils.option_variables import (
    COLLECTION_MAPPING_VARIABLE,
    mapping_of,
    options_from_variables,
    variable_names,
)

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core 2.18 templates every string

    def trust_as_template(value):
        return value


OMIT = "__omit_place_holder__0123456789"
MAPPING = {
    "api_key": "docbits_api_key",
    "docbits_url": "docbits_url",
    "org_id": "docbits_org_id",
    "doc_types": ["docbits_doc_types", "docbits_default_doc_types"],
}


class TaggedStr(str):
    """Stands for ansible-core's tagged strings (2.19 tags every value it reads with its origin)."""


def resolve(host_vars, mapping=None, given=None, spec=None, **keywords):
    task_vars = dict(
        omit=OMIT,
        **dict((name, trust_as_template(value) if isinstance(value, str) and not isinstance(value, TaggedStr) else value) for name, value in host_vars.items()),
    )
    templar = Templar(loader=DataLoader(), variables=task_vars)
    return options_from_variables(MAPPING if mapping is None else mapping, spec or IONAPI_SPEC, given or {}, task_vars, templar, **keywords)


def test_a_set_variable_becomes_its_option_templated():
    options = resolve({"docbits_api_key": "{{ vault_key }}", "vault_key": "k" * 40, "docbits_url": "https://api.docbits.com"})

    assert options == {"api_key": "k" * 40, "docbits_url": "https://api.docbits.com"}


def test_values_arrive_as_plain_data_whether_templated_or_not():
    options = resolve(
        {"docbits_api_key": TaggedStr("k" * 40), "docbits_url": "{{ base }}", "base": "https://api.docbits.com", "docbits_doc_types": [TaggedStr("INVOICE")]}
    )

    assert options == {"api_key": "k" * 40, "docbits_url": "https://api.docbits.com", "doc_types": ["INVOICE"]}
    assert [type(options["api_key"]), type(options["docbits_url"]), type(options["doc_types"][0])] == [str, str, str]


def test_an_unset_variable_leaves_its_option_to_the_module():
    assert resolve({}) == {}


@pytest.mark.parametrize("value", [None, "{{ omit }}"])
def test_a_variable_resolving_to_nothing_leaves_its_option_to_the_module(value):
    assert resolve({"docbits_org_id": value}) == {}


def test_the_task_own_argument_wins_and_its_variable_is_not_even_templated():
    options = resolve({"docbits_api_key": "{{ vault_missing }}", "docbits_org_id": "from-inventory"}, given={"api_key": "from-task"})

    assert options == {"org_id": "from-inventory"}


def test_a_set_variable_that_does_not_resolve_fails_naming_the_option_and_the_variable():
    with pytest.raises(OptionError) as raised:
        resolve({"docbits_api_key": "{{ vault_docbits_api_key }}"})

    message = str(raised.value)
    assert "option api_key" in message and "variable docbits_api_key" in message
    assert "'vault_docbits_api_key' is undefined" in message
    assert "nothing else is used in its place" in message


def test_another_template_error_is_named_by_its_kind_only_so_no_value_is_quoted():
    with pytest.raises(OptionError) as raised:
        resolve({"docbits_api_key": "{{ 'dbk_SECRETVALUE0123456789' | to_datetime }}"})

    assert "variable docbits_api_key" in str(raised.value)
    assert "SECRETVALUE" not in str(raised.value)


def test_of_several_variables_the_first_one_set_counts():
    assert resolve({"docbits_default_doc_types": "all"}) == {"doc_types": "all"}
    assert resolve({"docbits_doc_types": ["INVOICE"], "docbits_default_doc_types": "all"}) == {"doc_types": ["INVOICE"]}
    # Set to nothing, the first one still decides: the playbook's default does not replace it.
    assert resolve({"docbits_doc_types": None, "docbits_default_doc_types": "all"}) == {}


def test_a_required_variable_that_is_not_set_fails_naming_it():
    mapping = {"expected_tenant": {"variable": "infor_tenant", "required": True}}

    assert resolve({"infor_tenant": "ACME_TST"}, mapping=mapping) == {"expected_tenant": "ACME_TST"}
    for host_vars in ({}, {"infor_tenant": None}):
        with pytest.raises(OptionError) as raised:
            resolve(host_vars, mapping=mapping)
        assert str(raised.value) == "option expected_tenant: variable infor_tenant is not set, and this task needs it"
    # Given by the task, the option needs no variable.
    assert resolve({}, mapping=mapping, given={"expected_tenant": "ACME_TST"}) == {}


SOURCES = {"src": "ionapi_file", "content": {"variable": "ionapi_content", "text": True}}
TEXT = '{"ti": "ACME_TST"}'


def test_a_text_variable_becomes_its_option_and_the_variable_is_recorded():
    sources = {}

    assert resolve({"ionapi_content": "{{ stored }}", "stored": TEXT}, mapping=SOURCES, sources=sources) == {"content": TEXT}
    # src is unset: messages about it still name the variable that would set it.
    assert sources == {"content": "ionapi_content", "src": "ionapi_file"}


def test_a_text_variable_that_resolves_to_an_object_is_its_json_text():
    # ansible-core 2.18 makes JSON text an object when it templates it; a store may keep the keys as fields.
    options = resolve({"ionapi_content": "{{ stored | from_json }}", "stored": TEXT}, mapping=SOURCES)
    assert list(options) == ["content"] and json.loads(options["content"]) == json.loads(TEXT)


@pytest.mark.parametrize(
    "value, kind",
    [
        ("", "nothing"),
        ("  \n", "nothing"),
        (None, "nothing"),
        ("{{ none }}", "nothing"),
        ([TEXT], "a list, not to text"),
        (3, "a number, not to text"),
    ],
)
def test_a_text_variable_that_resolves_to_no_text_fails_naming_it(value, kind):
    with pytest.raises(OptionError) as raised:
        resolve({"ionapi_content": value, "stored": TEXT}, mapping=SOURCES)

    message = str(raised.value)
    assert message.startswith("option content: variable ionapi_content ") and message.split(" resolves to ")[1].startswith(kind), message
    assert "ACME_TST" not in message


def test_variables_of_mutually_exclusive_options_are_never_both_used():
    host_vars = {"ionapi_file": "acme.ionapi", "ionapi_content": TEXT}

    with pytest.raises(OptionError) as raised:
        resolve(host_vars, mapping=SOURCES, mutually_exclusive=[("src", "content")])
    assert str(raised.value) == (
        "variables ionapi_file and ionapi_content are set together, but options src and content are mutually exclusive: set only one of them for this host"
    )
    # The task's own option wins over both, and the other variable of its group is not used either.
    assert resolve(host_vars, mapping=SOURCES, given={"content": TEXT}, mutually_exclusive=[("src", "content")]) == {}
    assert resolve({"ionapi_file": "acme.ionapi"}, mapping=SOURCES, mutually_exclusive=[("src", "content")]) == {"src": "acme.ionapi"}


@pytest.mark.parametrize(
    "mapping, rule",
    [
        ({"api_keys": "docbits_api_key"}, "api_keys is no option of this module"),
        ({"option_variables": "x"}, "option_variables is no option of this module"),
        ({"title": 3}, "the variable of option title must be a name or a list of names"),
        ({"title": []}, "the variable of option title must be a name or a list of names"),
        ({"title": {"variable": "t", "required": "yes"}}, "the entry of option title takes variable, required and text (true or false)"),
        ({"title": {"name": "t"}}, "the entry of option title takes variable, required and text (true or false)"),
        ({"title": {"variable": "t", "text": 1}}, "the entry of option title takes variable, required and text (true or false)"),
        (["docbits_api_key"], "must be a dictionary of option: variable name, not list"),
    ],
)
def test_a_wrong_mapping_is_refused_before_anything_is_read(mapping, rule):
    with pytest.raises(OptionError) as raised:
        resolve({"docbits_api_key": "{{ vault_missing }}"}, mapping=mapping)

    assert rule in str(raised.value)


def test_the_mapping_can_be_named_by_its_variable_and_is_templated_then():
    host_vars = {
        "docbits_org_id": "org-1",
        "role_mapping": {"org_id": "docbits_org_id", "title": "docbits_export_title"},
        "subset": "{{ role_mapping | dict2items | selectattr('key', 'in', ['org_id']) | items2dict }}",
    }

    assert resolve(host_vars, mapping="role_mapping") == {"org_id": "org-1"}
    assert resolve(host_vars, mapping="subset") == {"org_id": "org-1"}
    with pytest.raises(OptionError) as raised:
        resolve(host_vars, mapping="no_such_mapping")
    assert str(raised.value) == "option_variables: no variable no_such_mapping holds the mapping"


def test_an_option_of_another_module_is_refused():
    with pytest.raises(OptionError) as raised:
        resolve({}, mapping={"api_key": "docbits_api_key"}, spec=VALIDATE_SPEC)

    assert "api_key is no option of this module" in str(raised.value)


ROLE_MAPPING = {
    "expected_tenant": {"variable": "infor_tenant", "required": True},
    "src": "ionapi_file",
    "api_key": "docbits_api_key",
    "org_id": "docbits_org_id",
}


def test_a_subset_takes_the_named_options_of_a_mapping_without_templating_it():
    subset = {"from": "role_mapping", "options": ["expected_tenant", "src"]}
    host_vars = {
        "role_mapping": ROLE_MAPPING,
        "infor_tenant": "ACME_TST",
        "ionapi_file": "tst.ionapi",
        "docbits_api_key": "{{ vault_missing }}",
        "validate_subset": subset,
    }

    # api_key is not taken: its variable, set but unresolvable, is not even looked at.
    assert resolve(host_vars, mapping=subset, spec=VALIDATE_SPEC) == {"expected_tenant": "ACME_TST", "src": "tst.ionapi"}
    assert resolve(host_vars, mapping="validate_subset", spec=VALIDATE_SPEC) == {"expected_tenant": "ACME_TST", "src": "tst.ionapi"}
    # The entries keep their rules: expected_tenant stays required.
    with pytest.raises(OptionError) as raised:
        resolve(dict(host_vars, infor_tenant=None), mapping=subset, spec=VALIDATE_SPEC)
    assert "variable infor_tenant is not set, and this task needs it" in str(raised.value)


def test_a_subset_can_make_an_option_optional_and_add_options_of_the_module_alone():
    subset = {"from": "role_mapping", "options": ["expected_tenant", "src"], "optional": ["expected_tenant"], "more": {"strict": "strict_flag"}}
    host_vars = {"role_mapping": ROLE_MAPPING, "ionapi_file": "tst.ionapi", "strict_flag": True}

    assert resolve(host_vars, mapping=subset, spec=VALIDATE_SPEC) == {"src": "tst.ionapi", "strict": True}
    assert resolve(dict(host_vars, infor_tenant="ACME_TST"), mapping=subset, spec=VALIDATE_SPEC)["expected_tenant"] == "ACME_TST"
    # The mapping itself is left as it was.
    assert ROLE_MAPPING["expected_tenant"]["required"] is True


@pytest.mark.parametrize(
    "subset, rule",
    [
        ({"from": "role_mapping", "options": ["title"]}, "title not in the options taken of role_mapping"),
        ({"from": "role_mapping", "options": ["src"], "optional": ["org_id"]}, "org_id not in the options taken of role_mapping"),
        ({"from": "no_such_mapping", "options": ["src"]}, "no variable no_such_mapping holds the mapping"),
        ({"from": "role_mapping", "options": "src"}, "'options' and 'optional' list option names"),
        ({"from": "role_mapping", "options": ["src"], "more": ["strict"]}, "'more' maps options to variables"),
        ({"from": "not_a_mapping", "options": ["src"]}, "variable not_a_mapping must hold a dictionary"),
        ({"from": "role_mapping", "options": ["api_key"]}, "api_key is no option of this module"),
    ],
)
def test_a_wrong_subset_is_refused_naming_what_is_wrong(subset, rule):
    with pytest.raises(OptionError) as raised:
        resolve({"role_mapping": ROLE_MAPPING, "not_a_mapping": ["src"]}, mapping=subset, spec=VALIDATE_SPEC)

    assert rule in str(raised.value)


def test_the_collection_mapping_is_the_role_one_so_a_task_naming_none_reads_the_same_variables():
    with open(os.path.join(REPO, "roles", "ionapi", "vars", "main.yml"), encoding="utf-8") as role_variables:
        role_mapping = yaml.safe_load(role_variables)["ionapi_option_variables"]

    assert mapping_of(COLLECTION_MAPPING_VARIABLE, {}, None) == role_mapping
    names = variable_names(COLLECTION_MAPPING_VARIABLE, {}, None)
    assert names["api_key"] == ["docbits_api_key"] and names["doc_types"] == ["docbits_doc_types", "docbits_default_doc_types"]


@pytest.mark.parametrize(
    "name, spec, option, variable",
    [
        ("ionapi_option_variables", IONAPI_SPEC, "api_key", "docbits_api_key"),
        ("ionapi_validate_option_variables", VALIDATE_SPEC, "strict", "docbits_ionapi_strict"),
    ],
)
def test_a_mapping_of_the_collection_is_known_by_its_name_without_the_role(name, spec, option, variable):
    # The collection's playbooks name it without importing the role that sets it.
    options = resolve({variable: True if option == "strict" else "k" * 40, "infor_tenant": "ACME_TST"}, mapping=name, spec=spec)

    assert options[option] == (True if option == "strict" else "k" * 40)


def test_a_mapping_set_for_the_host_wins_over_the_collection_one_of_that_name():
    options = resolve({"ionapi_option_variables": {"org_id": "my_org"}, "my_org": "org-1", "docbits_api_key": "k" * 40}, mapping="ionapi_option_variables")

    assert options == {"org_id": "org-1"}


def test_any_other_unset_mapping_name_is_still_refused():
    with pytest.raises(OptionError) as raised:
        resolve({}, mapping="my_option_variables")

    assert "no variable my_option_variables holds the mapping" in str(raised.value)
