"""Fiscal calendar arithmetic: quarters named as the customer names them.

A fiscal year is named after the calendar year in which it ends (Salesforce's
default "ending month" naming): with a February start, Feb 2025 - Jan 2026 is
FY2026. With a January start the fiscal year equals the calendar year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class FiscalQuarter:
    """One fiscal quarter; ``label`` is what reports print (``FY2026-Q1``)."""

    year: int
    quarter: int
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"FY{self.year}-Q{self.quarter}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_quarter(day: date, start_month: int = 1) -> FiscalQuarter:
    """The fiscal quarter that contains ``day`` for a year starting in ``start_month``."""
    offset = (day.month - start_month) % 12
    quarter = offset // 3 + 1
    q_start = _add_months(date(day.year, day.month, 1), -(offset % 3))
    fy_start = _add_months(q_start, -3 * (quarter - 1))
    fy_end = _add_months(fy_start, 12) - timedelta(days=1)
    q_end = _add_months(q_start, 3) - timedelta(days=1)
    return FiscalQuarter(fy_end.year, quarter, q_start, q_end)


def quarter_by_label(label: str, start_month: int = 1) -> FiscalQuarter:
    """Parse ``FY2026-Q1`` back into its quarter."""
    try:
        year_part, q_part = label.upper().split("-Q")
        year, quarter = int(year_part.removeprefix("FY")), int(q_part)
    except ValueError:
        raise ValueError(f"{label!r} is not a fiscal quarter label like FY2026-Q1") from None
    if not 1 <= quarter <= 4:
        raise ValueError(f"{label!r} names quarter {quarter}; quarters are 1 to 4")
    # Fiscal year ``year`` ends in calendar year ``year``, so it starts a year earlier
    # unless it starts in January.
    fy_start = date(year, 1, 1) if start_month == 1 else date(year - 1, start_month, 1)
    q_start = _add_months(fy_start, 3 * (quarter - 1))
    return fiscal_quarter(q_start, start_month)


def last_quarters(
    today: date, count: int, start_month: int = 1, *, include_current: bool = False
) -> list[FiscalQuarter]:
    """The ``count`` most recent quarters before ``today``'s (oldest first)."""
    current = fiscal_quarter(today, start_month)
    quarters = [current] if include_current else []
    cursor = current
    while len(quarters) < count:
        cursor = fiscal_quarter(cursor.start - timedelta(days=1), start_month)
        quarters.append(cursor)
    quarters = quarters[:count]
    return sorted(quarters)


def quarter_of_period(period: object, start_month: int = 1) -> str | None:
    """The fiscal quarter label a period names: ``FY2026-Q1``, ``2026-Q1``, ``2026 Q1``,
    ``Q1 2026`` (fiscal year), a month ``2026-01`` or a day ``2026-01-01`` (the quarter
    holding it); None when the text names no period."""
    if not isinstance(period, str) or not period.strip():
        return None
    text = re.sub(r"\s+", "-", period.strip().upper())
    swapped = re.fullmatch(r"Q([1-4])-(?:FY)?(\d{4})", text)
    if swapped:
        text = f"FY{swapped.group(2)}-Q{swapped.group(1)}"
    try:
        return quarter_by_label(text if text.startswith("FY") else "FY" + text, start_month).label
    except ValueError:
        pass
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    try:
        day = (
            date(int(month.group(1)), int(month.group(2)), 1)
            if month
            else date.fromisoformat(text[:10])
        )
    except ValueError:
        return None
    return fiscal_quarter(day, start_month).label
