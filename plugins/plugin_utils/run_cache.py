# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""What the hosts of one ansible-playbook run share: verdicts computed once (RunCache) and slots
that bound how many hosts talk to DocBits at once (RunSlots).

The strategy forks a worker for each host's task, so nothing in memory is shared between hosts.
Ansible's per-run local temp directory is: the main process creates it before forking and
removes it when it exits; callers pass it (C.DEFAULT_LOCAL_TMP), so that the shared runner,
which never loads Ansible's configuration, uses the same one. A lock file per key lets the first
worker (or runner thread) compute a verdict while the others wait for it, then read it; a lock
file per slot lets a worker hold that slot.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os


class RunCache:
    """`once(namespace, key, compute)`: compute() runs once per run and key; its value must be
    JSON-serialisable and secret-free (it is written to disk). Keys are stored hashed."""

    def __init__(self, directory):
        self.directory = directory

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


class RunSlots:
    """`held()`: at most `size` workers of the run inside it at once. A worker that finds every slot
    taken waits, without polling, for one of them (chosen by its pid, so waiting workers spread
    over the slots). The kernel releases a slot whose worker dies."""

    def __init__(self, size, directory):
        self.size = size
        self.directory = directory

    @contextlib.contextmanager
    def held(self):
        paths = [os.path.join(self.directory, "docbits-infor-slot-%d.lock" % index) for index in range(self.size)]
        # Each worker starts at, and if need be waits for, the slot its pid picks.
        first = os.getpid() % self.size
        order = paths[first:] + paths[:first]
        handle = None
        try:
            for path in order:
                candidate = open(path, "a", encoding="utf-8")
                try:
                    fcntl.flock(candidate, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BaseException as exc:
                    candidate.close()
                    if isinstance(exc, BlockingIOError):
                        continue
                    raise
                handle = candidate
                break
            if handle is None:
                handle = open(order[0], "a", encoding="utf-8")
                fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            if handle is not None:
                handle.close()


SHARED_TARGETS = "docbits-infor-shared-targets.json"


def record_shared_targets(verdicts, directory):
    """Leave {host: message} of the environments that share a DocBits configuration for this run's
    ionapi tasks (plugins/action/ionapi_inventory_check.py decides; host names and messages only)."""
    path = os.path.join(directory, SHARED_TARGETS)
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump(verdicts, handle)
    os.replace(partial, path)


def shared_target(host, directory):
    """The message refusing `host` when this run's inventory check found it shares a configuration, else None."""
    try:
        with open(os.path.join(directory, SHARED_TARGETS), encoding="utf-8") as handle:
            return json.load(handle).get(host)
    except FileNotFoundError:
        return None
