"""iCalendar files (RFC 5545) that Outlook, Google Calendar and Apple Calendar import.

Events carry stable UIDs derived from the engagement and the event's purpose, so
importing a re-exported calendar updates the events instead of duplicating them.
Recurring meetings use RRULEs; reminders are VALARM components.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vRecur

from workbench.reports.files import write_bytes_atomic
from workbench.reports.text import one_line, xml_text


@dataclass
class CalendarEvent:
    """One (possibly recurring) event; all-day when ``start`` is a date, else local time."""

    key: str
    summary: str
    start: dt.date | dt.datetime
    duration_min: int | None = None
    description: str = ""
    rrule: dict | None = None
    alarm_days_before: int | None = None
    categories: list[str] = field(default_factory=list)


def build_calendar(
    events: list[CalendarEvent],
    *,
    name: str,
    uid_namespace: str,
    stamp: dt.datetime,
    tz: str | None = None,
) -> bytes:
    """The .ics bytes for ``events`` (``stamp`` is DTSTAMP, fixed so output is reproducible).

    With ``tz`` (an IANA name), timed events are in that zone: DTSTART carries its TZID
    and the calendar its VTIMEZONE, so a team spread over several time zones sees each
    meeting at the customer's hour, converted to their own."""
    zone = ZoneInfo(tz) if tz else None
    cal = Calendar()
    cal.add("prodid", "-//Workbench//Documentation package//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", one_line(name))
    for item in events:
        ev = Event()
        digest = hashlib.sha1(f"{uid_namespace}|{item.key}".encode()).hexdigest()[:24]
        ev.add("uid", f"{digest}@workbench")
        ev.add("dtstamp", stamp)
        ev.add("summary", one_line(item.summary))
        if isinstance(item.start, dt.datetime):
            start = item.start
            if zone is not None and start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            ev.add("dtstart", start)
            ev.add("dtend", start + dt.timedelta(minutes=item.duration_min or 60))
        else:
            ev.add("dtstart", item.start)
            ev.add("dtend", item.start + dt.timedelta(days=1))
            ev.add("transp", "TRANSPARENT")
        if item.description:
            ev.add("description", xml_text(item.description))
        if item.categories:
            ev.add("categories", [one_line(c) for c in item.categories])
        if item.rrule:
            ev.add("rrule", vRecur(item.rrule))
        if item.alarm_days_before is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Reminder: {one_line(item.summary)}")
            alarm.add("trigger", -dt.timedelta(days=item.alarm_days_before))
            ev.add_component(alarm)
        cal.add_component(ev)
    if zone is not None:
        cal.add("x-wr-timezone", tz)
        cal.add_missing_timezones()
    return cal.to_ical()


def write_calendar(path: Path, events: list[CalendarEvent], **kw: object) -> Path:
    """Write an .ics file atomically."""
    return write_bytes_atomic(path, build_calendar(events, **kw))  # type: ignore[arg-type]
