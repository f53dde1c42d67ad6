"""Where Workbench finds its own resources and keeps the user's settings and logs.

One rule for every way the program runs:

* **Resources** (templates, catalogs, rules) ship inside the package, in
  ``workbench/resources``. Installed by pip or run from a checkout, that folder is
  found through ``importlib.resources``; in a PyInstaller bundle, the bundle's data
  folder (``sys._MEIPASS``) holds the same ``workbench/resources`` tree.
* **The user's files** (settings, recent files, saved mappings, crash logs) go to the
  platform's per-user folders from platformdirs, never next to the program: a bundle
  may sit in a read-only ``Program Files`` or an ``.app`` whose signature a write
  would break. ``WORKBENCH_CONFIG_DIR``, ``WORKBENCH_DATA_DIR`` and
  ``WORKBENCH_LOG_DIR`` override them (tests, portable setups).
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

APP_NAME = "workbench"


def is_bundled() -> bool:
    """Whether this is the PyInstaller bundle rather than a Python installation."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_root() -> Path:
    """The folder holding Workbench's resources, however the program was installed."""
    if is_bundled():
        return Path(sys._MEIPASS) / "workbench" / "resources"  # type: ignore[attr-defined]
    return Path(str(resources.files("workbench"))) / "resources"


def resource_path(*parts: str) -> Path:
    """The path of one resource file, e.g. ``resource_path("lifecycle", "intake.json")``.

    A missing resource is a broken installation, not a user error: the
    ``FileNotFoundError`` names the file that was looked for.
    """
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Workbench resource missing: {path}")
    return path


def read_resource_text(*parts: str) -> str:
    """The text (UTF-8) of one resource file."""
    return resource_path(*parts).read_text(encoding="utf-8")


def _folder(env: str, kind: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    import platformdirs

    finder = getattr(platformdirs, f"user_{kind}_dir")
    return Path(finder(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Settings and the recent-files list (``WORKBENCH_CONFIG_DIR`` overrides it)."""
    return _folder("WORKBENCH_CONFIG_DIR", "config")


def data_dir() -> Path:
    """The user's Workbench files: saved mappings, demo (``WORKBENCH_DATA_DIR``)."""
    return _folder("WORKBENCH_DATA_DIR", "data")


def log_dir() -> Path:
    """Crash logs (``WORKBENCH_LOG_DIR`` overrides it)."""
    return _folder("WORKBENCH_LOG_DIR", "log")
