# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.runner import run_ionapi
from ansible_collections.docbits.infor.plugins.plugin_utils.action import DocBitsAction
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache


class ActionModule(DocBitsAction):

    MODULE = "docbits.infor.ionapi"
    ARGUMENTS = IONAPI_ARGUMENTS
    WRITES = True

    def run_local(self, params, controller_file, task_vars):
        return run_ionapi(
            params,
            check_mode=bool(self._task.check_mode),
            controller_file=controller_file,
            # The live contract is read once per DocBits URL per run, whichever host gets there first.
            run_cache=RunCache(),
        )
