"""One call that gives everything about an evaluation: the API for reports, CLI and GUI.

``summarise(matrix)`` returns the results (totals, ranking, margin, consensus,
disagreements), the exact sensitivity, the Monte Carlo win probabilities, the TCO
table and a plain-language recommendation; ``summary_dict`` is the ``--json`` shape.
Sensitivity and Monte Carlo are None while the weights do not sum to 100%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.evaluation.matrix import Results, compute_results
from workbench.evaluation.model import Matrix
from workbench.evaluation.sensitivity import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    CriterionSensitivity,
    MonteCarloResult,
    monte_carlo,
    sensitivity,
)
from workbench.evaluation.tco import TcoResult
from workbench.models.vocabulary import count


@dataclass
class EvaluationSummary:
    """An evaluation's inputs and every result derived from them."""

    matrix: Matrix
    results: Results
    sensitivity: list[CriterionSensitivity] | None
    monte_carlo: MonteCarloResult | None
    tco: list[TcoResult]
    recommendation: str

    @property
    def weights_ok(self) -> bool:
        return self.results.weight_check.ok

    def most_sensitive(self) -> CriterionSensitivity | None:
        """The criterion whose smallest weight move flips first place, if any does."""
        movable = [s for s in self.sensitivity or [] if s.smallest_change_pts is not None]
        return min(movable, key=lambda s: s.smallest_change_pts or 0.0) if movable else None


def summarise(
    matrix: Matrix,
    *,
    draws: int = DEFAULT_DRAWS,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int = DEFAULT_SEED,
) -> EvaluationSummary:
    """Compute results, sensitivity, Monte Carlo and TCO for one evaluation."""
    results = compute_results(matrix)
    sens = mc = None
    scored = any(cell.score is not None for cell in results.consensus)
    if results.weight_check.ok and scored:
        sens = sensitivity(matrix)
        mc = monte_carlo(matrix, draws=draws, concentration=concentration, seed=seed)
    summary = EvaluationSummary(matrix, results, sens, mc, results.tco, "")
    summary.recommendation = recommendation(summary)
    return summary


def recommendation(summary: EvaluationSummary) -> str:
    """A short rationale in the consultant's words, built only from the computed numbers."""
    r = summary.results
    if not r.weight_check.ok:
        return r.weight_check.message
    if not r.winner:
        return "Add vendors and criteria to rank the platforms."
    if not any(cell.score is not None for cell in r.consensus):
        return (
            "No scores yet: each evaluator scores every vendor 1-5 on every criterion "
            "(with evidence), then the ranking appears here."
        )
    top = r.vendors[0]
    tied = [v.name for v in r.vendors if v.rank == 1]
    if len(tied) > 1:
        parts = [f"{' and '.join(tied)} are tied for first place at {top.total:.2f} of 5"]
    else:
        parts = [f"{r.winner} leads with {top.total:.2f} of 5 ({top.total_pct:.1f}%)"]
        if r.runner_up and r.margin is not None:
            parts[0] += f", {r.margin:.2f} points ahead of {r.runner_up}"
    best = sorted(top.contributions.items(), key=lambda kv: kv[1], reverse=True)[:2]
    if best:
        parts.append("its strongest contributions come from " + " and ".join(n for n, _ in best))
    weak = summary.most_sensitive()
    if weak is not None:
        move = weak.smallest_change_pts or 0.0
        direction = (
            "rise" if weak.up_change_pts is not None and abs(weak.up_change_pts) == move else "fall"
        )
        flips_to = weak.up_new_leader if direction == "rise" else weak.down_new_leader
        parts.append(
            f"first place changes only if the weight of {weak.criterion} were to "
            f"{direction} by {move:.1f} points (to {flips_to})"
        )
    else:
        parts.append("no single weight change moves first place")
    if summary.monte_carlo is not None:
        parts.append(
            f"with weights perturbed at random, {r.winner} stays first in "
            f"{summary.monte_carlo.leader_holds * 100:.0f}% of "
            f"{summary.monte_carlo.draws:,} draws"
        )
    text = "; ".join(parts) + "."
    if not r.complete:
        missing = sum(len(v.missing) for v in r.vendors)
        text += (
            f" {count(missing, 'score')} {'is' if missing == 1 else 'are'} still missing and "
            "count as 0."
        )
    if r.disagreements:
        text += (
            f" Evaluators disagree by 2 points or more on {count(len(r.disagreements), 'score')}; "
            "the evidence behind each is recorded in the evaluation workbook."
        )
    return text


def summary_dict(summary: EvaluationSummary) -> dict[str, Any]:
    """The machine-readable shape printed by ``workbench evaluate --json``."""
    m, r = summary.matrix, summary.results
    by_name = {v.name: v for v in r.vendors}
    tco_by = {t.vendor: t for t in summary.tco}
    return {
        "evaluation": {
            "id": m.id,
            "name": m.name,
            "template": m.template,
            "selected_vendor": m.selected_vendor,
            "decision_note": m.decision_note,
        },
        "weights_ok": r.weight_check.ok,
        "weights_sum": r.weight_check.total_pct,
        "weights_message": r.weight_check.message,
        "criteria": [
            {
                "name": c.name,
                "weight": c.weight,
                "description": c.description,
                "derived_from": c.derived_from,
                "subcriteria": [s.name for s in c.subcriteria],
            }
            for c in m.criteria
        ],
        "vendors": [
            {
                "name": v.name,
                "platform_option": v.platform_option,
                "total": by_name[v.name].total,
                "total_pct": by_name[v.name].total_pct,
                "rank": by_name[v.name].rank if r.weight_check.ok else None,
                "selected": v.name == m.selected_vendor,
                "missing": by_name[v.name].missing,
                "contributions": by_name[v.name].contributions,
                "tco": tco_by[v.name].total if tco_by[v.name].has_costs else None,
            }
            for v in m.vendors
        ],
        "winner": r.winner,
        "runner_up": r.runner_up,
        "margin": r.margin,
        "margin_pct": r.margin_pct,
        "complete": r.complete,
        "evaluators": [{"name": e.name, "role": e.role} for e in m.evaluators],
        "consensus": [
            {
                "vendor": c.vendor,
                "criterion": c.criterion,
                "score": c.score,
                "source": c.source,
                "by_evaluator": c.by_evaluator,
                "spread": c.spread,
                "disagreement": c.disagreement,
            }
            for c in r.consensus
        ],
        "disagreements": [
            {
                "vendor": c.vendor,
                "criterion": c.criterion,
                "by_evaluator": c.by_evaluator,
                "spread": c.spread,
            }
            for c in r.disagreements
        ],
        "sensitivity": summary.sensitivity or [],
        "monte_carlo": summary.monte_carlo,
        "tco": summary.tco,
        "tco_years": m.tco_years,
        "pricing_rule": {"step_pct": m.pricing_step_pct, "from_tco": m.pricing_from_tco},
        "scale": m.scale,
        "recommendation": summary.recommendation,
    }
