# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""The one base of every failure this collection reports to a user."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


class DocBitsInforError(Exception):
    """A failure whose message is meant for the user and holds no secret."""


class RelayedFailure(DocBitsInforError):
    """A failure another process reported (the module on a target, the shared runner), as it reported it:
    its message (already secret-free), its rule and key, and `kind`, how the action plugin words it
    (plugin_utils/shared_runner.failure_kind; None: as it is)."""

    def __init__(self, message, kind=None, rule=None, key=None):
        super().__init__(message)
        self.kind = kind
        self.rule = rule
        self.key = key


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


# The dots IDNA separates labels with: a host written with U+3002 is resolved as one written with '.'.
IDNA_DOTS = re.compile("[.\u3002\uff0e\uff61]")


def punycode(host):
    """The ASCII form of a host name as DNS resolves it (IDNA: labels xn--, look-alike dots as dots): two hosts
    that look alike differ here."""
    return ".".join(_ascii_label(label) for label in IDNA_DOTS.split(host))


def _ascii_label(label):
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        # Beyond IDNA's rules (a label of 64 characters or more, a prohibited character): its punycode all the same.
        return "xn--" + label.lower().encode("punycode").decode("ascii")
