"""A lock beside the engagement file, so a second Workbench knows who is writing it.

SQLite's own locks last one transaction; users need to know, before they start
editing, that a colleague (or another window) already has the file open. The lock
is an OS advisory lock on ``<file>.lock`` held for as long as the file is open for
writing; the lock file says who holds it. A crashed process releases the OS lock,
so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from workbench.errors import EngagementLocked
from workbench.models.safeio import create_exclusive, open_nofollow, write_failure

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def read_holder(path: Path) -> dict:
    """Who holds the lock on ``path``, as written in its lock file (may be empty)."""
    try:
        return json.loads(lock_path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


class WriterLock:
    """Held while an engagement is open for writing; raises ``EngagementLocked`` if taken."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        lp = lock_path(self.path)
        for _attempt in range(100):
            fd = self._open(lp)
            if not _try_lock(fd):
                os.close(fd)
                raise self._locked()
            if _same_file(fd, lp):
                break
            # The holder we waited for removed this lock file as it let go: the lock we
            # got is on a file nobody else will look at. Start again on the current one.
            _unlock(fd)
            os.close(fd)
        else:  # pragma: no cover - a lock file replaced a hundred times in a row
            raise self._locked()
        info = {
            "user": getpass.getuser(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        data = json.dumps(info).encode()
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            if os.write(fd, data) != len(data):  # a file-size limit cuts the write short
                raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))
        except OSError as exc:  # a full disk: no empty lock file stays behind
            self._fd = fd
            self.release()
            raise write_failure(lp, exc) from None
        self._fd = fd

    @staticmethod
    def _open(lp: Path) -> int:
        try:
            return open_nofollow(lp, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if not lp.is_symlink():
                raise write_failure(lp, exc) from None
        # A symbolic link planted as the lock file: remove the link (never its target).
        lp.unlink()
        try:
            return create_exclusive(lp, 0o644)
        except OSError as exc:
            raise write_failure(lp, exc) from None

    def _locked(self) -> EngagementLocked:
        holder = read_holder(self.path)
        who = holder.get("user", "another user")
        where = holder.get("host", "another computer")
        since = holder.get("since", "an unknown time")
        pid = holder.get("pid", "?")
        return EngagementLocked(
            f"{self.path.name} is already open for writing by {who} on {where} "
            f"(process {pid}, since {since}). Close it there, or open it read-only "
            f"(--read-only).",
            holder,
        )

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Remove the file while still holding the lock. Whoever was waiting on this
        # file gets its lock only after we unlock, sees in ``acquire`` that the file is
        # gone from the folder and starts again on a new one, so two processes never
        # both believe they hold the lock.
        try:
            if _same_file(fd, lock_path(self.path)):
                lock_path(self.path).unlink()
        except OSError:
            pass
        _unlock(fd)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``fd`` is still the file named ``path`` (not removed or replaced)."""
    try:
        named = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)
