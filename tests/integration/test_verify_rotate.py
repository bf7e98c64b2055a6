# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""verify_connection and rotate_ionapi.yml: DocBits tests the stored file against the Infor auth
simulator (HTTPS, a CA made here); a file it cannot connect with is rolled back."""

from __future__ import annotations

import hashlib
import json

import pytest

from ansible_collections.docbits.infor.tests.support.builders import start_auth_simulator
from ansible_collections.docbits.infor.tests.support.docbits_lab import NO_PROXY_NO_BUNDLE as RUN_ENV, find_leaks, fingerprint, make_random_ionapi, random_token

PROVISION = "provision_ionapi.yml"
ROTATE = "rotate_ionapi.yml"


@pytest.fixture
def infor(lab_factory, pki):
    """dev, tst and prd, provisioned with files that work; DocBits tests connections against the auth simulator."""
    lab = lab_factory({"dev": "ACME_DEV", "tst": "ACME_TST", "prd": "ACME_PRD"})
    auth = lab.connect_to_infor(pki)
    first = lab.run(PROVISION, env=RUN_ENV)
    assert first.rc == 0, first
    yield lab, auth
    auth.stop()


def client_id_fingerprint(client_id):
    return "sha256:" + hashlib.sha256(client_id.encode("utf-8")).hexdigest()[:12]


def stored_bytes(env):
    return env.stored_configs()[0]["files"]["ION_API"]


def dead_rotation(lab, env):
    """A new download whose secret Infor does not know (rotated again since, or mistyped)."""
    secret = random_token(86)
    lab.remember_secret("%s dead cs" % env.name, secret)
    env.write(dict(make_random_ionapi(env.tenant, pu=env.credentials["pu"]), cs=secret))


def test_rotation_uploads_proven_files_and_rolls_back_what_docbits_cannot_use(infor, tmp_path):
    lab, auth = infor
    before = dict((name, stored_bytes(env)) for name, env in lab.envs.items())
    old_fingerprints = dict((name, fingerprint(env.credentials)) for name, env in lab.envs.items())
    old_client_ids = dict((name, env.credentials["ci"]) for name, env in lab.envs.items())
    # dev: a good new file. tst: a dead one (no token). prd: gets a token, but DocBits cannot connect with it.
    lab["dev"].write(make_random_ionapi("ACME_DEV", pu=lab["dev"].credentials["pu"]))
    auth.register(lab["dev"].credentials)
    dead_rotation(lab, lab["tst"])
    lab["prd"].write(make_random_ionapi("ACME_PRD", pu=lab["prd"].credentials["pu"]))
    auth.register(lab["prd"].credentials)
    lab.sim.mark_dead(ion_api=lab["prd"].credentials)
    lab.sim.reset_stats()
    reports = tmp_path / "rotation"

    run = lab.run(ROTATE, "-e", "docbits_summary_dir=%s" % reports, env=RUN_ENV)

    assert run.rc == 2, run
    run.assert_recap(dev={"changed": 1, "failed": 0}, tst={"changed": 0, "failed": 1}, prd={"changed": 0, "failed": 1})
    dev = run.result("ionapi", "dev")["result"]
    assert dev["token_check"]["revoked"] is True and dev["verification"]["connected"] is True
    assert json.loads(stored_bytes(lab["dev"])) == lab["dev"].credentials
    tst = run.result("ionapi", "tst")["result"]["msg"]
    assert "invalid_client" in tst and lab["tst"].requests() == []
    assert stored_bytes(lab["tst"]) == before["tst"]
    prd = run.result("ionapi", "prd")["result"]["msg"]
    assert "DocBits could not connect to Infor with the new file %s" % fingerprint(lab["prd"].credentials) in prd
    assert "the tenant was rolled back to %s" % old_fingerprints["prd"] in prd
    assert stored_bytes(lab["prd"]) == before["prd"], "the previous file must be stored byte for byte"
    # The old credentials are tried only where the new file is in place: dev's, not prd's (rolled back).
    assert dev["retire"]["change"] == "new_app" and dev["retire"]["old_credentials_live"] is True
    client_ids = [auth.verify(token)["ClientId"] for token in auth.issued if token.count(".") == 2]
    assert old_client_ids["dev"] in client_ids and old_client_ids["prd"] not in client_ids
    rows = dict((row["environment"], row) for row in json.loads((reports / "ionapi-rotation.json").read_text(encoding="utf-8"))["rows"])
    assert [rows[name]["status"] for name in ("dev", "tst", "prd")] == ["changed", "failed", "failed"]
    assert "rolled back" in rows["prd"]["error"]
    report_text = (reports / "ionapi-rotation.md").read_text(encoding="utf-8") + (reports / "ionapi-rotation.json").read_text(encoding="utf-8")
    assert find_leaks(report_text, lab.secret_values) == []
    tokens = dict(("token %d" % index, value) for index, value in enumerate(auth.issued))
    assert find_leaks(run.output + run.record_text + report_text, tokens) == []


def test_verification_alone_rolls_back_a_dead_file(infor):
    lab, _auth = infor
    before = stored_bytes(lab["tst"])
    dead_rotation(lab, lab["tst"])

    run = lab.run(PROVISION, "--limit", "tst", "-e", "docbits_verify_connection=true", env=RUN_ENV)

    run.assert_recap(tst={"changed": 0, "failed": 1})
    message = run.result("ionapi", "tst")["result"]["msg"]
    # DocBits (the simulator) asked Infor for a token with the uploaded file and was refused.
    assert "Connection failed: invalid_client (HTTP 401) from the token endpoint" in message and "rolled back" in message
    # The dead file was uploaded, tested, then the previous one uploaded again.
    writes = [entry["path"].rsplit("/", 1)[1] for entry in lab["tst"].writes()]
    assert writes[-2:] == ["configure_infor_export", "configure_infor_export"]
    assert stored_bytes(lab["tst"]) == before


def test_a_dead_first_file_leaves_no_configuration(lab_factory, pki):
    lab = lab_factory({"new": "ACME_NEW"})
    auth = start_auth_simulator(pki)
    try:
        lab.sim.infor_ca_path = pki.ca
        lab["new"].write(make_random_ionapi("ACME_NEW", pu=auth.pu("ACME_NEW")))
        lab["new"].vars.update(docbits_ca_path=pki.ca, docbits_verify_connection=True)

        run = lab.run(PROVISION, env=RUN_ENV)
    finally:
        auth.stop()

    run.assert_recap(new={"changed": 0, "failed": 1})
    assert "rolled back to no configuration" in run.result("ionapi", "new")["result"]["msg"]
    assert [entry["path"].rsplit("/", 1)[1] for entry in lab["new"].writes()] == ["configure_infor_export", "remove_configuration"]
    assert lab["new"].stored_configs() == []


def test_rotation_says_what_to_retire_and_whether_the_old_credentials_still_live(infor, tmp_path):
    lab, auth = infor
    old = dict((name, env.credentials) for name, env in lab.envs.items())
    # dev: Smooth Reset Secret, the old secret still in its grace period.
    lab["dev"].write(dict(old["dev"], cs=random_token(86)))
    auth.smooth_reset_secret(old["dev"]["ci"], lab["dev"].credentials["cs"])
    # tst: a download with Create Service Account, and the old account already disabled.
    fresh = make_random_ionapi("ACME_TST", pu=old["tst"]["pu"])
    lab["tst"].write(dict(old["tst"], saak=fresh["saak"], sask=fresh["sask"]))
    auth.register(lab["tst"].credentials)
    auth.disable_service_account(old["tst"]["saak"])
    # prd: another authorized app; the old one still works.
    lab["prd"].write(make_random_ionapi("ACME_PRD", pu=old["prd"]["pu"], cn="DocBits_PRD2"))
    auth.register(lab["prd"].credentials)
    reports = tmp_path / "rotation"

    preview = lab.run(ROTATE, "--check", env=RUN_ENV)
    issued_in_check_mode = len(auth.issued)
    run = lab.run(ROTATE, "-e", "docbits_summary_dir=%s" % reports, env=RUN_ENV)

    run.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in lab.envs))
    retire = dict((name, run.result("ionapi", name)["result"]["retire"]) for name in lab.envs)
    assert (retire["dev"]["change"], retire["dev"]["old_credentials_live"]) == ("new_secret", True)
    assert retire["dev"]["actions"] == [
        "Revoke Old Secret of DocBits_DEV (client %s) in Infor ION API (Authorized Apps): after a Smooth "
        "Reset Secret the old secret works for up to 7 days" % client_id_fingerprint(old["dev"]["ci"])
    ]
    assert (retire["tst"]["change"], retire["tst"]["old_credentials_live"], retire["tst"]["actions"]) == ("new_service_account", False, [])
    assert "invalid_grant" in retire["tst"]["old_files"][0]["message"]
    assert (retire["prd"]["change"], retire["prd"]["old_credentials_live"]) == ("new_app", True)
    assert retire["prd"]["actions"][0].startswith("disable the service account of the old file %s" % fingerprint(old["prd"]))
    assert retire["prd"]["actions"][1].startswith("delete the old authorized app DocBits_PRD (client ")
    # Check mode: the same advice, the old credentials never tried (only the new files got a token).
    for name in lab.envs:
        previewed = preview.result("ionapi", name)["result"]["retire"]
        assert previewed["change"] == retire[name]["change"] and previewed["old_credentials_live"] is None
    assert issued_in_check_mode == 3 * 2
    # The run: a token per new file, one per DocBits connection test, one per old file that still works (dev, prd).
    assert len(auth.issued) == issued_in_check_mode + 3 * 2 + 3 * 2 + 2 * 2
    old_prd_tokens = [token for token in auth.issued if token.count(".") == 2 and auth.verify(token)["ClientId"] == old["prd"]["ci"]]
    assert len(old_prd_tokens) == 1 and old_prd_tokens[0] in auth.revoked
    # Revoked, but those DocBits (the simulator) got for its connection tests.
    assert len(set(auth.issued) - set(auth.revoked)) == 3 * 2
    # The run table and the reports say it per environment, never a secret nor a token.
    assert (
        "retire: new secret: Revoke Old Secret of DocBits_DEV (client %s); old credentials still live" % (client_id_fingerprint(old["dev"]["ci"])) in run.stdout
    )
    assert "retire: new service account: old credentials dead, nothing left to retire" in run.stdout
    markdown = (reports / "ionapi-rotation.md").read_text(encoding="utf-8")
    document = (reports / "ionapi-rotation.json").read_text(encoding="utf-8")
    assert "## Retire in Infor ION API" in markdown
    assert "- prd: new app: disable the old service account (file %s...)" % fingerprint(old["prd"])[:19] in markdown
    assert dict((row["environment"], row["retire"]["change"]) for row in json.loads(document)["rows"]) == {
        "dev": "new_secret",
        "tst": "new_service_account",
        "prd": "new_app",
    }
    tokens = dict(("token %d" % index, value) for index, value in enumerate(auth.issued))
    client_ids = dict(("%s ci" % name, credentials["ci"].split("~", 1)[1]) for name, credentials in old.items())
    assert find_leaks(run.output + run.record_text + markdown + document, dict(tokens, **client_ids)) == []
    assert find_leaks(markdown + document, lab.secret_values) == []
