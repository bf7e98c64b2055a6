# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the benchmark runs: one scenario per playbook (and the baselines), with what a run must show
to count (exit code, changed hosts, writes) and the requests its latency limit allows."""

from dataclasses import dataclass

from .paths import HERE, PLAYBOOKS

PROVISION = PLAYBOOKS / "provision_ionapi.yml"
PLAIN_PLAYBOOK = HERE / "plain_uri_playbook.yml"
NOOP_PLAYBOOK = HERE / "noop_playbook.yml"

# What the simulator must hold before a scenario: nothing to ask for, or every tenant as the collection provisions it.
STATE_ANY = None
STATE_PROVISIONED = "provisioned"


@dataclass(frozen=True)
class Scenario:
    """One playbook run: from which simulator state, and what it must show to count."""

    playbook: object
    what: str
    reset: bool = False
    needs: object = STATE_ANY
    leaves: object = STATE_ANY
    changed: str = "none"
    writes_per_tenant: int = 0
    recap_hosts: str = "all"
    extra_args: tuple = ()


SCENARIOS = {
    "collection_first": Scenario(
        PROVISION, "provision_ionapi first run (every tenant created)", reset=True, leaves=STATE_PROVISIONED, changed="all", writes_per_tenant=1
    ),
    "collection_rerun": Scenario(PROVISION, "provision_ionapi re-run (nothing to change)", needs=STATE_PROVISIONED, leaves=STATE_PROVISIONED),
    "audit": Scenario(PLAYBOOKS / "audit_ionapi.yml", "audit_ionapi (every tenant in sync)", needs=STATE_PROVISIONED),
    "validate": Scenario(PLAYBOOKS / "validate_ionapi.yml", "validate_ionapi (offline)"),
    "info": Scenario(PLAYBOOKS / "info_ionapi.yml", "info_ionapi", needs=STATE_PROVISIONED),
    # The files unchanged: a token proved (and revoked) with each at the Infor simulator, nothing uploaded.
    "rotate": Scenario(PLAYBOOKS / "rotate_ionapi.yml", "rotate_ionapi (the files unchanged)", needs=STATE_PROVISIONED),
    # One task for the play: the recap names the one host it ran for.
    "contract": Scenario(PLAYBOOKS / "check_contract.yml", "check_contract (one base URL)", recap_hosts="one"),
    "plain_first": Scenario(PLAIN_PLAYBOOK, "plain uri playbook first run", reset=True, changed="all", writes_per_tenant=1),
    "plain_rerun": Scenario(PLAIN_PLAYBOOK, "plain uri playbook re-run"),
    "floor": Scenario(NOOP_PLAYBOOK, "no-op floor (one set_fact per host)"),
}

# The bulk comparison of issue 4 (no latency) and the playbooks of issue 25 (under latency).
BULK_SCENARIOS = ("collection_first", "collection_rerun", "plain_first", "plain_rerun", "floor")
PLAYBOOK_SCENARIOS = ("collection_first", "collection_rerun", "audit", "validate", "info", "contract", "rotate", "floor")
# The table of issue 25: scenario -> (playbook, its work).
PLAYBOOK_TABLE = (
    ("collection_rerun", "provision_ionapi (re-run)", "2 requests per environment"),
    ("audit", "audit_ionapi", "2 requests per environment"),
    ("validate", "validate_ionapi", "no request (offline)"),
    ("info", "info_ionapi", "2 requests per environment"),
    ("contract", "check_contract", "1 request per distinct base URL"),
    ("rotate", "rotate_ionapi (files unchanged)", "2 requests per environment, 3 to Infor (token, 2 revocations)"),
)
