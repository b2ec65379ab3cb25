#!/bin/sh
# Install every Debian package exitwatch uses.  Idempotent: when everything
# is present it only runs dpkg-query and returns in well under a second.
set -eu

PKGS="build-essential gcc g++ make clang llvm libbpf-dev bpftool libelf-dev
zlib1g-dev libbenchmark-dev liburing-dev gnuplot-nox qemu-system-x86
busybox-static linux-source-6.1 flex bison bc cpio dwarves ccache xz-utils
perl rsync libssl-dev jq kmod libcmark-gfm-dev libcmark-gfm-extensions-dev"

if [ ! -r /etc/debian_version ] || ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup: this project installs its tools with Debian's apt-get;" >&2
	echo "setup: this machine is not Debian. Install by hand: $PKGS" | tr '\n' ' ' >&2
	echo >&2
	exit 1
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run as root (apt-get install needs it), or install them yourself" >&2
	exit 1
fi

echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"
