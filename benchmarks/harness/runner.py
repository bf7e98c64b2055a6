# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timed, checked ansible-playbook runs: a broken run is never reported as a time."""

import ctypes
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .inputs import CA_BUNDLE_VARIABLES, Infor, Simulator, write_environments, write_inventory
from .scenarios import PROVISION, SCENARIOS, STATE_PROVISIONED

# The simulator keeps this many requests in /_sim/stats; more make the per-tenant count a lower bound.
SIM_MAX_RECORDED = 10000
# Not inherited by ansible-playbook: any Ansible setting or module fallback of the caller's shell.
SCRUBBED_PREFIXES = ("ANSIBLE_", "DOCBITS_", "PYTHONPATH")
RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)", re.MULTILINE)


# prctl(2): this process becomes the parent of its descendants' orphans.
PR_SET_CHILD_SUBREAPER = 36
# How long what a run leaves running (the collection's shared runner) may take to end after it.
LEFTOVER_SECONDS = 30


def adopt_orphans():
    """On Linux, make what a run leaves running (the shared runner outlives the worker that started it) this
    process's child: reaped here, its CPU time counts in the run's (RUSAGE_CHILDREN) and its memory is seen."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def children():
    """The pids of this process's children (zombies included)."""
    mine = os.getpid()
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == mine:
                found.add(int(entry))
    return found


def reap_leftovers(before):
    """Wait for the children a run left (those not in `before`); the largest peak RSS among them, in KiB."""
    peak = 0
    ends = time.monotonic() + LEFTOVER_SECONDS
    while True:
        leftovers = children() - before
        if not leftovers:
            return peak
        for pid in leftovers:
            waited, _status, usage = os.wait4(pid, os.WNOHANG)
            if waited:
                peak = max(peak, usage.ru_maxrss)
        if time.monotonic() > ends:
            raise SystemExit("processes %s still run %d s after the run ended" % (sorted(leftovers), LEFTOVER_SECONDS))
        time.sleep(0.02)


def progress(text):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), text))
    sys.stderr.flush()


class Bench:
    """One size: generated environments, a simulator for them and timed ansible-playbook runs."""

    def __init__(self, directory, size, forks, ansible_playbook, collections_path, latency_s=0.0):
        self.directory = directory
        self.size = size
        self.forks = forks
        self.latency_s = latency_s
        self.ansible_playbook = ansible_playbook
        self.runs = 0
        adopt_orphans()
        # What the simulator holds: None (nothing known) or the state a scenario left (scenarios.STATE_*).
        self.state = None
        self.infor = Infor(directory, latency_s)
        hosts, keys_file = write_environments(directory, size, self.infor)
        self.sim = Simulator(directory, keys_file)
        self.add_latency()
        self.inventory = write_inventory(directory, hosts, self.sim.url, self.infor.pki.ca)
        config = directory / "ansible.cfg"
        # An empty configuration: neither the caller's ansible.cfg nor ~/.ansible.cfg changes the numbers.
        config.write_text("[defaults]\n", encoding="utf-8")
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES)}
        self.env.update(
            {
                "ANSIBLE_CONFIG": str(config),
                "ANSIBLE_COLLECTIONS_PATH": collections_path,
                "ANSIBLE_HOME": str(directory / "ansible-home"),
                "ANSIBLE_LOCAL_TEMP": str(directory / "ansible-local"),
                "ANSIBLE_REMOTE_TMP": str(directory / "ansible-remote"),
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "NO_PROXY": "127.0.0.1,localhost",
                "no_proxy": "127.0.0.1,localhost",
            }
        )
        # requests would take a CA bundle from these instead of docbits_ca_path.
        for name in CA_BUNDLE_VARIABLES:
            self.env.pop(name, None)

    def close(self):
        self.sim.stop()
        self.infor.stop()

    def add_latency(self):
        """Every DocBits answer, whatever the request, waits latency_s first (a reset forgets it)."""
        if self.latency_s:
            self.sim.admin("POST", "faults", [{"path": "*", "delay": self.latency_s, "times": None}])

    def scenario(self, name):
        """Run scenario `name` (first bringing the simulator to the state it needs, unmeasured) and return its measurements."""
        scenario = SCENARIOS[name]
        if scenario.needs == STATE_PROVISIONED:
            self.ensure_provisioned()
        measured = self.run(
            name,
            scenario.playbook,
            reset=scenario.reset,
            expect_changed=scenario.changed,
            writes_per_tenant=scenario.writes_per_tenant,
            extra_args=scenario.extra_args,
            recap_hosts=scenario.recap_hosts,
        )
        if scenario.reset:
            self.state = scenario.leaves
        return measured

    def ensure_provisioned(self):
        """Every tenant as the provisioning leaves it, by an unmeasured first run unless it is so already."""
        if self.state != STATE_PROVISIONED:
            self.run("setup_provision", PROVISION, reset=True, expect_changed="all", writes_per_tenant=1)
            self.state = STATE_PROVISIONED

    def run(self, name, playbook, reset=False, expect_changed="none", writes_per_tenant=0, extra_args=(), extra_env=None, recap_hosts="all"):
        """Run one playbook, check its outcome and return its measurements."""
        if reset:
            self.sim.admin("POST", "reset")
            self.add_latency()
        self.sim.admin("POST", "reset_stats")
        infor_before = len(self.infor.auth.requests)
        self.runs += 1
        log_path = self.directory / ("run-%03d-%s.log" % (self.runs, name))
        argv = [self.ansible_playbook, "-i", str(self.inventory), "--forks", str(self.forks), str(playbook)] + list(extra_args)
        # Recorded with each run: wall times mean little when others load the machine.
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        children_before = children()
        start = time.perf_counter()
        env = dict(self.env, **(extra_env or {}))
        with open(log_path, "wb") as log, subprocess.Popen(
            argv, cwd=str(self.directory), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        ) as process:
            # wait4 instead of wait: the usage of this run alone, for its peak memory.
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        leftover_rss = reap_leftovers(children_before)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stats = self.sim.admin("GET", "stats")
        output = log_path.read_text(encoding="utf-8", errors="replace")
        # The environments: the playbooks' once-per-run plays (inventory check, report) run for localhost.
        recap = {match.group("host"): match.groupdict() for match in RECAP_LINE.finditer(output) if match.group("host") != "localhost"}
        changed = sum(1 for counts in recap.values() if int(counts["changed"]))
        per_org = {}
        for entry in stats["requests"]:
            per_org[entry["org"]] = per_org.get(entry["org"], 0) + 1
        problems = []
        if process.returncode != 0:
            problems.append("exit code %d" % process.returncode)
        expected_hosts = {"all": self.size, "one": 1}[recap_hosts]
        if len(recap) != expected_hosts or any(int(counts["failed"]) or int(counts["unreachable"]) for counts in recap.values()):
            problems.append("%d hosts in the recap (expected %d), or some failed or unreachable" % (len(recap), expected_hosts))
        if changed != {"all": self.size, "none": 0}[expect_changed]:
            problems.append("%d hosts changed, expected %s" % (changed, expect_changed))
        if writes_per_tenant is not None and stats["writes"] != writes_per_tenant * self.size:
            problems.append("%d writes, expected %d" % (stats["writes"], writes_per_tenant * self.size))
        if problems:
            tail = "\n".join(output.splitlines()[-40:])
            raise SystemExit("N=%d %s: %s (log %s)\n%s" % (self.size, name, "; ".join(problems), log_path, tail))
        return {
            "wall_s": round(wall, 3),
            "cpu_s": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 3),
            # ru_maxrss is in KiB on Linux: the largest single process (ansible-playbook, one of its forks, the shared runner).
            "peak_rss_mib": round(max(usage.ru_maxrss, leftover_rss) / 1024.0, 1),
            "requests": len(stats["requests"]),
            "requests_capped": len(stats["requests"]) >= SIM_MAX_RECORDED,
            "max_requests_per_tenant": max(per_org.values()) if per_org else 0,
            "writes": stats["writes"],
            # Token requests and revocations at the Infor simulator.
            "infor_requests": len(self.infor.auth.requests) - infor_before,
            "changed_hosts": changed,
            "output_lines": len(output.splitlines()),
            "load_1min_at_start": round(load, 2),
        }


def summarise(size, runs):
    """Medians (and the worst peak memory) of each scenario's repetitions."""
    summary = {}
    for name, measured in runs.items():
        summary[name] = {
            "wall_s": round(statistics.median(run["wall_s"] for run in measured), 3),
            "cpu_s": round(statistics.median(run["cpu_s"] for run in measured), 3),
            "wall_ms_per_host": round(1000 * statistics.median(run["wall_s"] for run in measured) / size, 2),
            "cpu_ms_per_host": round(1000 * statistics.median(run["cpu_s"] for run in measured) / size, 2),
            "peak_rss_mib": max(run["peak_rss_mib"] for run in measured),
            "requests": statistics.median(run["requests"] for run in measured),
            "requests_per_tenant": round(statistics.median(run["requests"] for run in measured) / size, 2),
            "requests_capped": any(run["requests_capped"] for run in measured),
            "max_requests_per_tenant": max(run["max_requests_per_tenant"] for run in measured),
            "writes": max(run["writes"] for run in measured),
            "infor_requests": statistics.median(run["infor_requests"] for run in measured),
            "output_lines": max(run["output_lines"] for run in measured),
            "repetitions": len(measured),
            "load_1min": round(statistics.median(run["load_1min_at_start"] for run in measured), 2),
        }
    return summary


def latency_limits(summary, forks, latency_s):
    """Per scenario, the fastest it can be with this latency: Ansible's floor plus the requests it made (to
    DocBits and to Infor, both as late), forks at a time."""
    if not latency_s or "floor" not in summary:
        return {}
    return dict(
        (name, round(summary["floor"]["wall_s"] + (entry["requests"] + entry["infor_requests"]) * latency_s / forks, 3))
        for name, entry in summary.items()
        if name != "floor"
    )


def measure_size(args, size, repeat, profile_it, ansible_playbook, collections_path, profile_size=None):
    """Every scenario of args.scenarios, interleaved, `repeat` times, for `size` environments."""
    with tempfile.TemporaryDirectory(prefix="docbits-bench-%d-" % size) as tmp:
        directory = Path(tmp)
        bench = Bench(directory, size, args.forks, ansible_playbook, collections_path, latency_s=args.latency / 1000.0)
        runs = {name: [] for name in args.scenarios}
        profile = {}
        try:
            for repetition in range(1, repeat + 1):
                # Interleaved, so that a noisy minute of the machine spreads over every scenario.
                for name in args.scenarios:
                    measured = bench.scenario(name)
                    runs[name].append(measured)
                    progress(
                        "N=%d rep %d/%d %-17s wall %7.2fs  cpu %7.2fs  rss %6.1f MiB  requests %d"
                        % (size, repetition, repeat, name, measured["wall_s"], measured["cpu_s"], measured["peak_rss_mib"], measured["requests"])
                    )
            if profile_it:
                profile = profile_size(bench, directory, repeat)
        finally:
            bench.close()
            if args.keep:
                kept = Path(tempfile.mkdtemp(prefix="docbits-bench-kept-%d-" % size))
                shutil.copytree(directory, kept, dirs_exist_ok=True)
                progress("kept the run directory as %s" % kept)
    summary = summarise(size, runs)
    return {
        "size": size,
        "repeat": repeat,
        "forks": args.forks,
        "latency_ms": args.latency,
        "latency_limits_wall_s": latency_limits(summary, args.forks, args.latency / 1000.0),
        "runs": runs,
        "summary": summary,
        "profile": profile,
    }
