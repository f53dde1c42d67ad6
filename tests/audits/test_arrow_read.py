"""The Arrow (ADBC) read path gives exactly the frames the sqlite3 path gives.

Every ``AuditData`` table and the scoring loads are read both ways on the demo and on
a hand-made engagement with the hard cases (a column NULL for its first 1,500 rows
and text after, text in a numeric column, integers and reals mixed, empty tables,
unicode, an open transaction), and compared with ``assert_frame_equal`` exactly.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from workbench.audits.common import AuditData
from workbench.models import Engagement, EngagementMeta, arrowread
from workbench.scoring.data import load_deal_data

pytest.importorskip("adbc_driver_sqlite")

TABLES = sorted(AuditData._QUERIES)


def _both(monkeypatch, read):
    """``read()`` with the Arrow path, then with it switched off."""
    monkeypatch.delenv(arrowread.DISABLE_ENV, raising=False)
    fast = read()
    monkeypatch.setenv(arrowread.DISABLE_ENV, "1")
    slow = read()
    monkeypatch.delenv(arrowread.DISABLE_ENV)
    return fast, slow


def _same_audit_tables(eng: Engagement, monkeypatch) -> None:
    for name in TABLES:
        fast, slow = _both(monkeypatch, lambda n=name: AuditData(eng).table(n))
        pd.testing.assert_frame_equal(fast, slow, check_exact=True, obj=name)
    kinds = ("call", "meeting", "event", "email", "task")
    fast, slow = _both(
        monkeypatch,
        lambda: AuditData(eng).activities_between(date(2000, 1, 1), date(2100, 1, 1), kinds),
    )
    pd.testing.assert_frame_equal(fast, slow, check_exact=True, obj="activities_between")


def _same_deal_data(eng: Engagement, monkeypatch) -> None:
    for activities in (True, False):
        fast, slow = _both(monkeypatch, lambda a=activities: load_deal_data(eng, activities=a))
        for part in ("opps", "history", "activities", "meetings", "conversations"):
            pd.testing.assert_frame_equal(
                getattr(fast, part), getattr(slow, part), check_exact=True, obj=part
            )
    sql = "SELECT crm_id, name, owner_crm_id FROM opportunities"  # the pipeline's read
    pd.testing.assert_frame_equal(
        arrowread.read_sql_frame(eng, sql), pd.read_sql_query(sql, eng.conn), check_exact=True
    )


def test_demo_frames_are_identical_both_ways(demo_file, monkeypatch):
    with Engagement.open(demo_file) as eng:
        # the Arrow path is really taken on the demo: every audit table reads through it
        data = AuditData(eng)
        for name in TABLES:
            sql, params = data._QUERIES[name], ()
            if name == "opportunities":
                from workbench.audits.common import _AMOUNT_SQL

                sql, params = sql.format(amount=_AMOUNT_SQL), data._currency_params()
            assert (
                data._query_arrow(
                    sql,
                    params,
                    data._NUMERIC.get(name, ()),
                    data._CATEGORICAL.get(name, ()),
                    data._REPEATED.get(name, ()),
                )
                is not None
            ), name
        _same_audit_tables(eng, monkeypatch)
        _same_deal_data(eng, monkeypatch)


def _hard_engagement(path) -> Engagement:
    eng = Engagement.create(path, EngagementMeta(customer="Hård Çase 株式会社"))
    eng.set_setting("as_of_date", "2026-03-15")
    rows = []
    for i in range(3000):
        late = i >= 1500
        rows.append(
            (
                f"o{i:05d}",
                f"Déal {i} 🚀" if i % 7 else None,
                "a1" if i % 2 else "a2",
                "u1",
                # stage: NULL for the first 1,500 rows (the driver guesses INT64), text after
                ("Négociation" if i % 3 else "Closed Won") if late else None,
                # amount: reals and integers mixed, a text value, NULLs
                "n/a" if i == 2500 else (None if i % 11 == 0 else (i * 1.5 if i % 2 else i)),
                "EUR" if i % 5 == 0 else "usd",
                "2025-06-30" if i % 4 else "not a date",
                "2025-01-15",
                None if i % 13 == 0 else 50,
                "Commit" if i % 6 == 0 else "Pipeline",
                "  " if i % 9 == 0 else ("next" if i % 2 else None),
                1 if i % 3 == 0 else 0,
                (1 if i % 2 else 0) if i < 2800 else 0.5,  # integers, then reals
                json.dumps({"direction": "Inbound"}) if i % 8 == 0 else None,
            )
        )
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, name, account_crm_id, owner_crm_id, stage, "
            "amount, currency, close_date, created_date, probability, forecast_category, "
            "next_step, is_closed, is_won, extra) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.execute(  # is_active: an integer, then a real (read as floats both ways)
            "INSERT INTO users (crm_id, name, email, is_active) VALUES "
            "('u1', 'Zoë Ñúñez', 'zoe@example.com', 1), ('u3', '李雷', NULL, 0.5)"
        )
        conn.executemany(
            "INSERT INTO opportunity_history (opportunity_crm_id, changed_at, stage, amount, "
            "close_date, forecast_category) VALUES (?,?,?,?,?,?)",
            [
                (
                    f"o{i % 3000:05d}",
                    f"2025-0{1 + i % 9}-1{i % 10}",
                    None if i < 1500 else "Négociation",
                    None if i < 1200 else ("x" if i == 1700 else i % 4 * 2.5),
                    None if i < 1500 else "2025-09-30",
                    "Commit" if i % 4 == 0 else None,
                )
                for i in range(2000)
            ],
        )
        conn.executemany(
            "INSERT INTO activities (crm_id, kind, owner_crm_id, opportunity_crm_id, "
            "contact_crm_id, activity_date, started_at, extra) VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    f"t{i}",
                    "call" if i % 2 else "email",
                    "u1",
                    f"o{i % 3000:05d}",
                    None if i < 1500 else f"c{i % 40}",
                    "2025-03-0" + str(1 + i % 9),
                    None if i % 3 else "2025-03-02T10:00:00",
                    json.dumps({"CallType": "Inbound"}) if i % 4 == 0 else "{bad",
                )
                for i in range(2000)
            ],
        )
    return eng


def test_hard_cases_are_identical_both_ways(tmp_path, monkeypatch):
    eng = _hard_engagement(tmp_path / "hard.engagement")
    try:
        # the cases the driver cannot type are read through sqlite3, not mistyped
        opp_sql = "SELECT stage FROM opportunities"
        assert arrowread.read_arrow(eng, opp_sql) is None  # NULL x 1,500, then text
        amount = arrowread.read_arrow(eng, "SELECT amount FROM opportunities WHERE amount = 'n/a'")
        assert amount is not None and amount.column("amount").type == "string"
        frame = AuditData(eng).table("opportunities")
        assert frame["amount_given"].dtype == "float64" and frame["amount_given"].isna().sum() == (
            273 + 1
        )  # 273 NULLs (every 11th of 3,000) and the text "n/a"
        assert frame["is_won"].tolist()[-1] == 0  # 0.5 -> int 0 after the fillna/astype
        _same_audit_tables(eng, monkeypatch)
        _same_deal_data(eng, monkeypatch)
        users = arrowread.read_arrow(eng, "SELECT is_active FROM users")
        assert users.column("is_active").to_pylist() == [1.0, 0.5]
        assert AuditData(eng).table("users")["is_active"].tolist() == [1.0, 0.5]
        # empty tables: the same empty, typed frames
        assert AuditData(eng).table("meetings").empty
    finally:
        eng.close()


def test_open_transaction_reads_through_sqlite3(tmp_path, monkeypatch):
    eng = _hard_engagement(tmp_path / "hard.engagement")
    try:
        eng.conn.execute("BEGIN")
        eng.conn.execute(
            "INSERT INTO users (crm_id, name, is_active) VALUES ('u2', 'Not yet committed', 1)"
        )
        assert arrowread.read_arrow(eng, "SELECT crm_id FROM users") is None
        users = AuditData(eng).table("users")
        assert sorted(users["crm_id"]) == ["u1", "u2", "u3"]
        eng.conn.execute("ROLLBACK")
        assert arrowread.read_arrow(eng, "SELECT crm_id FROM users").num_rows == 2
    finally:
        eng.close()


def test_switch_and_missing_driver_fall_back(tmp_path, monkeypatch):
    eng = _hard_engagement(tmp_path / "hard.engagement")
    try:
        sql = "SELECT crm_id, name FROM users WHERE is_active = ?"
        table = arrowread.read_arrow(eng, sql, (1,))
        assert table is not None and table.to_pylist() == [{"crm_id": "u1", "name": "Zoë Ñúñez"}]
        monkeypatch.setenv(arrowread.DISABLE_ENV, "1")
        assert arrowread.read_arrow(eng, sql, (1,)) is None
        monkeypatch.setenv(arrowread.DISABLE_ENV, "0")
        monkeypatch.setattr(arrowread, "_driver", lambda: None)  # as if not installed
        assert arrowread.read_arrow(eng, sql, (1,)) is None
        frame = arrowread.read_sql_frame(eng, sql, (1,))
        assert frame.to_dict("records") == [{"crm_id": "u1", "name": "Zoë Ñúñez"}]
    finally:
        eng.close()
