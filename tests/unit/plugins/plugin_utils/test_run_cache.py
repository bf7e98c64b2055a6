# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RunCache and RunSlots: one computation per key, and at most N holders of a slot, across forked
workers, as the strategy forks them."""

from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunCache, RunSlots


def _worker(directory, key, log_path, results):
    def compute():
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("computed %s\n" % key)
        time.sleep(0.2)  # long enough for the other workers to be waiting on the lock
        return {"verdict": "ok", "key": key}

    results.put(RunCache(directory).once("preflight", key, compute))


def test_forked_workers_compute_once_per_key(tmp_path):
    log_path = str(tmp_path / "computations.log")
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(str(tmp_path), key, log_path, results))
        for key in ("https://a.example", "https://a.example", "https://b.example", "https://a.example")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    answers = sorted((results.get(timeout=5)["key"] for _worker_index in workers))
    assert answers == ["https://a.example"] * 3 + ["https://b.example"]
    with open(log_path, encoding="utf-8") as log:
        assert sorted(log.read().splitlines()) == ["computed https://a.example", "computed https://b.example"]


def test_a_failed_computation_is_not_remembered(tmp_path):
    cache = RunCache(str(tmp_path))

    def fail():
        raise RuntimeError("no answer")

    with pytest.raises(RuntimeError):
        cache.once("liveness", "sha256:abc", fail)
    assert cache.once("liveness", "sha256:abc", lambda: {"alive": True}) == {"alive": True}


def test_keys_are_stored_hashed(tmp_path):
    RunCache(str(tmp_path)).once("preflight", "https://secret-host.example/prod-api", lambda: [1])
    names = " ".join(os.listdir(str(tmp_path)))
    assert "secret-host" not in names
    assert names.count("docbits-infor-preflight-") == 2  # the verdict and its lock


def _holder(directory, size, log_path, hold_s):
    with RunSlots(size, directory).held():
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("in %f\n" % time.monotonic())
        time.sleep(hold_s)
        with open(log_path, "a", encoding="utf-8") as log:
            log.write("out %f\n" % time.monotonic())


def most_at_once(log_path):
    events = sorted((float(stamp), kind) for kind, stamp in (line.split() for line in open(log_path, encoding="utf-8")))
    inside = peak = 0
    for _stamp, kind in events:
        inside += 1 if kind == "in" else -1
        peak = max(peak, inside)
    return peak, len(events) // 2


@pytest.mark.parametrize("size", [1, 2])
def test_at_most_size_forked_workers_hold_a_slot_at_once(tmp_path, size):
    log_path = str(tmp_path / "slots.log")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_holder, args=(str(tmp_path), size, log_path, 0.15)) for _index in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0

    # Without the slots, the five workers would all be inside at once.
    assert most_at_once(log_path) == (size, 5)


def test_a_slot_of_a_worker_that_dies_is_free_again(tmp_path):
    context = multiprocessing.get_context("fork")
    killed = context.Process(target=_holder, args=(str(tmp_path), 1, str(tmp_path / "killed.log"), 60))
    killed.start()
    deadline = time.monotonic() + 10
    while not os.path.exists(str(tmp_path / "killed.log")) and time.monotonic() < deadline:
        time.sleep(0.01)
    killed.kill()
    killed.join(10)

    _holder(str(tmp_path), 1, str(tmp_path / "after.log"), 0)

    assert most_at_once(str(tmp_path / "after.log")) == (1, 1)
