# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""contract.py (the pure checker) against the public 2022 document and mutations of it, and the
preflight built on it (with a client stand-in: the HTTP side is in the conformance and integration tests)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.docbits.infor.plugins.module_utils import contract, docbits_api
from ansible_collections.docbits.infor.plugins.module_utils.contract import BLOCKING, FILE, IGNORED, KNOWN_FROM_WEB_APP, Operation, Part
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import WEB_APP_ONLY as KNOWN, DocBitsError
from ansible_collections.docbits.infor.plugins.module_utils.preflight import ContractError, ContractPreflight, operations_for
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache
from ansible_collections.docbits.infor.tests.support.paths import CONTRACT_DOCUMENT

DOCUMENT_PATH = CONTRACT_DOCUMENT
CONFIGURE_BODY = "Body_infor_export_configurations_configurations_configure_infor_export_post"


@pytest.fixture
def document():
    with open(DOCUMENT_PATH, encoding="utf-8") as stream:
        return json.load(stream)


def finding_keys(findings):
    return sorted((finding.severity, finding.operation_name, finding.item, finding.constant) for finding in findings)


def configure_schema(document):
    return document["components"]["schemas"][CONFIGURE_BODY]


def test_the_public_document_and_the_client(document):
    """What the public document lacks of what the client sends: every bit of it, and nothing else."""
    findings = contract.check(document, docbits_api.OPERATIONS, KNOWN)
    org_findings = [
        (IGNORED, operation.name, item, operation.constant)
        for operation in docbits_api.OPERATIONS
        if operation is not docbits_api.OP_TEST_CONNECTION
        for item in ("header X-ORG-ID", "org_id")
    ]
    assert finding_keys(findings) == sorted(
        org_findings
        + [
            (IGNORED, "configure_infor_export", "export_method", "OP_CONFIGURE"),
            (IGNORED, "configure_infor_export", "sub_org_id", "OP_CONFIGURE"),
            (KNOWN_FROM_WEB_APP, "test_infor_connection", "operation", "PATH_TEST_CONNECTION"),
        ]
        + [(IGNORED, "configure_infor_export", name, "OP_CONFIGURE") for name in docbits_api.SENT_BACK_ONLY]
    )
    assert all(finding.known for finding in findings)


def test_without_org_and_sub_org_only_export_method_is_ignored(document):
    operations = [
        operation.without({"org_id", "X-ORG-ID", "sub_org_id"} | set(docbits_api.SENT_BACK_ONLY))
        for operation in (docbits_api.OP_LIST, docbits_api.OP_DOWNLOAD, docbits_api.OP_CONFIGURE, docbits_api.OP_REMOVE)
    ]
    assert finding_keys(contract.check(document, operations, KNOWN)) == [(IGNORED, "configure_infor_export", "export_method", "OP_CONFIGURE")]


def test_a_missing_file_part_blocks(document):
    del configure_schema(document)["properties"]["ion_api"]
    [finding] = [finding for finding in contract.check(document, [docbits_api.OP_CONFIGURE], KNOWN) if finding.severity == BLOCKING]
    assert (finding.item, finding.sends, finding.declares, finding.constant) == ("ion_api", "file part ion_api", "no such field", "OP_CONFIGURE")
    assert finding.known is False


def test_a_missing_config_id_blocks_even_though_it_is_optional(document):
    del configure_schema(document)["properties"]["config_id"]
    blocking = [finding.item for finding in contract.check(document, [docbits_api.OP_CONFIGURE], KNOWN) if finding.severity == BLOCKING]
    assert blocking == ["config_id"]


def test_a_missing_operation_blocks_unless_known_from_the_web_app(document):
    del document["paths"]["/configurations/get_configurations"]
    [finding] = contract.check(document, [docbits_api.OP_LIST], KNOWN)
    assert (finding.severity, finding.item, finding.declares, finding.constant) == (BLOCKING, "operation", "no such path", "PATH_LIST")
    [known] = contract.check(document, [docbits_api.OP_TEST_CONNECTION], KNOWN)
    assert known.severity == KNOWN_FROM_WEB_APP and known.known
    [unknown] = contract.check(document, [docbits_api.OP_TEST_CONNECTION], ())
    assert unknown.severity == BLOCKING


def test_another_method_blocks(document):
    paths = document["paths"]
    paths["/configurations/remove_configuration"] = {"delete": paths["/configurations/remove_configuration"]["post"]}
    [finding] = contract.check(document, [docbits_api.OP_REMOVE], KNOWN)
    assert (finding.severity, finding.declares) == (BLOCKING, "DELETE only")


def test_another_content_type_blocks(document):
    body = document["paths"]["/configurations/configure_infor_export"]["post"]["requestBody"]
    body["content"] = {"application/json": body["content"]["multipart/form-data"]}
    [finding] = contract.check(document, [docbits_api.OP_CONFIGURE.without({"export_method", "sub_org_id", "org_id", "X-ORG-ID"})], KNOWN)
    assert (finding.severity, finding.item, finding.sends, finding.declares) == (BLOCKING, "content type", "multipart/form-data", "application/json")


def test_a_newly_required_field_blocks(document):
    schema = configure_schema(document)
    schema["properties"]["file_manager_id"] = {"type": "integer"}
    schema["required"].append("file_manager_id")
    blocking = [(f.item, f.declares) for f in contract.check(document, [docbits_api.OP_CONFIGURE], KNOWN) if f.severity == BLOCKING]
    assert blocking == [("file_manager_id", "file_manager_id required")]


def test_a_required_field_sent_only_sometimes_blocks(document):
    configure_schema(document)["required"].append("config_id")
    blocking = [(f.item, f.sends) for f in contract.check(document, [docbits_api.OP_CONFIGURE], KNOWN) if f.severity == BLOCKING]
    assert blocking == [("config_id", "config_id only when set")]


def test_types_and_enums(document):
    configure_schema(document)["properties"]["config_id"] = {"type": "boolean"}
    document["components"]["schemas"]["DOC_TYPE"]["enum"] = ["IDM_MAPPING"]
    blocking = [
        (f.operation_name, f.item, f.declares)
        for f in contract.check(document, [docbits_api.OP_CONFIGURE, docbits_api.OP_DOWNLOAD], KNOWN)
        if f.severity == BLOCKING
    ]
    assert blocking == [("configure_infor_export", "config_id", "boolean config_id"), ("download", "type", "one of IDM_MAPPING type")]


def test_newer_fastapi_forms_are_understood(document):
    """pydantic 2 writes optional fields as anyOf with null, OpenAPI 3.1 files with contentMediaType."""
    properties = configure_schema(document)["properties"]
    properties["config_id"] = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    properties["ion_api"] = {"anyOf": [{"type": "string", "contentMediaType": "application/octet-stream"}, {"type": "null"}]}
    properties["export_method"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    document["components"]["securitySchemes"]["OrgHeader"] = {"type": "apiKey", "in": "header", "name": "X-ORG-ID"}
    assert finding_keys(contract.check(document, [docbits_api.OP_CONFIGURE.without({"org_id", "sub_org_id"} | set(docbits_api.SENT_BACK_ONLY))], KNOWN)) == []


def test_values_really_sent_are_checked_against_the_declared_types(document):
    def sent(**fields):
        return Operation(
            "configure_infor_export", "POST", "/configurations/configure_infor_export", "multipart/form-data", fields=dict(fields, ion_api=Part(FILE))
        )

    good = sent(config_id=Part(values=["12"]), on_permise=Part(values=["false"]), zugferd=Part(values=["0"]), title=Part(values=["x"]))
    assert contract.check(document, [good]) == []
    bad = sent(config_id=Part(values=["12a"]), on_permise=Part(values=["maybe"]), zugferd=Part(values=["false"]))
    assert [(f.severity, f.item) for f in contract.check(document, [bad])] == [(BLOCKING, "config_id"), (BLOCKING, "on_permise")]
    text_for_file = sent(zugferd=Part(values=["false"]), on_permise=Part(values=["false"]))
    text_for_file.fields["ion_api"] = Part(values=["{}"])
    assert [(f.item, f.declares) for f in contract.check(document, [text_for_file])] == [("ion_api", "file ion_api")]


def test_concrete_paths_match_templates(document):
    sent = Operation("download", "GET", "/configurations/download/17", query={"type": Part(values=["ION_API"])})
    assert contract.check(document, [sent]) == []
    assert contract.check(document, [Operation("download", "GET", "/configurations/download/17/x")])[0].declares == "no such path"


def test_excerpt_is_enough_for_the_check(document):
    full = copy.deepcopy(document)
    kept = contract.excerpt(document, [operation.path for operation in docbits_api.OPERATIONS])
    assert set(kept["paths"]) == {
        "/configurations/get_configurations",
        "/configurations/download/{id}",
        "/configurations/configure_infor_export",
        "/configurations/remove_configuration",
        "/configurations/update_configuration_visibility",
    }
    assert CONFIGURE_BODY in kept["components"]["schemas"] and "DOC_TYPE" in kept["components"]["schemas"]
    assert finding_keys(contract.check(kept, docbits_api.OPERATIONS, KNOWN)) == finding_keys(contract.check(full, docbits_api.OPERATIONS, KNOWN))


def test_table_rows_and_untrusted_text(document):
    document["paths"]["/configurations/remove_configuration\u202e"] = document["paths"].pop("/configurations/remove_configuration")
    configure_schema(document)["properties"]["config_id"] = {"enum": ["a\u202eb"]}
    findings = contract.check(
        document, [docbits_api.OP_LIST.without({"org_id", "X-ORG-ID"}), docbits_api.OP_REMOVE.without({"org_id", "X-ORG-ID"}), docbits_api.OP_CONFIGURE], KNOWN
    )
    lines = contract.table(findings, [docbits_api.OP_LIST.without({"org_id", "X-ORG-ID"}), docbits_api.OP_REMOVE, docbits_api.OP_CONFIGURE])
    assert [cell.strip() for cell in lines[0].split(" | ")][1:] == ["operation", "the collection sends", "the live API declares", "constant in docbits_api.py"]
    assert any(line.startswith("ok ") and "get_configurations" in line for line in lines)
    assert any(line.startswith("BLOCKING") and "PATH_REMOVE" in line for line in lines)
    assert "\u202e" not in "\n".join(lines) and "a\\u202eb" in "\n".join(lines)


def test_no_document_is_readable_unless_it_looks_like_one():
    assert contract.is_readable({"openapi": "3.1.0", "paths": {}})
    assert not contract.is_readable({"detail": "Not Found"}) and not contract.is_readable(["openapi"])


# --- the preflight ---------------------------------------------------------------------------


class StandInClient:
    """What the preflight uses of a DocBitsClient: base_url, environment and read_openapi()."""

    def __init__(self, document=None, failure=None, base_url="https://eu.api.docbits.com/prod-api"):
        self.base_url = base_url
        self.environment = "acme-tst"
        self.document = document
        self.failure = failure
        self.reads = 0

    def read_openapi(self):
        self.reads += 1
        if self.failure is not None:
            raise self.failure
        return self.document


PARAMS = {"state": "present", "org_id": None, "sub_org_id": None, "verify_connection": False}


def test_operations_follow_the_task():
    # remove_configuration: duplicates left by concurrent runs are collapsed by a provisioning task too.
    assert [op.name for op in operations_for(PARAMS)] == ["get_configurations", "download", "configure_infor_export", "remove_configuration"]
    assert [op.name for op in operations_for(dict(PARAMS, state="absent"))] == ["get_configurations", "download", "remove_configuration"]
    verified = operations_for(dict(PARAMS, verify_connection=True, active=False, org_id="7"))
    assert [op.name for op in verified][4:] == ["update_configuration_visibility", "test_infor_connection"]
    assert "org_id" in verified[0].fields and "sub_org_id" not in verified[2].fields
    assert "org_id" not in operations_for(PARAMS)[0].fields and "X-ORG-ID" not in operations_for(PARAMS)[0].headers


def test_document_read_once_per_url_and_warnings_given_once(tmp_path, document):
    cache = RunCache(str(tmp_path))
    operations = operations_for(dict(PARAMS, org_id="7"))
    first, second = StandInClient(document), StandInClient(document)
    other_url = StandInClient(document, base_url="https://us.api.docbits.com")
    preflights = [ContractPreflight(client, "auto", operations, cache) for client in (first, second, other_url)]
    for preflight in preflights:
        preflight.before_write()
        preflight.before_write()
    assert (first.reads, second.reads, other_url.reads) == (1, 0, 1)
    assert [len(preflight.warnings) for preflight in preflights] == [3, 0, 3]
    assert sorted(preflights[0].warnings) == sorted(
        [
            "the live https://eu.api.docbits.com/prod-api/openapi.json does not declare export_method (POST /configurations/configure_infor_export): "
            "DocBits will ignore it",
            "the live https://eu.api.docbits.com/prod-api/openapi.json does not declare header X-ORG-ID (POST /configurations/get_configurations, "
            "GET /configurations/download/{config_id}, POST /configurations/configure_infor_export, POST /configurations/remove_configuration): "
            "DocBits will ignore it",
            "the live https://eu.api.docbits.com/prod-api/openapi.json does not declare org_id (POST /configurations/get_configurations, "
            "GET /configurations/download/{config_id}, POST /configurations/configure_infor_export, POST /configurations/remove_configuration): "
            "DocBits will ignore it",
        ]
    )


def test_blocking_findings_stop_every_environment_with_the_table(tmp_path, document):
    del configure_schema(document)["properties"]["ion_api"]
    cache = RunCache(str(tmp_path))
    clients = [StandInClient(document), StandInClient(document)]
    for client in clients:
        with pytest.raises(ContractError) as failure:
            ContractPreflight(client, "auto", operations_for(PARAMS), cache).before_write()
        message = str(failure.value)
        assert "the live https://eu.api.docbits.com/prod-api/openapi.json (DOC2 - API 2.2.10)" in message
        assert "nothing was written" in message and "environment 'acme-tst'" in message
        assert "POST /configurations/configure_infor_export | file part ion_api" in message and "OP_CONFIGURE" in message
    assert [client.reads for client in clients] == [1, 0]


@pytest.mark.parametrize(
    "failure", [DocBitsError("DocBits answered HTTP 404 at GET /openapi.json", status=404), DocBitsError("not the JSON expected (wrong URL or a proxy?)")]
)
def test_unreadable_document_auto_warns_once_strict_fails(tmp_path, failure):
    cache = RunCache(str(tmp_path))
    preflights = [ContractPreflight(StandInClient(failure=failure), "auto", operations_for(PARAMS), cache) for _index in range(2)]
    for preflight in preflights:
        preflight.before_write()
    assert [len(preflight.warnings) for preflight in preflights] == [1, 0]
    assert "cannot be read (%s)" % failure in preflights[0].warnings[0] and "contract_check=auto goes on" in preflights[0].warnings[0]
    with pytest.raises(ContractError, match="contract_check is strict and the live .*/openapi.json cannot be read, so nothing was written"):
        ContractPreflight(StandInClient(failure=failure), "strict", operations_for(PARAMS), cache).before_write()


def test_off_reads_nothing_and_without_a_run_cache_each_task_reads(document):
    client = StandInClient(failure=AssertionError("must not be read"))
    preflight = ContractPreflight(client, "off", operations_for(PARAMS))
    preflight.before_write()
    assert client.reads == 0 and preflight.warnings == []
    on_target = [StandInClient(document) for _index in range(2)]
    for client in on_target:
        preflight = ContractPreflight(client, "auto", operations_for(PARAMS))
        # Once per task: every write after the first goes ahead unasked.
        preflight.before_write()
        preflight.before_write()
    assert [client.reads for client in on_target] == [1, 1]


def test_set_active_descriptor_matches_the_public_document(document):
    assert contract.check(document, [docbits_api.OP_SET_ACTIVE.without({"org_id", "X-ORG-ID"})], KNOWN) == []


def test_an_enumerated_export_method_must_include_the_tasks_own(document):
    configure_schema(document)["properties"]["export_method"] = {"title": "Export Method", "enum": ["infor-idm-cloud", "infor-ion-cloud"]}
    params = dict(PARAMS, export_method="infor-ion-cloud")
    assert [f.item for f in contract.check(document, operations_for(params), KNOWN)] == [], "declared, and the task's method is enumerated"
    [finding] = [f for f in contract.check(document, operations_for(dict(PARAMS, export_method="infor-m3-cloud")), KNOWN) if f.severity == BLOCKING]
    assert (finding.item, finding.sends) == ("export_method", "string export_method = infor-m3-cloud")
    # check_contract.yml checks every method the collection knows: the ones missing are named.
    [every] = [f for f in contract.check(document, [docbits_api.OP_CONFIGURE], KNOWN) if f.severity == BLOCKING]
    assert every.item == "export_method" and "infor-bod-onpremise" in every.sends
