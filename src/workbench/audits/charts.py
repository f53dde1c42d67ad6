"""Charts of the audit results as matplotlib ``Figure`` objects (never pyplot).

The GUI shows them in a canvas and the reports embed them as PNG; both get the same
figure from here. Every chart prints the counts behind its bars, because a rate on
three meetings is not a rate on three thousand.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from workbench.audits.baselines import ALL, BaselinesResult
from workbench.audits.capture import CaptureResult, GroupRate
from workbench.audits.crm_hygiene import CrmHygieneResult

STATUS_COLOURS = {
    "on target": "#2e7d32",
    "blind spot": "#f9a825",
    "red flag": "#c62828",
    "no conversations": "#9e9e9e",
}


def _empty(fig: Figure, message: str) -> Figure:
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#555555")
    ax.set_axis_off()
    return fig


def _capture_bars(groups: list[GroupRate], result: CaptureResult, title: str) -> Figure:
    height = max(2.5, 0.35 * len(groups) + 1.2)
    fig = Figure(figsize=(7.5, height), layout="constrained")
    if not groups:
        return _empty(fig, "No meeting or call logs in the window")
    ax = fig.add_subplot()
    labels = [g.name for g in groups]
    rates = [100 * (g.rate or 0) for g in groups]
    colours = [STATUS_COLOURS.get(g.status, "#607d8b") for g in groups]
    y = np.arange(len(groups))
    ax.barh(y, rates, color=colours)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_xlabel("recorded, % of external conversations")
    ax.axvline(100 * result.options.target, color="#2e7d32", linestyle="--", linewidth=1,
               label=f"target {result.options.target:.0%}")  # fmt: skip
    ax.axvline(100 * result.options.flag_below, color="#c62828", linestyle=":", linewidth=1,
               label=f"red flag {result.options.flag_below:.0%}")  # fmt: skip
    for yi, g in zip(y, groups, strict=True):
        ax.text(1, yi, f"{g.recorded:,}/{g.total:,}", va="center", fontsize=8, color="white")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(title)
    return fig


def capture_by_channel(result: CaptureResult) -> Figure:
    """Capture rate per channel against the 95% target and the red-flag line."""
    return _capture_bars(result.by_channel, result, f"Capture by channel ({result.window.label()})")


def capture_by_rep(result: CaptureResult, limit: int = 30) -> Figure:
    """Capture rate per rep (lowest first, at most ``limit`` reps)."""
    return _capture_bars(result.by_rep[:limit], result, "Capture by rep (lowest first)")


def forecast_accuracy_trend(result: BaselinesResult, scope: str = "team") -> Figure:
    """Forecast accuracy per quarter: overall line, one line per team (or segment)."""
    fig = Figure(figsize=(7.5, 4), layout="constrained")
    quarters = result.quarters
    overall = [result.row(q) for q in quarters]
    if not any(r and r.forecast_accuracy is not None for r in overall):
        return _empty(fig, "Forecast accuracy not measurable: no Commit forecasts")
    ax = fig.add_subplot()
    x = np.arange(len(quarters))

    def series(rows):
        return [np.nan if r is None or r.forecast_accuracy is None else 100 * r.forecast_accuracy
                for r in rows]  # fmt: skip

    ax.plot(x, series(overall), marker="o", linewidth=2.5, color="#1a237e", label="All")
    keys = sorted({r.key for r in result.rows if r.scope == scope and r.quarter != ALL})
    for key in keys[:8]:
        ax.plot(x, series([result.row(q, scope, key) for q in quarters]), marker=".",
                linewidth=1, alpha=0.8, label=key)  # fmt: skip
    for xi, r in zip(x, overall, strict=True):
        if r and r.forecast_accuracy is not None:
            ax.annotate(f"n={r.forecast_submitters}", (xi, 100 * r.forecast_accuracy),
                        textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)  # fmt: skip
    ax.set_xticks(x, quarters)
    ax.set_ylim(0, 105)
    ax.set_ylabel("accuracy, %")
    ax.set_title("Forecast accuracy by quarter: max(0, 1 - |actual - forecast| / actual)")
    ax.legend(fontsize=8, ncol=3, loc="lower left")
    return fig


def completion_heatmap(
    result: CrmHygieneResult, entity: str = "opportunities", group_by: str = "owner",
    limit: int = 25,
) -> Figure:  # fmt: skip
    """Share of required fields filled: groups (owners, stages...) by fields."""
    rows = [r for r in result.completion if r.entity == entity and r.group_by == group_by]
    fields = list(dict.fromkeys(r.field for r in rows))
    totals: dict[str, int] = {}
    for r in rows:
        totals[r.group] = max(totals.get(r.group, 0), r.total)
    groups = sorted(totals, key=lambda g: -totals[g])[:limit]
    fig = Figure(figsize=(max(6, 0.9 * len(fields) + 3), max(3, 0.3 * len(groups) + 1.5)),
                 layout="constrained")  # fmt: skip
    if not rows:
        return _empty(fig, f"No required fields measured on {entity}")
    index = {(r.group, r.field): r.rate for r in rows}
    matrix = np.array([[100 * (index.get((g, f)) or 0) for f in fields] for g in groups])
    ax = fig.add_subplot()
    image = ax.imshow(matrix, aspect="auto", cmap="RdYlGn", vmin=0, vmax=100)
    ax.set_xticks(range(len(fields)), fields, rotation=30, ha="right")
    ax.set_yticks(range(len(groups)), [f"{g} (n={totals[g]:,})" for g in groups])
    for i in range(len(groups)):
        for j in range(len(fields)):
            ax.text(j, i, f"{matrix[i, j]:.0f}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="% filled")
    ax.set_title(f"Required fields filled: {entity} by {group_by}")
    return fig


def duplicate_cluster_sizes(result: CrmHygieneResult) -> Figure:
    """How many duplicate account clusters have 2, 3, 4... records."""
    fig = Figure(figsize=(6, 3.5), layout="constrained")
    sizes = [c.size for c in result.duplicate_accounts]
    if not sizes:
        return _empty(fig, "No duplicate accounts found")
    values, counts = np.unique(sizes, return_counts=True)
    ax = fig.add_subplot()
    bars = ax.bar([str(v) for v in values], counts, color="#5c6bc0")
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], fontsize=8)
    ax.set_xlabel("accounts in the cluster")
    ax.set_ylabel("clusters")
    ax.set_title(f"Duplicate account clusters: {len(sizes):,} ({sum(sizes):,} accounts)")
    return fig


def slippage(result: BaselinesResult) -> Figure:
    """Slippage rate per quarter, with slipped / forecast counts on each bar."""
    fig = Figure(figsize=(6.5, 3.5), layout="constrained")
    rows = [result.row(q) for q in result.quarters]
    if not any(r and r.forecast_in_quarter for r in rows):
        return _empty(fig, "No deals forecast in these quarters")
    ax = fig.add_subplot()
    rates = [100 * (r.slippage_rate or 0) if r else 0 for r in rows]
    bars = ax.bar(result.quarters, rates, color="#ef6c00")
    ax.bar_label(bars, labels=[f"{r.slipped:,}/{r.forecast_in_quarter:,}" if r else ""
                               for r in rows], fontsize=8)  # fmt: skip
    ax.set_ylabel("deals slipped, %")
    ax.set_ylim(0, max(rates + [10]) * 1.2)
    ax.set_title("Slippage: close date moved out of the quarter it was forecast in")
    return fig


CHARTS = {
    "capture_by_channel": ("capture", capture_by_channel),
    "capture_by_rep": ("capture", capture_by_rep),
    "forecast_accuracy_trend": ("baselines", forecast_accuracy_trend),
    "slippage": ("baselines", slippage),
    "completion_heatmap": ("crm-hygiene", completion_heatmap),
    "duplicate_cluster_sizes": ("crm-hygiene", duplicate_cluster_sizes),
}
