#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ionapi_inventory_check
short_description: Check the DocBits environments of a run together, once, before any of them is provisioned
version_added: 1.2.0
description:
  - Looks at every environment (inventory host) of the run at once, on the controller, for the mistakes no task of a single
    environment can see. Run it once per run (C(run_once=true)) before the environments' tasks; every playbook of the
    collection and the main entry point of the role P(docbits.infor.ionapi#role) do.
  - With O(group), fails when the run has no host in that group, naming it, instead of a run that checks nothing and passes.
  - Warns once, naming each variable set for an environment that looks like one of the collection's (a C(docbits_),
    C(ionapi_) or C(infor_) name it does not read, or one a small edit away from one it reads) and the name meant; such a
    variable is not read, so its option gets its default.
  - Warns once about the environments that get the default DocBits URL (no C(docbits_url), no C(DOCBITS_URL)).
  - Finds the environments that would write to the same DocBits configuration in this run (same base URL, same organisation,
    that is the same C(docbits_org_id) or, without one, the same API key, same sub-organisation, and a shared document type,
    configuration id or V(all)). M(docbits.infor.ionapi) then fails each of them before any request, naming the others,
    while the other environments proceed. API keys are compared by their SHA-256 digest; only host names and messages are
    kept, in the run's local temporary directory.
  - Reads the variables the module options come from through O(option_variables), as the other modules of the collection.
author:
  - docbits.infor maintainers (@docbits-infor)
options:
  group:
    description:
      - The inventory group whose hosts of the run are the environments; the task fails when none of them is in the run.
      - Unset, the hosts of the play are the environments and an empty play is not checked.
    type: str
  option_variables:
    description:
      - The mapping of module options to inventory variables (as in M(docbits.infor.ionapi)), or the name of a variable
        holding it; the role passes C(ionapi_option_variables).
      - Unset, C(ionapi_option_variables), which the collection's plugins know without the role (the mapping of the
        role's C(vars/main.yml), unless the host sets a variable of that name, as for the other modules), so a play
        needs neither the role nor a copy of the mapping for this check.
      - Its variables are the names the collection reads; those of C(docbits_url), C(api_key), C(org_id), C(sub_org_id),
        C(doc_type), C(doc_types) and C(config_id) say where each environment writes.
    type: raw
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - docbits.infor.attributes.controller
  - docbits.infor.attributes
attributes:
  check_mode:
    details: Reads the inventory only; it behaves the same in check mode.
notes:
  - Cost in a bulk run - one task on one host, reading each environment's variables once.
"""

EXAMPLES = r"""
- name: Provision my environments with my own play
  hosts: docbits_environments
  gather_facts: false
  tasks:
    - name: Check the environments of the run together, once
      docbits.infor.ionapi_inventory_check:
        group: docbits_environments
        option_variables: &docbits_variables
          src: ionapi_file
          src_dir: docbits_files_dir
          expected_tenant: infor_tenant
          docbits_url: docbits_url
          api_key: docbits_api_key
          org_id: docbits_org_id
      run_once: true
      delegate_to: localhost

    - name: Make DocBits carry the .ionapi file
      docbits.infor.ionapi:
        option_variables: *docbits_variables
      delegate_to: localhost
"""

RETURN = r"""
environments:
  description: Number of environments checked.
  returned: success
  type: int
  sample: 6
unknown_variables:
  description: The variables that look like the collection's but are not read, with the name meant (or null) and where they are set.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "docbits_urll", "meant": "docbits_url", "hosts": ["acme-prd"]}]
default_url:
  description: The environments that get the default DocBits URL.
  returned: success
  type: list
  elements: str
  sample: ["acme-dev"]
shared_configuration:
  description: The environments refused because they would write to the same DocBits configuration as another one of the run.
  returned: success
  type: list
  elements: str
  sample: ["acme-prd", "acme-tst"]
"""
