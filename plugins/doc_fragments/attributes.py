# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Every module of the collection runs through an action plugin on the controller; each module
    # states its own check_mode and diff_mode support, or takes them from READ_ONLY or CONTROLLER. With
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

    # The modules that run once per run on the controller, over the environments of the run, and never
    # contact DocBits (each adds its own check_mode details). Listed before docbits.infor.attributes:
    # of two fragments giving the same attribute, the one listed first is kept.
    CONTROLLER = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
    details: Runs on the controller.
seealso:
  - module: docbits.infor.ionapi
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

    # The modules that only read: DocBits, a file or the inventory.
    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
"""
