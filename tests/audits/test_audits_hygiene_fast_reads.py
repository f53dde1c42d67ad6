"""The audits' faster reads give what a plain computation gives, on awkward data.

The deals' amounts are converted by SQLite only for deals in another currency; the
categorical columns are built from each block's codes; the open deals' activity
contacts are not read when their activities name none; the last touch of each open
deal is kept by position; moments are cut by one function per value; the matching
audit reads all deals in one pass when most accounts are matched. Each is compared
here with a straightforward reference on records chosen to trip it: NULL, blank and
odd values, text that is not UTF-8, blocks of NULLs, deals with no activities,
activities after the as-of day, ties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from audits_loaders import insert_rows

import workbench.audits.common as common
import workbench.audits.matching as matching
from workbench.audits.common import _AMOUNT_SQL, AuditData, to_moment
from workbench.audits.crm_hygiene import _last_touch, _last_touch_grouped

AS_OF = "2026-06-30"


def _deals(eng) -> None:
    """Deals in four currencies (a rate for EUR only), amounts as numbers, text and
    NULL, stages with a NULL run, blanks, and one stage and one account id that are
    not UTF-8."""
    eng.set_setting("as_of_date", AS_OF)
    insert_rows(eng, "currency_rates", [
        {"crm_id": "r1", "iso_code": "EUR", "rate": 0.9, "start_date": None,
         "next_start_date": "2026-01-01"},
        {"crm_id": "r2", "iso_code": "EUR", "rate": 0.8, "start_date": "2026-01-01",
         "next_start_date": None},
    ])  # fmt: skip
    rows = [
        # crm_id, stage, amount, currency, close, account
        ("d01", None, 100, "USD", "2025-06-01", "a1"),
        ("d02", None, 250, "eur", "2025-06-01", "a1"),
        ("d03", None, 250, "EUR", "2026-03-01", "a2"),
        ("d04", "Prospecting", "n/a", "EUR", None, "a2"),
        ("d05", " Prospecting ", 70, "GBP", "2026-03-01", None),
        ("d06", "", None, "GBP", "2026-03-01", "a3"),
        ("d07", "Closed Won", 12.5, None, "2026-02-01", "a3"),
        ("d08", "closed won", 3, "usd", "soon", " a1"),
        ("d09", "Négociation – étape 3", 9, "JPY", "2026-04-01", "a4"),
        ("d10", "Prospecting", 1e300, "EUR", "2026-04-01", "a4"),
    ]
    insert_rows(eng, "opportunities", [
        {"crm_id": c, "name": "Deal", "stage": s, "amount": m, "currency": cur,
         "close_date": d, "account_crm_id": a, "owner_crm_id": "u1", "is_closed": 0}
        for c, s, m, cur, d, a in rows
    ])  # fmt: skip
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO opportunities (crm_id, name, stage, amount, currency, account_crm_id) "
            "VALUES ('d11', 'Odd', CAST(x'41636d65ff' AS TEXT), 5, 'EUR', "
            "CAST(x'6131ff' AS TEXT))"
        )


def _plain(eng, sql: str, params: tuple = ()) -> list[tuple]:
    return eng.conn.execute(sql, params).fetchall()


@pytest.mark.parametrize("block", [2, 3, 50_000])
def test_amounts_and_categories_equal_a_plain_read(new_engagement, monkeypatch, block):
    eng = new_engagement
    _deals(eng)
    monkeypatch.setattr(common, "QUERY_BLOCK", block)
    data = AuditData(eng)
    opps = data.table("opportunities")
    code, as_of = data._currency_params()
    rows = _plain(
        eng,
        f"SELECT crm_id, {_AMOUNT_SQL}, amount, stage, forecast_category, account_crm_id "
        "FROM opportunities",
        (code, as_of),
    )
    expected = pd.Series([r[1] for r in rows], dtype=object)
    pd.testing.assert_series_equal(
        opps["amount"], pd.to_numeric(expected, errors="coerce"), check_names=False
    )
    assert list(opps.columns[:6]) == [
        "crm_id", "account_crm_id", "owner_crm_id", "stage", "amount", "amount_given"
    ]  # fmt: skip
    amounts = dict(zip(opps["crm_id"], opps["amount"], strict=True))
    assert amounts["d01"] == 100 and amounts["d08"] == 3  # engagement currency, any case
    assert amounts["d02"] == pytest.approx(250 / 0.9)  # EUR before 2026: rate 0.9
    assert amounts["d03"] == pytest.approx(250 / 0.8)
    assert amounts["d04"] == 0.0  # text times a rate: SQLite's 0, as before
    assert np.isnan(amounts["d05"]) and np.isnan(amounts["d06"]) and np.isnan(amounts["d09"])
    assert amounts["d07"] == 12.5 and amounts["d11"] == pytest.approx(5 / 0.8)
    for column, index in (("stage", 3), ("forecast_category", 4)):
        plain = pd.Series([r[index] for r in rows], dtype=object).astype("category")
        pd.testing.assert_series_equal(opps[column], plain, check_names=False)
        assert opps[column].dtype == plain.dtype
    assert "Acme\ufffd" in set(opps["stage"].dropna())
    # the accounts (shared one object per id, looked up per row after the first block)
    assert opps["account_crm_id"].tolist() == [r[5] for r in rows]
    assert "a1\ufffd" in set(opps["account_crm_id"].dropna())


def test_one_currency_keeps_the_amounts_as_written(new_engagement):
    eng = new_engagement
    insert_rows(eng, "opportunities", [
        {"crm_id": f"d{i}", "amount": i * 10, "currency": "USD" if i % 2 else None}
        for i in range(5)
    ] + [{"crm_id": "d9", "amount": "n/a", "currency": "usd"}])  # fmt: skip
    opps = AuditData(eng).table("opportunities")
    pd.testing.assert_series_equal(opps["amount"], opps["amount_given"], check_names=False)
    assert opps["amount"].tolist()[:5] == [0, 10, 20, 30, 40]
    assert np.isnan(opps["amount"].iloc[5])


def test_a_stage_stored_as_bytes_is_read_as_before(new_engagement, monkeypatch):
    eng = new_engagement
    insert_rows(eng, "opportunities", [{"crm_id": f"d{i}", "stage": "Won"} for i in range(4)])
    with eng.atomic() as conn:
        conn.execute("INSERT INTO opportunities (crm_id, stage) VALUES ('d9', x'ff00')")
    monkeypatch.setattr(common, "QUERY_BLOCK", 2)
    stage = AuditData(eng).table("opportunities")["stage"]
    plain = pd.Series([r[0] for r in _plain(eng, "SELECT stage FROM opportunities")],
                      dtype=object).astype("category")  # fmt: skip
    pd.testing.assert_series_equal(stage, plain, check_names=False)


def _touches(eng) -> None:
    """Open deals touched by the CRM field, activities and meetings, some after the
    as-of day, some never; a closed deal; ids unknown, padded, or not UTF-8."""
    eng.set_setting("as_of_date", AS_OF)
    deals = [
        # crm_id, created, CRM last activity, closed
        ("o1", "2026-01-01", "2026-06-01", 0),
        ("o2", "2026-02-01", None, 0),  # no activity at all: never touched
        ("o3", "2026-03-01", None, None),  # only an activity after the as-of day
        ("o4", "2026-01-15", "2026-05-05", 0),  # a tie of activity and meeting
        ("o5", "2026-01-01", "2026-06-29", 1),  # closed: not measured
        ("o6", "2026-04-01", "2026-07-04", 0),  # CRM field after the as-of day only
        ("o7", "bad", "soon", 0),
    ]
    insert_rows(eng, "opportunities", [
        {"crm_id": c, "created_date": d, "last_activity_date": last, "is_closed": closed}
        for c, d, last, closed in deals
    ])  # fmt: skip
    insert_rows(eng, "activities", [
        {"crm_id": f"t{i}", "kind": "call", "opportunity_crm_id": opp, "activity_date": day,
         "started_at": start, "contact_crm_id": contact}
        for i, (opp, day, start, contact) in enumerate([
            ("o1", "2026-06-20", None, None),
            ("o1", "2026-06-10", "2026-06-25T23:30:00", None),  # the start wins
            ("o3", "2026-07-02", None, None),
            ("o4", "2026-05-20", None, None),
            ("o5", "2026-06-29", None, "c9"),  # a closed deal's contact
            ("o6", None, None, None),
            ("o7", "2026-13-45", None, None),
            ("zz", "2026-06-01", None, None),
            (" o2", "2026-06-01", None, None),
        ])
    ])  # fmt: skip
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO activities (crm_id, kind, opportunity_crm_id, activity_date) "
            "VALUES ('tx', 'call', CAST(x'6f32ff' AS TEXT), '2026-06-15')"
        )
    insert_rows(eng, "meetings", [
        {"crm_id": f"m{i}", "channel": "zoom", "opportunity_crm_id": opp, "started_at": start}
        for i, (opp, start) in enumerate([
            ("o1", "2026-07-05T10:00:00"),  # after the as-of day
            ("o4", "2026-05-20T09:00:00"),  # the same day as its activity
            ("o6", "2026-06-02 08:00:00"),
            ("o2", None),
            (None, "2026-06-01T00:00:00"),
        ])
    ])  # fmt: skip


def _reference_last_touch(eng, open_ids: list[str]) -> dict[str, pd.Timestamp | None]:
    """Each open deal's latest day on or before the as-of day, by a plain loop: the CRM
    field, the latest activity day (the start's date, else the activity date; dropped
    when after the as-of day, as the audit has always done) and the meeting days."""
    as_of = pd.Timestamp(AS_OF)
    data = AuditData(eng)
    opps = data.table("opportunities").set_index("crm_id")
    acts = data.table("activity_last")
    meetings = data.table("meetings")
    best: dict[str, pd.Timestamp | None] = {i: None for i in open_ids}
    sources = [
        zip(opps.index, opps["last_activity_day"], strict=True),
        zip(acts["opportunity_crm_id"], acts["day"], strict=True),
        zip(meetings["opportunity_crm_id"], meetings["day"], strict=True),
    ]
    for source in sources:
        for opp, day in source:
            if opp in best and not pd.isna(day) and day <= as_of:
                best[opp] = day if best[opp] is None else max(best[opp], day)
    return best


def test_last_touch_equals_a_plain_loop(new_engagement):
    eng = new_engagement
    _touches(eng)
    data = AuditData(eng)
    opps = data.table("opportunities")
    open_opps = opps[opps["is_closed"].eq(0)]
    fast = _last_touch(data, open_opps)
    open_ids = open_opps["crm_id"].tolist()
    expected = _reference_last_touch(eng, open_ids)
    got = {i: (None if pd.isna(d) else d) for i, d in zip(open_ids, fast, strict=True)}
    assert got == expected
    grouped = _last_touch_grouped(data, open_opps, [
        (open_opps["crm_id"], open_opps["last_activity_day"]),
        (data.table("activity_last")["opportunity_crm_id"], data.table("activity_last")["day"]),
        (data.table("meetings")["opportunity_crm_id"], data.table("meetings")["day"]),
    ])  # fmt: skip
    assert [None if pd.isna(d) else d for d in grouped] == list(got.values())
    assert got == {
        "o1": pd.Timestamp("2026-06-25"),
        "o2": None,
        "o3": None,
        "o4": pd.Timestamp("2026-05-20"),
        "o6": pd.Timestamp("2026-06-02"),
        "o7": None,
    }


def test_activity_contacts_are_read_only_when_some_activity_names_one(new_engagement):
    eng = new_engagement
    _touches(eng)
    sql = (
        "SELECT DISTINCT opportunity_crm_id, contact_crm_id FROM activities WHERE "
        "contact_crm_id IS NOT NULL AND opportunity_crm_id IN (SELECT crm_id FROM "
        "opportunities WHERE NOT coalesce(is_closed = 1, 0))"
    )
    data = AuditData(eng)
    data.table("activity_last")
    assert data._open_activity_contacts is False  # only the closed deal's names one
    empty = data.table("activity_contacts")
    assert empty.empty and list(empty.columns) == ["opportunity_crm_id", "contact_crm_id"]
    assert _plain(eng, sql) == []
    insert_rows(eng, "activities", [
        {"crm_id": "t20", "kind": "call", "opportunity_crm_id": "o1", "contact_crm_id": "c1"},
        {"crm_id": "t21", "kind": "email", "opportunity_crm_id": "o1", "contact_crm_id": "c1"},
        {"crm_id": "t22", "kind": "email", "opportunity_crm_id": "o3", "contact_crm_id": "c2"},
    ])  # fmt: skip
    data = AuditData(eng)
    data.table("activity_last")
    assert data._open_activity_contacts is True
    met = data.table("activity_contacts")
    assert sorted(map(tuple, met.to_numpy().tolist())) == sorted(_plain(eng, sql))
    assert len(met) == 2
    fresh = AuditData(eng).table("activity_contacts")  # not known first: read as ever
    pd.testing.assert_frame_equal(fresh, met)


def _reference_moment(values: pd.Series) -> pd.Series:
    """The audits' moments as pandas string methods cut them (the former way)."""
    text = pd.Series(values.astype("object").where(values.notna(), None), index=values.index)
    padded = text.str.slice(0, 19).str.replace(" ", "T", regex=False)
    padded = padded.where(padded.str.len() != 10, padded + "T00:00:00")
    return pd.to_datetime(padded, format="%Y-%m-%dT%H:%M:%S", errors="coerce")


def test_moments_equal_the_string_methods():
    odd = [
        "2026-01-02", "2026-01-02 10:11:12", "2026-01-02T10:11:12Z", "", " ", None,
        "2026-01-02T10:11:12.123+02:00", "2026-13-01", "2026-02-30", "9999-12-31",
        "0001-01-01", "2026-01-02\x00", "2026-01-02 ", "é026-01-02", "2026-01-02T10:11",
        "20260102", "２０２６-01-02", "2026-01-02\ufffd", "2026-1-2", 5, 2.5, b"2026-01-02",
    ]  # fmt: skip
    for values in (
        pd.Series(odd, dtype=object, index=range(10, 10 + len(odd))),
        pd.Series([], dtype=object),
        pd.Series([None, None], dtype=object),
        pd.Series(["2026-03-04T05:06:07"] * 3, dtype=object),
    ):
        got, expected = to_moment(values), _reference_moment(values)
        pd.testing.assert_series_equal(got, expected)
    got = to_moment(pd.Series(odd, dtype=object))
    assert got.iloc[1] == pd.Timestamp("2026-01-02 10:11:12") and pd.isna(got.iloc[7])


def test_deals_read_in_one_pass_equal_the_index_lookups(new_engagement, monkeypatch):
    eng = new_engagement
    _deals(eng)
    accounts = {"a1", "a2", "a3", "a4", "a1\ufffd", "zz", " a1"}
    linked = {"d01", "d05", "d11", "nope"}
    with eng.atomic() as conn:
        conn.execute("UPDATE opportunities SET is_closed = 1 WHERE crm_id IN ('d01', 'd05')")
    monkeypatch.setattr(matching, "_SCAN_SHARE", 1e9)  # never a pass: index lookups
    by_index = matching._deals(eng.conn, accounts, linked)
    monkeypatch.setattr(matching, "_SCAN_SHARE", 0.0)  # always a pass
    by_pass = matching._deals(eng.conn, accounts, linked)
    assert by_pass == by_index
    opps, closed_at = by_pass
    assert sorted(opps) == [" a1", "a1", "a2", "a3", "a4"]
    assert [d[0] for d in opps["a1"]] == ["d01", "d02"]
    assert closed_at == {"d01": "2025-06-01", "d05": "2026-03-01", "d11": None}
