"""Dates outside 1900-2200 and amounts outside reason are rejected per row with the reason;
no Infinity or NaN reaches JSON or a document."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from workbench.commandline import to_json
from workbench.importers import import_file
from workbench.importers import values as V
from workbench.models import Engagement, EngagementMeta


def test_rows_with_unreasonable_values_are_rejected_with_their_reason(tmp_path: Path) -> None:
    source = tmp_path / "deals.csv"
    source.write_text(
        "Id,Name,StageName,Amount,CloseDate\n"
        "006A,Good,Prospecting,5000,2024-03-01\n"
        "006B,Far future,Prospecting,5000,2500-01-01\n"
        "006C,Far past,Prospecting,5000,1677-06-01\n"
        "006D,Huge,Prospecting,1e308,2024-03-01\n"
        "006E,Overflow,Prospecting,1e999,2024-03-01\n"
        "006F,Long digits,Prospecting," + "9" * 400 + ",2024-03-01\n"
        "006G,Slash future,Prospecting,5000,01/02/2300\n"
        "006H,Edge,Prospecting,-9999999999999,2200-12-31\n",
        encoding="utf-8",
    )
    with Engagement.create(tmp_path / "A.engagement", EngagementMeta(customer="A")) as eng:
        result = import_file(eng, source, entity="opportunities")
        rows = dict(eng.conn.execute("SELECT crm_id, close_date FROM opportunities"))
        amounts = dict(eng.conn.execute("SELECT crm_id, amount FROM opportunities"))
    reasons = {r.row: (r.column, r.reason) for r in result.rejects}
    assert reasons[3] == ("CloseDate", '"2500-01-01" is outside the years 1900-2200')
    assert reasons[4] == ("CloseDate", '"1677-06-01" is outside the years 1900-2200')
    assert reasons[5][0] == "Amount" and "too large" in reasons[5][1]
    assert reasons[6][0] == "Amount" and "too large" in reasons[6][1]
    assert reasons[7][0] == "Amount" and "too large" in reasons[7][1]
    assert reasons[8] == ("CloseDate", '"01/02/2300" is outside the years 1900-2200')
    assert 2 not in reasons and 9 not in reasons
    # No unreasonable value is stored, whatever the rejected rows' fate.
    assert all(d is None or "1900" <= d <= "2200-12-31" for d in rows.values())
    assert all(a is None or math.isfinite(a) and abs(a) <= V.MAX_AMOUNT for a in amounts.values())
    assert rows["006A"] == "2024-03-01" and amounts["006A"] == 5000
    assert rows["006H"] == "2200-12-31" and amounts["006H"] == -9999999999999


@pytest.mark.parametrize(
    "raw", ["1900-01-01", "12/31/1899", "9999-12-31", "2900-01-01", "0001-01-01"]
)
def test_placeholder_dates_are_still_blanks_not_rejects(raw: str) -> None:
    with pytest.raises(V.Placeholder):
        V.parse_date(raw, V.DateOrder("MDY"))


def test_json_never_holds_infinity_or_nan() -> None:
    import numpy as np

    text = to_json(
        {
            "a": float("inf"),
            "b": float("-inf"),
            "c": float("nan"),
            "d": np.float32("inf"),
            "e": [np.float64("nan"), 1.5],
        }
    )
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text) == {"a": None, "b": None, "c": None, "d": None, "e": [None, 1.5]}


def test_documents_print_a_dash_for_values_that_are_not_numbers() -> None:
    from workbench.reports.context import num, pct

    assert num(float("inf")) == "-" and pct(float("nan")) == "-"
    assert num(1234.5, 1) == "1,234.5"
