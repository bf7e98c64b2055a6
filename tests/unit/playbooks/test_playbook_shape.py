# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of the collection's playbooks that their bulk speed depends on (docs/performance.md),
and the role's task files that do the same job for a play of the user's own."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os

import pytest
import yaml

from ansible_collections.docbits.infor.tests.support.paths import REPO

PLAYBOOKS = sorted(glob.glob(os.path.join(REPO, "playbooks", "*.yml")))
MODULE_KEYS = ("docbits.infor.ionapi", "docbits.infor.ionapi_validate", "docbits.infor.ionapi_info")


def tasks_of(path):
    """Every task of a playbook or task file, blocks opened, as (task, where)."""
    with open(path, encoding="utf-8") as stream:
        document = yaml.safe_load(stream) or []
    found = []

    def walk(tasks):
        for task in tasks or []:
            found.append(task)
            for section in ("block", "rescue", "always"):
                walk(task.get(section))

    for entry in document:
        walk(entry.get("tasks") if "hosts" in entry else [entry])
    return found


def module_tasks(path):
    return [task for task in tasks_of(path) if any(key in task for key in MODULE_KEYS)]


@pytest.mark.parametrize("path", PLAYBOOKS, ids=os.path.basename)
def test_no_playbook_imports_the_role(path):
    # An imported role ends with a task of Ansible's own that the controller prepares for every host.
    roles = [task for task in tasks_of(path) if "ansible.builtin.import_role" in task or "ansible.builtin.include_role" in task]

    assert not roles, "%s imports the role: call the module instead, naming its mapping (docs/performance.md)" % os.path.basename(path)


@pytest.mark.parametrize(
    "playbook, role_tasks",
    [
        ("provision_ionapi.yml", "ionapi.yml"),
        ("audit_ionapi.yml", "ionapi.yml"),
        ("rotate_ionapi.yml", "ionapi.yml"),
        ("validate_ionapi.yml", "validate.yml"),
        ("info_ionapi.yml", "info.yml"),
        ("check_contract.yml", "contract.yml"),
    ],
)
def test_each_playbook_runs_the_task_of_the_role_file_that_does_its_job(playbook, role_tasks):
    (played,) = module_tasks(os.path.join(REPO, "playbooks", playbook))
    (role_task,) = module_tasks(os.path.join(REPO, "roles", "ionapi", "tasks", role_tasks))
    same = ("delegate_to", "register", "run_once")

    module = next(key for key in MODULE_KEYS if key in role_task)
    assert played.get(module) == role_task[module]
    assert dict((key, played.get(key)) for key in same) == dict((key, role_task.get(key)) for key in same)
