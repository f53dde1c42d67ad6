"""CRM text never becomes an Excel formula."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from workbench.reports.xlsx_base import Column, Formula, WorkbookBuilder


@pytest.mark.parametrize(
    "text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "=cmd|' /C calc'!A0"]
)
def test_text_starting_with_a_formula_trigger_is_stored_as_text(tmp_path: Path, text: str) -> None:
    wb = WorkbookBuilder(title="t", customer="c")
    ws = wb.sheet("S")
    wb.add_table(ws, [Column("Value")], [[text]])
    path = wb.save(tmp_path / "t.xlsx")
    cell = openpyxl.load_workbook(path).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == text


def test_builder_formulas_stay_formulas_and_numbers_stay_numbers(tmp_path: Path) -> None:
    wb = WorkbookBuilder(title="t", customer="c")
    ws = wb.sheet("S")
    wb.add_table(ws, [Column("Amount", "money")], [[1200.5], [Formula("=SUM(A2:A2)", "money")]])
    path = wb.save(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet["A2"].value == 1200.5 and sheet["A2"].number_format == "#,##0"
    assert sheet["A3"].data_type == "f"
    assert sheet.freeze_panes == "A2"
