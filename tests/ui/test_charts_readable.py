"""Charts people can read: no label over another, none off the edge, at the size shown."""

from __future__ import annotations

from matplotlib.figure import Figure

from workbench.evaluation.demo_data import populate_demo
from workbench.scoring.metrics import ReliabilityBin, reliability_figure
from workbench.ui.charts import label_problems


def test_the_check_sees_overlapping_and_cut_labels():
    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_subplot()
    ax.text(0.5, 0.5, "first label")
    ax.text(0.5, 0.5, "second label")
    ax.text(1.2, 0.5, "off the edge", transform=ax.transAxes)
    problems = label_problems(fig, 400, 300)
    assert "'first label' overlaps 'second label'" in problems
    assert "'off the edge' runs off the chart" in problems
    clean = Figure(figsize=(4, 3), dpi=100, layout="constrained")
    clean.add_subplot().set_xlabel("Quarter")
    assert label_problems(clean, 400, 300) == []


def test_the_reliability_diagram_keeps_close_counts_apart():
    """The demo's calibration: bins at 0.78 and 0.83 printed their counts over each other."""
    points = [(0.06, 0.06, 49), (0.13, 0.23, 438), (0.25, 0.31, 94), (0.33, 0.35, 144),
              (0.46, 0.53, 616), (0.53, 0.6, 220), (0.66, 0.6, 228), (0.78, 0.84, 70),
              (0.83, 0.86, 438), (0.98, 0.99, 1305)]  # fmt: skip
    bins = [ReliabilityBin(p - 0.05, p + 0.05, n, p, o) for p, o, n in points]
    fig = reliability_figure(bins, subtitle="test quarter FY2027-Q3, 3,602 deals")
    assert label_problems(fig, 423, 397) == []


def test_the_evaluation_chart_reads_well_beside_the_matrix(qtbot, page_context):
    from workbench.ui.pages.evaluation import Page

    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = Page(page_context)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    figure = page.totals_chart.figure
    assert figure is not None and figure.legends  # a legend with its swatches
    assert len(figure.legends[0].legend_handles) == len(page.matrix.criteria)
    assert label_problems(figure, 489, 469) == []
