# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/validate_ionapi.yml (offline) and playbooks/info_ionapi.yml (read-only) against the simulator."""

from __future__ import annotations

from ansible_collections.docbits.infor.tests.support.docbits_lab import fingerprint

VALIDATE = "validate_ionapi.yml"
INFO = "info_ionapi.yml"


def test_validate_is_offline_and_fails_only_the_bad_environment(lab):
    run = lab.run(VALIDATE)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert sorted(entry["host"] for entry in run.results("ionapi_validate") if entry["status"] == "ok") == ["prd", "tst"]
    for env in lab.envs.values():
        result = run.result("ionapi_validate", env.name)["result"]
        assert result["fingerprint"] == fingerprint(env.credentials)
        assert result["tenant"] == env.tenant and result["kind"] == "backend_service_account"
        assert not result.get("warnings")
    credentials = lab["prd"].credentials
    lab["prd"].write(dict(credentials, pu=credentials["pu"].rstrip("/")))

    bad = lab.run(VALIDATE)

    assert bad.rc == 2, bad
    bad.assert_recap(tst={"failed": 0}, prd={"failed": 1})
    message = bad.result("ionapi_validate", "prd")["result"]["msg"]
    assert message.startswith("%s: key 'pu': must end with '/'" % lab["prd"].ionapi_file), message
    assert message in bad.stdout.replace("\\'", "'")
    [report] = bad.results("ionapi_report")
    table = report["result"]["table"]
    assert table[0] == ".ionapi check: 2 environment(s), 1 ok, 1 failed (prd)"
    assert [line for line in table if line.startswith("prd ")][0].split()[2] == "failed"
    assert "\n".join(table) in bad.stdout
    assert lab.sim.requests == [], "validation must not send anything"


def test_validate_strict_mode_fails_on_warnings(lab):
    lab["tst"].ionapi_file.chmod(0o644)

    lenient = lab.run(VALIDATE)

    assert lenient.rc == 0, lenient
    warnings = lenient.result("ionapi_validate", "tst")["result"]["warnings"]
    assert len(warnings) == 1 and "mode 0644" in warnings[0], warnings
    assert "[WARNING]" in lenient.output

    strict = lab.run(VALIDATE, "-e", "docbits_ionapi_strict=true")

    assert strict.rc == 2, strict
    strict.assert_recap(tst={"failed": 1}, prd={"failed": 0})
    message = strict.result("ionapi_validate", "tst")["result"]["msg"]
    assert message.startswith("%s: strict: " % lab["tst"].ionapi_file) and "mode 0644" in message, message
    assert lab.sim.requests == []


def test_validate_skips_an_environment_set_to_absent_without_reading_its_file(lab):
    lab["prd"].vars["docbits_ionapi_state"] = "absent"
    lab["prd"].ionapi_file.unlink()

    run = lab.run(VALIDATE)

    assert run.rc == 0, run
    run.assert_recap(tst={"failed": 0, "skipped": 0}, prd={"failed": 0, "skipped": 1})
    assert run.result("ionapi_validate", "prd")["status"] == "skipped"
    table = run.results("ionapi_report")[0]["result"]["table"]
    assert [line for line in table if line.startswith("prd ")][0].split()[2:4] == ["not", "run"]


# Enough environments for the output per environment to outweigh the run's own lines (headers, recap title).
MANY = 12
# Per environment: the task's line, the table's row and the recap's; per run: headers, the table's title, the recap's.
LINES_PER_ENVIRONMENT = 3
LINES_PER_RUN = 15


def test_each_playbook_prints_a_line_or_two_per_environment_at_default_verbosity(lab_factory):
    """The details (configurations, warnings' context) are for -v and the reports."""
    lab = lab_factory(dict(("env%02d" % index, "ACME_E%02d" % index) for index in range(MANY)))
    assert lab.run("provision_ionapi.yml").rc == 0
    for playbook in (VALIDATE, INFO):
        run = lab.run(playbook)

        assert run.rc == 0, run
        lines = [line for line in run.stdout.splitlines() if line.strip()]
        assert len(lines) <= LINES_PER_ENVIRONMENT * MANY + LINES_PER_RUN, (playbook, len(lines), run.stdout)
        assert "ionapi_file" not in run.stdout and "is_active" not in run.stdout

        verbose = lab.run(playbook, "-v")

        assert verbose.rc == 0 and "fingerprint" in verbose.stdout, verbose


def test_info_reports_the_fingerprint_of_the_uploaded_file(lab):
    upload = lab.run("provision_ionapi.yml")
    assert upload.rc == 0, upload
    lab.sim.reset_stats()

    run = lab.run(INFO)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 0, "failed": 0}, prd={"changed": 0, "failed": 0})
    assert lab.sim.writes == 0
    for env in lab.envs.values():
        expected = fingerprint(env.credentials)
        info = run.result("ionapi_info", env.name)["result"]
        assert info["fingerprint"] == expected == upload.result("ionapi", env.name)["result"]["fingerprint"]
        configurations = info["configurations"]
        assert len(configurations) == 1
        listed = configurations[0]
        assert listed["id"] == env.stored_configs()[0]["id"]
        assert listed["title"] == env.vars["docbits_export_title"]
        assert listed["ionapi"] == {"fingerprint": expected, "tenant": env.tenant, "app_name": env.credentials["cn"], "parsed": True}
        assert info["carried"] is True
        assert expected[: len("sha256:") + 12] in run.stdout, "the table shows the file's fingerprint"
    lab["tst"].rotate()

    stale = lab.run(INFO)

    assert stale.result("ionapi_info", "tst")["result"]["carried"] is False
    assert stale.result("ionapi_info", "prd")["result"]["carried"] is True
    assert lab.sim.writes == 0


def test_info_compares_no_file_for_an_environment_set_to_absent_nor_without_one(lab):
    assert lab.run("provision_ionapi.yml").rc == 0
    lab["prd"].vars["docbits_ionapi_state"] = "absent"
    lab["prd"].ionapi_file.unlink()
    del lab["tst"].vars["ionapi_file"]

    run = lab.run(INFO)

    assert run.rc == 0, run
    for env in lab.envs.values():
        result = run.result("ionapi_info", env.name)["result"]
        assert len(result["configurations"]) == 1
        assert "fingerprint" not in result and "carried" not in result
