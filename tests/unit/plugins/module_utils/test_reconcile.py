# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconciliation: selection, the pure plan, and apply against a fake DocBits (tests/support/fake_docbits.py)
built on a create_autospec of the real client. The client itself is tested over HTTP in test_docbits_api.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import codecs
import copy
import dataclasses
import hashlib
import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import (
    DocBitsError,
    DocBitsNotFound,
    DocBitsTransientError,
    DocBitsUnexpectedAnswer,
    ExportConfig,
)
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError
from ansible_collections.docbits.infor.plugins.module_utils.ionapi import fingerprint, parse_ionapi
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import (
    ACTION_CREATE,
    ACTION_DELETE,
    ACTION_NONE,
    ACTION_REMOVE_DUPLICATE,
    ACTION_UPDATE,
    DOC_TYPES_ALL,
    Desired,
    ReconcileError,
    Reconciler,
    StoredFile,
    collapse,
    find_owned_config,
    make_plan,
    normalise_doc_types,
    select_scope,
)
from ansible_collections.docbits.infor.tests.support.fake_docbits import FakeDocBits
from ansible_collections.docbits.infor.tests.support.builders import DELETE, dump, make_seeded_ionapi

TST = parse_ionapi(dump(make_seeded_ionapi()), source="tst.ionapi")
ROTATED = parse_ionapi(dump(make_seeded_ionapi(seed="rotated")), source="tst-rotated.ionapi")
OTHER_APP = parse_ionapi(dump(make_seeded_ionapi(seed="other-app")), source="other-app.ionapi")


def listed(config_id, doc_type="INVOICE", export_method="infor-idm-cloud", sub_org_id=None, is_active=True, title="DocBits_TST"):
    """An ExportConfig as the client builds it from a listed item."""
    return ExportConfig.from_api(
        {
            "id": config_id,
            "title": title,
            "doc_type": doc_type,
            "export_method": export_method,
            "sub_org_id": sub_org_id,
            "is_active": is_active,
            "infor_ion_api": True,
        }
    )


def desired(ionapi=TST, **kwargs):
    kwargs.setdefault("doc_type", "INVOICE")
    kwargs.setdefault("export_method", "infor-idm-cloud")
    return Desired(ionapi, **kwargs)


def converge(reconciler, wanted, check_mode=False, verify_connection=False):
    """What the module does for state=present: plan, then apply."""
    return reconciler.apply(reconciler.plan(wanted), check_mode=check_mode, verify_connection=verify_connection)


def remove(reconciler, doc_type, sub_org_id=None, config_id=None, check_mode=False):
    """What the module does for state=absent: plan, then apply."""
    return reconciler.apply(reconciler.plan_absent(Desired(None, doc_type, sub_org_id=sub_org_id, config_id=config_id)), check_mode=check_mode)


def stored_files_by_id(*ionapis):
    return dict((index + 1, StoredFile(ionapi.content) if ionapi is not None else None) for index, ionapi in enumerate(ionapis))


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


# --- Desired.title_for ------------------------------------------------------------------------------


def test_a_new_configuration_gets_the_defaults_or_what_is_set():
    assert desired(export_method=None).new_configuration("ORDER") == {
        "title": "DocBits_TST",
        "export_method": "infor-idm-cloud",
        "doc_type": "ORDER",
        "sub_org_id": None,
    }
    assert desired(title="Mine", export_method="infor-ion-cloud", sub_org_id=7).new_configuration("INVOICE") == {
        "title": "Mine",
        "export_method": "infor-ion-cloud",
        "doc_type": "INVOICE",
        "sub_org_id": "7",
    }


def test_a_new_configuration_without_app_name_names_the_tenant():
    nameless = parse_ionapi(dump(make_seeded_ionapi(cn=DELETE)), source="nameless.ionapi")
    assert nameless.app_name is None
    assert desired(nameless).new_configuration("INVOICE")["title"] == "Infor ION API (ACME_TST)"


@pytest.mark.parametrize("title", ["Theirs", "", None])
def test_an_existing_title_and_method_stay_unless_set(title):
    [entry] = plan_for(desired(ROTATED, export_method=None), [listed(1, title=title, export_method="infor-ion-cloud")], stored_files_by_id(TST)).entries
    assert entry.target["title"] == title and entry.target["export_method"] == "infor-ion-cloud"
    assert entry.changes == ["ion_api"]


def test_a_title_and_method_set_restyle_the_one_configuration_owned():
    [entry] = plan_for(desired(title="Mine", export_method="infor-bod-cloud"), [listed(1, title="Theirs")], stored_files_by_id(TST)).entries
    assert entry.changes == ["title", "export_method"] and entry.target["title"] == "Mine"


# --- fingerprints of stored bytes --------------------------------------------------------------------


def test_stored_fingerprint_compares_parsed_json():
    reserialised = json.dumps(TST.credentials, indent=2).encode("utf-8")
    assert StoredFile(reserialised).fingerprint == StoredFile(TST.content).fingerprint == TST.fingerprint


def test_stored_file_that_is_not_json_is_fingerprinted_by_its_bytes():
    page = StoredFile(b"\x00not json")
    assert (page.parsed, page.is_object) == (False, False)
    assert page.fingerprint.startswith("sha256:") and page.fingerprint != TST.fingerprint
    assert page.view() == "<not a JSON object: %s>" % page.fingerprint
    assert page.summary() == {"tenant": None, "app_name": None, "fingerprint": page.fingerprint, "parsed": False}


def test_stored_file_summary_of_a_valid_file_with_or_without_bom():
    summary = StoredFile(TST.content).summary()
    assert summary == {"tenant": "ACME_TST", "app_name": "DocBits_TST", "fingerprint": TST.fingerprint, "parsed": True}
    assert StoredFile(codecs.BOM_UTF8 + json.dumps(TST.credentials).encode("utf-8")).summary() == summary


def test_stored_file_is_not_validated():
    summary = StoredFile(dump(make_seeded_ionapi("ACME_PRD", saak=DELETE, pu="http://x"))).summary()
    assert summary["parsed"] is True and summary["tenant"] == "ACME_PRD"


@pytest.mark.parametrize("data", [b"{not json", TST.content[:50], b"\xff\xfe{\x00", b"", b"[" * 100000], ids=["syntax", "truncated", "utf16", "empty", "deep"])
def test_stored_file_unparseable(data):
    assert StoredFile(data).summary() == {"tenant": None, "app_name": None, "fingerprint": "sha256:" + hashlib.sha256(data).hexdigest(), "parsed": False}


@pytest.mark.parametrize("data", [b"[1, 2]", b'"ACME_TST"', b"null"], ids=["array", "string", "null"])
def test_stored_file_not_an_object(data):
    stored_file = StoredFile(data)
    assert stored_file.parsed is True and not stored_file.is_object
    assert stored_file.summary() == {"tenant": None, "app_name": None, "fingerprint": fingerprint(json.loads(data)), "parsed": True}


def test_stored_file_view_and_summary_hold_no_secret():
    text = json.dumps([StoredFile(TST.content).view(), StoredFile(TST.content).summary()])
    assert "ACME_TST" in text
    for secret in TST.secret_values():
        assert secret not in text


def test_stored_file_restorable_only_when_it_parses_as_ionapi():
    assert StoredFile(TST.content).restorable("old") is None
    assert "old" in StoredFile(b'{"ti": "ACME_TST"}').restorable("old")


# --- scope and duplicates ----------------------------------------------------------------------------


def test_doc_types_normalised():
    assert normalise_doc_types(None) is None
    assert normalise_doc_types(["all"]) == DOC_TYPES_ALL
    assert normalise_doc_types("all") == DOC_TYPES_ALL
    assert normalise_doc_types(["INVOICE", "CREDIT_NOTE", "INVOICE"]) == ["INVOICE", "CREDIT_NOTE"]


def test_scope_all_is_every_type_with_an_infor_export_of_the_sub_org():
    configs = [
        listed(1),
        listed(2, doc_type="CREDIT_NOTE"),
        listed(3, doc_type="ORDER", export_method="webhook"),
        listed(4, doc_type="DELIVERY", sub_org_id="7"),
        listed(5, export_method="infor-ion-cloud"),
    ]
    scope = select_scope(desired(doc_types=["all"]), configs)
    assert scope.doc_types == ["INVOICE", "CREDIT_NOTE"]
    assert [config.id for config in scope.by_type["INVOICE"]] == [1, 5]
    assert [config.id for config in select_scope(desired(doc_types="all", sub_org_id=7), configs).configs] == [4]


def test_scope_all_without_any_infor_export_is_doc_type():
    assert select_scope(desired(doc_types="all"), [listed(1, export_method="webhook")]).doc_types == ["INVOICE"]


def test_scope_listed_types_and_unset_doc_types():
    configs = [listed(1), listed(2, doc_type="CREDIT_NOTE")]
    scope = select_scope(desired(doc_types=["CREDIT_NOTE", "ORDER"]), configs)
    assert (scope.doc_types, [config.id for config in scope.configs]) == (["CREDIT_NOTE", "ORDER"], [2])
    assert [config.id for config in select_scope(desired(), configs).configs] == [1]


def test_scope_config_id_is_that_configuration_or_an_error():
    assert [config.id for config in select_scope(desired(config_id=2), [listed(1), listed(2)]).configs] == [2]
    with pytest.raises(ReconcileError, match="config_id 9 does not exist"):
        select_scope(desired(config_id=9), [listed(1)])


def test_collapse_keeps_the_oldest_of_exact_duplicates_only():
    configs = [listed(3), listed(1), listed(2, title="Other"), listed(4), listed(5, export_method="infor-ion-cloud")]
    files = {1: StoredFile(TST.content), 2: StoredFile(TST.content), 3: StoredFile(TST.content), 4: StoredFile(ROTATED.content), 5: StoredFile(TST.content)}
    kept, duplicates = collapse(configs, files)
    assert [config.id for config in kept] == [1, 2, 4, 5]
    assert [(duplicate.id, original.id) for duplicate, original in duplicates] == [(3, 1)]


# --- the plan (pure) --------------------------------------------------------------------------------


def plan_for(wanted, configs, files):
    return make_plan(wanted, select_scope(wanted, configs), files)


def test_plan_create_when_nothing_is_owned():
    plan = plan_for(desired(title="T"), [], {})
    [entry] = plan.entries
    assert (plan.action, entry.action, entry.changes, entry.id) == (ACTION_CREATE, ACTION_CREATE, ["configuration"], None)
    assert entry.target == {"title": "T", "export_method": "infor-idm-cloud", "doc_type": "INVOICE", "sub_org_id": None}


def test_plan_none_when_file_and_attributes_match():
    plan = plan_for(desired(), [listed(1)], stored_files_by_id(TST))
    assert (plan.changed, plan.action, plan.entries[0].reasons) == (False, ACTION_NONE, ["in sync"])


def test_plan_update_file_title_and_method_of_a_single_configuration():
    plan = plan_for(desired(ROTATED, title="New", export_method="infor-ion-cloud"), [listed(1)], stored_files_by_id(TST))
    [entry] = plan.entries
    assert entry.action == ACTION_UPDATE and entry.send_file
    assert sorted(entry.changes) == ["export_method", "ion_api", "title"]
    assert "stores another file (%s)" % TST.fingerprint in entry.reasons


def test_plan_title_none_keeps_the_current_title():
    assert not plan_for(desired(title=None), [listed(1, title="Named by hand")], stored_files_by_id(TST)).changed


def test_plan_no_stored_file_is_an_upload():
    [entry] = plan_for(desired(), [listed(1)], {1: None}).entries
    assert (entry.changes, entry.reasons) == (["ion_api"], ["stores no ION API file"])


def test_plan_sub_org_id_as_int_or_text_is_the_same():
    assert not plan_for(desired(sub_org_id=7), [listed(1, sub_org_id="7")], stored_files_by_id(TST)).changed


def test_plan_config_id_of_another_doc_type_keeps_its_type():
    [entry] = plan_for(desired(config_id=1), [listed(1, doc_type="ORDER")], stored_files_by_id(TST)).entries
    assert (entry.action, entry.changes, entry.target["doc_type"]) == (ACTION_NONE, [], "ORDER")


def test_plan_several_exports_of_a_type_all_get_the_file_and_none_is_restyled():
    configs = [
        listed(1, title="IDM"),
        listed(2, export_method="infor-ion-cloud", title="ION"),
        listed(3, doc_type="CREDIT_NOTE", title="CN"),
        listed(4, export_method="webhook"),
    ]
    files = {1: StoredFile(ROTATED.content), 2: StoredFile(ROTATED.content), 3: StoredFile(ROTATED.content)}
    plan = plan_for(desired(doc_types="all", title=None), configs, files)
    assert [(entry.id, entry.action, entry.changes) for entry in plan.entries] == [
        (1, ACTION_UPDATE, ["ion_api"]),
        (2, ACTION_UPDATE, ["ion_api"]),
        (3, ACTION_UPDATE, ["ion_api"]),
    ]
    assert [entry.target["title"] for entry in plan.entries] == ["IDM", "ION", "CN"]
    assert plan.entries[1].target["export_method"] == "infor-ion-cloud"


def test_plan_title_and_method_apply_only_where_the_task_owns_one_configuration():
    configs = [listed(1, title="IDM"), listed(2, export_method="infor-ion-cloud", title="ION"), listed(3, doc_type="CREDIT_NOTE", title="CN")]
    plan = plan_for(desired(doc_types="all", title="Mine"), configs, stored_files_by_id(TST, TST, TST))
    # One title for three exports (or for the one of CREDIT_NOTE among them) would be a guess.
    assert [(entry.id, entry.changes) for entry in plan.entries] == [(1, []), (2, []), (3, [])]
    plan = plan_for(desired(doc_types="all", title="Mine"), [listed(3, doc_type="CREDIT_NOTE", title="CN")], stored_files_by_id(None, None, TST))
    assert [(entry.id, entry.changes) for entry in plan.entries] == [(3, ["title"])]
    # Created ones get them.
    plan = plan_for(desired(doc_types=["INVOICE", "ORDER"], title="Mine"), configs, stored_files_by_id(TST, TST, TST))
    assert [(entry.id, entry.changes, entry.target["title"]) for entry in plan.entries] == [(1, [], "IDM"), (2, [], "ION"), (None, ["configuration"], "Mine")]


def test_plan_listed_types_create_the_missing_ones():
    plan = plan_for(desired(doc_types=["INVOICE", "CREDIT_NOTE"]), [listed(1)], stored_files_by_id(TST))
    assert [(entry.doc_type, entry.action) for entry in plan.entries] == [("INVOICE", ACTION_NONE), ("CREDIT_NOTE", ACTION_CREATE)]
    assert plan.action == ACTION_CREATE and plan.primary.id == 1


def test_plan_collapses_exact_duplicates_to_the_oldest():
    plan = plan_for(desired(), [listed(2), listed(1), listed(3, title="Other")], stored_files_by_id(TST, TST, TST))
    duplicates = [entry for entry in plan.entries if entry.action == ACTION_REMOVE_DUPLICATE]
    assert [(entry.id, entry.duplicate_of) for entry in duplicates] == [(2, 1)]
    assert plan.action == ACTION_UPDATE and plan.changes == ["duplicate"]
    # Two non-identical ones are left: legitimate, both carry the file, neither is renamed.
    assert [entry.id for entry in plan.carriers] == [1, 3]


def test_plan_activation():
    plan = plan_for(desired(active=False), [listed(1), listed(2, doc_type="CREDIT_NOTE", is_active=False)], stored_files_by_id(TST, TST))
    assert [(entry.id, entry.changes, entry.set_active) for entry in plan.entries] == [(1, ["is_active"], False)]
    plan = plan_for(desired(doc_types="all", active=True), [listed(1, is_active=False), listed(2, doc_type="CREDIT_NOTE")], stored_files_by_id(TST, TST))
    assert [(entry.id, entry.changes, entry.set_active) for entry in plan.entries] == [(1, ["is_active"], True), (2, [], None)]


def test_plan_warns_when_every_infor_export_is_inactive():
    configs = [listed(1, is_active=False), listed(2, doc_type="CREDIT_NOTE", is_active=False)]
    [warning] = plan_for(desired(doc_types="all"), configs, stored_files_by_id(TST, TST)).warnings
    assert "ids 1, 2" in warning and "exports nothing" in warning
    assert not plan_for(desired(doc_types="all"), [listed(1, is_active=False), listed(2, doc_type="CREDIT_NOTE")], stored_files_by_id(TST, TST)).warnings
    # Switching them on is what the task is about to do: no warning then.
    assert not plan_for(desired(doc_types="all", active=True), configs, stored_files_by_id(TST, TST)).warnings


def test_plan_warns_about_a_broken_stored_file_and_replaces_it():
    plan = plan_for(desired(), [listed(1)], {1: StoredFile(b"garbage")})
    assert plan.entries[0].send_file
    assert "not a JSON object" in plan.warnings[0] and "replaced" in plan.warnings[0]


def test_plan_warns_when_an_ion_or_bod_export_gets_another_app():
    configs = [
        listed(1, export_method="infor-ion-cloud", title="ION"),
        listed(2, title="IDM"),
        listed(3, export_method="infor-bod-onpremise", doc_type="ORDER", title="BOD"),
    ]
    plan = plan_for(desired(OTHER_APP, doc_types="all", title=None, export_method="infor-bod-onpremise"), configs, stored_files_by_id(TST, TST, TST))
    assert len(plan.warnings) == 2
    assert "configuration 1" in plan.warnings[0] and "client id" in plan.warnings[0]
    assert "configuration 3" in plan.warnings[1]
    # Same app, new secret: no warning.
    new_secret = parse_ionapi(dump(make_seeded_ionapi(seed="rotated", ci=TST.credentials["ci"])), source="new-secret.ionapi")
    plan = plan_for(desired(new_secret, doc_types="all", title=None, export_method="infor-bod-onpremise"), configs, stored_files_by_id(TST, TST, TST))
    assert not plan.warnings


# --- apply against the fake client -----------------------------------------------------------------------


@pytest.fixture
def fake():
    return FakeDocBits()


def test_first_run_is_list_create_download(fake):
    result = converge(Reconciler(fake.client), desired(title="T"))
    assert [call[0] for call in fake.calls] == ["list", "configure_infor_export", "download"]
    assert (result["changed"], result["action"], result["config_id"]) == (True, ACTION_CREATE, 1)
    assert fake.stored(1) == TST.credentials and fake.configs[1]["title"] == "T"
    assert result["configurations"][0]["fingerprint_after"] == TST.fingerprint


def test_create_without_an_id_in_the_answer_lists_again(fake):
    fake.answers_with_id = False
    result = converge(Reconciler(fake.client), desired())
    assert [call[0] for call in fake.calls] == ["list", "configure_infor_export", "list", "download"]
    assert result["config_id"] == 1


def test_unchanged_costs_one_list_and_one_download_per_infor_export(fake):
    for doc_type in ("INVOICE", "CREDIT_NOTE", "ORDER"):
        fake.seed(doc_type=doc_type, ionapi=TST.content)
    fake.seed(export_method="webhook")
    result = converge(Reconciler(fake.client), desired(doc_types="all"))
    assert not result["changed"] and not fake.writes
    assert [call[0] for call in fake.calls] == ["list", "download", "download", "download"]
    assert [entry["action"] for entry in result["configurations"]] == [ACTION_NONE] * 3


def test_whole_tenant_gets_the_new_file_renames_nothing_and_leaves_other_exports(fake):
    idm = fake.seed(title="IDM", ionapi=TST.content)
    ion = fake.seed(title="ION", export_method="infor-ion-cloud", ionapi=TST.content)
    credit = fake.seed(doc_type="CREDIT_NOTE", title="CN", export_method="infor-ion-cloud", ionapi=TST.content)
    hook = fake.seed(export_method="webhook", title="Hook")
    result = converge(Reconciler(fake.client), desired(ROTATED, doc_types="all", title=None), verify_connection=True)
    assert sorted(call[1] for call in fake.ops("configure_infor_export")) == [idm, ion, credit]
    assert all(fake.stored(config_id) == ROTATED.credentials for config_id in (idm, ion, credit))
    assert [fake.configs[config_id]["title"] for config_id in (idm, ion, credit, hook)] == ["IDM", "ION", "CN", "Hook"]
    assert fake.configs[credit]["export_method"] == "infor-ion-cloud"
    assert len(fake.configs) == 4 and not fake.ops("remove_configuration")
    assert [item["id"] for item in result["verification"]["configurations"]] == [idm, ion, credit]
    assert isinstance(result["diff"], list) and len(result["diff"]) == 3
    fake.forget_calls()
    assert not converge(Reconciler(fake.client), desired(ROTATED, doc_types="all", title=None))["changed"]
    assert not fake.writes


def test_listed_types_each_get_one(fake):
    result = converge(Reconciler(fake.client), desired(doc_types=["INVOICE", "CREDIT_NOTE"], title="T"))
    assert sorted(config["doc_type"] for config in fake.configs.values()) == ["CREDIT_NOTE", "INVOICE"]
    assert [entry["action"] for entry in result["configurations"]] == [ACTION_CREATE, ACTION_CREATE]


def test_check_mode_writes_nothing_and_reports_duplicates(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(ionapi=TST.content)
    result = converge(Reconciler(fake.client), desired(ROTATED), check_mode=True)
    assert not fake.writes and result["changed"]
    assert [(entry["id"], entry["action"]) for entry in result["configurations"]] == [(1, ACTION_UPDATE), (2, ACTION_REMOVE_DUPLICATE)]


def test_duplicates_collapse_to_the_oldest_and_the_next_run_is_quiet(fake):
    for _index in range(3):
        fake.seed(ionapi=TST.content)
    result = converge(Reconciler(fake.client), desired())
    assert sorted(fake.configs) == [1] and result["changed"] and result["config_id"] == 1
    assert [call[1] for call in fake.ops("remove_configuration")] == [2, 3]
    fake.forget_calls()
    assert not converge(Reconciler(fake.client), desired())["changed"]


def test_duplicate_removed_by_someone_else_meanwhile_is_fine(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(ionapi=TST.content)

    def removed_meanwhile():
        del fake.configs[2]
        raise DocBitsError("Configuration not found")

    fake.fail("remove", removed_meanwhile)
    result = converge(Reconciler(fake.client), desired())
    assert sorted(fake.configs) == [1] and result["changed"]


def test_create_that_races_a_concurrent_create_collapses_in_the_same_run(fake):
    fake.answers_with_id = False

    def concurrent_create_first():
        fake.seed(title="T", ionapi=TST.content)
        return "apply"

    fake.fail("configure", concurrent_create_first)
    result = converge(Reconciler(fake.client), desired(title="T"))
    # Both creates landed; the read-back list sees them and keeps the oldest.
    assert sorted(fake.configs) == [1] and result["config_id"] == 1
    assert [entry["action"] for entry in result["configurations"]] == [ACTION_CREATE, ACTION_REMOVE_DUPLICATE]


def test_lost_create_answer_creates_no_duplicate(fake):
    fake.fail("configure", lambda: "apply then lose")
    result = converge(Reconciler(fake.client), desired())
    assert len(fake.configs) == 1 and len(fake.ops("configure_infor_export")) == 1
    assert result["config_id"] == 1


def test_create_refused_transiently_is_tried_again(fake):
    fake.fail("configure", DocBitsTransientError("HTTP 503"))
    converge(Reconciler(fake.client), desired())
    assert len(fake.configs) == 1 and fake.ops("wait") == [("wait", 0)]


def test_create_failing_every_time_gives_up(fake):
    fake.fail("configure", *[DocBitsTransientError("HTTP 503")] * 5)
    with pytest.raises(DocBitsTransientError):
        converge(Reconciler(fake.client), desired())
    assert len(fake.ops("configure_infor_export")) == fake.client.retries + 1 and not fake.configs


def test_write_not_applied_is_caught_by_the_read_back(fake):
    fake.seed(ionapi=TST.content)
    fake.fail("configure", lambda: "accepted, not applied")
    with pytest.raises(ReconcileError, match="now stores %s instead of %s" % (TST.fingerprint, ROTATED.fingerprint)):
        converge(Reconciler(fake.client), desired(ROTATED))


class RecordingPreflight:
    """What the reconciler uses of preflight.ContractPreflight: before_write(), here recording the writes done before it."""

    def __init__(self, fake, refusal=None):
        self.fake = fake
        self.refusal = refusal
        self.asked = []

    def before_write(self):
        self.asked.append(len(self.fake.writes))
        if self.refusal is not None:
            raise self.refusal


def test_preflight_asked_before_the_first_write_and_only_when_writing(fake):
    fake.seed(ionapi=TST.content)
    in_sync, check_mode = RecordingPreflight(fake), RecordingPreflight(fake)
    converge(Reconciler(fake.client, preflight=in_sync), desired())
    converge(Reconciler(fake.client, preflight=check_mode), desired(ROTATED), check_mode=True)
    assert in_sync.asked == check_mode.asked == []
    writing = RecordingPreflight(fake)
    converge(Reconciler(fake.client, preflight=writing), desired(ROTATED, doc_types=["INVOICE", "ORDER"]))
    assert writing.asked[0] == 0 and fake.writes


def test_preflight_may_refuse_and_then_nothing_is_written(fake):
    fake.seed(ionapi=TST.content)
    refusing = RecordingPreflight(fake, DocBitsInforError("the live contract lacks configure_infor_export"))
    with pytest.raises(DocBitsInforError, match="lacks"):
        converge(Reconciler(fake.client, preflight=refusing), desired(ROTATED))
    assert not fake.writes


def test_activation_switches_and_reads_back(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(doc_type="CREDIT_NOTE", ionapi=TST.content)
    result = converge(Reconciler(fake.client), desired(doc_types="all", active=False))
    assert fake.writes == [("set_active", 1), ("set_active", 2)]
    assert not any(config["is_active"] for config in fake.configs.values())
    assert result["changes"] == ["is_active"] and result["diff"][0]["after"]["is_active"] is False
    fake.forget_calls()
    assert not converge(Reconciler(fake.client), desired(doc_types="all", active=False))["changed"]


def test_created_inactive_configuration(fake):
    converge(Reconciler(fake.client), desired(active=False))
    assert fake.configs[1]["is_active"] is False


# --- the plan stays as planned ------------------------------------------------------------------------


def as_planned(plan):
    """Everything a plan says, as plain values: the listed configuration by its settings, the stored file by its fingerprint."""
    entries = []
    for entry in plan.entries:
        view = dict(vars(entry), id=entry.id)
        view.update(current=entry.current.as_dict() if entry.current is not None else None, stored=entry.fingerprint_before)
        entries.append(copy.deepcopy(view))
    return entries, list(plan.warnings), plan.changes, plan.action


def created_without_id(fake):
    fake.answers_with_id = False
    return desired(doc_types=["INVOICE", "ORDER"], active=False), False


def created_racing_a_concurrent_create(fake):
    fake.answers_with_id = False
    fake.fail("configure", lambda: fake.seed(title="T", ionapi=TST.content) and "apply")
    return desired(title="T"), False


def created_after_a_lost_answer(fake):
    fake.fail("configure", lambda: "apply then lose")
    return desired(), False


def updated_with_settings_it_cannot_send_back(fake):
    fake.form_replacing = True
    fake.seed(ionapi=TST.content, execution_order=2)
    return desired(ROTATED, export_method=None), False


def rolled_back_after_a_dead_file(fake):
    fake.seed(ionapi=TST.content)
    fake.dead_files.add(ROTATED.credentials["cs"])
    return desired(ROTATED, doc_types=["INVOICE", "ORDER"]), True


def verified_where_the_test_cannot_run(fake):
    fake.seed(ionapi=TST.content)
    fake.fail("test_connection", DocBitsError("HTTP 422", status=422))
    return desired(ROTATED), True


@pytest.mark.parametrize(
    "scenario",
    [
        created_without_id,
        created_racing_a_concurrent_create,
        created_after_a_lost_answer,
        updated_with_settings_it_cannot_send_back,
        rolled_back_after_a_dead_file,
        verified_where_the_test_cannot_run,
    ],
)
def test_apply_leaves_the_plan_as_planned(fake, scenario):
    wanted, verify_connection = scenario(fake)
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan(wanted)
    before = as_planned(plan)
    try:
        result = reconciler.apply(plan, verify_connection=verify_connection)
    except ReconcileError:
        result = None
    assert fake.writes and as_planned(plan) == before
    if result is not None:
        # What apply learnt is in the result: the ids of the created configurations, duplicates removed meanwhile.
        assert all(entry["id"] is not None for entry in result["configurations"])


def test_a_plan_cannot_be_changed():
    plan = plan_for(desired(), [listed(1)], stored_files_by_id(TST))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.entries[0].action = ACTION_CREATE
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.warnings = []
    assert isinstance(plan.entries, tuple) and isinstance(plan.warnings, tuple)


# --- verify and roll back ----------------------------------------------------------------------------


def test_dead_file_rolls_back_every_configuration_written(fake):
    first = fake.seed(title="IDM", ionapi=TST.content)
    second = fake.seed(doc_type="CREDIT_NOTE", title="CN", ionapi=TST.content)
    fake.dead_files.add(ROTATED.credentials["cs"])
    with pytest.raises(ReconcileError) as info:
        converge(Reconciler(fake.client), desired(ROTATED, doc_types="all", title=None), verify_connection=True)
    assert "rolled back" in str(info.value)
    assert fake.stored(first) == TST.credentials and fake.stored(second) == TST.credentials


def test_dead_file_of_created_configurations_leaves_none(fake):
    fake.seed(ionapi=TST.content)
    fake.dead_files.add(ROTATED.credentials["cs"])
    with pytest.raises(ReconcileError, match="was removed"):
        converge(Reconciler(fake.client), desired(ROTATED, doc_types=["INVOICE", "ORDER"]), verify_connection=True)
    assert list(fake.configs) == [1] and fake.stored(1) == TST.credentials


def test_rollback_never_restores_a_previous_file_that_is_not_an_ionapi(fake):
    fake.seed(ionapi=b"<html>broken</html>")
    fake.dead_files.add(ROTATED.credentials["cs"])
    with pytest.raises(ReconcileError) as info:
        converge(Reconciler(fake.client), desired(ROTATED), verify_connection=True)
    assert "not an .ionapi file" in str(info.value) and "carries %s" % ROTATED.fingerprint in str(info.value)
    assert fake.stored(1) == ROTATED.credentials
    assert len(fake.ops("configure_infor_export")) == 1


def test_failed_write_midway_with_verification_rolls_back_what_was_written(fake):
    fake.seed(title="IDM", ionapi=TST.content)
    fake.seed(doc_type="CREDIT_NOTE", title="CN", ionapi=TST.content)
    fake.fail("configure", lambda: "apply", DocBitsError("DocBits refused the request"))
    with pytest.raises(ReconcileError, match="rolled back"):
        converge(Reconciler(fake.client), desired(ROTATED, doc_types="all", title=None), verify_connection=True)
    assert fake.stored(1) == TST.credentials and fake.stored(2) == TST.credentials


def test_a_download_that_is_not_a_stored_file_is_never_compared_nor_a_reason_to_write(fake):
    fake.seed(ionapi=TST.content)
    fake.fail("download", DocBitsUnexpectedAnswer("GET /configurations/download/1 answered an HTML page: a proxy in between?"))
    with pytest.raises(DocBitsUnexpectedAnswer, match="a proxy in between"):
        converge(Reconciler(fake.client), desired(ROTATED))
    assert not fake.writes and fake.stored(1) == TST.credentials


def test_a_proxy_page_during_the_rollback_is_reported_not_restored(fake):
    fake.seed(ionapi=TST.content)
    fake.dead_files.add(ROTATED.credentials["cs"])
    # The read back after the upload is fine; the rollback's read back meets a proxy's page.
    fake.fail("download", lambda: None, lambda: None, DocBitsUnexpectedAnswer("an HTML page: a proxy in between?"))
    with pytest.raises(ReconcileError) as info:
        converge(Reconciler(fake.client), desired(ROTATED), verify_connection=True)
    assert "the rollback failed" in str(info.value) and "a proxy in between" in str(info.value)
    assert fake.stored(1) == TST.credentials


@pytest.mark.parametrize(
    "error", [DocBitsTransientError("no answer", status=503), DocBitsError("HTTP 422", status=422), DocBitsNotFound("HTTP 404", status=404)]
)
def test_connection_that_cannot_be_tested_keeps_the_new_file_and_says_so(fake, error):
    fake.seed(ionapi=TST.content)
    fake.fail("test_connection", error)
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan(desired(ROTATED))
    result = reconciler.apply(plan, verify_connection=True)
    assert result["changed"] and result["verification"]["available"] is False and result["verification"]["connected"] is None
    assert fake.stored(1) == ROTATED.credentials
    assert [warning for warning in result["warnings"] if "connection test could not run" in warning and "the upload stands" in warning]


def test_unchanged_tenant_is_not_tested(fake):
    fake.seed(ionapi=TST.content)
    converge(Reconciler(fake.client), desired(), verify_connection=True)
    assert not fake.ops("test_connection")


# --- absent and describe ---------------------------------------------------------------------------------


def test_absent_removes_the_configuration_and_its_exact_duplicates(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(ionapi=TST.content)
    fake.seed(export_method="webhook")
    result = remove(Reconciler(fake.client), "INVOICE", check_mode=True)
    assert result["action"] == ACTION_DELETE and not fake.writes
    remove(Reconciler(fake.client), "INVOICE")
    assert [config["export_method"] for config in fake.configs.values()] == ["webhook"]
    assert remove(Reconciler(fake.client), "INVOICE")["action"] == ACTION_NONE


def test_absent_with_two_different_configurations_asks_for_config_id(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(ionapi=ROTATED.content)
    with pytest.raises(ReconcileError, match="set config_id"):
        remove(Reconciler(fake.client), "INVOICE")
    assert not fake.writes


def test_describe_summarises_without_secrets(fake):
    fake.seed(ionapi=TST.content)
    fake.seed(doc_type="ORDER")
    described = Reconciler(fake.client).describe()
    assert described[0]["ionapi"]["fingerprint"] == TST.fingerprint and described[1]["ionapi"] is None
    assert [entry["id"] for entry in Reconciler(fake.client).describe(doc_type="ORDER")] == [2]
    for secret in TST.secret_values():
        assert secret not in json.dumps(described)


def test_results_hold_no_secret(fake):
    fake.seed(ionapi=TST.content)
    result = converge(Reconciler(fake.client), desired(ROTATED), check_mode=True)
    text = json.dumps(result)
    for secret in TST.secret_values() + ROTATED.secret_values():
        assert secret not in text
    assert result["diff"]["before"]["fingerprint"] == TST.fingerprint and result["diff"]["after"]["fingerprint"] == ROTATED.fingerprint


# --- only what the inventory asks for ----------------------------------------------------------------

HAND_MADE = {"export_method": "infor-ion-cloud", "zugferd": True, "auto_approve_after_export": True, "auto_validate_after_export": True}


def test_an_update_sends_back_every_listed_setting_to_a_form_replacing_docbits():
    fake = FakeDocBits(form_replacing=True)
    fake.seed(ionapi=TST.content, **HAND_MADE)
    result = converge(Reconciler(fake.client), desired(ROTATED, export_method=None))
    assert result["changes"] == ["ion_api"] and fake.stored(1) == ROTATED.credentials
    assert dict((name, fake.configs[1][name]) for name in HAND_MADE) == HAND_MADE
    assert not converge(Reconciler(fake.client), desired(ROTATED, export_method=None))["changed"]


def test_a_listed_setting_configure_does_not_declare_is_named():
    fake = FakeDocBits(form_replacing=True)
    fake.seed(ionapi=TST.content, execution_order=2)
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan(desired(ROTATED, export_method=None))
    result = reconciler.apply(plan)
    assert [warning for warning in result["warnings"] if "setting(s) execution_order" in warning and "cannot be sent back" in warning]


def test_a_setting_docbits_changes_during_the_update_is_said():
    fake = FakeDocBits(form_replacing=True)
    fake.seed(ionapi=TST.content, execution_order=2)
    fake.client.configure_fields.side_effect = None
    # A contract that declares no zugferd: the form-replacing update resets nothing listed but it.
    fake.client.configure_fields.return_value = {"execution_order": "value", "on_permise": "value"}
    fake.configs[1]["zugferd"] = True
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan(desired(ROTATED, export_method=None))
    result = reconciler.apply(plan)
    assert fake.configs[1]["execution_order"] == 2
    assert [warning for warning in result["warnings"] if "DocBits changed setting(s) zugferd of configuration 1" in warning]


@pytest.mark.parametrize("stored_type", ["invoice", " INVOICE ", "Invoice"])
def test_a_document_type_docbits_stores_in_other_case_is_the_same_configuration(fake, stored_type):
    fake.seed(doc_type=stored_type, ionapi=TST.content)
    assert not converge(Reconciler(fake.client), desired())["changed"]
    assert converge(Reconciler(fake.client), desired(ROTATED))["action"] == ACTION_UPDATE
    assert len(fake.configs) == 1


def test_a_configuration_created_and_stored_lower_cased_is_found_on_the_next_run(fake):
    original = fake._configure_infor_export

    def lower_cased(**kwargs):
        kwargs["doc_type"] = kwargs["doc_type"].lower()
        return original(**kwargs)

    fake.client.configure_infor_export.side_effect = lower_cased
    assert converge(Reconciler(fake.client), desired())["action"] == ACTION_CREATE
    for _run in range(2):
        assert not converge(Reconciler(fake.client), desired())["changed"]
    assert len(fake.configs) == 1


def test_replacing_a_file_of_another_tenant_names_both(fake):
    fake.seed(ionapi=make_seeded_ionapi(tenant="ACME_PRD"))
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan(desired())
    result = reconciler.apply(plan, check_mode=True)
    [entry] = result["configurations"]
    assert "tenant" in entry["changes"] and "replaces a file of Infor tenant 'ACME_PRD' with one of 'ACME_TST'" in entry["reasons"]
    assert [warning for warning in plan.warnings if "'ACME_PRD'" in warning and "'ACME_TST'" in warning]
    assert result["diff"]["before"]["ion_api"]["ti"] == "ACME_PRD" and result["diff"]["after"]["ion_api"]["ti"] == "ACME_TST"


def test_absent_is_a_plan_with_one_result_shape(fake):
    fake.seed(ionapi=TST.content)
    reconciler = Reconciler(fake.client)
    plan = reconciler.plan_absent(Desired(None, "INVOICE"))
    assert [entry.action for entry in plan.entries] == [ACTION_DELETE] and not fake.writes
    result = reconciler.apply(plan)
    assert result["action"] == ACTION_DELETE and result["configurations"][0]["fingerprint_before"] == TST.fingerprint
    assert fake.ops("remove_configuration") == [("remove_configuration", 1)] and not fake.configs
