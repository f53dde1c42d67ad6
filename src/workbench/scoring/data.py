"""The CRM and conversation records scoring reads, loaded once into pandas frames.

Only dated evidence is loaded for the as-of signals: the history table's changes,
activity and meeting dates, transcript turns of dated meetings. The opportunity row
itself contributes its identity, creation and (for closed deals) the outcome and
close date, which place the snapshot and give the label but are never features of
a closed deal. Dates are cut to the day: "as of t" includes everything dated t.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.coaching.trackers import count_hits, trackers_for
from workbench.models import Engagement
from workbench.models.fiscal import FiscalCalendar, engagement_calendar
from workbench.progress import Progress

# Keys in activities.extra that say whether the customer or the seller started it
# (Salesforce CallType, HubSpot hs_email_direction / hs_call_direction, generic).
_DIRECTION_KEYS = (
    "direction",
    "Direction",
    "call_type",
    "CallType",
    "calltype",
    "hs_email_direction",
    "hs_call_direction",
    "email_direction",
)
# An activity's direction in lower case ('' when its extra fields hold none): the one
# SQL expression both the row-by-row reading and ``aggregates`` use.
DIRECTION_SQL = (
    "CASE WHEN json_valid(extra) THEN lower(coalesce("
    + ", ".join(f"json_extract(extra, '$.{k}')" for k in _DIRECTION_KEYS)
    + ", '')) ELSE '' END"
)


def _days(series: pd.Series) -> pd.Series:
    """ISO dates or moments as day-precision datetimes (NaT when empty or malformed).

    A CRM has a few thousand distinct dates over hundreds of thousands of rows, so each
    distinct value is parsed once (``_parse_days``) and the rows take their result."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    parsed = _parse_days(pd.Series(uniques, dtype=object)).to_numpy()
    days = parsed.take(codes) if len(parsed) else np.full(len(codes), np.datetime64("NaT", "ns"))
    days[codes < 0] = np.datetime64("NaT", "ns")
    return pd.Series(days, index=series.index, name=series.name, dtype="datetime64[ns]")


def _parse_days(series: pd.Series) -> pd.Series:
    """``_days`` value by value: the first ten characters as a ``YYYY-MM-DD`` day."""
    text = series.astype("string").str.slice(0, 10)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")


def fetch_rows(
    conn: sqlite3.Connection, sql: str, params: object = ()
) -> tuple[list[str], list[tuple]]:
    """The column names and rows of ``sql``, text decoded by SQLite's own UTF-8 reader.

    An engagement's connection decodes text through a Python function that replaces
    bytes which are not UTF-8, one call per value: a third of the time of reading
    hundreds of thousands of rows. Valid UTF-8 reads the same either way, so the rows
    are read with the built-in decoder, and read again the engagement's way only when
    some text is not UTF-8 (the built-in decoder refuses it)."""
    factory = conn.text_factory
    same = factory is str or (
        getattr(factory, "func", None) is str
        and getattr(factory, "args", None) == ()
        and getattr(factory, "keywords", None) == {"encoding": "utf-8", "errors": "replace"}
    )
    if same and factory is not str:
        conn.text_factory = str
        try:
            cursor = conn.execute(sql, params)
            return [d[0] for d in cursor.description], cursor.fetchall()
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
        finally:
            conn.text_factory = factory
    cursor = conn.execute(sql, params)
    return [d[0] for d in cursor.description], cursor.fetchall()


def _read(conn: sqlite3.Connection, sql: str, raw: tuple[str, ...] = ()) -> pd.DataFrame:
    """The rows of ``sql`` as ``pd.read_sql_query`` gives them (same columns, types
    inferred from the values the same way), without its per-row overhead. The columns
    named in ``raw`` keep SQLite's values as they are (object): dates, which ``_days``
    reads value by value, are not first turned into text columns."""
    columns, rows = fetch_rows(conn, sql)
    cells = np.empty((len(rows), len(columns)), dtype=object)
    if rows:
        cells[:] = rows  # tuples of one length: one row each, values as they are
    values = {c: pd.Series(cells[:, j], dtype=object) for j, c in enumerate(columns)}
    return pd.DataFrame({c: v if c in raw else v.infer_objects() for c, v in values.items()})


@dataclass
class DealData:
    """Frames the signals are computed from (one engagement, loaded once)."""

    # index crm_id: created, close, is_closed, is_won, stage, next_step, extra; name and
    # owner_crm_id for display only (never a feature)
    opps: pd.DataFrame
    history: pd.DataFrame  # opp, at, stage, amount, close_date
    activities: pd.DataFrame  # opp, at, kind, contact, inbound
    meetings: pd.DataFrame  # opp, at, meeting, external_people (list), is_external
    conversations: pd.DataFrame  # per transcribed meeting: opp, at, tracker counts, speakers
    contact_roles: pd.Series  # opp -> distinct contacts with a role (current value)
    internal_emails: set[str]
    fiscal_start_month: FiscalCalendar  # the engagement's calendar (months or weeks)
    # frames derived from the ones above, made once (the stage stints serve both the
    # stage norms and the time-in-stage signal)
    derived: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)


def load_deal_data(
    eng: Engagement, progress: Progress | None = None, *, activities: bool = True
) -> DealData:
    """Read what the signals need from ``eng`` (a few SQL queries, no per-row Python).

    ``activities=False`` leaves the activities out (an empty frame): for the open
    pipeline, whose activity signals ``aggregates`` sums up in SQL instead."""
    progress = progress or Progress.none()
    conn = eng.conn
    progress.update(0.0, "Reading opportunities")
    opps = _read(
        conn,
        "SELECT crm_id, created_date, close_date, is_closed, is_won, stage, amount, "
        "next_step, extra, name, owner_crm_id FROM opportunities",
        raw=("created_date", "close_date"),
    )
    opps["created"] = _days(opps["created_date"])
    opps["close"] = _days(opps["close_date"])
    opps = opps.drop(columns=["created_date", "close_date"]).set_index("crm_id")
    progress.update(0.2, "Reading opportunity history")
    # Each deal's changes in time order (equal times in the order they were stored):
    # the history index's order, read without sorting. Every reader of the history
    # orders it by deal and day with a stable sort, so only the order within a deal
    # counts, and that is the order of ``ORDER BY changed_at`` (SQLite's sort keeps
    # equal times in table order).
    history = _read(
        conn,
        "SELECT opportunity_crm_id AS opp, changed_at, stage, amount, close_date "
        "FROM opportunity_history ORDER BY opportunity_crm_id, changed_at, id",
        raw=("changed_at", "close_date"),
    )
    history["at"] = _days(history["changed_at"])
    history["close_date"] = _days(history["close_date"])
    history = history.drop(columns=["changed_at"]).dropna(subset=["at"])
    progress.update(0.4, "Reading activities")
    acts = _read(
        conn,
        "SELECT opportunity_crm_id AS opp, coalesce(activity_date, started_at) AS at, kind, "
        f"contact_crm_id AS contact, {DIRECTION_SQL} AS direction FROM activities WHERE opportunity_crm_id IS NOT NULL"
        + ("" if activities else " AND 0"),
        raw=("at",),
    )
    acts["at"] = _days(acts["at"])
    acts["inbound"] = acts["direction"].str.contains("inbound|incoming", regex=True)
    acts = acts.drop(columns=["direction"]).dropna(subset=["at"])
    progress.update(0.6, "Reading meetings")
    users = pd.read_sql_query(
        "SELECT lower(email) AS email FROM users WHERE email IS NOT NULL", conn
    )
    internal = set(users["email"].dropna())
    meetings = pd.read_sql_query(
        "SELECT crm_id AS meeting, opportunity_crm_id AS opp, started_at, is_external, "
        "host_email, participant_emails FROM meetings WHERE opportunity_crm_id IS NOT NULL",
        conn,
    )
    meetings["at"] = _days(meetings["started_at"])
    meetings["external_people"] = [
        _external_people(p, h, internal)
        for p, h in zip(meetings["participant_emails"], meetings["host_email"], strict=True)
    ]
    meetings["n_external"] = meetings["external_people"].map(len).astype("int64")
    meetings = meetings.drop(columns=["started_at", "host_email", "participant_emails"])
    meetings = meetings.dropna(subset=["at"])
    roles = pd.read_sql_query(
        "SELECT opportunity_crm_id AS opp, count(DISTINCT contact_crm_id) AS n "
        "FROM opportunity_contact_roles GROUP BY opportunity_crm_id",
        conn,
    )
    contact_roles = roles.set_index("opp")["n"].astype("float64")
    progress.update(0.75, "Reading transcripts")
    conversations = _conversations(eng, meetings)
    progress.update(1.0, "Deal records loaded")
    return DealData(
        opps=opps,
        history=history,
        activities=acts,
        meetings=meetings,
        conversations=conversations,
        contact_roles=contact_roles,
        internal_emails=internal,
        fiscal_start_month=engagement_calendar(eng),
    )


def _external_people(participants: object, host: object, internal: set[str]) -> list[str]:
    """Customer-side attendees: not a known user and not on the host's e-mail domain."""
    if not isinstance(participants, str) or not participants.strip():
        return []
    text = participants.strip()
    emails: list[str]
    if text.startswith("["):
        try:
            emails = [str(e) for e in json.loads(text)]
        except ValueError:
            emails = []
    else:
        emails = [e for e in text.replace(",", ";").split(";")]
    host_domain = (
        str(host).lower().rsplit("@", 1)[-1] if isinstance(host, str) and "@" in host else ""
    )
    out = []
    for email in emails:
        e = email.strip().lower()
        if not e or e in internal:
            continue
        if host_domain and e.endswith("@" + host_domain):
            continue
        out.append(e)
    return out


def _conversations(eng: Engagement, meetings: pd.DataFrame) -> pd.DataFrame:
    """Per transcribed meeting on a deal: tracker hits and customer speakers."""
    columns = ["opp", "at", "meeting", "external_speakers"]
    trackers = trackers_for(eng)
    keys = [t.key for t in trackers]
    turns = pd.read_sql_query(
        "SELECT t.meeting_crm_id AS meeting, t.speaker, t.speaker_email, t.is_internal, t.text "
        "FROM transcript_turns t JOIN meetings m ON m.crm_id = t.meeting_crm_id "
        "WHERE m.opportunity_crm_id IS NOT NULL",
        eng.conn,
    )
    if turns.empty:
        return pd.DataFrame(columns=columns + keys)
    hits = count_hits(turns, trackers)
    turns = pd.concat([turns[["meeting", "speaker", "speaker_email", "is_internal"]], hits], axis=1)
    who = turns["speaker_email"].fillna(turns["speaker"]).astype("string").str.lower()
    turns["external_who"] = who.where(turns["is_internal"].fillna(0).astype(float) == 0)
    per_meeting = turns.groupby("meeting").agg(
        **{k: (k, "sum") for k in keys}, external_speakers=("external_who", "nunique")
    )
    per_meeting = per_meeting.join(meetings.set_index("meeting")[["opp", "at"]], how="inner")
    return per_meeting.reset_index()[columns + keys]


def empty_float(index: pd.Index) -> pd.Series:
    """A float series of NaN (signal not available) over ``index``."""
    return pd.Series(np.nan, index=index, dtype="float64")
