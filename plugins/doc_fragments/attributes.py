# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Every module of the collection runs through an action plugin on the controller; each module
    # still states its own check_mode and diff_mode support (and may override platform). With
    # ansible.builtin.action_common_attributes, which describes check_mode, diff_mode and platform.
    DOCUMENTATION = r"""
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
  async:
    description: Supports being used with the C(async) keyword.
    support: none
  bypass_host_loop:
    description:
      - Forces a 'global' task that does not execute per host, this bypasses per host templating and serial, throttle and
        other loop considerations.
    support: none
  platform:
    platforms: all
"""

    # The modules that talk to DocBits share their connection options through module_defaults.
    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Action is part of action_group(s), for convenient setting of module_defaults.
    support: full
    membership:
      - docbits.infor.docbits
"""
