"""Scoring metrics and the reliability diagram (matplotlib Figure, never pyplot).

AUC and Brier score are scikit-learn's own functions; the reliability table and the
lift table are plain counts a CRO can check by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from sklearn.metrics import brier_score_loss, roc_auc_score


@dataclass
class ReliabilityBin:
    """Deals whose predicted risk fell in [low, high): predicted vs observed."""

    low: float
    high: float
    count: int
    mean_predicted: float | None
    observed_rate: float | None


@dataclass
class LiftRow:
    """One decile of deals ranked by risk (decile 1 = riskiest tenth)."""

    decile: int
    count: int
    bad: int
    bad_rate: float
    lift: float
    cumulative_capture: float  # share of all lost/slipped deals caught by deciles 1..n
    min_predicted: float
    max_predicted: float


def auc(y: np.ndarray, p: np.ndarray) -> float | None:
    """ROC AUC, or None when only one outcome is present (AUC is undefined then)."""
    if len(np.unique(y)) < 2:
        return None
    return float(roc_auc_score(y, p))


def brier(y: np.ndarray, p: np.ndarray) -> float | None:
    """Brier score (mean squared error of the probability), None without deals."""
    if len(y) == 0:
        return None
    return float(brier_score_loss(y, p, pos_label=1))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width bins of predicted probability with mean prediction, observed rate, count."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    out = []
    for i in range(bins):
        mask = which == i
        n = int(mask.sum())
        out.append(
            ReliabilityBin(
                float(edges[i]),
                float(edges[i + 1]),
                n,
                float(p[mask].mean()) if n else None,
                float(y[mask].mean()) if n else None,
            )
        )
    return out


def lift_by_decile(y: np.ndarray, p: np.ndarray) -> list[LiftRow]:
    """Deals ranked by predicted risk, cut into ten groups; lift = group rate / base rate."""
    if len(y) == 0:
        return []
    order = np.argsort(-p, kind="stable")
    base = float(y.mean()) or float("nan")
    total_bad = max(int(y.sum()), 1)
    caught = 0
    rows = []
    for i, part in enumerate(np.array_split(order, 10), start=1):
        if len(part) == 0:
            continue
        bad = int(y[part].sum())
        caught += bad
        rate = bad / len(part)
        rows.append(
            LiftRow(
                i,
                len(part),
                bad,
                rate,
                rate / base if base == base else 0.0,
                caught / total_bad,
                float(p[part].min()),
                float(p[part].max()),
            )
        )
    return rows


def reliability_figure(
    bins: list[ReliabilityBin], title: str = "Reliability diagram", subtitle: str = ""
) -> Figure:
    """Predicted vs observed share of lost-or-slipped deals per bin, with deal counts."""
    fig = Figure(figsize=(6.4, 6.0), dpi=100, layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=(3, 1), sharex=True)
    top.plot(
        [0, 1], [0, 1], linestyle="--", color="#999999", linewidth=1, label="perfectly calibrated"
    )
    used = [b for b in bins if b.count]
    xs = [b.mean_predicted for b in used]
    ys = [b.observed_rate for b in used]
    top.plot(xs, ys, marker="o", color="#1f5fa8", linewidth=1.5, label="this model")
    for i, b in enumerate(used):
        # Neighbouring bins alternate below-right and above-left, so close points'
        # counts do not print over each other.
        below = i % 2 == 0 or b.observed_rate > 0.9  # never into the title
        top.annotate(
            f"n={b.count:,}",
            (b.mean_predicted, b.observed_rate),
            textcoords="offset points",
            xytext=(4, -10) if below else (-4, 6),
            ha="left" if below else "right",
            fontsize=7,
            color="#444444",
        )
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("Observed share lost or slipped")
    top.set_title(title + (f"\n{subtitle}" if subtitle else ""), fontsize=10)
    top.legend(loc="upper left", fontsize=8)
    top.grid(alpha=0.3)
    centers = [(b.low + b.high) / 2 for b in bins]
    bottom.bar(
        centers, [b.count for b in bins], width=(bins[0].high - bins[0].low) * 0.9, color="#7fa7d6"
    )
    bottom.set_xlabel("Predicted probability of lost or slipped")
    bottom.set_ylabel("Deals")
    return fig
