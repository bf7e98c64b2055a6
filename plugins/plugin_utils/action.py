# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Controller side shared by the collection's action plugins.

The .ionapi file is read on the controller (Vault-decrypted through the loader, as
ansible.builtin.copy does) and validated there, so neither a bad file nor any file at all
has to reach a managed host. With a local connection the module's logic then runs on the
controller, in the run's shared runner (shared_runner.py); otherwise the module is shipped with
the file's content.
"""

from __future__ import annotations

import contextlib
import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.docbits.infor.plugins.module_utils.arguments import ModuleArguments, check_concurrency_limit
from ansible_collections.docbits.infor.plugins.module_utils.docbits_api import DEFAULT_URL
from ansible_collections.docbits.infor.plugins.module_utils.errors import DocBitsInforError, OptionError, RelayedFailure, failure_details, printable
from ansible_collections.docbits.infor.plugins.module_utils.runner import ControllerFile, load_ionapi, read_source, source_path
from ansible_collections.docbits.infor.plugins.plugin_utils.option_variables import OPTION as OPTION_VARIABLES, options_from_variables, plain
from ansible_collections.docbits.infor.plugins.plugin_utils.messages import files_dir_hint, in_user_words, path_hint
from ansible_collections.docbits.infor.plugins.plugin_utils.run_cache import RunSlots, shared_target
from ansible_collections.docbits.infor.plugins.plugin_utils.shared_runner import Job, failure_kind, run_job

DEFAULT_URL_WARNING = (
    "docbits_url is not set (nor DOCBITS_URL), so this environment uses the default DocBits URL %s (production, "
    "Europe); set docbits_url to say which DocBits it is" % DEFAULT_URL
)


class DocBitsAction(ActionBase):
    """Subclasses set the module name (an entry of shared_runner.ENTRY_POINTS) and its ModuleArguments."""

    TRANSFERS_FILES = False
    _requires_connection = False

    MODULE = ""
    ARGUMENTS: ModuleArguments
    # A module that writes to DocBits: refused for an environment the run's inventory check found
    # sharing its configuration with another one (plugins/action/ionapi_inventory_check.py).
    WRITES = False
    # Whether src is read with state=absent too (docbits.infor.ionapi does, as it always has, though it then uses no file).
    READS_SOURCE_WHEN_ABSENT = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        try:
            params, sources = self._params(task_vars, result)
            outcome = self._outcome_in_user_words(params, task_vars, sources)
        except _TaskFailure as failure:
            result.update(failed=True, msg=failure.message, **failure.details)
            return result
        result.setdefault("warnings", []).extend(outcome.pop("warnings", None) or [])
        if not self._task.diff:
            outcome.pop("diff", None)
        result.update(outcome)
        return result

    def _params(self, task_vars, result):
        """(validated options, the variable behind each option); a refusal raises _TaskFailure in the user's words."""
        if self.WRITES:
            refusal = shared_target(task_vars.get("inventory_hostname"), C.DEFAULT_LOCAL_TMP)
            if refusal:
                raise _TaskFailure(refusal, rule="shared-configuration")
        sources = {}
        try:
            arguments = self._arguments(task_vars, sources)
        except DocBitsInforError as exc:
            # These already name the variable.
            raise _TaskFailure(str(exc)) from None
        try:
            params = self._validated_params(arguments)
        except AnsibleActionFail as exc:
            raise _TaskFailure(in_user_words(exc.message, sources)) from None
        if "docbits_url" in self.ARGUMENTS.argument_spec and "docbits_url" not in arguments and not os.environ.get("DOCBITS_URL"):
            # The default is production: a missing or misspelt docbits_url must not go there unsaid.
            result["docbits_url_default"] = True
            result.setdefault("warnings", []).append(DEFAULT_URL_WARNING)
        if "environment_name" in self.ARGUMENTS.argument_spec and not params.get("environment_name"):
            params["environment_name"] = task_vars.get("inventory_hostname")
        return params, sources

    def _outcome_in_user_words(self, params, task_vars, sources):
        try:
            return self.outcome(params, task_vars, sources)
        except DocBitsInforError as exc:
            message = str(exc)
            kind = failure_kind(exc)
            if kind == "option":
                # It says which option to check: named as the inventory sets it.
                message = in_user_words(message, sources)
            elif kind == "not-found":
                message += path_hint(params.get("docbits_url"), sources)
            raise _TaskFailure(message, **failure_details(exc)) from None

    def outcome(self, params, task_vars, sources=None):
        """The module's result for validated `params`, in-process or on the target (`sources`: the variable behind each option)."""
        sources = sources if sources is not None else {}
        # An environment that is to carry no file (state=absent) has none to read.
        reads = params.get("state", "present") == "present" or self.READS_SOURCE_WHEN_ABSENT
        controller_file = self._read_controller_source(params, sources) if reads else None
        if params.get("content") is not None:
            # Named as the inventory names it (ionapi_content), never by its text.
            controller_file = ControllerFile(params["content"], sources.get("content", "content"))
        with self._slot(params.get("concurrency_limit")):
            if self._connection.transport == "local":
                # On the controller: in the run's shared runner where it can serve (plugin_utils/shared_runner.py).
                return run_job(Job(self.MODULE, params, controller_file, bool(self._task.check_mode), C.DEFAULT_LOCAL_TMP))
            return self._run_on_target(params, controller_file, task_vars)

    @staticmethod
    def _slot(limit):
        """Held while the task talks to DocBits: at most `limit` hosts of the run at once (0: no limit)."""
        check_concurrency_limit(limit or 0)
        if not limit:
            return contextlib.nullcontext()
        return RunSlots(limit, C.DEFAULT_LOCAL_TMP).held()

    def _validated_params(self, arguments):
        """`arguments` checked against the module's spec, as validate_argument_spec() checks the task's,
        with the validator built once per module instead of once per host."""
        outcome = self.ARGUMENTS.validator.validate(arguments)
        if outcome.errors.errors:
            message = outcome.errors.msg
            if isinstance(outcome.errors.errors[0], UnsupportedError):
                message = "Unsupported parameters for (%s) module: %s" % (self.MODULE, message)
            raise AnsibleActionFail(message)
        return outcome.validated_parameters

    def _arguments(self, task_vars, sources=None):
        """The task's arguments, completed from the variables that option_variables names (recorded in sources)."""
        arguments = plain(dict(self._task.args))
        mapping = arguments.pop(OPTION_VARIABLES, None)
        if mapping is not None:
            arguments.update(
                options_from_variables(
                    mapping,
                    self.ARGUMENTS.argument_spec,
                    arguments,
                    task_vars,
                    self._templar,
                    mutually_exclusive=self.ARGUMENTS.constraints["mutually_exclusive"],
                    sources=sources,
                )
            )
        return arguments

    def _read_controller_source(self, params, sources):
        """The ControllerFile named by src (its label: src), or None without src."""
        src = source_path(params)
        if not src:
            return None
        try:
            path = self._find_needle("files", src)
        except AnsibleError:
            raise OptionError("src '%s': no such file on the controller%s" % (printable(src), files_dir_hint(params, sources)))
        if os.path.isdir(path):
            raise OptionError("src '%s': is a directory, not an .ionapi file" % printable(src))
        if not os.path.isfile(path):
            raise OptionError("src '%s': is not a regular file" % printable(src))
        try:
            real_path = self._loader.get_real_file(path, decrypt=True)
        except AnsibleError as exc:
            hint = "is Vault-encrypted and could not be decrypted: give the right vault password" if "vault" in str(exc).lower() else "cannot be read"
            raise OptionError("src '%s': %s (%s)" % (printable(src), hint, type(exc).__name__))
        try:
            # A Vault-encrypted file is safe at any mode; only plaintext earns the warning.
            return read_source(real_path, label=src, warn_permissions=real_path == path)
        finally:
            self._loader.cleanup_tmp_file(real_path)

    def _run_on_target(self, params, controller_file, task_vars):
        module_args = dict((name, value) for name, value in params.items() if value is not None)
        if controller_file is not None:
            # Validate here, so an invalid file never leaves the controller.
            load_ionapi(params, controller_file)
        if controller_file is not None and params.get("content") is None:
            # The file read on the controller goes as content.
            module_args.pop("src")
            module_args.pop("src_dir", None)
            module_args.pop("concurrency_limit", None)
            module_args["content"] = controller_file.data.decode("utf-8-sig")
        outcome = self._execute_module(module_name=self.MODULE, module_args=module_args, task_vars=task_vars)
        if outcome.get("failed"):
            raise RelayedFailure(outcome.get("msg", "the module failed on the target"), rule=outcome.get("rule"), key=outcome.get("key"))
        outcome.pop("invocation", None)
        return outcome


class _TaskFailure(Exception):
    """The task fails with this message (already in the user's words) and these result keys."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details
