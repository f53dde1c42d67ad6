"""Closed deals as calibration examples: snapshot day, outcome, fiscal quarter.

The snapshot is where the score would have been read, before anyone knew the
outcome: ``horizon_days`` (default 30) before the close date, or halfway through the
deal when it lived less than twice that. Every signal of the example is computed as
of that day. The outcome to predict is the seeds' Deal Risk Score definition: the
deal was lost, or it slipped (won, but in a later fiscal quarter than the close date
it carried on the snapshot day): ``models.outcomes``, the definition the maintenance
spot-check uses too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.models.fiscal import FiscalCalendar
from workbench.models.outcomes import deal_outcomes, quarter_number
from workbench.scoring.data import DealData

DEFAULT_HORIZON_DAYS = 30


def quarter_index(days: pd.Series, start_month: int) -> pd.Series:
    """A running number per fiscal quarter (equal for days in the same quarter)."""
    return quarter_number(days, start_month)


def quarter_label(index: float, start_month) -> str:
    """``FY2026-Q1`` for a ``quarter_index`` value."""
    if isinstance(start_month, FiscalCalendar):
        if start_month.weekly:
            return f"FY{int(index) // 4}-Q{int(index) % 4 + 1}"
        start_month = start_month.start_month
    months = int(index) * 3 + (start_month - 1)
    year, month0 = divmod(months, 12)
    # The fiscal year is named after the calendar year it ends in.
    offset = (month0 - (start_month - 1)) % 12
    fy_end_year = year + (1 if start_month != 1 and month0 >= start_month - 1 else 0)
    return f"FY{fy_end_year}-Q{offset // 3 + 1}"


@dataclass
class ClosedDeals:
    """Closed deals usable for calibration, one row each, and who was left out."""

    frame: pd.DataFrame  # index opp: close, created, snapshot, won, lost, slipped, bad, quarter
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def n_won(self) -> int:
        return int(self.frame["won"].sum())

    @property
    def n_lost(self) -> int:
        return int(self.frame["lost"].sum())


def closed_deals(
    data: DealData, as_of: pd.Timestamp, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> ClosedDeals:
    """The closed deals with a usable close date, their snapshots and outcomes."""
    opps = data.opps
    closed = opps[(opps["is_closed"] == 1)]
    left_out: dict[str, int] = {}
    no_outcome = closed["is_won"].isna()
    no_close = closed["close"].isna()
    future = closed["close"] > as_of
    before_created = closed["close"] < closed["created"]
    for label, mask in (
        ("closed without a won/lost flag", no_outcome),
        ("closed without a close date", no_close & ~no_outcome),
        ("close date after the as-of day", future & ~no_close & ~no_outcome),
        ("closed before it was created", before_created & ~future & ~no_close & ~no_outcome),
    ):
        if int(mask.sum()):
            left_out[label] = int(mask.sum())
    keep = closed[~(no_outcome | no_close | future | before_created)]
    frame = pd.DataFrame(index=keep.index.astype(str))
    frame["close"] = keep["close"].values
    frame["created"] = keep["created"].values
    by_horizon = frame["close"] - pd.Timedelta(days=horizon_days)
    halfway = frame["created"] + (frame["close"] - frame["created"]) / 2
    snapshot = by_horizon.where(halfway.isna() | (by_horizon >= halfway), halfway)
    frame["snapshot"] = snapshot.dt.floor("D")
    frame["won"] = (keep["is_won"].values == 1).astype("int64")
    frame["lost"] = 1 - frame["won"]
    start = data.fiscal_start_month
    frame["quarter"] = quarter_index(frame["close"], start)
    expected = _expected_close(data, frame["snapshot"])
    # Lost or slipped: the one definition shared with the maintenance spot-check.
    outcome = deal_outcomes(
        pd.Series(True, index=frame.index),
        frame["won"].eq(1),
        frame["close"],
        expected,
        as_of,
        start,
    )
    frame["slipped"] = outcome["slipped"].astype("int64")
    frame["bad"] = outcome["bad"].astype("int64")
    return ClosedDeals(frame, left_out)


def _expected_close(data: DealData, snapshots: pd.Series) -> pd.Series:
    """The close date each deal carried on its snapshot day (from the history table)."""
    rows = data.history.loc[data.history["close_date"].notna(), ["opp", "at", "close_date"]]
    if rows.empty:
        return pd.Series(pd.NaT, index=snapshots.index)
    left = pd.DataFrame({"opp": snapshots.index.astype(str), "t": snapshots.values})
    left = left.sort_values("t", kind="stable")
    right = rows.assign(opp=rows["opp"].astype(str)).sort_values("at", kind="stable")
    merged = pd.merge_asof(left, right, left_on="t", right_on="at", by="opp")
    return merged.set_index("opp")["close_date"].reindex(snapshots.index)
