"""Workbooks store their computed values beside their formulas, and rows fit their text.

A previewer that does not recalculate (Outlook, Quick Look, openpyxl ``data_only``)
reads the cached values; they must be the evaluation's own figures, and a spreadsheet
that does recalculate (LibreOffice) must arrive at the same numbers.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from workbench.evaluation.operations import evaluation_summary
from workbench.models import Engagement
from workbench.models.xlsx_values import (
    row_height,
    store_values,
    text_lines,
    wrapped_heights,
)


def _evaluation_workbook(package) -> Path:
    return next(f.path for f in package.files if f.document == "evaluation-matrix")


def _formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        if ws.sheet_state == "visible"
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


def _cached(path: Path) -> dict[tuple[str, str], object]:
    wb = load_workbook(path, data_only=True)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
    }


def _summary(demo_story_file: Path):
    eng = Engagement.open(demo_story_file, read_only=True)
    try:
        summary, _ = evaluation_summary(eng, store=False)
    finally:
        eng.close()
    return summary


def test_store_values_caches_numbers_text_and_booleans_beside_the_formulas() -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 2, "=A1*3", '=IF(A1>1,"big","small")', "=A1>1"
    buffer = io.BytesIO()
    wb.save(buffer)
    data = store_values(buffer.getvalue(), {"Sheet": {"A2": 6.0, "A3": "big & <bold>", "A4": True}})
    values = load_workbook(io.BytesIO(data), data_only=True).active
    assert [values[f"A{r}"].value for r in range(1, 5)] == [2, 6, "big & <bold>", True]
    formulas = load_workbook(io.BytesIO(data)).active
    assert formulas["A2"].value == "=A1*3"  # the formula stays live
    assert formulas["A3"].value == '=IF(A1>1,"big","small")'


def test_every_formula_of_the_evaluation_workbook_has_its_value(story_package) -> None:
    path = _evaluation_workbook(story_package)
    formulas = _formula_cells(path)
    cached = _cached(path)
    assert len(formulas) > 100
    blank = [
        f"{sheet}!{ref} {text}"
        for (sheet, ref), text in formulas.items()
        if cached[(sheet, ref)] is None
    ]
    assert not blank, blank[:10]


def test_the_evaluations_own_export_stores_the_same_values(
    story_package, demo_story_file, tmp_path
) -> None:
    """``workbench evaluation export`` and the GUI's Export to Excel write the same
    figures beside the formulas as the package's copy."""
    from workbench.evaluation.operations import export_evaluation

    eng = Engagement.open(demo_story_file, read_only=True)
    try:
        own = export_evaluation(eng, str(tmp_path / "evaluation.xlsx"))
    finally:
        eng.close()
    formulas = _formula_cells(Path(own))
    cached = _cached(Path(own))
    assert len(formulas) > 100
    assert all(cached[key] is not None for key in formulas)
    packaged = _cached(_evaluation_workbook(story_package))
    assert {key: cached[key] for key in formulas} == {key: packaged[key] for key in formulas}


def test_the_cached_totals_are_the_evaluations_own(story_package, demo_story_file) -> None:
    summary = _summary(demo_story_file)
    results = summary.results
    wb = load_workbook(_evaluation_workbook(story_package), data_only=True)
    ws = wb["Matrix"]
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    vendors = [ws.cell(4, c).value for c in range(3, 3 + len(summary.matrix.vendors))]
    totals = dict(
        zip(
            vendors,
            (ws.cell(labels["Weighted total (1-5)"], c).value for c in range(3, 3 + len(vendors))),
            strict=True,
        )
    )
    ranks = dict(
        zip(
            vendors,
            (ws.cell(labels["Rank"], c).value for c in range(3, 3 + len(vendors))),
            strict=True,
        )
    )
    assert len(results.vendors) == len(vendors) >= 2
    for v in results.vendors:
        assert totals[v.name] == pytest.approx(v.total, abs=1e-9), v.name
        assert ranks[v.name] == v.rank, v.name
    assert ws.cell(labels["Leader"], 2).value == results.winner
    margin = ws.cell(labels["Leader's margin over second place (1-5 points)"], 2).value
    assert margin == pytest.approx(results.margin, abs=1e-9)
    assert ws["C2"].value == "OK: the weights sum to 100%"
    tco = wb["TCO"]
    header = [c.value for c in tco[7]]
    col = header.index(next(h for h in header if h and h.startswith("TCO ("))) + 1
    by_vendor = {tco.cell(r, 1).value: tco.cell(r, col).value for r in range(8, 8 + len(vendors))}
    for t in results.tco:
        assert by_vendor[t.vendor] == pytest.approx(t.total), t.vendor


def _without_cached_values(src: Path, dst: Path) -> None:
    """A copy whose formula cells hold no cached value, so a spreadsheet must compute them."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                text = body.decode("utf-8")
                text = re.sub(r"(</f>)<v>[^<]*</v>", r"\1<v></v>", text)
                text = re.sub(
                    r'(<c r="[A-Z]+[0-9]+"[^>]*?) t="(?:str|b|e)"([^>]*><f>)', r"\1\2", text
                )
                body = text.encode("utf-8")
            zout.writestr(info, body)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_same_figures(story_package, tmp_path: Path) -> None:
    path = _evaluation_workbook(story_package)
    bare = tmp_path / "bare" / "evaluation.xlsx"
    bare.parent.mkdir()
    _without_cached_values(path, bare)
    assert all(v is None for k, v in _cached(bare).items() if k in _formula_cells(path))
    out = tmp_path / "recalculated"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(bare),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    ours = _cached(path)
    theirs = _cached(out / "evaluation.xlsx")
    compared = 0
    for key in _formula_cells(path):
        mine, lo = ours[key], theirs.get(key)
        if isinstance(mine, (int, float)) and not isinstance(mine, bool):
            assert lo == pytest.approx(mine, rel=1e-9, abs=1e-9), key
        else:
            assert (lo or "") == (mine or ""), key
        compared += 1
    assert compared > 100


def test_wrapped_lines_and_heights() -> None:
    assert text_lines("short", 40) == 1
    assert text_lines("word " * 60, 40) >= 5
    assert text_lines("one\ntwo\nthree", 40) == 3
    assert row_height(3, 11) > row_height(1, 11) > 15


def test_instruction_rows_are_tall_enough_for_their_wrapped_text(story_package) -> None:
    wb = load_workbook(_evaluation_workbook(story_package))
    ws = wb["Instructions"]
    width = ws.column_dimensions["A"].width
    tall = 0
    for r in range(1, ws.max_row + 1):
        cell = ws.cell(r, 1)
        if not isinstance(cell.value, str) or not cell.value:
            continue
        size = float(cell.font.sz or 11)
        lines = text_lines(cell.value, width, size, bold=bool(cell.font.b))
        height = ws.row_dimensions[r].height or 15.0
        assert height >= row_height(lines, size) or lines == 1, (r, lines, height)
        tall += lines > 1
    assert tall >= 3  # the demo's instructions do wrap
    assert wrapped_heights(ws) == {}  # nothing left to grow


def test_every_workbooks_wrapped_rows_fit(story_package) -> None:
    for f in story_package.files:
        if f.format != "xlsx":
            continue
        wb = load_workbook(f.path)
        for ws in wb.worksheets:
            if ws.sheet_state == "visible":
                assert wrapped_heights(ws) == {}, f"{f.path.name} / {ws.title}"


def test_a_long_wrapped_note_gets_a_tall_row() -> None:
    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 30
    ws["A1"] = "A long instruction that wraps. " * 10
    ws["A1"].alignment = Alignment(wrap_text=True)
    ws["A1"].font = Font(name="Arial", size=10)
    heights = wrapped_heights(ws)
    assert heights[1] >= row_height(text_lines(ws["A1"].value, 30, 10), 10) > 15
