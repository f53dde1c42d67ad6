"""Scorecards: methodology rubrics, managers' call scores, rep summaries, calibration (14.4)."""

from __future__ import annotations

import json

import pytest
from tests.coaching.conftest import ci_engagement

from workbench.cli import main
from workbench.coaching.operations import (
    RubricRequest,
    ScoreCallRequest,
    create_rubric,
    score_call,
    scorecard_report,
)
from workbench.errors import WorkbenchError


@pytest.fixture
def eng(tmp_path):
    calls = {
        call: {
            "call": {"id": call},
            "utterances": [{"speaker": rep, "start": 0, "end": 5, "text": "Hello."}],
        }
        for call, rep in (("C1", "Ann Ace"), ("C2", "Bob Bell"), ("C3", "Ann Ace"))
    }
    e = ci_engagement(
        tmp_path,
        users=[("U1", "Ann Ace", "ann@seller.io"), ("U2", "Bob Bell", "bob@seller.io")],
        calls=calls,
        methodology="BANT",
    )
    yield e
    e.close()


def test_methodology_template_weights_and_weighted_call_score(eng):
    # BANT: budget 1, authority 1, need 1.5, timeline 1, next steps 1 (weights sum 5.5).
    s = score_call(
        eng,
        ScoreCallRequest(
            "C1", "Maria", {"budget": 5, "authority": 3, "need": 4, "timeline": 2, "next_steps": 5}
        ),
    )
    mean = (5 + 3 + 1.5 * 4 + 2 + 5) / 5.5  # 3.8182 on 1-5
    assert s.score == round((mean - 1) / 4, 4) == 0.7045
    # A criterion not scored is left out and its weight spread over the others.
    s = score_call(eng, ScoreCallRequest("C2", "Maria", {"budget": 2, "need": 3}))
    assert s.score == round(((2 + 1.5 * 3) / 2.5 - 1) / 4, 4) == 0.4
    report = scorecard_report(eng)
    assert report.rubric.name == "BANT" and [c.key for c in report.rubric.criteria] == [
        "budget",
        "authority",
        "need",
        "timeline",
        "next_steps",
    ]


def test_rep_summary_and_calibration_between_managers(eng):
    score_call(eng, ScoreCallRequest("C1", "Maria", {"budget": 5, "need": 5}))  # 1.0
    score_call(eng, ScoreCallRequest("C1", "Omar", {"budget": 2, "need": 3}))  # 0.4
    score_call(eng, ScoreCallRequest("C3", "Maria", {"budget": 3, "need": 3}))  # 0.5
    score_call(eng, ScoreCallRequest("C2", "Omar", {"budget": 4, "need": 4}))  # 0.75
    report = scorecard_report(eng)
    reps = {r.rep: r for r in report.reps}
    assert reps["Ann Ace"].calls == 2
    assert reps["Ann Ace"].mean == round((1.0 + 0.4 + 0.5) / 3, 4)
    assert reps["Ann Ace"].by_criterion == {"Budget": round(10 / 3, 2), "Need": round(11 / 3, 2)}
    assert reps["Ann Ace"].weakest == "Budget"
    assert [(c.call, c.managers, c.spread, c.flagged) for c in report.calibration] == [
        ("C1", {"Maria": 1.0, "Omar": 0.4}, 0.6, True)
    ]
    # A manager scoring again replaces their scores.
    score_call(eng, ScoreCallRequest("C1", "Omar", {"budget": 5, "need": 4}))
    cal = scorecard_report(eng).calibration[0]
    assert (cal.spread, cal.flagged) == (round(1.0 - ((5 + 1.5 * 4) / 2.5 - 1) / 4, 4), False)
    assert cal.spread == 0.15


def test_custom_rubric_and_plain_errors(eng):
    rubric = create_rubric(
        eng,
        RubricRequest(
            "Discovery",
            "custom",
            [("questions", "Open questions", 2), ("listen", "Listening", 1)],
            0,
            10,
        ),
    )
    assert (rubric.methodology, rubric.scale_min, rubric.scale_max) == ("CUSTOM", 0, 10)
    s = score_call(eng, ScoreCallRequest("C2", "Maria", {"questions": 8, "listen": 5}, "Discovery"))
    assert s.score == round((2 * 8 + 5) / 3 / 10, 4) == 0.7
    with pytest.raises(WorkbenchError, match="outside the scale 0-10"):
        score_call(eng, ScoreCallRequest("C2", "Maria", {"questions": 11}, "Discovery"))
    with pytest.raises(WorkbenchError, match="has no criterion 'budget'"):
        score_call(eng, ScoreCallRequest("C2", "Maria", {"budget": 3}, "Discovery"))
    with pytest.raises(WorkbenchError, match="no call 'C9'"):
        score_call(eng, ScoreCallRequest("C9", "Maria", {"questions": 3}, "Discovery"))
    with pytest.raises(WorkbenchError, match="already a scorecard named 'Discovery'"):
        create_rubric(eng, RubricRequest("Discovery", "BANT"))
    with pytest.raises(WorkbenchError, match="no 'Sandler' template"):
        create_rubric(eng, RubricRequest("S", "Sandler"))


def test_scorecard_command(eng, capsys):
    path = str(eng.path)
    eng.close()
    assert main(["scorecard", path, "--create", "MEDDIC calls", "--methodology", "MEDDIC"]) == 0
    capsys.readouterr()
    argv = ["scorecard", path, "--rubric", "MEDDIC calls", "--score", "C1", "--manager", "Maria"]
    assert main([*argv, "--set", "metrics=4", "--set", "champion=2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["calls"][0]["score"] == round(((2 * 4 + 1 * 2) / 3 - 1) / 4, 4)
    assert out["reps"][0]["rep"] == "Ann Ace"
