# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live contract preflight through real ansible-playbook runs: a DocBits (the simulator) serving
the real public 2022 document, mutated ones, an HTML page or nothing at /openapi.json; and
playbooks/check_contract.yml."""

from __future__ import annotations

import pytest

from docbits_simulator import contract_document  # pylint: disable=import-error

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import PATH_LIST

PROVISION = "provision_ionapi.yml"
CHECK = "check_contract.yml"
OPENAPI = "/openapi.json"
CONFIGURE_BODY = "Body_infor_export_configurations_configurations_configure_infor_export_post"
TENANTS = {"tst": "ACME_TST", "prd": "ACME_PRD", "dev": "ACME_DEV"}


def openapi_reads(lab):
    return [entry for entry in lab.sim.requests if entry["path"] == OPENAPI]


def all_warnings(run):
    return [str(warning) for result in run.results("ionapi") for warning in result["result"].get("warnings") or []]


def without_file_part():
    document = contract_document()
    del document["components"]["schemas"][CONFIGURE_BODY]["properties"]["ion_api"]
    return document


def without_list():
    document = contract_document()
    del document["paths"]["/configurations/get_configurations"]
    return document


def test_real_2022_document_runs_go_on_reading_it_once(lab_factory):
    lab = lab_factory(TENANTS)
    lab.sim.openapi = contract_document()

    first = lab.run(PROVISION)

    assert first.rc == 0, first
    first.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in TENANTS))
    assert len(openapi_reads(lab)) == 1, "the document must be read once per base URL per run, not per environment"
    warnings = all_warnings(first)
    source = "the live %s%s" % (lab.url, OPENAPI)
    # The 2022 document declares neither export_method nor org_id/X-ORG-ID: each named once for the run, not per host.
    for item in ("export_method", "org_id", "header X-ORG-ID"):
        named = [warning for warning in warnings if warning.startswith("%s does not declare %s (" % (source, item))]
        assert len(named) == 1, (item, warnings)
        assert named[0].endswith("DocBits will ignore it")
    assert len(warnings) == 3, warnings
    for env in lab.envs.values():
        assert env.stored_ionapi() == env.credentials
    first_run = dict((env.name, [entry["path"] for entry in env.requests() if entry["path"] != OPENAPI]) for env in lab.envs.values())
    lab.sim.reset_stats()

    again = lab.run(PROVISION)

    assert again.rc == 0, again
    assert again.changed_hosts() == [] and lab.sim.writes == 0
    assert openapi_reads(lab) == [], "no write, no preflight"
    for env in lab.envs.values():
        download = "/configurations/download/%d" % env.stored_configs()[0]["id"]
        assert [entry["path"] for entry in env.requests()] == ["/configurations/get_configurations", download]
        # The configure answer carries the new id: list, create, download (plus one /openapi.json per URL and run).
        assert first_run[env.name] == ["/configurations/get_configurations", "/configurations/configure_infor_export", download]


@pytest.mark.parametrize(
    "document, operation, item",
    [
        (without_file_part, "POST /configurations/configure_infor_export", "file part ion_api"),
        (without_list, "POST /configurations/get_configurations", "no such path"),
    ],
    ids=["no-ion_api-part", "no-get_configurations"],
)
def test_a_document_lacking_what_the_job_needs_fails_every_environment_before_any_write(lab_factory, document, operation, item):
    lab = lab_factory(TENANTS)
    lab.sim.openapi = document()

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    run.assert_recap(**dict((name, {"changed": 0, "failed": 1}) for name in TENANTS))
    assert lab.sim.writes == 0 and all(env.stored_configs() == [] for env in lab.envs.values())
    assert len(openapi_reads(lab)) == 1
    for name in TENANTS:
        message = run.result("ionapi", name)["result"]["msg"]
        assert "the live %s%s" % (lab.url, OPENAPI) in message and "nothing was written" in message
        row = next(line for line in message.splitlines() if line.startswith("BLOCKING"))
        assert operation in row and item in row, message
        assert ("OP_CONFIGURE" if "ion_api" in item else "PATH_LIST") in row


def test_a_404_on_an_operation_the_live_document_lacks_is_explained_by_it(lab_factory):
    """A DocBits whose list operation moved answers 404 before anything is written: the error is the live table."""
    lab = lab_factory(TENANTS)
    lab.sim.openapi = without_list()
    lab.sim.add_fault(path=PATH_LIST, status=404, body={"detail": "Not Found"}, times=None)

    run = lab.run(PROVISION)

    assert run.rc == 2, run
    assert lab.sim.writes == 0
    for name in TENANTS:
        message = run.result("ionapi", name)["result"]["msg"]
        assert "the live %s%s" % (lab.url, OPENAPI) in message, message
        row = next(line for line in message.splitlines() if line.startswith("BLOCKING"))
        assert "POST %s" % PATH_LIST in row and "no such path" in row and "PATH_LIST" in row, message


@pytest.mark.parametrize("answer", ["absent", "html", "unauthorised"])
def test_no_readable_document_auto_warns_once_and_goes_on(lab_factory, answer):
    lab = lab_factory(TENANTS)
    if answer == "absent":
        lab.sim.openapi = None
    elif answer == "html":
        lab.sim.openapi = "<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>"
    else:
        lab.sim.add_fault(path=OPENAPI, status=401, body={"detail": "Not authenticated"}, times=None)

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    run.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in TENANTS))
    assert len(openapi_reads(lab)) == 1
    [warning] = all_warnings(run)
    assert "the DocBits contract was not checked: the live %s%s cannot be read" % (lab.url, OPENAPI) in warning
    assert lab.sim.writes == len(TENANTS)


def test_strict_fails_without_a_document_and_off_reads_none(lab_factory):
    lab = lab_factory({"tst": "ACME_TST", "prd": "ACME_PRD"})
    lab.sim.openapi = None
    for env in lab.envs.values():
        env.vars["docbits_contract_check"] = "strict"

    strict = lab.run(PROVISION)

    assert strict.rc == 2, strict
    strict.assert_recap(tst={"failed": 1, "changed": 0}, prd={"failed": 1, "changed": 0})
    assert "contract_check is strict" in strict.result("ionapi", "tst")["result"]["msg"]
    assert lab.sim.writes == 0 and len(openapi_reads(lab)) == 1
    lab.sim.reset_stats()
    for env in lab.envs.values():
        env.vars["docbits_contract_check"] = "off"

    off = lab.run(PROVISION)

    assert off.rc == 0, off
    assert openapi_reads(lab) == [] and lab.sim.writes == 2 and all_warnings(off) == []


def test_check_contract_prints_one_line_per_distinct_url_and_the_tables_at_v(lab_factory):
    lab = lab_factory(TENANTS)
    lab.sim.openapi = contract_document()
    # Two spellings of the simulator's address: two base URLs for the playbook.
    other_url = lab.url.replace("127.0.0.1", "localhost")
    lab["dev"].vars["docbits_url"] = other_url

    run = lab.run(CHECK)

    assert run.rc == 0, run
    assert len(openapi_reads(lab)) == 2 and lab.sim.writes == 0
    assert [entry["path"] for entry in lab.sim.requests] == [OPENAPI, OPENAPI], "read-only, and nothing but the document"
    # One task for the play, not one per environment.
    assert len(run.results("ionapi_info")) == 1
    for url in (lab.url, other_url):
        shown = [line for line in run.stdout.splitlines() if "%s%s: DOC2 - API 2.2.10: 0 blocking" % (url, OPENAPI) in line]
        assert len(shown) == 1, run.stdout
    assert "| operation" not in run.stdout, "the tables are for -v"

    verbose = lab.run(CHECK, "-v")

    assert verbose.rc == 0, verbose
    assert "| operation" in verbose.stdout and "constant in docbits_api.py" in verbose.stdout
    assert "ignored" in verbose.stdout and "export_method" in verbose.stdout and "web app only" in verbose.stdout
    lab.sim.reset_stats()
    lab.sim.openapi = without_file_part()

    broken = lab.run(CHECK)

    assert broken.rc == 2, broken
    assert "BLOCKING" in broken.stdout and "file part ion_api" in broken.stdout and "OP_CONFIGURE" in broken.stdout
    assert lab.sim.writes == 0


def test_check_contract_uses_the_first_environment_of_each_url_and_resolves_only_the_url_of_the_others(lab_factory):
    lab = lab_factory(TENANTS)
    lab.sim.openapi = contract_document()
    other_url = lab.url.replace("127.0.0.1", "localhost")
    # dev alone has the other URL, and a key that does not resolve (a missing Vault file); tst's unresolvable key
    # is never looked at: prd, the first environment of the simulator's URL in the play, checks it.
    lab["dev"].vars.update(docbits_url=other_url, docbits_api_key="{{ vault_dev_key }}")
    lab["tst"].vars["docbits_api_key"] = "{{ vault_tst_key }}"

    run = lab.run(CHECK)

    assert run.rc == 2, run
    assert [entry["path"] for entry in lab.sim.requests] == [OPENAPI] and lab.sim.writes == 0
    [shown] = [entry for entry in run.results("debug") if entry["status"] == "ok"]
    assert shown["result"]["msg"] == [
        "%s%s cannot be read: option api_key: variable docbits_api_key is set but does not resolve ('vault_dev_key' is undefined);"
        " nothing else is used in its place" % (other_url, OPENAPI),
        "%s%s: DOC2 - API 2.2.10: 0 blocking, 12 ignored" % (lab.url, OPENAPI),
    ]
    assert "vault_tst_key" not in run.stdout


def test_no_write_no_preflight_and_a_removal_needs_its_operation(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    assert lab.run(PROVISION).rc == 0
    lab.sim.openapi = without_file_part()
    lab.sim.reset_stats()

    unchanged = lab.run(PROVISION)

    assert unchanged.rc == 0 and unchanged.changed_hosts() == [], unchanged
    assert openapi_reads(lab) == [] and len(lab["tst"].requests()) == 2
    document = contract_document()
    del document["paths"]["/configurations/remove_configuration"]
    lab.sim.openapi = document
    lab["tst"].vars["docbits_ionapi_state"] = "absent"

    removal = lab.run(PROVISION)

    assert removal.rc == 2, removal
    message = removal.result("ionapi", "tst")["result"]["msg"]
    assert "POST /configurations/remove_configuration" in message and "PATH_REMOVE" in message
    assert len(lab["tst"].stored_configs()) == 1 and lab.sim.writes == 0


@pytest.mark.parametrize(
    "where, expected",
    [
        ("top", ["get_configurations", "configure_infor_export", "download"]),
        (None, ["get_configurations", "configure_infor_export", "get_configurations", "download"]),
    ],
    ids=["id-at-top", "no-id"],
)
def test_configure_answer_with_or_without_the_id(lab_factory, where, expected):
    lab = lab_factory({"tst": "ACME_TST"})
    lab.sim.configure_answer_id = where

    run = lab.run(PROVISION)

    assert run.rc == 0, run
    assert lab["tst"].stored_ionapi() == lab["tst"].credentials
    assert [entry["path"].split("/")[2] for entry in lab["tst"].requests() if entry["path"] != OPENAPI] == expected
