"""Dates as the customer reads them, and dates a customer would choose.

One way of writing a date in every document ("16 November 2026"); customer dates
(hypercare end, follow-ups, reviews) on business days of the customer's calendar:
weekends and the public holidays of the customer's jurisdictions (the ``holidays``
package) move to the next working day.
"""

from __future__ import annotations

import datetime as dt
import functools

from workbench.models import vocabulary

# Public holidays come from the ``holidays`` package (the field's library: national and
# regional calendars kept up to date, Easter-based and observed-day rules included).
# A jurisdiction code is a country ("DE", "GB"; "UK" is an alias) optionally with a
# subdivision ("US-CA"); an unknown subdivision falls back to the country's national
# holidays, an unknown country to weekends only.


@functools.lru_cache(maxsize=256)
def _jurisdiction_holidays(code: str, year: int) -> frozenset[dt.date]:
    import holidays as holiday_calendars

    country, _, subdiv = code.partition("-")
    for sub in ((subdiv or None), None) if subdiv else (None,):
        try:
            days = holiday_calendars.country_holidays(country, subdiv=sub, years=year)
        except (NotImplementedError, KeyError, ValueError):
            continue
        return frozenset(d for d in days if d.year == year)
    return frozenset()


def holidays(year: int, jurisdictions: list[str] | tuple[str, ...]) -> set[dt.date]:
    """Public holidays of ``year`` observed in any of ``jurisdictions`` ("US-CA", "DE", "GB")."""
    out: set[dt.date] = set()
    for code in {c.strip().upper() for c in jurisdictions if c and c.strip()}:
        out |= _jurisdiction_holidays(code, year)
    return out


def business_day(day: dt.date, jurisdictions: list[str] | tuple[str, ...] = ()) -> dt.date:
    """``day`` or the next working day: not a weekend, not a known public holiday."""
    closed = holidays(day.year, jurisdictions) | holidays(day.year + 1, jurisdictions)
    while day.weekday() >= 5 or day in closed:
        day += dt.timedelta(days=1)
    return day


def long_date(value: dt.date | dt.datetime | str | None) -> str:
    """ "16 November 2026": the one way every document writes a date."""
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return vocabulary.long_day(value)


def long_moment(iso: str) -> str:
    """A stored UTC moment as the documents write it: "3 December 2026 09:14 UTC"."""
    try:
        value = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return f"{long_date(value)} {value:%H:%M} UTC"


_NBSP = "\u00a0"


def _kept_together(text: str) -> str:
    return text.replace(" ", _NBSP)


def dates_in_words(text: str, *, keep_together: bool = False) -> str:
    """A sentence from the layers below (they write ISO dates for the command line and
    CSV) with its dates as every document writes them: "go-live on 11 January 2027".
    ``keep_together`` joins each date's words with no-break spaces (table cells: a date
    never breaks across lines)."""
    if keep_together:
        return vocabulary.dates_in(
            text, lambda d: _kept_together(long_date(d)), lambda m: _kept_together(long_moment(m))
        )
    return vocabulary.dates_in(text, long_date, long_moment)


# The usual business time zone of a jurisdiction (the state's or country's largest
# commercial centre). Used when neither the engagement nor the roster names one.
_ZONES = {
    "US-CA": "America/Los_Angeles",
    "US-WA": "America/Los_Angeles",
    "US-OR": "America/Los_Angeles",
    "US-NV": "America/Los_Angeles",
    "US-AZ": "America/Phoenix",
    "US-CO": "America/Denver",
    "US-UT": "America/Denver",
    "US-TX": "America/Chicago",
    "US-IL": "America/Chicago",
    "US-MN": "America/Chicago",
    "US-MO": "America/Chicago",
    "US-NY": "America/New_York",
    "US-MA": "America/New_York",
    "US-NJ": "America/New_York",
    "US-PA": "America/New_York",
    "US-FL": "America/New_York",
    "US-GA": "America/New_York",
    "US-NC": "America/New_York",
    "US-VA": "America/New_York",
    "US-DC": "America/New_York",
    "US-MD": "America/New_York",
    "US-CT": "America/New_York",
    "US-OH": "America/New_York",
    "US-MI": "America/Detroit",
    "GB": "Europe/London",
    "UK": "Europe/London",
    "IE": "Europe/Dublin",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "NL": "Europe/Amsterdam",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
}


def customer_time_zone(eng, meta) -> tuple[str, str]:
    """The customer's time zone (IANA name) and where it comes from, in words.

    The engagement's ``time_zone`` setting when set; else the time zone most of the
    active roster is in; else the first operating jurisdiction's; else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    def valid(name: object) -> str | None:
        if not isinstance(name, str) or not name.strip():
            return None
        try:
            ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return name.strip()

    try:
        chosen = valid(eng.setting("time_zone"))
    except Exception:  # a damaged setting is not a reason to fail the export
        chosen = None
    if chosen:
        return chosen, "the engagement's time zone"
    row = eng.conn.execute(
        "SELECT time_zone, count(*) FROM users WHERE coalesce(is_active, 1) = 1 "
        "AND trim(coalesce(time_zone, '')) != '' GROUP BY time_zone ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    if row and valid(row[0]):
        return row[0], "the time zone most of the sales team works in"
    for code in meta.jurisdictions:
        zone = _ZONES.get(code.strip().upper())
        if zone:
            return (
                zone,
                "the first operating jurisdiction's time zone (set the engagement's time zone to change it)",
            )
    return "UTC", "UTC (no time zone is recorded for the customer)"


_ZONE_WORDS = {
    "America/Los_Angeles": "Pacific time",
    "America/Denver": "Mountain time",
    "America/Phoenix": "Arizona time",
    "America/Chicago": "Central time",
    "America/New_York": "Eastern time",
    "America/Detroit": "Eastern time",
    "America/Toronto": "Eastern time",
    "Europe/London": "UK time",
    "Europe/Dublin": "Irish time",
    "Europe/Berlin": "Central European time",
    "Europe/Paris": "Central European time",
    "Europe/Amsterdam": "Central European time",
    "Europe/Madrid": "Central European time",
    "Europe/Rome": "Central European time",
    "Australia/Sydney": "Sydney time",
    "UTC": "UTC",
}


def zone_words(zone: str) -> str:
    """ "America/Los_Angeles" -> "Pacific time" (a name a reader recognises)."""
    return _ZONE_WORDS.get(zone, zone.rsplit("/", 1)[-1].replace("_", " ") + " time")
