# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the repository's files are, for tests at any depth of the tree."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The kept part of the public DocBits OpenAPI document (tests/contract/README.md).
CONTRACT_DOCUMENT = os.path.join(REPO, "tests", "contract", "docbits-openapi-2.2.10-configurations.json")
