"""Amounts in several currencies (issue 12 item 2): converted to the engagement's
currency as of each deal's close date with the imported rates; an amount without a
rate is left out of money figures and counted, never added as if converted."""

from __future__ import annotations

import pytest

from workbench.audits.baselines import run_baselines
from workbench.audits.common import AuditData
from workbench.importers import import_file

DEALS = (
    "Opportunity ID,Opportunity Name,Stage,Amount,Amount Currency,Close Date,Created Date\n"
    "0061,A,Closed Won,1000,USD,2025-03-10,2025-01-10\n"
    "0062,B,Closed Won,900,EUR,2025-03-20,2025-01-10\n"  # rate 0.9 in H1: 1,000 USD
    "0063,C,Closed Won,800,EUR,2025-09-20,2025-07-10\n"  # rate 0.8 in H2: 1,000 USD
    "0064,D,Closed Won,500,GBP,2025-09-25,2025-07-10\n"  # no GBP rate: left out
    "0065,E,Closed Lost,700,GBP,2025-09-26,2025-07-10\n"  # no GBP rate: left out
)
RATES = (
    "Id,IsoCode,ConversionRate,StartDate,NextStartDate\n"
    "04w1,EUR,0.9,2025-01-01,2025-07-01\n"
    "04w2,EUR,0.8,2025-07-01,\n"
)


@pytest.fixture
def mixed(new_engagement, tmp_path):
    new_engagement.set_setting("as_of_date", "2026-01-15")
    deals = tmp_path / "Won deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    result = import_file(new_engagement, deals)
    assert result.rows_imported == 5
    return new_engagement, tmp_path


def test_amount_currency_column_is_stored(mixed):
    eng, _ = mixed
    assert eng.conn.execute("SELECT currency FROM opportunities ORDER BY crm_id").fetchall() == [
        ("USD",), ("EUR",), ("EUR",), ("GBP",), ("GBP",),
    ]  # fmt: skip


def test_without_rates_foreign_amounts_are_left_out_and_counted(mixed):
    eng, _ = mixed
    data = AuditData(eng)
    assert data.unconverted_amounts() == {"EUR": 2, "GBP": 2}
    result = run_baselines(eng, data=data, record=False)
    total = result.row("ALL")
    # Only the USD deal counts in money figures; all four won deals count as won.
    assert total.won == 4 and total.won_amount == 1000.0 and total.deal_size_n == 1
    note = next(n for n in result.notes if "without a conversion rate" in n)
    assert note.startswith(
        "4 deals have an amount in a currency without a conversion rate to USD (EUR 2, GBP 2)"
    )


def test_dated_rates_convert_as_of_the_close_date(mixed):
    eng, tmp_path = mixed
    rates = tmp_path / "DatedConversionRate.csv"
    rates.write_text(RATES, encoding="utf-8")
    assert import_file(eng, rates).entity == "currency_rates"
    data = AuditData(eng)
    amounts = converted(data)
    assert amounts["0061"] == 1000.0
    assert amounts["0062"] == pytest.approx(1000.0)  # 900 / 0.9
    assert amounts["0063"] == pytest.approx(1000.0)  # 800 / 0.8
    assert pd_isna(amounts["0064"]) and pd_isna(amounts["0065"])
    result = run_baselines(eng, data=data, record=False)
    assert result.row("ALL").won_amount == pytest.approx(3000.0)
    assert data.unconverted_amounts() == {"GBP": 2}


def test_undated_currency_type_rates_and_an_engagement_in_another_currency(mixed):
    eng, tmp_path = mixed
    eng.update_meta(currency="EUR")
    rates = tmp_path / "CurrencyType.csv"
    rates.write_text(
        "Id,IsoCode,ConversionRate,IsCorporate\n01L1,USD,1,true\n01L2,EUR,0.9,false\n"
        "01L3,GBP,0.75,false\n",
        encoding="utf-8",
    )
    assert import_file(eng, rates).rows_imported == 3
    amounts = converted(AuditData(eng))
    assert amounts["0061"] == pytest.approx(900.0)  # 1,000 USD x 0.9 / 1
    assert amounts["0062"] == 900.0  # already EUR
    assert amounts["0064"] == pytest.approx(600.0)  # 500 GBP x 0.9 / 0.75


def test_a_rate_of_zero_is_rejected(new_engagement, tmp_path):
    rates = tmp_path / "rates.csv"
    rates.write_text("Currency,Rate,From\nEUR,0,2025-01-01\nGBP,0.8,2025-01-01\n", "utf-8")
    result = import_file(new_engagement, rates, entity="currency_rates")
    assert (result.rows_imported, result.rows_rejected) == (1, 1)
    assert result.rejects[0].reason == "a conversion rate must be above 0"


def pd_isna(value) -> bool:
    return value != value or value is None


def converted(data: AuditData) -> dict[str, float]:
    opps = data.table("opportunities")
    return dict(zip(opps["crm_id"], opps["amount"], strict=True))
