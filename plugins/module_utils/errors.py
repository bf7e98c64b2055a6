# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one base of every failure this collection reports to a user."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class DocBitsInforError(Exception):
    """A failure whose message is meant for the user and holds no secret."""


class OptionError(DocBitsInforError):
    """A task option is unusable; the message names the option."""
