"""Week-based fiscal calendars (issue 12 item 6), checked against calendars written
out by hand: 4-5-4 retail (NRF) with its 53-week year, 4-4-5 and 5-4-4."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.models.fiscal import (
    FiscalCalendar,
    engagement_calendar,
    fiscal_quarter,
    last_quarters,
    quarter_by_label,
    quarter_of_period,
)
from workbench.models.outcomes import quarter_number

D = date
# NRF retail calendar: the year starts on the Sunday nearest 1 February. The year
# ending in early 2024 (FY2024 here; NRF calls it "fiscal 2023") ran 29 January 2023 to
# 3 February 2024: 53 weeks, the extra week in January.
NRF = FiscalCalendar(2, "4-5-4", week_start=6, anchor="nearest")
NRF_FY2024 = [
    (D(2023, 1, 29), D(2023, 4, 29)),
    (D(2023, 4, 30), D(2023, 7, 29)),
    (D(2023, 7, 30), D(2023, 10, 28)),
    (D(2023, 10, 29), D(2024, 2, 3)),
]
NRF_FY2024_Q4_MONTHS = [
    (D(2023, 10, 29), D(2023, 11, 25)),  # November, 4 weeks
    (D(2023, 11, 26), D(2023, 12, 30)),  # December, 5 weeks
    (D(2023, 12, 31), D(2024, 2, 3)),  # January, 4 + the 53rd week
]


def test_nrf_4_5_4_year_with_53_weeks():
    assert (NRF.weeks(2024), NRF.weeks(2025)) == (53, 52)
    assert [(q.start, q.end) for q in NRF.quarters(2024)] == NRF_FY2024
    assert NRF.months(NRF.quarters(2024)[3]) == NRF_FY2024_Q4_MONTHS
    assert NRF.months(NRF.quarters(2024)[0]) == [
        (D(2023, 1, 29), D(2023, 2, 25)),
        (D(2023, 2, 26), D(2023, 4, 1)),
        (D(2023, 4, 2), D(2023, 4, 29)),
    ]
    # The next year starts 4 February 2024 and has 13-week quarters only.
    assert NRF.quarters(2025)[0].start == D(2024, 2, 4)
    assert NRF.quarters(2025)[3].end == D(2025, 2, 1)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2023, 1, 28), "FY2023-Q4"),
        (D(2023, 1, 29), "FY2024-Q1"),
        (D(2023, 4, 29), "FY2024-Q1"),
        (D(2023, 4, 30), "FY2024-Q2"),
        (D(2024, 2, 3), "FY2024-Q4"),  # the 53rd week
        (D(2024, 2, 4), "FY2025-Q1"),
    ],
)
def test_every_day_falls_in_its_hand_made_quarter(day, label):
    assert fiscal_quarter(day, NRF).label == label


def test_4_4_5_from_the_last_sunday_before_the_new_year():
    cal = FiscalCalendar(1, "4-4-5", week_start=6, anchor="last")
    q1 = quarter_by_label("FY2026-Q1", cal)
    assert (q1.start, q1.end) == (D(2025, 12, 28), D(2026, 3, 28))
    assert cal.months(q1) == [
        (D(2025, 12, 28), D(2026, 1, 24)),
        (D(2026, 1, 25), D(2026, 2, 21)),
        (D(2026, 2, 22), D(2026, 3, 28)),
    ]
    assert cal.weeks(2026) == 52
    assert fiscal_quarter(D(2026, 3, 29), cal).label == "FY2026-Q2"  # a month calendar: Q1
    assert fiscal_quarter(D(2026, 3, 29), 1).label == "FY2026-Q1"


def test_5_4_4_month_lengths():
    cal = FiscalCalendar(1, "5-4-4", week_start=0, anchor="nearest")  # Mondays
    q = cal.quarters(2026)[1]
    assert [((b - a).days + 1) // 7 for a, b in cal.months(q)] == [5, 4, 4]
    assert q.start.weekday() == 0


def test_last_four_quarters_and_periods_follow_the_calendar():
    labels = [q.label for q in last_quarters(D(2024, 2, 10), 4, NRF)]
    assert labels == ["FY2024-Q1", "FY2024-Q2", "FY2024-Q3", "FY2024-Q4"]
    assert quarter_of_period("2024-02-01", NRF) == "FY2024-Q4"  # 53rd week
    assert quarter_of_period("FY2025-Q1", NRF) == "FY2025-Q1"


def test_quarter_numbers_for_scoring_and_outcomes_follow_the_calendar():
    days = pd.Series(pd.to_datetime(["2023-04-29", "2023-04-30", "2024-02-03", "2024-02-04"]))
    numbers = quarter_number(days, NRF).tolist()
    assert numbers == [2024 * 4, 2024 * 4 + 1, 2024 * 4 + 3, 2025 * 4]


def test_engagement_setting_and_baselines_use_it(new_engagement):
    from workbench.audits.baselines import run_baselines

    new_engagement.set_setting("fiscal_calendar", {"pattern": "4-4-5", "anchor": "last"})
    cal = engagement_calendar(new_engagement)
    assert (cal.pattern, cal.week_start, cal.anchor, cal.start_month) == ("4-4-5", 6, "last", 1)
    new_engagement.set_setting("as_of_date", "2026-07-15")
    with new_engagement.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, stage, amount, close_date, created_date, "
            "is_closed, is_won) VALUES (?, 'x', 100, ?, '2025-10-01', 1, ?)",
            [("a", "2026-03-28", 1), ("b", "2026-03-29", 1), ("c", "2026-03-29", 0)],
        )
    result = run_baselines(new_engagement, record=False)
    assert result.quarter_ranges["FY2026-Q1"] == ["2025-12-28", "2026-03-28"]
    assert result.quarter_ranges["FY2026-Q2"] == ["2026-03-29", "2026-06-27"]
    # 28 March closes in Q1; 29 March already in Q2 (a month calendar would say Q1).
    assert (result.row("FY2026-Q1").won, result.row("FY2026-Q2").won) == (1, 1)
    assert result.row("FY2026-Q2").lost == 1


def test_new_engagement_with_a_week_calendar_from_the_command_line(tmp_path):
    from workbench.cli import main
    from workbench.models import Engagement

    path = tmp_path / "Retail.engagement"
    argv = ["new", str(path), "--customer", "Retail Co", "--kind", "revenue-intelligence",
            "--fiscal-start", "2", "--fiscal-calendar", "4-5-4"]  # fmt: skip
    assert main(argv) == 0
    with Engagement.open(path, read_only=True) as eng:
        assert engagement_calendar(eng) == NRF


def test_calibration_split_uses_the_week_calendar():
    from workbench.scoring.calibration import _split
    from workbench.scoring.history import ClosedDeals

    closes = pd.to_datetime(["2023-04-15", "2023-05-10", "2023-11-20", "2024-02-03"])
    frame = pd.DataFrame({"close": closes, "quarter": quarter_number(pd.Series(closes), NRF)})
    train_until, label, train, test = _split(ClosedDeals(frame), NRF, pd.Timestamp("2024-03-01"))
    # The latest complete quarter is FY2024-Q4 (29 Oct 2023 - 3 Feb 2024, 14 weeks).
    assert (label, train_until) == ("FY2024-Q4", "2023-10-28")
    assert (train, test) == ([0, 1], [2, 3])
