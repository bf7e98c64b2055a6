# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Python of module_utils and plugin_utils says, in each file, that it is the collection's own."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import pytest

from ansible_collections.docbits.infor.tests.support.paths import REPO

MARKER = "# For use inside the docbits.infor collection only"
INTERNAL_FILES = sorted(
    os.path.relpath(path, REPO) for folder in ("module_utils", "plugin_utils") for path in glob.glob(os.path.join(REPO, "plugins", folder, "*.py"))
)


def test_there_are_internal_files_to_check():
    assert "plugins/module_utils/docbits_api.py" in INTERNAL_FILES and "plugins/plugin_utils/action.py" in INTERNAL_FILES


@pytest.mark.parametrize("relative_path", INTERNAL_FILES)
def test_every_internal_file_says_so_in_its_header(relative_path):
    with open(os.path.join(REPO, relative_path), encoding="utf-8") as source:
        header = source.read().splitlines()[:5]

    assert any(line.startswith(MARKER) for line in header), relative_path
