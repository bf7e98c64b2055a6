# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What AWX / Automation Controller users get: an execution environment definition that installs the
collection, and a credential type whose injector feeds the modules the DocBits API key. (That
ansible-builder finds the collection's Python requirements in an installed copy is checked by
hack/check_installed.sh, `make installed`.)"""

from __future__ import annotations

import subprocess

import jinja2
import yaml

from docbits_lab import REPO, RUN_TIMEOUT, tool

CREDENTIAL_TYPE = REPO / "awx" / "credential_type_docbits_api.yml"


def test_execution_environment_definition_builds_a_context(tmp_path):
    definition = REPO / "ee" / "execution-environment.yml"

    completed = subprocess.run([tool("ansible-builder"), "create", "-f", str(definition), "--context", str(tmp_path / "context")],
                               capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False, cwd=str(REPO / "ee"))

    assert completed.returncode == 0, completed.stdout + completed.stderr
    galaxy = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert [collection["name"] for collection in galaxy["collections"]] == ["docbits.infor"]
    containerfile = next(path for path in (tmp_path / "context").iterdir() if path.name in ("Containerfile", "Dockerfile"))
    assert "ansible-galaxy" in containerfile.read_text(encoding="utf-8")


def injected_environment(api_key, url):
    """The env the credential type's injector gives a job, rendered as AWX does (Jinja2)."""
    credential_type = yaml.safe_load(CREDENTIAL_TYPE.read_text(encoding="utf-8"))
    fields = dict((field["id"], field) for field in credential_type["inputs"]["fields"])
    assert fields["api_key"]["secret"] is True
    assert set(credential_type["inputs"]["required"]) <= set(fields)
    inputs = {"api_key": api_key, "docbits_url": url}
    return dict((name, jinja2.Template(template).render(**inputs)) for name, template in credential_type["injectors"]["env"].items())


def test_credential_injector_feeds_the_modules_the_api_key(lab_factory):
    lab = lab_factory({"tst": "ACME_TST"})
    env = lab["tst"]
    env.vars.pop("docbits_api_key")
    env.vars.pop("docbits_url")
    injected = injected_environment(env.api_key, lab.sim.base_url)
    assert set(injected) == {"DOCBITS_API_KEY", "DOCBITS_URL"}

    run = lab.run("provision_ionapi.yml", env=injected)

    assert run.rc == 0, run
    run.assert_recap(tst={"changed": 1, "failed": 0})
    assert [entry["org"] for entry in env.requests()] and lab.sim.writes == 1

    wrong = lab.run("provision_ionapi.yml", env=injected_environment("dbk_not-the-key-of-this-org-000000000000", lab.sim.base_url))

    wrong.assert_recap(tst={"failed": 1})
    assert "DocBits refused the API key" in wrong.result("ionapi", "tst")["result"]["msg"]
