"""The baselines' one-pass history read (``read_history``: numbers from SQL, deals by row
id) against the per-field reading it replaced (text ids, one query per field, read by
pandas) and against "value as of" worked out deal by deal, on the hard cases: odd and
unreadable dates, ties in time, a deal without history, history of a deal that is not
imported, text amounts, Commit spelt several ways, an empty or odd closed flag, row ids
too sparse for a dense lookup, and a filtered set of deals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from audits_loaders import insert_rows

from workbench.audits import run_baselines
from workbench.audits.common import AuditData
from workbench.audits.history import FieldHistory, history_positions, read_history

STAGES = ["Prospecting", "Qualification", "Negotiation"]


def _build(eng, *, sparse_ids: bool) -> None:
    eng.set_setting("as_of_date", "2026-01-10")
    insert_rows(eng, "users", [{"crm_id": "u1", "name": "Alice", "is_active": 1}])
    deals = [
        # crm_id, stage, closed, won, created, close, forecast category
        ("o1", "Closed Won", 1, 1, "2025-01-05", "2025-05-20", "Closed"),
        ("o2", "Negotiation", 0, 0, "2025-02-01", "2025-08-31", "Commit"),  # never Commit before
        ("o3", "Closed Lost", 1, 0, "2025-03-01", "2025-09-30", "Omitted"),
        ("o4", "Qualification", None, None, "2025-04-01", "2025-12-15", "Pipeline"),  # no flag
        ("o5", "Closed Won", 2, 1, "2025-01-10", "2025-11-30", "Closed"),  # odd closed flag
        ("o6", "Prospecting", 0, 0, "2024-12-01", None, None),  # no close date, no history
        ("o7", "Closed Won", 1, 1, "bad date", "2025-06-30", "Closed"),
    ]
    rows = []
    for i, (crm_id, stage, closed, won, created, close, category) in enumerate(deals):
        row = {"crm_id": crm_id, "owner_crm_id": "u1", "stage": stage, "amount": 1000 * (i + 1),
               "created_date": created, "close_date": close, "is_closed": closed,
               "is_won": won, "forecast_category": category}  # fmt: skip
        if sparse_ids:
            row["id"] = 10_000_000 * (i + 1)  # far too sparse for a dense lookup
        rows.append(row)
    insert_rows(eng, "opportunities", rows)
    history = [
        # deal, changed at, close date, amount, forecast category, stage
        ("o1", "2025-01-05T09:00:00", "2025-03-31", 900, "Pipeline", "Prospecting"),
        ("o1", "2025-02-10 10:00:00", "2025-04-30", None, " COMMIT ", "Qualification"),
        ("o1", "2025-02-10T10:00:00", "2025-05-31", "1,000", None, None),  # tie in time
        ("o1", "2025-05-20T00:00:00", "2025-05-20", 1000, "Closed", "Closed Won"),
        ("o2", "2025-02-01T08:00:00", "2025-06-30", 2000, "Best Case", "Qualification"),
        ("o2", "2025-06-30T23:59:59", "2025-09-30", "abc", None, "Negotiation"),
        ("o2", "not a time", "2025-07-15", 5, "commit", None),  # unreadable moment
        ("o3", "2025-03-01T00:00:00", "2025-03-31", 3000, "Commit", "Prospecting"),
        ("o3", "2025-04-01T00:00:00", "garbage", None, None, "Unknown stage"),
        ("o3", "2025-07-01T00:00:00.999", "2025-09-30", 3500, "Pipeline", "Negotiation"),
        ("o4", "2025-04-01T00:00:00", None, 4000, None, "Qualification"),
        ("o4", "2025-10-01T00:00:00", "2025-12-15", None, "Commit", None),
        ("o5", "2025-01-10T12:00:00", "2025-09-30", 5000, "Commit", "Negotiation"),
        ("o5", "2025-10-01T00:00:00", "2025-11-30", 5000, "Closed", "Closed Won"),
        ("o7", "2025-04-01T00:00:00", "2025-06-30", 7000, "commit", "Qualification"),
        ("gone", "2025-04-01T00:00:00", "2025-06-30", 1, "Commit", "Negotiation"),  # no deal
    ]
    insert_rows(eng, "opportunity_history", [
        {"opportunity_crm_id": d, "changed_at": t, "close_date": c, "amount": a,
         "forecast_category": f, "stage": s}
        for d, t, c, a, f, s in history
    ])  # fmt: skip


def _as_of_by_hand(changed, positions, values, current, moment) -> np.ndarray:
    """Each deal's latest value at or before ``moment`` (ties: the later row), else its
    earliest known value, else ``current``: one deal at a time."""
    frame = pd.DataFrame({"t": changed.to_numpy(), "p": positions, "v": values.to_numpy()})
    frame = frame[(frame["p"] >= 0) & frame["v"].notna() & frame["t"].notna()]
    frame = frame.sort_values("t", kind="stable")
    out = np.array(current, dtype=object)
    for position, changes in frame.groupby("p", sort=False):
        before = changes[changes["t"] <= moment]
        out[position] = (before if len(before) else changes.head(1))["v"].iloc[-1]
    return out


def _moments(data: AuditData) -> list[pd.Timestamp]:
    times = data.table("history_close")["changed"].dropna()
    edges = [pd.Timestamp("2024-06-01"), pd.Timestamp("2025-07-01"),
             pd.Timestamp("2025-09-30 23:59:59"), pd.Timestamp("2026-02-01")]  # fmt: skip
    return sorted({*edges, *times, *(times - pd.Timedelta(seconds=1))})


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return list(pd.Series(a, dtype=object).fillna("missing")) == list(
        pd.Series(b, dtype=object).fillna("missing")
    )


@pytest.mark.parametrize("sparse_ids", [False, True])
@pytest.mark.parametrize("keep", [None, ["o1", "o3", "o5", "o7"]])
def test_history_read_in_one_pass_equals_the_per_field_reading(new_engagement, sparse_ids, keep):
    eng = new_engagement
    _build(eng, sparse_ids=sparse_ids)
    data = AuditData(eng)
    opps = data.table("opportunities")
    deals = opps["crm_id"].astype(object)
    if keep:  # a filtered view: positions among the deals kept
        deals = deals[deals.isin(keep)].reset_index(drop=True)
    close_now = opps.set_index("crm_id").loc[list(deals), "close_day"].to_numpy()
    new = read_history(eng.conn, deals, STAGES, ("2025-04-01", "2025-12-31"))

    # close dates: the per-field query, worked out deal by deal
    old = data.table("history_close")
    old_positions = history_positions(old, deals)
    close_hist = FieldHistory(new.close_changed, new.close_positions, new.close_day, close_now)
    for moment in _moments(data):
        expected = _as_of_by_hand(old["changed"], old_positions, old["close_day"], close_now,
                                  moment)  # fmt: skip
        assert _same(close_hist.as_of(moment), expected), moment
    # a deal without history keeps its close date; history of no imported deal is ignored
    assert new.rows == 15

    # Commit flags and amounts: only the deals in Commit at some moment
    old = data.table("history_forecast")
    old_positions = history_positions(old, deals)
    category = old["forecast_category"].astype(object)
    flags = category.astype(str).str.lower().str.replace(" ", "").eq("commit").astype(float)
    old_commit = flags.where(category.notna())
    current = opps.set_index("crm_id").loc[list(deals)]
    commit_now = np.where(current["forecast_category"].astype(str).eq("Commit"), 1.0, 0.0)
    amount_now = current["amount"].to_numpy(dtype=float)
    commit = FieldHistory(new.forecast_changed, new.forecast_positions, new.forecast_commit,
                          commit_now)  # fmt: skip
    amount = FieldHistory(new.forecast_changed, new.forecast_positions, new.forecast_amount,
                          amount_now)  # fmt: skip
    for moment in _moments(data):
        assert _same(commit.as_of(moment), _as_of_by_hand(
            old["changed"], old_positions, old_commit, commit_now, moment))  # fmt: skip
        assert _same(amount.as_of(moment), _as_of_by_hand(
            old["changed"], old_positions, old["amount"], amount_now, moment))  # fmt: skip
    # o2 is Commit now and in history only as an unreadable moment: its snapshot is
    # its current value before any readable change (as the per-field reading had it)
    if not keep:
        assert commit.as_of(pd.Timestamp("2024-06-01"))[1] == 0.0  # Best Case first

    # stages reached by the deals closed (flag 1) with a close date in the range
    pairs = eng.conn.execute(
        "SELECT DISTINCT opportunity_crm_id, stage FROM opportunity_history WHERE stage IS "
        "NOT NULL AND opportunity_crm_id IN (SELECT crm_id FROM opportunities WHERE "
        "is_closed = 1 AND close_date BETWEEN '2025-04-01' AND '2025-12-31')"
    ).fetchall()
    position = {d: i for i, d in enumerate(deals)}
    expected = sorted(
        position[d] * len(STAGES) + STAGES.index(s)
        for d, s in pairs
        if d in position and s in STAGES
    )
    assert list(new.stage_pairs) == expected


def test_baselines_figures_do_not_depend_on_the_row_ids(new_engagement, tmp_path):
    from workbench.models import Engagement, EngagementMeta

    _build(new_engagement, sparse_ids=False)
    dense = run_baselines(new_engagement, record=False)
    other = Engagement.create(
        tmp_path / "Sparse.engagement",
        EngagementMeta(customer="Acme Corp", jurisdictions=["US-CA"], fiscal_year_start_month=1),
    )
    try:
        _build(other, sparse_ids=True)
        sparse = run_baselines(other, record=False)
    finally:
        other.close()
    assert [vars(r) for r in sparse.rows] == [vars(r) for r in dense.rows]
    assert sparse.slippage == dense.slippage
    assert sparse.stage_conversion == dense.stage_conversion
    # FY2025-Q3 by hand: o2 (moved to 2025-09-30 on 2025-06-30 23:59:59), o3 (to
    # 2025-09-30 at 2025-07-01 00:00:00.999, read to the second: the quarter's first
    # moment) and o5 (2025-09-30 since January) were forecast in it; o2 is still open and
    # o5 (closed flag 2: closed) closed on 2025-11-30, after the quarter: both slipped.
    # o4's first known close date is 2025-12-15; o7 has no readable created date.
    q3 = dense.slippage["by_quarter"]["FY2025-Q3"]
    assert (q3["slipped"], q3["forecast_in_quarter"]) == (2, 3)
