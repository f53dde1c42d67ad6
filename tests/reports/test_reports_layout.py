"""Layout: columns wide enough for their longest word, headings kept with what follows,
workbooks set up for printing in one font family."""

from __future__ import annotations

import pytest
from docx import Document
from openpyxl import load_workbook

from workbench.reports.docx_base import (
    _BODY_CHAR_IN,
    _CELL_PADDING_IN,
    _HEADER_CHAR_IN,
    _MAX_WORD_COLUMN_IN,
    fit_widths,
)


def test_a_narrow_column_takes_room_from_a_wide_one() -> None:
    widths = fit_widths(
        ["Criterion", "Weight", "Recommended"],
        [["Pipeline analytics", "25%", "Salesforce Einstein"]],
        [3.0, 0.5, 0.9],
    )
    # "Weight" needs 6 x 0.082 + 0.18 = 0.672 in; "Recommended" 11 x 0.082 + 0.18 = 1.082 in.
    assert widths == pytest.approx([3.0 - 0.172 - 0.182, 0.672, 1.082])
    assert sum(widths) == pytest.approx(4.4)


def test_widths_that_already_fit_are_left_alone() -> None:
    assert fit_widths(["A", "B"], [["x", "2026-10-01"]], [1.0, 1.2]) == [1.0, 1.2]


def _need(words: list[str], header: bool) -> float:
    per = _HEADER_CHAR_IN if header else _BODY_CHAR_IN
    return max((len(w) for w in words), default=0) * per + _CELL_PADDING_IN


def test_no_word_of_the_demo_package_breaks_inside_its_column(story_package) -> None:
    broken = []
    for f in story_package.files:
        if f.format != "docx":
            continue
        for table in Document(str(f.path)).tables:
            widths = [c.width for c in table.columns]
            if any(w is None for w in widths):
                continue
            for r, row in enumerate(table.rows):
                for i, cell in enumerate(row.cells[: len(widths)]):
                    words = cell.text.split()
                    need = _need(words, header=r == 0)
                    if need > _MAX_WORD_COLUMN_IN:
                        continue  # a web address or a file name: may wrap anywhere
                    if need > widths[i] / 914400 + 0.01:
                        broken.append(f"{f.path.name}: {max(words, key=len)!r} in column {i + 1}")
    assert sorted(set(broken)) == []


def test_headings_are_kept_with_the_next_paragraph(story_package) -> None:
    path = next(f.path for f in story_package.files if f.document == "admin-runbook")
    headings = [p for p in Document(str(path)).paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


def test_workbooks_print_one_page_wide_with_repeated_titles(story_package) -> None:
    for f in story_package.files:
        if f.format != "xlsx":
            continue
        wb = load_workbook(f.path)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or ws.max_row < 2:
                continue
            where = f"{f.path.name} / {ws.title}"
            assert ws.print_area, where
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, where
            fonts = {
                c.font.name for row in ws.iter_rows() for c in row if c.value is not None
            }
            assert fonts == {"Arial"}, (where, fonts)
