# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest bootstrap for the unit and integration suites.

* ``import ansible_collections.docbits.infor...`` works: .build/collections (where
  .build/collections/ansible_collections/docbits/infor is a relative symlink to the repo
  root, made by ``make`` / hack/stage_collection.sh, or here when missing) goes on sys.path.
* ``import docbits_simulator`` works: tests/simulator goes on sys.path.
* ansible-playbook run by the tests finds this collection (ANSIBLE_COLLECTIONS_PATH) and
  this virtualenv's tools (PATH), also when pytest is started directly, not through ``make``.
"""

from __future__ import annotations

import os
import sys

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
COLLECTIONS_DIR = os.path.join(REPO_ROOT, ".build", "collections")
COLLECTION_LINK = os.path.join(COLLECTIONS_DIR, "ansible_collections", "docbits", "infor")
SIMULATOR_DIR = os.path.join(TESTS_DIR, "simulator")


def _stage_collection():
    """Create the relative symlink .build/collections/ansible_collections/docbits/infor -> repo root."""
    if os.path.lexists(COLLECTION_LINK):
        return
    os.makedirs(os.path.dirname(COLLECTION_LINK), exist_ok=True)
    try:
        os.symlink(os.path.join("..", "..", "..", ".."), COLLECTION_LINK)
    except FileExistsError:  # created concurrently (pytest-xdist workers)
        pass


def _prepend(path, directory):
    """Return the os.pathsep-separated `path` with `directory` first, unless already in it."""
    parts = [part for part in (path or "").split(os.pathsep) if part]
    if directory in parts:
        return os.pathsep.join(parts)
    return os.pathsep.join([directory] + parts)


_stage_collection()

for _directory in (SIMULATOR_DIR, COLLECTIONS_DIR):
    if _directory not in sys.path:
        sys.path.insert(0, _directory)

# Child processes (ansible-playbook) find the collection and this virtualenv's tools.
# Deliberately no PYTHONPATH: modules must work from their AnsiballZ payload alone.
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS_DIR)
os.environ["PATH"] = _prepend(os.environ.get("PATH"), os.path.dirname(sys.executable))

# Fixtures shared by the unit and simulator tests (the integration tests have their own pki).
pytest_plugins = ("ansible_collections.docbits.infor.tests.support.fixtures",)
