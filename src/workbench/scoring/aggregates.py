"""The activity signals of every open deal as of one day, summed up inside SQLite.

Scoring the open pipeline reads each deal's activities only through a few figures as
of the scoring day: the last activity, the last meeting, the distinct contacts of the
last 90 days, the first unanswered outreach. For 100,000 open deals that is about a
million activity rows, and turning them into pandas rows cost more than the whole
score. Here SQLite groups them per deal (the activities' deal index gives the order)
and Python receives one row per deal; the deal's meetings, which need Python to tell
customer attendees from colleagues, are added to those figures afterwards.

The figures equal the pandas computation in ``signals`` to the last digit
(``tests/scoring/test_scoring_aggregates.py`` compares them). That holds when every
activity date is a plain ISO day (``YYYY-MM-DD``, optionally followed by a time):
then comparing the text compares the days. When any date is written otherwise,
``plain_activity_days`` says so and the pipeline reads the rows as before, so
pandas decides which texts are dates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.models import Engagement
from workbench.scoring.data import DIRECTION_SQL, DealData, _days, empty_float, fetch_rows
from workbench.scoring.signals import ENGAGED_WINDOW_DAYS

# The activities the signals read: on a deal, dated by the activity day or else the
# start (the text's first ten characters are the day), inbound when the record's
# direction says so (the same expression the row-by-row reading uses).
_COLUMNS = (
    "opportunity_crm_id AS opp, kind, contact_crm_id AS contact, "
    "substr(coalesce(activity_date, started_at), 1, 10) AS day, extra"
)
_ON_DEALS = "FROM activities WHERE opportunity_crm_id IS NOT NULL"
_ROWS = f"SELECT {_COLUMNS}, {DIRECTION_SQL} AS direction {_ON_DEALS}"
# the same without the direction, for the figures that do not need it
_PLAIN_ROWS = f"SELECT {_COLUMNS} {_ON_DEALS}"
_INBOUND = "(instr(direction, 'inbound') > 0 OR instr(direction, 'incoming') > 0)"
_OUTREACH_KINDS = "('email', 'call', 'task', 'other')"


def plain_activity_days(eng: Engagement) -> bool:
    """True when every activity on a deal is undated or dated by a plain ISO day.

    Reads the distinct days only (a few thousand texts, through the deal index) and
    has pandas parse them exactly as the row-by-row reading would."""
    _, rows = fetch_rows(
        eng.conn,
        "SELECT DISTINCT substr(coalesce(activity_date, started_at), 1, 10) "
        "FROM activities WHERE opportunity_crm_id IS NOT NULL",
    )
    texts = [row[0] for row in rows]
    return _plain_days(texts)


def _plain_days(texts: Iterable[object]) -> bool:
    values = [t for t in texts if t is not None and t != ""]
    if not all(isinstance(t, str) for t in values):
        return False
    days = _days(pd.Series(values, dtype=object))
    if days.isna().any():
        return False
    return bool((days.dt.strftime("%Y-%m-%d") == pd.Series(values, index=days.index)).all())


def activity_signals(
    eng: Engagement, data: DealData, opps: pd.Index, as_of: pd.Timestamp
) -> dict[str, pd.Series]:
    """``days_since_activity``, ``days_since_meeting``, ``engaged_contacts`` and
    ``ghosting_days`` of the deals ``opps`` as of the day ``as_of``, from the
    activities grouped in SQL and ``data.meetings`` (``data.activities`` is not read).

    Only valid when ``plain_activity_days(eng)``."""
    t = pd.Timestamp(as_of).floor("D")
    rows = activity_totals(eng, t)
    cols = list(zip(*rows, strict=True)) if rows else [()] * 4
    per = pd.DataFrame(
        {"last": _days(pd.Series(cols[1], dtype=object)).to_numpy(),
         "last_meeting": _days(pd.Series(cols[2], dtype=object)).to_numpy(),
         "contacts": np.asarray(cols[3], dtype="float64")},
        index=pd.Index([str(o) for o in cols[0]], dtype=object),
    )  # fmt: skip
    n_dated, n_meeting, n_contact, n_inbound = activity_presence(eng)
    index = opps.astype(str)
    snap = pd.Series(t, index=index).astype("datetime64[ns]")
    created = data.opps["created"].reindex(opps).set_axis(index)
    meets = data.meetings
    seen = meets[meets["at"] <= t]
    out: dict[str, pd.Series] = {}

    def last_day(own: pd.Series, extra: pd.DataFrame) -> pd.Series:
        """The later of the activities' day and the meetings' in ``extra`` (by deal)."""
        latest = own.reindex(index)
        if len(extra):
            other = extra.groupby(extra["opp"].astype(str))["at"].max().reindex(index)
            latest = pd.concat([latest, other], axis=1).max(axis=1)
        return latest.astype("datetime64[ns]")

    if n_dated + len(meets) == 0:
        out["days_since_activity"] = empty_float(index)
    else:
        last = last_day(per["last"], seen)
        out["days_since_activity"] = _gap(snap, last.fillna(created)).clip(lower=0)
    if n_meeting + len(meets) == 0:
        out["days_since_meeting"] = empty_float(index)
    else:
        last = last_day(per["last_meeting"], seen)
        out["days_since_meeting"] = _gap(snap, last.fillna(created)).clip(lower=0)
    out["engaged_contacts"] = _engaged(eng, per["contacts"], n_contact, meets, index, t)
    out["ghosting_days"] = _ghosting(eng, n_dated, n_inbound, meets, index, snap, t)
    return {k: v.set_axis(opps) for k, v in out.items()}


def activity_totals(eng: Engagement, as_of: pd.Timestamp) -> list[tuple]:
    """One row per deal with activities dated at or before ``as_of``: the last
    activity day, the last meeting day and the distinct contacts of the 90 days up to
    it. One pass along the activities' deal index, over those rows only."""
    t = pd.Timestamp(as_of).floor("D")
    since = (t - pd.Timedelta(days=ENGAGED_WINDOW_DAYS)).date().isoformat()
    return fetch_rows(
        eng.conn,
        "SELECT opp, max(day), max(CASE WHEN kind IN ('meeting', 'event') THEN day END), "
        "count(DISTINCT CASE WHEN day > :since THEN contact END) "
        f"FROM ({_PLAIN_ROWS}) WHERE day <> '' AND day <= :t GROUP BY opp",
        {"t": t.date().isoformat(), "since": since},
    )[1]


def activity_presence(eng: Engagement) -> tuple[int, int, int, int]:
    """Whether any activity on a deal is dated (any day), dated and a meeting, dated
    and with a contact, dated and inbound: 1 or 0 each. Each search stops at its first
    hit; the inbound one looks only at activities with extra fields, where a direction
    can be."""
    dated = f"SELECT 1 FROM ({_PLAIN_ROWS}) WHERE day <> ''"
    row = fetch_rows(
        eng.conn,
        f"SELECT EXISTS ({dated}), EXISTS ({dated} AND kind IN ('meeting', 'event')), "
        f"EXISTS ({dated} AND contact IS NOT NULL), EXISTS (SELECT 1 FROM ({_ROWS}) "
        f"WHERE extra IS NOT NULL AND day <> '' AND {_INBOUND})",
    )[1][0]
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def _gap(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype("float64")


def _engaged(
    eng: Engagement,
    counts: pd.Series,
    n_contact: int,
    meets: pd.DataFrame,
    index: pd.Index,
    t: pd.Timestamp,
) -> pd.Series:
    """Distinct customer contacts of the last 90 days: the activities' contacts, with
    the customer attendees of the deal's meetings added to the same set."""
    people = meets[["opp", "at", "external_people"]].explode("external_people")
    people = people.dropna(subset=["external_people"])
    if n_contact + len(people) == 0:
        return empty_float(index)
    counts = counts.reindex(index).fillna(0.0)
    recent = people[
        (people["at"] <= t) & (people["at"] > t - pd.Timedelta(days=ENGAGED_WINDOW_DAYS))
    ]
    if recent.empty:
        return counts
    recent = recent.assign(opp=recent["opp"].astype(str))
    mixed = sorted(set(recent["opp"]) & set(index))
    since = (t - pd.Timedelta(days=ENGAGED_WINDOW_DAYS)).date().isoformat()
    contacts = eng.conn.execute(
        f"SELECT DISTINCT opp, contact FROM ({_ROWS}) WHERE contact IS NOT NULL AND "
        "day <> '' AND day <= ? AND day > ? AND opp IN (SELECT value FROM json_each(?))",
        (t.date().isoformat(), since, json.dumps(mixed)),
    ).fetchall()
    who: dict[str, set] = {opp: set() for opp in mixed}
    for opp, contact in contacts:
        who[str(opp)].add(contact)
    for opp, person in zip(recent["opp"], recent["external_people"], strict=True):
        if opp in who:
            who[opp].add(person)
    union = pd.Series({opp: float(len(s)) for opp, s in who.items()}, dtype="float64")
    counts.loc[union.index] = union
    return counts


def _ghosting(
    eng: Engagement,
    n_dated: int,
    n_inbound: int,
    meets: pd.DataFrame,
    index: pd.Index,
    snap: pd.Series,
    t: pd.Timestamp,
) -> pd.Series:
    """Days since the first outreach after the customer last responded (an inbound
    activity or a meeting the customer attended), 0 when nothing waits."""
    if n_dated == 0 and meets.empty:
        return empty_float(index)
    attended = meets[(meets["n_external"] > 0) | (meets["is_external"] == 1)]
    if n_inbound == 0 and attended.empty:
        return empty_float(index)
    answered = attended[attended["at"] <= t]
    by_meeting = answered.groupby(answered["opp"].astype(str))["at"].max()
    responses = {opp: day.date().isoformat() for opp, day in by_meeting.items()}
    rows = eng.conn.execute(
        f"WITH a AS ({_ROWS}), r AS (SELECT opp, max(day) AS resp FROM ("
        f"SELECT opp, day FROM a WHERE day <> '' AND day <= :t AND {_INBOUND} "
        "UNION ALL SELECT key, value FROM json_each(:met)) GROUP BY opp) "
        "SELECT a.opp, min(a.day) FROM a LEFT JOIN r ON r.opp = a.opp "
        f"WHERE a.day <> '' AND a.day <= :t AND NOT {_INBOUND} AND a.kind IN {_OUTREACH_KINDS} "
        "AND (r.resp IS NULL OR a.day > r.resp) GROUP BY a.opp",
        {"t": t.date().isoformat(), "met": json.dumps(responses)},
    ).fetchall()
    first = pd.Series(
        _days(pd.Series([r[1] for r in rows], dtype=object)).to_numpy(),
        index=pd.Index([str(r[0]) for r in rows], dtype=object),
    )
    return _gap(snap, first.reindex(index)).fillna(0.0)
