# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Makefile itself: `make help` names real targets, every one a contributor runs, and a leg's
virtualenv that runs another Python than the leg's is made anew. The virtualenv tests run the real
Makefile in a throwaway directory with stand-in interpreters: no real virtualenv is built."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from ansible_collections.docbits.infor.tests.support.docbits_lab import REPO

LEG, LEG_PYTHON, OTHER_PYTHON = "2.21", "3.13", "3.12"
# Phony targets that are steps of others, not run by hand.
INTERNAL_TARGETS = {"all", "FORCE", "stage", "stage-sanity", "get-pip", "venv-2.19"}

# Answers what the Makefile and hack/find_python.sh ask an interpreter: its version (and path),
# `-m venv --clear DIR` (a DIR/bin/python of the same version) and `-m pip install`; logs both.
STAND_IN = """#!/usr/bin/env bash
version=%s
log=%s
case "$1 $2" in
    "-c "*sys.executable*) echo "$version $0" ;;
    "-c "*) echo "$version" ;;
    "-m venv") dir=${!#}; rm -rf "$dir"; mkdir -p "$dir/bin"; cp "$0" "$dir/bin/python"; echo "venv $version" >>"$log" ;;
    "-m pip") echo "pip $version" >>"$log" ;;
    *) exit 2 ;;
esac
"""


def make(cwd, *args):
    return subprocess.run([shutil.which("make") or "make"] + list(args), cwd=str(cwd), capture_output=True, text=True, timeout=60, check=False)


def test_help_names_every_target_a_contributor_runs_and_only_real_ones():
    completed = make(REPO, "-s", "help")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.count("\n") > 10 and "$(" not in completed.stdout, completed.stdout
    named = set()
    for line in completed.stdout.splitlines():
        assert line.startswith("make "), line
        # "make unit-LEG, integration-LEG ...   one leg of ..." names unit-%, integration-%, ...
        named.update(name.replace("-LEG", "-%") for name in line[len("make ") :].split("  ", 1)[0].replace(",", " ").split())
    # make's database, without running a recipe.
    database = make(REPO, "-pRrq", ":").stdout
    targets = set(re.findall(r"^([^\s#:=]+):(?!=)", database, re.MULTILINE))
    phony = set(re.search(r"^\.PHONY: (.*)$", database, re.MULTILINE).group(1).split())
    assert named - targets == set(), "make help names targets the Makefile does not have"
    assert phony - INTERNAL_TARGETS - named == set(), "targets missing from the Makefile's header (make help)"


@pytest.fixture
def workdir(tmp_path):
    """The Makefile, hack/find_python.sh, an empty requirements file of the leg, and stand-in Pythons."""
    (tmp_path / "hack").mkdir()
    (tmp_path / "pythons").mkdir()
    shutil.copy(str(REPO / "Makefile"), str(tmp_path / "Makefile"))
    shutil.copy(str(REPO / "hack" / "find_python.sh"), str(tmp_path / "hack" / "find_python.sh"))
    (tmp_path / ("requirements-%s.txt" % LEG)).write_text("# nothing\n", encoding="utf-8")
    for version in (OTHER_PYTHON, LEG_PYTHON):
        python = tmp_path / "pythons" / ("python" + version)
        python.write_text(STAND_IN % (version, tmp_path / "log"), encoding="utf-8")
        python.chmod(0o755)
    return tmp_path


def leg_venv(workdir):
    return workdir / (".venv-" + LEG)


def venv_made_by(workdir, version):
    """The leg's virtualenv made by Python `version`, its stamp newer than the requirements."""
    subprocess.run([str(workdir / "pythons" / ("python" + version)), "-m", "venv", "--clear", str(leg_venv(workdir))], check=True)
    stamp = leg_venv(workdir) / ".stamp-requirements"
    stamp.touch()
    older = stamp.stat().st_mtime - 60
    os.utime(str(workdir / ("requirements-%s.txt" % LEG)), (older, older))
    (workdir / "log").unlink()


def make_venv(workdir):
    """`make venv-LEG` with the leg's stand-in Python; what it printed and what it made and installed."""
    completed = make(workdir, "venv-" + LEG, "PYTHON_%s=%s" % (LEG_PYTHON.replace(".", ""), workdir / "pythons" / ("python" + LEG_PYTHON)))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    log = workdir / "log"
    done = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    if log.exists():
        log.unlink()
    return completed.stdout, done


def python_of(workdir):
    return subprocess.run([str(leg_venv(workdir) / "bin" / "python"), "-c", "import sys"], capture_output=True, text=True, check=True).stdout.strip()


def test_a_leg_venv_of_another_python_is_made_anew_even_with_a_fresh_stamp(workdir):
    venv_made_by(workdir, OTHER_PYTHON)

    output, done = make_venv(workdir)

    assert "runs Python %s, not %s" % (OTHER_PYTHON, LEG_PYTHON) in output, output
    assert done == ["venv " + LEG_PYTHON, "pip " + LEG_PYTHON]
    assert python_of(workdir) == LEG_PYTHON
    # Made right: the next make has nothing to do.
    assert make_venv(workdir)[1] == []


def test_a_leg_venv_of_the_leg_python_is_left_alone(workdir):
    venv_made_by(workdir, LEG_PYTHON)

    assert make_venv(workdir)[1] == []


def test_a_leg_venv_whose_interpreter_is_gone_is_made_anew(workdir):
    venv_made_by(workdir, LEG_PYTHON)
    python = leg_venv(workdir) / "bin" / "python"
    python.unlink()
    python.symlink_to("python3.13-removed")

    assert make_venv(workdir)[1] == ["venv " + LEG_PYTHON, "pip " + LEG_PYTHON]
    assert python_of(workdir) == LEG_PYTHON
