# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A release can be cut from the tree as it is: `antsibull-changelog release`, run on a copy (it
rewrites changelogs/ and deletes the fragments), turns every fragment into galaxy.yml's version, and
the tarball built after it carries CHANGELOG.rst and LICENSE."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile

import yaml

from ansible_collections.docbits.infor.tests.support.docbits_lab import REPO, RUN_TIMEOUT, build_collection, run_tool, tool

# What antsibull-changelog reads: the version, the changelog and its fragments, the plugins' docs.
RELEASE_INPUTS = ("galaxy.yml", "changelogs", "meta", "plugins")


def copy_release_inputs(copy):
    copy.mkdir()
    for name in RELEASE_INPUTS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", ".plugin-cache.yaml"))
        else:
            shutil.copy(REPO / name, copy / name)


def next_version(version):
    major, minor, patch = (int(part) for part in version.split("."))
    return "%d.%d.%d" % (major, minor, patch + 1)


def test_released_notes_are_up_to_date(tmp_path):
    """galaxy.yml's version is released in changelogs/changelog.yaml, and CHANGELOG.rst is what it generates."""
    copy = tmp_path / "collection"
    copy_release_inputs(copy)
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    releases = yaml.safe_load((REPO / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))["releases"] or {}
    assert version in releases, "galaxy.yml names %s, which changelogs/changelog.yaml has not released" % version
    assert releases[version].get("changes", {}).get("release_summary"), "the release %s has no summary" % version

    completed = subprocess.run([tool("antsibull-changelog"), "generate"], cwd=str(copy), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (copy / "CHANGELOG.rst").read_text(encoding="utf-8") == (REPO / "CHANGELOG.rst").read_text(
        encoding="utf-8"
    ), "CHANGELOG.rst is not what changelogs/changelog.yaml generates: run antsibull-changelog generate"


def test_changelog_release_takes_every_fragment(tmp_path):
    """The pending fragments (changes since the last release) all reach the next release's notes."""
    copy = tmp_path / "collection"
    copy_release_inputs(copy)
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    releases = yaml.safe_load((REPO / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))["releases"] or {}
    if version in releases:
        version = next_version(version)
        galaxy = yaml.safe_load((copy / "galaxy.yml").read_text(encoding="utf-8"))
        galaxy["version"] = version
        (copy / "galaxy.yml").write_text(yaml.safe_dump(galaxy), encoding="utf-8")
    fragments = dict((path.name, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted((REPO / "changelogs" / "fragments").glob("*.yml")))
    # A summary of our own: right after a release there is no fragment yet, and the release must still work.
    (copy / "changelogs" / "fragments" / "test-release-summary.yml").write_text("release_summary: Release made by the tests on a copy.\n", encoding="utf-8")

    completed = subprocess.run(
        [tool("antsibull-changelog"), "release", "--date", "2026-01-01"], cwd=str(copy), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    release = yaml.safe_load((copy / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))["releases"][version]
    assert set(fragments) <= set(release.get("fragments", [])), release.get("fragments")
    notes = (copy / "CHANGELOG.rst").read_text(encoding="utf-8")
    assert "v%s\n" % version in notes and "Release made by the tests on a copy." in notes
    entries = [
        (name, entry)
        for name, sections in fragments.items()
        for section, items in sections.items()
        if section not in ("trivial", "release_summary")
        for entry in items
    ]
    missing = ["%s: %s" % (name, entry[:60]) for name, entry in entries if "- %s\n" % entry not in notes]
    assert not missing, "fragment entries missing from CHANGELOG.rst: %s" % missing


def release_copy(destination):
    """A copy of what git would commit (tracked and untracked-not-ignored files), released."""
    listed = (
        subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=str(REPO), capture_output=True, timeout=RUN_TIMEOUT, check=True)
        .stdout.decode("utf-8")
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    completed = subprocess.run(
        [tool("antsibull-changelog"), "release", "--date", "2026-01-01"], cwd=str(destination), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_released_tarball_carries_changelog_and_license(tmp_path):
    copy = tmp_path / "collection"
    release_copy(copy)
    version = str(yaml.safe_load((copy / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    assert not list((copy / "changelogs" / "fragments").glob("*.yml")), "the release must consume every fragment"

    built = build_collection(copy, tmp_path / "dist")

    assert built.name == "docbits-infor-%s.tar.gz" % version
    with tarfile.open(built) as tarball:
        names = set(tarball.getnames())
        notes = tarball.extractfile("CHANGELOG.rst").read().decode("utf-8")
        license_text = tarball.extractfile("LICENSE").read().decode("utf-8")
    assert {"CHANGELOG.rst", "LICENSE", "changelogs/changelog.yaml"} <= names
    assert "v%s\n" % version in notes and "Release Summary" in notes
    assert "GNU GENERAL PUBLIC LICENSE" in license_text and "Version 3, 29 June 2007" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text and len(license_text.splitlines()) == 674


def test_importer_settings_are_automation_hubs(tmp_path):
    """hack/galaxy-importer.cfg (make importer) is read and refuses what Automation Hub refuses: a version below 1.0.0."""
    copy = tmp_path / "collection"
    release_copy(copy)
    galaxy = yaml.safe_load((copy / "galaxy.yml").read_text(encoding="utf-8"))
    galaxy["version"] = "0.9.0"
    (copy / "galaxy.yml").write_text(yaml.safe_dump(galaxy), encoding="utf-8")
    build_collection(copy, tmp_path)
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "GALAXY_IMPORTER_")))
    env["GALAXY_IMPORTER_CONFIG"] = str(REPO / "hack" / "galaxy-importer.cfg")

    imported = run_tool([sys.executable, "-m", "galaxy_importer.main", "docbits-infor-0.9.0.tar.gz"], cwd=str(tmp_path), env=env)

    assert imported.returncode != 0, imported.stdout + imported.stderr
    assert "requires version to be 1.0.0 or greater" in imported.stdout + imported.stderr
