# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Encoded forms of a secret that a leak scan looks for besides the value itself: a file's text
may leave as base64 (module payloads, multipart bodies) or hex (bytes printed)."""

from __future__ import annotations

import base64


def encoded_forms(value):
    """{form: `value` encoded}: hex, and base64 at each of the three alignments it can take inside a longer text."""
    forms = {"hex": value.encode("utf-8").hex()}
    for offset in range(3):
        # The last group depends on what follows the value: left out.
        forms["base64+%d" % offset] = base64.b64encode(value[offset:].encode("utf-8")).decode("ascii")[:-4]
    return forms


def with_encoded_forms(secrets):
    """{label: value} of `secrets`, each also in its encoded forms."""
    found = dict(secrets)
    for label, value in secrets.items():
        for form, encoded in encoded_forms(value).items():
            found["%s (%s)" % (label, form)] = encoded
    return found
