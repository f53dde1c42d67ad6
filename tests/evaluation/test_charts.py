"""The Figures of an evaluation (built without pyplot)."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from workbench.evaluation import load_matrix, summarise, totals_figure, win_probability_figure


def test_totals_figure_stacks_each_criterion_per_vendor(scored, tmp_path):
    summary = summarise(load_matrix(scored), draws=500)
    fig = totals_figure(summary.results)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 7 * 4  # 7 criteria stacked on 4 vendors
    heights = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2)
        heights[x] = heights.get(x, 0) + bar.get_height()
    totals = [v.total for v in summary.results.vendors]
    assert [round(heights[i], 9) for i in range(4)] == [round(t, 9) for t in totals]
    fig.savefig(tmp_path / "totals.png")
    assert (tmp_path / "totals.png").stat().st_size > 5000


def test_win_probability_figure_has_one_bar_per_vendor(scored):
    summary = summarise(load_matrix(scored), draws=500)
    fig = win_probability_figure(summary.monte_carlo)
    bars = fig.axes[0].patches
    assert len(bars) == 4
    assert sum(b.get_width() for b in bars) == pytest.approx(100)
