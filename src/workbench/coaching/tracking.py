"""Keyword trackers of a conversation-intelligence engagement: library, hits, accuracy review.

The defaults are the playbook's categories (competitors from the intake, pricing
objections, next steps, churn signals, feature requests, legal and escalation, the
engagement's methodology terms), each with phrases, variants (other wordings that
count as the same thing), exclusions (a sentence holding one is never a hit: "no
budget issues" is not an objection) and who is alerted. The consultant edits them;
more than ``MAX_ACTIVE`` active trackers is warned about (the playbook's 10-15).

A hit is one sentence of one utterance matching a tracker's phrase or variant, on
the tracker's side of the call (anyone, the rep's or the customer's). The review
takes a sample of each tracker's hits, each marked relevant or noise; the share of
noise is the false-positive rate, a red flag above ``FALSE_POSITIVE_FLAG``.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass, field

from workbench.coaching.questions import sentences

MAX_ACTIVE = 15
FALSE_POSITIVE_FLAG = 0.30
REVIEW_SAMPLE = 10
SIDES = ("any", "rep", "customer")


@dataclass
class TrackerSpec:
    key: str
    label: str
    category: str
    phrases: list[str]
    variants: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    side: str = "any"
    alert_to: list[str] = field(default_factory=list)
    is_active: bool = True

    def pattern(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.phrases + self.variants)

    def exclusion_pattern(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.exclusions)


def phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """Any of ``phrases`` as whole words, case and spacing ignored (None for no phrase)."""
    words = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


METHODOLOGY_TERMS = {
    "MEDDIC": [
        "metrics",
        "economic buyer",
        "decision criteria",
        "decision process",
        "identify pain",
        "champion",
    ],
    "BANT": ["budget", "authority", "decision maker", "timeline", "need"],
    "SPICED": ["situation", "pain", "impact", "critical event", "decision"],
}


def default_trackers(methodology: str, competitors: list[str]) -> list[TrackerSpec]:
    """The playbook's tracker categories for this engagement."""
    terms = METHODOLOGY_TERMS.get(
        methodology.upper(), ["decision maker", "economic buyer", "timeline", "metrics"]
    )
    return [
        TrackerSpec(
            "competitors",
            "Competitor mentions",
            "Competitors",
            [*competitors, "other vendors", "another vendor", "evaluating"],
            ["other vendor", "other solutions", "shortlist", "bake-off"],
            ["evaluating the pilot results"],
            "any",
            ["Sales manager"],
        ),
        TrackerSpec(
            "pricing_objections",
            "Pricing objections",
            "Pricing objections",
            ["too expensive", "over budget", "need a discount", "pricing"],
            [
                "need discount",
                "discount",
                "cheaper",
                "can't afford",
                "out of budget",
                "price is too high",
                "above what we budgeted",
                "budget is frozen",
                "budget freeze",
                "frozen until",
                "anything on the price",
                "lower price",
            ],
            ["no pricing concerns", "pricing is fine", "pricing page"],
            "customer",
            ["Sales manager"],
        ),
        TrackerSpec(
            "next_steps",
            "Next steps",
            "Next steps",
            ["next steps", "follow up", "action items", "schedule"],
            ["next step", "follow-up", "action item", "calendar invite"],
            [],
            "any",
            ["Rep (self)"],
        ),
        TrackerSpec(
            "churn_signals",
            "Churn signals",
            "Churn signals",
            ["cancel", "not renewing", "looking at alternatives", "frustrated"],
            ["cancellation", "won't renew", "switching to", "churn"],
            ["cancel the meeting", "cancel that meeting"],
            "customer",
            ["CS manager"],
        ),
        TrackerSpec(
            "feature_requests",
            "Feature requests",
            "Feature requests",
            ["wish it could", "feature request", "roadmap", "missing"],
            ["would be great if", "is there a way to", "integration with"],
            [],
            "customer",
            ["Product"],
        ),
        TrackerSpec(
            "legal_escalation",
            "Legal and escalation",
            "Legal/escalation",
            ["legal", "escalate", "contract issue", "compliance"],
            ["escalation", "our lawyers", "breach"],
            ["legal entity name"],
            "any",
            ["Sales manager"],
        ),
        TrackerSpec(
            "methodology",
            f"{methodology.upper() if methodology else 'Methodology'} terms",
            "Methodology",
            terms,
            [],
            [],
            "any",
            ["Sales manager"],
        ),
    ]


# ------------------------------------------------------------------ storage
def _row_to_spec(row: tuple) -> TrackerSpec:
    key, label, category, phrases, variants, exclusions, side, alert_to, active = row
    return TrackerSpec(
        key,
        label,
        category,
        json.loads(phrases),
        json.loads(variants),
        json.loads(exclusions),
        side,
        json.loads(alert_to),
        bool(active),
    )


def load_trackers(conn: sqlite3.Connection) -> list[TrackerSpec]:
    return [
        _row_to_spec(r)
        for r in conn.execute(
            "SELECT key, label, category, phrases, variants, exclusions, side, alert_to, is_active "
            "FROM trackers ORDER BY position, key"
        )
    ]


def save_tracker(
    conn: sqlite3.Connection, spec: TrackerSpec, now: str, position: int | None = None
) -> None:
    if position is None:
        row = conn.execute("SELECT position FROM trackers WHERE key = ?", (spec.key,)).fetchone()
        position = (
            row[0]
            if row
            else int(
                conn.execute("SELECT coalesce(max(position), 0) + 1 FROM trackers").fetchone()[0]
            )
        )
    conn.execute(
        "INSERT INTO trackers (key, label, category, phrases, variants, exclusions, side, alert_to, "
        "is_active, position, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET label = excluded.label, category = excluded.category, "
        "phrases = excluded.phrases, variants = excluded.variants, exclusions = excluded.exclusions, "
        "side = excluded.side, alert_to = excluded.alert_to, is_active = excluded.is_active, "
        "updated_at = excluded.updated_at",
        (
            spec.key,
            spec.label,
            spec.category,
            json.dumps(spec.phrases),
            json.dumps(spec.variants),
            json.dumps(spec.exclusions),
            spec.side,
            json.dumps(spec.alert_to),
            int(spec.is_active),
            position,
            now,
        ),
    )


# ------------------------------------------------------------------ matching
def find_hits(spec: TrackerSpec, text: str) -> list[str]:
    """The phrases of ``spec`` found in ``text``, one per matching sentence (exclusions applied)."""
    pattern = spec.pattern()
    if pattern is None:
        return []
    exclusion = spec.exclusion_pattern()
    found = []
    for sentence in sentences(text):
        m = pattern.search(sentence)
        if m and not (exclusion and exclusion.search(sentence)):
            found.append(" ".join(m.group(0).lower().split()))
    return found


_WORDISH = re.compile(r"[\w-]+")


def _first_words(spec: TrackerSpec) -> set[str] | None:
    """The first word (a run of letters, digits, _ and -) of each phrase and variant.

    ``phrase_pattern`` matches a phrase only where neither a letter, digit, _ nor - is
    right before or after it, so a hit's first word is a whole run of the lowered text
    (``_WORDISH``): a text without any of these words cannot hold a hit. None when a
    phrase starts with another character (then the tracker is always searched).
    """
    firsts = set()
    for phrase in spec.phrases + spec.variants:
        phrase = phrase.strip().lower()
        if not phrase:
            continue
        m = _WORDISH.match(phrase)
        if m is None:
            return None
        firsts.add(m.group(0))
    return firsts


def compute_hits(
    conn: sqlite3.Connection, specs: list[TrackerSpec]
) -> list[tuple[str, str, int, str]]:
    """(tracker, call, utterance index, phrase) for every hit of the active trackers."""
    active = [s for s in specs if s.is_active and s.pattern() is not None]
    if not active:
        return []
    patterns = [(s, s.pattern(), s.exclusion_pattern(), _first_words(s)) for s in active]
    rows = conn.execute(
        "SELECT t.meeting_crm_id, t.turn_index, t.is_internal, t.text FROM transcript_turns t "
        "JOIN transcripts x ON x.meeting_crm_id = t.meeting_crm_id"
    )
    every_first = set().union(*(p[3] for p in patterns if p[3] is not None))
    always = any(p[3] is None for p in patterns)
    hits = set()
    for meeting, index, internal, text in rows:
        lowered = text.lower()
        words = every_first.intersection(_WORDISH.findall(lowered))
        if not words and not always:  # no tracker's first word: most utterances
            continue
        split = None  # the sentences, found once for all the trackers
        for spec, pattern, exclusion, firsts in patterns:
            if spec.side == "rep" and internal != 1:
                continue
            if spec.side == "customer" and internal == 1:
                continue
            # A phrase can only match where its first word stands alone: most
            # utterances hold none of a tracker's first words, and no search is run.
            if firsts is not None and firsts.isdisjoint(words):
                continue
            if not pattern.search(lowered):
                continue
            if split is None:
                split = sentences(text)
            for sentence in split:
                m = pattern.search(sentence)
                if m and not (exclusion and exclusion.search(sentence)):
                    hits.add((spec.key, meeting, index, " ".join(m.group(0).lower().split())))
    return sorted(hits)


def review_sample(
    conn: sqlite3.Connection, key: str, size: int = REVIEW_SAMPLE, seed: int = 14
) -> list[tuple[str, int, str, str, str]]:
    """Up to ``size`` unreviewed hits of a tracker: (call, index, phrase, speaker, text)."""
    rows = conn.execute(
        "SELECT h.meeting_crm_id, h.turn_index, h.phrase, t.speaker, t.text FROM tracker_hits h "
        "JOIN transcript_turns t ON t.meeting_crm_id = h.meeting_crm_id AND t.turn_index = h.turn_index "
        "LEFT JOIN tracker_reviews r ON r.tracker_key = h.tracker_key AND "
        "r.meeting_crm_id = h.meeting_crm_id AND r.turn_index = h.turn_index AND r.phrase = h.phrase "
        "WHERE h.tracker_key = ? AND r.verdict IS NULL ORDER BY h.meeting_crm_id, h.turn_index, h.phrase",
        (key,),
    ).fetchall()
    if len(rows) <= size:
        return rows
    picked = sorted(random.Random(f"{seed}:{key}").sample(range(len(rows)), size))
    return [rows[i] for i in picked]


def accuracy(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """tracker -> (reviewed hits, noise)."""
    return {
        key: (n, noise)
        for key, n, noise in conn.execute(
            "SELECT tracker_key, count(*), sum(verdict = 'noise') FROM tracker_reviews GROUP BY tracker_key"
        )
    }
