"""The baselines' per-quarter figures (slippage, deals in play, pipeline, won and lost) and
its parts made fast (the Commit test in SQL, the per-key sums) against straightforward
reference computations, deal by deal, on the hard cases: deals without history, history
after the as-of day, several changes at the same moment, stage names nobody agreed on, a
quarter in which no deal closes, deals without a created or close date, amounts with
cents and none, and a fiscal year starting in February."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from audits_loaders import insert_rows

from workbench.audits import run_baselines
from workbench.audits.baselines import _group_sums
from workbench.audits.history import _COMMIT_CODE
from workbench.models import Engagement
from workbench.models.engagement import EngagementMeta

# Fiscal year from February, as of 2026-06-15: the four complete quarters before it.
QUARTERS = [
    (date(2025, 5, 1), date(2025, 7, 31)),
    (date(2025, 8, 1), date(2025, 10, 31)),  # no deal closes in it
    (date(2025, 11, 1), date(2026, 1, 31)),
    (date(2026, 2, 1), date(2026, 4, 30)),
]
STAGES = ["Prospecting", "Qualification", "Proposal", "Closed Won", "Closed Lost",
          "odd  stage", "Ünknown/Stage"]  # fmt: skip


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _build(eng: Engagement) -> tuple[list[dict], list[dict]]:
    """About eighty deals of three reps and their history, made at random (seeded)."""
    rng = random.Random(20)
    eng.set_setting("as_of_date", "2026-06-15")
    insert_rows(eng, "users", [{"crm_id": f"u{i}", "name": f"Rep {i}", "is_active": 1}
                               for i in range(3)])  # fmt: skip
    deals, history = [], []
    base = date(2024, 11, 1)
    for i in range(80):
        created = base + timedelta(days=rng.randrange(0, 560))
        close = created + timedelta(days=rng.randrange(-20, 200))
        closed = rng.random() < 0.6
        if closed and date(2025, 8, 1) <= close <= date(2025, 10, 31):
            close += timedelta(days=100)  # keep the second quarter without a closed deal
        amount = rng.choice([None, 1000.0, 2500.0, 1234.56, 99.99, 50_000.0, 0.0])
        deal = {
            "crm_id": f"d{i:03d}", "owner_crm_id": f"u{i % 3}", "amount": amount,
            "created_date": _day(created) if i % 17 else None,  # some without a created date
            "close_date": _day(close) if i % 23 else None,  # some without a close date
            "is_closed": int(closed), "is_won": int(closed and rng.random() < 0.45),
            "forecast_category": rng.choice(["Commit", "Pipeline"]),
        }  # fmt: skip
        # closed deals carry a closed stage, open ones any other (odd names included)
        won_or_lost = "Closed Won" if deal["is_won"] else "Closed Lost"
        deal["stage"] = won_or_lost if closed else rng.choice([*STAGES[:3], *STAGES[5:]])
        deals.append(deal)
        if i % 5 == 0:
            continue  # a deal without history
        moment = datetime.combine(created, datetime.min.time()) + timedelta(hours=9)
        for _ in range(rng.randrange(1, 6)):
            step = rng.choice([0, 0, 1, 7, 30, 90])  # 0: the same moment as the last change
            moment += timedelta(days=step)
            if rng.random() < 0.15:  # at midnight: on a quarter's first day, or any day
                moment = datetime.combine(rng.choice(QUARTERS)[0], datetime.min.time())
            changed = moment.isoformat()
            new_close = close + timedelta(days=rng.randrange(-60, 120))
            history.append({
                "opportunity_crm_id": deal["crm_id"], "changed_at": changed,
                "close_date": _day(new_close) if rng.random() < 0.85 else None,
                "stage": rng.choice(STAGES), "amount": amount,
                "forecast_category": rng.choice(["Commit", "Pipeline", None]),
            })  # fmt: skip
    # history after the as-of day, and of a deal that was not imported
    history.append({"opportunity_crm_id": "d001", "changed_at": "2026-09-01T10:00:00",
                    "close_date": "2027-01-15", "stage": "Proposal"})  # fmt: skip
    history.append({"opportunity_crm_id": "gone", "changed_at": "2025-06-01T10:00:00",
                    "close_date": "2025-06-30", "stage": "Proposal"})  # fmt: skip
    insert_rows(eng, "opportunities", deals)
    insert_rows(eng, "opportunity_history", history)
    return deals, history


def _reference(deals: list[dict], history: list[dict]) -> dict:
    """(owner or ALL, quarter index) -> the figures, worked out one deal at a time."""
    changes: dict[str, list[tuple]] = {}
    for row_id, h in enumerate(history):
        if h.get("close_date"):
            changed = datetime.fromisoformat(h["changed_at"])
            changes.setdefault(h["opportunity_crm_id"], []).append(
                (changed, row_id, date.fromisoformat(h["close_date"]))
            )
    out: dict[tuple[str, int], dict] = {}
    for d in deals:
        created = date.fromisoformat(d["created_date"]) if d["created_date"] else None
        close = date.fromisoformat(d["close_date"]) if d["close_date"] else None
        mine = sorted(changes.get(d["crm_id"], []))  # by moment, then as imported
        initial = mine[0][2] if mine else close

        def as_of(moment: datetime, mine=mine, initial=initial) -> date | None:
            before = [c for c in mine if c[0] <= moment]
            return before[-1][2] if before else initial

        for qi, (start, end) in enumerate(QUARTERS):
            open_at = created is not None and created <= start and not (
                d["is_closed"] and close is not None and close < start
            )
            created_in = created is not None and start < created <= end
            planned = initial if created_in else as_of(datetime.combine(start, datetime.min.time()))
            forecast = (open_at or created_in) and planned is not None and start <= planned <= end
            at_end = as_of(datetime.combine(end, datetime.max.time().replace(microsecond=0)))
            closed_by_end = bool(d["is_closed"]) and close is not None and close <= end
            slipped = forecast and ((at_end is not None and at_end > end) or not closed_by_end)
            closed_in = bool(d["is_closed"]) and close is not None and start <= close <= end
            for key in (d["owner_crm_id"], "ALL"):
                f = out.setdefault((key, qi), {"forecast": 0, "slipped": 0, "in_play": 0,
                                               "pipeline": 0.0, "won": 0, "lost": 0})  # fmt: skip
                f["forecast"] += forecast
                f["slipped"] += slipped
                f["in_play"] += open_at or created_in
                f["pipeline"] += (d["amount"] or 0.0) if forecast else 0.0
                f["won"] += closed_in and bool(d["is_won"])
                f["lost"] += closed_in and not d["is_won"]
    return out


def test_quarter_figures_equal_a_deal_by_deal_reference(tmp_path):
    eng = Engagement.create(
        tmp_path / "Feb.engagement",
        EngagementMeta(customer="Feb Corp", jurisdictions=["US-CA"], fiscal_year_start_month=2),
    )
    try:
        deals, history = _build(eng)
        result = run_baselines(eng, record=False)
    finally:
        eng.close()
    assert list(result.quarter_ranges.values()) == [
        [s.isoformat(), e.isoformat()] for s, e in QUARTERS
    ]
    reference = _reference(deals, history)
    assert not any(reference[("ALL", 1)][k] for k in ("won", "lost"))  # no deal closed in it
    checked = 0
    for (key, qi), want in reference.items():
        label = result.quarters[qi]
        row = result.row(label, "overall" if key == "ALL" else "owner", key)
        assert row is not None, (key, label)
        got = {"forecast": row.forecast_in_quarter, "slipped": row.slipped,
               "in_play": row.in_play, "won": row.won, "lost": row.lost}  # fmt: skip
        assert got == {k: int(v) for k, v in want.items() if k != "pipeline"}, (key, label)
        assert row.pipeline_in_quarter == pytest.approx(want["pipeline"], abs=1e-6)
        checked += 1
    assert checked == 16
    assert sum(reference[("ALL", qi)]["slipped"] for qi in range(4)) > 0
    _check_stage_conversion(result, deals, history)


def _check_stage_conversion(result, deals: list[dict], history: list[dict]) -> None:
    """Stage reach, win and move-on counts of the deals closed in the quarters, one deal at
    a time: the stages reached are the current one and, for deals closed (flag 1) with a
    close date in the closing range, those in history; the open stages in the agreed order
    are the ones the result lists (that order is worked out elsewhere)."""
    order = [c.stage for c in result.stage_conversion if c.quarter == "ALL"]
    assert {"odd  stage", "Ünknown/Stage", "Proposal"} <= set(order)
    labels = result.quarters
    closing = []
    for d in deals:
        close = date.fromisoformat(d["close_date"]) if d["close_date"] else None
        for qi, (start, end) in enumerate(QUARTERS):
            if d["is_closed"] and close is not None and start <= close <= end:
                closing.append((d, labels[qi]))
    low = min(d["close_date"] for d, _ in closing)
    high = max(d["close_date"] for d, _ in closing)
    counts: dict[tuple[str, str], list[int]] = {}
    for d, label in closing:
        reached = {d["stage"]}
        if d["is_closed"] == 1 and low <= d["close_date"] <= high:
            reached |= {h["stage"] for h in history if h["opportunity_crm_id"] == d["crm_id"]}
        places = sorted(order.index(s) for s in reached if s in order)
        for place in places:
            moved = places[-1] > place or bool(d["is_won"])
            for quarter in (label, "ALL"):
                c = counts.setdefault((quarter, order[place]), [0, 0, 0])
                c[0] += 1
                c[1] += bool(d["is_won"])
                c[2] += moved
    got = {(c.quarter, c.stage): c for c in result.stage_conversion}
    for key, (n, won, moved) in counts.items():
        assert (got[key].reached, got[key].won) == (n, won), key
        assert got[key].to_next == pytest.approx(moved / n), key
    assert {k for k, c in got.items() if c.reached} == set(counts)


CATEGORIES = [
    "Commit", "commit", " COMMIT ", "Com mit", "CoMmIt", "Closed", "Best Case", "Pipeline",
    "Omitted", "", " ", "c", "C", "d", "D", "b", "B", "!", "Commitment", "ccommit", "\tcommit",
    "commit\n", "Ćommit", "zcommit", "Commit ", "  commit", "~", "@commit", "[commit",
]  # fmt: skip


def test_commit_code_equals_lower_replace_for_every_spelling():
    """The SQL Commit code decides as ``lower(replace(x, ' ', '')) = 'commit'`` does, for
    text of every first character, numbers, blobs and NULL."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE h (forecast_category TEXT)")
    conn.execute("CREATE TABLE raw (forecast_category)")  # no affinity: numbers, blobs
    values = [*CATEGORIES, *(chr(c) + "ommit" for c in range(1, 256)), None]
    conn.executemany("INSERT INTO h VALUES (?)", [(v,) for v in values])
    conn.executemany("INSERT INTO raw VALUES (?)",
                     [(5,), (2.5,), (b"commit",), (b"Commit",), (None,)])  # fmt: skip
    reference = (
        "CASE WHEN h.forecast_category IS NULL THEN 0 "
        "WHEN lower(replace(h.forecast_category, ' ', '')) = 'commit' THEN 2 ELSE 1 END"
    )
    for table in ("h", "raw"):
        rows = conn.execute(
            f"SELECT h.forecast_category, {_COMMIT_CODE}, {reference} FROM {table} AS h"
        ).fetchall()
        assert all(fast == slow for _, fast, slow in rows), [r for r in rows if r[1] != r[2]]
    rows = conn.execute(f"SELECT h.forecast_category, {_COMMIT_CODE} FROM h AS h").fetchall()
    commit = {value for value, code in rows if code == 2}
    assert commit == {"Commit", "commit", " COMMIT ", "Com mit", "CoMmIt", "Commit ", "  commit"}


@pytest.mark.parametrize("money", ["whole", "cents", "huge"])
def test_group_sums_equal_pandas_groupby(money):
    """Sums per key code (code -1 left out) equal ``groupby(codes).sum()`` to the last
    digit: counts of flags, and money whole, with cents, or too large to add exactly."""
    rng = np.random.default_rng(6)
    n, keys = 20_000, 40
    codes = rng.integers(-1, keys, n)
    codes[codes == 7] = 8  # a key with no deal at all
    flags = rng.random(n) < 0.3
    if money == "whole":
        amounts = rng.integers(0, 10**6, n).astype(float)
    elif money == "cents":
        amounts = np.round(rng.random(n) * 10**5, 2)
    else:
        amounts = rng.random(n) * 2.0**60
    amounts[rng.random(n) < 0.5] = 0.0
    got = _group_sums(codes, keys, flags, ~flags, amounts)
    frame = pd.DataFrame({"a": flags, "b": ~flags, "c": amounts})
    keep = codes >= 0
    want = frame[keep].groupby(codes[keep])[["a", "b", "c"]].sum()
    assert [g[0] for g in got] == want.index.tolist()
    assert 7 not in want.index
    for (code, a, b, c), (_, row) in zip(got, want.iterrows(), strict=True):
        assert (a, b) == (row["a"], row["b"]), code
        assert c == row["c"], code  # exactly, not approximately


def test_history_read_packed_equals_unpacked(new_engagement):
    """Row id and code packed into one number, or read as two (row ids below zero cannot
    be packed): the same history, field by field."""
    from test_audits_history_read import STAGES as HISTORY_STAGES
    from test_audits_history_read import _build as build_history

    from workbench.audits.common import AuditData
    from workbench.audits.history import read_history

    eng = new_engagement
    build_history(eng, sparse_ids=False)
    deals = AuditData(eng).table("opportunities")["crm_id"].astype(object)
    closing = ("2025-04-01", "2025-12-31")
    packed = read_history(eng.conn, deals, HISTORY_STAGES, closing)
    with eng.atomic() as conn:  # the same deals under row ids below zero
        conn.execute("UPDATE opportunities SET id = -id")
    unpacked = read_history(eng.conn, deals, HISTORY_STAGES, closing)
    assert packed.rows == unpacked.rows == 15
    for name in ("close_changed", "close_positions", "close_day", "forecast_changed",
                 "forecast_positions", "forecast_commit", "forecast_amount", "stage_pairs"):  # fmt: skip
        a, b = np.asarray(getattr(packed, name)), np.asarray(getattr(unpacked, name))
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fM"), name
    assert len(packed.stage_pairs) and np.nansum(packed.forecast_commit) > 0
