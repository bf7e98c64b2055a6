# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Selection and planning (pure), then the Reconciler against the DocBits simulator over HTTP."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    PATH_CONFIGURE,
    PATH_LIST,
    DocBitsClient,
    DocBitsError,
    DocBitsTransientError,
    ExportConfig,
)
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import (
    ACTION_CREATE,
    ACTION_DELETE,
    ACTION_NONE,
    ACTION_UPDATE,
    Desired,
    ReconcileError,
    Reconciler,
    find_owned_config,
    plan,
)
from ansible_collections.docbits.infor.tests.unit.fixtures import DELETE, dump, make_ionapi, start_simulator

TST = parse_ionapi(dump(make_ionapi()), source="tst.ionapi")
ROTATED = parse_ionapi(dump(make_ionapi(seed="rotated")), source="tst-rotated.ionapi")


def listed(config_id, doc_type="INVOICE", export_method="infor-idm-cloud", sub_org_id=None, is_active=True, title="DocBits_TST"):
    """An ExportConfig as the client builds it from a listed item."""
    return ExportConfig.from_api({
        "id": config_id, "title": title, "doc_type": doc_type, "export_method": export_method,
        "sub_org_id": sub_org_id, "is_active": is_active, "infor_ion_api": True,
    })


def desired(ionapi=TST, **kwargs):
    kwargs.setdefault("doc_type", "INVOICE")
    kwargs.setdefault("export_method", "infor-idm-cloud")
    return Desired(ionapi, **kwargs)


# --- find_owned_config ---------------------------------------------------------------------------

def test_find_by_doc_type():
    configs = [listed(1, doc_type="ORDER"), listed(2), listed(3, doc_type="CREDIT_NOTE")]
    assert find_owned_config(configs, "INVOICE").id == 2
    assert find_owned_config(configs, "ORDER").id == 1


def test_find_nothing():
    assert find_owned_config([], "INVOICE") is None
    assert find_owned_config([listed(1, doc_type="ORDER")], "INVOICE") is None


def test_find_by_sub_org():
    configs = [listed(1), listed(2, sub_org_id=7), listed(3, sub_org_id="8")]
    assert find_owned_config(configs, "INVOICE").id == 1
    assert find_owned_config(configs, "INVOICE", sub_org_id=None).id == 1
    assert find_owned_config(configs, "INVOICE", sub_org_id=7).id == 2
    assert find_owned_config(configs, "INVOICE", sub_org_id="7").id == 2
    assert find_owned_config(configs, "INVOICE", sub_org_id=8).id == 3
    assert find_owned_config(configs, "INVOICE", sub_org_id="8").id == 3
    assert find_owned_config(configs, "INVOICE", sub_org_id=9) is None


def test_empty_sub_org_is_no_sub_org():
    assert find_owned_config([listed(1, sub_org_id="")], "INVOICE").id == 1
    assert find_owned_config([listed(1)], "INVOICE", sub_org_id="").id == 1


def test_id_listed_as_text_is_an_int():
    assert find_owned_config([listed("42")], "INVOICE").id == 42
    assert find_owned_config([listed("42")], "INVOICE", config_id=42).id == 42


@pytest.mark.parametrize("method", ["email", "sftp", "datev", None])
def test_non_infor_exports_are_ignored(method):
    configs = [listed(1, export_method=method), listed(2)]
    assert find_owned_config(configs, "INVOICE").id == 2
    assert find_owned_config([listed(1, export_method=method)], "INVOICE") is None


@pytest.mark.parametrize("method", ["infor-ion-cloud", "infor-m3-toml-cloud", "infor-bod-onpremise"])
def test_every_infor_method_counts(method):
    assert find_owned_config([listed(5, export_method=method)], "INVOICE").id == 5


def test_two_matches_one_active_picks_the_active_one():
    configs = [listed(1, is_active=False), listed(2, is_active=True)]
    assert find_owned_config(configs, "INVOICE").id == 2
    assert find_owned_config(list(reversed(configs)), "INVOICE").id == 2


@pytest.mark.parametrize("active", [(True, True), (False, False), (True, True, False)], ids=["both-active", "none-active", "two-of-three"])
def test_ambiguous_match_is_an_error_listing_the_ids(active):
    configs = [listed(10 + index, is_active=flag) for index, flag in enumerate(active)]
    with pytest.raises(ReconcileError) as info:
        find_owned_config(configs, "INVOICE")
    message = str(info.value)
    for config in configs:
        assert str(config.id) in message
    assert "config_id" in message and "INVOICE" in message


def test_ambiguous_match_in_a_sub_org_names_it():
    configs = [listed(1, sub_org_id=7), listed(2, sub_org_id="7"), listed(3)]
    with pytest.raises(ReconcileError) as info:
        find_owned_config(configs, "INVOICE", sub_org_id=7)
    assert "ids 1, 2" in str(info.value) and "'7'" in str(info.value)


def test_config_id_picks_among_ambiguous():
    configs = [listed(1), listed(2), listed(3, doc_type="ORDER")]
    assert find_owned_config(configs, "INVOICE", config_id=2).id == 2
    assert find_owned_config(configs, "INVOICE", config_id="1").id == 1
    assert find_owned_config(configs, "INVOICE", config_id=3).id == 3
    assert find_owned_config(configs, "INVOICE", config_id=99) is None


def test_config_id_of_a_non_infor_export_is_an_error():
    with pytest.raises(ReconcileError) as info:
        find_owned_config([listed(4, export_method="email"), listed(5)], "INVOICE", config_id=4)
    assert "4" in str(info.value) and "'email'" in str(info.value)


# --- plan ---------------------------------------------------------------------------------------------

def test_plan_create_when_nothing_is_owned():
    assert plan(desired(), None, None) == (ACTION_CREATE, ["configuration"])


def test_plan_none_when_file_and_attributes_match():
    assert plan(desired(), listed(1), TST.fingerprint) == (ACTION_NONE, [])


def test_plan_update_when_the_file_changed():
    assert plan(desired(ROTATED), listed(1), TST.fingerprint) == (ACTION_UPDATE, ["ion_api"])


def test_plan_update_when_no_file_is_stored():
    assert plan(desired(), listed(1), None) == (ACTION_UPDATE, ["ion_api"])


def test_plan_update_title():
    assert plan(desired(title="DocBits TST export"), listed(1), TST.fingerprint) == (ACTION_UPDATE, ["title"])


def test_plan_title_none_keeps_the_current_title():
    assert plan(desired(title=None), listed(1, title="Named by hand"), TST.fingerprint) == (ACTION_NONE, [])


def test_plan_update_export_method():
    assert plan(desired(export_method="infor-ion-cloud"), listed(1), TST.fingerprint) == (ACTION_UPDATE, ["export_method"])


def test_plan_update_several():
    action, changes = plan(desired(ROTATED, title="New", export_method="infor-ion-cloud"), listed(1), TST.fingerprint)
    assert action == ACTION_UPDATE
    assert sorted(changes) == ["export_method", "ion_api", "title"]


def test_plan_sub_org_id_as_int_or_text_is_the_same():
    assert plan(desired(sub_org_id=7), listed(1, sub_org_id="7"), TST.fingerprint) == (ACTION_NONE, [])
    assert plan(desired(sub_org_id="7"), listed(1, sub_org_id=7), TST.fingerprint) == (ACTION_NONE, [])


def test_plan_config_id_of_another_doc_type_updates_it():
    action, changes = plan(desired(config_id=1), listed(1, doc_type="ORDER"), TST.fingerprint)
    assert (action, changes) == (ACTION_UPDATE, ["doc_type"])


# --- Desired.title_for ------------------------------------------------------------------------------

def test_title_for_explicit_title_wins():
    assert desired(title="Mine").title_for(None) == "Mine"
    assert desired(title="Mine").title_for(listed(1, title="Theirs")) == "Mine"


def test_title_for_unset_keeps_the_current_title():
    assert desired().title_for(listed(1, title="Theirs")) == "Theirs"


def test_title_for_new_configuration_is_the_app_name():
    assert desired().title_for(None) == "DocBits_TST"
    assert desired().title_for(listed(1, title="")) == "DocBits_TST"
    assert desired().title_for(listed(1, title=None)) == "DocBits_TST"


def test_title_for_without_app_name_names_the_tenant():
    nameless = parse_ionapi(dump(make_ionapi(cn=DELETE)), source="nameless.ionapi")
    assert nameless.app_name is None
    assert desired(nameless).title_for(None) == "Infor ION API (ACME_TST)"


# --- Reconciler against the simulator ---------------------------------------------------------------

KEY = "sim-key-0123456789abcdef"
ORG = "acme"


@pytest.fixture
def sim():
    simulator = start_simulator(api_keys={KEY: ORG})
    yield simulator
    simulator.stop()


@pytest.fixture
def client(sim):
    docbits = DocBitsClient(sim.base_url, api_key=KEY, timeout=5, retries=2, environment="acme_tst")
    yield docbits
    docbits.close()


@pytest.fixture
def reconciler(client):
    return Reconciler(client)


def configure_calls(simulator):
    return [request for request in simulator.requests if request["path"] == PATH_CONFIGURE]


def stored_object(simulator, config_id):
    return json.loads(simulator.get_config(config_id)["files"]["ION_API"])


def assert_secret_free(result, *ionapis):
    text = json.dumps(result)
    for ionapi in ionapis:
        for secret in ionapi.secret_values():
            assert secret not in text


def seed_current(simulator, ionapi=TST, **config):
    config.setdefault("title", "DocBits_TST")
    config.setdefault("doc_type", "INVOICE")
    config.setdefault("export_method", "infor-idm-cloud")
    config.setdefault("files", {"ION_API": ionapi.content})
    return simulator.seed(ORG, config)


def test_first_upload_creates_and_returns_the_read_back_id(sim, reconciler):
    sim.seed(ORG, {"title": "Mail", "doc_type": "INVOICE", "export_method": "email"})
    result = reconciler.ensure_present(desired())
    [config] = [config for config in sim.configs(ORG) if config["export_method"] == "infor-idm-cloud"]
    assert (result["changed"], result["action"], result["changes"]) == (True, ACTION_CREATE, ["configuration"])
    assert result["config_id"] == config["id"]
    assert result["diff"]["after"]["id"] == config["id"]
    assert result["fingerprint"] == TST.fingerprint and result["previous_fingerprint"] is None
    assert (result["tenant"], result["app_name"]) == ("ACME_TST", "DocBits_TST")
    assert config["title"] == "DocBits_TST" and config["doc_type"] == "INVOICE"
    assert stored_object(sim, config["id"]) == TST.credentials
    assert sim.writes == 1 and len(configure_calls(sim)) == 1
    assert_secret_free(result, TST)


def test_second_run_changes_nothing_with_two_requests(sim, reconciler):
    compact = parse_ionapi(json.dumps(make_ionapi(), separators=(",", ":")).encode("utf-8"), source="compact.ionapi")
    config_id = reconciler.ensure_present(desired(compact))["config_id"]
    stored = sim.get_config(config_id)["files"]["ION_API"]
    assert stored != compact.content  # the server re-serialised it
    sim.reset_stats()
    result = reconciler.ensure_present(desired(compact))
    assert (result["changed"], result["action"], result["changes"]) == (False, ACTION_NONE, [])
    assert result["config_id"] == config_id
    assert result["previous_fingerprint"] == result["fingerprint"] == compact.fingerprint
    assert [(request["method"], request["path"]) for request in sim.requests] == [
        ("POST", PATH_LIST), ("GET", "/configurations/download/%d" % config_id)]
    assert sim.writes == 0


def test_second_run_in_a_sub_org_changes_nothing(sim, reconciler):
    config_id = reconciler.ensure_present(desired(sub_org_id=7))["config_id"]
    assert str(sim.get_config(config_id)["sub_org_id"]) == "7"
    sim.reset_stats()
    assert reconciler.ensure_present(desired(sub_org_id="7"))["action"] == ACTION_NONE
    assert sim.writes == 0


def test_rotated_secret_updates_with_the_file(sim, reconciler):
    config_id = seed_current(sim)
    result = reconciler.ensure_present(desired(ROTATED))
    assert (result["changed"], result["action"], result["changes"]) == (True, ACTION_UPDATE, ["ion_api"])
    assert result["config_id"] == config_id
    assert result["previous_fingerprint"] == TST.fingerprint and result["fingerprint"] == ROTATED.fingerprint
    [write] = configure_calls(sim)
    assert write["files"] == ["ion_api"] and "config_id" in write["fields"]
    assert stored_object(sim, config_id) == ROTATED.credentials
    assert len(sim.configs(ORG)) == 1 and sim.writes == 1
    assert_secret_free(result, TST, ROTATED)


def test_title_only_change_updates_without_the_file_part(sim, reconciler):
    config_id = seed_current(sim)
    result = reconciler.ensure_present(desired(title="DocBits TST (Infor)"))
    assert (result["action"], result["changes"]) == (ACTION_UPDATE, ["title"])
    [write] = configure_calls(sim)
    assert write["files"] == []
    assert sim.get_config(config_id)["title"] == "DocBits TST (Infor)"
    assert sim.get_config(config_id)["files"]["ION_API"] == TST.content


def test_unset_title_keeps_a_title_set_by_hand(sim, reconciler):
    seed_current(sim, title="Named in the DocBits UI")
    assert reconciler.ensure_present(desired(title=None))["action"] == ACTION_NONE
    assert sim.writes == 0


def test_check_mode_writes_nothing(sim, reconciler):
    result = reconciler.ensure_present(desired(), check_mode=True)
    assert (result["changed"], result["action"]) == (True, ACTION_CREATE)
    assert sim.configs(ORG) == []
    config_id = seed_current(sim)
    result = reconciler.ensure_present(desired(ROTATED, title="Other"), check_mode=True)
    assert (result["changed"], result["action"], sorted(result["changes"])) == (True, ACTION_UPDATE, ["ion_api", "title"])
    assert sim.get_config(config_id)["files"]["ION_API"] == TST.content
    result = reconciler.ensure_absent("INVOICE", check_mode=True)
    assert (result["changed"], result["action"], result["config_id"]) == (True, ACTION_DELETE, config_id)
    assert len(sim.configs(ORG)) == 1
    assert sim.writes == 0 and configure_calls(sim) == []


def test_ensure_absent_removes_then_finds_nothing(sim, reconciler):
    config_id = seed_current(sim)
    keep = seed_current(sim, doc_type="ORDER")
    result = reconciler.ensure_absent("INVOICE")
    assert (result["changed"], result["action"], result["config_id"]) == (True, ACTION_DELETE, config_id)
    assert result["previous_fingerprint"] == TST.fingerprint
    assert result["diff"]["after"] == {} and result["diff"]["before"]["id"] == config_id
    assert_secret_free(result, TST)
    assert [config["id"] for config in sim.configs(ORG)] == [keep]
    sim.reset_stats()
    result = reconciler.ensure_absent("INVOICE")
    assert (result["changed"], result["action"], result["config_id"]) == (False, ACTION_NONE, None)
    assert sim.writes == 0


def test_ensure_absent_leaves_non_infor_exports_alone(sim, reconciler):
    sim.seed(ORG, {"title": "Mail", "doc_type": "INVOICE", "export_method": "email"})
    assert reconciler.ensure_absent("INVOICE")["action"] == ACTION_NONE
    assert len(sim.configs(ORG)) == 1


def test_lost_create_answer_creates_no_duplicate(sim, reconciler):
    sim.add_fault(path=PATH_CONFIGURE, method="POST", status=503, after_apply=True, times=1)
    result = reconciler.ensure_present(desired())
    configs = sim.configs(ORG)
    assert len(configs) == 1
    assert result["action"] == ACTION_CREATE and result["config_id"] == configs[0]["id"]
    assert len(configure_calls(sim)) == 1 and sim.writes == 1


def test_create_cut_off_after_apply_creates_no_duplicate(sim, reconciler):
    sim.add_fault(path=PATH_CONFIGURE, method="POST", drop="reset", after_apply=True, times=1)
    result = reconciler.ensure_present(desired())
    assert len(sim.configs(ORG)) == 1
    assert result["config_id"] == sim.configs(ORG)[0]["id"]
    assert len(configure_calls(sim)) == 1


def test_create_refused_transiently_is_tried_again(sim, reconciler):
    sim.add_fault(path=PATH_CONFIGURE, method="POST", status=503, times=1)
    result = reconciler.ensure_present(desired())
    assert len(sim.configs(ORG)) == 1 and result["config_id"] == sim.configs(ORG)[0]["id"]
    assert [request["status"] for request in configure_calls(sim)] == [503, 200]


def test_create_failing_every_time_gives_up(sim, reconciler):
    sim.add_fault(path=PATH_CONFIGURE, method="POST", status=503, times=None)
    with pytest.raises(DocBitsTransientError):
        reconciler.ensure_present(desired())
    assert sim.configs(ORG) == []
    assert len(configure_calls(sim)) == reconciler.client.retries + 1


def test_write_not_applied_is_caught_by_the_read_back(sim, reconciler):
    config_id = seed_current(sim)
    sim.add_fault(path=PATH_CONFIGURE, method="POST", status=200, body={"success": True}, times=1)
    with pytest.raises(ReconcileError) as info:
        reconciler.ensure_present(desired(ROTATED))
    message = str(info.value)
    assert str(config_id) in message and TST.fingerprint in message and ROTATED.fingerprint in message
    for secret in TST.secret_values() + ROTATED.secret_values():
        assert secret not in message


def test_create_not_applied_is_caught_by_the_read_back(sim, reconciler):
    sim.add_fault(path=PATH_CONFIGURE, method="POST", status=200, body={"success": True}, times=1)
    with pytest.raises(ReconcileError) as info:
        reconciler.ensure_present(desired())
    assert "no matching configuration" in str(info.value)


def test_ambiguous_configurations_are_not_touched(sim, reconciler):
    first = seed_current(sim)
    second = seed_current(sim)
    with pytest.raises(ReconcileError) as info:
        reconciler.ensure_present(desired(ROTATED))
    assert "%d, %d" % (first, second) in str(info.value)
    assert sim.writes == 0 and configure_calls(sim) == []
    assert reconciler.ensure_present(desired(config_id=second))["action"] == ACTION_NONE


def test_unknown_config_id_is_an_error(sim, reconciler):
    seed_current(sim)
    with pytest.raises(ReconcileError) as info:
        reconciler.ensure_present(desired(config_id=999))
    assert "999" in str(info.value)
    assert sim.writes == 0


def test_diff_holds_fingerprints_not_secrets(sim, reconciler):
    seed_current(sim)
    result = reconciler.ensure_present(desired(ROTATED), check_mode=True)
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["fingerprint"] == TST.fingerprint and after["fingerprint"] == ROTATED.fingerprint
    for key in ("cs", "saak", "sask"):
        assert before["ion_api"][key].startswith("<secret sha256:")
        assert after["ion_api"][key].startswith("<secret sha256:")
        assert before["ion_api"][key] != after["ion_api"][key]
    assert before["ion_api"]["ci"] == TST.credentials["ci"] and after["ion_api"]["ci"] == ROTATED.credentials["ci"]
    assert_secret_free(result, TST, ROTATED)


def test_diff_of_an_unreadable_stored_file(sim, reconciler):
    seed_current(sim, files={"ION_API": b"not json at all " + TST.credentials["cs"].encode("ascii")})
    result = reconciler.ensure_present(desired(), check_mode=True)
    assert result["action"] == ACTION_UPDATE
    assert result["diff"]["before"]["ion_api"].startswith("<not a JSON object: sha256:")
    assert_secret_free(result, TST)


def test_describe_summarises_without_secrets(sim, reconciler):
    config_id = seed_current(sim)
    bare = seed_current(sim, doc_type="ORDER", files={})
    described = reconciler.describe()
    assert [entry["id"] for entry in described] == [config_id, bare]
    assert described[0]["ionapi"]["fingerprint"] == TST.fingerprint and described[1]["ionapi"] is None
    assert [entry["id"] for entry in reconciler.describe(doc_type="ORDER")] == [bare]
    assert_secret_free(described, TST)


def test_configuration_without_a_stored_file_gets_one(sim, reconciler):
    config_id = seed_current(sim, files={})
    result = reconciler.ensure_present(desired())
    assert (result["action"], result["changes"], result["previous_fingerprint"]) == (ACTION_UPDATE, ["ion_api"], None)
    assert result["diff"]["before"]["ion_api"] is None
    assert stored_object(sim, config_id) == TST.credentials


def test_export_method_change_to_on_premises(sim, reconciler):
    config_id = seed_current(sim)
    result = reconciler.ensure_present(desired(export_method="infor-ion-onpremise"))
    assert (result["action"], result["changes"]) == (ACTION_UPDATE, ["export_method"])
    config = sim.get_config(config_id)
    assert (config["export_method"], config["on_permise"]) == ("infor-ion-onpremise", True)


def test_another_sub_org_gets_its_own_configuration(sim, reconciler):
    main = seed_current(sim)
    result = reconciler.ensure_present(desired(ROTATED, sub_org_id=7))
    assert result["action"] == ACTION_CREATE and result["config_id"] != main
    assert stored_object(sim, main) == TST.credentials
    assert stored_object(sim, result["config_id"]) == ROTATED.credentials


def test_create_refused_because_a_concurrent_run_created_first_converges(sim, reconciler):
    rival = parse_ionapi(dump(make_ionapi("ACME_TST", seed="rival")), "rival.ionapi")
    seeded = seed_current(sim, ionapi=rival)
    # The first listing misses the rival's configuration, as if it was created right after it.
    sim.add_fault(path=PATH_LIST, status=200, body={"success": True, "data": []}, times=1)
    result = reconciler.ensure_present(desired())
    infor = [config for config in sim.configs(ORG) if config["export_method"].startswith("infor-")]
    assert [config["id"] for config in infor] == [seeded]
    assert result["config_id"] == seeded
    assert stored_object(sim, seeded) == TST.credentials


def test_two_runs_at_once_end_with_one_configuration_carrying_the_file(sim):
    outcomes = []

    def run():
        docbits = DocBitsClient(sim.base_url, api_key=KEY, timeout=5, retries=2)
        try:
            outcomes.append(Reconciler(docbits).ensure_present(desired()))
        finally:
            docbits.close()

    threads = [threading.Thread(target=run) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    infor = [config for config in sim.configs(ORG) if config["export_method"].startswith("infor-")]
    assert len(outcomes) == 2
    assert len(infor) == 1
    assert {outcome["config_id"] for outcome in outcomes} == {infor[0]["id"]}
    assert stored_object(sim, infor[0]["id"]) == TST.credentials


# --- verify_connection: DocBits tests the new file; when it cannot connect, the tenant is rolled back ---

def test_verified_upload_reports_the_connection(sim, reconciler):
    seed_current(sim)
    result = reconciler.ensure_present(desired(ROTATED), verify_connection=True)
    assert result["verification"] == {"connected": True, "message": "Connection OK"}
    assert [request["path"] for request in sim.requests].count("/configurations/test_infor_connection") == 1


def test_dead_file_is_rolled_back_to_the_previous_file_and_title(sim, reconciler):
    config_id = seed_current(sim, title="Kept title")
    before = sim.get_config(config_id)["files"]["ION_API"]
    sim.mark_dead(ion_api=ROTATED.credentials)
    with pytest.raises(ReconcileError) as caught:
        reconciler.ensure_present(desired(ROTATED, title="New title"), verify_connection=True)
    message = str(caught.value)
    assert "DocBits could not connect to Infor with the new file %s" % ROTATED.fingerprint in message
    assert "the tenant was rolled back to %s (configuration %d carries its previous file, title" % (TST.fingerprint, config_id) in message
    config = sim.get_config(config_id)
    assert config["files"]["ION_API"] == before and config["title"] == "Kept title"
    assert_secret_free({"msg": message}, TST, ROTATED)


def test_dead_file_is_rolled_back_to_the_previous_export_method(sim, reconciler):
    config_id = seed_current(sim, export_method="infor-ion-cloud")
    sim.mark_dead(ion_api=ROTATED.credentials)
    with pytest.raises(ReconcileError):
        reconciler.ensure_present(desired(ROTATED, export_method="infor-idm-cloud", config_id=config_id), verify_connection=True)
    config = sim.get_config(config_id)
    assert config["export_method"] == "infor-ion-cloud" and json.loads(config["files"]["ION_API"]) == TST.credentials


def test_connection_that_cannot_be_tested_keeps_the_new_file_and_says_so(sim, reconciler):
    config_id = seed_current(sim)
    sim.add_fault(path="/configurations/test_infor_connection", status=503, times=None)
    with pytest.raises(ReconcileError) as caught:
        reconciler.ensure_present(desired(ROTATED), verify_connection=True)
    message = str(caught.value)
    assert "configuration %d now carries the new file %s (it had %s), but DocBits could not test the connection" % (
        config_id, ROTATED.fingerprint, TST.fingerprint) in message
    assert stored_object(sim, config_id) == ROTATED.credentials and sim.writes == 1


def test_dead_file_of_a_new_configuration_leaves_none(sim, reconciler):
    sim.mark_dead(ion_api=TST.credentials)
    with pytest.raises(ReconcileError) as caught:
        reconciler.ensure_present(desired(), verify_connection=True)
    assert "rolled back to no configuration (the one created for it, 1, was removed)" in str(caught.value)
    assert sim.configs(ORG) == []


class RollbackRefusingClient(DocBitsClient):
    """The real client, except that DocBits refuses every write after the first (the upload)."""

    writes = 0

    def configure_infor_export(self, *args, **kwargs):
        self.writes += 1
        if self.writes > 1:
            raise DocBitsError("DocBits answered HTTP 400 at POST %s: refused" % PATH_CONFIGURE)
        return super().configure_infor_export(*args, **kwargs)


def test_failed_rollback_says_what_the_tenant_may_carry(sim):
    config_id = seed_current(sim)
    sim.mark_dead(ion_api=ROTATED.credentials)
    refusing = RollbackRefusingClient(sim.base_url, api_key=KEY, timeout=5, retries=0)
    with pytest.raises(ReconcileError) as caught:
        Reconciler(refusing).ensure_present(desired(ROTATED), verify_connection=True)
    message = str(caught.value)
    assert "the rollback failed (DocBits answered HTTP 400" in message
    assert "configuration %d may now carry the unverified file %s instead of %s" % (config_id, ROTATED.fingerprint, TST.fingerprint) in message
    assert stored_object(sim, config_id) == ROTATED.credentials


def test_unchanged_tenant_is_not_tested(sim, reconciler):
    seed_current(sim)
    sim.reset_stats()
    result = reconciler.ensure_present(desired(), verify_connection=True)
    assert result["action"] == ACTION_NONE and "verification" not in result
    assert len(sim.requests) == 2


def test_check_mode_tests_nothing(sim, reconciler):
    seed_current(sim)
    sim.mark_dead(ion_api=ROTATED.credentials)
    result = reconciler.ensure_present(desired(ROTATED), check_mode=True, verify_connection=True)
    assert result["action"] == ACTION_UPDATE and "verification" not in result and sim.writes == 0
