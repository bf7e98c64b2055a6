# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""What a URL shows in a message, and where it may go: its origin, its form without user info,
whether it is this machine, and whether it would carry credentials in clear text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable

DEFAULT_PORTS = {"http": 80, "https": 443}
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host):
    host = (host or "").strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin_of(url):
    """scheme://host:port of `url`, printable; never its user, path or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return printable("%s://%s%s" % (parts.scheme, host, ":%d" % port if port else ""))


def url_shown(url):
    """`url` without its user info (scheme://host:port/path), printable: fit for a message."""
    parts = urlsplit(url)
    return printable(urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment)))


def proxy_variable(url):
    """The environment variable that names the proxy for `url`."""
    return "HTTPS_PROXY" if urlsplit(url).scheme == "https" else "HTTP_PROXY"


def clear_text_problem(url):
    """Why `url` must not be used because it is clear text off this machine, or None."""
    parts = urlsplit(url)
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return (
            "plain http:// to a host that is not this machine would carry the credentials in clear text "
            "(http:// is accepted for 127.0.0.1, ::1 and localhost only); use https://"
        )
    return None
