"""The list of recently opened engagements (kept outside any engagement file)."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.locations import config_dir, data_dir

MAX_RECENT = 10


__all__ = ["MAX_RECENT", "add_recent", "config_dir", "data_dir", "recent_files"]


def _recent_file() -> Path:
    return config_dir() / "recent.json"


def recent_files() -> list[Path]:
    """Recently opened engagement files, newest first, that still exist."""
    try:
        items = json.loads(_recent_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    paths = [Path(p) for p in items if isinstance(p, str)]
    return [p for p in paths if p.exists()][:MAX_RECENT]


def add_recent(path: Path) -> None:
    """Put ``path`` at the top of the recent list (best effort: never fails the open)."""
    resolved = str(Path(path).resolve())
    items = [str(p) for p in recent_files() if str(p) != resolved]
    items.insert(0, resolved)
    try:
        target = _recent_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(items[:MAX_RECENT], indent=1), encoding="utf-8")
        tmp.replace(target)
    except OSError:
        pass
