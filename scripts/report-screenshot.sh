#!/bin/sh
# report-screenshot.sh [REPORT.html [OUT.png]] - render the report in a real
# browser (headless Chromium) to look at its layout: tables, alignment, plots.
# Optional, not part of `make report`; installs Debian's chromium on first use
# (about 100 MB).  Defaults: results/latest/report.html -> build/report.png.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
HTML=${1:-$TOP/results/latest/report.html}
OUT=${2:-$TOP/build/report.png}
SIZE=${SCREENSHOT_SIZE:-1400,3000}

[ -f "$HTML" ] || { echo "report-screenshot: $HTML: no such file (make report writes it)" >&2; exit 2; }
if ! command -v chromium >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] || { echo "report-screenshot: chromium missing; as root: apt-get install -y chromium" >&2; exit 2; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
fi
mkdir -p "$(dirname "$OUT")"
HTML=$(cd "$(dirname "$HTML")" && pwd)/$(basename "$HTML")
# --no-sandbox: root has no user namespace sandbox here; the page is our own file
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size="$SIZE" --screenshot="$OUT" "file://$HTML" 2>/dev/null
[ -s "$OUT" ] || { echo "report-screenshot: chromium wrote nothing" >&2; exit 1; }
echo "report-screenshot: $OUT ($SIZE)"
