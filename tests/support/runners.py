# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's shared runners as a test sees them from outside (plugins/plugin_utils/shared_runner.py),
and waiting for what they do in their own time."""

from __future__ import annotations

import os
import time


def shared_runners(under):
    """{pid: run directory} of the shared runners whose run directory is `under` or below it."""
    prefix = os.fsencode(str(under))
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                arguments = handle.read().split(b"\0")
        except OSError:
            continue
        # python -m ansible_collections.docbits.infor.plugins.plugin_utils.shared_runner RUN_DIR RUN_PID LOCK_FD
        module = next((index for index, argument in enumerate(arguments) if argument.endswith(b".shared_runner")), None)
        if module is None or module + 1 >= len(arguments):
            continue
        run_dir = arguments[module + 1]
        if run_dir == prefix or run_dir.startswith(prefix + b"/"):
            found[int(entry)] = os.fsdecode(run_dir)
    return found


def wait_until(condition, seconds=10):
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, "still not so after %s s" % seconds
        time.sleep(0.05)
