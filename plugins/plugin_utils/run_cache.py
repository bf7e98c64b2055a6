# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verdicts computed once per ansible-playbook run and shared by every host of it.

The strategy forks a worker for each host's task, so nothing in memory is shared between hosts.
Ansible's per-run local temp directory is: the main process creates it before forking and
removes it when it exits. A lock file per key lets the first worker compute a verdict while the
others wait for it, then read it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os

from ansible import constants as C


class RunCache:
    """`once(namespace, key, compute)`: compute() runs once per run and key; its value must be
    JSON-serialisable and secret-free (it is written to disk). Keys are stored hashed."""

    def __init__(self, directory=None):
        self.directory = directory or C.DEFAULT_LOCAL_TMP

    def _path(self, namespace, key):
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return os.path.join(self.directory, "docbits-infor-%s-%s.json" % (namespace, digest))

    def once(self, namespace, key, compute):
        path = self._path(namespace, key)
        with open(path + ".lock", "a", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with open(path, encoding="utf-8") as handle:
                    return json.load(handle)
            except FileNotFoundError:
                pass
            # An exception leaves nothing behind: the next host computes again.
            value = compute()
            partial = path + ".partial"
            with open(partial, "w", encoding="utf-8") as handle:
                json.dump(value, handle)
            os.replace(partial, path)
            return value
