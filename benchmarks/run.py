# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Performance benchmark of docbits.infor (the ``make bench`` entry point).

For each size N: N DocBits environments (one inventory host each, with its own API key,
organisation, Infor tenant and .ionapi file) are generated in a temporary directory, the DocBits
simulator is started for them, and real ansible-playbook runs are timed, each several times:

  collection_first  playbooks/provision_ionapi.yml against a fresh simulator (every tenant is created)
  collection_rerun  the same again (nothing to change)
  plain_first       benchmarks/plain_uri_playbook.yml (plain ansible.builtin.uri), fresh simulator
  plain_rerun       the same again
  floor             benchmarks/noop_playbook.yml: one set_fact per host, Ansible's own per-host cost

Reported: medians of wall time and of CPU time (user + sys of ansible-playbook and everything it
forks: getrusage(RUSAGE_CHILDREN) deltas), the peak memory (largest max RSS of any one process of
the run, from wait4), and HTTP requests and writes from the simulator's /_sim/stats. Every run is
checked (exit code, changed hosts, writes): a broken run is never reported as a time.

--profile adds, for the smallest size, re-runs of variants of the collection's playbook (run
summary written, delegation removed, the options as one lookup per option as before 1.0.0, module
replaced by a do-nothing action plugin) and the import cost of the action plugin, to show where the
per-host time goes.

--latency MS delays every DocBits answer by MS milliseconds (the simulator's delay fault), as a
network would, and reports the re-run against its physical limit: Ansible's no-op floor plus
N x 2 requests x latency / forks (--latency-mode: N=200, 20 forks, 100 ms, first run, re-run, floor).

  python benchmarks/run.py [--sizes 200,1000] [--repeat 3[,1]] [--forks 5] [--scenarios a,b] [--quick] [--profile] [--keep]
  python benchmarks/run.py --latency-mode [--repeat 3]
  python benchmarks/run.py --report benchmarks/results/bench-<time>.json

Needs ansible-playbook on PATH and ANSIBLE_COLLECTIONS_PATH holding ansible_collections/docbits/infor
(the Makefile passes .build/collections). Results: benchmarks/results/bench-<time>.json (git-ignored).
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SIMULATOR = REPO / "tests" / "simulator" / "docbits_simulator.py"
# The one import path setup of the harness, as tests/conftest.py's (it runs outside pytest): the
# staged collection (make stage) and the simulators, for the tests' support modules.
for _directory in (REPO / ".build" / "collections", REPO / "tests" / "simulator"):
    sys.path.insert(0, str(_directory))

# The tests' generator of real-shaped, deterministic, fake .ionapi contents.
from ansible_collections.docbits.infor.tests.support import builders  # noqa: E402  pylint: disable=wrong-import-position
COLLECTION_PLAYBOOK = REPO / "playbooks" / "provision_ionapi.yml"
ROLE = REPO / "roles" / "ionapi"
COLLECTION_TASKS = ROLE / "tasks" / "ionapi.yml"
ROLE_IMPORT = re.compile(r"(?m)^(\s+)ansible\.builtin\.import_role:\n\s+name: docbits\.infor\.ionapi\n\s+tasks_from: ionapi\n")
PLAIN_PLAYBOOK = HERE / "plain_uri_playbook.yml"
NOOP_PLAYBOOK = HERE / "noop_playbook.yml"
RESULTS = HERE / "results"

# Ansible's own default, so that the numbers are what a user gets out of the box.
DEFAULT_FORKS = 5
# The simulator keeps this many requests in /_sim/stats; more make the per-tenant count a lower bound.
SIM_MAX_RECORDED = 10000
# Not inherited by ansible-playbook: any Ansible setting or module fallback of the caller's shell.
SCRUBBED_PREFIXES = ("ANSIBLE_", "DOCBITS_", "PYTHONPATH")
RECAP_LINE = re.compile(r"^(?P<host>\S+)\s+:\s+ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)",
                        re.MULTILINE)

# scenario -> (playbook, whether the simulator state is reset first, hosts expected changed, writes per tenant)
SCENARIOS = {
    "collection_first": (COLLECTION_PLAYBOOK, True, "all", 1),
    "collection_rerun": (COLLECTION_PLAYBOOK, False, "none", 0),
    "plain_first": (PLAIN_PLAYBOOK, True, "all", 1),
    "plain_rerun": (PLAIN_PLAYBOOK, False, "none", 0),
    "floor": (NOOP_PLAYBOOK, False, "none", 0),
}

# A do-nothing action plugin: what Ansible costs for a task when the module's own work is free.
NOOP_ACTION_PLUGIN = '''
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result["changed"] = False
        return result
'''

NOOP_ACTION = "bench_noop_action"
# The ionapi task's options from the inventory variables (the role's mapping, resolved by the action plugin).
OPTION_VARIABLES = re.compile(r"(?m)^(    # .*\n)?    option_variables: .*\n")
# Before 1.1.0 the task named the tenant itself, a template of its own.
EXPECTED_TENANT = '    expected_tenant: "{{ infor_tenant }}"\n'
# 1.0.0's mapping, for the templated_dict variant: one dict templated per host, through module_defaults.
TEMPLATED_DICT = "  module_defaults:\n    docbits.infor.ionapi: \"{{ ionapi_options }}\"\n"
TEMPLATED_DICT_VARS = """
ionapi_options: >-
  {{ dict(bench_option_variables.keys() | zip(query('ansible.builtin.vars', *bench_option_variables.values(), default=omit)))
     | combine({'src': [docbits_files_dir | ansible.builtin.realpath, ionapi_file] | ansible.builtin.path_join}
               if docbits_files_dir is defined and ionapi_file is defined else {})
     | combine({'doc_types': docbits_default_doc_types} if docbits_default_doc_types is defined and docbits_doc_types is not defined else {}) }}
"""


def templated_dict_vars():
    """1.0.0's role variables: its option -> variable mapping (no src_dir, one variable per option) and the dict."""
    mapping = yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))["ionapi_option_variables"]
    one_each = dict((option, names if isinstance(names, str) else names[0]) for option, names in mapping.items()
                    if option not in ("src_dir", "expected_tenant"))
    return yaml.safe_dump({"bench_option_variables": one_each}, sort_keys=False) + TEMPLATED_DICT_VARS


# --profile: re-run variant -> (how the task changes, extra ansible-playbook arguments, extra environment, what it shows)
PROFILE_VARIANTS = {
    "as_is": (None, [], {}, "the collection's playbook unchanged"),
    "summary": (None, ["-e", "docbits_summary_dir=summary"], {}, "with the run summary written (JSON and Markdown)"),
    "no_delegate_to": ("no_delegate", [], {}, "without delegate_to: localhost on the ionapi task"),
    "lookup_per_option": ("lookup_per_option", [], {}, "one lookup('ansible.builtin.vars', X, default=omit) per option (0.x)"),
    "templated_dict": ("templated_dict", [], {}, "the options as one templated dict per host through module_defaults (1.0.0)"),
    "noop_action": ("noop_action", [], {}, "the ionapi module replaced by a do-nothing action plugin"),
    "plain_pipelining": ("plain", [], {"ANSIBLE_PIPELINING": "1"}, "the plain uri playbook with pipelining on (fairer baseline)"),
}


LATENCY_PROFILE_VARIANTS = ("as_is", "templated_dict", "lookup_per_option", "noop_action")


# ---------------------------------------------------------------------------- generated inputs

def write_environments(directory, size):
    """Write N .ionapi files and the simulator's key file; return the hosts' variables."""
    files = directory / "files"
    files.mkdir()
    hosts, key_lines = {}, []
    for index in range(1, size + 1):
        tenant = "BENCH%05d_TST" % index
        path = files / ("%s.ionapi" % tenant.lower())
        # Not the simulator's layout (indent=2): stored and local bytes differ, their JSON does not.
        path.write_text(json.dumps(builders.make_seeded_ionapi(tenant), indent=4), encoding="utf-8")
        path.chmod(0o600)
        api_key = "dbk_" + builders.seeded_token(tenant + ":key", 40)
        org = "org-bench-%05d" % index
        key_lines.append("%s=%s" % (api_key, org))
        hosts["env%05d" % index] = {"ionapi_file": str(path), "infor_tenant": tenant, "docbits_api_key": api_key, "docbits_org_id": org}
    keys = directory / "simulator-keys.txt"
    keys.write_text("\n".join(key_lines) + "\n", encoding="utf-8")
    keys.chmod(0o600)
    return hosts, keys


def write_inventory(directory, hosts, url):
    group_vars = {
        "ansible_connection": "local",
        # The uri module of the plain playbook runs under this interpreter; no discovery.
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "docbits_url": url,
        "docbits_doc_type": "INVOICE",
        "docbits_export_method": "infor-idm-cloud",
        "docbits_export_title": "Infor IDM export",
    }
    document = {"all": {"children": {"docbits_environments": {"hosts": hosts, "vars": group_vars}}}}
    inventory = directory / "hosts.yml"
    inventory.write_text(yaml.safe_dump(document, sort_keys=True), encoding="utf-8")
    return inventory


def lookups_per_option():
    """The role's option mapping written as it was before 1.0.0: one templated lookup per option."""
    mapping = yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))["ionapi_option_variables"]
    # The options that name one variable; 0.x had neither src_dir nor a playbook default of doc_types.
    lines = ["    %s: \"{{ lookup('ansible.builtin.vars', '%s', default=omit) }}\"\n" % item for item in mapping.items()
             if isinstance(item[1], str) and item[0] != "src_dir"]
    return "".join(lines)


def profile_playbook(directory, change):
    """A copy of the collection's playbook, its ionapi task changed for one --profile variant (None: the original)."""
    if change is None:
        return COLLECTION_PLAYBOOK
    if change == "plain":
        return PLAIN_PLAYBOOK
    text = COLLECTION_TASKS.read_text(encoding="utf-8")
    if change == "no_delegate":
        changed, count = re.subn(r"(?m)^\s+delegate_to: localhost\n", "", text)
    elif change == "lookup_per_option":
        changed, count = OPTION_VARIABLES.subn(EXPECTED_TENANT + lookups_per_option(), text)
    elif change == "templated_dict":
        changed, count = OPTION_VARIABLES.subn(EXPECTED_TENANT, text)
        changed = changed.replace("  delegate_to: localhost\n", TEMPLATED_DICT + "  delegate_to: localhost\n")
    else:
        changed, count = re.subn(r"(?m)^(\s+)docbits\.infor\.ionapi:$", r"\1%s:" % NOOP_ACTION, text)
    playbook, imports = ROLE_IMPORT.subn(r"\1ansible.builtin.import_tasks: tasks/%s\n" % COLLECTION_TASKS.name,
                                         COLLECTION_PLAYBOOK.read_text(encoding="utf-8"))
    if not count or not imports:
        # The playbook changed shape: a variant identical to the original would measure nothing.
        raise SystemExit("--profile: variant %s does not apply to %s any more; update benchmarks/run.py" % (change, COLLECTION_TASKS))
    variant = directory / "variants" / change
    # ansible-playbook loads action plugins from the directory next to the playbook.
    (variant / "action_plugins").mkdir(parents=True, exist_ok=True)
    (variant / "action_plugins" / ("%s.py" % NOOP_ACTION)).write_text(NOOP_ACTION_PLUGIN, encoding="utf-8")
    (variant / "tasks").mkdir(exist_ok=True)
    (variant / "tasks" / COLLECTION_TASKS.name).write_text(changed, encoding="utf-8")
    shutil.copyfile(REPO / "playbooks" / "tasks" / "report.yml", variant / "tasks" / "report.yml")
    # The role's variables, which import_role would have brought, for the task imported on its own.
    vars_files = [ROLE / "vars" / "main.yml"]
    if change == "templated_dict":
        vars_files.append(variant / "templated_dict_vars.yml")
        vars_files[-1].write_text(templated_dict_vars(), encoding="utf-8")
    playbook = playbook.replace("  gather_facts: false\n", "  gather_facts: false\n  vars_files:\n%s" % "".join("    - %s\n" % path for path in vars_files), 1)
    path = variant / COLLECTION_PLAYBOOK.name
    path.write_text(playbook, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- simulator

class Simulator:
    """tests/simulator/docbits_simulator.py in a child process, on a free port of 127.0.0.1."""

    def __init__(self, directory, keys_file):
        port_file = directory / "simulator.port"
        self.log = directory / "simulator.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(SIMULATOR), "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file),
                 "--api-key-file", str(keys_file), "--quiet"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the simulator did not start:\n%s" % self.log.read_text(encoding="utf-8", errors="replace"))
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%d" % int(port_file.read_text(encoding="utf-8"))

    def admin(self, method, name, payload=None):
        data = json.dumps(payload).encode("utf-8") if payload is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request("%s/_sim/%s" % (self.url, name), method=method, data=data, headers={"Content-Type": "application/json"})
        # A direct connection: a proxy from the environment must not see 127.0.0.1 traffic.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# ---------------------------------------------------------------------------- runs

class Bench:
    """One size: generated environments, a simulator for them and timed ansible-playbook runs."""

    def __init__(self, directory, size, forks, ansible_playbook, collections_path, latency_s=0.0):
        self.directory = directory
        self.size = size
        self.forks = forks
        self.latency_s = latency_s
        self.ansible_playbook = ansible_playbook
        self.runs = 0
        hosts, keys_file = write_environments(directory, size)
        self.sim = Simulator(directory, keys_file)
        self.add_latency()
        self.inventory = write_inventory(directory, hosts, self.sim.url)
        config = directory / "ansible.cfg"
        # An empty configuration: neither the caller's ansible.cfg nor ~/.ansible.cfg changes the numbers.
        config.write_text("[defaults]\n", encoding="utf-8")
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(SCRUBBED_PREFIXES)}
        self.env.update({
            "ANSIBLE_CONFIG": str(config),
            "ANSIBLE_COLLECTIONS_PATH": collections_path,
            "ANSIBLE_HOME": str(directory / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(directory / "ansible-local"),
            "ANSIBLE_REMOTE_TMP": str(directory / "ansible-remote"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })

    def close(self):
        self.sim.stop()

    def add_latency(self):
        """Every DocBits answer, whatever the request, waits latency_s first (a reset forgets it)."""
        if self.latency_s:
            self.sim.admin("POST", "faults", [{"path": "*", "delay": self.latency_s, "times": None}])

    def run(self, name, playbook, reset=False, expect_changed="none", writes_per_tenant=0, extra_args=(), extra_env=None):
        """Run one playbook, check its outcome and return its measurements."""
        if reset:
            self.sim.admin("POST", "reset")
            self.add_latency()
        self.sim.admin("POST", "reset_stats")
        self.runs += 1
        log_path = self.directory / ("run-%03d-%s.log" % (self.runs, name))
        argv = [self.ansible_playbook, "-i", str(self.inventory), "--forks", str(self.forks), str(playbook)] + list(extra_args)
        # Recorded with each run: wall times mean little when others load the machine.
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        env = dict(self.env, **(extra_env or {}))
        with open(log_path, "wb") as log, subprocess.Popen(argv, cwd=str(self.directory), env=env, stdin=subprocess.DEVNULL, stdout=log,
                                                           stderr=subprocess.STDOUT) as process:
            # wait4 instead of wait: the usage of this run alone, for its peak memory.
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stats = self.sim.admin("GET", "stats")
        output = log_path.read_text(encoding="utf-8", errors="replace")
        recap = {match.group("host"): match.groupdict() for match in RECAP_LINE.finditer(output)}
        changed = sum(1 for counts in recap.values() if int(counts["changed"]))
        per_org = {}
        for entry in stats["requests"]:
            per_org[entry["org"]] = per_org.get(entry["org"], 0) + 1
        problems = []
        if process.returncode != 0:
            problems.append("exit code %d" % process.returncode)
        if len(recap) != self.size or any(int(counts["failed"]) or int(counts["unreachable"]) for counts in recap.values()):
            problems.append("%d of %d hosts in the recap, some failed or unreachable" % (len(recap), self.size))
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
            # ru_maxrss is in KiB on Linux: the largest single process (ansible-playbook or one of its forks).
            "peak_rss_mib": round(usage.ru_maxrss / 1024.0, 1),
            "requests": len(stats["requests"]),
            "requests_capped": len(stats["requests"]) >= SIM_MAX_RECORDED,
            "max_requests_per_tenant": max(per_org.values()) if per_org else 0,
            "writes": stats["writes"],
            "changed_hosts": changed,
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
            "requests_per_tenant": round(statistics.median(run["requests"] for run in measured) / size, 2),
            "requests_capped": any(run["requests_capped"] for run in measured),
            "max_requests_per_tenant": max(run["max_requests_per_tenant"] for run in measured),
            "writes": max(run["writes"] for run in measured),
            "repetitions": len(measured),
            "load_1min": round(statistics.median(run["load_1min_at_start"] for run in measured), 2),
        }
    return summary


def latency_limit(summary, size, forks, latency_s):
    """The fastest a re-run can be with this latency: Ansible's floor plus 2 requests per tenant, forks at a time."""
    if not latency_s or "floor" not in summary:
        return None
    return round(summary["floor"]["wall_s"] + size * 2 * latency_s / forks, 3)


def ratios(summary, limit=None):
    def ratio(numerator, denominator, key):
        if numerator not in summary or denominator not in summary or not summary[denominator][key]:
            return None
        return round(summary[numerator][key] / summary[denominator][key], 2)

    result = {}
    for key in ("wall_s", "cpu_s"):
        unit = key.split("_", 1)[0]
        result["plain_over_collection_first_" + unit] = ratio("plain_first", "collection_first", key)
        result["plain_over_collection_rerun_" + unit] = ratio("plain_rerun", "collection_rerun", key)
        result["collection_rerun_over_floor_" + unit] = ratio("collection_rerun", "floor", key)
    result["collection_rerun_over_latency_limit_wall"] = (
        round(summary["collection_rerun"]["wall_s"] / limit, 2) if limit and "collection_rerun" in summary else None)
    return result


def measure_size(args, size, repeat, profile_it, ansible_playbook, collections_path):
    with tempfile.TemporaryDirectory(prefix="docbits-bench-%d-" % size) as tmp:
        directory = Path(tmp)
        bench = Bench(directory, size, args.forks, ansible_playbook, collections_path, latency_s=args.latency / 1000.0)
        runs = {name: [] for name in args.scenarios}
        profile = {}
        try:
            for repetition in range(1, repeat + 1):
                # Interleaved, so that a noisy minute of the machine spreads over every scenario.
                for name in args.scenarios:
                    playbook, reset, expect_changed, writes = SCENARIOS[name]
                    measured = bench.run(name, playbook, reset=reset, expect_changed=expect_changed, writes_per_tenant=writes)
                    runs[name].append(measured)
                    progress("N=%d rep %d/%d %-17s wall %7.2fs  cpu %7.2fs  rss %6.1f MiB  requests %d"
                             % (size, repetition, repeat, name, measured["wall_s"], measured["cpu_s"], measured["peak_rss_mib"],
                                measured["requests"]))
            if profile_it:
                profile = profile_size(bench, directory, repeat)
        finally:
            bench.close()
            if args.keep:
                kept = Path(tempfile.mkdtemp(prefix="docbits-bench-kept-%d-" % size))
                shutil.copytree(directory, kept, dirs_exist_ok=True)
                progress("kept the run directory as %s" % kept)
    summary = summarise(size, runs)
    limit = latency_limit(summary, size, args.forks, args.latency / 1000.0)
    return {"size": size, "repeat": repeat, "latency_ms": args.latency, "latency_limit_wall_s": limit, "runs": runs, "summary": summary,
            "ratios": ratios(summary, limit), "profile": profile}


def profile_size(bench, directory, repeat):
    """Re-runs of the collection's playbook variants (the simulator holds every tenant already)."""
    variants = {}
    # Under latency, what the mapping costs against the limit: the variants of the ionapi task only.
    names = LATENCY_PROFILE_VARIANTS if bench.latency_s else tuple(PROFILE_VARIANTS)
    for repetition in range(1, repeat + 1):
        for name in names:
            change, extra_args, extra_env, _what = PROFILE_VARIANTS[name]
            measured = bench.run("profile_" + name, profile_playbook(directory, change), expect_changed="none", extra_args=extra_args,
                                 extra_env=extra_env)
            variants.setdefault(name, []).append(measured)
            progress("N=%d rep %d/%d profile %-16s wall %7.2fs  cpu %7.2fs"
                     % (bench.size, repetition, repeat, name, measured["wall_s"], measured["cpu_s"]))
    summary = summarise(bench.size, variants)
    for name, entry in summary.items():
        entry["what"] = PROFILE_VARIANTS[name][3]
    return {"variants": summary, "imports": import_costs(bench.env)}


def import_costs(env):
    """CPU of a fresh interpreter importing the action plugins, over one importing only what ansible-playbook has loaded anyway."""
    python = sys.executable
    base = "import ansible.plugins.action, ansible.module_utils.basic"
    plugins = "import ansible_collections.docbits.infor.plugins.action.%s"
    env = dict(env, PYTHONPATH=env["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0])
    costs = {}
    for label, code in (("baseline", base), ("ionapi_validate", base + "; " + plugins % "ionapi_validate"), ("ionapi", base + "; " + plugins % "ionapi"),
                        ("requests", base + "; import requests")):
        samples = []
        for _attempt in range(5):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([python, "-c", code], env=env, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            samples.append((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
        costs[label] = round(1000 * statistics.median(samples), 1)
    # -X importtime: the largest (cumulative) of the modules the ionapi action plugin adds.
    completed = subprocess.run([python, "-X", "importtime", "-c", base + "; import sys; sys.stderr.write('--marker--\\n'); " + plugins % "ionapi"],
                               env=env, check=True, capture_output=True, text=True)
    added = completed.stderr.split("--marker--", 1)[-1]
    rows = [line.split("|") for line in added.splitlines() if line.startswith("import time:") and "self [us]" not in line]
    top = sorted(((int(row[1]), row[2].strip()) for row in rows), reverse=True)[:8]
    return {
        "cpu_ms": costs,
        "ionapi_added_cpu_ms": round(costs["ionapi"] - costs["baseline"], 1),
        "importtime_cumulative_ms": {name: round(cumulative / 1000.0, 1) for cumulative, name in top},
    }


# ---------------------------------------------------------------------------- report

def machine():
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as stream:
        mem_kib = next(int(line.split()[1]) for line in stream if line.startswith("MemTotal:"))
    version = subprocess.run(["ansible-playbook", "--version"], capture_output=True, text=True, check=False).stdout.splitlines()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "ram_gib": round(mem_kib / 1024.0 / 1024.0, 1),
        "python": platform.python_version(),
        "ansible_core": version[0] if version else "unknown",
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "platform": platform.platform(),
    }


# (ratio key, how it compares, bound, what it means); the speed ratios are checked at N=200 only.
TARGETS = (
    ("plain_over_collection_rerun", ">=", 10.0, "re-run at least 10x faster than the plain playbook"),
    ("collection_rerun_over_floor", "<=", 3.0, "re-run at most 3x the no-op floor"),
    ("plain_over_collection_first", ">=", 5.0, "first run at least 5x faster than the plain playbook"),
    ("collection_rerun_over_latency_limit", "<=", 1.3, "re-run within 1.3x of the latency limit (floor + N x 2 requests x latency / forks)"),
)
TARGET_SIZE = 200


def target_checks(result):
    """One line per target that this size's scenarios allow to check: met or missed, and by how much."""
    checks = []
    if result["size"] == TARGET_SIZE:
        for key, comparison, bound, meaning in TARGETS:
            # With latency only the latency target means anything; without, it has no value.
            if bool(result.get("latency_ms")) != (key == "collection_rerun_over_latency_limit"):
                continue
            for unit in ("wall", "cpu"):
                value = result["ratios"].get("%s_%s" % (key, unit))
                if value is None:
                    continue
                met = value >= bound if comparison == ">=" else value <= bound
                checks.append("%s (%s): %sx, %s" % (meaning, unit, value, "met" if met else "MISSED"))
    rerun = result["summary"].get("collection_rerun")
    if rerun is not None:
        met = rerun["max_requests_per_tenant"] <= 2
        checks.append("at most 2 HTTP requests per unchanged tenant: %d, %s" % (rerun["max_requests_per_tenant"], "met" if met else "MISSED"))
    return checks


def markdown(results):
    lines = [
        "| N | scenario | wall s | CPU s | CPU ms/host | HTTP requests/tenant (max) | writes | peak RSS MiB | reps | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results["sizes"]:
        for name, entry in result["summary"].items():
            capped = ">=" if entry["requests_capped"] else ""
            lines.append("| %d | %s | %.2f | %.2f | %.1f | %s%.2f (%d) | %d | %.1f | %d | %s |" % (
                result["size"], name, entry["wall_s"], entry["cpu_s"], entry["cpu_ms_per_host"], capped, entry["requests_per_tenant"],
                entry["max_requests_per_tenant"], entry["writes"], entry["peak_rss_mib"], entry["repetitions"], entry.get("load_1min", "?")))
    lines += ["", "| N | plain/collection first (wall, CPU) | plain/collection re-run (wall, CPU) | collection re-run/floor (wall, CPU) |",
              "|---:|---:|---:|---:|"]
    for result in results["sizes"]:
        ratio = result["ratios"]
        lines.append("| %d | %s, %s | %s, %s | %s, %s |" % ((result["size"],) + tuple(
            "n/a" if ratio[key] is None else "%sx" % ratio[key] for key in (
                "plain_over_collection_first_wall", "plain_over_collection_first_cpu",
                "plain_over_collection_rerun_wall", "plain_over_collection_rerun_cpu",
                "collection_rerun_over_floor_wall", "collection_rerun_over_floor_cpu"))))
    for result in results["sizes"]:
        if result.get("latency_limit_wall_s"):
            lines += ["", "N=%d, %g ms per request: latency limit %.2f s (floor + N x 2 x latency / forks); re-run/limit %sx" % (
                result["size"], result["latency_ms"], result["latency_limit_wall_s"], result["ratios"]["collection_rerun_over_latency_limit_wall"])]
    lines += ["", "Targets (issues 4 and 15), on wall time and on CPU time:", ""]
    for result in results["sizes"]:
        lines += ["- N=%d: %s" % (result["size"], check) for check in target_checks(result)]
    sizes = sorted(results["sizes"], key=lambda result: result["size"])
    if len(sizes) > 1 and sizes[0]["size"] != sizes[-1]["size"]:
        # The slope between the extreme sizes: per-host cost without the fixed start-up of ansible-playbook.
        small, large = sizes[0], sizes[-1]
        hosts = large["size"] - small["size"]
        lines += ["", "| scenario | marginal wall ms/host | marginal CPU ms/host | peak RSS MiB N=%d -> N=%d |" % (small["size"], large["size"]),
                  "|---|---:|---:|---:|"]
        for name in small["summary"]:
            low, high = small["summary"][name], large["summary"][name]
            lines.append("| %s | %.1f | %.1f | %.1f -> %.1f |" % (
                name, 1000 * (high["wall_s"] - low["wall_s"]) / hosts, 1000 * (high["cpu_s"] - low["cpu_s"]) / hosts,
                low["peak_rss_mib"], high["peak_rss_mib"]))
    for result in results["sizes"]:
        if not result["profile"]:
            continue
        variants = result["profile"]["variants"]
        reference = variants["as_is"]
        limit = result.get("latency_limit_wall_s")
        lines += ["", "Profile, N=%d (collection re-run variants; delta = variant - as is):" % result["size"], "",
                  "| variant | wall s | CPU s | CPU ms/host | delta CPU ms/host | wall / latency limit |", "|---|---:|---:|---:|---:|---:|"]
        for name, entry in variants.items():
            lines.append("| %s: %s | %.2f | %.2f | %.1f | %+.1f | %s |" % (
                name, entry["what"], entry["wall_s"], entry["cpu_s"], entry["cpu_ms_per_host"],
                entry["cpu_ms_per_host"] - reference["cpu_ms_per_host"], "%.2fx" % (entry["wall_s"] / limit) if limit else "n/a"))
        imports = result["profile"]["imports"]
        lines += ["", "Import CPU in a fresh interpreter (ms): %s; the ionapi action plugin adds %.1f ms; largest (cumulative ms): %s" % (
            imports["cpu_ms"], imports["ionapi_added_cpu_ms"],
            ", ".join("%s %.1f" % (name, value) for name, value in imports["importtime_cumulative_ms"].items()))]
    return "\n".join(lines)


def progress(text):
    sys.stderr.write("[bench %s] %s\n" % (time.strftime("%H:%M:%S"), text))
    sys.stderr.flush()


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


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark docbits.infor against a plain uri playbook and the no-op floor.")
    parser.add_argument("--sizes", type=int_list, default=[200, 1000], help="numbers of tenants (default 200,1000)")
    parser.add_argument("--repeat", type=int_list, default=[3],
                        help="repetitions of every run: one value, or one per size (e.g. 3,1); medians are reported (default 3)")
    parser.add_argument("--forks", type=int, default=DEFAULT_FORKS, help="ansible-playbook --forks (default %d, Ansible's)" % DEFAULT_FORKS)
    parser.add_argument("--quick", action="store_true", help="N=20, one repetition: checks the harness, measures nothing useful")
    parser.add_argument("--latency", type=float, default=0.0, metavar="MS", help="delay every DocBits answer by MS milliseconds (default 0)")
    parser.add_argument("--latency-mode", action="store_true",
                        help="--latency 100 --forks 20 --sizes 200 --scenarios collection_first,collection_rerun,floor (issue 15's measure)")
    parser.add_argument("--profile", action="store_true", help="also time variants of the collection's playbook (smallest size only)")
    parser.add_argument("--scenarios", type=scenario_list, default=list(SCENARIOS),
                        help="comma-separated subset of %s (default: all)" % ",".join(SCENARIOS))
    parser.add_argument("--keep", action="store_true", help="keep a copy of each run directory (inventory, logs) under the temp dir")
    parser.add_argument("--output", type=Path, help="JSON results file (default benchmarks/results/bench-<time>.json)")
    parser.add_argument("--report", type=Path, metavar="JSON", help="only print the Markdown tables of an earlier results file")
    args = parser.parse_args(argv)
    if args.report:
        print(markdown(json.loads(args.report.read_text(encoding="utf-8"))))
        return 0
    if args.latency_mode:
        args.latency, args.forks, args.sizes = args.latency or 100.0, 20, [TARGET_SIZE]
        # The first run only fills the simulator; the plain playbook's ratios are measured without latency.
        args.scenarios = ["collection_first", "collection_rerun", "floor"]
    if args.quick:
        args.sizes, args.repeat = [20], [1]
    if len(args.repeat) not in (1, len(args.sizes)):
        parser.error("--repeat takes one value or one per size")
    repeats = args.repeat * len(args.sizes) if len(args.repeat) == 1 else args.repeat

    ansible_playbook = shutil.which("ansible-playbook")
    if ansible_playbook is None:
        parser.error("ansible-playbook is not on PATH (make venv; the Makefile puts .venv/bin first)")
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if not collections_path:
        parser.error("set ANSIBLE_COLLECTIONS_PATH to a directory holding ansible_collections/docbits/infor (make stage: .build/collections)")

    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {"sizes": args.sizes, "repeat": repeats, "forks": args.forks, "profile": args.profile, "scenarios": args.scenarios,
                     "latency_ms": args.latency},
        "sizes": [],
    }
    for size, repeat in zip(args.sizes, repeats):
        profile_it = args.profile and size == min(args.sizes)
        results["sizes"].append(measure_size(args, size, repeat, profile_it, ansible_playbook, collections_path))
    results["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

    output = args.output or RESULTS / ("bench-%s.json" % time.strftime("%Y%m%d-%H%M%S"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    print("\nresults: %s" % output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
