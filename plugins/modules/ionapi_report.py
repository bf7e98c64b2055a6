#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi_report
short_description: Write a JSON and Markdown report of a run over many DocBits environments
version_added: 1.0.0
description:
  - Gathers the result that M(docbits.infor.ionapi) registered for every environment (inventory host)
    of the play and writes one report, with per environment the Infor tenant, the export configuration id,
    the fingerprints of the stored file before and after, the status and, for a failed environment, its
    error.
  - Environments whose task never ran (a later batch under C(serial), or a host that failed earlier) are
    listed as V(not run), so the report always covers every environment.
  - Runs on the controller only (action plugin); it writes local files and never contacts DocBits.
  - The report holds no secret, since the results it reads hold none (files are named by fingerprint).
  - Every text from DocBits, a file or the inventory is shown with control, invisible and non-ASCII characters
    escaped (C(\u0422)), in the table, the Markdown and the JSON.
author:
  - docbits.infor maintainers (@docbits-infor)
options:
  json_path:
    description:
      - Where to write the report as JSON (parent directories are created).
      - Files are written beside the target, then renamed over it, with mode 0666 less the umask. A target that is a
        symbolic link is never followed nor replaced (an error).
      - Without O(json_path) and O(markdown_path) nothing is written; the report is only returned.
    type: path
  markdown_path:
    description:
      - Where to write the report as a Markdown table (parent directories are created).
    type: path
  kind:
    description:
      - V(provision) reports what the task did (V(changed), V(unchanged), V(failed), V(not run)); in check mode
        (C(--check)) the report says so in its title and C(check_mode), counts V(would change), and its table says
        V(would create), V(would update) or V(would delete).
      - V(rotation) is V(provision) in the words of a rotation (title C(.ionapi rotation); V(rotated), V(installed),
        V(already current)), with the connection test DocBits ran (V(connected), V(not connected), V(test unavailable)
        when DocBits could not run it and the new file stands, V(not run)).
      - V(audit) reports a check-mode run as drift (V(dead), V(in sync), V(differs), V(no configuration),
        V(failed), V(not run)); V(dead) environments (a stored file that gets no token, with
        C(check_stored_token)) come first. Per Infor export it says V(in sync), V(another file) (a stale
        copy), V(differs), V(duplicate), V(no configuration) or V(dead).
      - V(info) reports the M(docbits.infor.ionapi_info) result of each environment, per Infor export the stored
        file's fingerprint and whether it is the environment's own file (which the result carries); per environment
        V(in sync), V(another file), V(no configuration), V(not compared) (no own file), V(failed) or V(not run).
      - V(check) reports a read-only check per environment, such as M(docbits.infor.ionapi_validate)
        (V(ok), V(failed), V(not run)).
      - In every kind, failed (and dead) environments come first and are named in the header.
    type: str
    choices: [provision, rotation, audit, info, check]
    default: provision
  hosts:
    description:
      - The environments to report on, in this order.
      - Default is every host of the play (C(ansible_play_hosts_all)), failed ones included.
    type: list
    elements: str
  result_var:
    description:
      - Name of the variable in which each environment registered its M(docbits.infor.ionapi) result.
    type: str
    default: docbits_ionapi_result
  tenant_var:
    description:
      - Name of the inventory variable holding each environment's Infor tenant, shown for an environment
        whose result does not name one (a failed or skipped environment).
    type: str
    default: infor_tenant
    version_added: 1.0.0
  show_table:
    description:
      - Print the run as one table in the output, whatever the verbosity and the stdout callback, before any
        file is written, with per environment its tenant, action or status, the fingerprints (shortened), the token
        check (V(ok), V(failed) and why, V(not run)), the connection test when one ran, and the error, whole.
        Failed environments come first and are named in the header (the first few, then a count).
      - Under C(serial) (the task's C(register) tells it which environments earlier batches reported), each batch
        prints its own environments, and the last batch adds a line with the whole run's counts.
    type: bool
    default: true
    version_added: 1.0.0
  defer_write_errors:
    description:
      - When a report file cannot be written, do not fail the task (which would fail every environment of a
        C(run_once) task), but warn and return the errors in RV(write_errors), for a later task to fail the run
        once (see playbooks/report_written.yml).
    type: bool
    default: false
    version_added: 1.2.0
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - docbits.infor.attributes.controller
  - docbits.infor.attributes
attributes:
  check_mode:
    details: Says whether a file would change and writes nothing; set C(check_mode=false) on the task to write the report of a check-mode run.
notes:
  - Put it in the C(always) section of the block that registers the results, with C(run_once), so that it
    runs once and also when environments failed (see playbooks/provision_ionapi.yml).
"""

EXAMPLES = r"""
- name: Provision, then report on every environment, failed ones included
  hosts: docbits_environments
  gather_facts: false
  tasks:
    - name: Provision and report
      block:
        # The role registers each environment's result as docbits_ionapi_result, the report's default result_var.
        - name: Make DocBits carry the .ionapi file
          ansible.builtin.include_role:
            name: docbits.infor.ionapi
      always:
        - name: Write the run summary
          docbits.infor.ionapi_report:
            json_path: reports/ionapi-summary.json
            markdown_path: reports/ionapi-summary.md
          run_once: true
          delegate_to: localhost
          check_mode: false
          changed_when: false
"""

RETURN = r"""
totals:
  description: Number of environments per status.
  returned: always
  type: dict
  sample: {"changed": 2, "unchanged": 197, "failed": 1, "not run": 0}
check_mode:
  description: Whether the run was a dry run (C(--check)); always true for O(kind=audit).
  returned: always
  type: bool
  sample: false
  version_added: 1.2.0
write_errors:
  description: Why a report file could not be written (with O(defer_write_errors); otherwise the task fails with them).
  returned: always
  type: list
  elements: str
  sample: ["cannot write the report reports/ionapi-summary.json: Permission denied"]
  version_added: 1.2.0
by_status:
  description: The environments of each status that has any.
  returned: always
  type: dict
  sample: {"unchanged": ["acme-dev", "acme-tst"], "failed": ["acme-prd"]}
environments:
  description: Number of environments reported.
  returned: always
  type: int
  sample: 200
rows:
  description: One entry per environment, as written to the JSON report.
  returned: always
  type: list
  elements: dict
  contains:
    environment:
      description: The inventory host.
      type: str
      sample: acme-tst
    tenant:
      description: The Infor tenant of the environment.
      type: str
      sample: ACME_TST
    config_id:
      description: Id of the Infor export configuration.
      type: int
      sample: 117
    fingerprint_before:
      description: Fingerprint of the file DocBits stored before the run (null when none).
      type: str
      sample: sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071
    fingerprint_after:
      description: Fingerprint of the file DocBits stores after the run (null when failed, removed or not run).
      type: str
      sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
    desired_fingerprint:
      description: Fingerprint of the environment's own .ionapi file.
      type: str
      sample: sha256:5d41402abc4b2a76b9719d911017c592ae2f5e0f9a3c1c5b6e5c2f0d8b7d1e3a
    status:
      description: The environment's status (see O(kind)).
      type: str
      sample: unchanged
    action:
      description: What the task did or would do (V(none), V(create), V(update), V(delete)).
      type: str
      sample: none
    changes:
      description: What differed.
      type: list
      elements: str
      sample: [ion_api]
    token_check:
      description: How the file's token check went, V(ok), V(ok (not revoked)), V(failed) and why, or V(not run).
      type: str
      sample: failed (invalid_client)
      version_added: 1.0.0
    connection_test:
      description:
        - DocBits' test of the uploaded file (O(kind=provision) or O(kind=rotation)), V(connected), V(not connected),
          V(test unavailable) (DocBits could not run it; the upload stands) or V(not run).
      type: str
      sample: connected
      version_added: 1.2.0
    note:
      description: What is left to do for an environment that did not fail (a connection test DocBits could not run).
      type: str
      version_added: 1.2.0
    error:
      description: The error of a failed (or dead) environment.
      type: str
      sample: "DocBits refused the API key for environment 'acme-tst' (HTTP 401 ...)"
    configurations:
      description:
        - Per Infor export configuration of the environment (also a second table in the Markdown) - C(id),
          C(doc_type), C(export_method), C(fingerprint_before), C(fingerprint_after), C(action), C(status),
          C(liveness) (V(alive), C(dead) and the reason, or null) and the C(fix) of a dead one.
        - With O(kind=info) - C(id), C(doc_type), C(export_method), C(title), C(is_active), C(fingerprint) of the stored
          file, C(is_local_file) and C(status) (V(local file), V(another file), V(no file), V(not compared)).
      type: list
      elements: dict
      sample: [{"id": 117, "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "action": "none", "status": "dead",
                "liveness": "dead: invalid_grant", "fix": "the service account is disabled (or deleted) ...",
                "fingerprint_before": "sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071",
                "fingerprint_after": "sha256:0b3e4c1f6a0f4d7e8a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"}]
      version_added: 1.0.0
table:
  description: The lines of the table printed with O(show_table) (under C(serial), this batch's).
  returned: always
  type: list
  elements: str
  version_added: 1.0.0
json_path:
  description: The JSON report's path, as given.
  returned: when O(json_path) is set
  type: str
markdown_path:
  description: The Markdown report's path, as given.
  returned: when O(markdown_path) is set
  type: str
"""
