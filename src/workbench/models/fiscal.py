"""Fiscal calendar arithmetic: quarters named as the customer names them.

A fiscal year is named after the calendar year in which it ends (Salesforce's
default "ending month" naming): with a February start, Feb 2025 - Jan 2026 is
FY2026. With a January start the fiscal year equals the calendar year.

Besides calendar months, a sales team may run a 4-4-5, 4-5-4 or 5-4-4 week calendar
(``FiscalCalendar``): the year starts on a given weekday nearest to (or last before)
the first of the start month, so it has 52 weeks, or 53 when the next start falls a
week later; each quarter has 13 weeks split 4-4-5 (or 4-5-4, 5-4-4) into months, and
a 53rd week goes to the year's last month. Every function taking ``start_month``
also takes a ``FiscalCalendar`` (``engagement_calendar`` reads the engagement's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


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


WEEK_PATTERNS = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4)}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class FiscalCalendar:
    """An engagement's fiscal calendar: calendar months from ``start_month``, or weeks
    (``pattern`` 4-4-5, 4-5-4, 5-4-4) from the ``week_start`` day ``anchor``-ed to the
    first of ``start_month`` ("nearest": within three days either side; "last": the
    last such day on or before it)."""

    start_month: int = 1
    pattern: str = "months"
    week_start: int = 6  # Monday 0 ... Sunday 6
    anchor: str = "nearest"

    def __post_init__(self) -> None:
        if self.pattern != "months" and self.pattern not in WEEK_PATTERNS:
            raise ValueError(
                f"{self.pattern!r} is not a fiscal calendar; use months, "
                + ", ".join(WEEK_PATTERNS)
            )
        if self.anchor not in ("nearest", "last"):
            raise ValueError(f"{self.anchor!r}: the year starts on the 'nearest' or 'last' day")

    @property
    def weekly(self) -> bool:
        return self.pattern in WEEK_PATTERNS

    def year_start(self, year: int) -> date:
        """First day of fiscal year ``year`` (named after the calendar year it ends in)."""
        nominal = date(year, 1, 1) if self.start_month == 1 else date(year - 1, self.start_month, 1)
        back = (nominal.weekday() - self.week_start) % 7
        if self.anchor == "nearest" and back > 3:
            return nominal + timedelta(days=7 - back)
        return nominal - timedelta(days=back)

    def weeks(self, year: int) -> int:
        """52, or 53 in a long year."""
        return (self.year_start(year + 1) - self.year_start(year)).days // 7

    def quarters(self, year: int) -> list[FiscalQuarter]:
        """The four quarters of fiscal year ``year``; a 53rd week ends the fourth."""
        start = self.year_start(year)
        out = []
        for q in range(4):
            weeks = 13 + (1 if q == 3 and self.weeks(year) == 53 else 0)
            end = start + timedelta(weeks=weeks) - timedelta(days=1)
            out.append(FiscalQuarter(year, q + 1, start, end))
            start = end + timedelta(days=1)
        return out

    def months(self, quarter: FiscalQuarter) -> list[tuple[date, date]]:
        """The three fiscal months of a quarter (first and last day)."""
        if not self.weekly:
            firsts = [_add_months(quarter.start, i) for i in range(4)]
            return [(a, b - timedelta(days=1)) for a, b in zip(firsts, firsts[1:], strict=False)]
        sizes = list(WEEK_PATTERNS[self.pattern])
        if (quarter.end - quarter.start).days + 1 == 14 * 7:
            sizes[-1] += 1
        out, start = [], quarter.start
        for weeks in sizes:
            end = start + timedelta(weeks=weeks) - timedelta(days=1)
            out.append((start, end))
            start = end + timedelta(days=1)
        return out

    def quarter(self, day: date) -> FiscalQuarter:
        """The fiscal quarter holding ``day``."""
        if not self.weekly:
            return fiscal_quarter(day, self.start_month)
        year = day.year + (1 if self.start_month != 1 and day.month >= self.start_month else 0)
        while day < self.year_start(year):
            year -= 1
        while day >= self.year_start(year + 1):
            year += 1
        return next(q for q in self.quarters(year) if q.contains(day))

    def describe(self) -> str:
        """In words, for documents and notes."""
        month = date(2000, self.start_month, 1).strftime("%B")
        if not self.weekly:
            return f"calendar quarters, the fiscal year starting in {month}"
        day = WEEKDAYS[self.week_start].capitalize()
        where = "nearest to" if self.anchor == "nearest" else "on or before"
        return (
            f"{self.pattern} weeks per quarter, the fiscal year starting on the {day} "
            f"{where} 1 {month} (a 53-week year adds its extra week to the last month)"
        )


def engagement_calendar(eng: Any) -> FiscalCalendar:
    """The engagement's fiscal calendar: its fiscal year start month and the setting
    ``fiscal_calendar`` ({"pattern": "4-4-5", "week_start": "sunday", "anchor":
    "nearest"}; absent: calendar months)."""
    return calendar_from(int(eng.meta().fiscal_year_start_month), eng.setting("fiscal_calendar"))


def calendar_from(start: int, value: object) -> FiscalCalendar:
    """A ``FiscalCalendar`` from the start month and the ``fiscal_calendar`` setting."""
    if not value:
        return FiscalCalendar(start)
    if isinstance(value, str):
        value = {"pattern": value}
    day = str(value.get("week_start", "sunday")).strip().lower()
    return FiscalCalendar(
        start,
        str(value.get("pattern", "months")),
        WEEKDAYS.index(day) if day in WEEKDAYS else 6,
        str(value.get("anchor", "nearest")),
    )


def _calendar(start_month: int | FiscalCalendar) -> FiscalCalendar | None:
    """The week calendar behind a ``start_month`` argument, if it is one."""
    return start_month if isinstance(start_month, FiscalCalendar) and start_month.weekly else None


def _month(start_month: int | FiscalCalendar) -> int:
    return start_month.start_month if isinstance(start_month, FiscalCalendar) else int(start_month)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def fiscal_quarter(day: date, start_month: int | FiscalCalendar = 1) -> FiscalQuarter:
    """The fiscal quarter that contains ``day`` for a year starting in ``start_month``."""
    if (weekly := _calendar(start_month)) is not None:
        return weekly.quarter(day)
    start_month = _month(start_month)
    offset = (day.month - start_month) % 12
    quarter = offset // 3 + 1
    q_start = _add_months(date(day.year, day.month, 1), -(offset % 3))
    fy_start = _add_months(q_start, -3 * (quarter - 1))
    fy_end = _add_months(fy_start, 12) - timedelta(days=1)
    q_end = _add_months(q_start, 3) - timedelta(days=1)
    return FiscalQuarter(fy_end.year, quarter, q_start, q_end)


def quarter_by_label(label: str, start_month: int | FiscalCalendar = 1) -> FiscalQuarter:
    """Parse ``FY2026-Q1`` back into its quarter."""
    try:
        year_part, q_part = label.upper().split("-Q")
        year, quarter = int(year_part.removeprefix("FY")), int(q_part)
    except ValueError:
        raise ValueError(f"{label!r} is not a fiscal quarter label like FY2026-Q1") from None
    if not 1 <= quarter <= 4:
        raise ValueError(f"{label!r} names quarter {quarter}; quarters are 1 to 4")
    if (weekly := _calendar(start_month)) is not None:
        return weekly.quarters(year)[quarter - 1]
    start_month = _month(start_month)
    # Fiscal year ``year`` ends in calendar year ``year``, so it starts a year earlier
    # unless it starts in January.
    fy_start = date(year, 1, 1) if start_month == 1 else date(year - 1, start_month, 1)
    q_start = _add_months(fy_start, 3 * (quarter - 1))
    return fiscal_quarter(q_start, start_month)


def last_quarters(
    today: date, count: int, start_month: int | FiscalCalendar = 1, *, include_current: bool = False
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


def quarter_of_period(period: object, start_month: int | FiscalCalendar = 1) -> str | None:
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
