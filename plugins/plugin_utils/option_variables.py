# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module options taken from the host's variables (the option_variables option), on the controller.

What connection plugins do with the ``vars:`` of their options, for the collection's modules: the
role names the variable of each option once (roles/ionapi/vars/main.yml) and the action plugin
resolves them, instead of every host templating one expression that builds the options. That
expression was most of a bulk run's per-host cost (see docs/performance.md).

Precedence: the task's own arguments (module_defaults included), then the variable, then the
option's environment fallback and default. A variable that is not set leaves the option alone; a
variable that is set but does not resolve (a missing Vault file) fails the host, naming the
variable, and never falls back to another key or URL; a required one that is not set fails it too.
"""

from __future__ import annotations

from ansible.errors import AnsibleUndefinedVariable

from ansible_collections.docbits.infor.plugins.module_utils.errors import OptionError, printable

OPTION = "option_variables"
# {from: variable holding a mapping, options: [option, ...], optional: [option, ...], more: {option: variable}}:
# the named options of a mapping (those in optional without their required flag), plus entries of the task's own.
SUBSET_KEYS = ("from", "options")
SUBSET_EXTRA_KEYS = ("optional", "more")


def options_from_variables(mapping, argument_spec, given, task_vars, templar):
    """{option: value} for the options of `mapping` that `given` leaves unset and whose variable is set.

    mapping: {option: a variable name, a list of names of which the first one set counts, or
    {variable: name or list, required: true} for an option the task cannot do without}; or the name
    of a variable holding that mapping, which spares the task templating the mapping for every host;
    or {from: the name of such a variable, options: [the options to take of it], optional: [those of them
    not required here], more: {option: variable, for options the mapping has not}}, a subset named,
    not templated (or the name of a variable holding that).
    """
    mapping = mapping_of(mapping, task_vars, templar)
    if not isinstance(mapping, dict):
        raise OptionError("%s: must be a dictionary of option: variable name, not %s" % (OPTION, type(mapping).__name__))
    unknown = sorted(printable(option) for option in mapping if option not in argument_spec or option == OPTION)
    if unknown:
        raise OptionError("%s: %s %s no option of this module" % (OPTION, ", ".join(unknown), "is" if len(unknown) == 1 else "are"))
    omit = task_vars.get("omit")
    options = {}
    for option, entry in mapping.items():
        names, required = _entry(option, entry)
        if option in given:
            continue
        # The first variable that is set decides, even when it resolves to nothing.
        name = next((name for name in names if name in task_vars), None)
        value = _resolve(option, name, task_vars[name], templar) if name is not None else None
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
        raise OptionError("%s: no variable %s holds the mapping" % (OPTION, printable(mapping)))
    value = task_vars[mapping]
    # Written as data, a mapping holds names, not templates: templating it would cost every host about as
    # much as resolving its options; only a mapping written as one expression is templated.
    return _resolve(OPTION, mapping, value, templar) if isinstance(value, str) else value


def _subset(subset, task_vars, templar):
    """The entries of subset's options in the mapping it takes them from."""
    source, options, optional, more = subset["from"], subset["options"], subset.get("optional", []), subset.get("more", {})
    if not isinstance(source, str) or not all(isinstance(names, list) and all(isinstance(name, str) for name in names) for names in (options, optional)) \
            or not isinstance(more, dict):
        raise OptionError("%s: 'from' names the variable of a mapping, 'options' and 'optional' list option names, 'more' maps options to variables"
                          % OPTION)
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


def _entry(option, entry):
    """(variable names, required) of one entry of the mapping."""
    required = False
    if isinstance(entry, dict):
        required = entry.get("required", False)
        if set(entry) - {"variable", "required"} or not isinstance(required, bool):
            raise OptionError("%s: the entry of option %s takes variable and required (true or false)" % (OPTION, printable(option)))
        entry = entry.get("variable")
    names = [entry] if isinstance(entry, str) else entry
    if not isinstance(names, list) or not names or not all(isinstance(name, str) and name for name in names):
        raise OptionError("%s: the variable of option %s must be a name or a list of names" % (OPTION, printable(option)))
    return names, required


def _resolve(option, name, value, templar):
    try:
        return templar.template(value)
    except AnsibleUndefinedVariable as exc:
        # Its message names the undefined variable only ("'vault_docbits_api_key' is undefined").
        reason = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    except Exception as exc:  # pylint: disable=broad-except
        # Another error (a filter's own, on ansible-core 2.18 unwrapped) may quote the value: its kind only.
        reason = type(exc).__name__
    raise OptionError("option %s: variable %s is set but does not resolve (%s); nothing else is used in its place"
                      % (printable(option), printable(name), reason))
