"""Charts of an evaluation as matplotlib Figures (never pyplot: the GUI and reports embed them)."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from workbench.evaluation.matrix import Results
from workbench.evaluation.sensitivity import MonteCarloResult

PALETTE = (
    "#1F4E79",
    "#2E75B6",
    "#9DC3E6",
    "#C55A11",
    "#F4B183",
    "#548235",
    "#A9D18E",
    "#7F6000",
    "#FFD966",
    "#7030A0",
)


def totals_figure(results: Results, *, width_in: float = 7.5, height_in: float = 4.5) -> Figure:
    """Weighted totals per vendor (best first), stacked by each criterion's contribution."""
    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    vendors = results.vendors
    # long vendor names ("Salesforce Einstein") must not run into each other: wrap a few,
    # slant many
    crowded = len(vendors) > 4
    names = [textwrap.fill(v.name, 10 if crowded else 12) for v in vendors]
    criteria = list(vendors[0].contributions) if vendors else []
    bottoms = [0.0] * len(vendors)
    for k, criterion in enumerate(criteria):
        values = [v.contributions[criterion] for v in vendors]
        ax.bar(
            names,
            values,
            bottom=bottoms,
            label=criterion,
            color=PALETTE[k % len(PALETTE)],
            edgecolor="white",
            linewidth=0.5,
        )
        bottoms = [b + x for b, x in zip(bottoms, values, strict=True)]
    for x, v in enumerate(vendors):
        label = f"{v.total:.2f}" + (f"\n#{v.rank}" if v.rank else "")
        ax.text(
            x,
            v.total + 0.05,
            label,
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold" if v.rank == 1 else "normal",
        )
    ax.set_ylim(0, 5.6)
    ax.set_ylabel("Weighted score (1-5)")
    title = "Weighted totals by criterion"
    if not results.weight_check.ok:
        title += " (weights do not sum to 100%: not ranked)"
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="x", labelsize=8 if crowded else 9)
    ax.spines[["top", "right"]].set_visible(False)
    if criteria:
        # below the plot, so the bars keep the full width of the figure
        fig.legend(
            *ax.get_legend_handles_labels(),
            loc="outside lower center",
            fontsize=7,
            ncol=min(2, len(criteria)),
            frameon=False,
        )
    return fig


def win_probability_figure(
    mc: MonteCarloResult, *, width_in: float = 6.0, height_in: float = 3.2
) -> Figure:
    """Each vendor's probability of ranking first under perturbed weights (horizontal bars)."""
    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    items = sorted(mc.win_probability.items(), key=lambda kv: kv[1])
    names = [n for n, _ in items]
    values = [p * 100 for _, p in items]
    colors = [PALETTE[0] if n == mc.leader else PALETTE[2] for n in names]
    ax.barh(names, values, color=colors)
    for y, value in enumerate(values):
        ax.text(min(value + 1, 92), y, f"{value:.1f}%", va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Probability of ranking first (%)")
    ax.set_title(
        f"Winner under weight uncertainty ({mc.draws:,} draws, seed {mc.seed})", fontsize=11
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig
