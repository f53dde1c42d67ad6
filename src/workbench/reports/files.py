"""Writing deliverables safely: atomic replacement and portable file names.

Every document is built into a temporary file in the target folder and moved over
the final name with ``os.replace`` only once it is complete, so a failure (or a
cancel) midway leaves the previous version, or nothing, never half a document.
File names avoid what Windows, macOS or Linux refuse (reserved device names,
``<>:"/\\|?*``, control characters, trailing dots and spaces, over-long names).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from workbench.models.safeio import os_error_in, write_failure

_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_CHARS = 120  # leaves room for deep folders under Windows' 260-character paths


def safe_filename(name: str, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file name (with extension) that every desktop OS accepts and keeps readable.

    Forbidden characters become ``-``, runs of spaces collapse, trailing dots and
    spaces go, a reserved device name (``CON``, ``LPT1``...) gets a ``_`` suffix, and
    the stem is shortened so the whole name stays within ``max_chars``.
    """
    name = unicodedata.normalize("NFC", name)
    # Keep names readable: quotes, brackets and wildcards go, separators become dashes.
    name = re.sub(r'["<>*?]', "", name)
    name = name.replace(":", " -")
    name = re.sub(r"[/\\|]", "-", name)
    name = _BAD_CHARS.sub("-", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-{2,}", "-", name).strip().strip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 8 or " " in ext:
        stem, ext = name, ""
    stem = stem.rstrip(" .") or "document"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = stem + "_"
    suffix = f".{ext}" if ext else ""
    room = max(1, max_chars - len(suffix))
    if len(stem) > room:
        stem = stem[:room].rstrip(" .") or "document"
    return stem + suffix


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success move it over ``target``.

    On any exception the temporary file is removed and ``target`` is untouched.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=".~wb-", suffix=target.suffix + ".part", dir=target.parent
        )
    except OSError as exc:
        raise write_failure(target, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes a private (0600) file; a deliverable gets the usual permissions.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        cause = os_error_in(exc)  # a full disk or a read-only folder: say so, name the file
        if cause is not None:
            raise write_failure(target, cause) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically; return ``target``."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def remove_stale_parts(folder: Path) -> None:
    """Delete temporary files an interrupted earlier export left in ``folder``."""
    if folder.is_dir():
        for stale in folder.glob(".~wb-*.part"):
            with contextlib.suppress(OSError):
                stale.unlink()
        for stage in folder.glob(".~wb-export-*"):  # a killed export's unfinished package
            if stage.is_dir() and not stage.is_symlink():
                shutil.rmtree(stage, ignore_errors=True)
