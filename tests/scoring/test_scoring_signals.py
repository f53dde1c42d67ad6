"""Risk signals: values on hand-built deals, as-of semantics, no leakage."""

from __future__ import annotations

import json
import math

import pandas as pd
from scoring_helpers import add_activity, add_history, add_opp, snapshot

from workbench.scoring.calibration import calibrate
from workbench.scoring.data import load_deal_data
from workbench.scoring.history import closed_deals
from workbench.scoring.signals import SIGNALS, SignalDef, compute_signals


def _build_deal(eng) -> None:
    add_opp(eng, "O1", created="2026-01-01", close="2026-06-30", amount=800.0)
    add_history(
        eng, "O1", "2026-01-01", stage="Prospecting", amount=1000.0, close_date="2026-03-31"
    )
    add_history(eng, "O1", "2026-02-01", stage="Proposal")
    add_history(eng, "O1", "2026-02-15", close_date="2026-04-30")  # pushed 30 days
    add_history(eng, "O1", "2026-03-01", amount=1200.0)  # new peak
    add_history(eng, "O1", "2026-03-10", close_date="2026-04-15")  # pulled in: not a push
    add_history(eng, "O1", "2026-03-20", close_date="2026-06-30", amount=900.0)  # pushed 76
    add_activity(eng, "O1", "2026-03-01", contact="C1")
    add_activity(eng, "O1", "2026-03-05", contact="C2")
    add_activity(eng, "O1", "2026-03-25", contact="C1", kind="meeting")
    add_activity(eng, "O1", "2026-05-01", contact="C3")  # after the snapshot below


def test_signals_are_computed_from_dated_evidence_as_of_the_snapshot(new_engagement):
    eng = new_engagement
    _build_deal(eng)
    data = load_deal_data(eng)
    values = compute_signals(
        data, snapshot("2026-04-04", "O1"), historical=False, norms={"Proposal": 20.0}
    ).values.loc["O1"]
    assert values["days_since_activity"] == 10  # 2026-03-25 -> 2026-04-04
    assert values["days_since_meeting"] == 10
    assert values["close_pushes"] == 2
    assert values["push_days"] == 30 + 76
    assert values["amount_cut_pct"] == (1200 - 900) / 1200 * 100
    assert values["engaged_contacts"] == 2  # C1, C2 in the last 90 days; C3 is later
    assert values["stage_age_ratio"] == 62 / 20  # in Proposal since Feb 1: 62 days
    assert values["next_step_missing"] == 0
    # No MEDDIC field on the deal: not available, which is not the same as missing.
    assert math.isnan(values["champion_missing"])
    # No transcripts: conversation signals are not available.
    assert math.isnan(values["competitor_mentions"])


def test_earlier_snapshot_sees_only_earlier_changes(new_engagement):
    eng = new_engagement
    _build_deal(eng)
    data = load_deal_data(eng)
    values = compute_signals(
        data, snapshot("2026-02-20", "O1"), historical=False, norms={}
    ).values.loc["O1"]
    assert values["close_pushes"] == 1
    assert values["push_days"] == 30
    assert values["amount_cut_pct"] == 0
    assert values["days_since_activity"] == 50  # no activity yet: days since creation


def test_methodology_field_present_but_empty_counts_as_missing(new_engagement):
    eng = new_engagement
    add_opp(
        eng,
        "M1",
        created="2026-01-01",
        close="2026-08-01",
        extra=json.dumps({"MEDDIC_Champion__c": "", "Economic_Buyer__c": "Jane CFO"}),
    )
    add_opp(
        eng,
        "M2",
        created="2026-01-01",
        close="2026-08-01",
        extra=json.dumps({"Industry__c": "Retail"}),
    )
    data = load_deal_data(eng)
    values = compute_signals(
        data, snapshot("2026-05-01", "M1", "M2"), historical=False, norms={}
    ).values
    assert values.at["M1", "champion_missing"] == 1
    assert values.at["M1", "economic_buyer_missing"] == 0
    assert math.isnan(values.at["M2", "champion_missing"])


def test_ghosting_counts_days_since_unanswered_outreach(new_engagement):
    eng = new_engagement
    add_opp(eng, "G1", created="2026-01-01", close="2026-08-01")
    add_activity(eng, "G1", "2026-04-01", extra=json.dumps({"direction": "Inbound"}))
    add_activity(eng, "G1", "2026-04-03")  # outreach after the last answer
    add_activity(eng, "G1", "2026-04-06")
    data = load_deal_data(eng)
    values = compute_signals(data, snapshot("2026-04-10", "G1"), historical=False, norms={}).values
    assert values.at["G1", "ghosting_days"] == 7  # waiting since 2026-04-03
    add_activity(eng, "G1", "2026-04-09", extra=json.dumps({"CallType": "Inbound"}))
    data = load_deal_data(eng)
    values = compute_signals(data, snapshot("2026-04-10", "G1"), historical=False, norms={}).values
    assert values.at["G1", "ghosting_days"] == 0


def test_conversation_trackers_count_customer_objections_and_drop_off(new_engagement):
    eng = new_engagement
    add_opp(eng, "T1", created="2026-01-01", close="2026-08-01")
    with eng.atomic() as conn:
        for i, (day, people) in enumerate([("2026-03-01", 3), ("2026-04-01", 1)]):
            conn.execute(
                "INSERT INTO meetings (crm_id, channel, started_at, opportunity_crm_id, "
                "host_email, participant_emails) VALUES (?, 'zoom', ?, 'T1', 'rep@us.com', ?)",
                (
                    f"MT{i}",
                    day + "T15:00:00",
                    json.dumps(["rep@us.com"] + [f"p{k}@them.com" for k in range(people)]),
                ),
            )
        turns = [
            ("MT0", 0, "p0@them.com", 0, "We are evaluating another vendor as well."),
            ("MT0", 1, "p1@them.com", 0, "Honestly it is too expensive for us."),
            ("MT0", 2, "p2@them.com", 0, "Fine."),
            ("MT0", 3, "rep@us.com", 1, "We can discuss a discount."),  # seller: not counted
            ("MT1", 0, "p0@them.com", 0, "We need to push this to next quarter."),
        ]
        conn.executemany(
            "INSERT INTO transcript_turns (meeting_crm_id, turn_index, speaker_email, "
            "is_internal, text) VALUES (?, ?, ?, ?, ?)",
            turns,
        )
    data = load_deal_data(eng)
    values = compute_signals(
        data, snapshot("2026-04-10", "T1"), historical=False, norms={}
    ).values.loc["T1"]
    assert values["competitor_mentions"] == 2  # "evaluating", "another vendor"
    assert values["pricing_objections"] == 1  # the seller's "discount" is not an objection
    assert values["timeline_shifts"] == 2  # "push this", "next quarter"
    assert values["stakeholder_dropoff"] == 1  # 3 customer speakers, then 1
    assert values["engaged_contacts"] == 3
    before = compute_signals(
        data, snapshot("2026-03-15", "T1"), historical=False, norms={}
    ).values.loc["T1"]
    assert before["timeline_shifts"] == 0
    assert before["stakeholder_dropoff"] == 0


def _closed_deal(eng) -> None:
    add_opp(
        eng,
        "W1",
        created="2026-01-01",
        close="2026-05-31",
        closed=True,
        won=False,
        stage="Closed Lost",
        next_step="",
        last_activity="2026-05-31",
        extra=json.dumps({"MEDDIC_Champion__c": ""}),
    )
    add_history(eng, "W1", "2026-01-01", stage="Prospecting", amount=500.0, close_date="2026-05-31")
    add_history(eng, "W1", "2026-05-31", stage="Closed Lost")
    add_activity(eng, "W1", "2026-03-01", contact="C1")


def test_changes_after_the_snapshot_do_not_change_historical_features(new_engagement):
    eng = new_engagement
    _closed_deal(eng)
    data = load_deal_data(eng)
    deals = closed_deals(data, pd.Timestamp("2026-06-30"))
    assert deals.frame.at["W1", "snapshot"] == pd.Timestamp("2026-05-01")
    before = compute_signals(data, deals.frame["snapshot"], historical=True).values
    # Everything written at or after close: a final push, a cut, activities, the row.
    add_history(eng, "W1", "2026-05-20", close_date="2026-09-30", amount=100.0)
    add_activity(eng, "W1", "2026-05-15", contact="C2")
    add_activity(eng, "W1", "2026-05-31", contact="C3")
    with eng.atomic() as conn:
        conn.execute(
            "UPDATE opportunities SET next_step = 'Lost to competitor', "
            "last_activity_date = '2026-06-01', probability = 0, "
            "extra = '{\"MEDDIC_Champion__c\": \"Bob\"}' WHERE crm_id = 'W1'"
        )
    data = load_deal_data(eng)
    after = compute_signals(data, deals.frame["snapshot"], historical=True).values
    pd.testing.assert_frame_equal(before, after)
    # Current-state signals are not computed at all for closed deals.
    assert after[["next_step_missing", "champion_missing"]].isna().all().all()


def test_a_signal_reading_the_final_stage_is_refused_in_calibration(synthetic):
    leaky = SignalDef(
        "final_stage_lost",
        "Final stage is Closed Lost",
        "yes/no",
        "Reads the opportunity row's stage, which a closed deal got at close.",
        ("opportunities.stage",),
        lambda ctx: (ctx.data.opps["stage"].reindex(ctx.index) == "Closed Lost").astype(float),
    )
    assert not leaky.history_safe
    current_state = {k for k, s in SIGNALS.items() if not s.history_safe}
    assert current_state == {
        "next_step_missing",
        "champion_missing",
        "economic_buyer_missing",
        "contact_roles",
    }
    signals = {**SIGNALS, leaky.key: leaky}
    data = load_deal_data(synthetic)
    deals = closed_deals(data, pd.Timestamp(synthetic.as_of()))
    frame = compute_signals(data, deals.frame["snapshot"], historical=True, signals=signals)
    assert frame.values["final_stage_lost"].isna().all()
    assert "final_stage_lost" in frame.excluded
    # The leaky signal would predict every outcome perfectly on open-style computation...
    current = compute_signals(data, deals.frame["snapshot"], historical=False, signals=signals)
    assert (current.values["final_stage_lost"] == deals.frame["lost"]).all()
    # ...but calibration never sees it, so its AUC stays that of honest signals.
    report = calibrate(synthetic, signals=signals)
    assert "final_stage_lost" in report.excluded_signals
    assert any("final_stage_lost" in note for note in report.notes)
    assert all(w.signal != "final_stage_lost" for w in report.weights)
    assert report.auc is not None and report.auc < 0.95
