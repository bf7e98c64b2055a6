# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""docbits.infor.ionapi_validate over the whole .ionapi corpus (tests/corpus/ionapi/) in one ansible-playbook run."""

from __future__ import annotations

import json

import yaml

from ansible_collections.docbits.infor.tests.corpus.ionapi_corpus import find_numbered_leaks, load_cases

CASES = load_cases()


def _playbook(directory):
    play = [
        {
            "name": "Judge every file of the .ionapi corpus",
            "hosts": "docbits_environments",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Validate a corpus file",
                    "docbits.infor.ionapi_validate": {
                        "src": "{{ corpus_dir }}/{{ item.file }}",
                        "expected_tenant": "{{ item.expected_tenant | default(omit) }}",
                    },
                    "loop": "{{ corpus_cases }}",
                    "loop_control": {"label": "{{ item.file }}"},
                    "ignore_errors": True,
                }
            ],
        }
    ]
    path = directory / "corpus.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    return path


def _copy_corpus(directory):
    """The corpus as users hold their files: 0600, CRLF where the manifest says so."""
    corpus = directory / "corpus"
    corpus.mkdir()
    for case in CASES:
        target = corpus / case.name
        target.write_bytes(case.data)
        target.chmod(0o600)
    return corpus


def _refused(item_result):
    """Whether a loop item's validation failed. As callbacks see a loop's items, ansible-core 2.21 leaves out their
    `failed` flag: a file that passes always has its fingerprint in the result, a refused one never."""
    return bool(item_result.get("failed")) or "fingerprint" not in item_result


def test_every_corpus_file_gets_its_verdict_and_rule_and_no_secret_is_printed(lab_factory):
    lab = lab_factory({"corpus": "ACME_TST"})
    secrets = sorted(set(secret for case in CASES for secret in case.secrets()))
    for number, secret in enumerate(secrets):
        lab.remember_secret("corpus secret #%d" % number, secret)
    cases = [dict({"file": case.name}, **({"expected_tenant": case.expected_tenant} if case.expected_tenant else {})) for case in CASES]
    corpus_dir = _copy_corpus(lab.directory)
    variables = lab.directory / "corpus-vars.json"
    variables.write_text(json.dumps({"corpus_dir": str(corpus_dir), "corpus_cases": cases}), encoding="utf-8")

    run = lab.run(_playbook(lab.directory), "-vvv", "-e", "@%s" % variables)

    assert run.rc == 0, run
    results = run.result("ionapi_validate", "corpus")["result"]["results"]
    assert [result["item"]["file"] for result in results] == [case.name for case in CASES]
    wrong = []
    for case, result in zip(CASES, results):
        got = ("refuse" if _refused(result) else "accept", result.get("rule"), result.get("key"))
        if got != (case.verdict, case.rule, case.key):
            wrong.append("%s: expected %s, got %s: %s" % (case.name, (case.verdict, case.rule, case.key), got, result.get("msg")))
        elif case.verdict == "refuse":
            if not result["msg"].startswith("%s: " % (corpus_dir / case.name)):
                wrong.append("%s: the message does not name the file: %s" % (case.name, result["msg"]))
        elif result["kind"] != "backend_service_account" or result["fingerprint"][:7] != "sha256:":
            wrong.append("%s: %s" % (case.name, result))
    assert not wrong, "\n".join(wrong)
    # ansible-core gathers the warnings of a loop's items on the loop's result, in item order.
    warnings = run.result("ionapi_validate", "corpus")["result"].get("warnings") or []
    expected = [(case.name, part) for case in CASES if case.verdict == "accept" for part in case.warnings]
    assert len(warnings) == len(expected), (warnings, expected)
    assert [(name, part) for (name, part), warning in zip(expected, warnings) if part not in warning] == [], warnings
    # The lab checked its own list already; this says which corpus file a leak would come from.
    leaks = ["%s: %s" % (case.name, leak) for case in CASES for leak in find_numbered_leaks(run.output + run.record_text, case.secrets())]
    assert not leaks, leaks
    assert lab.sim.requests == []


def test_a_shipped_module_and_the_controller_report_the_same_rule(lab_factory):
    """With a non-local connection the file is judged on the controller (src) or by the module on the target (content):
    the failed result carries the rule id and key either way."""
    lab = lab_factory({"remote": "ACME_TST"}, connection="loopback")
    chosen = [
        case
        for case in CASES
        if case.name
        in (
            "cloud-eu1-tst.ionapi",
            "redacted-hidden.ionapi",
            "hostile-bidi-tenant.ionapi",
            "hostile-deep-nesting.ionapi",
            "client-credentials-download.ionapi",
            "damaged-secret-space.ionapi",
        )
    ]
    assert len(chosen) == 6
    for number, secret in enumerate(sorted(set(secret for case in chosen for secret in case.secrets()))):
        lab.remember_secret("corpus secret #%d" % number, secret)
    corpus_dir = _copy_corpus(lab.directory)
    contents = dict((case.name, case.data.decode("utf-8")) for case in chosen)
    variables = lab.directory / "shipped-vars.json"
    variables.write_text(
        json.dumps({"corpus_dir": str(corpus_dir), "corpus_cases": [{"file": case.name} for case in chosen], "corpus_contents": contents}), encoding="utf-8"
    )
    playbook = _playbook(lab.directory)
    play = yaml.safe_load(playbook.read_text(encoding="utf-8"))
    by_content = dict(play[0]["tasks"][0], name="Validate a corpus file given as content")
    by_content["docbits.infor.ionapi_validate"] = {"content": "{{ corpus_contents[item.file] }}"}
    play[0]["tasks"].append(by_content)
    playbook.write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")

    run = lab.run(playbook, "-vvv", "-e", "@%s" % variables)

    assert run.rc == 0, run
    by_src, by_module = (entry["result"]["results"] for entry in run.results("ionapi_validate", "remote"))
    for case, from_src, from_module in zip(chosen, by_src, by_module):
        for result in (from_src, from_module):
            assert (_refused(result), result.get("rule"), result.get("key")) == (case.verdict == "refuse", case.rule, case.key), (case.name, result)
        if case.verdict == "refuse":
            assert from_src["msg"].startswith("%s: " % (corpus_dir / case.name)), from_src["msg"]
            assert from_module["msg"].startswith("content: "), from_module["msg"]
    assert "AnsiballZ_ionapi_validate.py" in run.output, "the module was not shipped"
