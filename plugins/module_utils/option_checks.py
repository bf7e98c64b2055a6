# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Checks of the connection options (base URL, credentials, timeout, retries, CA bundle), made
before any request; each error names the option and the rule, never the value."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
from urllib.parse import urlsplit

from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError, printable, punycode
from ansible_collections.docbits.infor.plugins.module_utils.urls import clear_text_problem

# Bounds of the transport options, checked before any request: a timeout past what the system's
# clock functions take failed deep inside them, and every retry costs up to a timeout more.
TIMEOUT_BOUNDS = (1, 3600)
RETRIES_BOUNDS = (0, 10)


def has_whitespace_or_control(text):
    # Every whitespace character but the space is unprintable (Python's isprintable): two C-speed passes.
    return " " in text or not text.isprintable()


def check_url(url, option):
    """A base URL option: absolute http(s), no credentials, whitespace, control characters, query or
    fragment, and https unless it is this machine. The value is never echoed: it may carry a password."""
    url = url or ""
    if has_whitespace_or_control(url):
        raise OptionError("%s must not contain whitespace or control characters (line breaks, tabs): remove them" % option)
    parts = urlsplit(url)
    if "@" in parts.netloc or "@" in url.split("/")[0]:
        raise OptionError("%s must not carry credentials; use api_key" % option)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(
            "%s must be an absolute http(s) URL such as https://api.docbits.com (got %s)"
            % (option, "an empty value" if not url else "scheme '%s'" % printable(parts.scheme) if parts.scheme else "no scheme")
        )
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise OptionError("%s has a port that is not a number from 0 to 65535" % option)
    if not parts.hostname.isascii():
        raise OptionError(
            "%s: the host '%s' (punycode %s) is not plain ASCII: a letter that only looks like a Latin one, such as a "
            "Cyrillic \\u043e for o? Real DocBits hosts are plain ASCII: type the URL again" % (option, printable(parts.hostname), punycode(parts.hostname))
        )
    if parts.query or parts.fragment:
        raise OptionError("%s must be a base URL without query or fragment" % option)
    problem = clear_text_problem(url)
    if problem:
        raise OptionError("%s: %s" % (option, problem))


# Compiled at import: the controller imports this once, then forks a worker per host.
BEARER_PREFIX = re.compile(r"(?i)\s*bearer\s")


def check_credential(value, option, what):
    """An API key or token: printable ASCII without whitespace or control characters.

    The value is never echoed, not even escaped: its hints come from its shape alone."""
    if value is None:
        return
    if not value.strip():
        raise OptionError("%s is empty; set it to the %s" % (option, what))
    if BEARER_PREFIX.match(value):
        raise OptionError("%s starts with 'Bearer ': paste the key alone, the collection adds what DocBits needs" % option)
    stripped = value.rstrip("\r\n")
    if stripped != value and not has_whitespace_or_control(stripped) and stripped.isascii():
        raise OptionError("%s ends with a line break: a YAML block scalar '|' adds one (use '|-'), or strip the value where it is stored" % option)
    if has_whitespace_or_control(value) or not value.isascii():
        raise OptionError("%s contains whitespace, control or non-ASCII characters: paste the %s alone, exactly as it was shown" % (option, what))


def check_bounds(value, option, bounds, unit):
    """An integer option within `bounds` (both included), else OptionError naming the option and its bounds."""
    low, high = bounds
    if not low <= value <= high:
        raise OptionError("%s is %d: it must be from %d to %d %s" % (option, value, low, high, unit))


def check_transport(params):
    """The transport options of a task (timeout, retries, ca_path), refused before any request."""
    check_bounds(params["timeout"], "timeout", TIMEOUT_BOUNDS, "seconds")
    if params.get("retries") is not None:
        check_bounds(params["retries"], "retries", RETRIES_BOUNDS, "retries")
    if params.get("ca_path") and not os.path.isfile(params["ca_path"]):
        raise OptionError("ca_path '%s': no such file (a PEM bundle of certificate authorities)" % printable(params["ca_path"]))
