#!/bin/sh
# Install Workbench for the current user from the unpacked bundle folder (no root):
#   ./install.sh              copy the bundle to ~/.local/lib/workbench, put `workbench`
#                             on ~/.local/bin, add the menu entry, the icon and the
#                             .engagement file type (double-click opens Workbench)
#   ./install.sh --uninstall  remove all of that again (engagement files, settings
#                             and logs are left alone)
# XDG_DATA_HOME and WORKBENCH_PREFIX (default ~/.local) are honoured.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${WORKBENCH_PREFIX:-$HOME/.local}
data=${XDG_DATA_HOME:-$HOME/.local/share}
dest="$prefix/lib/workbench"
bin="$prefix/bin"

refresh() {
  command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$data/mime" || true
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin/workbench" "$data/applications/workbench.desktop" \
        "$data/mime/packages/workbench.xml" \
        "$data/icons/hicolor/256x256/apps/workbench.png" \
        "$data/icons/hicolor/scalable/apps/workbench.svg"
  rm -rf "$dest"
  refresh
  echo "Workbench removed (your engagement files, settings and logs were kept)."
  exit 0
fi

test -x "$here/workbench" || { echo "error: run install.sh from the Workbench bundle folder." >&2; exit 1; }
if [ "$here" != "$dest" ]; then
  rm -rf "$dest.new"
  mkdir -p "$prefix/lib"
  cp -a "$here" "$dest.new"
  rm -rf "$dest"
  mv "$dest.new" "$dest"
fi
mkdir -p "$bin" "$data/applications" "$data/mime/packages" \
         "$data/icons/hicolor/256x256/apps" "$data/icons/hicolor/scalable/apps"
ln -sf "$dest/workbench" "$bin/workbench"
sed -e "s|^Exec=workbench|Exec=\"$dest/workbench\"|" -e "s|^TryExec=workbench|TryExec=$dest/workbench|" \
    "$dest/share/applications/workbench.desktop" > "$data/applications/workbench.desktop"
cp "$dest/share/mime/packages/workbench.xml" "$data/mime/packages/workbench.xml"
cp "$dest/share/icons/hicolor/256x256/apps/workbench.png" "$data/icons/hicolor/256x256/apps/"
cp "$dest/share/icons/hicolor/scalable/apps/workbench.svg" "$data/icons/hicolor/scalable/apps/"
refresh
echo "Workbench installed in $dest; start it from the menu or run: $bin/workbench"
