#!/bin/bash
# scripts/series-tree.sh init|export - edit kernel-patches/ as a git tree.
#
#   init    imports Debian's pristine 6.1 tree (build/src/linux-source-6.1,
#           unpacked by scripts/kernel.sh) into a git repository,
#           build/series-tree, tags it "base" and applies kernel-patches/series
#           with git am, keeping each patch's author and message.  Edit there
#           with git (rebase -i, commit --amend, fixup! commits).
#   export  writes base..HEAD back as kernel-patches/00NN-*.patch
#           (git format-patch -n, subject prefix SERIES_PREFIX, default
#           "PATCH v3") and rewrites kernel-patches/series; the cover letter
#           (0000-cover-letter.patch) is left as it is.
# Then: make check-series, make vm-test KERNEL=patched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
T="$B/series-tree"
P="$TOP/kernel-patches"

case "${1:-}" in
init)
	[ ! -e "$T" ] || die "$T exists: remove it first, or export what it holds"
	kernel_unpack
	cp -a "$PRISTINE" "$T"
	cd "$T"
	git init -q
	git config user.name "exitwatch developers"
	git config user.email dev@exitwatch.invalid
	# Debian's top-level .gitignore ignores everything at the top level
	git add -f -A . >/dev/null
	git commit -qm "linux-source-6.1 (Debian $(sed -n 's/^SUBLEVEL = //p' Makefile | sed 's/^/6.1./'))"
	git tag base
	series_read "$P/series"
	for p in ${patches[@]+"${patches[@]}"}; do
		git am -q "$P/$p" || die "git am $p failed (see $T)"
	done
	echo "series-tree: $T, $(git rev-list --count base..HEAD) patches on tag base"
	;;
export)
	[ -d "$T/.git" ] || die "no $T: run scripts/series-tree.sh init"
	find "$P" -maxdepth 1 -name '00[0-9][0-9]-*.patch' ! -name '0000-*' -delete
	git -C "$T" format-patch -q -n --subject-prefix="${SERIES_PREFIX:-PATCH v3}" -o "$P" base..HEAD
	(cd "$P" && ls 00[0-9][0-9]-*.patch | grep -v '^0000-') >"$P/series"
	echo "series-tree: exported $(wc -l <"$P/series") patches to $P"
	;;
*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
