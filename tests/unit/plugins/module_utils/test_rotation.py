# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a rotation leaves to retire in Infor: the kind of change and the advice (pure)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import report, rotation
from ansible_collections.docbits.infor.plugins.module_utils.reconcile import StoredFile
from ansible_collections.docbits.infor.tests.support.builders import dump, make_seeded_ionapi, secret_values

OLD = make_seeded_ionapi("ACME_TST", seed="old")
OTHER = make_seeded_ionapi("ACME_TST", seed="other")


class Entry:
    def __init__(self, credentials=None, data=None):
        self.stored = StoredFile(data if data is not None else dump(credentials)) if credentials is not None or data else None


def client_id_fingerprint(client_id):
    return "sha256:" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:12]


@pytest.mark.parametrize(
    "new, expected",
    [
        (dict(OLD), "none"),
        (dict(OLD, cn="DocBits_Renamed", ev="U1", dt="13"), "none"),
        (dict(OLD, cs=OTHER["cs"]), "new_secret"),
        (dict(OLD, saak=OTHER["saak"], sask=OTHER["sask"]), "new_service_account"),
        (dict(OLD, cs=OTHER["cs"], saak=OTHER["saak"], sask=OTHER["sask"]), "new_secret_and_service_account"),
        (dict(OTHER), "new_app"),
        (make_seeded_ionapi("ACME_PRD", seed="old"), "other_tenant"),
    ],
    ids=["same", "attributes", "secret", "account", "both", "app", "tenant"],
)
def test_each_kind_of_change(new, expected):
    assert rotation.classify(OLD, new) == expected


@pytest.mark.parametrize("old", [None, ["not", "an", "object"], dict(OLD, ci=""), dict((k, v) for k, v in OLD.items() if k != "saak")])
def test_a_stored_object_without_credentials_is_unknown(old):
    assert rotation.classify(old, OLD) == "unknown"


def advice(new, stored=None, prove=None):
    return rotation.retire([Entry(OLD if stored is None else stored)], new, prove=prove)


def test_a_new_secret_says_revoke_old_secret_of_the_app():
    found = advice(dict(OLD, cs=OTHER["cs"]))
    assert found["change"] == "new_secret" and found["old_credentials_live"] is None
    assert found["actions"] == [
        "Revoke Old Secret of DocBits_TST (client %s) in Infor ION API (Authorized Apps): after a Smooth Reset "
        "Secret the old secret works for up to 7 days" % client_id_fingerprint(OLD["ci"])
    ]


def test_a_new_service_account_says_disable_the_old_one_named_by_the_old_file():
    old_fingerprint = StoredFile(dump(OLD)).fingerprint
    found = advice(dict(OLD, saak=OTHER["saak"], sask=OTHER["sask"]))
    assert found["change"] == "new_service_account"
    assert found["actions"] == [
        "disable the service account of the old file %s in Infor (User Management, Service Accounts): it works until disabled" % old_fingerprint
    ]


def test_a_new_app_and_another_tenant_retire_the_account_and_the_app():
    app = advice(OTHER)
    assert app["change"] == "new_app" and len(app["actions"]) == 2
    assert app["actions"][0].startswith("disable the service account of the old file")
    assert app["actions"][1].startswith("delete the old authorized app DocBits_TST (client %s)" % client_id_fingerprint(OLD["ci"]))
    tenant = advice(make_seeded_ionapi("ACME_PRD", seed="new"))
    assert tenant["change"] == "other_tenant"
    assert all(action.startswith("in the old file's tenant ACME_TST, ") for action in tenant["actions"])


def test_live_old_credentials_keep_the_advice_and_dead_ones_need_nothing():
    proved = []

    def prove(state):
        def answer(stored):
            proved.append(stored.fingerprint)
            return {"live": state, "reason": None, "message": "said"}

        return answer

    live = advice(dict(OLD, cs=OTHER["cs"]), prove=prove(True))
    assert live["old_credentials_live"] is True and live["actions"]
    assert live["summary"].startswith("new secret: Revoke Old Secret of DocBits_TST") and "old credentials still live" in live["summary"]
    dead = advice(dict(OLD, cs=OTHER["cs"]), prove=prove(False))
    assert dead["old_credentials_live"] is False and dead["actions"] == [] and "nothing left to retire" in dead["summary"]
    unknown = advice(dict(OLD, cs=OTHER["cs"]), prove=prove(None))
    assert unknown["old_credentials_live"] is None and unknown["actions"] and unknown["old_files"][0]["message"] == "said"
    assert len(proved) == 3


def test_unchanged_credentials_and_unknown_files_are_never_tried():
    def prove(_stored):
        raise AssertionError("tried")

    same = advice(dict(OLD, cn="DocBits_Renamed"), prove=prove)
    assert same["change"] == "none" and same["actions"] == [] and same["old_credentials_live"] is None
    assert same["summary"] == "nothing to retire: the credentials are the ones DocBits stored"
    junk = rotation.retire([Entry(data=b"<html>login</html>")], OLD, prove=prove)
    assert junk["change"] == "unknown" and junk["old_files"][0]["client_id"] is None


def test_one_entry_per_distinct_old_file_and_the_most_telling_change_first():
    new = dict(OLD, cs=OTHER["cs"])
    entries = [Entry(OLD), Entry(OLD), Entry(new), Entry(OTHER), Entry()]
    found = rotation.retire(entries, new, prove=lambda stored: {"live": stored.credentials["ci"] == OLD["ci"], "message": None})
    assert [entry["change"] for entry in found["old_files"]] == ["new_secret", "none", "new_app"]
    assert found["change"] == "new_app" and found["old_credentials_live"] is True
    # The dead app needs nothing more; the old secret, still live, is to revoke.
    assert len(found["actions"]) == 1 and found["actions"][0].startswith("Revoke Old Secret")
    assert rotation.retire([Entry()], new) is None


def test_no_secret_in_the_advice():
    text = json.dumps(
        [
            advice(new, prove=lambda _stored: {"live": True, "message": None})
            for new in (dict(OLD, cs=OTHER["cs"]), dict(OLD, saak=OTHER["saak"]), OTHER, make_seeded_ionapi("ACME_PRD"))
        ]
    )
    assert OLD["ci"] not in text and OTHER["ci"] not in text
    for secret in secret_values(OLD) + secret_values(OTHER):
        assert secret not in text


def test_the_run_table_and_the_markdown_say_what_to_retire_unless_nothing_changed():
    rows = [
        report.row(report.KIND_PROVISION, name, {"changed": True, "action": "update", "tenant": "ACME_TST", "retire": advice(new)})
        for name, new in (("dev", dict(OLD, cs=OTHER["cs"])), ("tst", OLD))
    ]
    document = report.report(report.KIND_PROVISION, rows)
    table = dict((line.split()[0], line) for line in report.table(document)[2:])
    assert table["dev"].endswith(
        "retire: new secret: Revoke Old Secret of DocBits_TST (client %s); old credentials not checked" % client_id_fingerprint(OLD["ci"])
    )
    assert "retire" not in table["tst"]
    markdown = report.to_markdown(document)
    assert "\n## Retire in Infor ION API\n\n- dev: new secret: Revoke Old Secret of DocBits_TST" in markdown and "- tst:" not in markdown
