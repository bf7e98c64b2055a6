# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.docbits.infor.plugins.module_utils.arguments import VALIDATE_ARGUMENTS
from ansible_collections.docbits.infor.plugins.plugin_utils.action import DocBitsAction


class ActionModule(DocBitsAction):

    MODULE = "docbits.infor.ionapi_validate"
    ARGUMENTS = VALIDATE_ARGUMENTS
    READS_SOURCE_WHEN_ABSENT = False
