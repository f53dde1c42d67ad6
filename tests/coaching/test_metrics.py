"""Coaching metrics on hand-timed calls, on real transcripts, and per rep with the benchmark."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from workbench.cli import main
from workbench.coaching.metrics import Utterance, call_metrics, monologues, union_seconds
from workbench.coaching.operations import (
    CoachingRequest,
    ImportTranscriptsRequest,
    ResolveSpeakerRequest,
    import_transcripts,
    resolve_speaker,
    run_coaching,
)
from workbench.coaching.questions import count_questions, is_question, sentences
from workbench.coaching.transcripts import read_transcripts
from workbench.errors import WorkbenchError
from workbench.models import Engagement, EngagementMeta

DATA = Path(__file__).resolve().parents[1] / "data"
ZOOM_VTT = DATA / "zoom-vtt-real" / "GMT20240124-202901_Recording.transcript.vtt"

# A hand-timed call (seconds). R = the rep, C = the customer.
HAND = [
    Utterance("Sam", "rep", 0, 10, "Hi, thanks for joining. What does your team use today?"),
    Utterance("Bea", "customer", 10.5, 20, "We use spreadsheets."),
    Utterance("Sam", "rep", 21, 30, "Got it."),
    Utterance("Sam", "rep", 31, 40, "Is the data in one place"),  # joined: 1 s pause
    Utterance("Bea", "customer", 39, 45, "Not really."),  # overlaps the rep by 1 s
    Utterance("Sam", "rep", 48, 50, "Tell me about the reporting."),
    Utterance("Bea", "customer", 50.2, 60, "It takes two days each month."),
]


def test_hand_timed_call():
    m = call_metrics(HAND, "Sam")
    # Speech: 10 + 9.5 + 9 + (31..45 = 14) + 2 + 9.8 = 54.3 s; the rep: 10 + 9 + 9 + 2 = 30 s.
    assert (m.speech_s, m.rep_s) == (54.3, 30.0)
    assert m.talk_ratio == round(30 / 54.3, 4) == 0.5525
    # 21..30 and 31..40 join (1 s pause): 19 s; each caption alone would say 10 s.
    assert m.longest_monologue_s == 19.0
    assert m.longest_customer_story_s == 9.8
    # "What does...?", "Is the data in one place" (no mark), "Tell me about...".
    assert m.questions == 3
    assert m.duration_s == 60 and m.questions_per_hour == 180.0
    # R C R R C R C: 5 changes of speaker in one minute.
    assert (m.switches, m.interactivity) == (5, 5.0)
    # The rep answers after 1.0 s (20 -> 21) and 3.0 s (45 -> 48).
    assert (m.patience_s, m.replies) == (2.0, 2)


def test_pause_at_the_limit_breaks_a_monologue_and_long_silence_is_not_patience():
    calls = [
        Utterance("Sam", "rep", 0, 5),
        Utterance("Sam", "rep", 6.5, 8),  # exactly 1.5 s: a new run
        Utterance("Bea", "customer", 8, 9),
        Utterance("Sam", "rep", 25, 26),  # 16 s of silence: not a reply
        Utterance("Bea", "customer", 26, 27),
        Utterance("Sam", "rep", 26.5, 28),  # interrupts: 0 s
    ]
    assert [round(b - a, 3) for s, a, b in monologues(calls) if s == "Sam"] == [5, 1.5, 1, 1.5]
    m = call_metrics(calls, "Sam", duration_s=120)
    assert (m.patience_s, m.replies) == (0.0, 1)
    assert m.duration_s == 120 and m.interactivity == 2.0  # 4 switches in 2 minutes


def _grid_seconds(intervals, step=0.001):
    """Independent check: mark every millisecond spoken on a grid."""
    end = max(b for _, b in intervals)
    grid = np.zeros(int(round(end / step)) + 2, dtype=bool)
    for a, b in intervals:
        grid[int(round(a / step)) : int(round(b / step))] = True
    return grid.sum() * step


def test_real_zoom_call_metrics_match_an_independent_count():
    [t] = read_transcripts(ZOOM_VTT)
    utterances = [
        Utterance(
            c.speaker, "rep" if c.speaker == "Conor Healy" else "customer", c.start, c.end, c.text
        )
        for c in t.cues
    ]
    m = call_metrics(utterances, "Conor Healy")
    everyone = [(c.start, c.end) for c in t.cues]
    conor = [(c.start, c.end) for c in t.cues if c.speaker == "Conor Healy"]
    assert m.speech_s == pytest.approx(_grid_seconds(everyone), abs=0.01)
    assert m.rep_s == pytest.approx(_grid_seconds(conor), abs=0.01)
    assert m.talk_ratio == pytest.approx(468.526 / 652.669, abs=1e-4)
    # Conor's longest run joins cues 18-20 (176.34 s to 242.169 s); the longest single
    # caption of the call is 23.8 s.
    assert m.longest_monologue_s == 65.829
    assert max(c.end - c.start for c in t.cues) == pytest.approx(23.799)
    # The call's speaker changes counted by hand from the cue list: 24.
    assert (
        m.switches
        == sum(1 for a, b in zip(t.cues, t.cues[1:], strict=False) if a.speaker != b.speaker)
        == 24
    )


def test_real_meeting_overlapping_turns_counted_once():
    # AMI ES2004a manual segmentation (RTTM): turns of four people overlap.
    segments = []
    for line in (DATA / "qmsum-meetings" / "ES2004a.only_words.rttm").read_text().splitlines():
        parts = line.split()
        start, dur = float(parts[3]), float(parts[4])
        segments.append((parts[7], start, start + dur))
    assert len(segments) == 260
    everyone = [(a, b) for _, a, b in segments]
    naive = sum(b - a for a, b in everyone)
    union = union_seconds(everyone)
    assert union == pytest.approx(_grid_seconds(everyone), abs=0.05)
    assert naive - union > 10  # the overlap the naive sum would count twice
    utterances = [
        Utterance(s, "rep" if s == "FEE013" else "customer", a, b)
        for s, a, b in sorted(segments, key=lambda x: x[1])
    ]
    m = call_metrics(utterances, "FEE013")
    rep = [(a, b) for s, a, b in segments if s == "FEE013"]
    assert m.talk_ratio == pytest.approx(_grid_seconds(rep) / _grid_seconds(everyone), abs=1e-3)


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("So what does the rollout look like", True),
        ("how many reps are on the team.", True),
        ("Do you have a budget for this", True),
        ("That's the plan, right.", True),
        ("The plug hasn't come out at the bottom, has it", True),
        ("Yes or no: did the agency send the memo.", True),
        ("Walk me through the approval process.", True),
        ("Okay?", False),
        ("What I mean is we need it soon.", False),
        ("We looked at the numbers, which is why we called.", False),
        ("I think we should start on Monday.", False),
    ],
)
def test_question_rules(sentence, expected):
    assert is_question(sentence) is expected


def test_questions_found_without_question_marks_in_real_meetings():
    # The QMSum transcripts are hand-punctuated: the "?" is the truth. Remove it and
    # the detector must still find most questions while a trailing-"?" rule finds none.
    tp = fp = fn = 0
    for name in ("ES2004a", "ES2004d", "covid_4"):
        meeting = json.loads((DATA / "qmsum-meetings" / f"{name}.json").read_text())
        for turn in meeting["meeting_transcripts"]:
            for s in sentences(turn["content"]):
                truth = s.endswith("?")
                found = is_question(re.sub(r"\?+$", ".", s))
                tp += truth and found
                fp += found and not truth
                fn += truth and not found
    assert (tp, fp, fn) == (158, 29, 57)
    assert tp / (tp + fp) > 0.84 and tp / (tp + fn) > 0.73
    assert count_questions("Hello! Why are you so dark? So") == 1


# ---------------------------------------------------------------- per rep
def _call(call_id, rep, rep_s, customer_s, questions):
    """A generic-JSON call: the rep speaks rep_s seconds, then the customer customer_s."""
    text = " ".join(["Do you track this today?"] * questions) or "Here is the plan."
    return {
        "call": {"id": call_id, "started_at": "2024-06-03T15:00:00Z"},
        "utterances": [
            {"speaker": rep, "start": 0, "end": rep_s, "text": text},
            {
                "speaker": "Bea Buyer",
                "start": rep_s + 0.5,
                "end": rep_s + 0.5 + customer_s,
                "text": "Sure.",
            },
            {
                "speaker": rep,
                "start": rep_s + customer_s + 1.5,
                "end": rep_s + customer_s + 2.5,
                "text": "Great.",
            },
        ],
    }


@pytest.fixture
def team(tmp_path):
    eng = Engagement.create(
        tmp_path / "team.engagement",
        EngagementMeta(customer="Acme", project_kind="conversation-intelligence"),
    )
    reps = [("U1", "Ann Ace"), ("U2", "Bob Bell"), ("U3", "Cy Cole"), ("U4", "Di Dunn")]
    # Win rates: Ann 4/5, Bob 3/5, Cy 2/5, Di 1/5.
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO users (crm_id, name, email) VALUES (?, ?, ?)",
            [(u, n, f"{n.split()[0].lower()}@seller.io") for u, n in reps],
        )
        conn.execute(
            "INSERT INTO contacts (crm_id, first_name, last_name) VALUES ('C1', 'Bea', 'Buyer')"
        )
        rows = []
        for i, (user, _) in enumerate(reps):
            for k in range(5):
                rows.append((f"O{user}{k}", user, 1, int(k < 4 - i)))
        conn.executemany(
            "INSERT INTO opportunities (crm_id, owner_crm_id, is_closed, is_won) VALUES (?, ?, ?, ?)",
            rows,
        )
    folder = tmp_path / "calls"
    folder.mkdir()
    shapes = {"U1": (50, 47.5, 6), "U2": (55, 40, 4), "U3": (90, 10, 1), "U4": (40, 57.5, 0)}
    for user, name in reps:
        rep_s, customer_s, q = shapes[user]
        (folder / f"{user}.json").write_text(
            json.dumps(_call(f"CALL-{user}", name, rep_s, customer_s, q))
        )
    import_transcripts(eng, ImportTranscriptsRequest(folder))
    yield eng
    eng.close()


def test_per_rep_metrics_benchmark_and_flags(team):
    result = run_coaching(team)
    reps = {r.rep_crm_id: r for r in result.reps}
    # Ann: 50 + 1 = 51 s of 98.5 s spoken (0..50, 50.5..98, 99..100).
    assert reps["U1"].talk_ratio == round(51 / 98.5, 4)
    assert reps["U3"].talk_ratio == round(91 / 101, 4)
    assert reps["U1"].win_rate == 0.8 and reps["U4"].win_rate == 0.2
    # Four reps with 5 closed deals each: the top quartile is Ann alone.
    assert result.benchmark.reps == ["U1"]
    assert result.benchmark.basis == "top quartile by win rate (1 of 4 reps with closed deals)"
    assert reps["U1"].top_performer and not reps["U2"].top_performer
    # Ann: 6 questions in 100 s of call.
    assert result.benchmark.values["questions_per_hour"] == round(6 / (100 / 3600), 2) == 216
    assert reps["U1"].flags == []
    assert reps["U3"].flags[0] == "talk ratio 90.1% is outside the 40%-60% band"
    assert any(f.startswith("longest monologue 90 is above") for f in reps["U3"].flags)
    assert any(f.startswith("questions per hour 0 is below") for f in reps["U4"].flags)
    # Stored: the run and its rows read back the same figures.
    stored = team.conn.execute(
        "SELECT talk_ratio, top_performer, flags FROM coaching_rep_metrics WHERE run_id = ? AND rep_crm_id = 'U3'",
        (result.run_id,),
    ).fetchone()
    assert stored[0] == reps["U3"].talk_ratio and stored[1] == 0
    assert json.loads(stored[2]) == reps["U3"].flags


def test_consultant_chosen_top_performers(team):
    result = run_coaching(team, CoachingRequest(["Bob Bell", "U4"]))
    assert result.benchmark.reps == ["U2", "U4"]
    assert result.benchmark.basis == "chosen by the consultant"
    assert result.benchmark.values["talk_ratio"] == round(
        (round(56 / 96, 4) + round(41 / 98.5, 4)) / 2, 4
    )


def test_coaching_command_json(team, capsys):
    path = str(team.path)
    team.close()
    assert main(["coaching", path, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    calls = {c["call"]: c for c in out["calls"]}
    assert set(calls["CALL-U1"]) >= {
        "talk_ratio",
        "questions_per_hour",
        "longest_monologue_s",
        "patience_s",
    }
    assert calls["CALL-U1"]["longest_monologue_s"] == 50.0
    assert calls["CALL-U1"]["patience_s"] == 1.0  # customer ends 98, Ann starts 99
    assert calls["CALL-U1"]["rep_name"] == "Ann Ace"
    assert out["benchmark"]["reps"] == ["U1"]


def test_coaching_without_transcripts_is_a_plain_message(tmp_path):
    with Engagement.create(tmp_path / "e.engagement", EngagementMeta(customer="X")) as eng:
        with pytest.raises(WorkbenchError, match="has no transcripts yet"):
            run_coaching(eng)


def test_rep_resolved_later_changes_the_call_rep(tmp_path):
    with Engagement.create(tmp_path / "z.engagement", EngagementMeta(customer="X")) as eng:
        import_transcripts(eng, ImportTranscriptsRequest(ZOOM_VTT))
        first = run_coaching(eng)
        assert first.calls[0].rep_crm_id is None and first.calls[0].metrics.talk_ratio is None
        resolve_speaker(eng, ResolveSpeakerRequest("Conor Healy", "rep"))
        for other in ("Srijani Ghosh", "Dr. Melissa Ko", "Shreeharsh Kelkar", "Ryan Sloan"):
            resolve_speaker(eng, ResolveSpeakerRequest(other, "customer"))
        second = run_coaching(eng)
        call = second.calls[0]
        assert call.rep_name == "Conor Healy" and call.metrics.talk_ratio == 0.7179
        assert call.metrics.patience_s == pytest.approx(0.454, abs=1e-3)
        assert second.unknown_speakers == 0
