"""Dates a customer would choose: business days, the customer's time zone, no collisions."""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr
from icalendar import Calendar
from openpyxl import load_workbook

from workbench.reports.dates import business_day, holidays, long_date


def test_weekends_and_known_holidays_move_to_the_next_working_day() -> None:
    assert business_day(dt.date(2027, 1, 3)) == dt.date(2027, 1, 4)  # Sunday -> Monday
    assert business_day(dt.date(2026, 11, 18)) == dt.date(2026, 11, 18)  # a Wednesday stays
    # Thanksgiving 2026 is Thursday 26 November and the Friday after is off too.
    assert dt.date(2026, 11, 26) in holidays(2026, ["US-CA"])
    assert business_day(dt.date(2026, 11, 26), ["US-CA"]) == dt.date(2026, 11, 30)
    assert business_day(dt.date(2026, 11, 26), ["DE"]) == dt.date(2026, 11, 26)
    # New Year's Day 2027 is a Friday everywhere listed.
    assert business_day(dt.date(2027, 1, 1), ["GB"]) == dt.date(2027, 1, 4)
    assert business_day(dt.date(2026, 10, 3), ["DE"]) == dt.date(2026, 10, 5)  # Saturday anyway
    assert business_day(dt.date(2027, 5, 31), ["GB"]) == dt.date(2027, 6, 1)  # spring bank holiday


def test_holidays_come_from_the_customers_jurisdictions() -> None:
    # Christmas 2026 is a Friday: a US follow-up moves to Monday 28 December.
    assert business_day(dt.date(2026, 12, 25), ["US"]) == dt.date(2026, 12, 28)
    # Whit Monday (Pfingstmontag) 2027 is 17 May, a German public holiday but not a US one.
    assert business_day(dt.date(2027, 5, 17), ["DE"]) == dt.date(2027, 5, 18)
    assert business_day(dt.date(2027, 5, 17), ["US-CA"]) == dt.date(2027, 5, 17)
    # Easter-based holidays: Good Friday 2027 (26 March) in GB and DE, then Easter Monday in DE.
    assert business_day(dt.date(2027, 3, 26), ["GB"]) == dt.date(2027, 3, 29)
    assert business_day(dt.date(2027, 3, 26), ["DE"]) == dt.date(2027, 3, 30)
    # Boxing Day 2026 is a Saturday: the UK observes it on Monday 28 December.
    assert dt.date(2026, 12, 28) in holidays(2026, ["UK"])
    # Independence Day 2026 is a Saturday: observed on Friday 3 July in the US.
    assert business_day(dt.date(2026, 7, 3), ["US-TX"]) == dt.date(2026, 7, 6)
    # One jurisdiction's holiday closes the date for a team spread over several.
    assert business_day(dt.date(2027, 5, 17), ["US-CA", "DE", "GB"]) == dt.date(2027, 5, 18)


def test_an_unknown_jurisdiction_keeps_weekends_only_and_an_unknown_region_its_country() -> None:
    assert holidays(2026, ["XX"]) == set()
    assert business_day(dt.date(2026, 12, 25), ["XX"]) == dt.date(2026, 12, 25)
    assert business_day(dt.date(2026, 12, 25), ["US-ZZ"]) == dt.date(2026, 12, 28)
    assert business_day(dt.date(2026, 12, 25), [" de ", ""]) == dt.date(2026, 12, 28)


def test_every_date_is_written_the_same_way() -> None:
    assert long_date(dt.date(2026, 11, 6)) == "6 November 2026"
    assert long_date("2026-11-16T10:00:00") == "16 November 2026"
    assert long_date(None) == "-"


def _calendar(result, name: str) -> Calendar:
    path = next(f.path for f in result.files if f.document == name and f.format == "ics")
    return Calendar.from_ical(path.read_bytes())


def _occurrences(cal: Calendar, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, str]]:
    out = []
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("dtstart")
        if not isinstance(start, dt.datetime):
            continue
        length = ev.decoded("dtend") - start
        if "RRULE" in ev:
            rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=start)
            starts = rule.between(start, until, inc=True)
        else:
            starts = [start]
        out.extend((s, s + length, str(ev["SUMMARY"])) for s in starts)
    return out


def test_calendars_carry_the_customer_time_zone_and_never_collide(story_package) -> None:
    cadence = _calendar(story_package, "forecast-cadence")
    upkeep = _calendar(story_package, "maintenance-schedule")
    for cal in (cadence, upkeep):
        zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
        # The demo's first jurisdiction is California and its roster names no time zone.
        assert zones == ["America/Los_Angeles"]
        timed = [ev for ev in cal.walk("VEVENT") if isinstance(ev.decoded("dtstart"), dt.datetime)]
        assert timed
        for ev in timed:
            assert ev["DTSTART"].params["TZID"] == "America/Los_Angeles"
    first = min(s for s, _e, _n in _occurrences(cadence, dt.datetime.max.replace(tzinfo=dt.UTC)))
    until = first + dt.timedelta(days=365)
    events = sorted(_occurrences(cadence, until) + _occurrences(upkeep, until))
    clashes = [
        (a[2], b[2], a[0].isoformat())
        for a, b in zip(events, events[1:], strict=False)
        if b[0] < a[1]
    ]
    assert clashes == []


def test_follow_up_dates_fall_on_working_days(story_package) -> None:
    path = next(
        f.path
        for f in story_package.files
        if f.document == "maintenance-schedule" and f.format == "xlsx"
    )
    ws = load_workbook(path)["Follow-ups"]
    days = [
        c.value.date() if isinstance(c.value, dt.datetime) else c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, dt.date)
    ]
    assert days
    closed = holidays(2026, ["US-CA", "GB", "DE"]) | holidays(2027, ["US-CA", "GB", "DE"])
    assert [d for d in days if d.weekday() >= 5 or d in closed] == []
