#!/usr/bin/env bash
# Build the macOS app (dist/Workbench.app) and a disk image, on macOS 11 or newer.
#
#   installers/build_macos.sh
#
# Needs: Python 3.11 from python.org or Homebrew (PYTHON, default python3.11) for the
# Mac's own architecture (an Apple-silicon build runs on Apple silicon, an Intel
# build on Intel). The app is ad-hoc signed by PyInstaller; to hand it to other
# people without Gatekeeper warnings, sign it with a Developer ID and notarize it
# (codesign --deep --options runtime -s "Developer ID Application: ..." and
# xcrun notarytool submit), which needs an Apple developer account.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | awk 'NR == 1')
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }

[ -d .venv-build ] || "$PYTHON" -m venv .venv-build
. .venv-build/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q ".[installers]"

echo "== building the app (PyInstaller)"
PYTHONPATH=src python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installers/workbench.spec
APP=dist/Workbench.app
EXE=$APP/Contents/MacOS/workbench
plutil -lint "$APP/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Print :CFBundleDocumentTypes:0:LSItemContentTypes:0" \
  "$APP/Contents/Info.plist" | grep -qx "io.workbench.engagement" || fail "document type missing"
/usr/libexec/PlistBuddy -c "Print :UTExportedTypeDeclarations:0:UTTypeTagSpecification:public.filename-extension:0" \
  "$APP/Contents/Info.plist" | grep -qx "engagement" || fail ".engagement extension missing"

echo "== smoke test"
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
export WORKBENCH_CONFIG_DIR=$smoke/config WORKBENCH_DATA_DIR=$smoke/data WORKBENCH_LOG_DIR=$smoke/logs
got=$("$EXE" --version)
[ "$got" = "workbench $version" ] || fail "expected 'workbench $version', got '$got'"
echo "version: $got"
out=$(QT_QPA_PLATFORM=offscreen "$EXE" gui --smoke-exit)
[ "$out" = "smoke: window shown: Workbench" ] || fail "main window did not open: $out"
"$EXE" demo --no-gui --out "$smoke/demo" >/dev/null
test -f "$smoke/demo/Northwind Robotics.engagement" || fail "the demo engagement was not built"
ls "$smoke"/demo/package/*.docx "$smoke"/demo/package/*.xlsx >/dev/null || fail "no package"
out=$(QT_QPA_PLATFORM=offscreen "$EXE" gui --smoke-exit "$smoke/demo/Northwind Robotics.engagement")
echo "$out"
# A big file (over 16 MB) must be staged through the bundled ADBC SQLite driver
# (as in build_linux.sh, step 4b).
"$EXE" new "$smoke/big.engagement" --customer "Smoke Test" --kind revenue-intelligence >/dev/null
bash installers/smoke_big_export.sh "$smoke/big.csv"
WORKBENCH_REQUIRE_STAGING=1 "$EXE" import "$smoke/big.engagement" "$smoke/big.csv" --json \
  | grep -q '"rows_imported": 120000' || fail "the big import failed (or could not stage its rows)"
echo "import: 120,000 opportunities, staged"
# Register the app with Launch Services so Finder offers it for .engagement files.
/System/Library/Frameworks/CoreServices.framework/Frameworks/LaunchServices.framework/Support/lsregister -f "$APP" || true
echo "app: $APP ($(du -sm "$APP" | cut -f1) MB)"

hdiutil create -volname Workbench -srcfolder "$APP" -ov -format UDZO "dist/Workbench-$version-macos.dmg"
echo "disk image: dist/Workbench-$version-macos.dmg"
echo "SMOKE TEST PASSED"
