"""Which deals were lost or slipped: one definition for the scoring calibration, the
recalibration check and the maintenance spot-check of scored deals.

A deal is **lost or slipped** when it was lost (closed and not won), or it slipped:
won in a later fiscal quarter than the close date it carried when it was scored (its
snapshot day), or still open after the end of that quarter. A deal still open inside
that quarter has no outcome yet: it is counted neither way (not "decided").
"""

from __future__ import annotations

import pandas as pd

from workbench.models.fiscal import FiscalCalendar


def quarter_number(days: pd.Series, start_month: int | FiscalCalendar) -> pd.Series:
    """A running number per fiscal quarter (equal for days in the same quarter; for a
    week calendar, fiscal year x 4 + quarter - 1)."""
    if isinstance(start_month, FiscalCalendar) and start_month.weekly:
        calendar = start_month
        unique = pd.Series(pd.unique(days.dropna().dt.normalize()))
        numbers = {
            day: float(q.year * 4 + q.quarter - 1)
            for day in unique
            for q in [calendar.quarter(day.date())]
        }
        return days.dt.normalize().map(numbers).astype("float64")
    start_month = (
        start_month.start_month if isinstance(start_month, FiscalCalendar) else start_month
    )
    months = days.dt.year * 12 + (days.dt.month - 1) - (start_month - 1)
    return (months // 3).astype("float64")


def deal_outcomes(
    closed: pd.Series,
    won: pd.Series,
    close: pd.Series,
    expected: pd.Series,
    as_of: pd.Timestamp,
    start_month: int,
) -> pd.DataFrame:
    """Per deal: ``lost``, ``slipped``, ``bad`` (lost or slipped) and ``decided``.

    ``closed``/``won`` are booleans, ``close`` the current close date, ``expected`` the
    close date the deal carried when it was scored (missing: the current one), all on
    the same index; ``as_of`` is the day the outcome is read.
    """
    closed = closed.fillna(False).astype(bool)
    won = won.fillna(False).astype(bool) & closed
    close = pd.to_datetime(close)
    expected = pd.to_datetime(expected).fillna(close)
    planned = quarter_number(expected, start_month)
    today = quarter_number(pd.Series([pd.Timestamp(as_of)]), start_month).iloc[0]
    lost = closed & ~won
    won_late = won & (quarter_number(close, start_month) > planned)
    open_late = ~closed & planned.notna() & (today > planned)
    slipped = won_late | open_late
    return pd.DataFrame(
        {
            "lost": lost,
            "slipped": slipped,
            "bad": lost | slipped,
            "decided": closed | open_late,
        },
        index=closed.index,
    )
