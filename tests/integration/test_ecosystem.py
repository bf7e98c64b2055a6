# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What AWX / Automation Controller users get: execution environment definitions whose generated
install step installs the collection (from Galaxy / Automation Hub, or from a tarball in the build
context), and a credential type whose injector feeds the modules the DocBits API key. (That
ansible-builder finds the collection's Python requirements in an installed copy is checked by
hack/check_installed.sh, `make installed`.)"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import threading

import jinja2
import yaml

from ansible_collections.docbits.infor.tests.support.docbits_lab import REPO, RUN_TIMEOUT, build_collection, run_tool, tool

CREDENTIAL_TYPE = REPO / "awx" / "credential_type_docbits_api.yml"
# Where the EE's Containerfile installs collections.
IMAGE_COLLECTIONS = '"/usr/share/ansible/collections"'


def build_tarball(output):
    """The collection tarball, built from the repository as a release is."""
    output.mkdir(parents=True, exist_ok=True)
    return build_collection(REPO, output)


def create_context(ee_dir, definition, context):
    """`ansible-builder create` of an EE definition: the Containerfile and its _build/ directory."""
    completed = subprocess.run(
        [tool("ansible-builder"), "create", "-f", definition, "--context", str(context)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
        cwd=str(ee_dir),
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return next(path for path in context.iterdir() if path.name in ("Containerfile", "Dockerfile"))


def run_install_step(containerfile, collections, home, cli_options=""):
    """The Containerfile's collection install step, as the image build runs it (in /build, a copy of
    _build/), installing into `collections` instead of /usr/share/ansible/collections."""
    steps = [line for line in containerfile.read_text(encoding="utf-8").splitlines() if "ansible-galaxy collection install" in line]
    assert len(steps) == 1 and steps[0].startswith("RUN "), steps
    assert IMAGE_COLLECTIONS in steps[0], steps[0]
    command = steps[0][len("RUN ") :].replace(IMAGE_COLLECTIONS, shlex.quote(str(collections)))
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "PYTHONPATH")))
    env.update(HOME=str(home), ANSIBLE_GALAXY_CLI_COLLECTION_OPTS=cli_options)
    return subprocess.run(
        ["bash", "-c", command], cwd=str(containerfile.parent / "_build"), env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )


def installed_version(collections):
    manifest = collections / "ansible_collections" / "docbits" / "infor" / "MANIFEST.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]["version"]


class GalaxyV3Handler(http.server.BaseHTTPRequestHandler):
    """The part of the Galaxy / Automation Hub v3 API that `ansible-galaxy collection install` reads."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        server = self.server
        server.requested.append(self.path)
        base = "http://%s:%d" % server.server_address[:2]
        collection = "/api/v3/collections/docbits/infor/"
        path = self.path.split("?", 1)[0]
        if path == "/api/":
            self.answer({"available_versions": {"v3": "v3/"}})
        elif path == collection:
            self.answer(
                {"namespace": "docbits", "name": "infor", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z", "href": collection}
            )
        elif path == collection + "versions/":
            versions = [{"version": version, "href": "%sversions/%s/" % (collection, version)} for version in server.versions]
            self.answer({"meta": {"count": len(versions)}, "links": {"next": None}, "data": versions})
        elif path.startswith(collection + "versions/") and server.tarball is not None and path.endswith("/%s/" % server.version):
            self.answer(
                {
                    "namespace": {"name": "docbits"},
                    "collection": {"name": "infor"},
                    "version": server.version,
                    "href": path,
                    "download_url": "%s/download/%s" % (base, server.tarball.name),
                    "artifact": {"sha256": hashlib.sha256(server.tarball.read_bytes()).hexdigest()},
                    "metadata": {"dependencies": {}},
                    "signatures": [],
                }
            )
        elif server.tarball is not None and path == "/download/" + server.tarball.name:
            self.answer(server.tarball.read_bytes(), content_type="application/gzip")
        else:
            self.send_error(404)

    def answer(self, body, content_type="application/json"):
        payload = json.dumps(body).encode("utf-8") if content_type == "application/json" else body
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the test asserts on `requested`."""


class GalaxyV3Server(http.server.ThreadingHTTPServer):
    """Offers `versions` of docbits.infor, `tarball` being `version`; records the paths requested."""

    def __init__(self, versions, tarball, version):
        super().__init__(("127.0.0.1", 0), GalaxyV3Handler)
        self.versions, self.tarball, self.version = versions, tarball, version
        self.requested = []


@contextlib.contextmanager
def galaxy_server(versions, tarball=None, version=None):
    """A Galaxy v3 API on 127.0.0.1 (an ephemeral port), stopped on leaving."""
    server = GalaxyV3Server(versions, tarball, version)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_execution_environment_from_galaxy_installs_the_release(tmp_path):
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    tarball = build_tarball(tmp_path / "dist")
    containerfile = create_context(REPO / "ee", "execution-environment.yml", tmp_path / "context")
    requirements = yaml.safe_load((tmp_path / "context" / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert [collection["name"] for collection in requirements["collections"]] == ["docbits.infor"]

    # Galaxy (or Automation Hub, --server) offering the release and an older one: the release is installed.
    with galaxy_server(["0.2.0", version], tarball, version) as galaxy:
        completed = run_install_step(containerfile, tmp_path / "installed", tmp_path / "home", "--server=http://127.0.0.1:%d/api/" % galaxy.server_address[1])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert installed_version(tmp_path / "installed") == version
    assert "/download/%s" % tarball.name in galaxy.requested

    # Only a pre-1.0.0 version on the server: the requirement refuses it.
    with galaxy_server(["0.2.0"]) as galaxy:
        refused = run_install_step(containerfile, tmp_path / "refused", tmp_path / "home", "--server=http://127.0.0.1:%d/api/" % galaxy.server_address[1])
    assert refused.returncode != 0
    assert "docbits.infor" in refused.stderr and ">=1.0.0" in refused.stderr, refused.stderr
    assert not (tmp_path / "refused" / "ansible_collections" / "docbits" / "infor").exists()


def test_execution_environment_from_a_tarball_in_the_build_context(tmp_path):
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    ee_dir = tmp_path / "ee"
    shutil.copytree(REPO / "ee", ee_dir)
    # As README says: ansible-galaxy collection build --output-path ee/
    tarball = build_tarball(ee_dir)
    definition = yaml.safe_load((ee_dir / "execution-environment-tarball.yml").read_text(encoding="utf-8"))
    assert [entry["src"] for entry in definition["additional_build_files"]] == [
        tarball.name
    ], "ee/execution-environment-tarball.yml must copy the tarball of galaxy.yml's version"

    containerfile = create_context(ee_dir, "execution-environment-tarball.yml", tmp_path / "context")
    assert (tmp_path / "context" / "_build" / "collections" / tarball.name).is_file()
    completed = run_install_step(containerfile, tmp_path / "installed", tmp_path / "home")

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert installed_version(tmp_path / "installed") == version
    assert (tmp_path / "installed" / "ansible_collections" / "docbits" / "infor" / "LICENSE").is_file()


def test_install_from_git_as_readme_says(tmp_path):
    """`ansible-galaxy collection install git+...` of this repository (its committed HEAD, over file://):
    the collection is built from the clone with galaxy.yml's build_ignore."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=str(REPO), capture_output=True, text=True, timeout=RUN_TIMEOUT, check=True).stdout.strip()
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "PYTHONPATH")))
    env["HOME"] = str(tmp_path / "home")

    completed = subprocess.run(
        [tool("ansible-galaxy"), "collection", "install", "git+file://%s/.git,%s" % (REPO, commit), "-p", str(tmp_path / "collections")],
        env=env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    installed = tmp_path / "collections" / "ansible_collections" / "docbits" / "infor"
    version = str(yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"])
    assert installed_version(tmp_path / "collections") == version
    assert (installed / "LICENSE").is_file() and (installed / "plugins" / "modules" / "ionapi.py").is_file()
    assert not (installed / "tests").exists() and not (installed / "inventories" / "demo").exists()


def documented_options(module):
    """The options a module's own DOCUMENTATION lists (doc fragments aside)."""
    tree = ast.parse((REPO / "plugins" / "modules" / ("%s.py" % module)).read_text(encoding="utf-8"))
    documentation = next(node.value.value for node in tree.body if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ["DOCUMENTATION"])
    return sorted(yaml.safe_load(documentation)["options"])


def checkout_environment(home):
    """A person's shell in a fresh clone after `make venv`: the virtualenv's tools, no Ansible variable."""
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("ANSIBLE_", "PYTHONPATH")))
    env.update(HOME=str(home), PATH=os.pathsep.join((os.path.dirname(tool("ansible-doc")), "/usr/bin", "/bin")))
    return env


def test_checkout_tools_find_the_collection_without_variables(tmp_path):
    options = documented_options("ionapi")
    assert "state" in options

    doc = run_tool([tool("ansible-doc"), "docbits.infor.ionapi"], cwd=str(REPO), env=checkout_environment(tmp_path))

    # ansible-doc exits 0 on "not found" too: the docs themselves must be there.
    assert doc.returncode == 0, doc.stdout + doc.stderr
    assert "not found" not in doc.stderr, doc.stderr
    assert "MODULE docbits.infor.ionapi" in doc.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")
    assert [option for option in options if option not in doc.stdout] == []

    validate = run_tool(
        [
            tool("ansible-playbook"),
            "-i",
            "inventories/demo/hosts.yml",
            "playbooks/validate_ionapi.yml",
            "--vault-password-file",
            "inventories/demo/vault-password.txt",
        ],
        cwd=str(REPO),
        env=checkout_environment(tmp_path),
    )

    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "couldn't resolve module" not in validate.stdout + validate.stderr
    assert re.search(r"^acme-dev\s+: ok=[1-9]\d*\s+changed=0\s+unreachable=0\s+failed=0", validate.stdout, re.MULTILINE), validate.stdout


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
