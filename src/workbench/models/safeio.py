"""Creating files beside the user's files without being tricked by what is already there.

Workbench writes a few files next to the engagement and the exports: the writer lock,
``<file>.creating`` while a new engagement is built, backups before an upgrade, and
``<export>.writing`` while a workbook is saved. Someone who can write into that folder
could plant a symbolic link under one of those names and make Workbench write through
it into any file the user owns. So every such file is created exclusively and without
following a link (``O_CREAT | O_EXCL | O_NOFOLLOW``): a planted link is removed (the
link, never its target) and a fresh private file is made in its place.

A write that fails (a full disk, a cancel) removes its temporary file, so no truncated
``.writing`` or ``.creating`` file stays behind, and reports the failure as one plain
sentence that names the file.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from workbench.errors import WorkbenchError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
CLOEXEC = getattr(os, "O_CLOEXEC", 0)
BINARY = getattr(os, "O_BINARY", 0)
NO_SPACE = (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))


def create_exclusive(path: Path, mode: int = 0o600) -> int:
    """A new file at ``path`` opened for writing; a leftover or planted link is removed first.

    Returns the file descriptor. Raises ``FileExistsError`` if something reappears at
    ``path`` between the removal and the creation (a race with another writer).
    """
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if path.is_symlink() or path.is_file():
            path.unlink()  # unlinking a symbolic link removes the link, not its target
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC | BINARY, mode)


def open_nofollow(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` that refuses to follow a symbolic link at ``path`` (``OSError`` if one)."""
    return os.open(path, flags | NOFOLLOW | CLOEXEC | BINARY, mode)


def write_failure(path: Path, exc: OSError) -> WorkbenchError:
    """One plain sentence for a failed write to ``path`` (full disk, permission, ...)."""
    if exc.errno in NO_SPACE:
        return WorkbenchError(
            f"Could not write {path}: the disk is full (or the file would exceed the size "
            "allowed). Free some space and try again; nothing was changed."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WorkbenchError(
            f"Could not write {path}: the folder or file is read-only or you lack permission. "
            "Choose a folder you can write to; nothing was changed."
        )
    return WorkbenchError(f"Could not write {path} ({exc.strerror or exc}); nothing was changed.")


@contextlib.contextmanager
def atomic_file(target: Path, suffix: str = ".writing") -> Iterator[BinaryIO]:
    """Yield a binary file ``<target><suffix>`` created exclusively; on success move it over
    ``target``. On any failure the temporary file is removed and ``target`` is untouched;
    an ``OSError`` (full disk, permission) becomes a plain ``WorkbenchError`` naming it.
    """
    target = Path(target)
    tmp = target.with_name(target.name + suffix)
    try:
        fd = create_exclusive(tmp, 0o666)
    except OSError as exc:
        raise write_failure(target, exc) from None
    fh = os.fdopen(fd, "wb")
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        _drop_half_written(exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
        cause = os_error_in(exc)
        if cause is not None:
            raise write_failure(target, cause) from None
        raise


def os_error_in(exc: BaseException) -> OSError | None:
    """The operating-system error behind ``exc``, if any (full disk, permission).

    Writers wrap them: lxml (used by openpyxl and python-docx) raises
    ``SerialisationError('IO_ENOSPC')``; others chain the ``OSError`` as the cause.
    """
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, OSError):
            return seen
        match = re.search(r"\bIO_(E[A-Z]+)\b", str(seen))
        if match and hasattr(errno, match.group(1)):
            code = getattr(errno, match.group(1))
            return OSError(code, os.strerror(code))
        seen = seen.__cause__ or seen.__context__
    return None


def _drop_half_written(exc: BaseException) -> None:
    """Let writers abandoned mid-file (a ``ZipFile`` that never closed) go quietly.

    Their ``__del__`` would otherwise try to finish the file later and print a traceback
    on stderr after the plain message.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        seen: BaseException | None = exc
        for _ in range(10):
            if seen is None:
                break
            traceback.clear_frames(seen.__traceback__)
            seen = seen.__cause__ or seen.__context__
        gc.collect()
    finally:
        sys.unraisablehook = hook
