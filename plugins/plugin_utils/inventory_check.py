# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# For use inside the docbits.infor collection only: these interfaces may change in any release, even a
# bugfix one (CONTRIBUTING.md, "Python interfaces").
"""What the once-per-run inventory check decides, without Ansible: variable names that look like the
collection's but are none of its own, and environments that would write to the same DocBits
organisation and document type in one run.

Both are mistakes that a per-host task cannot see: a misspelt variable is simply not read (the
option falls back to its default, with that environment's key), and two environments sharing an
organisation each overwrite the other's file on every run, both reported as changed.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

PREFIXES = ("docbits_", "ionapi_", "infor_")
ALL_DOC_TYPES = "all"

# Names the collection reads besides the module options of roles/ionapi/vars/main.yml: run variables
# of the playbooks, the role's own variables, and what its tasks register.
OTHER_KNOWN_VARIABLES = frozenset(
    (
        "docbits_summary_dir",
        "docbits_serial",
        "docbits_throttle",
        "docbits_ionapi_strict",
        "docbits_info_doc_type",
        "docbits_default_doc_types",
        "docbits_check_group",
        "docbits_report_kind",
        "docbits_report_name",
        "docbits_report_result_var",
        "docbits_contract_url",
        "docbits_ionapi_result",
        "docbits_ionapi_validation",
        "docbits_info",
        "docbits_local_ionapi",
        "docbits_contract",
        "docbits_run_report",
        "docbits_inventory_check",
        "ionapi_option_variables",
        "ionapi_validate_option_variables",
        "ionapi_source_option_variables",
        "ionapi_info_option_variables",
        "ionapi_contract_option_variables",
    )
)


def edit_distance(first, second):
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours."""
    previous_previous = None
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, other in enumerate(second, 1):
            cost = 0 if char == other else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


def meant_variable(name, known):
    """(looks like the collection's, the known name meant or None) for a variable name that is not known."""
    if not name.startswith(PREFIXES):
        # Outside the prefixes only an obvious slip (one edit in a long name) is the collection's. Every
        # magic and connection variable of every host comes here: only names of a near length are compared.
        if len(name) < 8:
            return False, None
        near = [candidate for candidate in known if abs(len(candidate) - len(name)) <= 1 and edit_distance(name, candidate) <= 1]
        return (True, min(near)) if near else (False, None)
    if not known:
        return True, None

    def rank(candidate):
        # A known name with a part left out or added (docbits_org for docbits_org_id) first, then the nearest.
        partial = candidate.startswith(name) or name.startswith(candidate)
        return (not partial, edit_distance(name, candidate), candidate)

    not_partial, distance, best = min(rank(candidate) for candidate in known)
    # About one slip per six characters: docbits_urll is docbits_url, docbits_foo is not docbits_info.
    close = distance <= max(1, len(name) // 6)
    return True, best if not not_partial or close else None


def unknown_variables(names_by_host, known):
    """[{name, meant, hosts}] for the collection-like names that are not known, sorted by name."""
    known = sorted(set(known))
    verdicts = {}
    found = {}
    for host, names in names_by_host:
        for name in names:
            if name in verdicts:
                if verdicts[name] is not None:
                    found[name].append(host)
                continue
            if name in known or not isinstance(name, str):
                verdicts[name] = None
                continue
            looks_like, meant = meant_variable(name, known)
            verdicts[name] = meant if looks_like else None
            if looks_like:
                found[name] = [host]
    return [dict(name=name, meant=verdicts[name], hosts=hosts) for name, hosts in sorted(found.items())]


def unknown_variables_warning(unknown, shown_hosts=3):
    """One warning naming every unknown variable, the name meant and where it is set."""
    parts = []
    for entry in unknown:
        hosts = entry["hosts"]
        where = ", ".join(hosts[:shown_hosts]) + (" and %d more" % (len(hosts) - shown_hosts) if len(hosts) > shown_hosts else "")
        meant = "did you mean %s?" % entry["meant"] if entry["meant"] else "no variable of docbits.infor"
        parts.append("%s (%s; set for %s)" % (entry["name"], meant, where))
    return (
        "variable(s) that docbits.infor does not read, so their values are not used: %s. "
        "Rename them to what they were meant to be; the options they were meant for get their defaults until then" % "; ".join(parts)
    )


def base_url(url):
    """The base URL as DocBits sees it: without user info or a trailing slash, scheme and host in lower case."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.port:
        host = "%s:%d" % (host, parts.port)
    return urlunsplit((parts.scheme.lower(), host.lower(), parts.path.rstrip("/"), parts.query, ""))


def secret_digest(value):
    """A key compared by its digest only: the check never keeps or writes a key in clear."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class Target:
    """Where one environment writes: base URL, organisation (its docbits_org_id, else its key),
    sub-organisation, and its document types (or configuration id)."""

    def __init__(self, host, url, org_id, key_digest, sub_org_id, doc_types, config_id):
        self.host = host
        self.url = base_url(url)
        self.organisation = ("org", org_id) if org_id else ("key", key_digest)
        self.sub_org_id = sub_org_id or ""
        self.doc_types = doc_types
        self.config_id = config_id

    def shares_organisation(self, other):
        return (self.url, self.organisation, self.sub_org_id) == (other.url, other.organisation, other.sub_org_id)

    def overlaps(self, other):
        """Both would write to at least one same configuration: a shared id, a shared document type, or all types."""
        if not self.shares_organisation(other):
            return False
        if self.config_id is not None or other.config_id is not None:
            return self.config_id == other.config_id or ALL_DOC_TYPES in (self.doc_types | other.doc_types)
        return bool(self.doc_types & other.doc_types) or ALL_DOC_TYPES in (self.doc_types | other.doc_types)

    def describe(self):
        organisation = "docbits_org_id %s" % self.organisation[1] if self.organisation[0] == "org" else "one API key without docbits_org_id"
        sub = " sub-organisation %s," % self.sub_org_id if self.sub_org_id else ""
        what = "configuration %s" % self.config_id if self.config_id is not None else "document type(s) %s" % ", ".join(sorted(self.doc_types))
        return "%s at %s,%s %s" % (organisation, self.url, sub, what)


def shared_targets(targets):
    """({host: message} for every environment that would write where another environment of the run writes,
    [one line per such set of environments])."""
    by_organisation = {}
    for target in targets:
        by_organisation.setdefault((target.url, target.organisation, target.sub_org_id), []).append(target)
    verdicts = {}
    sets = {}
    for group in by_organisation.values():
        for target in group:
            others = [other.host for other in group if other is not target and target.overlaps(other)]
            if others:
                verdicts[target.host] = (
                    "%s writes to the same DocBits configuration as %s in this run (%s): each would replace the other's "
                    ".ionapi file on every run. Nothing was written for any of them: give each environment its own "
                    "docbits_api_key or docbits_org_id (or docbits_sub_org_id, docbits_doc_type)" % (target.host, ", ".join(sorted(others)), target.describe())
                )
                sets.setdefault(tuple(sorted([target.host] + others)), target.describe())
    return verdicts, ["%s (%s)" % (", ".join(hosts), where) for hosts, where in sorted(sets.items())]
