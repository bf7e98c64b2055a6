# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one base of every failure this collection reports to a user."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class DocBitsInforError(Exception):
    """A failure whose message is meant for the user and holds no secret."""


def failure_details(exc):
    """The stable rule id (and key) a refusal carries, for the failed result: a pipeline can act on them."""
    return dict((name, getattr(exc, name)) for name in ("rule", "key") if getattr(exc, name, None))


class OptionError(DocBitsInforError):
    """A task option is unusable; the message names the option."""


def printable(text):
    """`text` safe to show: control, bidi and other invisible format characters as \\uXXXX escapes.

    A tenant id carrying U+202E would otherwise reorder the message it appears in.
    """
    text = text if isinstance(text, str) else str(text)
    return "".join(
        char if char.isprintable() or char == " " else ("\\u%04x" % ord(char) if ord(char) <= 0xFFFF else "\\U%08x" % ord(char))
        for char in text)
