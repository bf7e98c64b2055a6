#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi
short_description: Keep a DocBits tenant's Infor export configuration carrying an .ionapi file
version_added: 1.0.0
description:
  - Makes the Infor export configurations of a DocBits organisation (those of O(doc_type), or of every type in
    O(doc_types), in O(sub_org_id)) carry exactly the given Infor ION API credentials file, with the given attributes.
  - The file is validated first (see M(docbits.infor.ionapi_validate)); an invalid file or a tenant mismatch fails before
    any request is sent.
  - The current state is read (one list, and one download per Infor export configuration in scope). A configuration is
    written only when its stored file, compared as parsed JSON, or an attribute differs, and a write is read back before
    it counts as done.
  - Several Infor exports of one document type (an execution order, e.g. IDM then ION) all get the file; O(title) and
    O(export_method) are applied only where the task owns exactly one configuration, or to the ones created; a
    configuration is never restyled on a guess. Exports of other methods (webhook, SFTP...) are never touched.
  - Exact duplicates (same document type, sub-organisation, export method, title and file, left by runs at once or an
    interrupted create) are collapsed to the oldest (lowest id); the removal is reported as a change (in check mode only reported).
  - With O(state=absent) the configuration is removed.
  - With O(check_token), once the new file is proven and in place (never in check mode), the credentials DocBits stored
    before are tried too (a token, revoked at once). RV(retire) says what changed (a new secret, a new service account,
    another app, another tenant), what to retire in Infor ION API, which no public API does, and whether the old
    credentials still get a token.
  - Runs on the controller when the task's connection is C(local) (the usual case, and the fastest); otherwise the
    module runs on the target host with the file content, so DocBits is reached from there.
author:
  - docbits.infor maintainers (@docbits-infor)
extends_documentation_fragment:
  - docbits.infor.source
  - docbits.infor.connection
  - docbits.infor.connection.export
  - docbits.infor.token
  - docbits.infor.variables
  - ansible.builtin.action_common_attributes
  - docbits.infor.attributes
  - docbits.infor.attributes.action_group
attributes:
  check_mode:
    support: full
    details: Reads DocBits and reports what would change; writes nothing.
  diff_mode:
    support: full
    details: Before and after of the configuration and of the file, with C(cs), C(saak) and C(sask) replaced by fingerprints.
options:
  state:
    description:
      - V(present) uploads the file when needed; V(absent) removes the Infor export configuration.
    type: str
    choices: [present, absent]
    default: present
  title:
    description:
      - Title of the export configuration. When unset, an existing title is kept and a new configuration is named after
        the authorized app (C(cn)).
    type: str
  export_method:
    description:
      - The Infor export method of the configuration.
      - A configuration the task creates gets C(infor-idm-cloud) when this is not set.
      - An existing configuration keeps its own method unless this is set and the task owns exactly one configuration.
        An update changes the file and what the task sets, nothing else.
    type: str
    choices:
      - infor-idm-cloud
      - infor-ion-cloud
      - infor-bod-cloud
      - infor-ln-cloud
      - infor-m3-cloud
      - infor-m3-toml-cloud
      - infor-idm-onpremise
      - infor-ion-onpremise
      - infor-bod-onpremise
  config_id:
    description:
      - Id of the configuration to manage, when finding it by O(doc_type) and O(sub_org_id) is not wanted or ambiguous.
    type: int
  doc_types:
    description:
      - Document types whose Infor export configurations all carry the file, or V(all) for every document type that has
        an Infor export in the organisation (or in O(sub_org_id)). A listed type without one gets one, with
        O(export_method) and O(title); V(all) in an organisation without any Infor export creates one of O(doc_type).
      - Unset, the configurations of O(doc_type) alone. Only with O(state=present).
    type: list
    elements: str
    version_added: 1.0.0
  active:
    description:
      - V(true) or V(false) switches the Infor export configuration(s) in scope on or off
        (C(update_configuration_visibility)); DocBits exports only through active ones. Unset leaves them as they are.
      - With O(verify_connection), a failed test switches them back too.
    type: bool
    version_added: 1.0.0
  check_stored_token:
    description:
      - Before anything is written, prove each file DocBits stores (downloaded, held in memory only) with a token request
        to Infor (the password grant DocBits uses, then revoked; the token is never shown), once per distinct stored file
        per playbook run. Each configuration in RV(configurations) gets its C(liveness).
      - A dead stored file that stays (always in check mode) fails the task with the reason and the fix
        (C(invalid_client), the app's secret changed or the app was deleted; C(invalid_grant), the service account is
        disabled), so a scheduled audit alerts. The result keeps its configurations for the run report.
      - O(validate_certs), O(ca_path) and O(timeout) apply to Infor's token endpoint too.
    type: bool
    default: false
    version_added: 1.0.0
  verify_connection:
    description:
      - After an upload, ask DocBits to test its connection to Infor with the stored file (C(test_infor_connection)).
      - When DocBits cannot connect, the tenant is rolled back, and the task fails saying so. An updated configuration
        gets back the file it stored before the upload (downloaded before the write) and its previous title and export
        method, then is read back; a configuration created by this task is removed. So a rotation never leaves a tenant
        with a dead file. When the rollback itself fails, the task fails naming both fingerprints.
      - Every configuration the task wrote is tested, and on any failure every one of them is rolled back (all or nothing).
        A previous file that does not parse as an C(.ionapi) file is never put back; the task then fails saying which
        file the configuration carries.
      - Only DocBits' answer that Infor refused the file is a "no". When the test cannot run (no answer after O(retries),
        or an HTTP error of this endpoint, which the public API does not declare), nothing is rolled back and the upload
        stands, RV(verification.available) is false, and a warning says to test the connection in DocBits.
      - Nothing is tested when nothing was uploaded (an unchanged tenant still costs two requests), nor in check mode.
      - Use it with O(check_token), which proves the file before the upload; this proves it as DocBits sees it.
    type: bool
    default: false
    version_added: 1.0.0
  contract_check:
    description:
      - Before the first write to a DocBits base URL in a playbook run, read its live C(/openapi.json) (with the key) and
        check that it declares the operations this task will send (path, method, content type, fields, their types,
        query parameters, the C(ion_api) file part).
      - The document is read at most once per base URL per playbook run, whichever environment writes first; an
        unchanged environment writes nothing and sends no extra request. Nothing is read in check mode.
      - When the live API lacks what the task cannot do without (an operation, the C(ion_api) file part, C(config_id),
        a field it requires), the task fails before any write with a table of the operation, what the collection
        sends, what the live API declares and the constant to change in C(plugins/module_utils/docbits_api.py).
      - An attribute the live API does not declare (for example C(export_method), C(sub_org_id), C(org_id)) earns a
        warning, once per URL (DocBits will ignore it).
      - V(auto) warns once and goes on when the document cannot be read (HTTP 401, 403, 404, an HTML page, not JSON);
        V(strict) fails then, before any write; V(off) reads nothing.
    type: str
    choices: [auto, strict, "off"]
    default: auto
    version_added: 1.0.0
  concurrency_limit:
    description:
      - At most this many hosts of the playbook run talk to DocBits at once. A host that finds every slot taken waits
        for one of them (the same one for a given worker process, without polling). V(0) is no limit.
      - From 0 to 1000; a value outside fails the task before any request.
      - Held by the action plugin on the controller, from before the first request until the last, with a lock file
        per slot in the run's temporary directory; the kernel frees the slot of a worker that dies. Like the C(throttle)
        keyword, without templating a keyword per host; the role P(docbits.infor.ionapi#role) maps C(docbits_throttle) here.
    type: int
    default: 0
    version_added: 1.1.0
notes:
  - O(src) or O(content) is required with O(state=present).
  - With O(state=absent), when several different Infor export configurations match O(doc_type) and O(sub_org_id), the
    only active one is removed; if that is still ambiguous the task fails and lists the candidate ids.
  - A file of another authorized app (a new C(ci)) uploaded to an C(infor-ion-*) or C(infor-bod-*) export earns a
    warning; ION's connection point is bound to the old client id and must follow.
seealso:
  - module: docbits.infor.ionapi_validate
  - module: docbits.infor.ionapi_info
"""

EXAMPLES = r"""
# The layout of the collection's README: the inventory in inventories/mine/, the .ionapi files in
# credentials/mine/ (docbits_files_dir), each environment's key in vault_docbits_api_key.
- name: Upload the TST credentials to the TST tenant
  docbits.infor.ionapi:
    src: credentials/mine/docbits-tst.ionapi
    expected_tenant: ACME_TST
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ vault_docbits_api_key }}"
    doc_type: INVOICE
    title: Infor IDM export (TST)
  delegate_to: localhost

- name: Drive it from inventory variables, one host per environment
  docbits.infor.ionapi:
    src: "{{ ionapi_file }}"
    src_dir: "{{ docbits_files_dir }}"
    expected_tenant: "{{ infor_tenant }}"
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ docbits_api_key }}"
    org_id: "{{ docbits_org_id | default(omit) }}"
  delegate_to: localhost

- name: Options from the host's variables, resolved on the controller (what the role docbits.infor.ionapi does)
  docbits.infor.ionapi:
    option_variables:
      expected_tenant: {variable: infor_tenant, required: true}
      src: ionapi_file
      src_dir: docbits_files_dir
      # or the file's text, from a secret store's lookup; never both
      content: {variable: ionapi_content, text: true}
      docbits_url: docbits_url
      api_key: docbits_api_key
      org_id: docbits_org_id
      doc_types: [docbits_doc_types, my_default_doc_types]
  delegate_to: localhost

# The file's text from a lookup instead of a file, never printed: a secret store's lookup such as
# community.hashi_vault.vault_kv2_get works the same (README, "Credentials from a secret store").
- name: The file's text from a lookup
  docbits.infor.ionapi:
    content: "{{ lookup('ansible.builtin.unvault', 'credentials/mine/docbits-tst.ionapi') }}"
    expected_tenant: ACME_TST
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ vault_docbits_api_key }}"
  delegate_to: localhost

# Tasks of the same file and organisation: the options they share given once, by module_defaults.
- name: Every Infor export of the organisation
  module_defaults:
    docbits.infor.ionapi:
      src: credentials/mine/docbits-tst.ionapi
      expected_tenant: ACME_TST
      docbits_url: "{{ docbits_url }}"
      api_key: "{{ vault_docbits_api_key }}"
      doc_types: all
  block:
    - name: Every Infor export of the organisation carries the file, all switched on
      docbits.infor.ionapi:
        active: true
      delegate_to: localhost

    - name: Audit, writing nothing, whether the files DocBits stores still get a token
      docbits.infor.ionapi:
        check_stored_token: true
      check_mode: true
      delegate_to: localhost

- name: Remove the Infor export configuration of a sub-organisation
  docbits.infor.ionapi:
    state: absent
    sub_org_id: "42"
    docbits_url: "{{ docbits_url }}"
    api_key: "{{ vault_docbits_api_key }}"
  delegate_to: localhost
"""

RETURN = r"""
docbits_url_default:
  description:
    - V(true) when neither the task, its variables nor C(DOCBITS_URL) gave a O(docbits_url), so the default
      U(https://api.docbits.com) (production, Europe) was used; a warning says so too.
  returned: when the default URL was used
  type: bool
  sample: true
  version_added: 1.2.0
rule:
  description:
    - On failure, the stable id of the rule broken, so that a pipeline can act on it; the file's rules of
      M(docbits.infor.ionapi_validate), or V(shared-configuration) for an environment that the run's
      M(docbits.infor.ionapi_inventory_check) found writing to the same DocBits configuration as another one of the
      run (nothing was sent; the message names the others).
  returned: failure, when the refusal has a rule id
  type: str
  sample: shared-configuration
  version_added: 1.2.0
config_id:
  description:
    - Id of the export configuration that carries the file (null when one would be created in check mode).
    - With several, the first of O(doc_type) (else the first); RV(configurations) lists them all.
  returned: always
  type: int
  sample: 117
fingerprint:
  description: Fingerprint of the desired file (SHA-256 of its canonical JSON form).
  returned: always
  type: str
  sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
previous_fingerprint:
  description: Fingerprint of the file the configuration of RV(config_id) stored before this task, null when it stored none.
  returned: always
  type: str
  sample: sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071
tenant:
  description: The Infor tenant (C(ti)) of the file.
  returned: when O(state=present)
  type: str
  sample: ACME_TST
app_name:
  description: The authorized app name (C(cn)) of the file.
  returned: when O(state=present)
  type: str
  sample: DocBits_TST
action:
  description: What was (or in check mode would be) done.
  returned: always
  type: str
  choices: [none, create, update, delete]
  sample: update
token_check:
  description: With O(check_token), how the file got its token; never the token.
  returned: when O(check_token=true)
  type: dict
  sample: {"token_endpoint": "https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_TST/as/token.oauth2", "client_auth": "body",
           "scopes": [], "token_type": "Bearer", "expires_in": 7200, "refresh_token_issued": true, "tenant_claim": "matched",
           "revoked": true}
retire:
  description:
    - With O(check_token), what the rotation leaves to retire in Infor, which no public API does; never a secret, the app
      name and a fingerprint of the client id at most.
    - C(change) is V(new_secret) (Smooth Reset Secret; the old secret works up to 7 days unless revoked),
      V(new_service_account) (a download with Create Service Account; the old account works until disabled),
      V(new_secret_and_service_account), V(new_app), V(other_tenant), V(none) (the same credentials) or V(unknown)
      (DocBits stored no credentials object); the most telling one among the files DocBits stored.
    - C(actions), what to do, in order; empty when the old credentials already get no token.
    - C(old_credentials_live) is V(true) when Infor still issued a token for the old credentials (revoked at once),
      V(false) when it refused them (C(invalid_client), C(invalid_grant)), null when not tried (check mode, nothing
      changed) or Infor's answer did not tell.
    - C(old_files), one per distinct file DocBits stored (C(fingerprint), C(tenant), C(app_name), C(client_id) fingerprint,
      C(change), C(live), C(message), C(actions)); C(summary), one line for the run report.
  returned: when O(check_token=true) and a configuration stored a file
  type: dict
  version_added: 1.2.0
  sample: {"change": "new_secret", "old_credentials_live": true,
           "actions": ["Revoke Old Secret of DocBits_TST (client sha256:01dd8d8d38c8) in Infor ION API (Authorized Apps)"],
           "summary": "new secret: Revoke Old Secret of DocBits_TST (client sha256:01dd8d8d38c8); old credentials still live",
           "old_files": [{"fingerprint": "sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
                          "tenant": "ACME_TST", "app_name": "DocBits_TST", "client_id": "sha256:01dd8d8d38c8", "change": "new_secret",
                          "live": true, "message": "the old credentials still get a token (revoked at once)",
                          "actions": ["Revoke Old Secret of DocBits_TST (client sha256:01dd8d8d38c8) in Infor ION API (Authorized Apps)"]}]}
verification:
  description: With O(verify_connection), what DocBits said when it tested the uploaded file, per configuration written.
  returned: when O(verify_connection=true) and the file was uploaded
  type: dict
  sample: {"available": true, "connected": true, "message": "Connection OK",
           "configurations": [{"id": 117, "connected": true, "message": "Connection OK"}]}
  contains:
    available:
      description: Whether the test could run; false when DocBits gave no answer or an HTTP error (the upload then stands).
      type: bool
      version_added: 1.2.0
    connected:
      description: Whether DocBits connected to Infor with the file; null when the test could not run.
      type: bool
    message:
      description: What DocBits said, secret-free (why the test could not run, when it could not).
      type: str
    configurations:
      description: The test of each configuration written (C(id), C(connected), C(message)).
      type: list
      elements: dict
configurations:
  description:
    - Every Infor export configuration the task owns, with what was (in check mode, would be) done to it and why.
    - C(liveness) with O(check_stored_token) (C(alive), C(reason), C(fix), C(message); never the token).
  returned: always
  type: list
  elements: dict
  version_added: 1.0.0
  sample: [{"id": 117, "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "title": "DocBits_PRD", "sub_org_id": null,
            "is_active": true, "fingerprint_before": "sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
            "fingerprint_after": "sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a", "action": "update",
            "changes": ["ion_api"], "reasons": ["stores another file (sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071)"],
            "duplicate_of": null}]
changes:
  description:
    - What differed in any configuration, among V(configuration), V(ion_api), V(title), V(export_method), V(doc_type),
      V(sub_org_id), V(is_active), V(duplicate) (an exact duplicate removed).
  returned: always
  type: list
  elements: str
  sample: [ion_api]
"""

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.module_entry import run_module
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_ionapi


def main():
    run_module(IONAPI_ARGUMENTS, lambda module: run_ionapi(module.params, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
