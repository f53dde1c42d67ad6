"""Coaching scorecards: rubrics per methodology, managers' scores per call, calibration.

A rubric is a list of criteria with weights on a scale (1-5 by default). A manager
scores a call on every criterion (or some: a criterion not scored is left out of
that call's total and its weight is spread over the others). The call's score is
the weighted mean, as a share of the scale: (score - min) / (max - min).

Per rep: the mean call score and the mean per criterion over the calls scored.
Calibration: on a call scored by two or more managers, the spread is the highest
manager's total minus the lowest (in points of the share); the playbook's
quarterly scorecard calibration looks at calls whose spread is over
``CALIBRATION_SPREAD`` (managers disagree by more than one point on a 1-5 scale).
"""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass, field

CALIBRATION_SPREAD = 0.25

_DISCOVERY = (
    "discovery",
    "Discovery questions",
    1.0,
    "Open questions about the buyer's situation before pitching.",
)
_NEXT = ("next_steps", "Next steps agreed", 1.0, "A dated next step both sides committed to.")

TEMPLATES: dict[str, list[tuple[str, str, float, str]]] = {
    "MEDDIC": [
        ("metrics", "Metrics", 2.0, "The buyer's quantified gain, in their numbers."),
        ("economic_buyer", "Economic buyer", 2.0, "Who signs, and whether the rep has access."),
        ("decision_criteria", "Decision criteria", 1.5, "How the buyer will compare options."),
        ("decision_process", "Decision process", 1.5, "Steps, people and dates to a signature."),
        ("identify_pain", "Identify pain", 2.0, "The problem that makes change urgent."),
        ("champion", "Champion", 1.0, "Someone inside who sells for us."),
        _NEXT,
    ],
    "BANT": [
        ("budget", "Budget", 1.0, "Money is set aside or can be."),
        ("authority", "Authority", 1.0, "The decision maker is known and engaged."),
        ("need", "Need", 1.5, "The need is stated in the buyer's words."),
        ("timeline", "Timeline", 1.0, "A date the buyer has reasons to meet."),
        _NEXT,
    ],
    "SPICED": [
        ("situation", "Situation", 1.0, "Facts about the customer's current state."),
        ("pain", "Pain", 1.5, "The problem and who feels it."),
        ("impact", "Impact", 1.5, "What solving it is worth."),
        ("critical_event", "Critical event", 1.0, "The date that forces a decision."),
        ("decision", "Decision", 1.0, "How and by whom the decision is made."),
        _NEXT,
    ],
    "CUSTOM": [_DISCOVERY, _NEXT],
}


@dataclass
class Criterion:
    key: str
    label: str
    weight: float
    guidance: str = ""


@dataclass
class Rubric:
    id: int
    name: str
    methodology: str
    scale_min: int
    scale_max: int
    criteria: list[Criterion]


@dataclass
class CallScore:
    call: str
    manager: str
    score: float  # share of the scale, 0..1
    criteria: dict[str, float]


@dataclass
class RepScorecard:
    rep: str
    calls: int
    mean: float | None
    by_criterion: dict[str, float] = field(default_factory=dict)
    weakest: str | None = None


@dataclass
class Calibration:
    call: str
    managers: dict[str, float]
    spread: float
    flagged: bool


def load_rubric(conn: sqlite3.Connection, name: str) -> Rubric | None:
    row = conn.execute(
        "SELECT id, name, methodology, scale_min, scale_max FROM scorecard_rubrics WHERE name = ?",
        (name,),
    ).fetchone()
    if row is None:
        return None
    criteria = [
        Criterion(*r)
        for r in conn.execute(
            "SELECT key, label, weight, guidance FROM scorecard_criteria WHERE rubric_id = ? ORDER BY position",
            (row[0],),
        )
    ]
    return Rubric(*row, criteria)


def call_scores(conn: sqlite3.Connection, rubric: Rubric) -> list[CallScore]:
    weights = {c.key: c.weight for c in rubric.criteria}
    width = rubric.scale_max - rubric.scale_min
    grouped: dict[tuple[str, str], dict[str, float]] = {}
    for call, manager, key, score in conn.execute(
        "SELECT meeting_crm_id, manager, criterion_key, score FROM call_scores WHERE rubric_id = ? "
        "ORDER BY meeting_crm_id, manager",
        (rubric.id,),
    ):
        if key in weights:
            grouped.setdefault((call, manager), {})[key] = score
    out = []
    for (call, manager), scores in grouped.items():
        total = sum(weights[k] for k in scores)
        mean = sum(weights[k] * v for k, v in scores.items()) / total
        out.append(CallScore(call, manager, round((mean - rubric.scale_min) / width, 4), scores))
    return out


def rep_summaries(
    scores: list[CallScore], call_rep: dict[str, str], rubric: Rubric
) -> list[RepScorecard]:
    by_rep: dict[str, list[CallScore]] = {}
    for s in scores:
        by_rep.setdefault(call_rep.get(s.call) or "no rep identified", []).append(s)
    labels = {c.key: c.label for c in rubric.criteria}
    out = []
    for rep, items in sorted(by_rep.items()):
        per: dict[str, list[float]] = {}
        for s in items:
            for k, v in s.criteria.items():
                per.setdefault(k, []).append(v)
        means = {labels[k]: round(statistics.fmean(v), 2) for k, v in per.items()}
        weakest = min(means, key=lambda k: (means[k], k)) if means else None
        out.append(
            RepScorecard(
                rep,
                len({s.call for s in items}),
                round(statistics.fmean(s.score for s in items), 4),
                means,
                weakest,
            )
        )
    return out


def calibration(scores: list[CallScore]) -> list[Calibration]:
    by_call: dict[str, dict[str, float]] = {}
    for s in scores:
        by_call.setdefault(s.call, {})[s.manager] = s.score
    out = []
    for call, managers in sorted(by_call.items()):
        if len(managers) >= 2:
            spread = round(max(managers.values()) - min(managers.values()), 4)
            out.append(Calibration(call, managers, spread, spread > CALIBRATION_SPREAD))
    return out
