# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""--profile: re-runs of variants of the provisioning task (the options as before 1.0.0 and 1.1.0, no
delegation, a do-nothing action plugin...) and the import cost of the action plugin, to show where
the per-host time goes."""

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys

import yaml

from .paths import PLAYBOOKS, ROLE
from .runner import progress, summarise
from .scenarios import PLAIN_PLAYBOOK, PROVISION as COLLECTION_PLAYBOOK

# A do-nothing action plugin: what Ansible costs for a task when the module's own work is free.
NOOP_ACTION_PLUGIN = """
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result["changed"] = False
        return result
"""

NOOP_ACTION = "bench_noop_action"
# The provisioning task of the playbook: its module, its options from the inventory variables (the role's
# mapping, resolved by the action plugin) and its delegation, each line with its indentation.
MODULE_LINE = re.compile(r"(?m)^(\s+)docbits\.infor\.ionapi:\n")
OPTION_VARIABLES = re.compile(r"(?m)^(\s+)option_variables: ionapi_option_variables\n")
DELEGATION = re.compile(r"(?m)^(\s+)delegate_to: localhost\n")
# Before 1.1.0 the task named the tenant itself, a template of its own.
EXPECTED_TENANT = '%sexpected_tenant: "{{ infor_tenant }}"\n'
# 1.0.0's mapping, for the templated_dict variant: one dict templated per host, through module_defaults.
TEMPLATED_DICT = '%smodule_defaults:\n%s  docbits.infor.ionapi: "{{ ionapi_options }}"\n'
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
    names = dict((option, entry["variable"] if isinstance(entry, dict) else entry) for option, entry in mapping.items())
    one_each = dict((option, name if isinstance(name, str) else name[0]) for option, name in names.items() if option not in ("src_dir", "expected_tenant"))
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


def lookups_per_option():
    """The role's option mapping written as it was before 1.0.0: one templated lookup per option."""
    mapping = yaml.safe_load((ROLE / "vars" / "main.yml").read_text(encoding="utf-8"))["ionapi_option_variables"]
    # The options that name one variable; 0.x had neither src_dir nor a playbook default of doc_types.
    lines = [
        "%%s%s: \"{{ lookup('ansible.builtin.vars', '%s', default=omit) }}\"\n" % item
        for item in mapping.items()
        if isinstance(item[1], str) and item[0] != "src_dir"
    ]
    return "".join(lines)


def profile_playbook(directory, change):
    """A copy of the collection's playbooks, the provisioning task changed for one --profile variant (None: the original)."""
    if change is None:
        return COLLECTION_PLAYBOOK
    if change == "plain":
        return PLAIN_PLAYBOOK
    text = COLLECTION_PLAYBOOK.read_text(encoding="utf-8")
    if change == "no_delegate":
        changed, count = DELEGATION.subn("", text, count=1)
    elif change == "lookup_per_option":
        changed, count = OPTION_VARIABLES.subn(lambda line: (EXPECTED_TENANT + lookups_per_option()).replace("%s", line.group(1)), text)
    elif change == "templated_dict":
        changed, count = OPTION_VARIABLES.subn(lambda line: EXPECTED_TENANT % line.group(1), text)
        changed = DELEGATION.sub(lambda line: TEMPLATED_DICT % (line.group(1), line.group(1)) + line.group(0), changed, count=1)
    else:
        changed, count = MODULE_LINE.subn(r"\1%s:\n" % NOOP_ACTION, text)
    if not count:
        # The playbook changed shape: a variant identical to the original would measure nothing.
        raise SystemExit("--profile: variant %s does not apply to %s any more; update benchmarks/harness/profile.py" % (change, COLLECTION_PLAYBOOK))
    variant = directory / "variants" / change
    # The playbooks it imports beside it; ansible-playbook loads action plugins from the directory next to the playbook.
    shutil.copytree(PLAYBOOKS, variant, dirs_exist_ok=True)
    (variant / "action_plugins").mkdir(exist_ok=True)
    (variant / "action_plugins" / ("%s.py" % NOOP_ACTION)).write_text(NOOP_ACTION_PLUGIN, encoding="utf-8")
    if change == "templated_dict":
        variables = variant / "templated_dict_vars.yml"
        variables.write_text(templated_dict_vars(), encoding="utf-8")
        changed = changed.replace("  gather_facts: false\n", "  gather_facts: false\n  vars_files:\n    - %s\n" % variables, 1)
    path = variant / COLLECTION_PLAYBOOK.name
    path.write_text(changed, encoding="utf-8")
    return path


def profile_size(bench, directory, repeat):
    """Re-runs of the collection's playbook variants (the simulator holds every tenant already)."""
    variants = {}
    bench.ensure_provisioned()
    # Under latency, what the mapping costs against the limit: the variants of the ionapi task only.
    names = LATENCY_PROFILE_VARIANTS if bench.latency_s else tuple(PROFILE_VARIANTS)
    for repetition in range(1, repeat + 1):
        for name in names:
            change, extra_args, extra_env, _what = PROFILE_VARIANTS[name]
            measured = bench.run("profile_" + name, profile_playbook(directory, change), expect_changed="none", extra_args=extra_args, extra_env=extra_env)
            variants.setdefault(name, []).append(measured)
            progress("N=%d rep %d/%d profile %-16s wall %7.2fs  cpu %7.2fs" % (bench.size, repetition, repeat, name, measured["wall_s"], measured["cpu_s"]))
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
    for label, code in (
        ("baseline", base),
        ("ionapi_validate", base + "; " + plugins % "ionapi_validate"),
        ("ionapi", base + "; " + plugins % "ionapi"),
        ("requests", base + "; import requests"),
    ):
        samples = []
        for _attempt in range(5):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([python, "-c", code], env=env, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            samples.append((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
        costs[label] = round(1000 * statistics.median(samples), 1)
    # -X importtime: the largest (cumulative) of the modules the ionapi action plugin adds.
    completed = subprocess.run(
        [python, "-X", "importtime", "-c", base + "; import sys; sys.stderr.write('--marker--\\n'); " + plugins % "ionapi"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    added = completed.stderr.split("--marker--", 1)[-1]
    rows = [line.split("|") for line in added.splitlines() if line.startswith("import time:") and "self [us]" not in line]
    top = sorted(((int(row[1]), row[2].strip()) for row in rows), reverse=True)[:8]
    return {
        "cpu_ms": costs,
        "ionapi_added_cpu_ms": round(costs["ionapi"] - costs["baseline"], 1),
        "importtime_cumulative_ms": {name: round(cumulative / 1000.0, 1) for cumulative, name in top},
    }
