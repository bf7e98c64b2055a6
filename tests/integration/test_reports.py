# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run reports and the table at the end of a run, from real playbook runs: what they say in check
mode, under serial, for info; how the files are written; a report that cannot be written."""

from __future__ import annotations

import contextlib
import json
import os
import stat

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable
from ansible_collections.docbits.infor.tests.support.docbits_lab import fingerprint, make_random_ionapi

PROVISION = "provision_ionapi.yml"
INFO = "info_ionapi.yml"
NOT_WRITTEN = "docbits_summary_dir: the run report was not written"


@contextlib.contextmanager
def umask(mask):
    """ansible-playbook (a child process) inherits the umask."""
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def tables(run):
    """Every table the run printed: (title line, [lines]) in order, each up to the next Ansible line."""
    found, current = [], None
    for line in run.stdout.splitlines():
        if line.startswith(".ionapi ") and "(whole run): " not in line:
            current = (line, [])
            found.append(current)
        elif current is not None and line.strip() and not line.startswith(("ok:", "changed:", "skipping:", "fatal:", "TASK", "PLAY")):
            current[1].append(line)
        else:
            current = None
    return found


def test_a_report_that_cannot_be_written_fails_the_run_once_after_the_table_and_no_environment(lab, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the reports' directory should be\n", encoding="utf-8")

    run = lab.run(PROVISION, "-e", "docbits_summary_dir=%s" % (blocker / "reports"))

    assert run.rc == 2, run
    # The environments did their work: uploaded, not failed; the run fails once, on localhost.
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0}, localhost={"failed": 1})
    assert all(env.stored_ionapi() == env.credentials for env in lab.envs.values())
    [failure] = [line for line in run.stdout.splitlines() if line.startswith("fatal:")]
    assert failure.startswith("fatal: [localhost]") and NOT_WRITTEN in failure, run
    [(title, _lines)] = tables(run)
    assert title.endswith("2 environment(s), 2 changed"), run
    assert run.stdout.index(title) < run.stdout.index(NOT_WRITTEN), run
    assert "ionapi-summary.json" in run.stdout[run.stdout.index(NOT_WRITTEN) :], run


def test_report_files_honour_the_umask_and_never_follow_a_link(lab, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("not a report\n", encoding="utf-8")
    (reports / "ionapi-summary.md").symlink_to(precious)

    with umask(0o027):
        run = lab.run(PROVISION, "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 2, run
    run.assert_recap(tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    assert precious.read_text(encoding="utf-8") == "not a report\n"
    assert (reports / "ionapi-summary.md").is_symlink()
    [failure] = [line for line in run.stdout.splitlines() if line.startswith("fatal:")]
    assert NOT_WRITTEN in failure and "ionapi-summary.md: it is a symbolic link" in failure, run
    written = reports / "ionapi-summary.json"
    assert stat.S_IMODE(written.stat().st_mode) == 0o640
    assert json.loads(written.read_text(encoding="utf-8"))["totals"]["changed"] == 2
    # No temporary file is left beside the reports.
    assert sorted(path.name for path in reports.iterdir()) == ["ionapi-summary.json", "ionapi-summary.md"]


def test_batches_show_their_own_environments_failures_first_and_the_last_totals_the_run(lab_factory, tmp_path):
    lab = lab_factory({"a1": "ACME_A1", "b2": "ACME_B2", "c3": "ACME_C3", "d4": "ACME_D4"})
    lab["b2"].write(text='{"ti": "ACME_B2",')
    reports = tmp_path / "reports"

    run = lab.run(PROVISION, "-e", "docbits_serial=2", "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 2, run
    run.assert_recap(a1={"changed": 1, "failed": 0}, b2={"failed": 1}, c3={"changed": 1, "failed": 0}, d4={"changed": 1, "failed": 0})
    [(first, first_lines), (last, last_lines)] = tables(run)
    assert first == ".ionapi provisioning summary (this batch, 2 to come): 2 environment(s), 1 changed, 1 failed (b2)", run
    # Failed first, named in the header; then the batch's others.
    assert [line.split()[0] for line in first_lines[1:]] == ["b2", "a1"], run
    assert last == ".ionapi provisioning summary (last batch): 2 environment(s), 2 changed", run
    assert [line.split()[0] for line in last_lines[1:-1]] == ["c3", "d4"], run
    assert last_lines[-1] == ".ionapi provisioning summary (whole run): 4 environment(s), 3 changed, 1 failed (b2)", run
    document = json.loads((reports / "ionapi-summary.json").read_text(encoding="utf-8"))
    assert [row["environment"] for row in document["rows"]] == ["b2", "a1", "c3", "d4"]
    assert document["totals"] == {"changed": 3, "unchanged": 0, "failed": 1, "not run": 0}


def test_a_check_mode_run_says_so_in_the_table_and_both_reports(lab, tmp_path):
    reports = tmp_path / "reports"

    run = lab.run(PROVISION, "--check", "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 0, run
    assert lab.sim.writes == 0
    [(title, lines)] = tables(run)
    assert title == ".ionapi provisioning summary (check mode: nothing written): 2 environment(s), 2 would change", run
    assert all(line.split()[2:4] == ["would", "create"] for line in lines[1:]), run
    document = json.loads((reports / "ionapi-summary.json").read_text(encoding="utf-8"))
    assert document["check_mode"] is True and document["totals"]["would change"] == 2
    markdown = (reports / "ionapi-summary.md").read_text(encoding="utf-8")
    assert markdown.startswith("# .ionapi provisioning summary (check mode: nothing written)\n")
    assert "2 environment(s), 2 would change." in markdown and markdown.count("| would create |") == 2


def test_info_report_names_every_stored_file_and_escapes_what_docbits_says(lab, tmp_path):
    provisioned = lab.run(PROVISION)
    assert provisioned.rc == 0, provisioned
    tst = lab["tst"]
    hostile = "CREDIT\x1b]0;owned\x07_NOTE\u202e"
    other = make_random_ionapi("ACME_TST")
    lab.remember_credentials("tst other", other)
    lab.sim.seed(tst.org, {"title": "other", "doc_type": hostile, "export_method": "infor-idm-cloud", "files": {"ION_API": other}})
    reports = tmp_path / "reports"

    run = lab.run(INFO, "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 0, run
    [(title, lines)] = tables(run)
    assert title == ".ionapi files stored in DocBits: 2 environment(s), 2 in sync", run
    document = json.loads((reports / "ionapi-info.json").read_text(encoding="utf-8"))
    rows = dict((row["environment"], row) for row in document["rows"])
    stored = dict((entry["fingerprint"], entry) for entry in rows["tst"]["configurations"])
    assert stored[fingerprint(tst.credentials)]["is_local_file"] is True
    assert stored[fingerprint(other)]["is_local_file"] is False and stored[fingerprint(other)]["doc_type"] == printable(hostile)
    assert rows["tst"]["desired_fingerprint"] == fingerprint(tst.credentials)
    markdown = (reports / "ionapi-info.md").read_text(encoding="utf-8")
    assert printable(hostile) in markdown
    for text in (markdown, (reports / "ionapi-info.json").read_text(encoding="utf-8")):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
