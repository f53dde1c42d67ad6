"""A private folder for the temporary copies an import makes, removed even after a crash.

A CSV in another encoding is transcoded to a UTF-8 copy before it is read: that copy
is the customer's data in plain text. It lives in a folder only this user can read
(``<temp>/workbench-<user>/import-<process>-...``, mode 0700), removed when the import
ends. A process killed midway cannot remove its folder, so each new import first
removes the folders of processes that no longer run.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from workbench.errors import WorkbenchError

STALE_SECONDS = 12 * 3600  # where a process cannot be asked whether it still runs
_OWNED = re.compile(r"^import-(\d+)-")


def private_root() -> Path:
    """``<temp>/workbench-<user>``, created 0700 and refused if it is not ours or is a link."""
    user = re.sub(r"[^A-Za-z0-9_.-]", "_", _user())
    root = Path(tempfile.gettempdir()) / f"workbench-{user}"
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700)
    info = os.lstat(root)
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if not stat.S_ISDIR(info.st_mode) or not mine:
        raise WorkbenchError(
            f"The temporary folder {root} is not a private folder of yours; remove it and "
            "try again."
        )
    if hasattr(os, "getuid") and stat.S_IMODE(info.st_mode) != 0o700:
        os.chmod(root, 0o700)
    return root


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a container without one)
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def sweep(root: Path | None = None) -> list[Path]:
    """Remove the import folders of processes that are gone; return what was removed."""
    root = root or private_root()
    removed = []
    for folder in root.iterdir():
        match = _OWNED.match(folder.name)
        if not match:
            continue
        if os.name == "nt":  # pragma: no cover - no signal 0 there: go by age
            gone = time.time() - folder.stat().st_mtime > STALE_SECONDS
        else:
            gone = not _running(int(match.group(1)))
        if gone:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def make_workdir() -> tempfile.TemporaryDirectory:
    """A new private folder for one import (a context manager that removes it)."""
    root = private_root()
    sweep(root)
    return tempfile.TemporaryDirectory(prefix=f"import-{os.getpid()}-", dir=root)
