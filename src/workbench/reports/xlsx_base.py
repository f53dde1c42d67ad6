"""Excel workbooks that open cleanly and never run CRM text as a formula.

``Sheet.add_table`` writes a header row (styled, frozen, filtered), typed rows with
number formats, and sensible column widths. Every text value passes through
``safe_text``: a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is stored as a string cell (``data_type = 's'``), so Excel and LibreOffice
show it instead of evaluating it. Only the builders' own formulas (``Formula``)
are written as formulas.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.models.xlsx_values import fit_row_heights
from workbench.reports.files import atomic_path
from workbench.reports.text import one_line, xml_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NAVY = "1F3864"
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
HEADER_FONT = Font(name="Arial", bold=True, color="FFFFFF", size=10)
BODY_FONT = Font(name="Arial", size=10)
TITLE_FONT = Font(name="Arial", bold=True, size=14, color=NAVY)
NOTE_FONT = Font(name="Arial", italic=True, size=9, color="595959")
ASSUMED_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Number formats by column kind.
FORMATS = {
    "int": "#,##0",
    "float": "#,##0.00",
    "money": "#,##0",
    "pct": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}


@dataclass
class Formula:
    """A formula the builder itself writes (never CRM text), e.g. ``=SUM(B2:B9)``."""

    text: str
    kind: str = "float"


@dataclass
class Column:
    """One column of a table: header, kind (a key of FORMATS) and width in characters."""

    header: str
    kind: str = "text"
    width: float | None = None
    wrap: bool = False


def safe_text(value: str) -> str:
    """Text as it may be stored; the cell is additionally typed as a string by ``set_cell``."""
    return xml_text(value)


def set_cell(cell: Cell, value: object, kind: str = "text") -> None:
    """Write ``value`` into ``cell`` so that text is always text and numbers are numbers."""
    if isinstance(value, Formula):
        cell.value = value.text
        cell.number_format = FORMATS.get(value.kind, "General")
        return
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool):
        cell.value = "Yes" if value else "No"
        return
    if isinstance(value, float) and not math.isfinite(value):
        cell.value = None  # Excel has no Infinity or NaN: an empty cell, never "inf"
        return
    if isinstance(value, (int, float)) and kind != "text":
        cell.value = value
        cell.number_format = FORMATS.get(kind, "General")
        return
    if isinstance(value, (dt.date, dt.datetime)):
        cell.value = value
        cell.number_format = FORMATS["datetime" if isinstance(value, dt.datetime) else "date"]
        return
    text = safe_text(str(value))
    cell.value = text
    # openpyxl writes any str starting with "=" as a formula; forcing the data type
    # to string stores it as (shared/inline) text that no spreadsheet evaluates.
    cell.data_type = "s"


class WorkbookBuilder:
    """A workbook under construction; ``save(path)`` writes it atomically."""

    def __init__(self, *, title: str, customer: str, subtitle: str = "") -> None:
        self.wb = Workbook()
        self._first = True
        self.title = one_line(title)
        self.customer = one_line(customer)
        self.subtitle = xml_text(subtitle)
        self.wb.properties.title = f"{self.title} - {self.customer}"
        self.wb.properties.creator = "Workbench"

    def sheet(self, name: str) -> Worksheet:
        """A new worksheet named ``name`` (trimmed to Excel's 31 characters, no []:*?/\\)."""
        clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in one_line(name))[:31] or "Sheet"
        if self._first:
            ws = self.wb.active
            ws.title = clean
            self._first = False
        else:
            ws = self.wb.create_sheet(clean)
        ws.sheet_view.showGridLines = False
        return ws

    def add_table(
        self,
        ws: Worksheet,
        columns: list[Column],
        rows: list[list[object]],
        *,
        heading: str | None = None,
        note: str | None = None,
        highlight: list[bool] | None = None,
        start_row: int | None = None,
        freeze: bool = True,
    ) -> int:
        """Write a titled table; return the next free row.

        ``highlight[i]`` shades row i (used for ASSUMED values). The header row is
        frozen and gets an autofilter when it is the sheet's first table.
        """
        r = start_row or (ws.max_row + 2 if ws.max_row > 1 else 1)
        if heading:
            set_cell(ws.cell(r, 1), heading)
            ws.cell(r, 1).font = TITLE_FONT
            r += 1
            if note:
                _note(ws, r, note, len(columns))
                r += 1
            r += 1
        header_row = r
        for c, col in enumerate(columns, start=1):
            cell = ws.cell(r, c)
            set_cell(cell, col.header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.border = GRID
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.row_dimensions[r].height = 28
        # A cell's style is the same as an earlier one's of its column whenever its
        # value had the same number format and the same shading: copied, not set again
        # (openpyxl looks every font, border and alignment up anew: most of its time).
        styled: dict[tuple, StyleArray] = {}
        for i, row in enumerate(rows):
            r += 1
            shade = bool(highlight and i < len(highlight) and highlight[i])
            for c, col in enumerate(columns, start=1):
                cell = ws.cell(r, c)
                set_cell(cell, row[c - 1] if c - 1 < len(row) else None, col.kind)
                key = (c, shade, tuple(cell._style) if cell._style else ())
                if key in styled:
                    cell._style = StyleArray(styled[key])
                    continue
                cell.font = BODY_FONT
                cell.border = GRID
                cell.alignment = Alignment(vertical="top", wrap_text=col.wrap)
                if shade:
                    cell.fill = ASSUMED_FILL
                styled[key] = StyleArray(cell._style)
        for c, col in enumerate(columns, start=1):
            letter = get_column_letter(c)
            width = col.width or _auto_width(col, rows, c - 1)
            current = ws.column_dimensions[letter].width or 0
            ws.column_dimensions[letter].width = max(current, width)
        if freeze and ws.freeze_panes is None:
            ws.freeze_panes = ws.cell(header_row + 1, 1)
            if rows:
                ws.auto_filter.ref = (
                    f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(rows)}"
                )
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return r + 1

    def add_notes(self, ws: Worksheet, lines: list[str], *, start_row: int | None = None) -> int:
        """Write explanatory lines (e.g. "Not yet available: ...") below the tables."""
        r = start_row or ws.max_row + 2
        for line in lines:
            _note(ws, r, line, ws.max_column)
            r += 1
        return r

    def save(self, path: Path) -> Path:
        """Write the workbook to ``path`` atomically (each sheet's print area set, each
        row tall enough for its wrapped text)."""
        for ws in self.wb.worksheets:
            fit_row_heights(ws)
            ws.print_area = f"A1:{get_column_letter(max(ws.max_column, 1))}{max(ws.max_row, 1)}"
        with atomic_path(path) as tmp:
            # zipped in memory first (see DocBuilder.save); openpyxl still writes each
            # sheet through a temporary file, so a full disk can fail here: inside.
            buffer = io.BytesIO()
            self.wb.save(buffer)
            Path(tmp).write_bytes(buffer.getvalue())
        return path


def _note(ws: Worksheet, row: int, text: str, width_in_columns: int) -> None:
    """A note across the table's width, wrapped (its row is sized when the book is saved)
    rather than one line running past the print area."""
    cell = ws.cell(row, 1)
    set_cell(cell, text)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if width_in_columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width_in_columns)


def _auto_width(col: Column, rows: list[list[object]], index: int) -> float:
    longest = len(col.header)
    for row in rows[:500]:
        if index < len(row) and row[index] is not None:
            value = row[index]
            text = f"{value:,.2f}" if isinstance(value, float) else str(value)
            longest = max(longest, max((len(p) for p in text.split("\n")), default=0))
    cap = 60 if col.wrap else 48
    return float(min(cap, max(10, longest + 2)))
