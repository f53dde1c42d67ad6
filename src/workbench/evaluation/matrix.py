"""Consensus scores, weight checks, weighted totals and the ranking.

Rules (the Excel export computes exactly the same with live formulas):
- consensus score of a vendor on a criterion = mean of the evaluators' scores there;
  a cell nobody scored counts as 0 (the vendor gets no points for it, and the result
  says which cells are missing);
- a criterion derived from TCO (pricing) takes the TCO pricing score instead when the
  evaluation prices from TCO and the vendor has cost inputs (see ``tco``);
- weighted total (1-5 scale) = sum of weight x consensus, weights as fractions of
  100%; as a percentage = total / 5;
- ranking: highest total first; equal totals share a rank (as Excel's RANK does);
- evaluators disagree on a cell when their highest and lowest scores differ by 2+
  (not flagged where the TCO pricing score replaces their scores).
Ranking is refused until the weights sum to 100%.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError
from workbench.evaluation.model import SCORE_MAX, WEIGHT_TOLERANCE_PCT, Matrix
from workbench.evaluation.tco import TcoResult, tco_table

DISAGREEMENT_POINTS = 2
TIE_TOLERANCE = 1e-9


@dataclass
class WeightCheck:
    """Whether the criteria weights sum to 100%, and a message saying so plainly."""

    ok: bool
    total_pct: float
    weights: list[tuple[str, float]]
    message: str


@dataclass
class ConsensusCell:
    """The consensus score of one vendor on one criterion and how it was reached."""

    vendor: str
    criterion: str
    score: float | None  # None: nobody scored it (counts as 0 in totals)
    source: str  # "evaluators", "tco" or "missing"
    by_evaluator: dict[str, int] = field(default_factory=dict)
    spread: int = 0
    disagreement: bool = False


@dataclass
class VendorResult:
    """A vendor's weighted total, rank and the contribution of each criterion."""

    name: str
    platform_option: str
    total: float  # on the 1-5 scale
    total_pct: float  # total / 5, in percent
    rank: int
    contributions: dict[str, float]
    missing: list[str]
    selected: bool = False


@dataclass
class Results:
    """Weighted totals and ranking of one evaluation (vendors best first)."""

    weight_check: WeightCheck
    vendors: list[VendorResult]
    winner: str | None
    runner_up: str | None
    margin: float | None  # winner minus runner-up, 1-5 scale points
    margin_pct: float | None  # the same margin in percentage points of the 0-100% scale
    complete: bool
    disagreements: list[ConsensusCell]
    consensus: list[ConsensusCell]
    tco: list[TcoResult]


def check_weights(matrix: Matrix) -> WeightCheck:
    """Check that the weights sum to 100% and say which criteria and what sum when not."""
    weights = [(c.name, float(c.weight)) for c in matrix.criteria]
    total = sum(w for _, w in weights)
    negative = [n for n, w in weights if w < 0]
    if negative:
        return WeightCheck(
            False, total, weights, f"Weights cannot be negative ({', '.join(negative)})."
        )
    if abs(total - 100.0) <= WEIGHT_TOLERANCE_PCT:
        return WeightCheck(True, total, weights, "Weights sum to 100%.")
    listing = ", ".join(f"{n} {w:g}%" for n, w in weights)
    gap = 100.0 - total
    direction = f"add {gap:g} points" if gap > 0 else f"remove {-gap:g} points"
    return WeightCheck(
        False,
        total,
        weights,
        f"The weights sum to {total:g}%, not 100% ({listing}); {direction}, or normalise "
        "them (--normalise on the command line). The ranking is withheld until they sum "
        "to 100%.",
    )


def require_weights(matrix: Matrix) -> WeightCheck:
    """Raise ``WorkbenchError`` with the weight message unless the weights sum to 100%."""
    check = check_weights(matrix)
    if not check.ok:
        raise WorkbenchError(check.message)
    return check


def normalised_weights(matrix: Matrix) -> dict[str, float]:
    """Weights scaled proportionally to sum to 100% (only on the user's explicit request)."""
    total = sum(c.weight for c in matrix.criteria)
    if total <= 0:
        raise WorkbenchError("All weights are 0; set at least one weight before normalising.")
    return {c.name: c.weight * 100.0 / total for c in matrix.criteria}


def consensus(matrix: Matrix, tco: list[TcoResult] | None = None) -> list[ConsensusCell]:
    """The consensus cell of every (vendor, criterion), vendors outer, criteria inner."""
    tco = tco if tco is not None else tco_table(matrix)
    tco_by_vendor = {r.vendor: r for r in tco}
    by_cell: dict[tuple[int, int], dict[str, int]] = {}
    names = {e.id: e.name for e in matrix.evaluators}
    for s in matrix.scores:
        by_cell.setdefault((s.vendor_id, s.criterion_id), {})[names[s.evaluator_id]] = s.score
    cells = []
    for v in matrix.vendors:
        for c in matrix.criteria:
            given = by_cell.get((v.id, c.id), {})
            spread = (max(given.values()) - min(given.values())) if given else 0
            cell = ConsensusCell(
                v.name, c.name, None, "missing", dict(given), spread, spread >= DISAGREEMENT_POINTS
            )
            priced = tco_by_vendor[v.name].pricing_score
            if c.derived_from == "tco" and matrix.pricing_from_tco and priced is not None:
                # the evaluators' pricing scores are not used here, so no disagreement flag
                cell.score, cell.source, cell.disagreement = priced, "tco", False
            elif given:
                cell.score, cell.source = sum(given.values()) / len(given), "evaluators"
            cells.append(cell)
    return cells


def score_array(matrix: Matrix, cells: list[ConsensusCell] | None = None) -> np.ndarray:
    """Consensus scores as an array (criteria x vendors), missing cells as 0."""
    cells = cells if cells is not None else consensus(matrix)
    n_c = len(matrix.criteria)
    out = np.zeros((n_c, len(matrix.vendors)))
    for k, cell in enumerate(cells):
        out[k % n_c, k // n_c] = cell.score or 0.0
    return out


def competition_ranks(totals: list[float]) -> list[int]:
    """Ranks with ties sharing the best rank (1, 1, 3), like the spreadsheet RANK()."""
    return [1 + sum(1 for o in totals if o > t + TIE_TOLERANCE) for t in totals]


def compute_results(matrix: Matrix) -> Results:
    """Weighted totals, ranking and winner's margin; no ranking while weights are off."""
    check = check_weights(matrix)
    tco = tco_table(matrix)
    cells = consensus(matrix, tco)
    scores = score_array(matrix, cells)
    weights = np.array([c.weight for c in matrix.criteria]) / 100.0
    totals = (
        [float(x) for x in weights @ scores] if matrix.criteria else [0.0] * len(matrix.vendors)
    )
    ranks = competition_ranks(totals) if check.ok else [0] * len(totals)
    n_c = len(matrix.criteria)
    vendors = []
    for j, v in enumerate(matrix.vendors):
        vcells = cells[j * n_c : (j + 1) * n_c]
        vendors.append(
            VendorResult(
                name=v.name,
                platform_option=v.platform_option,
                total=totals[j],
                total_pct=totals[j] / SCORE_MAX * 100.0,
                rank=ranks[j],
                contributions={
                    c.name: float(weights[i] * scores[i, j]) for i, c in enumerate(matrix.criteria)
                },
                missing=[cell.criterion for cell in vcells if cell.score is None],
                selected=(v.name == matrix.selected_vendor),
            )
        )
    winner = runner_up = None
    margin = margin_pct = None
    if check.ok and vendors:
        vendors.sort(key=lambda r: (r.rank, -r.total))
        winner = vendors[0].name
        if len(vendors) > 1:
            runner_up = vendors[1].name
            margin = vendors[0].total - vendors[1].total
            margin_pct = margin / SCORE_MAX * 100.0
    return Results(
        weight_check=check,
        vendors=vendors,
        winner=winner,
        runner_up=runner_up,
        margin=margin,
        margin_pct=margin_pct,
        complete=not any(cell.score is None for cell in cells),
        disagreements=[cell for cell in cells if cell.disagreement],
        consensus=cells,
        tco=tco,
    )
