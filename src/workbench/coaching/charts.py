"""Coaching charts (matplotlib ``Figure``, never pyplot): reps against the benchmark."""

from __future__ import annotations

from matplotlib.figure import Figure

from workbench.coaching.metrics import TALK_RATIO_BAND


def rep_benchmark_figure(reps: list[dict], benchmark: dict) -> Figure | None:
    """Talk ratio and questions per hour per rep, the band and the top performers' median."""
    reps = [r for r in reps if r.get("talk_ratio") is not None]
    if not reps:
        return None
    reps = sorted(reps, key=lambda r: r["talk_ratio"])
    names = [r["rep_name"] or r["rep_crm_id"] for r in reps]
    height = max(3.0, 0.28 * len(reps) + 1.2)
    fig = Figure(figsize=(9.0, height), dpi=100, layout="constrained")
    left, right = fig.subplots(1, 2, sharey=True)
    low, high = TALK_RATIO_BAND
    colours = ["#2e7d32" if low <= r["talk_ratio"] <= high else "#c62828" for r in reps]
    left.barh(names, [r["talk_ratio"] * 100 for r in reps], color=colours)
    left.axvspan(low * 100, high * 100, color="#a5d6a7", alpha=0.35, label="40-60% band")
    left.set_xlabel("Talk ratio (%)")
    left.set_xlim(0, 100)
    left.legend(loc="lower right", fontsize=8)
    values = benchmark.get("values", {}) if benchmark else {}
    qph = [r.get("questions_per_hour") or 0 for r in reps]
    right.barh(names, qph, color=["#1565c0" if r.get("top_performer") else "#90a4ae" for r in reps])
    if values.get("questions_per_hour"):
        right.axvline(
            values["questions_per_hour"], color="#e65100", linestyle="--", label="Top performers"
        )
        right.legend(loc="lower right", fontsize=8)
    right.set_xlabel("Questions per hour")
    for ax in (left, right):
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle("Reps against the benchmark", fontsize=11)
    return fig
