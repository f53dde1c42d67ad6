"""The one-value parsers and the column converter agree on every shape of value."""

from __future__ import annotations

import pyarrow as pa
import pytest

from workbench.importers import values as V
from workbench.importers.columns import convert_column, extra_json

MDY, DMY = V.DateOrder("MDY"), V.DateOrder("DMY")


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        ("2024-03-05", MDY, "2024-03-05"),
        ("3/5/2024", MDY, "2024-03-05"),
        ("3/5/2024", DMY, "2024-05-03"),
        ("05.03.2024", DMY, "2024-03-05"),
        ("5-3-24", DMY, "2024-03-05"),
        ("20240305", MDY, "2024-03-05"),
        ("Mar 5, 2024", DMY, "2024-03-05"),
        ("5 March 2024", MDY, "2024-03-05"),
        ("05-Mar-2024", MDY, "2024-03-05"),
        ("2024-03-05T23:59:59-08:00", MDY, "2024-03-05"),
        ("2024/03/05", MDY, "2024-03-05"),
    ],
)
def test_dates_in_export_formats(raw, order, expected):
    assert V.parse_date(raw, order) == expected


@pytest.mark.parametrize("raw", ["31/02/2024", "2024-02-30", "13/13/2024", "soon", "2024-1"])
def test_impossible_dates_are_bad_values(raw):
    with pytest.raises(V.BadValue, match="is not a date"):
        V.parse_date(raw, MDY)


@pytest.mark.parametrize("raw", ["9999-12-31", "12/31/9999", "4000-12-31 23:59:59", "1900-01-01"])
def test_placeholder_dates(raw):
    with pytest.raises(V.Placeholder):
        V.parse_date(raw, MDY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-01T23:30:00-05:00", "2024-03-02T04:30:00"),
        ("2024-03-01T10:20:30.000+0000", "2024-03-01T10:20:30"),
        ("2024-03-01 10:20:30Z", "2024-03-01T10:20:30"),
        ("3/1/2024 9:05 PM", "2024-03-01T21:05:00"),
        ("3/1/2024 12:05 AM", "2024-03-01T00:05:00"),
        ("Jan 24, 2024 12:25:59", "2024-01-24T12:25:59"),
        ("2024-03-01", "2024-03-01T00:00:00"),
        ("2021-01-07 6:49:18", "2021-01-07T06:49:18"),
        ("2023-06-08 23:22:50.048000 UTC", "2023-06-08T23:22:50"),
    ],
)
def test_moments_become_utc(raw, expected):
    assert V.parse_moment(raw, MDY) == expected


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [
        ("1234.5", 1234.5, None),
        ("USD 1,234.50", 1234.5, "USD"),
        ("$1,234", 1234.0, "USD"),
        ("1.234,50 EUR", 1234.5, "EUR"),
        ("€1.234,50", 1234.5, "EUR"),
        ("£ 12,000", 12000.0, "GBP"),
        ("(500.00)", -500.0, None),
        ("-1 234,5", -1234.5, None),
        ("12,5", 12.5, None),
        ("1,234,567.89", 1234567.89, None),
        ("1.234.567", 1234567.0, None),
    ],
)
def test_money(raw, amount, currency):
    assert V.parse_money(raw) == (amount, currency)


@pytest.mark.parametrize("raw", ["lots", "1.2.3,4,5", "$", "12abc"])
def test_bad_money(raw):
    with pytest.raises(V.BadValue):
        V.parse_money(raw)


def test_percent_bool_minutes():
    assert V.parse_percent("45%") == 45.0 and V.parse_percent("45,5 %") == 45.5
    assert [V.parse_bool(x) for x in ("true", "TRUE", "1", "Yes", "x", "false", "0", "No")] == [
        1,
        1,
        1,
        1,
        1,
        0,
        0,
        0,
    ]
    with pytest.raises(V.BadValue, match="true/false"):
        V.parse_bool("maybe")
    assert V.parse_minutes("1:05:30") == 65.5 and V.parse_minutes("45 min") == 45.0
    assert V.parse_seconds_as_minutes("90") == 1.5


def test_date_order_is_decided_from_the_evidence():
    assert V.decide_date_order(["3/5/2024", "25/5/2024"], "MDY").order == "DMY"
    assert V.decide_date_order(["3/5/2024", "5/25/2024"], "DMY").order == "MDY"
    tie = V.decide_date_order(["3/5/2024", "4/6/2024"], "DMY")
    assert (tie.order, tie.ambiguous) == ("DMY", True)
    both = V.decide_date_order(["13/5/2024", "5/13/2024"], "MDY")
    assert both.ambiguous and "both ways" in both.evidence
    assert not V.decide_date_order(["2024-05-03"], "MDY").ambiguous


def test_column_converter_matches_the_value_parsers():
    raw = ["2024-02-29", "2023-02-29", "3/5/2024", "", None, "9999-12-31", "Mar 5, 2024"]
    out = convert_column(pa.array(raw, pa.string()), "date", MDY)
    assert out.values[:4] == ["2024-02-29", None, "2024-03-05", None]
    assert out.values[5:] == [None, "2024-03-05"]
    assert out.bad == {1: '"2023-02-29" is not a date'} and out.placeholders == 1
    money = convert_column(pa.array(["10", " 1,5 ", "USD 3", "x"]), "money", MDY)
    assert money.values[:3] == [10.0, 1.5, 3.0] and money.currencies == {2: "USD"}
    assert 3 in money.bad
    ints = convert_column(pa.array(["12", "12.0", "12.5"]), "int", MDY)
    assert ints.values[:2] == [12, 12] and 2 in ints.bad
    flags = convert_column(pa.array(["TRUE", "no", "", "perhaps"]), "bool", MDY)
    assert flags.values[:3] == [1, 0, None] and list(flags.bad) == [3]


def test_extra_json_keeps_non_blank_values_exactly():
    cols = [
        ("Champion__c", pa.array(['Ann "the boss"', "", None])),
        ("Notes", pa.array(["a\\b\nc", "x", ""])),
    ]
    import json

    values = extra_json(cols, 3).to_pylist()
    assert values[0] == '{"Champion__c":"Ann \\"the boss\\"","Notes":"a\\\\b\\nc"}'  # compact
    assert json.loads(values[0]) == {"Champion__c": 'Ann "the boss"', "Notes": "a\\b\nc"}
    assert json.loads(values[1]) == {"Notes": "x"} and values[2] is None
