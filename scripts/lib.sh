# scripts/lib.sh - sourced, not run (`. "$(dirname "$0")/lib.sh"`): what the
# scripts under scripts/ share.  Bash.
#
# Paths: TOP (the checkout), B (build/), MAKE (make, or the caller's $MAKE),
# TARBALL (Debian's linux-source-6.1; LINUX_TARBALL overrides it), PRISTINE
# (that tree, unpacked once into build/src/ by kernel_unpack).
#
# Exit status, the same in every script:
#   0  it did what was asked, and everything it checks passed;
#   1  something it checks failed: a test, a verdict, a patch, a budget, a
#      regression, a guest that panicked or hung;
#   2  it could not do what was asked: a usage error, a missing tool, file
#      or kernel image, a build or set-up step it depends on that failed.
#      die() is this exit.
# make check (scripts/check.sh) counts any non-zero status of a step as FAIL.
#
# Messages go out under $ME: the script's name without .sh, unless the
# script sets another after sourcing this (kernel.sh: kernel[base]).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B="$TOP/build"
MAKE=${MAKE:-make}
TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
PRISTINE="$B/src/linux-source-6.1"
ME=$(basename "$0" .sh)

log() { echo "$ME: $*"; }
warn() { echo "$ME: $*" >&2; }
die() {
	warn "$*"
	exit 2
}

# ---- the series -------------------------------------------------------------
# series_read FILE: the patch file names FILE lists, in order, into the array
# `patches` (text after '#' and blank lines skipped); a name whose file is not
# beside FILE dies.  A missing FILE is an empty series.  The one reader of
# kernel-patches/series (kernel.sh, check-series.sh, cost.sh, series-tree.sh).
series_read() {
	local file=$1 line
	patches=()
	[ -f "$file" ] || return 0
	while read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | tr -d '[:space:]')
		[ -n "$line" ] || continue
		[ -f "$(dirname "$file")/$line" ] || die "series names $line, which does not exist"
		patches+=("$line")
	done <"$file"
}

# ---- kernel trees (kernel.sh, check-series.sh, debug-check.sh, selftests.sh) --
# kernel_fragments KERNEL: the config fragments of base, patched or debug,
# as paths, one a line (tinyconfig is merged with them)
kernel_fragments() {
	local f
	case "$1" in
	debug) set -- base debug ;;
	*) set -- base ;;
	esac
	for f; do
		[ -f "$TOP/kernel-patches/config/$f.config" ] || die "missing kernel-patches/config/$f.config"
		echo "$TOP/kernel-patches/config/$f.config"
	done
}

# tarball_stamp: what says the tarball changed (size and mtime)
tarball_stamp() {
	[ -r "$TARBALL" ] || die "$TARBALL missing: run scripts/setup.sh (package linux-source-6.1)"
	stat -c '%s %Y' "$TARBALL"
}

# kernel_unpack: PRISTINE, unpacked again only when the tarball changed
kernel_unpack() {
	local stamp
	stamp=$(tarball_stamp) || exit 2
	[ -f "$B/src/.unpacked" ] && [ "$(cat "$B/src/.unpacked")" = "$stamp" ] && return 0
	log "unpacking $TARBALL"
	rm -rf "$B/src"
	mkdir -p "$B/src"
	tar -C "$B/src" -xf "$TARBALL"
	[ -d "$PRISTINE" ] || die "the tarball did not contain linux-source-6.1/"
	echo "$stamp" >"$B/src/.unpacked"
}

# kernel_sync DIR: DIR holds exactly the pristine tree; --checksum leaves
# files whose contents did not change (and their mtimes) alone, so make and
# ccache stay warm in the O= tree built from it
kernel_sync() {
	mkdir -p "$1"
	rsync -rl --checksum --delete "$PRISTINE/" "$1/"
}

# kernel_patch DIR PATCH: apply one patch to DIR exactly (no fuzz); says why
# not on stdout/stderr and returns non-zero when it does not apply
kernel_patch() {
	(cd "$1" && patch -p1 --forward --fuzz=0 --no-backup-if-mismatch -s <"$2")
}

# kmake SRC OBJ ARGS...: the kernel's make for SRC into OBJ, with ccache.
# CCACHE_BASEDIR rewrites paths under build/ to relative ones and
# CCACHE_NOHASHDIR leaves the working directory out of the hash, so base,
# patched, debug, the series states and a fresh clone elsewhere share cache
# entries for identical sources; fixed build user, host and timestamp.
kmake() {
	local src=$1 obj=$2
	shift 2
	CCACHE_BASEDIR="$B" CCACHE_NOHASHDIR=1 make -s -C "$src" O="$obj" ARCH=x86_64 \
		"CC=ccache gcc" "HOSTCC=ccache gcc" KBUILD_BUILD_TIMESTAMP="exitwatch" \
		KBUILD_BUILD_USER=exitwatch KBUILD_BUILD_HOST=exitwatch "$@"
}

# kernel_configure SRC OBJ LOG FRAGMENT...: tinyconfig merged with the
# fragments into OBJ/.config (merge_config.sh's report in LOG, shown when
# it fails: it lists expected choice overrides on stderr)
kernel_configure() {
	local src=$1 obj=$2 log=$3
	shift 3
	mkdir -p "$obj"
	kmake "$src" "$obj" tinyconfig >/dev/null || return 1
	(cd "$src" && ./scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" "$@") >"$log" 2>&1 ||
		{ cat "$log" >&2; return 1; }
	kmake "$src" "$obj" olddefconfig >/dev/null
}

# kernel_recipe: the text of the functions above that decide what a kernel
# build produces, for the stamps of kernel.sh and check-series.sh (a change
# to log(), die() or the paths rebuilds nothing)
kernel_recipe() {
	declare -f series_read kernel_sync kernel_patch kmake kernel_configure
}
