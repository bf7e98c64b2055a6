# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The base of the action plugins that run on the controller only and have no module behind them
(ionapi_inventory_check, ionapi_report): their options checked against the plugin's spec."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    """Subclasses set ARGUMENT_SPEC and implement run_checked(params, task_vars, result)."""

    TRANSFERS_FILES = False
    _requires_connection = False
    ARGUMENT_SPEC = {}

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        params = self.validate_argument_spec(self.ARGUMENT_SPEC)[1]
        return self.run_checked(params, task_vars or {}, result)

    def run_checked(self, params, task_vars, result):
        raise NotImplementedError
