# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared runner in real ansible-playbook runs: one per run, gone with it, and the outcome of a
run without it (plugins/plugin_utils/shared_runner.py)."""

from __future__ import annotations

import os
import threading
import time

from ansible_collections.docbits.infor.plugins.plugin_utils.shared_runner import SWITCH, socket_directory

PROVISION = "provision_ionapi.yml"
SIX = dict(("env%d" % index, "ACME%d_TST" % index) for index in range(6))


class RunnerWatch:
    """The shared runners of a lab's runs seen while they go on: {pid: run directory}."""

    def __init__(self, lab):
        # A runner's command line names its run directory, under the lab's ANSIBLE_LOCAL_TEMP.
        self.local_temp = os.fsencode(str(lab.directory / "ansible-local"))
        self.seen = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def scan(self):
        found = {}
        for entry in os.listdir("/proc"):
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    arguments = handle.read().split(b"\0")
            except (OSError, ValueError):
                continue
            if any(argument.endswith(b"shared_runner") for argument in arguments):
                for argument in arguments:
                    if argument.startswith(self.local_temp):
                        found[int(entry)] = os.fsdecode(argument)
        return found

    def _watch(self):
        while not self._done.is_set():
            self.seen.update(self.scan())
            time.sleep(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._done.set()
        self._thread.join()


def wait_until(condition, seconds=10):
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, "still not so after %s s" % seconds
        time.sleep(0.05)


def test_a_run_shares_one_runner_which_leaves_with_it(lab_factory):
    lab = lab_factory(SIX)
    with RunnerWatch(lab) as watch:
        run = lab.run(PROVISION, "--forks", "3")

    run.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in SIX))
    assert len(watch.seen) == 1, watch.seen
    run_dir = next(iter(watch.seen.values()))
    # ansible-playbook has exited: its runner follows within moments, and takes its socket along.
    wait_until(lambda: not watch.scan())
    assert not os.path.lexists(socket_directory(run_dir))
    assert all(len(env.stored_configs()) == 1 for env in lab.envs.values())


def test_a_run_without_the_runner_converges_alike(lab_factory):
    lab = lab_factory(SIX)
    with RunnerWatch(lab) as watch:
        first = lab.run(PROVISION, "--forks", "3", env={SWITCH: "0"})
    again = lab.run(PROVISION, "--forks", "3")

    assert not watch.seen
    first.assert_recap(**dict((name, {"changed": 1, "failed": 0}) for name in SIX))
    # What one path wrote, the other reads as in sync.
    again.assert_recap(**dict((name, {"changed": 0, "failed": 0}) for name in SIX))
    assert all(len(env.stored_configs()) == 1 for env in lab.envs.values())
