"""The open pipeline's activity signals summed up in SQL equal the row-by-row pandas
ones: on hand-built deals (hand-computed values), on the demo, and when a date is
not a plain day (then the pipeline reads the rows as before)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from scoring_helpers import add_activity, add_opp

from workbench.models import Engagement
from workbench.scoring.aggregates import activity_signals, plain_activity_days
from workbench.scoring.data import load_deal_data
from workbench.scoring.pipeline import score_pipeline
from workbench.scoring.rules import default_rule_set
from workbench.scoring.signals import compute_signals

SUMMED = ("days_since_activity", "days_since_meeting", "engaged_contacts", "ghosting_days")
AS_OF = "2026-06-30"


def _both_ways(eng: Engagement, as_of: str = AS_OF) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The four activity signals of the open deals: pandas from the rows, and SQL."""
    data = load_deal_data(eng)
    open_ids = data.opps.index[data.opps["is_closed"].fillna(0) != 1].astype(str)
    day = pd.Timestamp(as_of)
    snaps = pd.Series(day, index=open_ids)
    rows = compute_signals(data, snaps, historical=False, norms={}).values[list(SUMMED)]
    lean = load_deal_data(eng, activities=False)
    assert lean.activities.empty
    summed = pd.DataFrame(activity_signals(eng, lean, open_ids, day))[list(SUMMED)]
    return rows, summed


def _meeting(eng, crm_id, opp, day, people, *, is_external=None) -> None:
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO meetings (crm_id, channel, started_at, opportunity_crm_id, is_external, "
            "host_email, participant_emails) VALUES (?, 'zoom', ?, ?, ?, 'rep@us.com', ?)",
            (crm_id, day + "T15:00:00", opp, is_external, json.dumps(["rep@us.com", *people])),
        )


def _build(eng: Engagement) -> None:
    inbound = json.dumps({"CallType": "Inbound"})
    add_opp(eng, "A", created="2026-01-01", close="2026-09-30")
    add_activity(eng, "A", "2026-04-01", contact="C1")  # 90 days before: outside the window
    add_activity(eng, "A", "2026-04-02", contact="C2")  # 89 days before: inside
    add_activity(eng, "A", "2026-05-10", contact="C2", extra=inbound)  # the customer answers
    add_activity(eng, "A", "2026-05-20T08:30:00", kind="call")  # waiting since May 20
    add_activity(eng, "A", "2026-06-01", kind="event", contact="C3")
    add_activity(eng, "A", "2026-07-15", contact="C4")  # after the as-of day
    add_activity(eng, "A", "", contact="C5")  # no date: never counted
    _meeting(eng, "M1", "A", "2026-06-10", ["c2@them.com", "c6@them.com"])
    add_opp(eng, "B", created="2026-02-01", close="2026-09-30")
    add_activity(eng, "B", "2026-06-20", kind="task", contact="C7")
    _meeting(eng, "M2", "B", "2026-06-25", ["boss@them.com"])  # answered after the task
    add_opp(eng, "C", created="2026-03-01", close="2026-09-30")  # nothing logged at all
    add_opp(eng, "W", created="2025-01-01", close="2025-06-01", closed=True, won=True)
    add_activity(eng, "W", "2025-05-01", contact="C9", extra=inbound)
    with eng.atomic() as conn:  # dated by the start when the activity day is missing
        conn.execute(
            "INSERT INTO activities (crm_id, kind, opportunity_crm_id, contact_crm_id, "
            "started_at) VALUES ('S1', 'meeting', 'C', 'C8', '2026-06-28T10:00:00')"
        )


def test_summed_activity_signals_equal_the_row_by_row_ones(new_engagement):
    eng = new_engagement
    _build(eng)
    assert plain_activity_days(eng)
    rows, summed = _both_ways(eng)
    pd.testing.assert_frame_equal(summed, rows, check_exact=True)
    a, b, c = summed.loc["A"], summed.loc["B"], summed.loc["C"]
    assert a["days_since_activity"] == 20  # the meeting on June 10
    assert a["days_since_meeting"] == 20  # meeting beats the event of June 1
    # C2, C3 from activities (C1 is 90 days old, C4 later, C5 undated) and c6@them.com
    # from the meeting; c2@them.com is another person than contact C2
    assert a["engaged_contacts"] == 4
    assert a["ghosting_days"] == 0  # the customer attended the meeting of June 10
    assert b["ghosting_days"] == 0 and b["engaged_contacts"] == 2
    assert c["days_since_activity"] == 2 and c["days_since_meeting"] == 2
    assert c["ghosting_days"] == 0 and c["engaged_contacts"] == 1


def test_waiting_since_the_first_unanswered_outreach(new_engagement):
    eng = new_engagement
    _build(eng)
    rows, summed = _both_ways(eng, "2026-06-05")  # before the meeting of June 10
    pd.testing.assert_frame_equal(summed, rows, check_exact=True)
    assert summed.at["A", "ghosting_days"] == 16  # the call of May 20, after May 10's answer
    assert summed.at["A", "days_since_activity"] == 4


def test_without_any_answer_on_record_ghosting_is_not_available(new_engagement):
    eng = new_engagement
    add_opp(eng, "A", created="2026-01-01", close="2026-09-30")
    add_activity(eng, "A", "2026-06-01", contact="C1")
    rows, summed = _both_ways(eng)
    pd.testing.assert_frame_equal(summed, rows, check_exact=True)
    assert math.isnan(summed.at["A", "ghosting_days"])
    assert math.isnan(summed.at["A", "days_since_meeting"])
    assert summed.at["A", "days_since_activity"] == 29


def test_summed_signals_equal_the_row_by_row_ones_on_the_demo(demo_file):
    with Engagement.open(demo_file, read_only=True) as eng:
        assert plain_activity_days(eng)
        n_meetings = eng.conn.execute(
            "SELECT count(*) FROM meetings WHERE opportunity_crm_id IS NOT NULL"
        ).fetchone()[0]
        rows, summed = _both_ways(eng, eng.as_of().isoformat())
    # the demo's calls answer the outreach and add their attendees to the contacts
    assert n_meetings > 0 and len(rows) > 100
    assert (summed["ghosting_days"] > 0).any() and (summed["ghosting_days"] == 0).any()
    pd.testing.assert_frame_equal(summed, rows, check_exact=True)


@pytest.mark.parametrize("day", ["2026/06/01", "2026-02-30", "June 1, 2026", "2026-6-1"])
def test_a_date_that_is_not_a_plain_day_reads_the_rows_as_before(new_engagement, day):
    eng = new_engagement
    _build(eng)
    add_activity(eng, "C", day, contact="C10")
    assert not plain_activity_days(eng)
    # the pipeline reads the rows and pandas decides what is a date: the same scores
    # as when the rows are handed in
    data = load_deal_data(eng)
    given = score_pipeline(eng, rule_set=default_rule_set(), data=data)
    auto = score_pipeline(eng, rule_set=default_rule_set())
    assert [d.signals for d in auto.deals] == [d.signals for d in given.deals]
