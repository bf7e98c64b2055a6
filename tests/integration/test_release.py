# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A release can be cut from the tree as it is: `antsibull-changelog release`, run on a copy (it
rewrites changelogs/ and deletes the fragments), turns every fragment into galaxy.yml's version."""

from __future__ import annotations

import shutil
import subprocess

import yaml

from docbits_lab import REPO, RUN_TIMEOUT, tool

# What antsibull-changelog reads: the version, the changelog and its fragments, the plugins' docs.
RELEASE_INPUTS = ("galaxy.yml", "changelogs", "meta", "plugins")


def test_changelog_release_takes_every_fragment(tmp_path):
    copy = tmp_path / "collection"
    copy.mkdir()
    for name in RELEASE_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", ".plugin-cache.yaml"))
        else:
            shutil.copy(REPO / name, copy / name)
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    fragments = dict((path.name, yaml.safe_load(path.read_text(encoding="utf-8")))
                     for path in sorted((REPO / "changelogs" / "fragments").glob("*.yml")))
    assert fragments, "no changelog fragment: every change gets one"

    completed = subprocess.run([tool("antsibull-changelog"), "release", "--date", "2026-01-01"], cwd=str(copy),
                               capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    release = yaml.safe_load((copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))["releases"][version]
    assert set(fragments) <= set(release["fragments"]), release["fragments"]
    notes = (copy / "CHANGELOG.rst").read_text(encoding="utf-8")
    assert "v%s\n" % version in notes
    entries = [(name, entry) for name, sections in fragments.items() for section, items in sections.items()
               if section != "trivial" for entry in items]
    assert entries
    missing = ["%s: %s" % (name, entry[:60]) for name, entry in entries if "- %s\n" % entry not in notes]
    assert not missing, "fragment entries missing from CHANGELOG.rst: %s" % missing
