# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make bench` keeps working: its quick mode runs every scenario once, and what it counts holds.

No time is asserted here (timing is the benchmark's business); only the outcomes the harness
checks and the request and write counts it reports."""

from __future__ import annotations

import json
import subprocess
import sys

from ansible_collections.docbits.infor.tests.support.docbits_lab import REPO, RUN_TIMEOUT

QUICK_SIZE = 20


def test_quick_benchmark_runs_every_scenario_and_counts_requests(tmp_path):
    output = tmp_path / "bench.json"

    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--output", str(output)],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=4 * RUN_TIMEOUT, check=False, stdin=subprocess.DEVNULL,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    size = json.loads(output.read_text(encoding="utf-8"))["sizes"][0]
    assert size["size"] == QUICK_SIZE
    summary = size["summary"]
    assert set(summary) == {"collection_first", "collection_rerun", "plain_first", "plain_rerun", "floor"}
    assert summary["collection_first"]["writes"] == QUICK_SIZE and summary["plain_first"]["writes"] == QUICK_SIZE
    assert summary["collection_rerun"]["writes"] == 0 and summary["plain_rerun"]["writes"] == 0
    assert summary["collection_rerun"]["max_requests_per_tenant"] == 2
    assert summary["floor"]["requests_per_tenant"] == 0
    assert "Targets (issues 4 and 15)" in completed.stdout
    assert "at most 2 HTTP requests per unchanged tenant: 2, met" in completed.stdout


def test_latency_mode_delays_every_answer_and_reports_the_rerun_against_its_limit(tmp_path):
    output = tmp_path / "bench.json"
    latency_ms = 50

    completed = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--latency", str(latency_ms), "--forks", "10",
         "--scenarios", "collection_first,collection_rerun,floor", "--output", str(output)],
        cwd=str(tmp_path), capture_output=True, text=True, timeout=4 * RUN_TIMEOUT, check=False, stdin=subprocess.DEVNULL,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    size = json.loads(output.read_text(encoding="utf-8"))["sizes"][0]
    summary = size["summary"]
    assert size["latency_ms"] == latency_ms
    assert size["latency_limit_wall_s"] == round(summary["floor"]["wall_s"] + QUICK_SIZE * 2 * latency_ms / 1000.0 / 10, 3)
    assert size["ratios"]["collection_rerun_over_latency_limit_wall"] == round(summary["collection_rerun"]["wall_s"] / size["latency_limit_wall_s"], 2)
    # Two requests per tenant, each at least latency_ms late, 10 at a time: the re-run cannot beat that.
    assert summary["collection_rerun"]["wall_s"] >= QUICK_SIZE * 2 * latency_ms / 1000.0 / 10
    assert summary["collection_rerun"]["max_requests_per_tenant"] == 2 and summary["collection_rerun"]["writes"] == 0
    assert "re-run/limit" in completed.stdout
