# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk runs: the run summary, --limit / serial / throttle, and the read-only drift audit."""

from __future__ import annotations

import json

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_CONFIGURE, PATH_LIST as LIST, PATH_REMOVE
from ansible_collections.docbits.infor.tests.support.docbits_lab import find_leaks, fingerprint

PROVISION = "provision_ionapi.yml"
AUDIT = "audit_ionapi.yml"
WRITE_PATHS = (PATH_CONFIGURE, PATH_REMOVE)
THREE = {"dev": "ACME_DEV", "tst": "ACME_TST", "prd": "ACME_PRD"}


def read_report(lab, directory, name):
    """The JSON report (rows by environment) and the Markdown text; neither may hold a secret."""
    document = json.loads((directory / ("%s.json" % name)).read_text(encoding="utf-8"))
    markdown = (directory / ("%s.md" % name)).read_text(encoding="utf-8")
    for text in (json.dumps(document), markdown):
        assert find_leaks(text, lab.secret_values) == []
    return document, dict((row["environment"], row) for row in document["rows"]), markdown


def printed_table(run, title):
    """The table a person reads at the end of the run (printed without -v): its title line and its
    lines by environment."""
    lines = run.stdout.splitlines()
    start = [index for index, line in enumerate(lines) if line.startswith(title + ":")]
    assert len(start) == 1, run
    body = []
    for line in lines[start[0] + 2 :]:
        if not line.strip() or line.startswith(("ok:", "changed:", "TASK", "PLAY")):
            break
        body.append(line)
    return lines[start[0]], dict((line.split()[0], line) for line in body)


def table_rows(markdown):
    """The rows of the table of environments (the table per configuration follows it, after a heading)."""
    environments = markdown.split("\n## ", 1)[0]
    return [line for line in environments.splitlines() if line.startswith("| ") and not line.startswith("| environment")]


def test_summary_names_every_environment_and_a_failure_stops_no_other(lab_factory, tmp_path):
    lab = lab_factory(THREE)
    lab["tst"].write(text='{"ti": "ACME_TST",')
    reports = tmp_path / "reports"

    run = lab.run(PROVISION, "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 2, run
    run.assert_recap(dev={"changed": 1, "failed": 0}, tst={"changed": 0, "failed": 1}, prd={"changed": 1, "failed": 0})
    document, rows, markdown = read_report(lab, reports, "ionapi-summary")
    assert document["totals"] == {"changed": 2, "unchanged": 0, "failed": 1, "not run": 0}
    for name in ("dev", "prd"):
        env = lab[name]
        assert rows[name]["status"] == "changed" and rows[name]["tenant"] == env.tenant
        assert rows[name]["config_id"] == env.stored_configs()[0]["id"]
        assert rows[name]["fingerprint_before"] is None
        assert rows[name]["fingerprint_after"] == fingerprint(env.credentials)
        assert rows[name]["error"] is None
    failed = rows["tst"]
    assert failed["status"] == "failed" and failed["tenant"] == "ACME_TST" and failed["config_id"] is None
    assert str(lab["tst"].ionapi_file) in failed["error"] and "JSON" in failed["error"], failed
    assert failed["fingerprint_after"] is None
    assert len(table_rows(markdown)) == 3 and "3 environment(s), 2 changed, 1 failed (tst)." in markdown
    title, lines = printed_table(run, ".ionapi provisioning summary")
    assert title.endswith("3 environment(s), 2 changed, 1 failed (tst)"), run
    assert [lines[name].split()[2] for name in ("dev", "tst", "prd")] == ["create", "failed", "create"], run
    assert lines["tst"].endswith(" ".join(failed["error"].split())), run
    assert sum(line.count(str(lab["tst"].ionapi_file)) for line in lines.values()) == 1, run
    # One cell per column on each line: a message with a pipe or a newline would break the table.
    assert len(set(line.count(" | ") for line in table_rows(markdown))) == 1, markdown

    lab["tst"].write(lab["tst"].credentials)
    rotated = lab["prd"].rotate()
    before_prd = rows["prd"]["fingerprint_after"]
    lab.sim.reset_stats()

    again = lab.run(PROVISION, "-e", "docbits_summary_dir=%s" % reports)

    assert again.rc == 0, again
    again.assert_recap(dev={"changed": 0}, tst={"changed": 1}, prd={"changed": 1})
    document, rows, _markdown = read_report(lab, reports, "ionapi-summary")
    assert document["totals"] == {"changed": 2, "unchanged": 1, "failed": 0, "not run": 0}
    assert rows["dev"]["status"] == "unchanged"
    assert rows["dev"]["fingerprint_before"] == rows["dev"]["fingerprint_after"] == fingerprint(lab["dev"].credentials)
    assert len(lab["dev"].requests()) <= 2, lab["dev"].requests()
    assert rows["prd"]["fingerprint_before"] == before_prd
    assert rows["prd"]["fingerprint_after"] == fingerprint(rotated) != before_prd


def test_limit_and_serial_batches_report_only_the_chosen_environments(lab_factory, tmp_path):
    lab = lab_factory(THREE)
    reports = tmp_path / "reports"

    run = lab.run(PROVISION, "--limit", "dev,prd", "-e", "docbits_serial=1", "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 0, run
    assert set(run.recap) == {"dev", "prd"}
    # serial=1: one play batch per environment, each its own summary write.
    assert run.stdout.count("TASK [Write the run report]") == 2, run
    document, rows, _markdown = read_report(lab, reports, "ionapi-summary")
    assert set(rows) == {"dev", "prd"} and document["totals"]["changed"] == 2
    assert lab["tst"].requests() == [] and lab["tst"].stored_configs() == []


def request_spans(lab, delay):
    """Per environment: from the start of its first request to the end of its last one."""
    spans = {}
    for name, env in lab.envs.items():
        times = [entry["time"] for entry in env.requests()]
        spans[name] = (min(times) - delay, max(times))
    return spans


def overlapping(spans):
    ordered = sorted(spans.values())
    return any(later[0] < earlier[1] for earlier, later in zip(ordered, ordered[1:]))


def test_throttle_keeps_environments_from_talking_to_docbits_at_once(lab_factory):
    lab = lab_factory(THREE)
    delay = 0.4
    lab.sim.add_fault(path=LIST, delay=delay, times=None)

    unthrottled = lab.run(PROVISION, "--forks", "3")

    assert unthrottled.rc == 0, unthrottled
    # The check below can fail: without a throttle the three environments overlap.
    assert overlapping(request_spans(lab, delay)), request_spans(lab, delay)
    for env in lab.envs.values():
        env.rotate()
    lab.sim.reset_stats()

    throttled = lab.run(PROVISION, "--forks", "3", "-e", "docbits_throttle=1")

    assert throttled.rc == 0, throttled
    throttled.assert_recap(dev={"changed": 1}, tst={"changed": 1}, prd={"changed": 1})
    assert not overlapping(request_spans(lab, delay)), request_spans(lab, delay)


def test_audit_reports_drift_and_writes_nothing(lab_factory, tmp_path):
    lab = lab_factory(THREE)
    provisioned = lab.run(PROVISION, "--limit", "dev,tst")
    assert provisioned.rc == 0, provisioned
    stored_before = dict((name, env.stored_configs()) for name, env in lab.envs.items())
    rotated = lab["tst"].rotate()
    lab.sim.reset_stats()
    reports = tmp_path / "audit"

    audit = lab.run(AUDIT, "-e", "docbits_summary_dir=%s" % reports)

    assert audit.rc == 0, audit
    audit.assert_recap(dev={"changed": 0, "failed": 0}, tst={"changed": 1, "failed": 0}, prd={"changed": 1, "failed": 0})
    assert [entry for entry in lab.sim.requests if entry["path"].endswith(WRITE_PATHS)] == []
    assert lab.sim.writes == 0
    assert dict((name, env.stored_configs()) for name, env in lab.envs.items()) == stored_before
    document, rows, markdown = read_report(lab, reports, "ionapi-audit")
    assert document["kind"] == "audit"
    assert document["totals"] == {"dead": 0, "in sync": 1, "differs": 1, "no configuration": 1, "failed": 0, "not run": 0}
    assert rows["dev"]["status"] == "in sync"
    assert rows["tst"]["status"] == "differs" and "ion_api" in rows["tst"]["changes"]
    assert rows["tst"]["fingerprint_before"] == fingerprint(stored_tst_credentials(stored_before)) != fingerprint(rotated)
    assert rows["tst"]["desired_fingerprint"] == fingerprint(rotated)
    assert rows["prd"]["status"] == "no configuration" and rows["prd"]["config_id"] is None
    assert "1 in sync, 1 differs, 1 no configuration" in markdown
    title, lines = printed_table(audit, ".ionapi drift report")
    assert title.endswith("3 environment(s), 1 in sync, 1 differs, 1 no configuration"), audit
    # How each stands, not an action: the audit writes nothing.
    assert [lines[name].split()[2:4] for name in ("dev", "tst", "prd")] == [["in", "sync"], ["differs", "(ion_api)"], ["no", "configuration"]], audit


def stored_tst_credentials(stored):
    return json.loads(stored["tst"][0]["files"]["ION_API"])


def test_check_mode_writes_the_summary_and_nothing_to_docbits(lab_factory, tmp_path):
    lab = lab_factory(THREE)
    reports = tmp_path / "check"

    run = lab.run(PROVISION, "--check", "-e", "docbits_summary_dir=%s" % reports)

    assert run.rc == 0, run
    assert lab.sim.writes == 0 and all(env.stored_configs() == [] for env in lab.envs.values())
    document, rows, _markdown = read_report(lab, reports, "ionapi-summary")
    assert document["check_mode"] is True and document["totals"]["would change"] == 3 and "changed" not in document["totals"]
    assert all(row["action"] == "create" for row in rows.values()), rows


def test_a_variable_set_but_not_resolving_fails_its_environment_and_never_falls_back(lab_factory):
    lab = lab_factory(THREE)
    # What a missing Vault file looks like: the variable is set, its value does not resolve.
    lab["tst"].vars["docbits_api_key"] = "{{ vault_docbits_api_key }}"
    lab["prd"].vars["ionapi_file"] = "{{ vault_files_dir }}/acme_prd.ionapi"

    # DOCBITS_API_KEY would be the module's fallback for an unset api_key: here it must not be used.
    run = lab.run(PROVISION, env={"DOCBITS_API_KEY": lab["tst"].api_key})

    assert run.rc == 2, run
    run.assert_recap(dev={"changed": 1, "failed": 0}, tst={"failed": 1}, prd={"failed": 1})
    assert "vault_docbits_api_key" in run.result("ionapi", "tst")["result"]["msg"], run
    assert "vault_files_dir" in run.result("ionapi", "prd")["result"]["msg"], run
    assert lab["tst"].requests() == [] and lab["prd"].requests() == []


def test_an_environment_without_infor_tenant_fails_before_any_request_and_the_others_go_on(lab_factory):
    lab = lab_factory(THREE)
    del lab["tst"].vars["infor_tenant"]

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(dev={"changed": 1, "failed": 0}, tst={"failed": 1}, prd={"changed": 1, "failed": 0})
    assert "variable infor_tenant is not set" in run.result("ionapi", "tst")["result"]["msg"], run
    assert lab["tst"].requests() == [] and lab["tst"].stored_configs() == []


def test_ionapi_file_is_taken_under_docbits_files_dir_relative_to_where_the_run_starts(lab_factory):
    lab = lab_factory(THREE)
    for env in lab.envs.values():
        env.vars["ionapi_file"] = env.ionapi_file.name
        # The lab runs ansible-playbook in its directory, which holds files/.
        env.vars["docbits_files_dir"] = "files"

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(dev={"changed": 1}, tst={"changed": 1}, prd={"changed": 1})
    assert all(env.stored_ionapi() == env.credentials for env in lab.envs.values())
