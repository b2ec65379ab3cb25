#!/bin/bash
# make kernel KERNEL=base|patched|debug   (scripts/kernel.sh unpack: only unpack;
# scripts/kernel.sh KERNEL --stamp: only print the stamp of a current image)
#
# Unpacks Debian's linux-source-6.1 once (build/src/), refreshes a working
# tree per kernel (build/$KERNEL/src) so that only files whose contents differ
# from the pristine tree are touched, applies kernel-patches/series (patched,
# debug), configures tinyconfig + fragments and builds with ccache into
# build/$KERNEL/obj.  The image lands at build/$KERNEL/bzImage.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

KERNEL=${1:-${KERNEL:-base}}
JOBS=${JOBS:-$(nproc)}
ME="kernel[$KERNEL]"

case "$KERNEL" in
base) use_series=0 ;;
patched | debug) use_series=1 ;;
unpack) use_series=0 ;;
*) die "unknown KERNEL '$KERNEL' (base, patched or debug)" ;;
esac

# the pristine tree, unpacked once per tarball
tarstamp=$(tarball_stamp) || exit 2
[ "${2:-}" = --stamp ] || kernel_unpack
[ "$KERNEL" != unpack ] || exit 0

# 1. the list of patches, as paths, and the config fragments
patches=()
if [ "$use_series" = 1 ]; then
	series_read "$TOP/kernel-patches/series"
	patches=(${patches[@]+"${patches[@]/#/$TOP/kernel-patches/}"})
fi
frags=$(kernel_fragments "$KERNEL") || exit 2
mapfile -t frag_files <<<"$frags"

# 2. the stamp: tarball, this script, the build recipe (scripts/lib.sh),
# patches and fragments
K="$B/$KERNEL"
stamp_now=$( { echo "$tarstamp"; cat "$0"; kernel_recipe; cat ${patches[@]+"${patches[@]}"} "${frag_files[@]}"; } | sha256sum | cut -d' ' -f1)
# scripts/kernel.sh KERNEL --stamp: only print what build/KERNEL/.stamp must
# hold for the image to be current (scripts/cost.sh asks)
if [ "${2:-}" = --stamp ]; then
	echo "$stamp_now"
	exit 0
fi
if [ -f "$K/bzImage" ] && [ -f "$K/.stamp" ] && [ "$(cat "$K/.stamp")" = "$stamp_now" ]; then
	log "up to date: $K/bzImage"
	exit 0
fi
rm -f "$K/.stamp"

# 3. working tree: pristine contents, then the series
mkdir -p "$K/src" "$K/obj"
log "syncing source tree"
kernel_sync "$K/src"
for p in ${patches[@]+"${patches[@]}"}; do
	name=$(basename "$p")
	if ! out=$(kernel_patch "$K/src" "$p" 2>&1); then
		echo "$out" >&2
		die "patch $name does not apply to $(basename "$PRISTINE") ($KERNEL)"
	fi
	log "applied $name"
done

# 4. configuration: tinyconfig plus our fragments
kernel_configure "$K/src" "$K/obj" "$K/config.log" "${frag_files[@]}" ||
	die "configuring $K/obj failed"
# every =y we asked for must have survived dependency resolution
missing=0
for f in "${frag_files[@]}"; do
	while IFS= read -r l; do
		case "$l" in CONFIG_*=y) ;; *) continue ;; esac
		grep -qx "$l" "$K/obj/.config" || { warn "$l from $(basename "$f") was dropped by Kconfig"; missing=1; }
	done <"$f"
done
[ "$missing" = 0 ] || die "configuration incomplete"

# 5. build
log "building bzImage (-j$JOBS, ccache)"
if ! kmake "$K/src" "$K/obj" -j"$JOBS" bzImage >"$K/build.log" 2>&1; then
	tail -40 "$K/build.log" >&2
	die "build failed, full log in $K/build.log"
fi
cp "$K/obj/arch/x86/boot/bzImage" "$K/bzImage"
ln -sf obj/vmlinux "$K/vmlinux"
echo "$stamp_now" >"$K/.stamp"
log "built $K/bzImage ($(stat -c %s "$K/bzImage") bytes)"
