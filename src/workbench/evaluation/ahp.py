"""Pairwise (AHP) weight elicitation with Saaty's consistency ratio.

The stakeholders compare criteria two at a time on Saaty's 1-9 scale ("CRM
integration is 3 times as important as admin"). The weights are the principal
eigenvector of the reciprocal comparison matrix; the consistency index is
CI = (lambda_max - n) / (n - 1) and the consistency ratio CR = CI / RI with Saaty's
random index RI for n criteria. CR below 0.10 is acceptable; above it the answers
contradict each other and should be revisited before the weights are used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.errors import WorkbenchError

# Saaty's random consistency index by matrix size (n = 1..10).
RANDOM_INDEX = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}
CR_ACCEPTABLE = 0.10


@dataclass
class AhpResult:
    """Weights from pairwise comparisons and how consistent the comparisons were."""

    criteria: list[str]
    weights_pct: list[float]
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    acceptable: bool

    @property
    def message(self) -> str:
        verdict = (
            "acceptable"
            if self.acceptable
            else (
                "too inconsistent (0.10 or more): revisit the comparisons before using the weights"
            )
        )
        return f"Consistency ratio {self.consistency_ratio:.3f}: {verdict}."


def ahp_weights(criteria: list[str], matrix: np.ndarray) -> AhpResult:
    """Weights (percent, summing to 100) and consistency of a pairwise comparison matrix."""
    a = np.asarray(matrix, dtype=float)
    n = len(criteria)
    if a.shape != (n, n):
        raise WorkbenchError(f"The comparison matrix must be {n} x {n} for {n} criteria.")
    if np.any(a <= 0) or not np.allclose(a * a.T, 1.0, atol=1e-6):
        raise WorkbenchError(
            "Pairwise comparisons must be positive and reciprocal "
            "(if A is 3 times B, B is 1/3 of A)."
        )
    if n > max(RANDOM_INDEX):
        raise WorkbenchError(
            f"AHP is limited to {max(RANDOM_INDEX)} criteria "
            "(Saaty's random index table); group the criteria first."
        )
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    lam = float(values[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri else 0.0
    return AhpResult(
        list(criteria), [float(w * 100) for w in weights], lam, ci, cr, cr < CR_ACCEPTABLE
    )


def matrix_from_pairs(criteria: list[str], pairs: dict[tuple[str, str], float]) -> np.ndarray:
    """Build the reciprocal matrix from judgements {(A, B): how many times A matters more}.

    Pairs not given count as equally important (1).
    """
    index = {name: i for i, name in enumerate(criteria)}
    a = np.ones((len(criteria), len(criteria)))
    for (first, second), value in pairs.items():
        if not 1 / 9 - 1e-9 <= value <= 9 + 1e-9:
            raise WorkbenchError(
                f"Comparison {first} vs {second} = {value:g} is outside Saaty's scale 1/9 to 9."
            )
        i, j = index[first], index[second]
        if i == j:
            raise WorkbenchError(f"{first} cannot be compared with itself.")
        a[i, j], a[j, i] = value, 1.0 / value
    return a


def rounded_percentages(weights_pct: list[float], decimals: int = 1) -> list[float]:
    """Round weights so they still sum to exactly 100 (largest remainder method)."""
    unit = 10**decimals
    raw = [w * unit for w in weights_pct]
    floors = [int(np.floor(x)) for x in raw]
    short = 100 * unit - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[:short]:
        floors[i] += 1
    return [f / unit for f in floors]
