"""Deal risk signals, each computed as of a point in time from dated evidence only.

A signal is a number per deal (NaN = not available for that deal, which is not the
same as "bad"). Every signal declares the columns it reads. Signals that read only
dated records (history changes, activity and meeting dates, transcripts) are
*history-safe*: for a closed deal they are computed as of its snapshot, before the
outcome. Signals that read the opportunity row's current values (next step, MEDDIC
fields in ``extra``, the stage on the row) are *current-state*: the row of a closed
deal holds what was written at or after close, so these are computed for open deals
only and are left out of calibration. Nothing here reads ``is_won``, ``is_closed``,
``last_activity_date`` or ``probability`` of the row as a feature.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.models.vocabulary import field_words
from workbench.scoring.data import DealData, empty_float

# Tables holding a deal's current values, rewritten up to (and at) close, undated.
ROW_STATE_PREFIXES = ("opportunities.", "opportunity_contact_roles.")
ENGAGED_WINDOW_DAYS = 90
CONVERSATION_WINDOW_DAYS = 90


@dataclass
class SignalContext:
    """What a signal computation sees: the data and one snapshot day per deal."""

    data: DealData
    snapshots: pd.Series  # index opp crm_id -> datetime64 day
    stage_norms: dict[str, float]
    historical: bool
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def index(self) -> pd.Index:
        return self.snapshots.index

    def frame(self) -> pd.DataFrame:
        """The snapshots as a frame sorted by day (merge_asof's requirement)."""
        f = pd.DataFrame({"opp": self.snapshots.index.astype(str), "t": self.snapshots.values})
        return f.sort_values("t", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class SignalDef:
    """One risk signal: what it measures, its unit, which columns it reads, how."""

    key: str
    label: str
    unit: str
    description: str
    sources: tuple[str, ...]
    compute: Callable[[SignalContext], pd.Series]
    group: str = "crm"  # crm | methodology | conversation

    @property
    def history_safe(self) -> bool:
        """True when the signal reads only dated evidence (usable on closed deals)."""
        return not any(s.startswith(ROW_STATE_PREFIXES) for s in self.sources)


# --------------------------------------------------------------------- helpers
def _asof(ctx: SignalContext, right: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """For each snapshot, the latest row of ``right`` (opp, at, ...) at or before t."""
    left = ctx.frame()
    if right.empty:
        out = left.copy()
        for c in columns:
            out[c] = np.nan
        return out.set_index("opp")
    r = right[["opp", "at", *columns]].copy()
    r["opp"] = r["opp"].astype(str)
    r = r.sort_values("at", kind="stable")
    merged = pd.merge_asof(left, r, left_on="t", right_on="at", by="opp", direction="backward")
    return merged.set_index("opp")


def _window(ctx: SignalContext, events: pd.DataFrame, days: int | None) -> pd.DataFrame:
    """Events (opp, at, ...) of each deal dated in (t - days, t], with t attached."""
    left = ctx.frame()
    ev = events.copy()
    ev["opp"] = ev["opp"].astype(str)
    joined = left.merge(ev, on="opp", how="inner")
    keep = joined["at"] <= joined["t"]
    if days is not None:
        keep &= joined["at"] > joined["t"] - pd.Timedelta(days=days)
    return joined[keep]


def _day_gap(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype("float64")


def _touches(data: DealData) -> pd.DataFrame:
    acts = data.activities[["opp", "at"]]
    meets = data.meetings[["opp", "at"]]
    return pd.concat([acts, meets], ignore_index=True)


def _created(ctx: SignalContext) -> pd.Series:
    return ctx.data.opps["created"].reindex(ctx.index)


# ------------------------------------------------------------ CRM signals
def days_since_activity(ctx: SignalContext) -> pd.Series:
    touches = _touches(ctx.data)
    if touches.empty:
        return empty_float(ctx.index)
    last = _asof(ctx, touches.assign(last=touches["at"]), ["last"])["last"].reindex(ctx.index)
    start = last.fillna(_created(ctx))
    return _day_gap(ctx.snapshots, start).clip(lower=0)


def days_since_meeting(ctx: SignalContext) -> pd.Series:
    acts = ctx.data.activities
    meets = pd.concat(
        [
            ctx.data.meetings[["opp", "at"]],
            acts.loc[acts["kind"].isin(["meeting", "event"]), ["opp", "at"]],
        ],
        ignore_index=True,
    )
    if meets.empty:
        return empty_float(ctx.index)
    last = _asof(ctx, meets.assign(last=meets["at"]), ["last"])["last"].reindex(ctx.index)
    return _day_gap(ctx.snapshots, last.fillna(_created(ctx))).clip(lower=0)


def _stage_rows(data: DealData) -> pd.DataFrame:
    """Stage changes with the day the current stint in that stage began (made once per
    ``data``; callers only read it)."""
    rows = data.derived.get("stage_rows")
    if rows is None:
        rows = data.derived["stage_rows"] = _stints(data)
    return rows


def _stints(data: DealData) -> pd.DataFrame:
    rows = data.history.loc[data.history["stage"].notna(), ["opp", "at", "stage"]]
    rows = rows.sort_values(["opp", "at"], kind="stable").reset_index(drop=True)
    new_stint = rows["stage"] != rows.groupby("opp")["stage"].shift()
    rows["stint_start"] = rows["at"].where(new_stint)
    rows["stint_start"] = rows.groupby("opp")["stint_start"].ffill()
    return rows


def stage_norms(data: DealData, won_closed_before: pd.Timestamp | None = None) -> dict[str, float]:
    """Median days won deals spent in each stage (their final, closed stage excluded).

    ``won_closed_before`` limits the norms to deals won before that day, so a
    calibration's norms come from its training period only.
    """
    opps = data.opps
    won = opps.index[(opps["is_won"] == 1) & (opps["is_closed"] == 1)]
    if won_closed_before is not None:
        won = won[opps.loc[won, "close"] < won_closed_before]
    rows = _stage_rows(data)
    rows = rows[rows["opp"].isin(set(won.astype(str)))]
    stints = rows.groupby(["opp", "stint_start"], sort=False)["stage"].first().reset_index()
    stints = stints.sort_values(["opp", "stint_start"], kind="stable")
    stints["end"] = stints.groupby("opp")["stint_start"].shift(-1)
    stints = stints.dropna(subset=["end"])  # the last stint is the closed stage
    stints["days"] = _day_gap(stints["end"], stints["stint_start"])
    return {str(k): float(v) for k, v in stints.groupby("stage")["days"].median().items()}


def stage_age_ratio(ctx: SignalContext) -> pd.Series:
    rows = _stage_rows(ctx.data)
    if rows.empty or not ctx.stage_norms:
        return empty_float(ctx.index)
    cur = _asof(ctx, rows, ["stage", "stint_start"]).reindex(ctx.index)
    days = _day_gap(ctx.snapshots, cur["stint_start"])
    norm = cur["stage"].map(ctx.stage_norms).astype("float64")
    ratio = days / norm.clip(lower=1.0)
    return ratio.where(norm.notna())


def _close_rows(data: DealData) -> pd.DataFrame:
    rows = data.history.loc[data.history["close_date"].notna(), ["opp", "at", "close_date"]]
    rows = rows.sort_values(["opp", "at"], kind="stable").reset_index(drop=True)
    prev = rows.groupby("opp")["close_date"].shift()
    moved = _day_gap(rows["close_date"], prev)
    pushed = moved > 0
    rows["pushes"] = pushed.astype("float64").groupby(rows["opp"]).cumsum()
    rows["push_days"] = moved.where(pushed, 0.0).groupby(rows["opp"]).cumsum()
    return rows


def _pushes(ctx: SignalContext, column: str) -> pd.Series:
    rows = ctx.cache.get("close_rows")
    if rows is None:
        rows = ctx.cache["close_rows"] = _close_rows(ctx.data)
    if rows.empty:
        return empty_float(ctx.index)
    # A deal with no close-date change by t has not been pushed (the table has history).
    return _asof(ctx, rows, [column])[column].reindex(ctx.index).fillna(0.0)


def close_pushes(ctx: SignalContext) -> pd.Series:
    return _pushes(ctx, "pushes")


def push_days(ctx: SignalContext) -> pd.Series:
    return _pushes(ctx, "push_days")


def amount_cut_pct(ctx: SignalContext) -> pd.Series:
    rows = ctx.data.history.loc[ctx.data.history["amount"].notna(), ["opp", "at", "amount"]]
    if rows.empty:
        return empty_float(ctx.index)
    rows = rows.sort_values(["opp", "at"], kind="stable").reset_index(drop=True)
    rows["peak"] = rows.groupby("opp")["amount"].cummax()
    cur = _asof(ctx, rows, ["amount", "peak"]).reindex(ctx.index)
    cut = (cur["peak"] - cur["amount"]) / cur["peak"] * 100.0
    return cut.where(cur["peak"] > 0).clip(lower=0.0)


def engaged_contacts(ctx: SignalContext) -> pd.Series:
    acts = ctx.data.activities.dropna(subset=["contact"])[["opp", "at", "contact"]]
    acts = acts.rename(columns={"contact": "who"})
    meets = ctx.data.meetings[["opp", "at", "external_people"]].explode("external_people")
    meets = meets.dropna(subset=["external_people"]).rename(columns={"external_people": "who"})
    events = pd.concat([acts, meets], ignore_index=True)
    if events.empty:
        return empty_float(ctx.index)
    inside = _window(ctx, events, ENGAGED_WINDOW_DAYS)
    counts = inside.groupby("opp")["who"].nunique().astype("float64")
    return counts.reindex(ctx.index.astype(str)).fillna(0.0).set_axis(ctx.index)


def ghosting_days(ctx: SignalContext) -> pd.Series:
    """Days the seller has waited for an answer: since the first outreach after the
    customer last responded (an inbound activity or a meeting the customer attended)."""
    acts, meets = ctx.data.activities, ctx.data.meetings
    if acts.empty and meets.empty:
        return empty_float(ctx.index)
    attended = meets[(meets["n_external"] > 0) | (meets["is_external"] == 1)]
    responses = pd.concat(
        [acts.loc[acts["inbound"], ["opp", "at"]], attended[["opp", "at"]]], ignore_index=True
    )
    if responses.empty:
        # Nothing in the engagement says when a customer answered (no inbound direction
        # on activities, no attendee lists): ghosting cannot be told from silence.
        return empty_float(ctx.index)
    last_resp = _asof(ctx, responses.assign(resp=responses["at"]), ["resp"])["resp"]
    outreach = acts.loc[~acts["inbound"] & acts["kind"].isin(["email", "call", "task", "other"])]
    inside = _window(ctx, outreach[["opp", "at"]], None)
    inside = inside.assign(resp=inside["opp"].map(last_resp))
    inside = inside[inside["resp"].isna() | (inside["at"] > inside["resp"])]
    first = inside.groupby("opp")["at"].min()
    snap = ctx.snapshots.copy()
    snap.index = snap.index.astype(str)
    waited = _day_gap(snap, first.reindex(snap.index)).fillna(0.0)
    return waited.set_axis(ctx.index)


# ----------------------------------------------------- current-state signals
def next_step_missing(ctx: SignalContext) -> pd.Series:
    text = ctx.data.opps["next_step"].reindex(ctx.index)
    return (text.fillna("").astype(str).str.strip() == "").astype("float64")


_ABSENT_VALUES = {"", "no", "false", "0", "none", "n/a", "na", "unknown", "tbd", "-", "null"}


def contact_roles(ctx: SignalContext) -> pd.Series:
    roles = ctx.cache.get("roles")
    if roles is None:
        roles = ctx.cache["roles"] = ctx.data.contact_roles
    if roles.empty:
        return empty_float(ctx.index)
    return roles.reindex(ctx.index).fillna(0.0).astype("float64")


def _extra_fields(ctx: SignalContext) -> tuple[np.ndarray, list[dict | None]]:
    """The deals' extra fields, read once for all the methodology signals: per deal a
    number into the list of distinct texts' fields as a dict (None: no fields), -1
    without any text. Equal texts (common in a CRM) are parsed once."""
    fields = ctx.cache.get("extra_fields")
    if fields is None:
        raw = ctx.data.opps["extra"].reindex(ctx.index).to_numpy(dtype=object)
        codes, texts = pd.factorize(raw)
        parsed: list[dict | None] = []
        for text in texts.tolist():
            value = None
            if isinstance(text, str) and text:
                try:
                    value = json.loads(text)
                except ValueError:
                    value = None
            parsed.append(value if isinstance(value, dict) else None)
        fields = ctx.cache["extra_fields"] = (codes, parsed)
    return fields  # type: ignore[return-value]


def _methodology_flag(ctx: SignalContext, pattern: str) -> pd.Series:
    """1 when the deal's methodology field matching ``pattern`` is empty, 0 when
    filled, NaN when the deal has no such field at all (signal not available)."""
    regex = re.compile(pattern)
    codes, parsed = _extra_fields(ctx)
    names: dict[object, bool] = {}  # field name -> matches (a few distinct names)
    # one flag per distinct text, and NaN last for the deals without one (code -1)
    flags = [np.nan if fields is None else _field_flag(fields, regex, names) for fields in parsed]
    per_text = np.array([*flags, np.nan], dtype="float64")
    return pd.Series(per_text[codes], index=ctx.index, dtype="float64")


def _field_flag(fields: dict, regex: re.Pattern, names: dict[object, bool]) -> float:
    """1.0 (empty) or 0.0 (filled) for the first field whose name matches; NaN without."""
    for key, value in fields.items():
        hit = names.get(key)
        if hit is None:
            name = re.sub(r"[^a-z]", "", str(key).lower().removesuffix("__c"))
            hit = names[key] = bool(regex.search(name))
        if hit:
            missing = value is None or str(value).strip().lower() in _ABSENT_VALUES
            return 1.0 if missing else 0.0
    return float("nan")


def champion_missing(ctx: SignalContext) -> pd.Series:
    return _methodology_flag(ctx, r"champion")


def economic_buyer_missing(ctx: SignalContext) -> pd.Series:
    return _methodology_flag(ctx, r"economicbuyer")


# ---------------------------------------------------- conversation signals
def _conversation_sum(ctx: SignalContext, key: str) -> pd.Series:
    conv = ctx.data.conversations
    if conv.empty or key not in conv:
        return empty_float(ctx.index)
    had = _window(ctx, conv[["opp", "at"]], None).groupby("opp").size()
    inside = _window(ctx, conv[["opp", "at", key]], CONVERSATION_WINDOW_DAYS)
    sums = inside.groupby("opp")[key].sum().astype("float64")
    idx = ctx.index.astype(str)
    # No transcribed meeting by t: not available; transcripts but none lately: zero.
    result = sums.reindex(idx).where(had.reindex(idx).notna())
    result = result.fillna(0.0).where(had.reindex(idx).notna())
    return result.set_axis(ctx.index)


def competitor_mentions(ctx: SignalContext) -> pd.Series:
    return _conversation_sum(ctx, "competitor")


def pricing_objections(ctx: SignalContext) -> pd.Series:
    return _conversation_sum(ctx, "pricing_objection")


def timeline_shifts(ctx: SignalContext) -> pd.Series:
    return _conversation_sum(ctx, "timeline_shift")


def stakeholder_dropoff(ctx: SignalContext) -> pd.Series:
    """1 when fewer customer people spoke in the latest recorded call than at the
    deal's peak, or someone was said to have left; 0 otherwise; NaN without calls."""
    conv = ctx.data.conversations
    if conv.empty:
        return empty_float(ctx.index)
    cols = ["opp", "at", "external_speakers", "stakeholder_departure"]
    inside = _window(ctx, conv[cols], None).sort_values(["opp", "at"], kind="stable")
    grouped = inside.groupby("opp")
    latest = grouped["external_speakers"].last()
    peak = grouped["external_speakers"].max()
    departures = (
        _window(ctx, conv[cols], CONVERSATION_WINDOW_DAYS)
        .groupby("opp")["stakeholder_departure"]
        .sum()
    )
    flag = ((latest < peak) | (departures.reindex(latest.index).fillna(0) > 0)).astype("float64")
    return flag.reindex(ctx.index.astype(str)).set_axis(ctx.index)


SIGNALS: dict[str, SignalDef] = {
    s.key: s
    for s in (
        SignalDef(
            "days_since_activity",
            "Days since last activity",
            "days",
            "Days from the last logged activity or meeting on the deal to the scoring day.",
            ("activities.activity_date", "meetings.started_at"),
            days_since_activity,
        ),
        SignalDef(
            "stage_age_ratio",
            "Time in stage vs won-deal norm",
            "x norm",
            "Days in the current stage divided by the median days won deals spent in it.",
            ("opportunity_history.stage",),
            stage_age_ratio,
        ),
        SignalDef(
            "next_step_missing",
            "Next step missing",
            "yes/no",
            "The deal's Next Step field is empty (current value: open deals only).",
            ("opportunities.next_step",),
            next_step_missing,
        ),
        SignalDef(
            "close_pushes",
            "Close date pushed (times)",
            "pushes",
            "How many times the expected close date was moved later.",
            ("opportunity_history.close_date",),
            close_pushes,
        ),
        SignalDef(
            "push_days",
            "Close date pushed (days)",
            "days",
            "Total days the expected close date was moved later.",
            ("opportunity_history.close_date",),
            push_days,
        ),
        SignalDef(
            "amount_cut_pct",
            "Amount cut from peak",
            "%",
            "How far the amount is below the highest amount the deal had.",
            ("opportunity_history.amount",),
            amount_cut_pct,
        ),
        SignalDef(
            "engaged_contacts",
            "Engaged customer contacts",
            "contacts",
            f"Distinct customer contacts on activities or meetings in the last "
            f"{ENGAGED_WINDOW_DAYS} days (multi-threading means 3 or more).",
            ("activities.contact_crm_id", "meetings.participant_emails"),
            engaged_contacts,
        ),
        SignalDef(
            "contact_roles",
            "Contacts with a role on the deal",
            "contacts",
            "Contacts linked to the deal with a role (current value: open deals only).",
            ("opportunity_contact_roles.contact_crm_id",),
            contact_roles,
        ),
        SignalDef(
            "days_since_meeting",
            "Days since last meeting",
            "days",
            "Days from the last meeting or call with the customer to the scoring day.",
            ("meetings.started_at", "activities.kind"),
            days_since_meeting,
        ),
        SignalDef(
            "champion_missing",
            "No champion identified",
            "yes/no",
            "The methodology's Champion field is empty (absent field: not available).",
            ("opportunities.extra",),
            champion_missing,
            "methodology",
        ),
        SignalDef(
            "economic_buyer_missing",
            "No economic buyer identified",
            "yes/no",
            "The methodology's Economic Buyer field is empty (absent field: not available).",
            ("opportunities.extra",),
            economic_buyer_missing,
            "methodology",
        ),
        SignalDef(
            "competitor_mentions",
            "Competitor mentions",
            "mentions",
            f"Competitor tracker hits in the deal's calls of the last "
            f"{CONVERSATION_WINDOW_DAYS} days.",
            ("transcript_turns.text",),
            competitor_mentions,
            "conversation",
        ),
        SignalDef(
            "pricing_objections",
            "Budget or pricing objections",
            "mentions",
            "Pricing and budget objections voiced by the customer in recent calls.",
            ("transcript_turns.text",),
            pricing_objections,
            "conversation",
        ),
        SignalDef(
            "timeline_shifts",
            "Timeline shifts",
            "mentions",
            "The customer talking about delays, next quarter, putting it on hold.",
            ("transcript_turns.text",),
            timeline_shifts,
            "conversation",
        ),
        SignalDef(
            "stakeholder_dropoff",
            "Stakeholder drop-off",
            "yes/no",
            "Fewer customer people on the latest call than at the peak, or a "
            "stakeholder said to have left.",
            ("transcript_turns.speaker", "meetings.started_at"),
            stakeholder_dropoff,
            "conversation",
        ),
        SignalDef(
            "ghosting_days",
            "Waiting for a customer response",
            "days",
            "Days since the first outreach the customer has not answered (no inbound "
            "activity, no meeting attended).",
            ("activities.activity_date", "meetings.participant_emails"),
            ghosting_days,
        ),
    )
}


@dataclass
class SignalFrame:
    """Signal values per deal (NaN = not available) and why any signal was left out."""

    values: pd.DataFrame  # index opp crm_id, one float column per signal key
    snapshots: pd.Series
    excluded: dict[str, str]  # signal key -> reason it was not computed

    def available_share(self) -> dict[str, float]:
        n = max(len(self.values), 1)
        return {k: float(self.values[k].notna().sum() / n) for k in self.values.columns}


def compute_signals(
    data: DealData,
    snapshots: pd.Series,
    *,
    historical: bool,
    norms: dict[str, float] | None = None,
    signals: dict[str, SignalDef] | None = None,
    trusted: tuple[str, ...] = (),
    given: dict[str, pd.Series] | None = None,
) -> SignalFrame:
    """Compute every signal for the deals in ``snapshots`` (opp -> day) as of that day.

    ``historical=True`` (closed deals, calibration): current-state signals (those
    reading the opportunity row) are not computed; they are listed in ``excluded``
    with the reason, so no value written at or after close can reach a feature.
    ``trusted`` names current-state signals the consultant has confirmed are not
    edited at or after close in this CRM (setting ``scoring.trusted_current_signals``);
    those are computed from the current value and the report says so. ``given``
    holds signals already computed for these deals and days (the open pipeline's
    activity signals, summed up in SQL by ``aggregates``); they are taken as they are.
    """
    signals = SIGNALS if signals is None else signals
    snaps = pd.to_datetime(snapshots).astype("datetime64[ns]")
    snaps.index = snaps.index.astype(str)
    ctx = SignalContext(data, snaps, norms if norms is not None else stage_norms(data), historical)
    columns: dict[str, pd.Series] = {}
    excluded: dict[str, str] = {}
    for key, sig in signals.items():
        if historical and not sig.history_safe and key not in trusted:
            excluded[key] = (
                "reads the deal's current record ("
                + ", ".join(field_words(s) for s in sig.sources if s.startswith(ROW_STATE_PREFIXES))
                + "), which for a closed deal was written at or after close; used for open "
                "deals only"
            )
            columns[key] = empty_float(snaps.index)
            continue
        value = given[key] if given and key in given else sig.compute(ctx)
        columns[key] = value.reindex(snaps.index).astype("float64")
    values = pd.DataFrame(columns, index=snaps.index)
    return SignalFrame(values=values, snapshots=snaps, excluded=excluded)
