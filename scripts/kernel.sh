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

KERNEL=${1:-${KERNEL:-base}}
TOP=$(cd "$(dirname "$0")/.." && pwd)
B="$TOP/build"
TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
PRISTINE="$B/src/linux-source-6.1"
JOBS=${JOBS:-$(nproc)}

die() { echo "kernel: $*" >&2; exit 1; }
log() { echo "kernel[$KERNEL]: $*"; }

case "$KERNEL" in
base) fragments="base" use_series=0 ;;
patched) fragments="base" use_series=1 ;;
debug) fragments="base debug" use_series=1 ;;
unpack) fragments="" use_series=0 ;;
*) die "unknown KERNEL '$KERNEL' (base, patched or debug)" ;;
esac

[ -r "$TARBALL" ] || die "$TARBALL missing: run scripts/setup.sh (package linux-source-6.1)"

# 1. pristine tree, unpacked once per tarball version
tarstamp="$(stat -c '%s %Y' "$TARBALL")"
if [ "${2:-}" != --stamp ] &&
	{ [ ! -f "$B/src/.unpacked" ] || [ "$(cat "$B/src/.unpacked")" != "$tarstamp" ]; }; then
	log "unpacking $TARBALL"
	rm -rf "$B/src"
	mkdir -p "$B/src"
	tar -C "$B/src" -xf "$TARBALL"
	[ -d "$PRISTINE" ] || die "tarball did not contain linux-source-6.1/"
	echo "$tarstamp" >"$B/src/.unpacked"
fi

[ "$KERNEL" != unpack ] || exit 0

# 2. the list of patches, as paths
. "$TOP/scripts/series.sh"
patches=()
if [ "$use_series" = 1 ]; then
	series_read "$TOP/kernel-patches/series"
	patches=(${patches[@]+"${patches[@]/#/$TOP/kernel-patches/}"})
fi

frag_files=()
for f in $fragments; do
	[ -f "$TOP/kernel-patches/config/$f.config" ] || die "missing kernel-patches/config/$f.config"
	frag_files+=("$TOP/kernel-patches/config/$f.config")
done

K="$B/$KERNEL"
stamp_now=$( { echo "$tarstamp"; cat "$0" "$TOP/scripts/series.sh"; cat ${patches[@]+"${patches[@]}"} "${frag_files[@]}"; } | sha256sum | cut -d' ' -f1)
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
rsync -rl --checksum --delete "$PRISTINE/" "$K/src/"
for p in ${patches[@]+"${patches[@]}"}; do
	name=$(basename "$p")
	if ! out=$(cd "$K/src" && patch -p1 --forward --fuzz=0 --no-backup-if-mismatch -s <"$p" 2>&1); then
		echo "$out" >&2
		die "patch $name does not apply to $(basename "$PRISTINE") ($KERNEL)"
	fi
	log "applied $name"
done

# 4. configuration: tinyconfig plus our fragments
# ccache: rewrite paths under build/ to relative ones and leave the working
# directory out of the hash, so base, patched, debug and a fresh clone
# elsewhere share cache entries for identical sources.
export CCACHE_BASEDIR="$B" CCACHE_NOHASHDIR=1
MK=(make -s -C "$K/src" O="$K/obj" ARCH=x86_64 "CC=ccache gcc" "HOSTCC=ccache gcc"
	KBUILD_BUILD_TIMESTAMP="exitwatch" KBUILD_BUILD_USER=exitwatch KBUILD_BUILD_HOST=exitwatch)
"${MK[@]}" tinyconfig >/dev/null
(cd "$K/src" && ./scripts/kconfig/merge_config.sh -m -O "$K/obj" "$K/obj/.config" "${frag_files[@]}" >"$K/config.log" 2>&1) ||
	{ cat "$K/config.log" >&2; die "merging the config fragments failed"; }
"${MK[@]}" olddefconfig >/dev/null
# every =y we asked for must have survived dependency resolution
missing=0
for f in "${frag_files[@]}"; do
	while IFS= read -r l; do
		case "$l" in CONFIG_*=y) ;; *) continue ;; esac
		grep -qx "$l" "$K/obj/.config" || { echo "kernel: $l from $(basename "$f") was dropped by Kconfig" >&2; missing=1; }
	done <"$f"
done
[ "$missing" = 0 ] || die "configuration incomplete"

# 5. build
log "building bzImage (-j$JOBS, ccache)"
if ! "${MK[@]}" -j"$JOBS" bzImage >"$K/build.log" 2>&1; then
	tail -40 "$K/build.log" >&2
	die "build failed, full log in $K/build.log"
fi
cp "$K/obj/arch/x86/boot/bzImage" "$K/bzImage"
ln -sf obj/vmlinux "$K/vmlinux"
echo "$stamp_now" >"$K/.stamp"
log "built $K/bzImage ($(stat -c %s "$K/bzImage") bytes)"
