# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Every module of the collection runs through an action plugin on the controller; each module
    # still states its own check_mode and diff_mode support (and may override platform).
    DOCUMENTATION = r"""
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
"""

    # The modules that talk to DocBits share their connection options through module_defaults.
    ACTION_GROUP = r"""
attributes:
  action_group:
    support: full
    membership:
      - docbits.infor.docbits
"""
