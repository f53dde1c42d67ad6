"""Compare figures against a frozen copy, naming each difference by its path.

Numbers must be equal as a reader sees them: floats to 12 significant digits (a newer
numpy may sum in another order and move the last bit), everything else exactly.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path


def differences(old, new, where: str = "", out: list | None = None) -> list[str]:
    out = [] if out is None else out
    if len(out) >= 20:
        return out
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            differences(old.get(key, "<absent>"), new.get(key, "<absent>"), f"{where}.{key}", out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            differences(a, b, f"{where}[{i}]", out)
    elif isinstance(old, float) and isinstance(new, float):
        if not math.isclose(old, new, rel_tol=1e-12, abs_tol=1e-12):
            out.append(f"{where}: frozen {old!r}, now {new!r}")
    elif old != new or type(old) is not type(new):
        out.append(f"{where}: frozen {str(old)[:200]!r}, now {str(new)[:200]!r}")
    return out


def read_frozen(path: Path) -> dict:
    """The figures frozen at ``path`` (gzipped JSON)."""
    return json.loads(gzip.decompress(path.read_bytes()))


def freeze(path: Path, figures: dict) -> None:
    """Freeze ``figures`` at ``path`` (a deliberate, manual step when a figure must change)."""
    text = json.dumps(figures, sort_keys=True).encode()
    path.write_bytes(gzip.compress(text, mtime=0))
    print(f"{path}: {len(text):,} bytes of figures")
