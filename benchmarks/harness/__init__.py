# -*- coding: utf-8 -*-
# Copyright: (c) 2026, docbits.infor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark harness of benchmarks/run.py: scenarios (what is run and what each run must show),
inputs (generated environments, the simulator), runner (timed, checked runs), profile (variants of
the provisioning task), report (ratios, targets, Markdown) and cli (the command line)."""
