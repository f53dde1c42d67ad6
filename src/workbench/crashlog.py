"""Crash logs: the details of an internal error, kept private and bounded.

When Workbench hits a bug, the user sees one plain line and the traceback goes to a
crash log for support. A crash log may quote customer data (a deal name in an
error message), so:

* it lives in the user's log folder (``locations.log_dir()``), created ``0700``;
* each crash gets its own file, ``crash-YYYYMMDD-HHMMSS-<pid>.log``, created
  exclusively (never through a planted symlink) with mode ``0600``;
* it starts with the Workbench version, the time (UTC), the platform and the
  command's name (never its arguments, which may hold file names or tokens);
* the folder keeps the newest ``MAX_LOGS`` logs within ``MAX_TOTAL_BYTES``; one log
  holds at most ``MAX_LOG_BYTES``.

Writing a crash log never raises: when the log folder cannot be written, the log
goes to a private folder under the system's temporary folder, and when that fails
too, ``write_crash_log`` returns None and the caller says the details were not kept.
"""

from __future__ import annotations

import os
import platform
import stat
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from workbench import __version__
from workbench.locations import log_dir

MAX_LOGS = 20
MAX_LOG_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024
PREFIX = "crash-"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _private_folder(folder: Path) -> Path:
    """``folder``, created 0700 if missing; refused unless it is ours and not a symlink."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(f"{folder} is not a folder")
    if hasattr(os, "getuid"):
        if info.st_uid != os.getuid():
            raise OSError(f"{folder} belongs to another user")
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)
    return folder


def fallback_dir() -> Path:
    """The private folder used when the log folder cannot be written."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"workbench-logs-{user}"


def _text(exc_info: ExcInfo, command: str | None) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    bundled = " (bundled)" if getattr(sys, "frozen", False) else ""
    head = [
        f"Workbench {__version__}{bundled} crash log",
        f"time:     {when}",
        f"platform: {platform.platform()}; Python {platform.python_version()}",
        f"command:  {command or 'unknown'}",
        "",
    ]
    body = "".join(traceback.format_exception(*exc_info))
    text = "\n".join(head) + body
    data = text.encode("utf-8", "replace")
    if len(data) > MAX_LOG_BYTES:
        keep = MAX_LOG_BYTES // 2
        text = (
            data[:keep].decode("utf-8", "ignore")
            + "\n[... middle of the traceback left out: the log is capped ...]\n"
            + data[-keep:].decode("utf-8", "ignore")
        )
    return text


def _write_into(folder: Path, text: str) -> Path:
    folder = _private_folder(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for n in range(100):
        suffix = f"-{n}" if n else ""
        path = folder / f"{PREFIX}{stamp}-{os.getpid()}{suffix}.log"
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise OSError(f"no free crash log name in {folder}")


def rotate(folder: Path, keep: int = MAX_LOGS, max_total: int = MAX_TOTAL_BYTES) -> None:
    """Delete the oldest crash logs beyond ``keep`` files or ``max_total`` bytes."""
    logs = []
    for path in folder.glob(f"{PREFIX}*.log"):
        try:
            info = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            logs.append((info.st_mtime, path.name, info.st_size, path))
    logs.sort(reverse=True)  # newest first
    total = 0
    for index, (_mtime, _name, size, path) in enumerate(logs):
        total += size
        if index >= keep or (index > 0 and total > max_total):
            try:
                path.unlink()
            except OSError:
                pass


def write_crash_log(exc_info: ExcInfo | None = None, command: str | None = None) -> Path | None:
    """Write a crash log for ``exc_info`` (default: the exception being handled).

    Returns the log's path, or None when no folder could take it. Never raises.
    """
    try:
        if exc_info is None:
            exc_info = sys.exc_info()  # type: ignore[assignment]
        text = _text(exc_info, command)  # type: ignore[arg-type]
    except Exception:
        return None
    for folder in _candidates():
        try:
            path = _write_into(folder, text)
        except Exception:
            continue
        try:
            rotate(path.parent)
        except Exception:
            pass
        return path
    return None


def _candidates() -> list[Path]:
    folders = []
    try:
        folders.append(log_dir())
    except Exception:
        pass
    try:
        folders.append(fallback_dir())
    except Exception:
        pass
    return folders
