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
    """`text` safe to show: every character outside printable ASCII as a \\uXXXX escape, ASCII text unchanged.

    A tenant id carrying U+202E would otherwise reorder the message it appears in, and one with a
    Cyrillic letter (\\u0422 for T) would look the same as the real one. Escaped text is ASCII, so
    escaping it again changes nothing: reports may call this on messages that already went through it.
    """
    text = text if isinstance(text, str) else str(text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(char if " " <= char <= "~" else _escape(char) for char in text)


def _escape(char):
    code = ord(char)
    return "\\u%04x" % code if code <= 0xFFFF else "\\U%08x" % code


def punycode(host):
    """The ASCII (xn--) form of a host name, label by label, as DNS sees it: two hosts that look alike differ here."""
    return ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii") for label in host.lower().split("."))
