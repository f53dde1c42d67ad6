"""Chart labels never overlap each other, are never struck through by a reference line and
never sit on another series' line or marker (checked on the drawn figure's text boxes,
not by eye)."""

from __future__ import annotations

from workbench.reports.charts import (
    baseline_trend_figure,
    capture_by_channel_figure,
    overlapping_texts,
    texts_on_series,
    texts_struck_by_lines,
)


def test_capture_labels_clear_the_target_line_and_each_other() -> None:
    # 84% sits right under the 85% target: its label above the bar would be struck through.
    fig = capture_by_channel_figure(
        ["Zoom", "Microsoft Teams", "Google Meet", "Phone", "Aircall dialer", "Other"],
        [0.84, 0.778, 0.871, 0.647, 0.69, 0.935],
        [2435, 1344, 706, 3083, 410, 12],
        0.85,
        0.70,
    )
    assert texts_struck_by_lines(fig) == []
    assert overlapping_texts(fig) == []


def test_trend_labels_of_close_lines_are_moved_apart() -> None:
    fig = baseline_trend_figure(
        ["FY2026-Q4", "FY2027-Q1", "FY2027-Q2", "FY2027-Q3"],
        {
            "Win rate": [0.325, 0.31, 0.33, 0.32],
            "Slippage": [0.33, 0.30, 0.34, 0.31],
            "Forecast accuracy": [0.727, 0.798, 0.81, 0.739],
        },
    )
    assert overlapping_texts(fig) == []
    assert texts_on_series(fig) == []


def test_trend_labels_clear_the_lines_and_markers_of_a_close_series() -> None:
    # The demo's quarters: slippage 3-7 points under the win rate, so a label above each
    # slippage point used to sit on the win-rate line and markers.
    fig = baseline_trend_figure(
        ["FY2026-Q4", "FY2027-Q1", "FY2027-Q2", "FY2027-Q3"],
        {
            "Win rate": [0.332, 0.308, 0.347, 0.313],
            "Forecast accuracy": [0.727, 0.798, 0.81, 0.739],
            "Slippage rate": [0.28, 0.293, 0.279, 0.235],
        },
    )
    assert texts_on_series(fig) == []
    assert overlapping_texts(fig) == []
    labels = {t.get_text(): t for t in fig.axes[0].texts}
    # the slippage labels went below their points, the win-rate labels stayed above
    assert labels["28%"].xyann[1] < 0 and labels["35%"].xyann[1] > 0
