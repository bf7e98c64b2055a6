#!/usr/bin/env bash
# Stage the collection under an ansible_collections/<namespace>/<name> path.
#
#   hack/stage_collection.sh link   .build/collections/ansible_collections/docbits/infor
#       -> relative symlink to the repo root, for ANSIBLE_COLLECTIONS_PATH / PYTHONPATH
#          (pytest, ansible-playbook).  Edits in the work tree are seen immediately.
#   hack/stage_collection.sh copy [ROOT]   ROOT/ansible_collections/docbits/infor (ROOT defaults to
#          .build/sanity; the Makefile gives each ansible-core leg its own, so legs run side by side)
#       -> fresh real copy of the files git tracks plus untracked-not-ignored files, for
#          ansible-test (it resolves getcwd(), so a symlinked path does not work).  No .git
#          is needed: ansible-test falls back to its "unversioned" file provider, and the
#          copy holds exactly what git would list anyway.  The copy gets its own (empty)
#          `git init`: .build/ lies inside this repo, and ansible-test walks up from the
#          collection root to the nearest .git; finding this repo's, where .build/ is
#          ignored, it would see no files at all ("WARNING: All targets skipped.").
#          ansible-test lists `git ls-files --cached --others --exclude-standard`, so
#          nothing needs to be added or committed in the copy.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

mode=${1:?usage: $0 link|copy [ROOT]}
namespace=docbits
name=infor

case "$mode" in
link)
    parent=.build/collections/ansible_collections/$namespace
    mkdir -p "$parent"
    # .build/collections/ansible_collections/docbits/infor -> ../../../.. (the repo root)
    if [[ "$(readlink "$parent/$name" 2>/dev/null || true)" != ../../../.. ]]; then
        rm -rf "${parent:?}/$name"
        ln -s ../../../.. "$parent/$name"
    fi
    ;;
copy)
    dest=${2:-.build/sanity}/ansible_collections/$namespace/$name
    rm -rf "$dest"
    mkdir -p "$dest"
    # -c: tracked, -o --exclude-standard: untracked but not ignored.  Tracked files
    # deleted from the work tree are still listed by -c, so keep only existing paths.
    git ls-files -z -co --exclude-standard \
        | while IFS= read -r -d '' f; do
            if [[ -e "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
        done \
        | tar --null --no-recursion -T - -cf - \
        | tar -xf - -C "$dest"
    git -C "$dest" -c init.defaultBranch=main init -q
    ;;
*)
    echo "usage: $0 link|copy [ROOT]" >&2
    exit 2
    ;;
esac
