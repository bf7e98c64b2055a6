# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Secrets out of every text the transport reports: in every form they may take there."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import re
from urllib.parse import quote, quote_plus

from ansible_collections.docbits.infor.plugins.module_utils.errors import printable

EXCERPT_CHARS = 160
REDACTED = "<redacted>"
# Pieces of a secret split at whitespace that are this long are redacted on their own.
SECRET_PIECE_CHARS = 8
MARKUP_TAG = re.compile(r"<[^>]*>")


def secret_forms(secret):
    """Every form in which `secret` may show up in text: as is, stripped, escaped (repr, JSON,
    printable), URL- or form-encoded, base64, and its longer pieces when it holds whitespace."""
    forms = set(
        (
            secret,
            secret.strip(),
            quote(secret, safe=""),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
            repr(secret)[1:-1],
            secret.encode("unicode_escape").decode("ascii"),
            printable(secret),
        )
    )
    encoded = secret.encode("utf-8")
    for b64 in (base64.b64encode(encoded), base64.urlsafe_b64encode(encoded)):
        forms.update((b64.decode("ascii"), b64.decode("ascii").rstrip("=")))
    forms.update(piece for piece in re.split(r"[\s\x00-\x1f\x7f]+", secret) if len(piece) >= SECRET_PIECE_CHARS)
    return set(form for form in forms if form)


def redact(text, secrets):
    """`text` with every form of every secret replaced by <redacted>."""
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(secret_forms(secret))
    # Longest first: a shorter form inside a longer one must not leave the rest of it behind.
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


def excerpt(text, secrets, limit=EXCERPT_CHARS):
    """A short, one-line, printable and secret-free excerpt of untrusted text (markup tags dropped)."""
    text = MARKUP_TAG.sub(" ", text or "")
    text = " ".join(redact(text, secrets).split())
    # Escaping may form another encoding of a secret: redact once more.
    text = redact(printable(text), secrets)
    return text[:limit] + ("..." if len(text) > limit else "")
