# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  src:
    description:
      - Path of the C(.ionapi) file on the controller. Ansible Vault encrypted files are decrypted transparently.
      - A relative path is taken under O(src_dir) when that is set; otherwise it is searched as M(ansible.builtin.copy)
        searches its source (the role's and the playbook's C(files/) directories and the playbook's own).
      - Mutually exclusive with O(content).
    type: path
  src_dir:
    description:
      - Directory a relative O(src) is taken under (an absolute O(src) is kept as it is); a relative O(src_dir) is
        relative to the directory ansible-playbook starts in.
    type: path
    version_added: 1.1.0
  content:
    description:
      - The text of the C(.ionapi) file, for example from a secret store lookup. Never logged.
      - Mutually exclusive with O(src).
      - The role P(docbits.infor.ionapi#role) maps the inventory variable C(ionapi_content) here (never set together
        with C(ionapi_file)); its errors then name the file C(ionapi_content), otherwise C(content), never by its text.
    type: str
  expected_tenant:
    description:
      - The Infor tenant (C(ti)) this environment must use, for example V(ACME_TST).
      - A file of another tenant fails before anything is sent, so a PRD file never reaches a TST tenant.
    type: str
notes:
  - Validation is strict and offline. The file must be the download of a Backend Service authorized app with a service
    account (C(saak)/C(sask)); web application, mobile and client-credentials downloads, hand-edited or duplicate-key JSON,
    C(http://) URLs and a C(pu) without its trailing slash are refused with a message that names the file and the key.
  - Secret values (C(cs), C(saak), C(sask)) never appear in messages, results or diffs; files are compared by a SHA-256
    fingerprint of their canonical JSON form.
"""
