# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Performance benchmark of docbits.infor (the ``make bench`` entry point; the code is in harness/).

For each size N: N DocBits environments (one inventory host each, with its own API key,
organisation, Infor tenant and .ionapi file) are generated in a temporary directory, the DocBits
simulator is started for them, and real ansible-playbook runs are timed, interleaved, each several
times. The scenarios (harness/scenarios.py), one per playbook and the baselines:

  collection_first  playbooks/provision_ionapi.yml against a fresh simulator (every tenant is created)
  collection_rerun  the same again (nothing to change)
  audit, validate, info, contract, rotate
                    playbooks/audit_ionapi.yml, validate_ionapi.yml, info_ionapi.yml, check_contract.yml,
                    rotate_ionapi.yml (its tokens from the Infor simulator, in this process, HTTPS)
                    (the simulator holding every tenant as the provisioning left it)
  plain_first       benchmarks/plain_uri_playbook.yml (plain ansible.builtin.uri), fresh simulator
  plain_rerun       the same again
  floor             benchmarks/noop_playbook.yml: one set_fact per host, Ansible's own per-host cost

Reported: medians of wall time and of CPU time (user + sys of ansible-playbook and everything it
forks), the peak memory (largest max RSS of any one process of the run), the lines it printed, and
HTTP requests and writes from the simulator's /_sim/stats. Every run is checked (exit code, hosts in
the recap, changed hosts, writes): a broken run is never reported as a time.

Without latency (default: N=200 and 1000, forks 5) the bulk ratios of issue 4 (against the plain
playbook and the floor). --latency MS delays every answer of DocBits and of Infor, as a network
would, and reports each scenario against its limit: Ansible's no-op floor plus its requests x
latency / forks (--latency-mode: every playbook at N=200, 20 forks, 100 ms; --scale-mode: the
provisioning at N=1000, 50 forks, 100 ms). --profile adds variants of the provisioning task, to show where the
per-host time goes. Exits 3 when a target is missed.

  python benchmarks/run.py [--sizes 200,1000] [--repeat 3[,1]] [--forks 5] [--scenarios a,b] [--quick] [--profile] [--keep]
  python benchmarks/run.py --latency-mode [--repeat 3] [--sizes 2000]
  python benchmarks/run.py --report benchmarks/results/bench-<time>.json

Needs ansible-playbook on PATH and ANSIBLE_COLLECTIONS_PATH holding ansible_collections/docbits/infor
(the Makefile passes .build/collections). Results: benchmarks/results/bench-<time>.json (git-ignored).
"""

import sys

from harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
