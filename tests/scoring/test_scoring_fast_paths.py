"""The open pipeline's fast paths give what the plain ones gave, on hard cases.

The deal records are read with SQLite's own UTF-8 decoder, the history in its index's
order, each distinct date parsed once; the scores are built column by column. Each is
compared here with the plain way (``pd.read_sql_query`` and a row-by-row look-up) on
odd and empty dates, text that is not UTF-8, deals without history or without a row,
equal change times and equal points."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scoring_helpers import add_activity, add_history, add_opp

from workbench.models import Engagement
from workbench.scoring.aggregates import activity_presence
from workbench.scoring.data import DIRECTION_SQL, fetch_rows, load_deal_data
from workbench.scoring.pipeline import _deal_scores, score_pipeline
from workbench.scoring.rules import apply_rules, default_rule_set
from workbench.scoring.signals import SIGNALS, compute_signals, stage_norms

NOT_UTF8 = "CAST(x'41636d65ff' AS TEXT)"  # 'Acme' with a stray byte: not UTF-8


def _plain_days(series: pd.Series) -> pd.Series:
    """The day parsing as it was: every value through pandas, no sharing."""
    text = series.astype("string").str.slice(0, 10)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")


def _plain_read(eng: Engagement) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The opportunities, the history and the activities as ``load_deal_data`` read
    them before."""
    opps = pd.read_sql_query(
        "SELECT crm_id, created_date, close_date, is_closed, is_won, stage, amount, "
        "next_step, extra, name, owner_crm_id FROM opportunities",
        eng.conn,
    )
    opps["created"] = _plain_days(opps["created_date"])
    opps["close"] = _plain_days(opps["close_date"])
    opps = opps.drop(columns=["created_date", "close_date"]).set_index("crm_id")
    history = pd.read_sql_query(
        "SELECT opportunity_crm_id AS opp, changed_at, stage, amount, close_date "
        "FROM opportunity_history ORDER BY changed_at",
        eng.conn,
    )
    history["at"] = _plain_days(history["changed_at"])
    history["close_date"] = _plain_days(history["close_date"])
    history = history.drop(columns=["changed_at"]).dropna(subset=["at"])
    acts = pd.read_sql_query(
        "SELECT opportunity_crm_id AS opp, coalesce(activity_date, started_at) AS at, kind, "
        f"contact_crm_id AS contact, {DIRECTION_SQL} AS direction FROM activities "
        "WHERE opportunity_crm_id IS NOT NULL",
        eng.conn,
    )
    acts["at"] = _plain_days(acts["at"])
    acts["inbound"] = acts["direction"].str.contains("inbound|incoming", regex=True)
    acts = acts.drop(columns=["direction"]).dropna(subset=["at"])
    return opps, history, acts


def _build(eng: Engagement) -> None:
    meddic = '{"MEDDIC_Champion__c": "", "MEDDIC_Economic_Buyer__c": "CFO"}'
    add_opp(eng, "A", created="2026-01-05", close="2026-09-30", extra=meddic)
    add_opp(eng, "B", created="2026-02-30", close="", extra=meddic, next_step=None)
    add_opp(eng, "C", created="2026/02/01", close="2026-08-01T10:00:00", extra="{not json")
    add_opp(eng, "D", created="", close="2026-07-31", extra="[1, 2]", amount=float("nan"))
    add_opp(eng, "W", created="2025-01-01", close="2025-06-01", closed=True, won=True)
    add_opp(eng, "L", created="2025-02-01", close="2025-07-01", closed=True, won=False)
    with eng.atomic() as conn:  # a number as a date, no dates, a name that is not UTF-8
        conn.execute(
            "INSERT INTO opportunities (crm_id, name, stage, amount, close_date, "
            f"created_date, is_closed) VALUES ('E', {NOT_UTF8}, 'Proposal', '12,5', 20260901, "
            "NULL, 0)"
        )
    # W's history: its stints give the won-deal norms
    add_history(eng, "W", "2025-01-01", stage="Discovery", amount=500.0)
    add_history(eng, "W", "2025-03-01", stage="Proposal", close_date="2025-05-01")
    add_history(eng, "W", "2025-05-01", stage="Closed Won", close_date="2025-06-01")
    # A: pushed twice, amount cut, and two changes at the same moment (stored in the
    # order Proposal then Negotiation) after one stored out of time order
    add_history(eng, "A", "2026-05-01", stage="Proposal", close_date="2026-08-01")
    add_history(eng, "A", "2026-01-05", stage="Discovery", amount=2000.0, close_date="2026-06-30")
    add_history(eng, "A", "2026-06-01", stage="Proposal", amount=1500.0)
    add_history(eng, "A", "2026-06-01", stage="Negotiation", close_date="2026-09-30")
    # C: an odd date (dropped), a time stamp, a stage that is not UTF-8
    add_history(eng, "C", "2026/03/01", stage="Discovery")
    add_history(eng, "C", "2026-03-02", stage="Proposal", close_date="2026-02-30")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO opportunity_history (crm_id, opportunity_crm_id, changed_at, stage) "
            f"VALUES ('HX', 'C', '2026-04-01T23:59:59', {NOT_UTF8})"
        )
    # B, D and E have no history; D and E no activity either, C only a later one
    add_activity(eng, "A", "2026-06-20", kind="meeting", contact="C1")
    add_activity(eng, "B", "2026-06-01", contact="C2", extra='{"Direction": "Inbound"}')
    add_activity(eng, "C", "2027-03-01", contact="C3")  # after the scoring day only


def test_the_records_read_as_read_sql_query_read_them(new_engagement):
    eng = new_engagement
    _build(eng)
    data = load_deal_data(eng)
    opps, history, acts = _plain_read(eng)
    pd.testing.assert_frame_equal(data.opps, opps, check_exact=True)
    pd.testing.assert_frame_equal(data.activities, acts, check_exact=True)
    assert data.activities["inbound"].tolist() == [False, True, False]  # A, B, C
    assert data.opps.at["E", "name"] == "Acme\ufffd" and data.opps.at["E", "amount"] == "12,5"
    assert pd.isna(data.opps.at["B", "created"]) and pd.isna(data.opps.at["E", "close"])
    # only the order within a deal counts (every reader sorts by deal and day, stably)
    before = history.sort_values("opp", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(data.history.reset_index(drop=True), before, check_exact=True)
    a = data.history[data.history["opp"] == "A"]
    assert a["stage"].tolist() == ["Discovery", "Proposal", "Proposal", "Negotiation"]
    c = data.history[data.history["opp"] == "C"]
    assert c["stage"].tolist() == ["Proposal", "Acme\ufffd"]  # 2026/03/01 dropped
    assert pd.isna(c["close_date"].iloc[0])


def test_text_that_is_not_utf8_reads_as_the_engagement_reads_it(new_engagement):
    eng = new_engagement
    factory = eng.conn.text_factory
    columns, rows = fetch_rows(eng.conn, f"SELECT {NOT_UTF8} AS t, 'ok' AS u")
    assert columns == ["t", "u"] and rows == [("Acme\ufffd", "ok")]
    assert eng.conn.execute(f"SELECT {NOT_UTF8}").fetchall() == [("Acme\ufffd",)]
    assert eng.conn.text_factory is factory  # the engagement's decoder is back
    _, rows = fetch_rows(eng.conn, "SELECT ?, ?", ("Zürich", 3))
    assert rows == [("Zürich", 3)] and eng.conn.text_factory is factory


def _plain_scores(rule_set, data, values, scored, snapshots) -> list[tuple]:
    """Each deal's score, field by field, looked up row by row."""
    rules = {r.signal: r for r in rule_set.active()}
    out = []
    for opp in values.index:
        row = data.opps.loc[opp] if opp in data.opps.index else None

        def cell(name, row=row):
            v = None if row is None else row[name]
            return None if isinstance(v, float) and math.isnan(v) else v

        try:
            amount = float(cell("amount"))
            amount = None if math.isnan(amount) else amount
        except (TypeError, ValueError):
            amount = None
        close = None if row is None or pd.isna(row["close"]) else row["close"].date().isoformat()
        signals = {k: None if math.isnan(v) else v for k, v in values.loc[opp].items()}
        points = scored.contributions.loc[opp]
        fired = [
            (sig, SIGNALS[sig].label, values.at[opp, sig], rules[sig].describe(), points[sig])
            for sig in points.index
            if points[sig] > 0
        ]
        fired.sort(key=lambda r: -r[4])  # stable: equal points keep the rules' order
        probability = rule_set.probability(scored.scores)
        out.append(
            (
                str(opp), cell("name"), cell("stage"), amount, close, cell("owner_crm_id"),
                pd.Timestamp(snapshots[opp]).date().isoformat(), float(scored.scores[opp]),
                str(scored.bands[opp]),
                None if probability is None else float(probability[opp]),
                fired, signals, [s for s in rules if signals.get(s) is None],
            )
        )  # fmt: skip
    return out


def test_the_scores_built_column_by_column_equal_a_row_by_row_look_up(new_engagement):
    eng = new_engagement
    _build(eng)
    data = load_deal_data(eng)
    as_of = pd.Timestamp("2026-06-30")
    snaps = pd.Series(as_of, index=["A", "B", "C", "D", "E", "ZZ"])  # ZZ has no row
    frame = compute_signals(data, snaps, historical=False, norms=stage_norms(data))
    rule_set = default_rule_set()
    rule_set.prob_intercept, rule_set.prob_slope = -2.0, 0.05
    scored = apply_rules(rule_set, frame.values)
    deals = _deal_scores(rule_set, data, frame.values, scored, frame.snapshots)
    got = [
        (d.opportunity_crm_id, d.name, d.stage, d.amount, d.close_date, d.owner_crm_id,
         d.as_of, d.score, d.band, d.probability,
         [(r.signal, r.label, r.value, r.rule, r.points) for r in d.reasons],
         d.signals, d.not_available)
        for d in deals
    ]  # fmt: skip
    assert got == _plain_scores(rule_set, data, frame.values, scored, frame.snapshots)
    by_id = {d.opportunity_crm_id: d for d in deals}
    # equal points keep the rules' order: next step, engaged contacts, contact roles...
    a = [r.signal for r in by_id["A"].reasons]
    assert by_id["A"].signals["close_pushes"] == 2.0 and "close_pushes" in a
    assert by_id["B"].signals["champion_missing"] == 1.0
    assert by_id["B"].signals["economic_buyer_missing"] == 0.0
    assert by_id["C"].signals["champion_missing"] is None  # not JSON: not available
    assert by_id["D"].amount is None and by_id["E"].amount is None and by_id["E"].close_date is None
    assert by_id["ZZ"].name is None and by_id["ZZ"].close_date is None
    assert np.isclose(sum(r.points for r in by_id["A"].reasons), by_id["A"].score)


def test_the_pipeline_scores_the_hard_cases_the_same_from_handed_in_records(new_engagement):
    eng = new_engagement
    _build(eng)
    given = score_pipeline(eng, rule_set=default_rule_set(), data=load_deal_data(eng))
    auto = score_pipeline(eng, rule_set=default_rule_set())
    assert [(d.opportunity_crm_id, d.score, d.signals) for d in auto.deals] == [
        (d.opportunity_crm_id, d.score, d.signals) for d in given.deals
    ]
    assert {d.opportunity_crm_id for d in auto.deals} == {"A", "B", "C", "D", "E"}


def test_activity_presence(new_engagement):
    eng = new_engagement
    assert activity_presence(eng) == (0, 0, 0, 0)
    add_opp(eng, "A", created="2026-01-01", close="2026-09-30")
    add_activity(eng, "A", "", kind="meeting", contact="C1", extra='{"direction": "Inbound"}')
    assert activity_presence(eng) == (0, 0, 0, 0)  # undated: counts for nothing
    add_activity(eng, "A", "2027-01-01", extra="{not json")  # later than any as-of day
    assert activity_presence(eng) == (1, 0, 0, 0)
    add_activity(eng, "A", "2026-05-01", kind="event", extra='{"CallType": "Incoming"}')
    assert activity_presence(eng) == (1, 1, 0, 1)
    add_activity(eng, "A", "2026-05-02", contact="C2")
    assert activity_presence(eng) == (1, 1, 1, 1)
