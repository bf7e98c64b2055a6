# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller-only, once per run: the environments of the run checked together (see
plugins/modules/ionapi_inventory_check.py). Its verdict on environments that share a DocBits
configuration is left in the run's shared cache, where each host's docbits.infor.ionapi task reads it."""

from __future__ import annotations

import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail

from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DEFAULT_DOC_TYPE, DEFAULT_URL
from ansible_collections.docbits.infor.plugins.plugin_utils import inventory_check
from ansible_collections.docbits.infor.plugins.plugin_utils.controller_action import ControllerAction
from ansible_collections.docbits.infor.plugins.plugin_utils.option_variables import COLLECTION_MAPPING_VARIABLE, OPTION as OPTION_VARIABLES, variable_names
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import record_shared_targets

# The options whose values say where an environment writes.
TARGET_OPTIONS = ("docbits_url", "api_key", "org_id", "sub_org_id", "doc_type", "doc_types", "config_id")


class ActionModule(ControllerAction):
    ARGUMENT_SPEC = {
        "group": {"type": "str"},
        OPTION_VARIABLES: {"type": "raw", "default": COLLECTION_MAPPING_VARIABLE},
    }

    def run_checked(self, params, task_vars, result):
        hosts = _hosts_of_the_run(params["group"], task_vars)
        mapping = variable_names(params[OPTION_VARIABLES], task_vars, self._templar)
        known = set(inventory_check.OTHER_KNOWN_VARIABLES)
        for names in mapping.values():
            known.update(names)
        names_by_host, targets, default_url_hosts = self._read_hosts(hosts, mapping, task_vars)
        unknown = inventory_check.unknown_variables(names_by_host, known)
        shared, shared_sets = inventory_check.shared_targets(targets)
        record_shared_targets(shared, C.DEFAULT_LOCAL_TMP)
        warnings = []
        if unknown:
            warnings.append(inventory_check.unknown_variables_warning(unknown))
        if default_url_hosts:
            warnings.append(
                "%s: no docbits_url and no DOCBITS_URL, so the default DocBits URL %s (production, Europe) is used" % (_some(default_url_hosts), DEFAULT_URL)
            )
        if shared:
            warnings.append(
                "environments that would write to the same DocBits configuration, each refused before any write "
                "(give each its own docbits_api_key or docbits_org_id): %s" % "; ".join(shared_sets)
            )
        if warnings:
            result["warnings"] = warnings
        result.update(
            changed=False,
            environments=len(hosts),
            unknown_variables=unknown,
            default_url=default_url_hosts,
            shared_configuration=sorted(shared),
        )
        return result

    def _read_hosts(self, hosts, mapping, task_vars):
        """(variable names per host, write targets, hosts on the default URL) of the run's environments."""
        hostvars = task_vars["hostvars"]
        # What the task sees beyond its host's own variables: play, role and task vars, the same for every host.
        own = hostvars[task_vars["inventory_hostname"]]
        play_scope = dict((name, value) for name, value in task_vars.items() if name not in own)
        names_by_host, targets, default_url_hosts = [], [], []
        for host in hosts:
            variables = hostvars[host]
            names_by_host.append((host, list(variables)))
            target, default_url = self._target(host, variables, mapping, play_scope, task_vars.get("omit"))
            if target is not None:
                targets.append(target)
            if default_url:
                default_url_hosts.append(host)
        return names_by_host, targets, default_url_hosts

    def _target(self, host, variables, mapping, play_scope, omit):
        """(Target or None when its values cannot be read, whether it uses the default URL)."""

        def value(option):
            return self._value(variables, mapping.get(option, ()), play_scope, omit)

        try:
            url, org_id = value("docbits_url"), value("org_id")
            # The key matters only without an organisation id: not decrypted (a Vault value) otherwise.
            key = None if org_id else value("api_key") or os.environ.get("DOCBITS_API_KEY")
            sub_org_id, doc_type, doc_types, config_id = value("sub_org_id"), value("doc_type"), value("doc_types"), value("config_id")
        except Exception:  # pylint: disable=broad-except
            # A value that does not resolve fails that environment's own task, naming the variable.
            return None, False
        default_url = not url and not os.environ.get("DOCBITS_URL")
        url = url or os.environ.get("DOCBITS_URL") or DEFAULT_URL
        if not org_id and not key:
            return None, default_url
        if isinstance(doc_types, str):
            doc_types = [doc_types]
        if doc_types and any(str(entry).lower() == inventory_check.ALL_DOC_TYPES for entry in doc_types):
            doc_types = {inventory_check.ALL_DOC_TYPES}
        else:
            doc_types = set(str(entry) for entry in doc_types or [doc_type or DEFAULT_DOC_TYPE])
        try:
            target = inventory_check.Target(
                host,
                str(url),
                str(org_id) if org_id else None,
                inventory_check.secret_digest(str(key)) if key else None,
                str(sub_org_id) if sub_org_id else None,
                doc_types,
                str(config_id) if config_id not in (None, "") else None,
            )
        except ValueError:
            # A docbits_url that is no URL: the environment's own task refuses it, naming the variable.
            return None, default_url
        return target, default_url

    def _value(self, variables, names, play_scope, omit):
        """The first of `names` set for the host (inventory and extra vars), else in the play's scope; None for omit."""
        value = None
        for name in names:
            if name in variables:
                value = variables[name]
                break
        else:
            for name in names:
                if name in play_scope:
                    value = self._templar.template(play_scope[name])
                    break
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            # Left unrendered (ansible-core 2.18 leaves an undefined variable so in hostvars): not a value to compare.
            raise ValueError("unresolved template")
        return None if value is not None and value == omit else value


def _hosts_of_the_run(group, task_vars):
    """The play's hosts (of `group` when given); none of the group fails the run, naming it."""
    hosts = list(task_vars.get("ansible_play_hosts_all") or [])
    if group is None:
        return hosts
    members = set((task_vars.get("groups") or {}).get(group) or ())
    hosts = [host for host in hosts if host in members]
    if not hosts:
        raise AnsibleActionFail(
            "group %s has no host in this run, so there is nothing to check or to provision: put one host per DocBits "
            "environment in group %s of the inventory (inventory sources: %s%s)"
            % (
                group,
                group,
                ", ".join(task_vars.get("ansible_inventory_sources") or []) or "none",
                "; --limit %s" % task_vars["ansible_limit"] if task_vars.get("ansible_limit") else "",
            )
        )
    return hosts


def _some(hosts, shown=5):
    return ", ".join(hosts[:shown]) + (" and %d more" % (len(hosts) - shown) if len(hosts) > shown else "")
