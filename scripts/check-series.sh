#!/bin/bash
# make check-series: check kernel-patches/series patch by patch.
#
# For each patch, in series order: apply it (patch -p1 --fuzz=0) on top of
# the previous ones in a working copy of Debian's pristine 6.1 tree, build
# bzImage incrementally in one O= directory with the configuration of
# scripts/kernel.sh (tinyconfig + kernel-patches/config/base.config, ccache),
# and run scripts/checkpatch.pl --strict on it from the pristine tree.
# One line per patch; exit status 1 naming the first failing patch, 2 when
# it cannot check (scripts/lib.sh).
#
# Verdicts are cached under build/series-check/verdicts/, keyed by a hash of
# the tarball stamp, the configuration, this script, the kernel build recipe
# of scripts/lib.sh and every patch up to and including the one judged, so a
# re-run with nothing changed only prints.  A change to patch N re-checks N
# and what follows it.
#
# Environment: JOBS (default 2), LINUX_TARBALL (as scripts/kernel.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

W="$B/series-check"
# src/ and obj/, as in scripts/kernel.sh: with CCACHE_BASEDIR (kmake) the
# compiler sees the same relative paths, so states equal to the base or the
# patched tree hit the cache entries of those builds (and of earlier clones).
SRC="$W/src"
OBJ="$W/obj"
VERDICTS="$W/verdicts"
LOGS="$W/logs"
JOBS=${JOBS:-2}
SERIES="$TOP/kernel-patches/series"
start=$(date +%s)

# 1. the list of patches, and the configuration of the patched kernel
series_read "$SERIES"
if [ ${#patches[@]} -eq 0 ]; then
	log "series is empty: nothing to check"
	exit 0
fi
frags=$(kernel_fragments patched) || exit 2
mapfile -t FRAGMENTS <<<"$frags"

mkdir -p "$W" "$VERDICTS" "$LOGS"
exec 9>"$W/lock"
flock -n 9 || die "another check-series is running (lock $W/lock)"

# 2. prefix hashes: h[i] covers everything patch i's verdict depends on
tarstamp=$(tarball_stamp) || exit 2
cfghash=$( { echo "$tarstamp"; cat "${FRAGMENTS[@]}"; } | sha256sum | cut -d' ' -f1)
h=$( { echo "$cfghash"; cat "$0"; kernel_recipe; } | sha256sum | cut -d' ' -f1)
hashes=()
for p in "${patches[@]}"; do
	h=$( { echo "$h"; cat "$TOP/kernel-patches/$p"; } | sha256sum | cut -d' ' -f1)
	hashes+=("$h")
done

# 3. cached verdicts: print them up to the first patch without one
n=${#patches[@]}
failed=""
first=$n
for ((i = 0; i < n; i++)); do
	v="$VERDICTS/${hashes[$i]}"
	if [ ! -f "$v" ]; then
		first=$i
		break
	fi
	line=$(cat "$v")
	echo "$line (cached)"
	case "$line" in *FAIL*) [ -n "$failed" ] || failed=${patches[$i]} ;; esac
	# a patch that did not apply or build stops the walk
	case "$line" in
	*"applies: FAIL"* | *"builds: FAIL"*)
		for ((j = i + 1; j < n; j++)); do
			echo "${patches[$j]}: not checked (an earlier patch failed)"
		done
		first=$n
		break
		;;
	esac
done

if [ "$first" -lt "$n" ]; then
	# 4. the pristine tree, unpacked as scripts/kernel.sh does
	kernel_unpack

	# 5. the working tree must hold exactly the patches before $first
	want=base
	[ "$first" -eq 0 ] || want=${hashes[$((first - 1))]}
	have=$(cat "$W/tree-state" 2>/dev/null || true)
	if [ "$have" != "$want" ] || [ ! -d "$SRC" ]; then
		log "syncing $SRC with the pristine tree"
		rm -f "$W/tree-state"
		kernel_sync "$SRC"
		for ((i = 0; i < first; i++)); do
			kernel_patch "$SRC" "$TOP/kernel-patches/${patches[$i]}" >/dev/null 2>&1 ||
				die "${patches[$i]} no longer applies although its verdict is cached: remove $VERDICTS"
		done
		echo "$want" >"$W/tree-state"
	fi

	# 6. configuration: tinyconfig plus our fragments, redone when they change
	if [ ! -f "$OBJ/.config" ] || [ "$(cat "$W/config-state" 2>/dev/null || true)" != "$cfghash" ]; then
		log "configuring $OBJ"
		kernel_configure "$SRC" "$OBJ" "$LOGS/config.log" "${FRAGMENTS[@]}" || die "configuration failed"
		echo "$cfghash" >"$W/config-state"
	fi

	# 7. apply, build and checkpatch each remaining patch
	for ((i = first; i < n; i++)); do
		p=${patches[$i]}
		file="$TOP/kernel-patches/$p"
		applies=ok builds=ok cp=ok
		rm -f "$W/tree-state"
		if ! kernel_patch "$SRC" "$file" >"$LOGS/$p.apply.log" 2>&1; then
			applies=FAIL
			builds="not tried"
		else
			echo "${hashes[$i]}" >"$W/tree-state"
			# each state's image is kept for make cost (scripts/cost.sh),
			# with the patches it was built from
			st="$W/states/$(printf %02d $((i + 1)))"
			rm -rf "$st"
			if ! kmake "$SRC" "$OBJ" -j"$JOBS" bzImage >"$LOGS/$p.build.log" 2>&1; then
				builds=FAIL
			else
				mkdir -p "$st"
				cp "$OBJ/arch/x86/boot/bzImage" "$st/bzImage"
				(cd "$TOP/kernel-patches" && sha256sum "${patches[@]:0:i+1}") >"$st/series.sha256"
			fi
		fi
		# checkpatch from the pristine tree, which has no .git.  The
		# patches cite upstream commits as 'commit <sha> ("title")', and
		# checkpatch still checks that form (GIT_COMMIT_ID); it cannot
		# look the ids up without upstream's history, so it would flag
		# every one of them as unknown (UNKNOWN_COMMIT_ID): run it from
		# a Linux clone to check those too.  A patch that adds files
		# gets FILE_PATH_CHANGES ("does MAINTAINERS need updating?")
		# whatever MAINTAINERS says; that question is answered here
		# instead: every added file must fall under an F: pattern of a
		# MAINTAINERS entry (a directory prefix), or checkpatch fails.
		if ! (cd "$PRISTINE" && perl scripts/checkpatch.pl --strict -q \
			--ignore UNKNOWN_COMMIT_ID,FILE_PATH_CHANGES "$file") \
			>"$LOGS/$p.checkpatch.log" 2>&1; then
			cp=FAIL
		fi
		for added in $(awk '/^diff --git /{f=$4} /^new file mode/{sub("^b/", "", f); print f}' "$file"); do
			if ! awk -v f="$added" '/^F:\t/ { p = $2; if (p ~ /\/$/ && index(f, p) == 1) ok = 1 } END { exit !ok }' \
				"$PRISTINE/MAINTAINERS"; then
				echo "$added: added, and no MAINTAINERS F: entry covers it" >>"$LOGS/$p.checkpatch.log"
				cp=FAIL
			fi
		done
		line="$p: applies: $applies, builds: $builds, checkpatch: $cp"
		echo "$line"
		echo "$line" >"$VERDICTS/${hashes[$i]}"
		if [ "$applies" = FAIL ]; then
			sed 's/^/    /' "$LOGS/$p.apply.log" | tail -20
		elif [ "$builds" = FAIL ]; then
			grep -E 'error|Error' "$LOGS/$p.build.log" | head -20 | sed 's/^/    /'
		fi
		[ "$cp" = ok ] || sed 's/^/    /' "$LOGS/$p.checkpatch.log" | head -30
		if [ "$applies" != ok ] || [ "$builds" != ok ] || [ "$cp" != ok ]; then
			[ -n "$failed" ] || failed=$p
		fi
		# nothing after a patch that does not apply or build can be judged
		if [ "$applies" != ok ] || [ "$builds" != ok ]; then
			for ((j = i + 1; j < n; j++)); do
				echo "${patches[$j]}: not checked (an earlier patch failed)"
			done
			break
		fi
	done
fi

elapsed=$(($(date +%s) - start))
if [ -n "$failed" ]; then
	echo "check-series: FAIL: $failed (logs in $LOGS, ${elapsed}s)"
	exit 1
fi
echo "check-series: all ${n} patches apply, build and pass checkpatch --strict (${elapsed}s)"
