"""Export an evaluation to an Excel workbook whose totals and ranks are live formulas.

Sheets: Instructions; Matrix (weights, consensus scores, SUMPRODUCT totals, RANK,
leader, margin, a weights-sum check, a stacked bar chart of the contributions);
one "Scores - <evaluator>" sheet per evaluator (whole-number 1-5 validation,
evidence notes); TCO (inputs and formulas, pricing score rule); and a hidden
``_workbench`` sheet that lets ``workbook_import`` recognise the file. The
formulas reproduce Workbench's rules exactly (see ``matrix`` and ``tco``), so a
spreadsheet program that recalculates the file shows Workbench's totals. Input
cells are shaded; text from users or the CRM is always written as text, never as a
formula. openpyxl writes formulas without results: Excel and LibreOffice compute
them when the file is opened.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.evaluation.matrix import compute_results
from workbench.evaluation.model import Matrix
from workbench.models import now_iso
from workbench.models.safeio import atomic_file
from workbench.progress import Progress

MATRIX_SHEET = "Matrix"
TCO_SHEET = "TCO"
META_SHEET = "_workbench"
SCORES_PREFIX = "Scores - "
HEADER_ROW = 4
FIRST_ROW = 5
FIRST_VENDOR_COL = 3
TCO_HEADER_ROW = 7
TCO_YEARS = "B3"
TCO_STEP = "B4"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY = "#,##0"
SCORE_FORMAT = '0.00;-0.00;""'
TOTAL_LABEL = "Weighted total (1-5)"


def _score_colours() -> ColorScaleRule:
    """Red (1) through yellow (3) to green (5) on score cells."""
    return ColorScaleRule(
        start_type="num",
        start_value=1,
        start_color="F8696B",
        mid_type="num",
        mid_value=3,
        mid_color="FFEB84",
        end_type="num",
        end_value=5,
        end_color="63BE7B",
    )


def put_text(ws: Worksheet, row: int, col: int, value: object) -> None:
    """Write user or CRM text as text: a leading = + - @ tab or CR never becomes a formula."""
    cell = ws.cell(row=row, column=col)
    text = "" if value is None else str(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(RISKY_STARTS):
        cell.quotePrefix = True


@dataclass
class MatrixLayout:
    """Where things are in the Matrix sheet (shared with the importer)."""

    n_criteria: int
    n_vendors: int

    @property
    def last_row(self) -> int:
        return FIRST_ROW + self.n_criteria - 1

    @property
    def total_row(self) -> int:
        return self.last_row + 2

    @property
    def last_col(self) -> int:
        return FIRST_VENDOR_COL + self.n_vendors - 1

    def vendor_col(self, j: int) -> str:
        return get_column_letter(FIRST_VENDOR_COL + j)


def tco_columns(roles: list[str]) -> dict[str, int]:
    """Column number of each TCO sheet field (``seats:ROLE`` and ``price:ROLE`` per role)."""
    cols: dict[str, int] = {"vendor": 1}
    col = 2
    for role in roles:
        cols[f"seats:{role}"], cols[f"price:{role}"] = col, col + 1
        col += 2
    for name in (
        "licences_per_year",
        "discount",
        "licences_term",
        "implementation",
        "integration",
        "training",
        "tco",
        "per_seat",
        "per_seat_year",
        "pricing_score",
    ):
        cols[name] = col
        col += 1
    return cols


def licence_roles(matrix: Matrix) -> list[str]:
    """Licence roles across vendors, in first-seen order."""
    return list(
        dict.fromkeys(
            lic.role
            for v in matrix.vendors
            for lic in (matrix.tco[v.id].licences if v.id in matrix.tco else [])
        )
    )


def sheet_name_for(evaluator: str, taken: set[str]) -> str:
    """A valid, unique sheet name for an evaluator (Excel forbids []:*?/\\, 31 chars max)."""
    clean = "".join("-" if ch in "[]:*?/\\" else ch for ch in evaluator).strip("'")
    base = (SCORES_PREFIX + clean)[:31]
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def export_workbook(
    matrix: Matrix, path: str | Path, *, customer: str = "", progress: Progress | None = None
) -> Path:
    """Write the evaluation to ``path`` (.xlsx) with live formulas; returns the path."""
    progress = progress or Progress.none()
    path = Path(path)
    wb = Workbook()
    instructions = wb.active
    instructions.title = "Instructions"
    matrix_ws = wb.create_sheet(MATRIX_SHEET)
    taken = {"Instructions", MATRIX_SHEET, TCO_SHEET, META_SHEET}
    sheets = [(e, sheet_name_for(e.name, taken)) for e in matrix.evaluators]
    score_sheets = [(e, wb.create_sheet(name)) for e, name in sheets]
    tco_ws = wb.create_sheet(TCO_SHEET)
    meta_ws = wb.create_sheet(META_SHEET)
    progress.update(0.1, "Writing the TCO sheet")
    roles = licence_roles(matrix)
    tco_cols = tco_columns(roles)
    _write_tco(tco_ws, matrix, roles, tco_cols)
    progress.update(0.3, "Writing the evaluators' score sheets")
    for evaluator, ws in score_sheets:
        _write_scores(ws, matrix, evaluator)
    progress.update(0.6, "Writing the matrix")
    _write_matrix(matrix_ws, matrix, [ws.title for _, ws in score_sheets], tco_cols, customer)
    _write_instructions(instructions, matrix, customer)
    _write_meta(meta_ws, matrix, sheets, customer)
    wb.active = 1
    _print_setup(wb)
    progress.update(0.9, "Saving the workbook")
    # Saved to <name>.writing, created exclusively (never through a planted link) and
    # moved over the name only when complete; a full disk leaves no truncated file.
    # Each formula's value is stored beside it (a previewer that does not recalculate
    # shows the totals) and rows get the heights of their wrapped text.
    # (openpyxl writes each sheet through a temporary file even when saving to memory:
    # a full disk fails there, inside the atomic write, and is reported as such.)
    from workbench.evaluation.workbook_values import finish_bytes

    with atomic_file(path) as fh:
        buffer = io.BytesIO()
        wb.save(buffer)
        fh.write(finish_bytes(buffer.getvalue(), matrix))
    progress.update(1.0, "Workbook written")
    return path


FONT_FAMILY = "Arial"  # the package's one font family (the reports' workbooks use it too)


def _print_setup(wb: Workbook) -> None:
    """Every visible sheet prints landscape, one page wide, its header rows repeated, in
    one font family (a cell without a font name prints in the viewer's default serif)."""
    from copy import copy

    from openpyxl.styles.cell_style import StyleArray

    renamed: dict[int, int] = {}  # font id -> the id of the same font in FONT_FAMILY
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if not cell._style:
                    cell._style = StyleArray()
                font_id = cell._style.fontId
                if font_id in renamed:  # one look-up per font, not per cell
                    cell._style.fontId = renamed[font_id]
                    continue
                if cell.font is None or cell.font.name != FONT_FAMILY:
                    font = copy(cell.font)
                    font.name = FONT_FAMILY
                    cell.font = font
                renamed[font_id] = cell._style.fontId
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        last = f"{get_column_letter(max(ws.max_column, 1))}{max(ws.max_row, 1)}"
        ws.print_area = f"A1:{last}"
        if ws.freeze_panes:
            header = ws[ws.freeze_panes].row - 1
            if header >= 1:
                ws.print_title_rows = f"{1 if header <= 6 else header}:{header}"


def _header(ws: Worksheet, row: int, col: int, text: str) -> None:
    put_text(ws, row, col, text)
    cell = ws.cell(row=row, column=col)
    cell.font, cell.fill = BOLD, HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _write_matrix(
    ws: Worksheet, matrix: Matrix, score_sheets: list[str], tco_cols: dict[str, int], customer: str
) -> None:
    lay = MatrixLayout(len(matrix.criteria), len(matrix.vendors))
    put_text(
        ws,
        1,
        1,
        f"Platform evaluation: {customer} - {matrix.name}"
        if customer
        else f"Platform evaluation: {matrix.name}",
    )
    ws["A1"].font = Font(bold=True, size=14)
    weights = f"$B${FIRST_ROW}:$B${lay.last_row}"
    put_text(ws, 2, 1, "Weights check")
    ws["B2"] = f"=SUM({weights})"
    ws["B2"].number_format = "0.0%"
    ws["C2"] = (
        f'=IF(ABS(SUM({weights})-1)<0.0001,"OK: the weights sum to 100%",'
        f'"Weights sum to "&TEXT(SUM({weights}),"0.0%")&": make them 100% before '
        f'reading the ranking")'
    )
    ws["C2"].font = BOLD
    _header(ws, HEADER_ROW, 1, "Criterion")
    _header(ws, HEADER_ROW, 2, "Weight")
    for j, v in enumerate(matrix.vendors):
        _header(ws, HEADER_ROW, FIRST_VENDOR_COL + j, v.name)
    tco_letter = get_column_letter(tco_cols["pricing_score"])
    for i, c in enumerate(matrix.criteria):
        row = FIRST_ROW + i
        put_text(ws, row, 1, c.name)
        cell = ws.cell(row=row, column=2, value=c.weight / 100.0)
        cell.number_format, cell.fill = "0.0%", INPUT_FILL
        for j in range(len(matrix.vendors)):
            col = lay.vendor_col(j)
            refs = ",".join(f"{quote_sheetname(s)}!{col}{row}" for s in score_sheets)
            mean = f"IFERROR(AVERAGE({refs}),0)" if refs else "0"
            if c.derived_from == "tco" and matrix.pricing_from_tco:
                priced = f"{TCO_SHEET}!{tco_letter}{TCO_HEADER_ROW + 1 + j}"
                formula = f"=IF(ISNUMBER({priced}),{priced},{mean})"
            else:
                formula = f"={mean}"
            cell = ws[f"{col}{row}"]
            cell.value, cell.number_format = formula, SCORE_FORMAT
    weight_dv = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2="1",
        showErrorMessage=True,
        errorTitle="Weight",
        error="A weight is a percentage between 0% and 100%.",
    )
    ws.add_data_validation(weight_dv)
    weight_dv.add(f"B{FIRST_ROW}:B{lay.last_row}")
    first, last = lay.vendor_col(0), lay.vendor_col(max(len(matrix.vendors) - 1, 0))
    scores = f"{first}{FIRST_ROW}:{last}{lay.last_row}"
    ws.conditional_formatting.add(
        scores,
        _score_colours(),
    )
    t, p, r = lay.total_row, lay.total_row + 1, lay.total_row + 2
    totals = f"${first}${t}:${last}${t}"
    for label, row in ((TOTAL_LABEL, t), ("Weighted total (%)", p), ("Rank", r)):
        put_text(ws, row, 1, label)
        ws.cell(row=row, column=1).font = BOLD
    for j in range(len(matrix.vendors)):
        col = lay.vendor_col(j)
        ws[f"{col}{t}"] = f"=SUMPRODUCT({weights},{col}{FIRST_ROW}:{col}{lay.last_row})"
        ws[f"{col}{t}"].number_format = "0.00"
        ws[f"{col}{t}"].font = BOLD
        ws[f"{col}{p}"] = f"={col}{t}/5"
        ws[f"{col}{p}"].number_format = "0.0%"
        ws[f"{col}{r}"] = f"=RANK({col}{t},{totals},0)"
        ws[f"{col}{r}"].number_format = "0"
    ws.conditional_formatting.add(
        f"{first}{t}:{last}{t}",
        ColorScaleRule(start_type="min", start_color="F8696B", end_type="max", end_color="63BE7B"),
    )
    put_text(ws, r + 2, 1, "Leader")
    ws[f"B{r + 2}"] = (
        f"=INDEX(${first}${HEADER_ROW}:${last}${HEADER_ROW},MATCH(MAX({totals}),{totals},0))"
    )
    put_text(ws, r + 3, 1, "Leader's margin over second place (1-5 points)")
    ws[f"B{r + 3}"] = (
        f"=IF(COUNT({totals})>1,LARGE({totals},1)-LARGE({totals},2),0)"
        if len(matrix.vendors) > 1
        else "=0"
    )
    ws[f"B{r + 3}"].number_format = "0.00"
    for row in (r + 2, r + 3):
        ws.cell(row=row, column=1).font = BOLD
    _write_contributions(ws, matrix, lay, r + 6)
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 12
    for j in range(len(matrix.vendors)):
        ws.column_dimensions[lay.vendor_col(j)].width = 16
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=FIRST_VENDOR_COL)


def _write_contributions(ws: Worksheet, matrix: Matrix, lay: MatrixLayout, top: int) -> None:
    """Weight x score per criterion and vendor, and a stacked bar chart over them."""
    put_text(ws, top, 1, "Contribution of each criterion (weight x score)")
    ws.cell(row=top, column=1).font = BOLD
    for j, _ in enumerate(matrix.vendors):
        col = lay.vendor_col(j)
        ws[f"{col}{top}"] = f"={col}{HEADER_ROW}"
        ws[f"{col}{top}"].font = BOLD
    for i, c in enumerate(matrix.criteria):
        row = top + 1 + i
        put_text(ws, row, 1, c.name)
        for j in range(len(matrix.vendors)):
            col = lay.vendor_col(j)
            ws[f"{col}{row}"] = f"=$B${FIRST_ROW + i}*{col}{FIRST_ROW + i}"
            ws[f"{col}{row}"].number_format = "0.00"
    if not matrix.vendors or not matrix.criteria:
        return
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "Weighted total by criterion (1-5)"
    chart.y_axis.title = "Weighted score"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 5
    for i in range(len(matrix.criteria)):
        row = top + 1 + i
        values = Reference(
            ws, min_col=FIRST_VENDOR_COL, max_col=lay.last_col, min_row=row, max_row=row
        )
        series = Series(values)
        series.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!$A${row}"))
        chart.series.append(series)
    chart.set_categories(
        Reference(
            ws,
            min_col=FIRST_VENDOR_COL,
            max_col=lay.last_col,
            min_row=HEADER_ROW,
            max_row=HEADER_ROW,
        )
    )
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, f"{get_column_letter(lay.last_col + 2)}{HEADER_ROW}")


def _write_scores(ws: Worksheet, matrix: Matrix, evaluator) -> None:
    lay = MatrixLayout(len(matrix.criteria), len(matrix.vendors))
    put_text(
        ws, 1, 1, f"Scores by {evaluator.name}" + (f" ({evaluator.role})" if evaluator.role else "")
    )
    ws["A1"].font = Font(bold=True, size=13)
    put_text(
        ws,
        2,
        1,
        "Whole numbers 1 (poor) to 5 (excellent); leave blank if not scored. "
        "Write the evidence for each score in the matching evidence column.",
    )
    _header(ws, HEADER_ROW, 1, "Criterion")
    _header(ws, HEADER_ROW, 2, "Weight")
    evidence_col0 = lay.last_col + 2
    for j, v in enumerate(matrix.vendors):
        _header(ws, HEADER_ROW, FIRST_VENDOR_COL + j, v.name)
        _header(ws, HEADER_ROW, evidence_col0 + j, f"Evidence: {v.name}")
        ws.column_dimensions[get_column_letter(evidence_col0 + j)].width = 36
        ws.column_dimensions[lay.vendor_col(j)].width = 14
    for i, c in enumerate(matrix.criteria):
        row = FIRST_ROW + i
        put_text(ws, row, 1, c.name)
        ws.cell(row=row, column=2, value=f"={MATRIX_SHEET}!B{row}").number_format = "0.0%"
        for j, v in enumerate(matrix.vendors):
            score = matrix.score_of(evaluator.id, v.id, c.id)
            cell = ws.cell(
                row=row, column=FIRST_VENDOR_COL + j, value=score.score if score else None
            )
            cell.fill = INPUT_FILL
            put_text(ws, row, evidence_col0 + j, score.evidence if score else "")
            ws.cell(row=row, column=evidence_col0 + j).alignment = Alignment(wrap_text=True)
    if matrix.criteria and matrix.vendors:
        area = f"{lay.vendor_col(0)}{FIRST_ROW}:{lay.vendor_col(len(matrix.vendors) - 1)}{lay.last_row}"
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="1",
            formula2="5",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Score",
            error="A score is a whole number from 1 to 5 (or blank).",
        )
        ws.add_data_validation(dv)
        dv.add(area)
        ws.conditional_formatting.add(
            area,
            _score_colours(),
        )
    ws.column_dimensions["A"].width = 40
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=FIRST_VENDOR_COL)


def _write_tco(ws: Worksheet, matrix: Matrix, roles: list[str], cols: dict[str, int]) -> None:
    cur = matrix.currency
    put_text(ws, 1, 1, f"Total cost of ownership ({cur})")
    ws["A1"].font = Font(bold=True, size=13)
    put_text(ws, 3, 1, "Contract term (years)")
    ws[TCO_YEARS] = matrix.tco_years
    put_text(ws, 4, 1, "Pricing step: each step above the cheapest TCO costs 1 point")
    ws[TCO_STEP] = matrix.pricing_step_pct / 100.0
    ws[TCO_STEP].number_format = "0%"
    for ref in (TCO_YEARS, TCO_STEP):
        ws[ref].fill = INPUT_FILL
    put_text(
        ws,
        5,
        1,
        "Pricing score = MAX(1, 5 - (TCO / cheapest TCO - 1) / step); "
        + (
            "used as the pricing criterion's score."
            if matrix.pricing_from_tco
            else "shown only: the evaluators' pricing scores are used."
        ),
    )
    labels = {
        "vendor": "Vendor",
        "licences_per_year": f"Licences per year ({cur})",
        "discount": "Discount on licences",
        "licences_term": f"Licences over term ({cur})",
        "implementation": f"Implementation ({cur})",
        "integration": f"Integration ({cur})",
        "training": f"Training ({cur})",
        "tco": f"TCO ({cur})",
        "per_seat": f"Cost per seat ({cur})",
        "per_seat_year": f"Per seat per year ({cur})",
        "pricing_score": "Pricing score (1-5)",
    }
    for role in roles:
        labels[f"seats:{role}"] = f"Seats: {role}"
        labels[f"price:{role}"] = f"Price per seat per year: {role} ({cur})"
    for key, col in cols.items():
        _header(ws, TCO_HEADER_ROW, col, labels[key])
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.column_dimensions["A"].width = 30
    first, last = TCO_HEADER_ROW + 1, TCO_HEADER_ROW + len(matrix.vendors)
    L = {k: get_column_letter(c) for k, c in cols.items()}  # noqa: N806 - column letters
    for j, v in enumerate(matrix.vendors):
        row = TCO_HEADER_ROW + 1 + j
        put_text(ws, row, 1, v.name)
        tco = matrix.tco.get(v.id)
        lic = {x.role: x for x in (tco.licences if tco else [])}
        for role in roles:
            ws.cell(
                row=row, column=cols[f"seats:{role}"], value=lic[role].seats if role in lic else 0
            ).number_format = "0"
            ws.cell(
                row=row,
                column=cols[f"price:{role}"],
                value=lic[role].price_per_seat_year if role in lic else 0,
            ).number_format = MONEY
        values = {
            "discount": (tco.discount_pct if tco else 0) / 100.0,
            "implementation": tco.implementation if tco else 0,
            "integration": tco.integration if tco else 0,
            "training": tco.training if tco else 0,
        }
        for key, value in values.items():
            ws.cell(row=row, column=cols[key], value=value).number_format = (
                "0.0%" if key == "discount" else MONEY
            )
        for key in [*(f"{k}:{r}" for r in roles for k in ("seats", "price")), *values]:
            ws.cell(row=row, column=cols[key]).fill = INPUT_FILL
        pairs = "+".join(f"{L['seats:' + r]}{row}*{L['price:' + r]}{row}" for r in roles) or "0"
        seats = "+".join(f"{L['seats:' + r]}{row}" for r in roles) or "0"
        raw = (
            f"{L['licences_term']}{row}+{L['implementation']}{row}+{L['integration']}{row}"
            f"+{L['training']}{row}"
        )
        tco_ref = f"{L['tco']}{row}"
        formulas = {
            "licences_per_year": f"={pairs}",
            "licences_term": f"={L['licences_per_year']}{row}*${TCO_YEARS[0]}${TCO_YEARS[1:]}"
            f"*(1-{L['discount']}{row})",
            "tco": f'=IF(({raw})>0,{raw},"")',
            "per_seat": f'=IF(AND(ISNUMBER({tco_ref}),({seats})>0),{tco_ref}/({seats}),"")',
            "per_seat_year": f'=IF(ISNUMBER({L["per_seat"]}{row}),{L["per_seat"]}{row}/$B$3,"")',
            "pricing_score": f"=IF(ISNUMBER({tco_ref}),MAX(1,5-({tco_ref}/MIN(${L['tco']}${first}"
            f':${L["tco"]}${last})-1)/$B$4),"")',
        }
        for key, formula in formulas.items():
            cell = ws.cell(row=row, column=cols[key], value=formula)
            cell.number_format = "0.00" if key == "pricing_score" else MONEY
    ws.freeze_panes = ws.cell(row=TCO_HEADER_ROW + 1, column=2)


def _write_instructions(ws: Worksheet, matrix: Matrix, customer: str) -> None:
    results = compute_results(matrix)
    lines: list[tuple[str, bool]] = [
        (f"Platform evaluation - {customer}" if customer else "Platform evaluation", True),
        (matrix.name, False),
        ("", False),
        ("How to use this workbook", True),
        (
            "Shaded cells are inputs; everything else is calculated, so the totals and the "
            "ranking follow any change you make.",
            False,
        ),
        (
            "Matrix: change a criterion's weight in column B. The weights must sum to 100% "
            "(the check in row 2 says so); the ranking is only meaningful when they do.",
            False,
        ),
        (
            "Scores - <evaluator>: each evaluator scores every vendor independently, whole numbers "
            "1-5, with the evidence behind each score. The Matrix shows the mean of the "
            "evaluators' scores: a blank score is left out of the mean, and a criterion no "
            "evaluator has scored yet counts as 0.",
            False,
        ),
        (
            "TCO: seats and yearly price per seat per role, discount on licences, one-off "
            "implementation, integration and training costs. TCO = licences x years x (1 - "
            "discount) + one-off costs.",
            False,
        ),
        (
            f"Pricing rule: the cheapest vendor scores 5; every {matrix.pricing_step_pct:g}% "
            "above the cheapest TCO costs one point, never below 1. "
            + (
                "It replaces the evaluators' pricing scores for vendors with costs entered."
                if matrix.pricing_from_tco
                else "It is shown for reference only."
            ),
            False,
        ),
        (
            "Send the file back to your consultant: Workbench shows every weight, score and cost "
            "you changed (old and new) before applying them.",
            False,
        ),
        ("", False),
        ("Score scale", True),
    ]
    lines += [(f"{s.level} - {s.label}: {s.description}", False) for s in matrix.scale]
    lines += [("", False), ("Criteria", True)]
    for c in matrix.criteria:
        subs = "; ".join(s.name for s in c.subcriteria)
        lines.append(
            (
                f"{c.name} ({c.weight:g}%): {c.description}"
                + (f" Checks: {subs}." if subs else ""),
                False,
            )
        )
    lines += [("", False), ("Status when exported", True)]
    if results.winner:
        lines.append(
            (
                f"Leader: {results.winner} ({results.vendors[0].total:.2f} of 5)"
                + (
                    f", ahead of {results.runner_up} by {results.margin:.2f}"
                    if results.runner_up
                    else ""
                )
                + ".",
                False,
            )
        )
    else:
        lines.append((results.weight_check.message, False))
    if matrix.selected_vendor:
        lines.append(
            (f"Selected platform: {matrix.selected_vendor}. {matrix.decision_note}", False)
        )
    today = dt.date.today()
    lines.append((f"Issued {today.day} {today:%B %Y}.", False))
    for row, (text, bold) in enumerate(lines, start=1):
        put_text(ws, row, 1, text)
        cell = ws.cell(row=row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14 if row == 1 else 11)
    # Narrow enough to print on one landscape page in any font a viewer substitutes for
    # Arial (LibreOffice without Arial renders wider); rows grow to the wrapped text.
    ws.column_dimensions["A"].width = 100


def _write_meta(ws: Worksheet, matrix: Matrix, sheets, customer: str) -> None:
    rows = [
        ("format", "workbench-evaluation-1"),
        ("evaluation_id", str(matrix.id)),
        ("template", matrix.template),
        ("customer", customer),
        ("exported_at", now_iso()),
    ]
    rows += [(f"sheet:{name}", evaluator.name) for evaluator, name in sheets]
    for i, (key, value) in enumerate(rows, start=1):
        put_text(ws, i, 1, key)
        put_text(ws, i, 2, value)
    ws.sheet_state = "hidden"
