"""Coaching metrics over every imported call, per rep, against the top performers.

Per call the metrics of ``coaching.metrics`` for the call's rep: the seller-side
speaker on the roster with the most speaking time (else the seller-side speaker
with the most). Per rep, the calls pooled: talk ratio = all the rep's speaking
time over all speech; questions per hour and switches per minute over all call
time; the longest monologue averaged over the calls; patience averaged over all
replies.

The benchmark is the median of the top performers: the consultant's chosen reps,
or else the top quartile by win rate among reps with calls and at least
``MIN_CLOSED_DEALS`` closed deals. A rep is flagged when their talk ratio is
outside the 40-60% band, or a metric is worse than the benchmark by more than the
tolerance (25%): longer monologues, fewer questions, fewer switches, less patience.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

from workbench.coaching.metrics import TALK_RATIO_BAND, CallMetrics, Utterance, call_metrics
from workbench.progress import Progress

MIN_CLOSED_DEALS = 3
TOLERANCE = 0.25
# metric -> (direction that is worse, label)
REP_METRICS = {
    "talk_ratio": ("band", "talk ratio"),
    "longest_monologue_s": ("higher", "longest monologue"),
    "questions_per_hour": ("lower", "questions per hour"),
    "interactivity": ("lower", "interactivity"),
    "patience_s": ("lower", "patience"),
}


@dataclass
class CallResult:
    meeting_crm_id: str
    rep_crm_id: str | None
    rep_name: str | None
    started_at: str | None
    metrics: CallMetrics
    unknown_speakers: int


@dataclass
class RepResult:
    rep_crm_id: str
    rep_name: str
    calls: int
    hours: float
    talk_ratio: float | None
    longest_monologue_s: float | None
    questions_per_hour: float | None
    interactivity: float | None
    patience_s: float | None
    win_rate: float | None = None
    closed_deals: int = 0
    top_performer: bool = False
    flags: list[str] = field(default_factory=list)


@dataclass
class Benchmark:
    basis: str  # "top quartile by win rate", "chosen by the consultant", or why there is none
    reps: list[str]
    values: dict[str, float | None]
    tolerance: float = TOLERANCE
    talk_ratio_band: tuple[float, float] = TALK_RATIO_BAND


def call_reps(
    conn: sqlite3.Connection,
) -> dict[str, tuple[str | None, str | None, str | None, int]]:
    """meeting -> (rep label, rep user id, rep name, unknown speakers)."""
    names = dict(conn.execute("SELECT crm_id, name FROM users"))
    out: dict[str, tuple] = {}
    rows = conn.execute(
        "SELECT meeting_crm_id, label, role, user_crm_id, seconds FROM transcript_speakers "
        "ORDER BY meeting_crm_id"
    )
    for meeting, group in groupby(rows, key=lambda r: r[0]):
        group = list(group)
        reps = [g for g in group if g[2] == "rep"]
        reps.sort(key=lambda g: (g[3] is None, -g[4]))
        unknown = sum(1 for g in group if g[2] == "unknown")
        if reps:
            label, user = reps[0][1], reps[0][3]
            out[meeting] = (label, user, names.get(user) or label, unknown)
        else:
            out[meeting] = (None, None, None, unknown)
    return out


def iter_calls(
    conn: sqlite3.Connection,
) -> Iterator[tuple[str, list[Utterance], float | None, str | None]]:
    """(meeting, utterances in time order, duration, start) for every transcript, streamed."""
    info = {
        m: (d, s)
        for m, d, s in conn.execute(
            "SELECT meeting_crm_id, duration_s, started_at FROM transcripts"
        )
    }
    # Each speaker's side looked up here rather than joined row by row in SQL.
    roles = {
        (m, label): role
        for m, label, role in conn.execute(
            "SELECT meeting_crm_id, label, role FROM transcript_speakers"
        )
    }
    rows = conn.execute(
        "SELECT meeting_crm_id, speaker, start_s, end_s, text FROM transcript_turns "
        "ORDER BY meeting_crm_id, turn_index"
    )
    for meeting, group in groupby(rows, key=lambda r: r[0]):
        if meeting not in info:  # turns of no transcript
            continue
        utterances = [
            Utterance(r[1], roles.get((meeting, r[1]), "unknown"), r[2], r[3], r[4]) for r in group
        ]
        duration, started = info[meeting]
        yield meeting, utterances, duration, started


def analyse_calls(conn: sqlite3.Connection, progress: Progress | None = None) -> list[CallResult]:
    progress = progress or Progress.none()
    reps = call_reps(conn)
    total = max(1, len(reps))
    results = []
    for i, (meeting, utterances, duration, started) in enumerate(iter_calls(conn)):
        if i % 200 == 0:
            progress.update(i / total, f"Measuring call {i + 1:,} of {total:,}")
        label, user, name, unknown = reps.get(meeting, (None, None, None, 0))
        metrics = call_metrics(utterances, label, duration)
        results.append(
            CallResult(
                meeting,
                user or (f"speaker:{label}" if label else None),
                name,
                started,
                metrics,
                unknown,
            )
        )
    return results


def _ratio(num: float, den: float) -> float | None:
    return num / den if den > 0 else None


def per_rep(calls: list[CallResult]) -> list[RepResult]:
    by_rep: dict[str, list[CallResult]] = {}
    for c in calls:
        if c.rep_crm_id:
            by_rep.setdefault(c.rep_crm_id, []).append(c)
    out = []
    for rep, group in sorted(by_rep.items()):
        m = [c.metrics for c in group]
        seconds = sum(x.duration_s for x in m)
        monologues = [x.longest_monologue_s for x in m if x.longest_monologue_s is not None]
        replies = sum(x.replies for x in m)
        patience = sum((x.patience_s or 0) * x.replies for x in m)
        tr = _ratio(sum(x.rep_s for x in m), sum(x.speech_s for x in m))
        qph = _ratio(sum(x.questions for x in m), seconds / 3600)
        inter = _ratio(sum(x.switches for x in m), seconds / 60)
        out.append(
            RepResult(
                rep,
                group[0].rep_name or rep,
                len(group),
                round(seconds / 3600, 3),
                round(tr, 4) if tr is not None else None,
                round(statistics.fmean(monologues), 2) if monologues else None,
                round(qph, 2) if qph is not None else None,
                round(inter, 3) if inter is not None else None,
                round(patience / replies, 3) if replies else None,
            )
        )
    return out


def win_rates(conn: sqlite3.Connection) -> dict[str, tuple[float, int]]:
    """owner -> (won / closed, closed deals)."""
    return {
        owner: (won / closed, closed)
        for owner, won, closed in conn.execute(
            "SELECT owner_crm_id, sum(is_won = 1), count(*) FROM opportunities "
            "WHERE is_closed = 1 AND owner_crm_id IS NOT NULL GROUP BY owner_crm_id"
        )
        if closed
    }


def benchmark(
    conn: sqlite3.Connection, reps: list[RepResult], chosen: list[str] | None = None
) -> Benchmark:
    """Mark the top performers, compute the benchmark and flag each rep against it."""
    rates = win_rates(conn)
    for r in reps:
        rate = rates.get(r.rep_crm_id)
        if rate:
            r.win_rate, r.closed_deals = round(rate[0], 4), rate[1]
    if chosen:
        known = {r.rep_crm_id for r in reps} | {r.rep_name for r in reps}
        top = [r for r in reps if r.rep_crm_id in chosen or r.rep_name in chosen]
        missing = [c for c in chosen if c not in known]
        basis = "chosen by the consultant" + (
            f" ({', '.join(missing)} have no calls)" if missing else ""
        )
    else:
        eligible = sorted(
            (r for r in reps if r.win_rate is not None and r.closed_deals >= MIN_CLOSED_DEALS),
            key=lambda r: (-r.win_rate, r.rep_crm_id),
        )
        if len(eligible) < 2:
            top = []
            basis = (
                f"no benchmark: fewer than two reps with calls have {MIN_CLOSED_DEALS} or more "
                "closed deals; choose the top performers instead"
            )
        else:
            count = max(1, math.ceil(len(eligible) / 4))
            cutoff = eligible[count - 1].win_rate
            top = [r for r in eligible if r.win_rate >= cutoff]
            basis = (
                f"top quartile by win rate ({len(top)} of {len(eligible)} reps with closed deals)"
            )
    for r in top:
        r.top_performer = True
    values: dict[str, float | None] = {}
    for key in REP_METRICS:
        numbers = [getattr(r, key) for r in top if getattr(r, key) is not None]
        values[key] = round(statistics.median(numbers), 4) if numbers else None
    bench = Benchmark(basis, [r.rep_crm_id for r in top], values)
    for r in reps:
        r.flags = rep_flags(r, bench)
    return bench


def rep_flags(rep: RepResult, bench: Benchmark) -> list[str]:
    flags = []
    low, high = bench.talk_ratio_band
    if rep.talk_ratio is not None and not low <= rep.talk_ratio <= high:
        flags.append(f"talk ratio {rep.talk_ratio:.1%} is outside the {low:.0%}-{high:.0%} band")
    for key, (direction, label) in REP_METRICS.items():
        value, target = getattr(rep, key), bench.values.get(key)
        if direction == "band" or value is None or not target:
            continue
        if direction == "higher" and value > target * (1 + bench.tolerance):
            flags.append(f"{label} {value:g} is above the top performers' {target:g}")
        if direction == "lower" and value < target * (1 - bench.tolerance):
            flags.append(f"{label} {value:g} is below the top performers' {target:g}")
    return flags
