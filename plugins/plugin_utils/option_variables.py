# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""Module options taken from the host's variables (the option_variables option), on the controller.

What connection plugins do with the ``vars:`` of their options, for the collection's modules: the
role names the variable of each option once (roles/ionapi/vars/main.yml) and the action plugin
resolves them, instead of every host templating one expression that builds the options. That
expression was most of a bulk run's per-host cost (see docs/performance.md).

Precedence: the task's own arguments (module_defaults included), then the variable, then the
option's environment fallback and default. A variable that is not set leaves the option alone; a
variable that is set but does not resolve (a missing Vault file) fails the host, naming the
variable, and never falls back to another key or URL; a required one that is not set fails it too.
A text one (the .ionapi file's content, from a secret store's lookup) fails it when it resolves to
nothing or to anything but text. Two variables of mutually exclusive options are never both set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import yaml

from ansible.errors import AnsibleUndefinedVariable
from ansible.parsing.vault import AnsibleVaultError

from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError, printable

OPTION = "option_variables"
# {from: variable holding a mapping, options: [option, ...], optional: [option, ...], more: {option: variable}}:
# the named options of a mapping (those in optional without their required flag), plus entries of the task's own.
SUBSET_KEYS = ("from", "options")
SUBSET_EXTRA_KEYS = ("optional", "more")
# What a text variable resolved to instead, in the user's words.
_KINDS = (("list", (list, tuple)), ("boolean", bool), ("number", (int, float)))


# The collection's own mappings: the role's, beside the plugins in every copy of the collection.
COLLECTION_MAPPING_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles", "ionapi", "vars", "main.yml")
# The whole mapping, what a task that names none reads (ionapi_inventory_check).
COLLECTION_MAPPING_VARIABLE = "ionapi_option_variables"


def _collection_mappings():
    with open(COLLECTION_MAPPING_FILE, encoding="utf-8") as variables:
        return dict((name, value) for name, value in yaml.safe_load(variables).items() if name.endswith("_option_variables"))


# Read when the plugins load in ansible-playbook's main process, so the workers it forks inherit them.
COLLECTION_MAPPINGS = _collection_mappings()


def variable_names(mapping, task_vars, templar):
    """{option: [variable names]} of `mapping` (as options_from_variables takes it), not checked against a module."""
    return dict((option, _entry(option, entry)[0]) for option, entry in _mapping(mapping, task_vars, templar).items())


def _mapping(mapping, task_vars, templar):
    mapping = mapping_of(mapping, task_vars, templar)
    if not isinstance(mapping, dict):
        raise OptionError("%s: must be a dictionary of option: variable name, not %s" % (OPTION, type(mapping).__name__))
    return mapping


def options_from_variables(mapping, argument_spec, given, task_vars, templar, mutually_exclusive=(), sources=None):
    """{option: value} for the options of `mapping` that `given` leaves unset and whose variable is set.

    mapping: {option: a variable name, a list of names of which the first one set counts, or
    {variable: name or list, required: true, text: true} for an option the task cannot do without,
    or one that must resolve to non-empty text}; or the name of a variable holding that mapping,
    which spares the task templating the mapping for every host; or {from: the name of such a variable,
    options: [the options to take of it], optional: [those of them not required here], more: {option:
    variable, for options the mapping has not}}, a subset named, not templated (or the name of a variable
    holding that).
    mutually_exclusive: groups of options of which at most one variable may be set.
    sources, a dictionary, receives {option: the variable its value comes from, or would} for the options
    the task leaves to its variables, for messages.
    """
    mapping = _mapping(mapping, task_vars, templar)
    unknown = sorted(printable(option) for option in mapping if option not in argument_spec or option == OPTION)
    if unknown:
        raise OptionError("%s: %s %s no option of this module" % (OPTION, ", ".join(unknown), "is" if len(unknown) == 1 else "are"))
    entries = dict((option, _entry(option, entry)) for option, entry in mapping.items())
    # The first variable that is set decides, even when it resolves to nothing.
    chosen = dict((option, next((name for name in names if name in task_vars), None)) for option, (names, _flags) in entries.items())
    left_to_task = _left_to_task(mutually_exclusive, chosen, given)
    omit = task_vars.get("omit")
    options = {}
    for option, (names, (required, text)) in entries.items():
        if option in left_to_task:
            continue
        name = chosen[option]
        if sources is not None:
            # Messages about the option name the variable that sets it, or would.
            sources[option] = name or names[0]
        value = _resolve(option, name, task_vars[name], templar) if name is not None else None
        if text and name is not None:
            value = _as_text(option, name, None if omit is not None and value == omit else value)
        if value is not None and not (omit is not None and value == omit):
            options[option] = value
        elif required:
            raise OptionError("option %s: variable %s is not set, and this task needs it" % (printable(option), printable(name or names[0])))
    return options


def mapping_of(mapping, task_vars, templar):
    """What the option_variables value `mapping` stands for: the variable it names, the subset it takes."""
    mapping = _named(mapping, task_vars, templar)
    if isinstance(mapping, dict) and set(SUBSET_KEYS) <= set(mapping) <= set(SUBSET_KEYS + SUBSET_EXTRA_KEYS):
        mapping = _subset(mapping, task_vars, templar)
    return mapping


def _named(mapping, task_vars, templar):
    """The value of the variable that `mapping` names, or `mapping` itself when it is no name."""
    if not isinstance(mapping, str):
        return mapping
    if mapping not in task_vars:
        # The collection's playbooks name its mappings without importing the role that sets them: an
        # imported role costs the controller one more task for every host (docs/performance.md).
        if mapping in COLLECTION_MAPPINGS:
            return COLLECTION_MAPPINGS[mapping]
        raise OptionError("%s: no variable %s holds the mapping" % (OPTION, printable(mapping)))
    value = task_vars[mapping]
    # Written as data, a mapping holds names, not templates: templating it would cost every host about as
    # much as resolving its options; only a mapping written as one expression is templated.
    return _resolve(OPTION, mapping, value, templar) if isinstance(value, str) else value


def _subset(subset, task_vars, templar):
    """The entries of subset's options in the mapping it takes them from."""
    source, options, optional, more = subset["from"], subset["options"], subset.get("optional", []), subset.get("more", {})
    lists_of_names = all(isinstance(names, list) and all(isinstance(name, str) for name in names) for names in (options, optional))
    if not (isinstance(source, str) and lists_of_names and isinstance(more, dict)):
        raise OptionError("%s: 'from' names the variable of a mapping, 'options' and 'optional' list option names, 'more' maps options to variables" % OPTION)
    mapping = _named(source, task_vars, templar)
    if not isinstance(mapping, dict):
        raise OptionError("%s: variable %s must hold a dictionary of option: variable name" % (OPTION, printable(source)))
    missing = sorted(printable(option) for option in options + optional if option not in mapping or option not in options)
    if missing:
        raise OptionError("%s: %s not in the options taken of %s" % (OPTION, ", ".join(missing), printable(source)))
    taken = dict((option, mapping[option]) for option in options)
    for option in optional:
        if isinstance(taken[option], dict):
            taken[option] = dict(taken[option], required=False)
    taken.update(more)
    return taken


def _left_to_task(groups, chosen, given):
    """The options the task gives, and the others of their mutually exclusive groups: the task's own option wins.
    Fails when two options of one group would come from variables."""
    left = set(given)
    for group in groups:
        if any(option in given for option in group):
            left.update(group)
            continue
        both = [(option, chosen[option]) for option in group if chosen.get(option) is not None]
        if len(both) > 1:
            raise OptionError(
                "variables %s are set together, but options %s are mutually exclusive: set only one of them for this host"
                % (" and ".join(printable(name) for _option, name in both), " and ".join(printable(option) for option, _name in both))
            )
    return left


def _as_text(option, name, value):
    """The text of a text variable that is set: not nothing (a lookup that found nothing), nor a list or a
    scalar. A dictionary is taken as the JSON object it is: ansible-core 2.18 turns JSON text into one
    when it templates it, and a secret store may keep the file's keys as fields."""
    if isinstance(value, Mapping):
        return json.dumps(dict(value))
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OptionError(
            "option %s: variable %s is set but resolves to nothing (a lookup that found nothing?); nothing else is used in its place"
            % (printable(option), printable(name))
        )
    if not isinstance(value, str):
        kind = next((word for word, types in _KINDS if isinstance(value, types)), "value of another kind")
        raise OptionError("option %s: variable %s resolves to a %s, not to text" % (printable(option), printable(name), kind))
    return value


def _entry(option, entry):
    """(variable names, (required, text)) of one entry of the mapping."""
    required = text = False
    if isinstance(entry, dict):
        required = entry.get("required", False)
        text = entry.get("text", False)
        if set(entry) - {"variable", "required", "text"} or not isinstance(required, bool) or not isinstance(text, bool):
            raise OptionError("%s: the entry of option %s takes variable, required and text (true or false)" % (OPTION, printable(option)))
        entry = entry.get("variable")
    names = [entry] if isinstance(entry, str) else entry
    if not isinstance(names, list) or not names or not all(isinstance(name, str) and name for name in names):
        raise OptionError("%s: the variable of option %s must be a name or a list of names" % (OPTION, printable(option)))
    return names, (required, text)


def plain(value):
    """`value` as plain Python data. ansible-core 2.19 tags every string, number and collection it reads
    with where it came from, and the argument validator deep-copies the options: a tagged value costs
    that copy about ten times a plain one, for every host."""
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    if isinstance(value, Mapping):
        return dict((plain(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _resolve(option, name, value, templar):
    if isinstance(value, str) and "{" not in value:
        # Nothing to template (the usual inventory value): the templar would return it as it is, at a cost.
        return plain(value)
    try:
        return plain(templar.template(value))
    except AnsibleUndefinedVariable as exc:
        # Its message names the undefined variable only ("'vault_docbits_api_key' is undefined").
        reason = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # pylint: disable=broad-except
        if _needs_vault_password(exc):
            raise OptionError(
                "option %s: variable %s is Vault-encrypted and no Vault password given to the run decrypts it: run with "
                "--ask-vault-pass or --vault-password-file (in AWX: a Vault credential on the job template); nothing else is "
                "used in its place" % (printable(option), printable(name))
            )
        # Another error (a filter's own, on ansible-core 2.18 unwrapped) may quote the value: its kind only.
        reason = type(exc).__name__
    raise OptionError(
        "option %s: variable %s is set but does not resolve (%s); nothing else is used in its place" % (printable(option), printable(name), reason)
    )


def _needs_vault_password(exc):
    """Whether `exc`, or an error behind it, is Vault failing to decrypt (a missing or wrong password)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, AnsibleVaultError) or "decrypt" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False
