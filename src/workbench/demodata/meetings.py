"""Video meetings and dialer calls of the last 13 weeks, with realistic capture gaps.

Most CRM-logged events and calls have a matching meeting in the platform logs
(same host, account, opportunity, start within minutes). Whether it was recorded
depends on the channel (Zoom's auto-record works best, the dialer worst) and on
the rep (three reps barely record). A few logged events have no meeting record
at all (met in person, or on a platform nobody connected): the capture audit
should find both kinds of gap.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from workbench.demodata.common import insert, stream, weighted
from workbench.demodata.companies import Account
from workbench.demodata.deals import DealBook
from workbench.demodata.org import Rep

# Target share of external meetings recorded, by channel (the gap analysis headline).
CAPTURE_TARGET = {"zoom": 0.93, "teams": 0.78, "meet": 0.88, "phone": 0.65}
VIDEO_MIX = (("zoom", 0.55), ("teams", 0.3), ("meet", 0.15))
NOT_LOGGED_SHARE = 0.06  # CRM events/calls with no meeting in any platform log
SKIP_REASONS = {
    "zoom": (
        ("personal meeting room", 0.4),
        ("customer declined consent", 0.3),
        ("bot not invited", 0.2),
        (None, 0.1),
    ),
    "teams": (
        ("bot not invited", 0.5),
        ("customer declined consent", 0.25),
        ("recording blocked by customer's tenant policy", 0.15),
        (None, 0.1),
    ),
    "meet": (
        ("bot not invited", 0.45),
        ("customer declined consent", 0.35),
        ("calendar event had no video link", 0.1),
        (None, 0.1),
    ),
    "phone": (
        ("dialer integration not connected", 0.4),
        ("called from mobile phone", 0.35),
        ("customer declined consent", 0.15),
        (None, 0.1),
    ),
}

MEETING_COLUMNS = (
    "crm_id",
    "kind",
    "channel",
    "title",
    "is_external",
    "started_at",
    "duration_min",
    "is_recorded",
    "skip_reason",
    "host_crm_id",
    "host_email",
    "account_crm_id",
    "opportunity_crm_id",
    "participant_emails",
    "extra",
)


@dataclass
class RecordedMeeting:
    """A recorded external video meeting that may get a transcript."""

    crm_id: str
    host: Rep
    account: Account
    opportunity_crm_id: str | None
    started_at: str
    duration_min: float
    participants: list[str] = field(default_factory=list)


@dataclass
class MeetingBook:
    rows: int = 0
    recorded: list[RecordedMeeting] = field(default_factory=list)
    not_logged_activities: list[str] = field(default_factory=list)


def _meeting_id(rng: random.Random, channel: str, number: int) -> str:
    if channel == "zoom":
        return f"8{number:05d}{rng.randrange(10**5):05d}"
    if channel == "teams":
        return f"19:meeting_{number:06d}{rng.randrange(16**10):010x}@thread.v2"
    if channel == "meet":
        letters = "abcdefghijkmnopqrstuvwxyz"
        code = "".join(rng.choice(letters) for _ in range(10))
        return f"{code[:3]}-{code[3:7]}-{code[7:]}-{number}"
    return f"DL-{number:08d}"


def build_meetings(
    conn: sqlite3.Connection,
    seed: int,
    as_of: date,
    reps: list[Rep],
    accounts: list[Account],
    deals: DealBook,
) -> MeetingBook:
    """Write the meeting log and return the recorded external meetings."""
    rng = stream(seed, "meetings")
    by_id = {r.crm_id: r for r in reps}
    account_by_id = {a.crm_id: a for a in accounts}
    aes = [r for r in reps if r.carries_quota and r.is_active]
    mean_factor = sum(r.recording_factor for r in aes) / len(aes)
    book = MeetingBook()
    rows: list[tuple] = []
    number = 0

    def record(channel: str, host: Rep, external: bool) -> tuple[int, str | None]:
        if not external:
            recorded = rng.random() < 0.35
            return int(recorded), None if recorded else "internal meeting (not recorded by policy)"
        rate = min(0.995, CAPTURE_TARGET[channel] / mean_factor * host.recording_factor)
        if rng.random() < rate:
            return 1, None
        return 0, weighted(rng, SKIP_REASONS[channel])  # type: ignore[return-value]

    for (
        act_id,
        kind,
        subject,
        owner_id,
        account_id,
        opp_id,
        contact_id,
        started,
        duration,
    ) in deals.crm_meetings:
        if rng.random() < NOT_LOGGED_SHARE:
            book.not_logged_activities.append(act_id)
            continue
        host = by_id[owner_id]
        account = account_by_id[account_id]
        channel = "phone" if kind == "call" else str(weighted(rng, VIDEO_MIX))
        number += 1
        crm_id = _meeting_id(rng, channel, number)
        start = datetime.fromisoformat(started) + timedelta(minutes=rng.choice((0, 0, 1, 2, 3)))
        actual = max(2.0, float(duration) + rng.randint(-6, 8))
        emails = [host.email]
        picks = [e for e in account.contact_emails if e]
        if contact_id in account.contacts:
            own = account.contact_emails[account.contacts.index(contact_id)]
            if own:
                emails.append(own)
        if kind == "event" and picks and rng.random() < 0.5:
            emails.append(rng.choice(picks))
        emails = list(dict.fromkeys(e.lower() for e in emails))
        is_recorded, reason = record(channel, host, True)
        rows.append(
            (
                crm_id,
                "call" if channel == "phone" else "meeting",
                channel,
                f"{subject} - {account.name}",
                1,
                start.strftime("%Y-%m-%dT%H:%M:%S"),
                actual,
                is_recorded,
                reason,
                host.crm_id,
                host.email,
                account.crm_id,
                opp_id,
                json.dumps(emails),
                None,
            )
        )
        if is_recorded and channel != "phone" and actual >= 30 and opp_id:
            book.recorded.append(
                RecordedMeeting(
                    crm_id,
                    host,
                    account,
                    opp_id,
                    start.strftime("%Y-%m-%dT%H:%M:%S"),
                    actual,
                    emails,
                )
            )
        if len(rows) >= 5_000:
            book.rows += insert(conn, "meetings", MEETING_COLUMNS, rows)
            rows = []

    # Internal meetings: weekly team forecast calls and rep 1:1s, never in the CRM.
    managers = [r for r in reps if r.role == "Sales Manager"]
    first_monday = as_of - timedelta(days=91 + as_of.weekday())
    for week in range(14):
        monday = first_monday + timedelta(days=7 * week)
        for manager in managers:
            team = [r for r in aes if r.manager_crm_id == manager.crm_id]
            items = [(f"{manager.team} forecast call", team, 60.0, 1)]
            items += [
                (f"1:1 {manager.name.split()[0]} / {r.name.split()[0]}", [r], 30.0, 3)
                for r in team
                if (week + aes.index(r)) % 2 == 0
            ]
            for title, people, minutes, weekday in items:
                day = monday + timedelta(days=weekday)
                if day >= as_of:
                    continue
                number += 1
                channel = "zoom" if rng.random() < 0.7 else "teams"
                crm_id = _meeting_id(rng, channel, number)
                hour = rng.randint(14, 21)
                is_recorded, reason = record(channel, manager, False)
                rows.append(
                    (
                        crm_id,
                        "meeting",
                        channel,
                        title,
                        0,
                        f"{day.isoformat()}T{hour:02d}:00:00",
                        minutes,
                        is_recorded,
                        reason,
                        manager.crm_id,
                        manager.email,
                        None,
                        None,
                        json.dumps([manager.email, *[p.email for p in people]]),
                        None,
                    )
                )
    book.rows += insert(conn, "meetings", MEETING_COLUMNS, rows)
    return book
