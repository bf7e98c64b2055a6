# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only connection: the local connection under another name.

The collection's action plugins run their logic in-process only for the C(local) transport;
with this one they take the remote path, so AnsiballZ ships the module and runs it for real.
"""

from __future__ import annotations

DOCUMENTATION = """
    name: loopback
    short_description: execute on the controller, but not as the local transport
    description:
        - The local connection plugin with O(transport=loopback), so that action plugins treat the
          host as remote and ship their module to it (test use only).
    author: docbits.infor contributors
    options:
        become_success_timeout:
            type: int
            default: 10
            description:
                - Number of seconds to wait for become to succeed when enabled.
            vars:
                - name: ansible_local_become_success_timeout
        become_strip_preamble:
            type: bool
            default: true
            description:
                - Strip internal become output preceding command execution.
            vars:
                - name: ansible_local_become_strip_preamble
    extends_documentation_fragment:
        - connection_pipelining
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    """Runs commands locally while reporting a transport other than C(local)."""

    transport = "loopback"
