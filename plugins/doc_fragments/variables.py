# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  option_variables:
    description:
      - >-
        Options this task does not set, taken from the host's variables, as connection plugins take theirs; a
        dictionary of option name and variable name, or a list of variable names of which the first one set counts,
        or a dictionary with C(variable) (a name or a list) and C(required=true) for an option the task cannot do
        without (its variable not set fails the task), or C(text=true) for an option whose variable, when set, must
        resolve to text (nothing, as from a lookup that found nothing, a list or a number fails the task, naming it;
        a dictionary is taken as its JSON text).
      - Or the name of a variable holding that dictionary, as the role does with C(option_variables=ionapi_option_variables);
        the task then templates nothing per host, which in a bulk run costs less than templating the dictionary.
      - Or a subset of such a dictionary, named too, not templated (directly or as the name of a variable holding it,
        as the role's C(ionapi_validate_option_variables)) - C(from), the name of the variable holding the dictionary;
        C(options), the options to take of it; optionally C(optional), those of them that are not required here, and
        C(more), a dictionary of option and variable name for options the dictionary does not have.
      - A variable that is not set leaves its option to the option's default (or its environment variable). A
        variable that is set is templated; when it does not resolve (say a Vault file is missing) the task fails,
        naming the variable, and nothing else is used in its place. Options given to the task, by
        C(module_defaults) too, win over their variables.
      - The variables of two mutually exclusive options (O(docbits.infor.ionapi#module:src) and
        O(docbits.infor.ionapi#module:content)) are never both set; that fails the task, naming both. An option the
        task gives itself leaves the variables of the others of its group unused.
      - Resolved by the action plugin on the controller, once per host and without templating the whole mapping,
        which makes a bulk run markedly cheaper than templating one expression of options per host. The role
        P(docbits.infor.ionapi#role) passes its mapping of the C(docbits_*) inventory variables here.
    type: raw
    version_added: 1.1.0
"""
