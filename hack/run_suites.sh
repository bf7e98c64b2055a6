#!/usr/bin/env bash
# Run make targets one after another, each even when an earlier one failed, and write one
# summary line for them all: "<label> passed (unit, sanity) in 1m05s" or
# "<label> FAILED (unit) passed (sanity) in 0m40s", and the counts "<passed> <failed>" to
# <summary-file>.counts.  Exits non-zero when any target failed.
#
# Usage: hack/run_suites.sh <label> <summary-file> <target>[=<name shown>]...
# (MAKE names the make to run)
set -uo pipefail

label=${1:?usage: $0 label summary-file target...}
summary=${2:?usage: $0 label summary-file target...}
shift 2
make=${MAKE:-make}

started=$SECONDS
passed=()
failed=()
for spec; do
    target=${spec%%=*}
    shown=${spec#*=}
    echo "=============================== [$label] make $target"
    target_started=$SECONDS
    if $make --no-print-directory "$target"; then
        passed+=("$shown")
        verdict=passed
    else
        failed+=("$shown")
        verdict=FAILED
    fi
    echo "=============================== [$label] make $target $verdict in $((SECONDS - target_started))s"
done

join() { local IFS=, joined; joined="$*"; echo "${joined//,/, }"; }
elapsed=$((SECONDS - started))
line=$label
if ((${#failed[@]})); then line+=" FAILED ($(join "${failed[@]}"))"; fi
if ((${#passed[@]})); then line+=" passed ($(join "${passed[@]}"))"; fi
line+=$(printf ' in %dm%02ds' $((elapsed / 60)) $((elapsed % 60)))
mkdir -p "$(dirname "$summary")"
echo "$line" >"$summary"
echo "${#passed[@]} ${#failed[@]}" >"$summary.counts"
echo "=============================== $line"
((${#failed[@]} == 0))
