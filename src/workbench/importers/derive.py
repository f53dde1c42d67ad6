"""Values an import derives from others: activity kinds, meeting channels, durations,
pipeline-stage labels."""

from __future__ import annotations

import re
from datetime import datetime


def stage_lookup(conn) -> dict[str, tuple[str | None, int | None, int | None]]:
    """Imported pipeline stages: stage id -> (label, closed, won); each label also finds
    its stage (Salesforce deals name their stage by label)."""
    rows = conn.execute(
        "SELECT crm_id, label, is_closed, is_won FROM pipeline_stages ORDER BY id"
    ).fetchall()
    out = {label: (label, closed, won) for _, label, closed, won in rows if label}
    out.update({crm_id: (label, closed, won) for crm_id, label, closed, won in rows})
    return out


# The usual meanings of stage names when an export carries no closed/won flags and no
# stage list was imported: Salesforce's standard "Closed Won"/"Closed Lost", HubSpot's
# internal "closedwon"/"closedlost", and the common variants.
WON_NAME = re.compile(r"\bwon\b|closed\W*won|^won|\bsigned\b|\bbooked\b", re.IGNORECASE)
LOST_NAME = re.compile(
    r"\blost\b|closed\W*lost|^lost|\bdead\b|disqualified|no\W*decision|closed\W*(no|not)\b|"
    r"\bcancell?ed\b|\bdropped\b",
    re.IGNORECASE,
)
CLOSED_NAME = re.compile(r"\bclosed?\b", re.IGNORECASE)


def stage_meaning(stage: str | None) -> tuple[int, int] | None:
    """(closed, won) a stage name usually means; None when the name is ambiguous
    ("Closed" alone does not say whether the deal was won)."""
    if not stage or not stage.strip():
        return None
    if WON_NAME.search(stage) and not LOST_NAME.search(stage):
        return 1, 1
    if LOST_NAME.search(stage):
        return 1, 0
    if CLOSED_NAME.search(stage):
        return None
    return 0, 0


def relabel_stages(conn) -> int:
    """Give already imported deals and history rows the labels of their stage ids, and
    deals the closed/won flags of their stage (the imported stage list is the org's own
    reading of its stages, or the consultant's correction: it wins)."""
    changed = 0
    for table in ("opportunities", "opportunity_history"):
        cur = conn.execute(
            f"UPDATE {table} SET stage = s.label FROM pipeline_stages AS s "
            f"WHERE {table}.stage = s.crm_id AND s.label IS NOT NULL"
        )
        changed += cur.rowcount
    conn.execute(
        "UPDATE opportunities SET is_closed = coalesce(s.is_closed, opportunities.is_closed), "
        "is_won = coalesce(s.is_won, opportunities.is_won) FROM pipeline_stages AS s "
        "WHERE opportunities.stage = s.label"
    )
    return changed


def activity_kind(value: str | None, default: str, allowed: tuple[str, ...]) -> str:
    """The kind an activity type or subtype names (``Logged Call`` -> call), or ``default``."""
    if not value:
        return default
    v = value.strip().lower()
    synonyms = {
        "todo": "task",
        "logged call": "call",
        "phone": "call",
        "phone call": "call",
        "e-mail": "email",
        "mail": "email",
        "communication": "other",
        "video": "meeting",
        "incoming_email": "email",
        "forwarded_email": "email",
        "list email": "email",
    }
    v = synonyms.get(v, v)
    if v in allowed:
        return v
    if "call" in v and "call" in allowed:
        return "call"
    if "mail" in v and "email" in allowed:
        return "email"
    if "meeting" in v and "meeting" in allowed:
        return "meeting"
    return default if default in allowed else allowed[-1]


def meeting_channel(value: str | None) -> str | None:
    """zoom, teams, meet, webex or phone (dialers) for the platform named; else as written."""
    if not value:
        return None
    v = value.strip().lower()
    for key, name in (
        ("zoom", "zoom"),
        ("teams", "teams"),
        ("meet", "meet"),
        ("webex", "webex"),
        ("phone", "phone"),
        ("dialer", "phone"),
        ("aircall", "phone"),
        ("outreach", "phone"),
        ("ringcentral", "phone"),
    ):
        if key in v:
            return name
    return v


def minutes_between(start: str | None, end: str | None) -> float | None:
    """Minutes from one stored moment to another (None when either is missing)."""
    if not start or not end:
        return None
    try:
        a, b = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return None
    minutes = (b - a).total_seconds() / 60
    return round(minutes, 2) if minutes >= 0 else None
