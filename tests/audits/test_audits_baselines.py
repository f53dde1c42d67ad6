"""Baselines on the Acme engagement: four quarters of FY2025, every figure by hand."""

from __future__ import annotations

import pytest

from workbench.audits import run_baselines


def test_quarters_are_the_four_complete_fiscal_quarters_before_as_of(acme):
    assert run_baselines(acme).quarters == ["FY2025-Q1", "FY2025-Q2", "FY2025-Q3", "FY2025-Q4"]


def test_fiscal_year_start_month_moves_the_quarters(acme):
    acme.update_meta(fiscal_year_start_month=2)
    result = run_baselines(acme)
    # Feb start: 2026-03-15 is in FY2027-Q1 (Feb-Apr 2026).
    assert result.quarters == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    assert result.quarter_ranges["FY2026-Q4"] == ["2025-11-01", "2026-01-31"]


def test_win_rate_overall_and_by_owner_with_counts(acme):
    win = run_baselines(acme).win_rate
    assert win["overall"] == {"value": pytest.approx(4 / 7), "won": 4, "lost": 3, "n": 7}
    assert win["by_owner"]["u1"]["value"] == pytest.approx(2 / 3)
    assert (win["by_owner"]["u2"]["won"], win["by_owner"]["u2"]["lost"]) == (2, 2)
    assert win["by_quarter"]["FY2025-Q2"] == {"value": 1.0, "won": 1, "lost": 0, "n": 1}
    assert win["by_team"]["West"]["n"] == 4
    assert win["by_segment"]["SMB"]["won"] == 2


def test_cycle_days_mean_and_median_of_won_deals(acme):
    cycle = run_baselines(acme).cycle_days
    assert (cycle["mean"], cycle["median"], cycle["n"]) == (50.0, 50.0, 4)
    assert cycle["by_owner"]["u1"]["mean"] == 50.0  # 40 and 60 days
    assert cycle["by_owner"]["u2"]["by_quarter"]["FY2025-Q3"]["mean"] == 90.0


def test_average_deal_size_skips_won_deals_without_amount(acme):
    size = run_baselines(acme).deal_size["overall"]
    assert size["n"] == 3
    assert size["value"] == pytest.approx((10000 + 20000 + 50000) / 3)


def test_forecast_accuracy_uses_the_latest_commit_submitted_in_the_quarter(acme):
    acc = run_baselines(acme).forecast_accuracy
    q1 = acc["by_quarter"]["FY2025-Q1"]
    # Alice: latest in-quarter Commit 12,000 (not the late 99,000 nor Best Case) vs 10,000.
    assert (q1["forecast"], q1["actual"], q1["accuracy"]) == (12000.0, 10000.0, 0.8)
    assert q1["bias"] == pytest.approx(0.2)
    assert acc["by_quarter"]["FY2025-Q2"]["accuracy"] == 0.75
    assert acc["by_quarter"]["FY2025-Q2"]["bias"] == pytest.approx(-0.25)
    assert acc["by_quarter"]["FY2025-Q3"]["accuracy"] == 0.8  # period written "2025-Q3"
    assert acc["by_quarter"]["FY2025-Q4"]["accuracy"] is None  # nothing won, nothing called
    assert acc["overall"]["accuracy"] == pytest.approx((0.8 + 0.75 + 0.8) / 3)
    assert acc["overall"]["mape"] == pytest.approx((0.2 + 0.25 + 0.2) / 3)
    # Maggie's roll-up is measured against her team's won amount, not added on top.
    maggie = acc["by_owner"]["m1"]["by_quarter"]["FY2025-Q1"]
    assert (maggie["forecast"], maggie["actual"], maggie["accuracy"]) == (25000.0, 10000.0, 0.0)
    assert q1["submitters"] == 1


def test_slippage_from_history_close_date_moves(acme):
    result = run_baselines(acme)
    slip = result.slippage["by_quarter"]
    assert (slip["FY2025-Q2"]["slipped"], slip["FY2025-Q2"]["forecast_in_quarter"]) == (1, 2)
    assert slip["FY2025-Q2"]["rate"] == 0.5
    assert slip["FY2025-Q3"]["slipped"] == 0
    assert result.slippage["overall"] == {
        "rate": 1 / 8, "slipped": 1, "forecast_in_quarter": 8, "n": 8,
    }  # fmt: skip


def test_pipeline_velocity_is_in_play_times_win_rate_times_deal_size_over_cycle(acme):
    row = run_baselines(acme).row("FY2025-Q3")
    assert row.in_play == 3  # o4 open at the start, o5 and o6 created in the quarter
    assert row.velocity_per_day == pytest.approx(3 * 0.5 * 50000 / 90)


def test_stage_conversion_counts_stages_reached_in_history(acme):
    conversion = [c for c in run_baselines(acme).stage_conversion if c.quarter == "ALL"]
    assert [(c.stage, c.reached, c.won, c.to_next) for c in conversion] == [
        ("Prospecting", 2, 1, 1.0),
        ("Negotiation/Review", 1, 0, 0.0),
    ]


def test_forecast_falls_back_to_the_commit_snapshot_in_history(new_engagement):
    from audits_loaders import insert_rows

    eng = new_engagement
    eng.set_setting("as_of_date", "2026-01-10")
    insert_rows(eng, "users", [{"crm_id": "u1", "name": "Alice", "is_active": 1}])
    insert_rows(eng, "opportunities", [
        {"crm_id": "o1", "owner_crm_id": "u1", "stage": "Closed Won", "amount": 900,
         "created_date": "2025-09-01", "close_date": "2025-11-15", "is_closed": 1, "is_won": 1,
         "forecast_category": "Closed"},
    ])  # fmt: skip
    insert_rows(eng, "opportunity_history", [
        {"opportunity_crm_id": "o1", "changed_at": "2025-09-01T00:00:00", "amount": 1000,
         "close_date": "2025-11-30", "forecast_category": "Commit", "stage": "Negotiation"},
        {"opportunity_crm_id": "o1", "changed_at": "2025-11-15T00:00:00", "amount": 900,
         "forecast_category": "Closed", "stage": "Closed Won"},
    ])  # fmt: skip
    result = run_baselines(eng)
    q4 = result.forecast_accuracy["by_quarter"]["FY2025-Q4"]
    assert (q4["forecast"], q4["actual"], q4["source"]) == (
        1000.0, 900.0, "Commit snapshot from history",
    )  # fmt: skip
    assert q4["accuracy"] == pytest.approx(1 - 100 / 900)
