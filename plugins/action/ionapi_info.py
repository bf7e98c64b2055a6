# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_INFO_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_info
from ansible_collections.docbits.infor.plugins.plugin_utils.action import DocBitsAction


class ActionModule(DocBitsAction):

    MODULE = "docbits.infor.ionapi_info"
    ARGUMENTS = IONAPI_INFO_ARGUMENTS

    def run_local(self, params, data, source, read_warnings, task_vars):
        return run_info(params)
