"""Workbooks that read right in any viewer: cached values beside formulas, rows tall enough.

openpyxl writes a formula cell as ``<f>`` with an empty ``<v>``. Excel and LibreOffice
recalculate on opening, but a previewer that does not (Outlook, Quick Look, web
viewers, ``openpyxl`` with ``data_only=True``) shows such a cell blank: the totals of
the evaluation workbook disappear. ``store_values`` writes the figures Workbench
computed (the same ones its documents show) as the cached ``<v>`` of each formula, in
the saved file's XML; the formula stays, so a spreadsheet that recalculates still
follows the customer's edits.

Neither Excel nor LibreOffice grows a row to fit wrapped text when the file gives no
height, so a long instruction overlaps the rows below it. ``wrapped_heights`` sets
each row's height from its wrapped text: the column (or merged) width in characters,
the font size, the words wrapped as the viewer would.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import zipfile
from posixpath import join as pjoin
from posixpath import normpath
from xml.etree import ElementTree

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.models.xmltext import xml_text

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

DEFAULT_ROW_PT = 15.0
DEFAULT_COLUMN_WIDTH = 8.43
# Characters of body text per unit of column width at 10 pt (a unit is the width of a
# "0" in the default font; prose averages a little narrower), kept on the safe side:
# a row a line too tall reads fine, a row a line too short hides text.
CHARS_PER_WIDTH_AT_10PT = 1.15
LINE_FACTOR = 1.3  # line height / font size
ROW_PADDING_PT = 4.0


# ------------------------------------------------------------------ row heights
def column_width(ws: Worksheet, column: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(column))
    return float(dim.width) if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH


def text_lines(text: str, width: float, size: float = 11.0, *, bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` units wide at ``size`` points."""
    per_line = width * CHARS_PER_WIDTH_AT_10PT * 10.0 / max(size, 1.0) * (0.92 if bold else 1.0)
    per_line = max(1, int(per_line))
    return sum(
        max(1, len(textwrap.wrap(part, per_line, break_long_words=True)))
        for part in text.split("\n")
    )


def row_height(lines: int, size: float = 11.0) -> float:
    """Points for ``lines`` lines of ``size``-point text."""
    return round(lines * size * LINE_FACTOR + ROW_PADDING_PT, 1)


def wrapped_heights(ws: Worksheet) -> dict[int, float]:
    """Row -> height (points) for every row whose wrapped text needs more than it has."""
    spans: dict[tuple[int, int], float] = {}
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = sum(
            column_width(ws, c) for c in range(rng.min_col, rng.max_col + 1)
        )
    out: dict[int, float] = {}
    for row in ws.iter_rows():
        need = 0.0
        for cell in row:
            value = cell.value
            if not isinstance(value, str) or not value or cell.data_type == "f":
                continue
            if cell.alignment is None or not cell.alignment.wrap_text:
                continue
            width = spans.get((cell.row, cell.column)) or column_width(ws, cell.column)
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            bold = bool(cell.font is not None and cell.font.b)
            lines = text_lines(value, width, size, bold=bold)
            if lines > 1 or size > 11:  # one line of body text fits the default row
                need = max(need, row_height(lines, size))
        if not need:
            continue
        r = row[0].row
        dim = ws.row_dimensions.get(r)
        current = float(dim.height) if dim is not None and dim.height else DEFAULT_ROW_PT
        if need > current:
            out[r] = need
    return out


def fit_row_heights(ws: Worksheet) -> dict[int, float]:
    """Set the heights ``wrapped_heights`` asks for on ``ws``; return them."""
    heights = wrapped_heights(ws)
    for r, height in heights.items():
        ws.row_dimensions[r].height = height
    return heights


# --------------------------------------------------------------- cached values
def _cached(value: object) -> tuple[str | None, str]:
    """The ``t`` attribute and the ``<v>`` text of a formula's cached result."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return "e", "#NUM!"
        return None, repr(float(value)) if isinstance(value, float) else str(value)
    return "str", _escape(xml_text(str(value)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_parts(data: bytes) -> dict[str, str]:
    """Sheet name -> the part (path in the zip) holding its XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else normpath(pjoin("xl", target))
        out[sheet.get("name", "")] = part
    return out


_CELL = re.compile(
    r'<c r="(?P<ref>[A-Z]{1,3}[0-9]+)"(?P<attrs>[^>]*)>(?P<f><f>.*?</f>|<f[^>]*/>)'
    r"(?:<v\s*/>|<v>[^<]*</v>)?</c>",
    re.S,
)
_ROW = re.compile(r'<row r="(?P<r>[0-9]+)"(?P<attrs>[^>]*?)(?P<end>/?)>')
_T_ATTR = re.compile(r'\s+t="[^"]*"')
_HT_ATTR = re.compile(r'\s+(?:ht|customHeight)="[^"]*"')


def _patch_sheet(xml: str, values: dict[str, object], heights: dict[int, float]) -> str:
    def cell(m: re.Match) -> str:
        ref = m.group("ref")
        if ref not in values or values[ref] is None:
            return m.group(0)
        kind, text = _cached(values[ref])
        attrs = _T_ATTR.sub("", m.group("attrs")) + (f' t="{kind}"' if kind else "")
        return f'<c r="{ref}"{attrs}>{m.group("f")}<v>{text}</v></c>'

    def row(m: re.Match) -> str:
        r = int(m.group("r"))
        if r not in heights:
            return m.group(0)
        attrs = _HT_ATTR.sub("", m.group("attrs"))
        return f'<row r="{r}"{attrs} ht="{heights[r]:g}" customHeight="1"{m.group("end")}>'

    if values:
        xml = _CELL.sub(cell, xml)
    if heights:
        xml = _ROW.sub(row, xml)
    return xml


def store_values(
    data: bytes,
    values: dict[str, dict[str, object]],
    heights: dict[str, dict[int, float]] | None = None,
) -> bytes:
    """``data`` (an .xlsx) with ``values[sheet][cell]`` cached beside those cells' formulas
    and ``heights[sheet][row]`` set as row heights; every other byte of the file is kept."""
    heights = heights or {}
    parts = sheet_parts(data)
    todo = {
        parts[name]: (values.get(name, {}), heights.get(name, {}))
        for name in set(values) | set(heights)
        if name in parts
    }
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in todo:
                body = _patch_sheet(body.decode("utf-8"), *todo[info.filename]).encode("utf-8")
            dst.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()
