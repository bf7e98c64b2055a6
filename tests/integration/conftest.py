# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the integration tests; the lab itself is in tests/support/docbits_lab.py."""

from __future__ import annotations

import pytest

from ansible_collections.docbits.infor.tests.support.builders import Pki
from ansible_collections.docbits.infor.tests.support.docbits_lab import Lab


@pytest.fixture
def lab_factory(tmp_path):
    """Make labs: lab_factory({"tst": "ACME_TST", ...}, connection="local"); stopped after the test."""
    labs = []

    def make(tenants=None, connection="local"):
        tenants = tenants or {"tst": "ACME_TST", "prd": "ACME_PRD"}
        directory = tmp_path / ("lab%d" % len(labs))
        directory.mkdir()
        made = Lab(directory, tenants, connection=connection)
        labs.append(made)
        return made

    yield make
    for made in labs:
        made.stop()


@pytest.fixture
def lab(lab_factory):  # pylint: disable=redefined-outer-name
    """Two environments, tst (ACME_TST) and prd (ACME_PRD), each its own DocBits organisation."""
    return lab_factory()


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """A CA made for this run and a certificate for 127.0.0.1 signed by it (and one that must not be trusted)."""
    return Pki(str(tmp_path_factory.mktemp("pki")))
