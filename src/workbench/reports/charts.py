"""Charts the documents draw themselves (matplotlib Figures, never pyplot).

Used where a capability does not provide the chart: capture rate by channel with
the target line, and the four-quarter baseline trend.
"""

from __future__ import annotations

from matplotlib.figure import Figure

NAVY = "#1F3864"
ACCENT = "#2E75B6"
RED = "#C00000"
AMBER = "#C55A11"
GREY = "#7F7F7F"


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)


def capture_by_channel_figure(
    names: list[str], rates: list[float], totals: list[int], target: float, red_flag: float
) -> Figure:
    """Bars of capture rate per channel with the target and red-flag lines."""
    fig = Figure(figsize=(6.4, 3.0), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    colors = [NAVY if r >= target else (AMBER if r >= red_flag else RED) for r in rates]
    bars = ax.bar(names, [r * 100 for r in rates], color=colors, width=0.6)
    for bar, rate, n in zip(bars, rates, totals, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height() + 1.5,
            f"{rate * 100:.0f}%\n(n={n:,})",
            ha="center",
            va="bottom",
            fontsize=7.5,
        )
    ax.axhline(
        target * 100, color=NAVY, linestyle="--", linewidth=1, label=f"Target {target * 100:.0f}%"
    )
    ax.axhline(
        red_flag * 100,
        color=RED,
        linestyle=":",
        linewidth=1,
        label=f"Red flag below {red_flag * 100:.0f}%",
    )
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(0, 118)
    ax.set_ylabel("External conversations recorded (%)", fontsize=8)
    _style(ax)
    return fig


def baseline_trend_figure(quarters: list[str], series: dict[str, list[float | None]]) -> Figure:
    """Lines of percentage metrics (win rate, forecast accuracy, slippage) by quarter."""
    fig = Figure(figsize=(6.4, 2.9), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    palette = [NAVY, ACCENT, AMBER, GREY]
    for (label, values), color in zip(series.items(), palette, strict=False):
        xs = [q for q, v in zip(quarters, values, strict=True) if v is not None]
        ys = [v * 100 for v in values if v is not None]
        if ys:
            ax.plot(xs, ys, marker="o", color=color, linewidth=1.8, label=label)
            for x, y in zip(xs, ys, strict=True):
                ax.annotate(
                    f"{y:.0f}%",
                    (x, y),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=7,
                    color=color,
                )
    ax.set_ylim(0, 105)
    ax.set_ylabel("%", fontsize=8)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    _style(ax)
    return fig
