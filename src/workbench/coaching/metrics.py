"""Talk metrics of one call, each defined once here and in docs/coaching.md.

The input is the call's utterances in time order, each with its speaker and side
(``rep`` for the seller's side, ``customer``, ``unknown``), and the call's rep (the
speaker being coached). Times are seconds from the start of the recording.

- talk ratio: the rep's speaking time over the time anyone speaks, both measured
  as the union of intervals, so overlapping speech counts once;
- longest monologue: the longest stretch of one speaker's consecutive utterances,
  pauses under ``JOIN_PAUSE_S`` joined, broken by anyone else's utterance;
- questions per hour: the rep's questions (``coaching.questions``) per hour of call;
- interactivity: changes of speaker per minute of call;
- patience: the rep's average pause between a customer's utterance ending and the
  rep starting to speak (an interruption counts as 0 s; a pause over
  ``PATIENCE_CAP_S`` is a silence, not a reply, and is left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from workbench.coaching.questions import count_questions

JOIN_PAUSE_S = 1.5
PATIENCE_CAP_S = 10.0
TALK_RATIO_BAND = (0.40, 0.60)


class Utterance(NamedTuple):
    """One utterance (a tuple: a call's hundreds are built straight from the rows)."""

    speaker: str
    side: str  # rep, customer, unknown
    start: float
    end: float
    text: str = ""


@dataclass
class CallMetrics:
    duration_s: float
    speech_s: float
    rep_s: float
    talk_ratio: float | None
    longest_monologue_s: float | None
    longest_customer_story_s: float | None
    questions: int
    questions_per_hour: float | None
    switches: int
    interactivity: float | None
    patience_s: float | None
    replies: int


def union_seconds(intervals: Sequence[tuple[float, float]]) -> float:
    """Length of the union of ``(start, end)`` intervals (overlaps counted once)."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        elif end > cur_end:
            cur_end = end
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def monologues(
    utterances: Sequence[Utterance], join_pause: float = JOIN_PAUSE_S
) -> list[tuple[str, float, float]]:
    """Each speaker's runs of consecutive speech: (speaker, start, end)."""
    runs: list[list] = []
    for u in utterances:
        if runs and runs[-1][0] == u.speaker and u.start - runs[-1][2] < join_pause:
            runs[-1][2] = max(runs[-1][2], u.end)
        else:
            runs.append([u.speaker, u.start, u.end])
    return [(s, a, b) for s, a, b in runs]


def call_metrics(
    utterances: Sequence[Utterance], rep: str | None, duration_s: float | None = None
) -> CallMetrics:
    """The metrics of one call for ``rep`` (a speaker label); ``utterances`` in time order."""
    if not utterances:
        raise ValueError("a call needs at least one utterance")
    span = max(u.end for u in utterances) - min(u.start for u in utterances)
    duration = duration_s if duration_s and duration_s > 0 else span
    speech = union_seconds([(u.start, u.end) for u in utterances])
    rep_s = union_seconds([(u.start, u.end) for u in utterances if u.speaker == rep])
    runs = monologues(utterances)
    rep_runs = [b - a for s, a, b in runs if s == rep]
    customer_speakers = {u.speaker for u in utterances if u.side == "customer"}
    story_runs = [b - a for s, a, b in runs if s in customer_speakers]
    questions = sum(count_questions(u.text) for u in utterances if u.speaker == rep)
    switches = sum(
        1 for a, b in zip(utterances, utterances[1:], strict=False) if a.speaker != b.speaker
    )
    pauses = []
    for before, after in zip(utterances, utterances[1:], strict=False):
        if after.speaker == rep and before.side == "customer":
            pause = max(0.0, after.start - before.end)
            if pause <= PATIENCE_CAP_S:
                pauses.append(pause)
    hours, minutes = duration / 3600, duration / 60
    return CallMetrics(
        duration_s=round(duration, 3),
        speech_s=round(speech, 3),
        rep_s=round(rep_s, 3),
        talk_ratio=round(rep_s / speech, 4) if rep is not None and speech > 0 else None,
        longest_monologue_s=round(max(rep_runs), 3) if rep_runs else None,
        longest_customer_story_s=round(max(story_runs), 3) if story_runs else None,
        questions=questions,
        questions_per_hour=round(questions / hours, 2) if rep is not None and hours > 0 else None,
        switches=switches,
        interactivity=round(switches / minutes, 3) if minutes > 0 else None,
        patience_s=round(sum(pauses) / len(pauses), 3) if pauses else None,
        replies=len(pauses),
    )
