"""The Excel round trip: live formulas, validation, formatting, chart, safe text,
LibreOffice recalculation equal to Workbench, and importing an edited copy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.evaluation import (
    apply_changes,
    compute_results,
    edit,
    export_workbook,
    load_matrix,
    read_changes,
)
from workbench.evaluation.workbook import FIRST_ROW, MATRIX_SHEET


def _export(eng, tmp_path: Path) -> Path:
    return export_workbook(load_matrix(eng), tmp_path / "matrix.xlsx", customer="Acme Corp")


def test_export_has_live_formulas_validation_formatting_and_chart(scored, tmp_path):
    wb = load_workbook(_export(scored, tmp_path))
    assert wb.sheetnames == [
        "Instructions",
        "Matrix",
        "Scores - RevOps",
        "Scores - Sales manager",
        "Scores - IT-security",
        "TCO",
        "_workbench",
    ]
    assert wb["_workbench"].sheet_state == "hidden"
    ws = wb[MATRIX_SHEET]
    assert ws["B5"].value == 0.25 and ws["B5"].number_format == "0.0%"
    # 7 criteria in rows 5-11; totals in row 13, percent 14, rank 15
    assert ws["C13"].value == "=SUMPRODUCT($B$5:$B$11,C5:C11)"
    assert ws["C14"].value == "=C13/5"
    assert ws["C15"].value == "=RANK(C13,$C$13:$F$13,0)"
    assert ws["C5"].value.startswith("=IFERROR(AVERAGE('Scores - RevOps'!C5,")
    assert ws["C11"].value.startswith("=IF(ISNUMBER(TCO!")  # pricing from TCO
    assert ws["B2"].value == "=SUM($B$5:$B$11)"
    assert "100%" in ws["C2"].value
    assert ws["B18"].value.startswith("=IF(COUNT(") and "LARGE(" in ws["B18"].value
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert chart.grouping == "stacked" and len(chart.series) == 7
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert "C5:F11" in ranges and "C13:F13" in ranges
    scores = wb["Scores - RevOps"]
    dv = scores.data_validations.dataValidation
    assert len(dv) == 1 and dv[0].type == "whole" and (dv[0].formula1, dv[0].formula2) == ("1", "5")
    assert str(dv[0].sqref) == "C5:F11"
    assert scores["C5"].value == 5 and scores["H5"].value == "RevOps saw the Gong demo"
    tco = wb["TCO"]
    assert tco["B3"].value == 3 and tco["B4"].value == pytest.approx(0.2)
    assert any(
        isinstance(c.value, str)
        and c.value.startswith("=SUMPRODUCT") is False
        and "MIN(" in c.value
        for row in tco.iter_rows(min_row=8, max_row=8)
        for c in row
    )


def test_text_starting_like_a_formula_is_written_as_text(new_engagement, tmp_path):
    from workbench.evaluation import create_evaluation

    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    edit.add_vendor(new_engagement, m, '=HYPERLINK("http://x","y")')
    m = load_matrix(new_engagement)
    edit.set_score(new_engagement, m, m.vendors[-1].name, "CRM", 3, "RevOps", "@SUM(1)")
    edit.set_score(new_engagement, m, "Gong", "CRM", 4, "RevOps", "-2 points for latency")
    path = export_workbook(load_matrix(new_engagement), tmp_path / "x.xlsx", customer="+Acme")
    wb = load_workbook(path)
    header = wb[MATRIX_SHEET]["G4"]
    assert header.value == '=HYPERLINK("http://x","y")' and header.data_type == "s"
    assert header.quotePrefix
    ev = wb["Scores - RevOps"]
    cells = [c for row in ev.iter_rows() for c in row if isinstance(c.value, str)]
    risky = [c for c in cells if c.value in ("@SUM(1)", "-2 points for latency")]
    assert len(risky) == 2 and all(c.data_type == "s" and c.quotePrefix for c in risky)
    formulas = [c for c in cells if c.data_type == "f"]
    assert formulas and all(c.value.startswith("=Matrix!B") for c in formulas)
    assert wb[MATRIX_SHEET]["A1"].value.startswith("Platform evaluation: +Acme")


def _recalculate(path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "recalculated"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return out / path.name


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculation_equals_workbench_totals(scored, tmp_path):
    m = load_matrix(scored)
    expected = compute_results(m)
    assert expected.disagreements  # the fixture has disagreements; consensus uses means
    recalculated = _recalculate(_export(scored, tmp_path), tmp_path)
    ws = load_workbook(recalculated, data_only=True)[MATRIX_SHEET]
    by = {v.name: v for v in expected.vendors}
    for j, v in enumerate(m.vendors):
        col = 3 + j
        assert ws.cell(row=4, column=col).value == v.name
        assert ws.cell(row=13, column=col).value == pytest.approx(by[v.name].total, abs=1e-9)
        assert ws.cell(row=14, column=col).value == pytest.approx(by[v.name].total_pct / 100)
        assert ws.cell(row=15, column=col).value == by[v.name].rank
    assert ws["B17"].value == expected.winner
    assert ws["B18"].value == pytest.approx(expected.margin, abs=1e-9)
    assert ws["C2"].value.startswith("OK")
    tco = load_workbook(recalculated, data_only=True)["TCO"]
    totals = {
        tco.cell(row=r, column=1).value: tco.cell(row=r, column=14).value for r in range(8, 12)
    }
    for t in expected.tco:
        assert totals[t.vendor] == pytest.approx(t.total)


def _edit_copy(path: Path) -> Path:
    wb = load_workbook(path)
    ws = wb[MATRIX_SHEET]
    ws["B5"] = 0.20  # CRM native integration 25% -> 20%
    ws["B6"] = 0.25  # AI insight quality 20% -> 25%
    sheet = wb["Scores - Sales manager"]
    sheet["E7"] = 5  # Clari Copilot / Coaching features 4 -> 5
    sheet["J7"] = "Great scorecards in the pilot"
    sheet["D8"] = 4.5  # not a whole number: skipped and reported
    wb["TCO"]["B3"] = 5
    edited = path.with_name("edited.xlsx")
    wb.save(edited)
    return edited


def test_import_of_an_edited_copy_shows_changes_then_applies_them(scored, tmp_path):
    edited = _edit_copy(_export(scored, tmp_path))
    m = load_matrix(scored)
    diff = read_changes(edited, m, customer="Acme Corp")
    got = {(c.kind, c.where): (c.old, c.new) for c in diff.changes}
    assert got == {
        ("weight", "CRM native integration"): (25.0, 20.0),
        ("weight", "AI insight quality"): (20.0, 25.0),
        ("score", "Clari Copilot / Coaching features (Sales manager)"): (4, 5),
        ("evidence", "Clari Copilot / Coaching features (Sales manager)"): (
            "Sales manager saw the Clari Copilot demo",
            "Great scorecards in the pilot",
        ),
        ("option", "TCO contract term (years)"): (3, 5),
    }
    assert len(diff.problems) == 1 and "D8" in diff.problems[0] and "4.5" in diff.problems[0]
    assert load_matrix(scored).criteria[0].weight == 25  # nothing applied yet
    assert apply_changes(scored, m, diff) == 5
    after = load_matrix(scored)
    assert [c.weight for c in after.criteria[:2]] == [20, 25]
    assert after.tco_years == 5
    sm = next(e for e in after.evaluators if e.name == "Sales manager")
    s = after.score_of(sm.id, after.vendors[2].id, after.criteria[2].id)
    assert (s.score, s.evidence) == (5, "Great scorecards in the pilot")
    assert read_changes(edited, after).changes == []  # re-reading: nothing left to change


def test_import_refuses_a_workbook_that_is_not_an_evaluation(scored, tmp_path):
    from openpyxl import Workbook

    from workbench.errors import WorkbenchError

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    with pytest.raises(WorkbenchError, match="not an evaluation workbook"):
        read_changes(other, load_matrix(scored))
    junk = tmp_path / "junk.xlsx"
    junk.write_text("hello")
    with pytest.raises(WorkbenchError, match="not an Excel workbook"):
        read_changes(junk, load_matrix(scored))
    with pytest.raises(WorkbenchError, match="exported for Acme Corp"):
        read_changes(_export(scored, tmp_path), load_matrix(scored), customer="Globex")


def test_weights_row_rows_start_where_the_layout_says(scored, tmp_path):
    ws = load_workbook(_export(scored, tmp_path))[MATRIX_SHEET]
    assert ws.cell(row=FIRST_ROW, column=1).value == "CRM native integration"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_changing_weights_in_excel_reorders_the_ranking_like_workbench(scored, tmp_path):
    m = load_matrix(scored)
    path = _export(scored, tmp_path)
    wb = load_workbook(path)
    # Everything on Pricing (TCO) and Ease of admin: the cheapest, easiest vendor should win.
    new = {
        "CRM native integration": 0.05,
        "AI insight quality": 0.05,
        "Coaching features": 0.05,
        "Security/compliance": 0.05,
        "Ease of admin/maintenance": 0.30,
        "Video/phone integrations": 0.05,
        "Pricing (TCO)": 0.45,
    }
    for i, c in enumerate(m.criteria):
        wb[MATRIX_SHEET].cell(row=FIRST_ROW + i, column=2, value=new[c.name])
    wb.save(path)
    ws = load_workbook(_recalculate(path, tmp_path), data_only=True)[MATRIX_SHEET]
    for c in m.criteria:
        c.weight = new[c.name] * 100
    expected = compute_results(m)
    assert expected.winner != compute_results(load_matrix(scored)).winner  # the order changed
    by = {v.name: v for v in expected.vendors}
    for j, v in enumerate(m.vendors):
        assert ws.cell(row=13, column=3 + j).value == pytest.approx(by[v.name].total, abs=1e-9)
        assert ws.cell(row=15, column=3 + j).value == by[v.name].rank
    assert ws["B17"].value == expected.winner


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_weights_check_cell_says_when_weights_do_not_sum_to_100(scored, tmp_path):
    path = _export(scored, tmp_path)
    wb = load_workbook(path)
    wb[MATRIX_SHEET]["B5"] = 0.30  # 30 + 75 = 105%
    wb.save(path)
    ws = load_workbook(_recalculate(path, tmp_path), data_only=True)[MATRIX_SHEET]
    assert ws["B2"].value == pytest.approx(1.05)
    assert ws["C2"].value == "Weights sum to 105.0%: make them 100% before reading the ranking"


def test_import_skips_inserted_blank_rows_and_reports_unknown_names(scored, tmp_path):
    path = _export(scored, tmp_path)
    wb = load_workbook(path)
    sheet = wb["Scores - RevOps"]
    sheet.insert_rows(7)  # a blank row between Coaching features and AI insight quality
    sheet["A7"] = None
    # Security/compliance moved from row 8 to row 9; Jiminny (column F) 3 -> 5
    assert sheet["A9"].value == "Security/compliance"
    sheet["F9"] = 5
    sheet["A13"] = "Mobile app"  # a criterion the customer invented
    sheet["C13"] = 4
    wb.save(path)
    diff = read_changes(path, load_matrix(scored))
    assert [(c.kind, c.where, c.old, c.new) for c in diff.changes] == [
        ("score", "Jiminny / Security/compliance (RevOps)", 3, 5)
    ]
    assert any("Mobile app" in p for p in diff.problems)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_formula_like_text_stays_text_after_libreoffice_recalculation(new_engagement, tmp_path):
    from workbench.evaluation import create_evaluation

    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    edit.rename_vendor(new_engagement, m, "Jiminny", "=1+2")
    m = load_matrix(new_engagement)
    edit.set_score(new_engagement, m, "=1+2", "CRM", 5, "RevOps", "@SUM(1,2)")
    path = export_workbook(load_matrix(new_engagement), tmp_path / "t.xlsx", customer="-Acme")
    wb = load_workbook(_recalculate(path, tmp_path), data_only=True)
    assert wb[MATRIX_SHEET]["F4"].value == "=1+2"  # the header is still the text, not 3
    assert wb[MATRIX_SHEET]["B17"].value == "=1+2"  # the leader (INDEX over the headers)
    assert wb["Scores - RevOps"]["K5"].value == "@SUM(1,2)"
    assert wb[MATRIX_SHEET]["A1"].value.startswith("Platform evaluation: -Acme")
