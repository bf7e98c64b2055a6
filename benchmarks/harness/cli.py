# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line of benchmarks/run.py: which sizes and scenarios, then the results file, the
Markdown tables and an exit code that says whether every target was met."""

import argparse
import datetime
import json
import os
import shutil
import sys
import time
from pathlib import Path

from .paths import RESULTS
from .profile import profile_size
from .report import machine, markdown, missed, ratios
from .runner import measure_size
from .scenarios import BULK_SCENARIOS, PLAYBOOK_SCENARIOS, SCENARIOS

# Ansible's own default, so that the bulk numbers are what a user gets out of the box.
DEFAULT_FORKS = 5
# Issue 15's and 25's measure: every playbook, 200 environments, 20 forks, 100 ms per DocBits answer.
LATENCY_MODE = {"latency": 100.0, "forks": 20, "sizes": [200], "scenarios": list(PLAYBOOK_SCENARIOS)}
# Issue 25's larger scale for the provisioning (--scale-mode).
SCALE_MODE = {"latency": 100.0, "forks": 50, "sizes": [1000], "scenarios": ["collection_first", "collection_rerun", "floor"]}
EXIT_MISSED = 3


def int_list(text):
    try:
        values = [int(value) for value in text.split(",") if value.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("expected comma-separated integers, got %r" % text) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected positive integers, got %r" % text)
    return values


def scenario_list(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if not names or unknown:
        raise argparse.ArgumentTypeError("expected names among %s, got %r" % (", ".join(SCENARIOS), text))
    return names


def parse(argv):
    parser = argparse.ArgumentParser(
        description="Benchmark docbits.infor: its playbooks against a plain uri playbook, the no-op floor and, under latency, "
        "each playbook's limit (floor + its requests x latency / forks). Exits %d when a target is missed." % EXIT_MISSED
    )
    parser.add_argument("--sizes", type=int_list, help="numbers of tenants (default 200,1000)")
    parser.add_argument(
        "--repeat", type=int_list, default=[3], help="repetitions of every run: one value, or one per size (e.g. 3,1); medians are reported (default 3)"
    )
    parser.add_argument("--forks", type=int, help="ansible-playbook --forks (default %d, Ansible's)" % DEFAULT_FORKS)
    parser.add_argument("--quick", action="store_true", help="N=20, one repetition: checks the harness, measures nothing useful")
    parser.add_argument("--latency", type=float, metavar="MS", help="delay every DocBits answer by MS milliseconds (default 0)")
    parser.add_argument(
        "--latency-mode",
        action="store_true",
        help="every playbook under latency: defaults --latency 100 --forks 20 --sizes 200 --scenarios %s (issues 15 and 25)" % ",".join(PLAYBOOK_SCENARIOS),
    )
    parser.add_argument(
        "--scale-mode",
        action="store_true",
        help="the provisioning at scale: defaults --latency 100 --forks 50 --sizes 1000 --scenarios %s" % ",".join(SCALE_MODE["scenarios"]),
    )
    parser.add_argument("--profile", action="store_true", help="also time variants of the collection's playbook (smallest size only)")
    parser.add_argument("--scenarios", type=scenario_list, help="comma-separated subset of %s (default: %s)" % (",".join(SCENARIOS), ",".join(BULK_SCENARIOS)))
    parser.add_argument("--keep", action="store_true", help="keep a copy of each run directory (inventory, logs) under the temp dir")
    parser.add_argument("--output", type=Path, help="JSON results file (default benchmarks/results/bench-<time>.json)")
    parser.add_argument("--report", type=Path, metavar="JSON", help="only print the Markdown tables of an earlier results file")
    args = parser.parse_args(argv)
    # A mode gives defaults; what the command line sets wins.
    mode = (
        LATENCY_MODE
        if args.latency_mode
        else SCALE_MODE if args.scale_mode else {"latency": 0.0, "forks": DEFAULT_FORKS, "sizes": [200, 1000], "scenarios": list(BULK_SCENARIOS)}
    )
    for name in ("latency", "forks", "sizes", "scenarios"):
        if getattr(args, name) is None:
            setattr(args, name, mode[name])
    if args.quick:
        args.sizes, args.repeat = [20], [1]
    if len(args.repeat) not in (1, len(args.sizes)):
        parser.error("--repeat takes one value or one per size")
    args.repeats = args.repeat * len(args.sizes) if len(args.repeat) == 1 else args.repeat
    return parser, args


def main(argv=None):
    parser, args = parse(argv)
    if args.report:
        results = json.loads(args.report.read_text(encoding="utf-8"))
        print(markdown(results))
        return EXIT_MISSED if missed(results) else 0
    ansible_playbook = shutil.which("ansible-playbook")
    if ansible_playbook is None:
        parser.error("ansible-playbook is not on PATH (make venv; the Makefile puts .venv/bin first)")
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if not collections_path:
        parser.error("set ANSIBLE_COLLECTIONS_PATH to a directory holding ansible_collections/docbits/infor (make stage: .build/collections)")

    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {
            "sizes": args.sizes,
            "repeat": args.repeats,
            "forks": args.forks,
            "profile": args.profile,
            "scenarios": args.scenarios,
            "latency_ms": args.latency,
        },
        "sizes": [],
    }
    for size, repeat in zip(args.sizes, args.repeats):
        profile_it = args.profile and size == min(args.sizes)
        result = measure_size(args, size, repeat, profile_it, ansible_playbook, collections_path, profile_size=profile_size)
        result["ratios"] = ratios(result["summary"], result["latency_limits_wall_s"])
        results["sizes"].append(result)
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

    output = args.output or RESULTS / ("bench-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    print("\nresults: %s" % output)
    failures = missed(results)
    if failures:
        sys.stderr.write("targets missed:\n%s\n" % "\n".join("  " + line for line in failures))
        return EXIT_MISSED
    return 0
