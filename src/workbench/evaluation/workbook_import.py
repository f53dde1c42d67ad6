"""Read back an edited copy of an exported evaluation workbook: what changed, then apply.

Only input cells are read (weights, evaluators' scores and evidence, TCO inputs);
formulas are ignored. Rows and columns are matched by the criterion, vendor and
evaluator names, not by position, so a customer who re-sorted a sheet does not
scramble the scores. A cell that cannot be used (a score of 4.5, a name Workbench
does not know) is listed as a problem and skipped; everything else can be applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from workbench.errors import WorkbenchError
from workbench.evaluation import edit
from workbench.evaluation.model import SCORE_MAX, SCORE_MIN, Matrix
from workbench.evaluation.workbook import (
    FIRST_ROW,
    FIRST_VENDOR_COL,
    HEADER_ROW,
    MATRIX_SHEET,
    META_SHEET,
    TCO_HEADER_ROW,
    TCO_SHEET,
    TOTAL_LABEL,
    licence_roles,
)
from workbench.models import Engagement

CLOSE = 1e-9


@dataclass
class Change:
    """One difference between the workbook and the engagement."""

    kind: str  # weight, score, evidence, tco, option
    where: str  # human description: "Gong / Coaching features (RevOps)"
    old: Any
    new: Any
    criterion: str = ""
    vendor: str = ""
    evaluator: str = ""
    field: str = ""


@dataclass
class ImportDiff:
    """What an edited workbook would change, and the cells that cannot be used."""

    path: Path
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def lines(self) -> list[str]:
        """The changes as lines for a terminal or a confirmation dialog."""
        out = [f"{c.kind:<9}{c.where}: {_show(c.old)} -> {_show(c.new)}" for c in self.changes]
        return out + [f"skipped  {p}" for p in self.problems]


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(value: Any) -> float | None:
    """A cell value as a number; None for blank; NaN when it is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return math.nan
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        return math.nan


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _names_in_row(ws: Worksheet, row: int, start: int) -> dict[str, int]:
    """Header names from column ``start`` rightwards until the first blank -> column."""
    out: dict[str, int] = {}
    col = start
    while (value := ws.cell(row=row, column=col).value) not in (None, ""):
        out[str(value).strip()] = col
        col += 1
    return out


def _rows_by_name(ws: Worksheet, first: int, stop: str | None = None) -> dict[str, int]:
    """Criterion names in column A from ``first`` down -> row.

    Blank rows a customer inserted are skipped (not taken as the end); reading stops at
    the row labelled ``stop`` (the Matrix sheet's totals) or at the sheet's last row.
    """
    out: dict[str, int] = {}
    for row in range(first, ws.max_row + 1):
        value = ws.cell(row=row, column=1).value
        if value in (None, ""):
            continue
        name = str(value).strip()
        if stop is not None and name == stop:
            break
        out.setdefault(name, row)
    return out


def read_changes(path: str | Path, matrix: Matrix, *, customer: str = "") -> ImportDiff:
    """Compare an edited workbook with the evaluation and list every change and problem."""
    path = Path(path)
    try:
        wb = load_workbook(path)
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist.") from None
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise WorkbenchError(
            f"{path.name} is not an Excel workbook Workbench can read "
            f"({type(exc).__name__}). Save it as .xlsx and try again."
        ) from None
    if MATRIX_SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
        raise WorkbenchError(
            f"{path.name} is not an evaluation workbook exported by Workbench "
            f"(it has no {MATRIX_SHEET} sheet). Export one with --export first."
        )
    meta = {
        _text(r[0]): _text(r[1]) for r in wb[META_SHEET].iter_rows(values_only=True) if r and r[0]
    }
    if customer and meta.get("customer") and meta["customer"] != customer:
        raise WorkbenchError(
            f"{path.name} was exported for {meta['customer']}, not {customer}; "
            "import it into that customer's engagement."
        )
    diff = ImportDiff(path)
    if meta.get("template") and meta["template"] != matrix.template:
        diff.problems.append(
            f"the workbook was made from the {meta['template']} template, "
            f"this evaluation from {matrix.template}; names are matched as is"
        )
    _read_weights(wb[MATRIX_SHEET], matrix, diff)
    for key, evaluator in meta.items():
        if key.startswith("sheet:"):
            sheet = key[len("sheet:") :]
            if sheet not in wb.sheetnames:
                diff.problems.append(f"sheet {sheet!r} of {evaluator} is missing")
                continue
            _read_scores(wb[sheet], matrix, evaluator, diff)
    if TCO_SHEET in wb.sheetnames:
        _read_tco(wb[TCO_SHEET], matrix, diff)
    return diff


def _read_weights(ws: Worksheet, matrix: Matrix, diff: ImportDiff) -> None:
    by_name = {c.name: c for c in matrix.criteria}
    for name, row in _rows_by_name(ws, FIRST_ROW, TOTAL_LABEL).items():
        c = by_name.get(name)
        if c is None:
            diff.problems.append(
                f"{ws.title}!A{row}: criterion {name!r} is not in this "
                "evaluation (add it in Workbench first)"
            )
            continue
        value = _number(ws.cell(row=row, column=2).value)
        if value is None or value != value or value < 0 or value > 1:
            diff.problems.append(
                f"{ws.title}!B{row}: weight of {name} "
                f"{ws.cell(row=row, column=2).value!r} is not a percentage "
                "from 0% to 100%"
            )
            continue
        pct = round(value * 100.0, 6)
        if abs(pct - c.weight) > 1e-6:
            diff.changes.append(Change("weight", name, c.weight, pct, criterion=name))


def _read_scores(ws: Worksheet, matrix: Matrix, evaluator_name: str, diff: ImportDiff) -> None:
    evaluator = next((e for e in matrix.evaluators if e.name == evaluator_name), None)
    if evaluator is None:
        diff.problems.append(
            f"sheet {ws.title!r}: evaluator {evaluator_name!r} is not in this evaluation"
        )
        return
    vendor_cols = _names_in_row(ws, HEADER_ROW, FIRST_VENDOR_COL)
    evidence_cols = {
        name[len("Evidence: ") :]: col
        for name, col in _names_in_row(
            ws, HEADER_ROW, FIRST_VENDOR_COL + len(vendor_cols) + 1
        ).items()
        if name.startswith("Evidence: ")
    }
    vendors = {v.name: v for v in matrix.vendors}
    criteria = {c.name: c for c in matrix.criteria}
    for name in vendor_cols:
        if name not in vendors:
            diff.problems.append(f"{ws.title}: vendor column {name!r} is not in this evaluation")
    for cname, row in _rows_by_name(ws, FIRST_ROW).items():
        c = criteria.get(cname)
        if c is None:
            diff.problems.append(
                f"{ws.title}!A{row}: criterion {cname!r} is not in this evaluation"
            )
            continue
        for vname, col in vendor_cols.items():
            v = vendors.get(vname)
            if v is None:
                continue
            cell = ws.cell(row=row, column=col)
            value = _number(cell.value)
            current = matrix.score_of(evaluator.id, v.id, c.id)
            where = f"{vname} / {cname} ({evaluator.name})"
            if value is not None and not (
                value == value and value.is_integer() and SCORE_MIN <= value <= SCORE_MAX
            ):
                diff.problems.append(
                    f"{ws.title}!{cell.coordinate}: score {cell.value!r} for "
                    f"{where} is not a whole number 1-5"
                )
                continue
            new = int(value) if value is not None else None
            old = current.score if current else None
            if new != old:
                diff.changes.append(
                    Change(
                        "score",
                        where,
                        old,
                        new,
                        criterion=cname,
                        vendor=vname,
                        evaluator=evaluator.name,
                    )
                )
            if vname in evidence_cols and new is not None:
                text = _text(ws.cell(row=row, column=evidence_cols[vname]).value)
                if text != (current.evidence if current else ""):
                    diff.changes.append(
                        Change(
                            "evidence",
                            where,
                            current.evidence if current else "",
                            text,
                            criterion=cname,
                            vendor=vname,
                            evaluator=evaluator.name,
                        )
                    )


def _read_tco(ws: Worksheet, matrix: Matrix, diff: ImportDiff) -> None:
    years = _number(ws["B3"].value)
    if years is None or years != years or not years.is_integer() or not 1 <= years <= 10:
        diff.problems.append(f"{ws.title}!B3: contract term {ws['B3'].value!r} is not 1-10 years")
    elif int(years) != matrix.tco_years:
        diff.changes.append(
            Change(
                "option",
                "TCO contract term (years)",
                matrix.tco_years,
                int(years),
                field="tco_years",
            )
        )
    step = _number(ws["B4"].value)
    if step is None or step != step or not 0 < step <= 10:
        diff.problems.append(
            f"{ws.title}!B4: pricing step {ws['B4'].value!r} is not a positive percentage"
        )
    elif abs(step * 100 - matrix.pricing_step_pct) > 1e-6:
        diff.changes.append(
            Change(
                "option",
                "pricing step (%)",
                matrix.pricing_step_pct,
                round(step * 100, 6),
                field="pricing_step_pct",
            )
        )
    headers = _names_in_row(ws, TCO_HEADER_ROW, 1)
    vendors = {v.name: v for v in matrix.vendors}
    wanted: dict[str, tuple[str, str]] = {}  # header -> (edit field, kind)
    for role in licence_roles(matrix):
        wanted[f"Seats: {role}"] = (f"seats.{role}", "seats")
        wanted[f"Price per seat per year: {role} ({matrix.currency})"] = (f"price.{role}", "money")
    wanted["Discount on licences"] = ("discount", "pct")
    for key in ("implementation", "integration", "training"):
        wanted[f"{key.capitalize()} ({matrix.currency})"] = (key, "money")
    row = TCO_HEADER_ROW + 1
    while name := _text(ws.cell(row=row, column=1).value):
        v = vendors.get(name)
        if v is None:
            diff.problems.append(f"{ws.title}!A{row}: vendor {name!r} is not in this evaluation")
            row += 1
            continue
        current = _tco_values(matrix, v.id)
        for header, (fld, kind) in wanted.items():
            col = headers.get(header)
            if col is None:
                continue
            cell = ws.cell(row=row, column=col)
            value = _number(cell.value)
            value = 0.0 if value is None else value
            if (
                value != value
                or value < 0
                or (kind == "pct" and value > 1)
                or (kind == "seats" and not value.is_integer())
            ):
                diff.problems.append(
                    f"{ws.title}!{cell.coordinate}: {header} for {name} "
                    f"{cell.value!r} is not usable"
                )
                continue
            new = round(value * 100, 6) if kind == "pct" else value
            if abs(new - current.get(fld, 0.0)) > CLOSE:
                diff.changes.append(
                    Change(
                        "tco",
                        f"{name} {header}",
                        current.get(fld, 0.0),
                        new,
                        vendor=name,
                        field=fld,
                    )
                )
        row += 1


def _tco_values(matrix: Matrix, vendor_id: int) -> dict[str, float]:
    t = matrix.tco.get(vendor_id)
    if t is None:
        return {}
    out = {
        "discount": t.discount_pct,
        "implementation": t.implementation,
        "integration": t.integration,
        "training": t.training,
    }
    for lic in t.licences:
        out[f"seats.{lic.role}"] = float(lic.seats)
        out[f"price.{lic.role}"] = lic.price_per_seat_year
    return out


def apply_changes(eng: Engagement, matrix: Matrix, diff: ImportDiff) -> int:
    """Apply every change of ``diff`` in one transaction; returns how many were applied."""
    with eng.atomic():
        weights = {c.criterion: c.new for c in diff.changes if c.kind == "weight"}
        if weights:
            edit.set_weights(eng, matrix, weights)
        for c in diff.changes:
            if c.kind == "score":
                evidence = next(
                    (
                        e.new
                        for e in diff.changes
                        if e.kind == "evidence"
                        and (e.vendor, e.criterion, e.evaluator)
                        == (c.vendor, c.criterion, c.evaluator)
                    ),
                    None,
                )
                edit.set_score(eng, matrix, c.vendor, c.criterion, c.new, c.evaluator, evidence)
            elif c.kind == "evidence" and not any(
                s.kind == "score"
                and (s.vendor, s.criterion, s.evaluator) == (c.vendor, c.criterion, c.evaluator)
                for s in diff.changes
            ):
                v = next(x for x in matrix.vendors if x.name == c.vendor)
                k = next(x for x in matrix.criteria if x.name == c.criterion)
                e = next(x for x in matrix.evaluators if x.name == c.evaluator)
                eng.conn.execute(
                    "UPDATE evaluation_scores SET evidence = ? WHERE evaluator_id "
                    "= ? AND vendor_id = ? AND criterion_id = ?",
                    (c.new, e.id, v.id, k.id),
                )
            elif c.kind == "tco":
                edit.set_tco(eng, matrix, c.vendor, c.field, c.new)
            elif c.kind == "option":
                edit.set_evaluation_options(eng, matrix, **{c.field: c.new})
    return len(diff.changes)
