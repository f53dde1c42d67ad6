"""Keyword trackers over transcript turns: the deal-risk conversation signals.

A tracker is a named list of phrases (the seeds' tracker categories: competitors,
pricing objections, timeline shifts, stakeholder departure). Matching is on whole
words, case-insensitive, after the transcript noise tokens (``{vocalsound}``...) are
removed. The seeds advise 10-15 high-value trackers rather than dozens, so the
defaults stay short; a consultant adds the customer's competitor names through the
``coaching.competitors`` setting (a JSON list of names) and the intake's competitors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from workbench.models import Engagement


@dataclass(frozen=True)
class Tracker:
    """A named phrase list; ``external_only`` counts only what the customer said."""

    key: str
    label: str
    phrases: tuple[str, ...]
    external_only: bool = False

    def pattern(self) -> re.Pattern[str]:
        words = sorted({p.lower() for p in self.phrases}, key=len, reverse=True)
        alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


DEFAULT_TRACKERS: tuple[Tracker, ...] = (
    Tracker(
        "competitor",
        "Competitor mentions",
        (
            "competitor",
            "competitors",
            "other vendors",
            "another vendor",
            "other vendor",
            "evaluating",
            "alternatives",
            "alternative",
            "shortlist",
            "bake-off",
            "comparing you",
            "compared to",
        ),
    ),
    Tracker(
        "pricing_objection",
        "Budget or pricing objections",
        (
            "too expensive",
            "over budget",
            "out of budget",
            "no budget",
            "budget cut",
            "budget freeze",
            "need a discount",
            "need discount",
            "discount",
            "price is too",
            "cheaper",
            "can't afford",
            "cannot afford",
            "too much money",
        ),
        external_only=True,
    ),
    Tracker(
        "timeline_shift",
        "Timeline shifts",
        (
            "next quarter",
            "next year",
            "push it",
            "push this",
            "pushed",
            "postpone",
            "postponed",
            "delay",
            "delayed",
            "on hold",
            "not a priority",
            "revisit",
            "later this year",
            "timeline has changed",
            "not this quarter",
        ),
        external_only=True,
    ),
    Tracker(
        "stakeholder_departure",
        "Stakeholder departure",
        (
            "left the company",
            "no longer with",
            "leaving the company",
            "has resigned",
            "new role",
            "reorg",
            "reorganization",
            "replaced by",
            "stepped down",
        ),
    ),
)

_NOISE = re.compile(r"\{[a-z_]+\}")


def trackers_for(eng: Engagement) -> tuple[Tracker, ...]:
    """The default trackers, the competitor one extended by the customer's competitor names."""
    from workbench.lifecycle import intake_value

    names = list(eng.setting("coaching.competitors", []) or [])
    # The competitors the customer named at intake count too.
    intake = intake_value(eng, "competitors", []) or []
    names += [n for n in (intake if isinstance(intake, list) else [intake]) if n not in names]
    result = []
    for tracker in DEFAULT_TRACKERS:
        if tracker.key == "competitor" and names:
            tracker = Tracker(
                tracker.key,
                tracker.label,
                tracker.phrases + tuple(str(n) for n in names if str(n).strip()),
                tracker.external_only,
            )
        result.append(tracker)
    return tuple(result)


def count_hits(turns: pd.DataFrame, trackers: tuple[Tracker, ...]) -> pd.DataFrame:
    """Per turn, how many phrases of each tracker it contains.

    ``turns`` has columns ``text`` and ``is_internal`` (1 for the seller's side,
    0 the customer's, NULL unknown: counted as the customer's side so nothing is
    missed). Returns a frame indexed like ``turns`` with one integer column per
    tracker key.
    """
    text = turns["text"].fillna("").astype(str).str.replace(_NOISE, " ", regex=True)
    external = turns["is_internal"].fillna(0).astype(float) == 0
    out = pd.DataFrame(index=turns.index)
    for tracker in trackers:
        hits = text.str.count(tracker.pattern()).astype("int64")
        if tracker.external_only:
            hits = hits.where(external, 0)
        out[tracker.key] = hits
    return out
