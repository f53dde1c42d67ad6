"""Trackers: playbook defaults, hits per call/deal/rep, editing, the accuracy review (14.3)."""

from __future__ import annotations

import json

import pytest
from tests.coaching.conftest import ci_engagement

from workbench.audits import run_maintenance
from workbench.cli import main
from workbench.coaching.operations import (
    HitVerdict,
    ReviewRequest,
    TrackerEditRequest,
    TrackersRequest,
    edit_tracker,
    review_hits,
    run_trackers,
)
from workbench.coaching.tracking import TrackerSpec, find_hits
from workbench.errors import WorkbenchError

CALL_1 = {
    "call": {"id": "C-1", "started_at": "2024-06-03T15:00:00Z"},
    "utterances": [
        {
            "speaker": "Sam Seller",
            "start": 0,
            "end": 5,
            "text": "Is pricing a concern? Let's agree next steps.",
        },
        {
            "speaker": "Bea Buyer",
            "start": 6,
            "end": 12,
            "text": "Honestly it is too expensive. We are also evaluating Gong. No pricing concerns otherwise.",
        },
        {"speaker": "Bea Buyer", "start": 13, "end": 15, "text": "Legal will review the contract."},
    ],
}
CALL_2 = {
    "call": {"id": "C-2", "started_at": "2024-06-04T15:00:00Z"},
    "utterances": [
        {"speaker": "Rita Rep", "start": 0, "end": 4, "text": "Our pricing is simple."},
        {
            "speaker": "Max Kunde",
            "start": 5,
            "end": 9,
            "text": "We might cancel the meeting on Friday. I wish it could export to Excel.",
        },
    ],
}


@pytest.fixture
def eng(tmp_path):
    e = ci_engagement(
        tmp_path,
        users=[("U1", "Sam Seller", "sam@seller.io"), ("U2", "Rita Rep", "rita@seller.io")],
        contacts=[("K1", "Bea", "Buyer", "bea@buyer.com"), ("K2", "Max", "Kunde", "max@kunde.de")],
        calls={"c1": CALL_1, "c2": CALL_2},
        methodology="BANT",
    )
    e.set_setting("coaching.competitors", ["Gong", "Chorus"])
    with e.atomic() as conn:
        conn.execute("UPDATE meetings SET opportunity_crm_id = 'OPP-9' WHERE crm_id = 'C-1'")
    yield e
    e.close()


def test_phrases_variants_and_exclusions_per_sentence():
    spec = TrackerSpec(
        "p", "Pricing", "Pricing", ["pricing", "too expensive"], ["pricey"], ["no pricing concerns"]
    )
    assert find_hits(spec, "It is too expensive. No pricing concerns otherwise. Bit pricey!") == [
        "too expensive",
        "pricey",
    ]
    assert find_hits(spec, "Repricing happens yearly.") == []  # whole words only


def test_defaults_hits_per_call_deal_and_rep(eng):
    result = run_trackers(eng)
    t = {s.key: s for s in result.trackers}
    assert [s.key for s in result.trackers] == [
        "competitors",
        "pricing_objections",
        "next_steps",
        "churn_signals",
        "feature_requests",
        "legal_escalation",
        "methodology",
    ]
    assert t["methodology"].label == "BANT terms" and "decision maker" in t["methodology"].phrases
    assert "Gong" in t["competitors"].phrases  # from the engagement's competitor list
    # Pricing objections listen to the customer: Bea's "too expensive" only (her
    # "No pricing concerns" sentence is excluded; Sam's and Rita's "pricing" are the rep's side).
    assert (t["pricing_objections"].hits, t["pricing_objections"].calls) == (1, 1)
    assert t["pricing_objections"].deals == 1 and t["pricing_objections"].by_rep == {
        "Sam Seller": 1
    }
    assert (t["competitors"].hits, t["competitors"].by_rep) == (
        1,
        {"Sam Seller": 1},
    )  # "evaluating Gong"
    assert t["next_steps"].hits == 1
    assert t["legal_escalation"].hits == 1
    # "cancel the meeting" is an exclusion of churn signals.
    assert t["churn_signals"].hits == 0
    assert (t["feature_requests"].hits, t["feature_requests"].by_rep) == (1, {"Rita Rep": 1})
    assert result.active == 7 and result.warnings == []
    stored = eng.conn.execute("SELECT count(*) FROM tracker_hits").fetchone()[0]
    assert stored == sum(s.hits for s in result.trackers) == 5


def test_editing_and_the_active_tracker_warning(eng):
    edit_tracker(
        eng, TrackerEditRequest("churn_signals", add_phrases=["cancel the meeting"], exclusions=[])
    )
    # the exclusion still wins for that sentence
    assert {s.key: s.hits for s in run_trackers(eng).trackers}["churn_signals"] == 0
    for i in range(9):
        edit_tracker(
            eng, TrackerEditRequest(f"topic_{i}", label=f"Topic {i}", add_phrases=[f"word{i}"])
        )
    result = run_trackers(eng)
    assert result.active == 16
    assert result.warnings[0].startswith("16 trackers are active; the playbook advises 10 to 15")
    edit_tracker(eng, TrackerEditRequest("topic_0", active=False))
    assert run_trackers(eng).warnings == []
    with pytest.raises(WorkbenchError, match="no tracker 'unknown'"):
        edit_tracker(eng, TrackerEditRequest("unknown"))
    with pytest.raises(WorkbenchError, match="not 'everyone'"):
        edit_tracker(eng, TrackerEditRequest("next_steps", side="everyone"))


def test_review_false_positive_rate_feeds_the_maintenance_check(eng):
    result = run_trackers(eng, TrackersRequest(review=True))
    assert [h["phrase"] for h in result.review_queue["pricing_objections"]] == ["too expensive"]
    call_1 = [(h["call"], h["utterance"], h["phrase"]) for h in result.review_queue["next_steps"]]
    assert call_1 == [("C-1", 0, "next steps")]
    review_hits(
        eng,
        ReviewRequest(
            [
                HitVerdict("pricing_objections", "C-1", 1, "too expensive", "relevant"),
                HitVerdict("next_steps", "C-1", 0, "next steps", "noise"),
            ],
            "consultant",
        ),
    )
    t = {s.key: s for s in run_trackers(eng).trackers}
    assert (
        t["next_steps"].reviewed,
        t["next_steps"].noise,
        t["next_steps"].false_positive_rate,
    ) == (1, 1, 1.0)
    assert t["next_steps"].red_flag and not t["pricing_objections"].red_flag
    check = next(
        c for c in run_maintenance(eng, record=False).checks if c.check == "tracker_false_positives"
    )
    assert check.value == 1.0 and check.display == "100% (Next steps)"
    with pytest.raises(WorkbenchError, match="no next_steps hit 'schedule'"):
        review_hits(eng, ReviewRequest([HitVerdict("next_steps", "C-1", 0, "schedule", "noise")]))
    with pytest.raises(WorkbenchError, match="'relevant' or 'noise'"):
        review_hits(eng, ReviewRequest([HitVerdict("next_steps", "C-1", 0, "next steps", "meh")]))


def test_trackers_command(eng, capsys):
    path = str(eng.path)
    eng.close()
    assert (
        main(["trackers", path, "--mark", "legal_escalation|C-1|2|legal=relevant", "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    legal = next(t for t in out["trackers"] if t["key"] == "legal_escalation")
    assert (legal["reviewed"], legal["noise"], legal["false_positive_rate"]) == (1, 0, 0.0)
    assert main(["trackers", path, "--edit", "security", "--phrase", "SOC 2", "--alert", "IT"]) == 0
    assert "Security: 0 hits in 0 calls" in capsys.readouterr().out
