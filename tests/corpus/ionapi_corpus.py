# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The .ionapi corpus (tests/corpus/ionapi/): files modelled on real downloads and on every kind of wrong file,
with their expected verdicts in expected.yml. Shared by the unit and the integration tests."""

from __future__ import annotations

import json
import os
import re

import yaml

CORPUS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ionapi")
MANIFEST = os.path.join(CORPUS_DIR, "expected.yml")
# A leaked fragment this long of a random secret cannot be a coincidence (as in the integration lab).
LEAK_WINDOW = 16
# Keys whose values are secrets: the .ionapi ones and the private parts of a JWK or PEM key file.
SECRET_VALUE = re.compile(r'"(cs|saak|sask|d|p|q|dp|dq|qi|privateKey|private_key)"\s*:\s*("(?:[^"\\]|\\.)*")', re.DOTALL)


class Case:
    """One corpus file: its bytes as given to the parser, and what expected.yml says of it."""

    def __init__(self, name, expected):
        self.name = name
        self.expected = expected
        with open(os.path.join(CORPUS_DIR, name), "rb") as handle:
            data = handle.read()
        data = data.replace(b"\n", b"\r\n") if expected.get("crlf") else data
        self.data = b"\xef\xbb\xbf" + data if expected.get("bom") else data

    def __repr__(self):
        return self.name

    @property
    def verdict(self):
        return self.expected["verdict"]

    @property
    def rule(self):
        return self.expected.get("rule")

    @property
    def key(self):
        return self.expected.get("key")

    @property
    def warnings(self):
        return self.expected.get("warnings") or []

    @property
    def expected_tenant(self):
        return self.expected.get("expected_tenant")

    def secrets(self):
        """Every secret value of the file worth looking for in output: generated pieces of LEAK_WINDOW characters or more."""
        text = self.data.decode("utf-8", "replace") if not self.data.startswith(b"\xff\xfe") else self.data.decode("utf-16")
        values = []
        for key, quoted in SECRET_VALUE.findall(text):
            try:
                value = json.loads(quoted)
            except ValueError:
                value = quoted.strip('"')
            values.append(value.split("#", 1)[-1] if key == "saak" else value)
        if self.name.endswith(".csv"):
            values.extend(field.split("#", 1)[-1] for line in text.splitlines()[1:] for field in line.split(","))
        pieces = (piece for value in values for piece in re.split(r"[\s*]+", value))
        return sorted(set(piece for piece in pieces if len(piece) >= LEAK_WINDOW and _generated(piece)))


def _generated(text):
    """Random-looking, as the fake secrets are; template words such as 'your-service-account-key' are no secret."""
    return any(char.isupper() for char in text) and any(char.islower() for char in text) and any(char.isdigit() for char in text)


def load_cases():
    with open(MANIFEST, encoding="utf-8") as handle:
        manifest = yaml.safe_load(handle)
    return [Case(name, expected) for name, expected in manifest.items()]


def corpus_files():
    return sorted(name for name in os.listdir(CORPUS_DIR) if name != os.path.basename(MANIFEST))


def find_numbered_leaks(text, secrets):
    """Which secrets (or LEAK_WINDOW-long fragments of them) appear in `text`: their positions, never the values."""
    leaks = []
    for number, secret in enumerate(secrets):
        windows = [secret[start : start + LEAK_WINDOW] for start in range(len(secret) - LEAK_WINDOW + 1)]
        if any(window in text for window in windows):
            leaks.append("secret #%d" % number)
    return leaks
