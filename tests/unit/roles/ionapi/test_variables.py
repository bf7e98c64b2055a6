# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One inventory variable, every place that names it: the mapping (roles/ionapi/vars/main.yml), the
role's argument spec, the README's variables table and the example inventory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest
import yaml

from ansible_collections.docbits.infor.plugins.plugin_utils.inventory_check import OTHER_KNOWN_VARIABLES
from ansible_collections.docbits.infor.tests.support.paths import REPO

# Variables of the mapping that a playbook sets, not the inventory.
SET_BY_PLAYBOOKS = frozenset(("docbits_default_doc_types",))


def read(*parts):
    with open(os.path.join(REPO, *parts), encoding="utf-8") as stream:
        return stream.read()


def mapped_variables():
    mapping = yaml.safe_load(read("roles", "ionapi", "vars", "main.yml"))["ionapi_option_variables"]
    names = []
    for entry in mapping.values():
        entry = entry["variable"] if isinstance(entry, dict) else entry
        names.extend([entry] if isinstance(entry, str) else entry)
    return sorted(set(names) - SET_BY_PLAYBOOKS)


def readme_table_variables():
    """Names in the first column of the README's tables (`a`, `b` rows give both)."""
    names = set()
    for line in read("README.md").splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return names


def example_inventory_text():
    texts = []
    for directory, _dirs, files in os.walk(os.path.join(REPO, "inventories", "example")):
        texts.extend(read(directory, name) for name in files if name.endswith((".yml", ".yaml")))
    return "\n".join(texts)


VARIABLES = mapped_variables()


def test_the_mapping_is_not_empty():
    assert "docbits_api_key" in VARIABLES and "ionapi_content" in VARIABLES and len(VARIABLES) > 20


@pytest.mark.parametrize("name", VARIABLES)
def test_every_mapped_variable_is_in_the_argument_spec_the_readme_and_the_example(name):
    spec = yaml.safe_load(read("roles", "ionapi", "meta", "argument_specs.yml"))["argument_specs"]["main"]["options"]
    assert name in spec, "%s: missing from roles/ionapi/meta/argument_specs.yml" % name
    assert name in readme_table_variables(), "%s: missing from the README's variables table" % name
    assert re.search(r"(?m)^\s*#?\s*%s:" % re.escape(name), example_inventory_text()), "%s: missing from inventories/example" % name


def test_the_argument_spec_names_no_variable_the_collection_does_not_read():
    spec = yaml.safe_load(read("roles", "ionapi", "meta", "argument_specs.yml"))["argument_specs"]["main"]["options"]
    assert sorted(set(spec) - set(VARIABLES) - OTHER_KNOWN_VARIABLES) == []
