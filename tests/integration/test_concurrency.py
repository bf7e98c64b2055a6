# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs converge: two ansible-playbook runs started together (with latency), and a run killed with
SIGKILL in the middle of a create, leave no tenant stuck; the next run collapses exact duplicates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time

import pytest

from ansible_collections.docbits.infor.tests.support.docbits_lab import PLAYBOOKS, RUN_TIMEOUT, find_leaks, tool

PROVISION = "provision_ionapi.yml"
TENANTS = 20
LATENCY = 0.2
MEETING_TIMEOUT = 60
# Longer than a list may wait at the meeting: a list its run gave up and retried would meet its own retry.
RUN_TIMEOUT_ARGS = ("-e", "docbits_timeout=%d" % (2 * MEETING_TIMEOUT))


def infor_exports(env):
    return [config for config in env.stored_configs() if config["export_method"].startswith("infor-")]


def start(lab, name, *args):
    """ansible-playbook against the lab's inventory (written beforehand), in its own process group; not waited for."""
    record_file = lab.directory / ("results-%s.json" % name)
    argv = [tool("ansible-playbook"), "-i", str(lab.inventory), str(PLAYBOOKS / PROVISION)] + list(args)
    return subprocess.Popen(
        argv,
        cwd=str(lab.directory),
        env=lab.environment(record_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def meet_at_the_first_list(lab):
    """Each tenant's first list of each run is answered only once both runs have asked (or after MEETING_TIMEOUT):
    on a 2-core machine two ansible-playbook start-ups can be seconds apart, and the runs must truly overlap.
    Returns a set that collects, as the runs go, the tenants whose first lists did not meet: one host's requests
    in a run are sequential, so only two runs listing at once meet, and runs made one after the other never do."""
    lock, barriers, seen, missed = threading.Lock(), {}, {}, set()
    names = dict((env.api_key, name) for name, env in lab.envs.items())
    dispatch = lab.sim.dispatch

    def meeting(req):
        if req.path.endswith("/get_configurations"):
            key = req.headers.get("X-API-KEY")
            with lock:
                seen[key] = seen.get(key, 0) + 1
                barrier = barriers.setdefault(key, threading.Barrier(2, timeout=MEETING_TIMEOUT)) if seen[key] <= 2 else None
            if barrier is not None:
                try:
                    barrier.wait()
                except threading.BrokenBarrierError:
                    with lock:
                        missed.add(names.get(key, "an unknown key"))
        return dispatch(req)

    lab.sim.dispatch = meeting
    return missed


def creates(env):
    return [entry for entry in env.writes() if entry["path"].endswith("/configure_infor_export")]


def finish(lab, process):
    output, _unused = process.communicate(timeout=RUN_TIMEOUT)
    assert find_leaks(output, lab.secret_values) == []
    return process.returncode, output


@pytest.mark.parametrize("answer_id", ["data", None], ids=["create-answers-the-id", "create-answers-no-id"])
def test_two_runs_at_once_leave_duplicates_that_the_next_run_collapses(lab_factory, answer_id):
    lab = lab_factory(dict(("t%02d" % index, "ACME_T%02d" % index) for index in range(TENANTS)))
    # Without an id the read back lists again, and the same run sees (and collapses) the other run's twin.
    lab.sim.configure_answer_id = answer_id
    lab.write_inventory()
    lab.sim.add_fault(path="*", delay=LATENCY, times=None)
    missed = meet_at_the_first_list(lab)

    args = ("--forks", str(TENANTS)) + RUN_TIMEOUT_ARGS
    first, second = start(lab, "first", *args), start(lab, "second", *args)
    outcomes = [finish(lab, first), finish(lab, second)]

    # Either run may find the other's configuration first; neither fails a tenant for it.
    assert [rc for rc, _output in outcomes] == [0, 0], outcomes
    assert missed == set(), "the runs did not list these tenants at the same time: %s" % sorted(missed)
    # Both runs found no configuration, so each created one: the duplicates the runs must then converge.
    assert dict((name, len(creates(env))) for name, env in lab.envs.items()) == dict((name, 2) for name in lab.envs)
    left = sum(len(infor_exports(env)) - 1 for env in lab.envs.values())
    oldest = dict((name, min(config["id"] for config in infor_exports(env))) for name, env in lab.envs.items())
    for env in lab.envs.values():
        for config in infor_exports(env):
            assert json.loads(config["files"]["ION_API"]) == env.credentials
    lab.sim.clear_faults()

    run = lab.run(PROVISION, "--forks", str(TENANTS))

    assert run.rc == 0, run
    remaining = sum(len(infor_exports(env)) - 1 for env in lab.envs.values())
    removed = sum(1 for host in lab.envs for entry in run.result("ionapi", host)["result"]["configurations"] if entry["action"] == "remove duplicate")
    print("configure answer id %s: duplicates left by two runs at once: %d over %d tenants; after the next run: %d" % (answer_id, left, TENANTS, remaining))
    assert remaining == 0 and removed == left
    if answer_id is None:
        # The read back listed again: each run saw the other's twin and kept the older one at once.
        assert left == 0
    for name, env in lab.envs.items():
        [kept] = infor_exports(env)
        assert kept["id"] == oldest[name]
    again = lab.run(PROVISION)
    assert again.rc == 0 and again.changed_hosts() == [], again


def test_duplicates_are_reported_in_check_mode_and_removed_oldest_kept(lab):
    tst = lab["tst"]
    seeded = [
        lab.sim.seed(
            tst.org,
            {"title": tst.vars["docbits_export_title"], "doc_type": "INVOICE", "export_method": "infor-idm-cloud", "files": {"ION_API": tst.credentials}},
        )
        for _index in range(3)
    ]
    lab.sim.reset_stats()

    checked = lab.run(PROVISION, "--check", "--limit", "tst")

    checked.assert_recap(tst={"changed": 1, "failed": 0})
    assert tst.writes() == [] and len(tst.stored_configs()) == 3
    actions = [(entry["id"], entry["action"]) for entry in checked.result("ionapi", "tst")["result"]["configurations"]]
    assert actions == [(seeded[0], "none"), (seeded[1], "remove duplicate"), (seeded[2], "remove duplicate")]

    run = lab.run(PROVISION, "--limit", "tst")

    run.assert_recap(tst={"changed": 1, "failed": 0})
    assert [config["id"] for config in tst.stored_configs()] == [seeded[0]]


def test_a_run_killed_mid_create_is_converged_by_the_next_run(lab):
    tst = lab["tst"]
    lab.write_inventory()
    # The create is applied, then its answer takes long: the run is killed while it waits.
    lab.sim.add_fault(path="/configurations/configure_infor_export", delay=30, after_apply=True, times=1)
    process = start(lab, "killed", "--limit", "tst")
    deadline = time.monotonic() + 60
    while not tst.stored_configs() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tst.stored_configs(), "the create never reached DocBits"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    lab.sim.clear_faults()

    run = lab.run(PROVISION, "--limit", "tst")

    assert run.rc == 0, run
    [config] = tst.stored_configs()
    assert json.loads(config["files"]["ION_API"]) == tst.credentials
    again = lab.run(PROVISION, "--limit", "tst")
    again.assert_recap(tst={"changed": 0, "failed": 0})


def test_killed_create_and_an_immediate_rerun_converge(lab):
    """A CI retry: the killed run's create lands while the re-run creates too; the run after collapses them."""
    tst = lab["tst"]
    lab.write_inventory()
    lab.sim.add_fault(path="/configurations/configure_infor_export", delay=2, after_apply=True, times=1)
    killed = start(lab, "killed", "--limit", "tst")
    rerun = start(lab, "rerun", "--limit", "tst")
    time.sleep(0.5)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    rc, output = finish(lab, rerun)
    assert rc == 0, output

    run = lab.run(PROVISION, "--limit", "tst")

    assert run.rc == 0, run
    [config] = infor_exports(tst)
    assert json.loads(config["files"]["ION_API"]) == tst.credentials
