"""The conversation-intelligence package documents read the engagement's calls (issue 14.6)."""

from __future__ import annotations

import json

import pytest
from tests.coaching.conftest import ci_engagement
from tests.reports.conftest import docx_text

from workbench.coaching.operations import (
    HitVerdict,
    ImportTranscriptsRequest,
    ReviewRequest,
    ScoreCallRequest,
    import_transcripts,
    review_hits,
    run_coaching,
    run_trackers,
    score_call,
)
from workbench.reports.documents import documents_for
from workbench.reports.package import build_package

CI_DOCS = [
    "ci-requirements",
    "tracker-guide",
    "coaching-playbook",
    "call-library",
    "ci-dashboards",
    "marketing-cs-guide",
]


def _call(call_id, rep, lines):
    t = 0.0
    utterances = []
    for speaker, text in lines:
        speaker = rep if speaker == "R" else "Bea Buyer"
        utterances.append({"speaker": speaker, "start": t, "end": t + 10, "text": text})
        t += 11
    return {"call": {"id": call_id, "started_at": "2026-10-05T15:00:00Z"}, "utterances": utterances}


@pytest.fixture
def ci(tmp_path):
    calls = {
        "C1": _call(
            "C1",
            "Ann Ace",
            [("R", "What does your team use today?"), ("C", "We are evaluating Gong."),
             ("R", "Let's agree next steps.")],
        ),
        "C2": _call(
            "C2",
            "Bob Bell",
            [("R", "Here is our product."), ("C", "It is too expensive."),
             ("C", "We might cancel and look at alternatives.")],
        ),
    }  # fmt: skip
    eng = ci_engagement(
        tmp_path,
        users=[("U1", "Ann Ace", "ann@seller.io"), ("U2", "Bob Bell", "bob@seller.io")],
        contacts=[("K1", "Bea", "Buyer", None)],
    )
    eng.set_setting("coaching.competitors", ["Gong"])
    folder = tmp_path / "more"
    folder.mkdir()
    for name, data in calls.items():
        (folder / f"{name}.json").write_text(json.dumps(data))
    import_transcripts(eng, ImportTranscriptsRequest(folder))
    run_coaching(eng)
    run_trackers(eng)
    review_hits(
        eng, ReviewRequest([HitVerdict("pricing_objections", "C2", 1, "too expensive", "noise")])
    )
    score_call(eng, ScoreCallRequest("C1", "Maria", {"metrics": 5}))
    score_call(eng, ScoreCallRequest("C1", "Omar", {"metrics": 2}))
    yield eng
    eng.close()


def test_only_conversation_projects_get_the_six_documents():
    ci = {s.name for s in documents_for("conversation-intelligence")}
    ri = {s.name for s in documents_for("revenue-intelligence")}
    assert set(CI_DOCS) <= ci and not set(CI_DOCS) & ri


def test_documents_carry_the_calls_figures(ci, tmp_path):
    result = build_package(
        ci, tmp_path / "out", only=[*CI_DOCS, "tracker-design", "coaching-scorecard"]
    )
    paths = {f.document: f.path for f in result.files}
    assert set(paths) == {*CI_DOCS, "tracker-design", "coaching-scorecard", "index"}
    text = {name: docx_text(path) for name, path in paths.items()}
    # Requirements: competitors heard on 1 of 2 calls ranks as high priority.
    assert "heard on 1 of 2 calls (50%)" in text["ci-requirements"]
    assert "Competitive intelligence" in text["ci-requirements"]
    # Tracker guide: the library with its review (1 noise of 1 reviewed).
    assert "1 of 1 (100%)" in text["tracker-guide"]
    assert "above the 30% red flag" in text["tracker-guide"]
    # Coaching playbook: Ann spoke 20 s of 30 s (67%), outside the band.
    assert "Ann Ace" in text["coaching-playbook"] and "67%" in text["coaching-playbook"]
    assert "talk ratio 66.7% is outside the 40%-60% band" in text["coaching-playbook"]
    assert "Maria 100%, Omar 25%" in text["coaching-playbook"]
    # Call library: the competitor playlist lists the call by its title, never its id.
    assert "Competitor conversations" in text["call-library"] and "C1" not in text["call-library"]
    assert "Untitled call" in text["call-library"]
    # Dashboards: today's figures.
    assert "Calls transcribed" in text["ci-dashboards"]
    # Marketing and CS: the churn phrases heard.
    assert (
        "cancel" in text["marketing-cs-guide"]
        and "looking at alternatives" not in text["marketing-cs-guide"]
    )
    # Shared documents read the same run and review.
    assert "Reviewed tracker hits" in text["tracker-design"]
    assert "Ann Ace" in text["coaching-scorecard"] and "question mark" in text["coaching-scorecard"]
