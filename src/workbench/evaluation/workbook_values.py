"""The evaluation workbook with its figures stored beside its formulas.

Every formula cell of the exported workbook (the package's copy, ``workbench
evaluation export`` and the GUI's Export to Excel alike) also gets the value
Workbench computed from the evaluation (consensus scores, TCO, weighted totals, ranks, leader, margin): the
same figures the Evaluation Summary prints, so a viewer that does not recalculate
shows them, and a spreadsheet that does recalculate arrives at the same numbers.
The instruction rows are given heights that fit their wrapped text.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbench.evaluation.matrix import TIE_TOLERANCE, consensus
from workbench.evaluation.model import SCORE_MAX, Matrix
from workbench.evaluation.tco import tco_table
from workbench.evaluation.workbook import (
    FIRST_ROW,
    MATRIX_SHEET,
    SCORES_PREFIX,
    TCO_HEADER_ROW,
    TCO_SHEET,
    MatrixLayout,
    licence_roles,
    tco_columns,
)
from workbench.models.xlsx_values import store_values, wrapped_heights

Values = dict[str, dict[str, object]]


def cached_values(matrix: Matrix, score_sheets: list[str]) -> Values:
    """Every formula cell of the exported workbook and the value its formula yields."""
    lay = MatrixLayout(len(matrix.criteria), len(matrix.vendors))
    tco = tco_table(matrix)
    cells = consensus(matrix, tco)
    n_c = len(matrix.criteria)
    weights = [c.weight / 100.0 for c in matrix.criteria]
    scores = [
        [(cells[j * n_c + i].score or 0.0) for j in range(len(matrix.vendors))] for i in range(n_c)
    ]
    m: dict[str, object] = {}
    total_weight = sum(weights)
    m["B2"] = total_weight
    m["C2"] = (
        "OK: the weights sum to 100%"
        if abs(total_weight - 1) < 0.0001
        else f"Weights sum to {total_weight * 100:.1f}%: make them 100% before reading the ranking"
    )
    for i in range(n_c):
        for j in range(len(matrix.vendors)):
            m[f"{lay.vendor_col(j)}{FIRST_ROW + i}"] = scores[i][j]
    totals = [
        sum(w * scores[i][j] for i, w in enumerate(weights)) for j in range(len(matrix.vendors))
    ]
    t, p, r = lay.total_row, lay.total_row + 1, lay.total_row + 2
    for j, total in enumerate(totals):
        col = lay.vendor_col(j)
        m[f"{col}{t}"] = total
        m[f"{col}{p}"] = total / SCORE_MAX
        m[f"{col}{r}"] = 1 + sum(1 for o in totals if o > total + TIE_TOLERANCE)
    if totals:
        best = max(totals)
        m[f"B{r + 2}"] = matrix.vendors[totals.index(best)].name
        ordered = sorted(totals, reverse=True)
        m[f"B{r + 3}"] = ordered[0] - ordered[1] if len(ordered) > 1 else 0.0
    else:
        m[f"B{r + 3}"] = 0.0
    top = r + 6
    for j, vendor in enumerate(matrix.vendors):
        col = lay.vendor_col(j)
        m[f"{col}{top}"] = vendor.name
        for i, w in enumerate(weights):
            m[f"{col}{top + 1 + i}"] = w * scores[i][j]
    out: Values = {MATRIX_SHEET: m}
    for name in score_sheets:
        out[name] = {f"B{FIRST_ROW + i}": w for i, w in enumerate(weights)}
    cols = tco_columns(licence_roles(matrix))
    letter = {k: get_column_letter(c) for k, c in cols.items()}
    sheet: dict[str, object] = {}
    for j, res in enumerate(tco):
        row = TCO_HEADER_ROW + 1 + j
        sheet[f"{letter['licences_per_year']}{row}"] = res.licences_per_year
        sheet[f"{letter['licences_term']}{row}"] = res.licences_term
        priced = res.total > 0
        sheet[f"{letter['tco']}{row}"] = res.total if priced else ""
        sheet[f"{letter['per_seat']}{row}"] = res.per_seat if priced and res.seats else ""
        sheet[f"{letter['per_seat_year']}{row}"] = (
            res.per_seat_year if priced and res.seats and res.years else ""
        )
        sheet[f"{letter['pricing_score']}{row}"] = (
            res.pricing_score if res.pricing_score is not None else ""
        )
    out[TCO_SHEET] = sheet
    return out


def finish(path: Path, matrix: Matrix) -> Path:
    """Store the computed values and fitting row heights in the workbook at ``path``."""
    path.write_bytes(finish_bytes(path.read_bytes(), matrix))
    return path


def finish_bytes(data: bytes, matrix: Matrix) -> bytes:
    """The saved workbook ``data`` with its computed values and fitting row heights."""
    wb = load_workbook(io.BytesIO(data))
    try:
        names = [ws.title for ws in wb.worksheets]
        heights = {ws.title: wrapped_heights(ws) for ws in wb.worksheets}
    finally:
        wb.close()
    score_sheets = [n for n in names if n.startswith(SCORES_PREFIX)]
    return store_values(data, cached_values(matrix, score_sheets), heights)
