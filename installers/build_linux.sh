#!/usr/bin/env bash
# Build the Linux one-folder bundle into dist/workbench/ and smoke-test it.
#
#   installers/build_linux.sh              build, then smoke-test
#   installers/build_linux.sh --smoke-only smoke-test the bundle already in dist/workbench
#   installers/build_linux.sh --tarball    also pack dist/workbench-VERSION-linux-ARCH.tar.gz
#
# Needs: the Python that runs Workbench (PYTHON, default python3) with Workbench's
# dependencies and PyInstaller (pip install ".[installers]"). The smoke test runs the
# bundled program only, with private settings/data/log folders, and checks that:
# it prints its version; it builds the demo engagement and its package headless; it
# imports a Salesforce report; it opens the main window offscreen (empty, then on the
# demo engagement); nothing was written inside the bundle; the desktop files are valid.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
BUNDLE=dist/workbench
EXE=$BUNDLE/workbench
build=1
tarball=0
for arg in "$@"; do
  case "$arg" in
    --smoke-only) build=0 ;;
    --tarball) tarball=1 ;;
    *) echo "usage: $0 [--smoke-only] [--tarball]" >&2; exit 2 ;;
  esac
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | awk 'NR == 1')
now_ms() { date +%s%3N; }
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }

if [ "$build" = 1 ]; then
  echo "== building the bundle (PyInstaller)"
  t0=$(now_ms)
  PYTHONPATH=src "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/workbench.spec
  # Desktop integration files travel inside the bundle; install.sh puts them in place.
  mkdir -p "$BUNDLE/share/applications" "$BUNDLE/share/mime/packages" \
           "$BUNDLE/share/icons/hicolor/256x256/apps" "$BUNDLE/share/icons/hicolor/scalable/apps"
  cp installers/linux/workbench.desktop "$BUNDLE/share/applications/"
  cp installers/linux/workbench-mime.xml "$BUNDLE/share/mime/packages/workbench.xml"
  cp src/workbench/resources/icons/workbench.png "$BUNDLE/share/icons/hicolor/256x256/apps/"
  cp installers/icons/workbench.svg "$BUNDLE/share/icons/hicolor/scalable/apps/"
  cp installers/linux/install.sh "$BUNDLE/install.sh"
  # libpython carries its debug symbols (23 MB -> 6 MB without). Only libpython: the
  # wheels' repaired libraries (OpenBLAS) no longer load once stripped.
  if command -v strip >/dev/null; then
    strip --strip-debug "$BUNDLE"/_internal/libpython3*.so*
  fi
  echo "build time: $(( ($(now_ms) - t0) / 1000 )) s"
fi
test -x "$EXE" || fail "$EXE is missing (build first)"

echo "== smoke test of $BUNDLE"
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
# Private per-user folders (platformdirs reads XDG_*): the smoke test must not touch
# the builder's settings, and must show that settings and logs land there.
export XDG_CONFIG_HOME=$smoke/config XDG_DATA_HOME=$smoke/data XDG_STATE_HOME=$smoke/state \
       XDG_CACHE_HOME=$smoke/cache MPLCONFIGDIR=$smoke/mpl
unset WORKBENCH_CONFIG_DIR WORKBENCH_DATA_DIR WORKBENCH_LOG_DIR PYTHONPATH PYTHONHOME
touch "$smoke/started"

# 1. Version (also the first, cold start of the bundle).
t0=$(now_ms)
got=$("$EXE" --version)
echo "version: $got ($(( $(now_ms) - t0 )) ms)"
[ "$got" = "workbench $version" ] || fail "expected 'workbench $version', got '$got'"

# 2. The main window, offscreen: time from launch to the window shown (then it quits).
export QT_QPA_PLATFORM=offscreen
t0=$(now_ms)
out=$("$EXE" gui --smoke-exit)
first_window_ms=$(( $(now_ms) - t0 ))
echo "$out"
[ "$out" = "smoke: window shown: Workbench" ] || fail "main window did not open: $out"
echo "first window (start page, first launch): $first_window_ms ms"

# 3. The demo engagement and its package, headless.
t0=$(now_ms)
"$EXE" demo --no-gui --out "$smoke/demo" >"$smoke/demo.txt"
echo "demo + package: $(( ($(now_ms) - t0) / 1000 )) s"
demo_file="$smoke/demo/Northwind Robotics.engagement"
test -f "$demo_file" || fail "the demo engagement was not built"
docx=$(find "$smoke/demo/package" -name '*.docx' | wc -l)
xlsx=$(find "$smoke/demo/package" -name '*.xlsx' | wc -l)
ics=$(find "$smoke/demo/package" -name '*.ics' | wc -l)
echo "package: $docx Word, $xlsx Excel, $ics calendar documents"
[ "$docx" -ge 10 ] && [ "$xlsx" -ge 3 ] && [ "$ics" -ge 1 ] || fail "the demo package is incomplete"
info=$("$EXE" info "$demo_file") || fail "info on the demo failed"
[[ "$info" == *"Northwind Robotics"* ]] || fail "info on the demo does not name the customer"

# 4. An import (pyarrow's CSV reader, the detection of a Salesforce report).
"$EXE" new "$smoke/imp.engagement" --customer "Smoke Test" --kind revenue-intelligence >/dev/null
"$EXE" import "$smoke/imp.engagement" tests/data/import/sf_classic_report_footer.csv --json \
  >"$smoke/import.json"
"$PYTHON" - "$smoke/import.json" <<'PY' || fail "the import did not take the 3 opportunities"
import json, sys
r = json.load(open(sys.argv[1]))
assert (r["entity"], r["profile"], r["rows_imported"], r["rows_rejected"]) == (
    "opportunities", "salesforce-report", 3, 0), r
PY
echo "import: 3 opportunities from a Salesforce report"
# 4b. A big file (over 16 MB) goes through the staging driver (importers/staging.py):
# its shared library must be in the bundle, and the rows must all arrive.
find "$BUNDLE" -name 'libadbc_driver_sqlite*' | grep -q . || fail "the ADBC SQLite driver is missing"
bash installers/smoke_big_export.sh "$smoke/big.csv"
WORKBENCH_REQUIRE_STAGING=1 "$EXE" import "$smoke/imp.engagement" "$smoke/big.csv" --json \
  >"$smoke/big.json" || fail "the big import failed (or could not stage its rows)"
"$PYTHON" - "$smoke/big.json" <<'PY' || fail "the big import did not take the 120,000 deals"
import json, sys
r = json.load(open(sys.argv[1]))
got = (r["entity"], r["rows_imported"], r["rows_rejected"])
assert got == ("opportunities", 120000, 0), (got, r["rejected"][:3])
PY
echo "import: 120,000 opportunities ($(( $(stat -c %s "$smoke/big.csv") >> 20 )) MB, staged)"

# 5. The main window on the demo engagement (pages, charts through matplotlib's QtAgg).
out=$("$EXE" gui --smoke-exit "$demo_file")
echo "$out"
[[ "$out" == "smoke: window shown: Northwind Robotics"*"Workbench" ]] || fail "demo did not open: $out"

# 6. Settings went to the platform folders, nothing was written inside the bundle.
test -f "$XDG_CONFIG_HOME/workbench/recent.json" || fail "recent files not in XDG_CONFIG_HOME"
written=$(find "$BUNDLE" -newer "$smoke/started" -print | awk 'NR <= 5')
[ -z "$written" ] || fail "the program wrote inside the bundle: $written"
echo "settings: $XDG_CONFIG_HOME/workbench; nothing written inside the bundle"

# 7. Desktop integration files: the MIME type compiles and matches by content.
if command -v update-mime-database >/dev/null; then
  mkdir -p "$smoke/mime/packages"
  cp "$BUNDLE/share/mime/packages/workbench.xml" "$smoke/mime/packages/"
  update-mime-database "$smoke/mime" 2>"$smoke/mime.err" || fail "MIME type: $(cat "$smoke/mime.err")"
  grep -q "application/x-workbench-engagement" "$smoke/mime/globs2" || fail "MIME glob missing"
  grep -qa "application/x-workbench-engagement" "$smoke/mime/magic" || fail "MIME magic missing"
  echo "MIME type application/x-workbench-engagement: glob and magic compiled"
fi
# 8. The per-user install and uninstall (into the private folders).
WORKBENCH_PREFIX=$smoke/prefix "$BUNDLE/install.sh" >/dev/null
[ "$("$smoke/prefix/bin/workbench" --version)" = "workbench $version" ] || fail "installed command"
grep -q "^Exec=\"$smoke/prefix/lib/workbench/workbench\" %f$" \
  "$XDG_DATA_HOME/applications/workbench.desktop" || fail "installed menu entry"
test -f "$XDG_DATA_HOME/mime/packages/workbench.xml" || fail "installed MIME type"
WORKBENCH_PREFIX=$smoke/prefix "$smoke/prefix/lib/workbench/install.sh" --uninstall >/dev/null
[ ! -e "$smoke/prefix/lib/workbench" ] && [ ! -e "$smoke/prefix/bin/workbench" ] \
  && [ ! -e "$XDG_DATA_HOME/applications/workbench.desktop" ] || fail "uninstall left files"
echo "install.sh: installed for the user, ran, uninstalled"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$BUNDLE/share/applications/workbench.desktop"
fi

echo "== bundle"
size_mb=$(du -sm "$BUNDLE" | cut -f1)
files=$(find "$BUNDLE" -type f | wc -l)
echo "size: $size_mb MB in $files files"
# awk reads to the end (no "head"): under pipefail a closed pipe would fail the build.
du -sm "$BUNDLE"/_internal/* | sort -rn | awk 'NR <= 12 {printf "  %5d MB  %s\n", $1, $2}'

if [ "$tarball" = 1 ]; then
  arch=$(uname -m)
  tar -C dist -czf "dist/workbench-$version-linux-$arch.tar.gz" workbench
  echo "tarball: dist/workbench-$version-linux-$arch.tar.gz ($(du -sm "dist/workbench-$version-linux-$arch.tar.gz" | cut -f1) MB)"
fi
echo "SMOKE TEST PASSED"
