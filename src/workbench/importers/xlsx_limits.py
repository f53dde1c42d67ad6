"""Bounds for Excel files, whose own size claims cannot be trusted.

An .xlsx is a zip of XML parts. Its ``<dimension>`` may say A1:H5 over 201 rows (read
by the dimension, 196 rows vanish) or A1:XFD1048576 over one far cell (padded out, 17
billion empty cells), and a few kilobytes can unpack to millions of shared strings.
So Workbench reads the real rows, never the declared dimension, and stops with a
plain message past Excel's own row limit, a cell budget, or a shared-string budget,
before memory runs out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import WorkbenchError

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 50_000_000  # filled cells in one sheet (a 1M-row, 50-column export)
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_BYTES = 256 * 1024 * 1024  # the unpacked shared-string part
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


class XlsxTooLarge(WorkbenchError):
    """The workbook is beyond what Workbench reads."""


def _split_advice(path: Path) -> str:
    return f"Split {path.name} into smaller exports (or export CSV) and import them one by one."


def check_shared_strings(path: Path) -> None:
    """Refuse a workbook whose shared-string table is beyond the budget, before opening it."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.lower().endswith("sharedstrings.xml")]
            for info in infos:
                if info.file_size > MAX_SHARED_BYTES:
                    raise XlsxTooLarge(
                        f"{path.name} holds {info.file_size / 1e6:,.0f} MB of text in its "
                        f"shared-string table; Workbench reads up to {MAX_SHARED_BYTES // 2**20} "
                        f"MB. {_split_advice(path)}"
                    )
                count = _count_strings(zf, info)
                if count > MAX_SHARED_STRINGS:
                    raise XlsxTooLarge(
                        f"{path.name} holds more than {MAX_SHARED_STRINGS:,} different texts "
                        f"(shared strings); Workbench stops there to keep memory bounded. "
                        f"{_split_advice(path)}"
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, NotImplementedError):
        return  # not a readable zip: the workbook reader says so in its own words


def _count_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    count, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            # Count matches that start before the overlap kept for the next chunk.
            cut = max(0, len(data) - 64)
            count += len(_SI.findall(data, 0, cut)) if cut else 0
            tail = data[cut:]
            if count > MAX_SHARED_STRINGS:
                return count
    return count + len(_SI.findall(tail))


def declared_rows(ws) -> int:
    """The row count the sheet claims (for a progress estimate only, never for reading)."""
    if not hasattr(ws, "_workbench_declared_rows"):
        try:
            ws._workbench_declared_rows = int(ws.max_row or 0)
        except (TypeError, ValueError):
            ws._workbench_declared_rows = 0
    return ws._workbench_declared_rows


def bounded_rows(ws, path: Path, sheet: str) -> Iterator[tuple]:
    """The sheet's real rows (not its declared dimension), within the row and cell limits."""
    reset = getattr(ws, "reset_dimensions", None)
    if reset is not None:
        declared_rows(ws)  # kept for progress estimates only
        reset()  # read what is there, not what the file says is there
    cells = 0
    for index, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if index > MAX_ROWS:
            raise XlsxTooLarge(
                f"{path.name}, sheet {sheet}: more than {MAX_ROWS:,} rows, beyond what Excel "
                f"itself holds. {_split_advice(path)}"
            )
        # Trailing empty cells (a far-away stray cell pads every row) are not data.
        end = len(values)
        while end and values[end - 1] in (None, ""):
            end -= 1
        cells += end
        if cells > MAX_CELLS:
            raise XlsxTooLarge(
                f"{path.name}, sheet {sheet}: more than {MAX_CELLS:,} filled cells; Workbench "
                f"stops there to keep memory bounded. {_split_advice(path)}"
            )
        yield values[:end]
