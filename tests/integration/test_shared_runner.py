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
from ansible_collections.docbits.infor.tests.support.docbits_lab import PLAYBOOKS, random_token
from ansible_collections.docbits.infor.tests.support.runners import shared_runners, wait_until

PROVISION = "provision_ionapi.yml"
SIX = dict(("env%d" % index, "ACME%d_TST" % index) for index in range(6))


class RunnerWatch:
    """The shared runners of a lab's runs seen while they go on: {pid: run directory}."""

    def __init__(self, lab):
        # The lab's ANSIBLE_LOCAL_TEMP, where its runs have their directories.
        self.local_temp = lab.directory / "ansible-local"
        self.seen = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def scan(self):
        return shared_runners(self.local_temp)

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


# The provisioning, then one environment again with a key DocBits refuses: by then the runner listens.
AGAIN_WITH_A_REFUSED_KEY = """
- ansible.builtin.import_playbook: %s
- name: Provision env0 again with another key
  hosts: env0
  gather_facts: false
  vars:
    docbits_api_key: "{{ refused_api_key }}"
  tasks:
    - name: Make DocBits carry the .ionapi file with the refused key
      docbits.infor.ionapi:
        option_variables: ionapi_option_variables
      delegate_to: localhost
"""


def test_a_failure_in_the_runner_reads_as_in_the_worker(lab_factory):
    lab = lab_factory(SIX)
    wrong_key = "dbk_" + random_token(40)
    lab.remember_secret("env0 refused api key", wrong_key)
    lab["env0"].vars["refused_api_key"] = wrong_key
    playbook = lab.directory / "again.yml"
    playbook.write_text(AGAIN_WITH_A_REFUSED_KEY % (PLAYBOOKS / PROVISION), encoding="utf-8")
    with RunnerWatch(lab) as watch:
        run = lab.run(playbook)

    assert run.rc == 2, run
    assert len(watch.seen) == 1, watch.seen
    first, again = run.results("ionapi", "env0")
    assert first["result"]["changed"] and not first["result"].get("failed")
    message = again["result"]["msg"]
    # Named as the inventory names it: the action plugin's words, whichever process did the job.
    assert "DocBits refused the API key for environment 'env0' (HTTP 401" in message, message
    assert "check docbits_api_key (option api_key)" in message, message
