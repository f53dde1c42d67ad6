"""Rule sets: signals with thresholds and points that add up to a 0-100 risk score.

A rule fires when its signal's value passes its threshold (``days_since_activity >
14``). The score is the share of the available points that fired, times 100: a
signal that is not available for a deal (no transcripts, no MEDDIC field) counts
neither for nor against it. The band is low below ``low_max``, high from
``high_min`` up, medium between. Rule sets are versioned: saving an edit writes the
next version with its author, day and rationale; old versions stay as they were, so
a recalibration can compare what a version said with what happened.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.scoring.signals import SIGNALS

OPERATORS = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
}
BANDS = ("low", "medium", "high")


@dataclass
class Rule:
    """One signal test and the risk points it adds when it fires."""

    signal: str
    operator: str
    threshold: float
    points: float
    enabled: bool = True
    note: str = ""

    def describe(self) -> str:
        sig = SIGNALS.get(self.signal)
        label = sig.label if sig else self.signal
        unit = f" {sig.unit}" if sig and sig.unit not in ("yes/no",) else ""
        if sig and sig.unit == "yes/no":
            return label
        return f"{label} {self.operator} {self.threshold:g}{unit}"

    def fires(self, values: pd.Series) -> pd.Series:
        """1.0 where the rule fires, 0.0 where not, NaN where the signal is unavailable."""
        hit = OPERATORS[self.operator](values, self.threshold).astype("float64")
        return hit.where(values.notna())


@dataclass
class RuleSet:
    """A version of the deal risk rules with its provenance."""

    rules: list[Rule]
    low_max: float = 30.0
    high_min: float = 60.0
    version: int | None = None
    name: str = "Deal risk rules"
    author: str = ""
    created_at: str = ""
    effective_from: str = ""
    rationale: str = ""
    source: str = "manual"
    calibration_run_id: int | None = None
    prob_intercept: float | None = None  # P(lost or slipped) = sigmoid(a + b * score)
    prob_slope: float | None = None

    def rule(self, signal: str) -> Rule | None:
        return next((r for r in self.rules if r.signal == signal), None)

    def active(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled and r.points > 0]

    def band(self, score: float) -> str:
        if score < self.low_max:
            return "low"
        return "high" if score >= self.high_min else "medium"

    def bands(self, scores: pd.Series) -> pd.Series:
        return pd.Series(
            np.where(
                scores < self.low_max, "low", np.where(scores >= self.high_min, "high", "medium")
            ),
            index=scores.index,
        )

    def probability(self, scores: pd.Series) -> pd.Series | None:
        """Calibrated probability of lost-or-slipped for scores, when a mapping exists."""
        if self.prob_intercept is None or self.prob_slope is None:
            return None
        z = self.prob_intercept + self.prob_slope * scores.astype("float64")
        return 1.0 / (1.0 + np.exp(-z))

    def validate(self) -> None:
        """Raise ``WorkbenchError`` naming the first rule or threshold that cannot work."""
        seen = set()
        for r in self.rules:
            if r.signal not in SIGNALS:
                raise WorkbenchError(
                    f"Rule on {r.signal!r}: there is no such signal. Known signals: "
                    + ", ".join(SIGNALS)
                    + "."
                )
            if r.signal in seen:
                raise WorkbenchError(f"Signal {r.signal!r} has two rules; keep one.")
            seen.add(r.signal)
            if r.operator not in OPERATORS:
                raise WorkbenchError(
                    f"Rule on {r.signal!r}: operator {r.operator!r} is not one of "
                    + ", ".join(OPERATORS)
                    + "."
                )
            if not math.isfinite(r.threshold) or not math.isfinite(r.points) or r.points < 0:
                raise WorkbenchError(
                    f"Rule on {r.signal!r}: threshold and points must be numbers, points 0 or more."
                )
        if not 0 <= self.low_max < self.high_min <= 100:
            raise WorkbenchError(
                f"Band thresholds {self.low_max:g} / {self.high_min:g} do not work: the low band "
                "must end below where the high band starts, both within 0-100."
            )
        if not self.active():
            raise WorkbenchError(
                "The rule set has no enabled rule with points; nothing would score."
            )


@dataclass
class ScoredDeals:
    """Scores of many deals: score, band, and each rule's contribution in points."""

    scores: pd.Series
    bands: pd.Series
    contributions: pd.DataFrame  # opp x signal: points contributed (0 if not fired)
    available_points: pd.Series


def apply_rules(rule_set: RuleSet, values: pd.DataFrame) -> ScoredDeals:
    """Score every deal in ``values`` (signal columns) with ``rule_set``.

    A deal's score is 100 x (points of fired rules) / (points of rules whose signal is
    available for it); each fired rule contributes its points scaled the same way,
    so the contributions of a deal add up to its score exactly.
    """
    active = rule_set.active()
    fired = pd.DataFrame(index=values.index)
    avail_points = pd.Series(0.0, index=values.index)
    for r in active:
        col = values[r.signal] if r.signal in values else pd.Series(np.nan, index=values.index)
        hit = r.fires(col)
        fired[r.signal] = hit.fillna(0.0) * r.points
        avail_points += hit.notna().astype("float64") * r.points
    scale = (100.0 / avail_points).where(avail_points > 0, 0.0)
    contributions = fired.mul(scale, axis=0)
    scores = contributions.sum(axis=1) if len(active) else pd.Series(0.0, index=values.index)
    return ScoredDeals(scores, rule_set.bands(scores), contributions, avail_points)


def default_rule_set() -> RuleSet:
    """The hand-set starting rules, taken from the seeds' deal-scoring component.

    CRM activity patterns carry most points (stalled deals, missing next steps, no
    recent engagement), then multi-threading (3+ engaged contacts), methodology
    gaps and the conversation signals (competitor mentions, stakeholder drop-off,
    timeline shifts, budget objections, ghosting after 5 days without an answer).
    The points add up to 100 so a deal with every signal firing scores 100.
    """
    rules = [
        Rule("days_since_activity", ">", 14, 12, note="stalled: no activity in two weeks"),
        Rule("stage_age_ratio", ">", 1.5, 8, note="50% longer in stage than won deals"),
        Rule("next_step_missing", "==", 1, 10, note="no next step recorded"),
        Rule("close_pushes", ">=", 2, 10, note="close date moved out twice or more"),
        Rule("push_days", ">", 30, 5, note="close date moved out by more than a month"),
        Rule("amount_cut_pct", ">=", 20, 8, note="amount cut by a fifth or more"),
        Rule("engaged_contacts", "<", 3, 10, note="not multi-threaded (fewer than 3)"),
        Rule("contact_roles", "<", 3, 3, note="fewer than 3 contacts with a role"),
        Rule("days_since_meeting", ">", 30, 5, note="no meeting in a month"),
        Rule("champion_missing", "==", 1, 5, note="MEDDIC champion not identified"),
        Rule("economic_buyer_missing", "==", 1, 5, note="MEDDIC economic buyer not identified"),
        Rule("competitor_mentions", ">=", 1, 4, note="a competitor came up"),
        Rule("pricing_objections", ">=", 1, 4, note="budget or pricing pushback"),
        Rule("timeline_shifts", ">=", 1, 3, note="customer talked about delay"),
        Rule("stakeholder_dropoff", "==", 1, 3, note="fewer customer people on calls"),
        Rule("ghosting_days", ">=", 5, 5, note="no response 5+ days"),
    ]
    return RuleSet(
        rules=rules,
        low_max=30.0,
        high_min=60.0,
        author="Workbench default",
        rationale=(
            "Hand-set starting point from the implementation playbook's deal-scoring "
            "component: CRM activity patterns (stalled deals, missing next steps, pushes, "
            "amount cuts) weigh most, then multi-threading (3 or more engaged contacts), "
            "methodology gaps (champion, economic buyer) and conversation risk signals "
            "(competitors, budget objections, timeline shifts, stakeholder drop-off, "
            "ghosting after 5 days). Not yet calibrated on this customer's won/lost history."
        ),
        source="default",
    )


# ------------------------------------------------------------------ persistence
_SET_COLUMNS = (
    "id, version, name, author, created_at, effective_from, rationale, low_max, high_min, "
    "source, calibration_run_id, prob_intercept, prob_slope"
)


def _row_to_rule_set(eng: Engagement, row: tuple) -> RuleSet:
    (
        set_id,
        version,
        name,
        author,
        created_at,
        effective_from,
        rationale,
        low_max,
        high_min,
        source,
        run_id,
        a,
        b,
    ) = row
    rules = [
        Rule(sig, op, float(th), float(pts), bool(en), note)
        for sig, op, th, pts, en, note in eng.conn.execute(
            "SELECT signal, operator, threshold, points, enabled, note FROM scoring_rules "
            "WHERE rule_set_id = ? ORDER BY position",
            (set_id,),
        )
    ]
    return RuleSet(
        rules,
        float(low_max),
        float(high_min),
        int(version),
        name,
        author,
        created_at,
        effective_from,
        rationale,
        source,
        run_id,
        a,
        b,
    )


def list_rule_sets(eng: Engagement) -> list[RuleSet]:
    """Every saved version, oldest first (empty when none was saved yet)."""
    rows = eng.conn.execute(f"SELECT {_SET_COLUMNS} FROM scoring_rule_sets ORDER BY version")
    return [_row_to_rule_set(eng, row) for row in rows.fetchall()]


def get_rule_set(eng: Engagement, version: int | None = None) -> RuleSet:
    """The version asked for, or the current (latest) one; the default when none is saved."""
    if version is None:
        row = eng.conn.execute(
            f"SELECT {_SET_COLUMNS} FROM scoring_rule_sets ORDER BY version DESC LIMIT 1"
        ).fetchone()
        return _row_to_rule_set(eng, row) if row else default_rule_set()
    row = eng.conn.execute(
        f"SELECT {_SET_COLUMNS} FROM scoring_rule_sets WHERE version = ?", (version,)
    ).fetchone()
    if row is None:
        known = [r.version for r in list_rule_sets(eng)]
        raise WorkbenchError(
            f"Rule set version {version} does not exist in {eng.path.name}; "
            f"saved versions: {', '.join(map(str, known)) or 'none yet'}."
        )
    return _row_to_rule_set(eng, row)


def ensure_rule_set(eng: Engagement) -> RuleSet:
    """The current version, saving the default as version 1 first if none exists."""
    current = get_rule_set(eng)
    if current.version is None and not eng.read_only:
        return save_rule_set(eng, current, author=current.author, rationale=current.rationale)
    return current


def save_rule_set(
    eng: Engagement,
    rule_set: RuleSet,
    *,
    author: str,
    rationale: str,
    effective_from: str | None = None,
) -> RuleSet:
    """Save ``rule_set`` as the next version by ``author`` with ``rationale``; return it."""
    if not author.strip():
        raise WorkbenchError("Say who set this rule version (--author NAME).")
    if not rationale.strip():
        raise WorkbenchError(
            "Write the rationale for this rule version in words (--rationale TEXT): why "
            "these weights and thresholds; the scoring rules document quotes it."
        )
    rule_set.validate()
    saved = replace(
        rule_set,
        rules=[replace(r) for r in rule_set.rules],
        author=author.strip(),
        rationale=rationale.strip(),
        created_at=now_iso(),
        effective_from=effective_from or eng.as_of().isoformat(),
    )
    with eng.atomic() as conn:
        last = conn.execute("SELECT max(version) FROM scoring_rule_sets").fetchone()[0]
        saved.version = int(last or 0) + 1
        cur = conn.execute(
            "INSERT INTO scoring_rule_sets (version, name, author, created_at, effective_from, "
            "rationale, low_max, high_min, source, calibration_run_id, prob_intercept, prob_slope) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                saved.version,
                saved.name,
                saved.author,
                saved.created_at,
                saved.effective_from,
                saved.rationale,
                saved.low_max,
                saved.high_min,
                saved.source,
                saved.calibration_run_id,
                saved.prob_intercept,
                saved.prob_slope,
            ),
        )
        conn.executemany(
            "INSERT INTO scoring_rules (rule_set_id, position, signal, operator, threshold, "
            "points, enabled, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    cur.lastrowid,
                    i,
                    r.signal,
                    r.operator,
                    r.threshold,
                    r.points,
                    int(r.enabled),
                    r.note,
                )
                for i, r in enumerate(saved.rules)
            ],
        )
        eng.touch()
    return saved


@dataclass
class RuleChange:
    """One difference between two versions, in words."""

    signal: str
    change: str


@dataclass
class VersionDiff:
    """What changed from one version to the next."""

    from_version: int | None
    to_version: int | None
    changes: list[RuleChange] = field(default_factory=list)


def diff_rule_sets(old: RuleSet, new: RuleSet) -> VersionDiff:
    """Rules added, removed, re-weighted or re-thresholded, and band changes."""
    out = VersionDiff(old.version, new.version)
    for r in new.rules:
        before = old.rule(r.signal)
        if before is None:
            out.changes.append(RuleChange(r.signal, f"added: {r.describe()}, {r.points:g} points"))
            continue
        parts = []
        if (before.operator, before.threshold) != (r.operator, r.threshold):
            parts.append(
                f"threshold {before.operator} {before.threshold:g} -> {r.operator} {r.threshold:g}"
            )
        if before.points != r.points:
            parts.append(f"points {before.points:g} -> {r.points:g}")
        if before.enabled != r.enabled:
            parts.append("enabled" if r.enabled else "disabled")
        if parts:
            out.changes.append(RuleChange(r.signal, "; ".join(parts)))
    for r in old.rules:
        if new.rule(r.signal) is None:
            out.changes.append(RuleChange(r.signal, "removed"))
    if (old.low_max, old.high_min) != (new.low_max, new.high_min):
        out.changes.append(
            RuleChange(
                "bands",
                f"low below {old.low_max:g} -> {new.low_max:g}; high from "
                f"{old.high_min:g} -> {new.high_min:g}",
            )
        )
    return out


def rule_set_to_json(rule_set: RuleSet) -> str:
    """The rule set as JSON text (for export and the GUI's editor)."""
    from dataclasses import asdict

    return json.dumps(asdict(rule_set), indent=2)
