# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Errors in the user's words: a user sets inventory variables (docbits_api_key), the modules speak
of their options (api_key). When an option's value came from a variable, its messages name both."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable


def in_user_words(message, sources):
    """`message` with each option that took its value from a variable named as "variable (option name)".

    sources: {option: variable}. Quoted names (the argument spec's "argument 'timeout'") lose their quotes.
    """
    renames = dict((option, "%s (option %s)" % (variable, option)) for option, variable in sources.items() if option != variable)
    if not renames:
        return message
    words = re.compile(r"(?<![\w.'/-])(%s)(?![\w'/-])" % "|".join(re.escape(option) for option in sorted(renames, key=len, reverse=True)))
    parts = []
    # Quoted text is a value (a path, a tenant) and stays as it is, unless it is an option's name alone.
    for part in re.split(r"('[^']*')", message):
        if part.startswith("'") and part.endswith("'") and len(part) > 1:
            parts.append(renames.get(part[1:-1], part))
        else:
            parts.append(words.sub(lambda match: renames[match.group(1)], part))
    return "".join(parts)


def path_hint(url, sources):
    """For a 404 at a base URL that carries a path: what to try."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path:
        return ""
    name = sources.get("docbits_url", "docbits_url")
    # Never the user info a URL may carry.
    bare = "%s://%s" % (parts.scheme, parts.hostname + (":%d" % parts.port if parts.port else ""))
    return "; %s carries the path %s, and every request path is appended to it: unless your DocBits serves its API under %s, set %s to the bare %s" % (
        name,
        printable(path),
        printable(path),
        name,
        printable(bare),
    )


def files_dir_hint(params, sources):
    """For a relative src not found: where docbits_files_dir (or the file itself) was taken from."""
    src, files_dir = params.get("src"), params.get("src_dir")
    if not src or os.path.isabs(src):
        return ""
    src_name = sources.get("src", "src")
    if files_dir:
        dir_name = sources.get("src_dir", "src_dir")
        if os.path.isabs(files_dir):
            return " (%s %s under %s %s)" % (src_name, printable(src), dir_name, printable(files_dir))
        return (
            " (%s %s under %s %s, which is relative to the directory ansible-playbook started in, %s: start it in "
            "your project's root, or make %s absolute)" % (src_name, printable(src), dir_name, printable(files_dir), printable(os.getcwd()), dir_name)
        )
    return (
        " (%s %s is relative and no docbits_files_dir is set, so it was looked for in the playbook's files/ "
        "directory and beside the playbook; set docbits_files_dir to the folder of the .ionapi files)" % (src_name, printable(src))
    )
