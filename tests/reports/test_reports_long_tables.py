"""Long tables continue on the next page with their header repeated, never cut mid-row."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from workbench.reports.proof import to_pdf


def _flag(row, name: str) -> bool:
    trpr = row._tr.trPr
    el = trpr.find(qn(f"w:{name}")) if trpr is not None else None
    return el is not None and el.get(qn("w:val"), "true") in ("true", "1", "on")


def _rep_table(package):
    path = next(f.path for f in package.files if f.document == "baseline-metrics")
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Rep")
    return path, table


def test_every_table_repeats_its_header_and_keeps_each_row_whole(story_package) -> None:
    tables = 0
    for f in story_package.files:
        if f.format != "docx":
            continue
        for n, table in enumerate(Document(str(f.path)).tables):
            where = f"{f.path.name}, table {n + 1}"
            assert _flag(table.rows[0], "tblHeader"), where
            assert all(_flag(row, "cantSplit") for row in table.rows), where
            assert not any(_flag(row, "tblHeader") for row in table.rows[1:]), where
            tables += 1
    assert tables > 50


def test_the_rep_list_is_one_table_of_every_rep(story_package) -> None:
    _, table = _rep_table(story_package)
    assert len(table.rows) - 1 >= 40  # the demo's 42 reps


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice and poppler are needed to read the pages",
)
def test_the_rep_list_continues_with_its_header_and_no_row_is_cut(
    story_package, tmp_path: Path
) -> None:
    path, table = _rep_table(story_package)
    pdf = to_pdf([path], tmp_path)[path]
    pages = []
    n = 1
    while True:
        done = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0 or n > 60:
            break
        pages.append(done.stdout)
        n += 1
    header = [c.text.split()[0] for c in table.rows[0].cells]  # "Rep", "FY2026", ...
    on_pages = set()
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        found = [i for i, text in enumerate(pages) if cells[0] in text]
        assert found, cells[0]
        page = pages[found[0]]
        line = next(ln for ln in page.splitlines() if cells[0] in ln)
        for value in cells[1:]:
            assert value in line, (cells[0], value, line)  # the whole row on one line
        on_pages.add(found[0])
    assert len(on_pages) >= 2  # the list does run over a page break
    for i in on_pages:
        assert all(word in pages[i] for word in header), f"page {i + 1} has no header row"
