"""Shared helpers for the command line: opening files, printing JSON, progress.

Capabilities register their commands from their own ``cli`` module
(``register(subparsers)``) and use these helpers so every command behaves alike:
plain ``error: ...`` lines, ``--json`` on stdout, progress on a terminal only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workbench.models import Engagement
from workbench.progress import Progress


@contextmanager
def opened(path: str | Path, *, read_only: bool = False) -> Iterator[Engagement]:
    """Open an engagement for one command and always close it (self-contained file)."""
    eng = Engagement.open(path, read_only=read_only)
    try:
        yield eng
    finally:
        eng.close()


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the .engagement file")


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _default(obj: Any) -> Any:
    # Dataclasses never reach here: _clean has turned them into dicts already.
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, set):
        return sorted(obj)
    if hasattr(obj, "item"):  # numpy scalars
        return _clean(obj.item())
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} as JSON")


def to_json(obj: Any) -> str:
    """JSON text for ``obj`` (dataclasses, dates, numpy values allowed); NaN and Infinity
    become null."""
    return json.dumps(_clean(obj), default=_default, indent=2, ensure_ascii=False)


def _clean(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):  # NaN and Infinity are not JSON
        return None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return _clean(dataclasses.asdict(obj))
    return obj


def emit_json(obj: Any) -> None:
    sys.stdout.write(to_json(obj) + "\n")


def terminal_progress() -> Progress:
    """A Progress that draws a one-line bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return Progress.none()
    last = [-1]

    def show(fraction: float, status: str) -> None:
        pct = int(fraction * 100)
        if pct != last[0]:
            last[0] = pct
            sys.stderr.write(f"\r{pct:3d}% {status[:70]:<70}")
            if pct >= 100:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return Progress(show)
