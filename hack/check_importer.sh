#!/usr/bin/env bash
# Build the collection tarball and import it with galaxy-importer as Automation Hub does
# (hack/galaxy-importer.cfg: require_v1_or_greater, flake8, ansible-lint offline, required tags).
# The importer logs findings as WARNING/ERROR lines and still exits 0; here any of them fails, but
# flake8's W503/W504 (line break before/after a binary operator: one of the two fires on every such
# break; ansible-test's pep8 ignores both).
#
# Usage: hack/check_importer.sh <work dir>   (ansible-galaxy, ansible-lint, flake8 and the
# galaxy-importer module importable by `python`, all on PATH)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${1:?usage: $0 <work dir>}
die() { printf 'check_importer: %s\n' "$*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work/dist"
ansible-galaxy collection build "$repo" --output-path "$work/dist" >/dev/null
tarball=$(find "$work/dist" -name 'docbits-infor-*.tar.gz')
[[ -f $tarball ]] || die "no tarball built"

# The importer writes importer_result.json into its working directory; the collection path it
# uses is its own, so no ANSIBLE_* setting of the caller may point it elsewhere.
status=0
(
    cd "$work"
    while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^ANSIBLE_' || true)
    GALAXY_IMPORTER_CONFIG="$repo/hack/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball"
) >"$work/importer.log" 2>&1 || status=$?
cat "$work/importer.log"
((status == 0)) || die "galaxy-importer refused $(basename "$tarball") (exit $status)"
grep -q '^Importer processing completed successfully' "$work/importer.log" || die "galaxy-importer did not complete"
findings=$(grep -E '^(WARNING|ERROR):' "$work/importer.log" | grep -vE '^WARNING: plugins/[^ ]+\.py:[0-9]+:[0-9]+: W50[34] ' || true)
[[ -z $findings ]] || die "galaxy-importer findings in $(basename "$tarball"):"$'\n'"$findings"
notes=$(grep -cE '^WARNING: plugins/[^ ]+\.py:[0-9]+:[0-9]+: W50[34] ' "$work/importer.log" || true)
echo "galaxy-importer (Automation Hub settings): $(basename "$tarball") imported, no error, no warning but $notes W503/W504 notes"
