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


def run_bench(directory, *options):
    """benchmarks/run.py with these options, started in directory."""
    return subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py")] + list(options),
        cwd=str(directory),
        capture_output=True,
        text=True,
        timeout=4 * RUN_TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_quick_benchmark_runs_every_scenario_and_counts_requests(tmp_path):
    output = tmp_path / "bench.json"

    completed = run_bench(tmp_path, "--quick", "--output", str(output))

    assert completed.returncode == 0, completed.stdout + completed.stderr
    size = json.loads(output.read_text(encoding="utf-8"))["sizes"][0]
    assert size["size"] == QUICK_SIZE
    summary = size["summary"]
    assert set(summary) == {"collection_first", "collection_rerun", "plain_first", "plain_rerun", "floor"}
    assert summary["collection_first"]["writes"] == QUICK_SIZE and summary["plain_first"]["writes"] == QUICK_SIZE
    assert summary["collection_rerun"]["writes"] == 0 and summary["plain_rerun"]["writes"] == 0
    assert summary["collection_rerun"]["max_requests_per_tenant"] == 2
    assert summary["floor"]["requests_per_tenant"] == 0
    assert "Targets (issues 4, 15 and 25)" in completed.stdout
    assert "at most 2 HTTP requests per unchanged tenant: 2, met" in completed.stdout


def test_latency_reports_every_playbook_against_its_own_limit(tmp_path):
    output = tmp_path / "bench.json"
    latency_ms = 50

    completed = run_bench(tmp_path, "--latency-mode", "--quick", "--latency", str(latency_ms), "--forks", "10", "--output", str(output))

    assert completed.returncode == 0, completed.stdout + completed.stderr
    size = json.loads(output.read_text(encoding="utf-8"))["sizes"][0]
    summary, limits = size["summary"], size["latency_limits_wall_s"]
    assert set(summary) == {"collection_first", "collection_rerun", "audit", "validate", "info", "contract", "rotate", "floor"}
    assert size["latency_ms"] == latency_ms
    # Each limit counts the requests its own playbook made: two per tenant, none offline, one for the one base URL;
    # a rotation also a token and two revocations per tenant at Infor, as late as DocBits.
    expected_requests = {
        "collection_rerun": 2 * QUICK_SIZE,
        "audit": 2 * QUICK_SIZE,
        "info": 2 * QUICK_SIZE,
        "validate": 0,
        "contract": 1,
        "rotate": 2 * QUICK_SIZE,
    }
    for name, requests in expected_requests.items():
        infor = 3 * QUICK_SIZE if name == "rotate" else 0
        assert summary[name]["requests"] == requests and summary[name]["infor_requests"] == infor, name
        assert limits[name] == round(summary["floor"]["wall_s"] + (requests + infor) * latency_ms / 1000.0 / 10, 3), name
        assert size["ratios"]["%s_over_latency_limit_wall" % name] == round(summary[name]["wall_s"] / limits[name], 2)
        assert summary[name]["writes"] == 0
    # Two requests per tenant, each at least latency_ms late, 10 at a time: the re-run cannot beat that.
    assert summary["collection_rerun"]["wall_s"] >= QUICK_SIZE * 2 * latency_ms / 1000.0 / 10
    assert "| check_contract | 1 request per distinct base URL (1) |" in completed.stdout
    assert "| validate_ionapi | no request (offline) (0) |" in completed.stdout


def test_a_missed_target_makes_the_exit_code_say_so(tmp_path):
    output = tmp_path / "bench.json"
    results = {
        "sizes": [
            {
                "size": 200,
                "forks": 20,
                "latency_ms": 100.0,
                "profile": {},
                "latency_limits_wall_s": {"validate": 4.0},
                "summary": dict(
                    (
                        name,
                        {
                            "wall_s": wall,
                            "cpu_s": wall,
                            "cpu_ms_per_host": 1.0,
                            "requests": 0,
                            "infor_requests": 0,
                            "requests_per_tenant": 0,
                            "requests_capped": False,
                            "max_requests_per_tenant": 0,
                            "writes": 0,
                            "peak_rss_mib": 60.0,
                            "output_lines": 10,
                            "repetitions": 1,
                            "load_1min": 1.0,
                        },
                    )
                    for name, wall in (("validate", 8.0), ("floor", 4.0))
                ),
                "ratios": {"validate_over_latency_limit_wall": 2.0},
            }
        ]
    }
    output.write_text(json.dumps(results), encoding="utf-8")

    completed = run_bench(tmp_path, "--report", str(output))

    assert completed.returncode == 3, completed.stdout + completed.stderr
    assert "validate within 1.5x of its latency limit: 2.0x, MISSED" in completed.stdout
