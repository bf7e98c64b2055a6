# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.docbits.infor.plugins.module_utils.arguments import IONAPI_INFO_ARGUMENTS
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, printable
from ansible_collections.docbits.infor.plugins.module_utils.preflight import openapi_url
from ansible_collections.docbits.infor.plugins.plugin_utils.action import DocBitsAction
from ansible_collections.docbits.infor.plugins.plugin_utils.option_variables import OPTION as OPTION_VARIABLES, mapping_of, options_from_variables


class ActionModule(DocBitsAction):

    MODULE = "docbits.infor.ionapi_info"
    ARGUMENTS = IONAPI_INFO_ARGUMENTS
    READS_SOURCE_WHEN_ABSENT = False

    def _arguments(self, task_vars, sources=None):
        if self._task.args.get("hosts") is not None:
            # Each URL's options are its first host's (outcome), not those of the host the task runs for.
            return dict(self._given(), hosts=self._task.args["hosts"])
        return super()._arguments(task_vars, sources)

    def outcome(self, params, task_vars, sources=None):
        if params.get("hosts") is None:
            return super().outcome(params, task_vars, sources)
        if not params["contract"]:
            raise OptionError("hosts: only with contract=true (one check per distinct docbits_url of the hosts)")
        contracts = [self._contract(url, host, task_vars) for url, host in self._first_host_per_url(params["hosts"], task_vars)]
        return {"changed": False, "configurations": [], "contracts": contracts}

    def _first_host_per_url(self, hosts, task_vars):
        """(docbits_url, the first of `hosts` with it) per distinct URL: only the URL of each host is resolved."""
        given = self._given()
        only_url = dict((option, entry) for option, entry in self._mapping(task_vars).items() if option == "docbits_url")
        first = {}
        for host in hosts:
            host_vars, templar = self._variables_of(host, task_vars)
            try:
                arguments = dict(given, **options_from_variables(only_url, self.ARGUMENTS.argument_spec, given, host_vars, templar))
            except DocBitsInforError as exc:
                raise OptionError("%s: %s" % (printable(host), exc))
            # Validated, so that an unset docbits_url takes its fallback (DOCBITS_URL) and default as the module would.
            first.setdefault(self._validated_params(arguments)["docbits_url"], host)
        return list(first.items())

    def _contract(self, url, host, task_vars):
        """The check of `url` with the options of `host`; a host whose options fail is its URL's finding."""
        host_vars, templar = self._variables_of(host, task_vars)
        given = self._given()
        try:
            arguments = dict(given, **options_from_variables(self._mapping(task_vars), self.ARGUMENTS.argument_spec, given, host_vars, templar))
            params = self._validated_params(dict(arguments, hosts=None))
            params["environment_name"] = params.get("environment_name") or host
            contract = super().outcome(params, task_vars)["contract"]
        except DocBitsInforError as exc:
            contract = {"source": openapi_url(url), "readable": False, "reason": str(exc), "findings": [], "table": [], "blocking": 0, "ignored": 0}
        contract.update(docbits_url=url, environment=host, summary=_summary(contract))
        return contract

    def _mapping(self, task_vars):
        """The task's option_variables as a dictionary: the role's mapping is a variable of this task, not of each host."""
        mapping = mapping_of(self._task.args.get(OPTION_VARIABLES) or {}, task_vars, self._templar)
        if not isinstance(mapping, dict):
            raise OptionError("%s: must be a dictionary of option: variable name, not %s" % (OPTION_VARIABLES, type(mapping).__name__))
        return mapping

    def _given(self):
        return dict((name, value) for name, value in self._task.args.items() if name not in (OPTION_VARIABLES, "hosts"))

    def _variables_of(self, host, task_vars):
        """The variables of inventory host `host` (not templated) and a templar over them."""
        host_vars = task_vars["hostvars"].raw_get(host)
        return host_vars, self._templar.copy_with_new_env(available_variables=host_vars)


def _summary(contract):
    """One line per base URL: readable or why not, and the count of findings."""
    if not contract["readable"]:
        return "%s cannot be read: %s" % (contract["source"], contract["reason"])
    return "%s: %s %s: %d blocking, %d ignored" % (
        contract["source"],
        contract.get("title") or "",
        contract.get("version") or "",
        contract["blocking"],
        contract["ignored"],
    )
