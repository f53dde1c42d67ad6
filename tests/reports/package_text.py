"""Everything a reader sees in a package's Word and Excel files, piece by piece, and
the demo packages of both project kinds (built once per test session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbench.importers import ENTITIES
from workbench.reports.package import PackageResult
from workbench.reports.proof import package_as

KINDS = ("revenue-intelligence", "conversation-intelligence")


def texts(path: Path) -> Iterator[str]:
    """Each paragraph, table cell (nested too), header, footer, sheet name and text cell."""
    if path.suffix == ".docx":
        doc = Document(str(path))
        yield from (p.text for p in doc.paragraphs)

        def cells(table) -> Iterator[str]:
            for row in table.rows:
                for cell in row.cells:
                    yield cell.text
                    for inner in cell.tables:
                        yield from cells(inner)

        for table in doc.tables:
            yield from cells(table)
        for section in doc.sections:
            for part in (section.header, section.footer, section.first_page_header):
                yield from (p.text for p in part.paragraphs)
    elif path.suffix == ".xlsx":
        wb = load_workbook(path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue  # a hidden sheet holds machine-readable keys, never shown
            yield ws.title
            hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
            for row in ws.iter_rows():
                for cell in row:
                    if get_column_letter(cell.column) in hidden:  # a merged cell has no letter
                        continue  # a hidden column holds machine-readable keys too
                    value = cell.value
                    if isinstance(value, str) and not value.startswith("="):
                        yield value


def demo_package(demo_file: Path, out: Path, kind: str) -> PackageResult:
    """The demo engagement's package as ``kind`` (see ``workbench.reports.proof``)."""
    return package_as(demo_file, out, kind)


def crm_property_names() -> set[str]:
    """HubSpot's own property names (``hs_timestamp``, a pipeline stage's ``display_order``):
    the customer's CRM's words, shown in the field mapping's HubSpot column. The names of
    the records' own columns stay forbidden."""
    columns = {
        f.name.lstrip("_")
        for name, spec in ENTITIES.items()
        if name != "pipeline_stages"
        for f in spec.fields
    }
    return {
        alias
        for spec in ENTITIES.values()
        for f in spec.fields
        for alias in f.hubspot
        if alias not in columns
    }
