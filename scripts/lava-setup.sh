#!/bin/bash
# scripts/lava-setup.sh: what `make lava` needs and `make check` does not.
#
# Installs Debian's lava-dispatcher (lava-run, lava_common's job schema) and
# python3-jinja2 from the Debian archive, and unpacks the qemu device-type
# templates from the lava-server .deb (which is not installed: no server,
# PostgreSQL or Django) into build/lava/server/.  Idempotent: a second run
# installs nothing and downloads nothing.  Kept apart from scripts/setup.sh
# on purpose: lava-dispatcher is 146 packages that make check never uses.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
SRV="$B/lava/server"

[ "$(id -u)" = 0 ] || die "run as root (apt-get, and lava-run boots QEMU as root)"
[ -r /etc/debian_version ] || die "not Debian: install lava-dispatcher, python3-jinja2 and qemu-system-x86 yourself"
PKGS=(lava-dispatcher lava-common python3-jinja2 python3-yaml qemu-system-x86 cpio)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "lava-setup: installing ${missing[*]} (lava-dispatcher pulls about 146 packages, ~2 min)"
	apt-get update -qq || true
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi

# the device-type templates (qemu.jinja2 extends base.jinja2) live in the
# lava-server package; take them from its .deb, the same version as the dispatcher
ver=$(dpkg-query -W -f='${Version}' lava-dispatcher)
if [ ! -f "$SRV/version" ] || [ "$(cat "$SRV/version")" != "$ver" ] ||
	[ ! -f "$SRV/usr/share/lava-server/device-types/qemu.jinja2" ]; then
	rm -rf "$SRV" && mkdir -p "$SRV/deb"
	(cd "$SRV/deb" && apt-get download -qq "lava-server=$ver" 2>/dev/null || apt-get download -qq lava-server) ||
		die "apt-get download lava-server failed (the qemu device-type templates ship in it)"
	dpkg -x "$SRV"/deb/lava-server_*.deb "$SRV"
	[ -f "$SRV/usr/share/lava-server/device-types/qemu.jinja2" ] ||
		die "no device-types/qemu.jinja2 in $(ls "$SRV"/deb)"
	echo "$ver" >"$SRV/version"
fi
