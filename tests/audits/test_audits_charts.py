"""Audit charts are matplotlib Figures drawn from the results (no pyplot)."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from workbench.audits import run_audits
from workbench.audits.charts import (
    CHARTS,
    capture_by_channel,
    completion_heatmap,
    duplicate_cluster_sizes,
    forecast_accuracy_trend,
    slippage,
)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_every_chart_renders_to_png_from_real_results(acme):
    run = run_audits(acme)
    for name, (audit, build) in CHARTS.items():
        fig = build(run.results[audit])
        assert isinstance(fig, Figure), name
        assert _png(fig).startswith(b"\x89PNG"), name


def test_charts_show_the_figures_they_are_about(acme):
    run = run_audits(acme)
    capture = capture_by_channel(run.results["capture"])
    ax = capture.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["phone", "zoom", "teams"]
    assert [round(p.get_width()) for p in ax.patches] == [0, 75, 100]
    trend = forecast_accuracy_trend(run.results["baselines"]).axes[0]
    assert list(trend.lines[0].get_ydata()[:3]) == [80.0, 75.0, 80.0]
    slip = slippage(run.results["baselines"]).axes[0]
    assert [round(p.get_height()) for p in slip.patches] == [0, 50, 0, 0]
    sizes = duplicate_cluster_sizes(run.results["crm-hygiene"]).axes[0]
    assert [p.get_height() for p in sizes.patches] == [2]
    heat = completion_heatmap(run.results["crm-hygiene"], "opportunities", "stage")
    assert heat.axes[0].images[0].get_array().shape[1] == 7


def test_charts_say_when_there_is_nothing_to_draw(new_engagement):
    run = run_audits(new_engagement)
    fig = capture_by_channel(run.results["capture"])
    assert "No meeting or call logs" in fig.axes[0].texts[0].get_text()
    assert _png(fig).startswith(b"\x89PNG")
