# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where things are, and the one import path setup of the harness (it runs outside pytest)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
REPO = HERE.parent
PLAYBOOKS = REPO / "playbooks"
ROLE = REPO / "roles" / "ionapi"
RESULTS = HERE / "results"

# As tests/conftest.py's: the staged collection (make stage) and the simulators, for the tests' support modules.
for _directory in (REPO / ".build" / "collections", REPO / "tests" / "simulator"):
    if str(_directory) not in sys.path:
        sys.path.insert(0, str(_directory))
