"""How robust is the winner? Exact weight thresholds and a Monte Carlo perturbation.

Threshold rule: move one criterion's weight from w to w' and rescale every other
weight proportionally so the weights still sum to 100%: others become
w_j * (1 - w') / (1 - w). A vendor's total is then linear in w':
``T(w') = w' * s_i + (1 - w') * R`` where ``R = (T - w * s_i) / (1 - w)`` is its
total over the other criteria. The gap between the leader and each rival is linear
too, so the weight where a rival draws level is solved exactly; the nearest such
weight above (below) the current one is where first place changes when the weight
rises (falls). ``None`` means the leader stays first all the way to 100% (0%).

Monte Carlo: weights are drawn from a Dirichlet distribution centred on the current
weights (alpha = concentration x weight, so a higher concentration means smaller
perturbations; 50 moves a 25% weight by about +/-6 points), with a fixed seed so the
numbers are reproducible; each vendor's probability of ranking first is the share of
draws it leads (a draw with a tie splits its credit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.evaluation.matrix import compute_results, require_weights, score_array
from workbench.evaluation.model import Matrix

EPS = 1e-12
BOUNDARY = 1e-9
DEFAULT_DRAWS = 10_000
DEFAULT_CONCENTRATION = 50.0
DEFAULT_SEED = 0


@dataclass
class CriterionSensitivity:
    """How far one criterion's weight must move before first place changes."""

    criterion: str
    weight_pct: float
    leader: str
    up_to_pct: float | None  # weight where a rival draws level when this one rises
    up_change_pts: float | None
    up_new_leader: str | None
    down_to_pct: float | None  # weight where a rival draws level when this one falls
    down_change_pts: float | None  # negative
    down_new_leader: str | None

    @property
    def smallest_change_pts(self) -> float | None:
        """The smaller of the two moves (in percentage points), or None if neither flips."""
        moves = [abs(x) for x in (self.up_change_pts, self.down_change_pts) if x is not None]
        return min(moves) if moves else None


@dataclass
class MonteCarloResult:
    """Each vendor's probability of ranking first under perturbed weights."""

    draws: int
    concentration: float
    seed: int
    win_probability: dict[str, float]
    leader: str
    leader_holds: float  # probability the current leader stays first


def _weights_and_scores(matrix: Matrix) -> tuple[np.ndarray, np.ndarray]:
    require_weights(matrix)
    weights = np.array([c.weight for c in matrix.criteria], dtype=float)
    return weights / weights.sum(), score_array(matrix)


def weight_thresholds(
    weights: np.ndarray, scores: np.ndarray, leader: int, i: int
) -> tuple[tuple[float, int] | None, tuple[float, int] | None]:
    """Exact (weight, new leader) where first place changes when weight ``i`` rises / falls.

    ``weights`` are fractions summing to 1, ``scores`` is criteria x vendors and
    ``leader`` the index of the current leader. Returns (up, down); each is None when
    the leader holds all the way to 1 (0); a rival that only draws level exactly at
    the end of the range never gets ahead, so that is not a change either.
    """
    w = weights[i]
    if w >= 1 - EPS:  # the only weighted criterion: nothing to rescale against
        return None, None
    totals = weights @ scores
    rest = (totals - w * scores[i]) / (1 - w)
    up: tuple[float, int] | None = None
    down: tuple[float, int] | None = None
    for v in range(scores.shape[1]):
        if v == leader:
            continue
        gap = totals[leader] - totals[v]  # >= 0 at the current weight
        slope = (scores[i, leader] - scores[i, v]) - (rest[leader] - rest[v])
        if slope < -EPS:
            at = w + gap / -slope
            # a rival that only draws level at 100% never gets ahead: not a change
            if at < 1 - BOUNDARY and (up is None or at < up[0] - EPS):
                up = (at, v)
        elif slope > EPS:
            at = w - gap / slope
            if at > BOUNDARY and (down is None or at > down[0] + EPS):
                down = (at, v)
    return up, down


def sensitivity(matrix: Matrix) -> list[CriterionSensitivity]:
    """For each criterion, the exact weight moves (up and down) that change first place."""
    weights, scores = _weights_and_scores(matrix)
    results = compute_results(matrix)
    names = [v.name for v in matrix.vendors]
    leader = names.index(results.winner) if results.winner else 0
    out = []
    for i, c in enumerate(matrix.criteria):
        up, down = weight_thresholds(weights, scores, leader, i)
        w_pct = float(weights[i]) * 100.0
        out.append(
            CriterionSensitivity(
                criterion=c.name,
                weight_pct=w_pct,
                leader=names[leader],
                up_to_pct=float(up[0]) * 100.0 if up else None,
                up_change_pts=float(up[0]) * 100.0 - w_pct if up else None,
                up_new_leader=names[up[1]] if up else None,
                down_to_pct=float(down[0]) * 100.0 if down else None,
                down_change_pts=float(down[0]) * 100.0 - w_pct if down else None,
                down_new_leader=names[down[1]] if down else None,
            )
        )
    return out


def monte_carlo(
    matrix: Matrix,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = DEFAULT_SEED,
) -> MonteCarloResult:
    """Probability of each vendor ranking first when the weights are perturbed (seeded)."""
    weights, scores = _weights_and_scores(matrix)
    names = [v.name for v in matrix.vendors]
    active = weights > 0
    rng = np.random.default_rng(seed)
    sample = np.zeros((draws, len(weights)))
    sample[:, active] = rng.dirichlet(weights[active] * concentration, size=draws)
    totals = sample @ scores
    best = totals.max(axis=1, keepdims=True)
    leaders = totals >= best - 1e-12
    credit = leaders / leaders.sum(axis=1, keepdims=True)
    share = credit.mean(axis=0)
    results = compute_results(matrix)
    leader = results.winner or names[0]
    return MonteCarloResult(
        draws=draws,
        concentration=concentration,
        seed=seed,
        win_probability={n: float(p) for n, p in zip(names, share, strict=True)},
        leader=leader,
        leader_holds=float(share[names.index(leader)]),
    )
