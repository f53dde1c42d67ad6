"""Conversation capture gap analysis: what share of customer conversations is recorded.

Measured on the meetings and calls the video platforms and the dialer logged in the
last ``window_days`` days before the as-of day (90 by default: Track B pulls the last
90 days). External conversations only by default; a meeting counts as external
unless its log marks it internal (``is_external = 0``), and as recorded only when its
log says so (``is_recorded = 1``). Rates by channel, rep (host), team and ISO week are
compared with the target (95%) and the red flag (below 90%, below 80% during
hypercare). Unrecorded conversations are counted by the reason the log gives.

What no vendor shows: meetings and calls the CRM has (activities of kind event, call
or meeting, tied to an account, opportunity or contact) that match no recording. An
activity matches a platform meeting when they share the opportunity or the account,
fall on the same local day (the activity owner's and the meeting host's time zone
from the user records, else the engagement's ``audits.time_zone``, else UTC; a CRM
activity without a time keeps the date as written), and, when the activity has a
start time, start within
``match_minutes`` (60) of each other. The person alone (activity owner = meeting
host) is too weak: a rep has several meetings a day, and any of them would match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from workbench.audits.common import (
    AuditData,
    Window,
    blank,
    finding,
    fmt_pct,
    local_day,
    pct,
    setting,
)
from workbench.models import Engagement
from workbench.models.findings import Finding, record_findings
from workbench.models.vocabulary import channel_words
from workbench.progress import Progress

AUDIT = "capture"
CRM_CONVERSATION_KINDS = ("event", "call", "meeting")
# The meeting log columns the capture rates and findings read.
# The meeting log columns the CRM-logged match reads.
MATCH_COLUMNS = (
    "opportunity_crm_id", "account_crm_id", "moment", "day", "is_recorded", "host_crm_id",
    "host_email",
)  # fmt: skip
CONVERSATION_COLUMNS = (
    "crm_id", "channel", "is_external", "is_recorded", "skip_reason", "host_crm_id",
    "host_email", "moment", "day",
)  # fmt: skip


@dataclass
class CaptureOptions:
    window_days: int = 90
    external_only: bool = True
    target: float = 0.95
    red_flag: float = 0.90
    hypercare_red_flag: float = 0.80
    hypercare: bool = False
    weekly_trigger: float = 0.85
    match_minutes: int = 60

    @property
    def flag_below(self) -> float:
        return self.hypercare_red_flag if self.hypercare else self.red_flag


@dataclass
class GroupRate:
    """Capture in one group: conversations, how many recorded, and the verdict."""

    key: str
    name: str
    total: int
    recorded: int
    rate: float | None
    status: str  # "on target", "blind spot" (below target), "red flag"


@dataclass
class ReasonCount:
    reason: str
    count: int
    share: float | None


@dataclass
class CrmLoggedGap:
    """CRM-logged conversations set against the platform logs."""

    rule: str
    total: int
    matched_recorded: int
    matched_not_recorded: int
    no_platform_trace: int
    by_kind: dict[str, int]
    unrecorded_ids: list[str] = field(default_factory=list)


@dataclass
class CaptureResult:
    as_of: date
    window: Window
    options: CaptureOptions
    total: int
    recorded: int
    rate: float | None
    status: str
    by_channel: list[GroupRate]
    by_rep: list[GroupRate]
    by_team: list[GroupRate]
    by_week: list[GroupRate]
    reasons: list[ReasonCount]
    crm_logged: CrmLoggedGap
    findings: list[Finding] = field(default_factory=list)


def capture_options(eng: Engagement, **overrides: object) -> CaptureOptions:
    """Options from the engagement's settings (``audits.capture.*``) and ``overrides``."""
    options = CaptureOptions()
    raw = setting(eng, "capture", {})
    values = {**(raw if isinstance(raw, dict) else {}), **overrides}
    if setting(eng, "hypercare", None) is not None and "hypercare" not in values:
        values["hypercare"] = bool(setting(eng, "hypercare", False))
    for key, value in values.items():
        if hasattr(options, key) and value is not None:
            setattr(options, key, type(getattr(options, key))(value))
    return options


def _status(rate: float | None, options: CaptureOptions) -> str:
    if rate is None:
        return "no conversations"
    if rate < options.flag_below:
        return "red flag"
    if rate < options.target:
        return "blind spot"
    return "on target"


def _rates(
    frame: pd.DataFrame, key: pd.Series, names: dict[str, str] | None, options: CaptureOptions
) -> list[GroupRate]:
    keyed = pd.DataFrame({"_k": key.to_numpy(), "recorded": frame["recorded"].to_numpy()})
    grouped = keyed.groupby("_k")["recorded"].agg(["size", "sum"])
    out = []
    for k, row in grouped.iterrows():
        rate = pct(row["sum"], row["size"])
        out.append(
            GroupRate(
                str(k),
                (names or {}).get(str(k), str(k)),
                int(row["size"]),
                int(row["sum"]),
                rate,
                _status(rate, options),
            )
        )
    return sorted(out, key=lambda g: (g.rate if g.rate is not None else 2, g.key))


def conversations(data: AuditData, options: CaptureOptions, window: Window) -> pd.DataFrame:
    """The platform meetings/calls in ``window`` the capture rate is measured on."""
    meetings = data.table("meetings")
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    in_window = meetings["day"].between(start, end)
    if options.external_only:
        in_window &= ~meetings["is_external"].eq(0)
    # only the columns the rates and findings read (the titles and participants not
    # copied: a quarter's meetings at scale are a few hundred thousand rows)
    frame = meetings.loc[in_window, list(CONVERSATION_COLUMNS)]
    frame["recorded"] = frame["is_recorded"].eq(1).astype(int)
    return frame


def run_capture(
    eng: Engagement,
    progress: Progress | None = None,
    *,
    data: AuditData | None = None,
    record: bool = True,
    **options: object,
) -> CaptureResult:
    """Run the capture gap analysis on ``eng`` and record its findings."""
    progress = progress or Progress.none()
    data = data or AuditData(eng)
    opts = capture_options(eng, **options)
    window = Window.trailing(data.as_of, opts.window_days)
    # the CRM-logged match first: its quarter of activities is let go before the
    # conversations' frame and groups are built (their peaks do not stack)
    progress.update(0.0, "Matching CRM-logged meetings to recordings")
    crm_gap = _crm_logged(data, window, opts)
    progress.update(0.5, "Loading meeting and call logs")
    frame = conversations(data, opts, window)
    users = data.owner_attributes().set_index("owner_crm_id")
    names = data.user_names()
    host = (
        frame["host_crm_id"]
        .where(~blank(frame["host_crm_id"]), frame["host_email"])
        .fillna("(unknown host)")
        .astype(str)
    )
    team = frame["host_crm_id"].map(users["team"]).fillna("(no team)")
    iso = frame["moment"].dt.isocalendar()
    week = (
        (iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2))
        if len(frame)
        else pd.Series(dtype=str)
    )
    channel = frame["channel"].fillna("(unknown)").astype(str).str.strip().str.lower()
    progress.update(0.7, "Capture by channel, rep, team and week")
    total, recorded = len(frame), int(frame["recorded"].sum())
    rate = pct(recorded, total)
    unrec = frame[frame["recorded"].eq(0)]
    reasons_raw = unrec["skip_reason"].where(~blank(unrec["skip_reason"]), "(no reason given)")
    reasons = [
        ReasonCount(str(r), int(n), pct(n, len(unrec)))
        for r, n in reasons_raw.value_counts().items()
    ]
    result = CaptureResult(
        as_of=data.as_of,
        window=window,
        options=opts,
        total=total,
        recorded=recorded,
        rate=rate,
        status=_status(rate, opts),
        by_channel=_rates(frame, channel, None, opts),
        by_rep=_rates(frame, host, names, opts),
        by_team=_rates(frame, team, None, opts),
        by_week=sorted(_rates(frame, week, None, opts), key=lambda g: g.key),
        reasons=reasons,
        crm_logged=crm_gap,
    )
    result.findings = _findings(result, frame, host)
    if record:
        record_findings(eng, AUDIT, result.findings)
    progress.update(1.0, "Capture gap analysis done")
    return result


def _crm_logged(data: AuditData, window: Window, opts: CaptureOptions) -> CrmLoggedGap:
    rule = (
        f"same opportunity or account, same local day (the rep's time zone), and starts within "
        f"{opts.match_minutes} minutes when the activity has a time"
    )
    # only activities linked to an account, a deal or a contact can be matched
    acts = data.activities_between(window.start, window.end, CRM_CONVERSATION_KINDS, linked=True)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    if acts.empty:
        return CrmLoggedGap(rule, 0, 0, 0, 0, {})
    meetings = data.table("meetings")
    near = meetings["day"].between(start - timedelta(days=1), end + timedelta(days=1))
    meetings = meetings.loc[near, list(MATCH_COLUMNS)]
    a_day, m_day = _local_days(data, acts, meetings)
    status = np.zeros(len(acts), dtype=np.int8)  # 0 no trace, 1 matched unrecorded, 2 recorded
    limit = pd.Timedelta(minutes=opts.match_minutes)
    for key in ("opportunity_crm_id", "account_crm_id"):
        best_match(status, acts, meetings, key, limit, days=(a_day, m_day))
    del a_day, m_day, meetings
    status = pd.Series(status, index=acts.index)
    unrecorded = acts.loc[status < 2, "crm_id"].astype(str)
    by_kind = acts.loc[status < 2, "kind"].value_counts().to_dict()
    return CrmLoggedGap(
        rule=rule,
        total=len(acts),
        matched_recorded=int((status == 2).sum()),
        matched_not_recorded=int((status == 1).sum()),
        no_platform_trace=int((status == 0).sum()),
        by_kind={str(k): int(v) for k, v in by_kind.items()},
        unrecorded_ids=sorted(unrecorded.tolist())[:10_000],
    )


def best_match(
    status: np.ndarray,
    acts: pd.DataFrame,
    meetings: pd.DataFrame,
    key: str,
    limit: pd.Timedelta,
    days: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Raise each activity's ``status`` to its best match among the meetings sharing
    ``key`` (the deal or the account) and the local day, starting within ``limit`` when
    the activity has a time: 2 a recorded meeting, 1 an unrecorded one. ``days`` (the
    activities' and the meetings' local days) stand for their ``day`` columns.

    The pairs are found by integer codes of (key, day) and sorted positions, the same
    pairs an inner merge on both columns gives (missing keys or days match nothing)
    without the merge's copies of both sides (at a quarter's ten-million-activity
    window, the merge's frames were the capture audit's peak)."""
    a_key = acts[key].to_numpy(dtype=object)
    m_key = meetings[key].to_numpy(dtype=object)
    a_day, m_day = days if days is not None else (acts["day"], meetings["day"])
    a_day = np.asarray(a_day, dtype="datetime64[ns]")
    m_day = np.asarray(m_day, dtype="datetime64[ns]")
    a_ok = pd.notna(a_key) & ~np.isnat(a_day)
    m_ok = pd.notna(m_key) & ~np.isnat(m_day)
    if not a_ok.any() or not m_ok.any():
        return
    a_rows, m_rows = np.flatnonzero(a_ok), np.flatnonzero(m_ok)
    n_a = len(a_rows)
    key_codes, _ = pd.factorize(np.concatenate([a_key[a_rows], m_key[m_rows]]))
    day_codes, days = pd.factorize(np.concatenate([a_day[a_rows], m_day[m_rows]]))
    pair = key_codes.astype(np.int64) * len(days) + day_codes
    del key_codes, day_codes
    a_pair, m_pair = pair[:n_a], pair[n_a:]
    order = np.argsort(m_pair, kind="stable")
    m_sorted = m_pair[order]
    lo = np.searchsorted(m_sorted, a_pair, side="left")
    counts = np.searchsorted(m_sorted, a_pair, side="right") - lo
    del pair, a_pair, m_pair, m_sorted
    total = int(counts.sum())
    if not total:
        return
    # every (activity, meeting) pair with the same key and day
    which = np.repeat(np.arange(n_a), counts)
    offsets = np.repeat(lo - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    meeting = m_rows[order[np.arange(total) + offsets]]
    activity = a_rows[which]
    del which, offsets, lo, counts
    timed = acts["has_time"].to_numpy(dtype=bool)[activity]
    a_moment = acts["moment"].to_numpy(dtype="datetime64[ns]")[activity]
    m_moment = meetings["moment"].to_numpy(dtype="datetime64[ns]")[meeting]
    gap = np.abs(a_moment - m_moment)
    near = ~np.isnat(gap) & (gap <= limit.to_timedelta64())
    close = ~timed | near
    recorded = meetings["is_recorded"].to_numpy(dtype=float)[meeting] == 1
    # the better of the matches (recorded over unrecorded), element by element
    np.maximum.at(status, activity[close], (recorded[close] + 1).astype(np.int8))


def _local_days(
    data: AuditData, acts: pd.DataFrame, meetings: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """The local days of the activities and the meetings: timed activities in the
    owner's time zone, meetings in the host's (by id, else e-mail); the others keep
    their ``day``. Arrays in the frames' row order (the frames are not copied)."""
    default = str(setting(data.eng, "time_zone", "UTC") or "UTC")
    users = data.table("users")
    a_day = acts["day"].to_numpy(dtype="datetime64[ns]")
    if "time_zone" not in users or not (users["time_zone"].notna().any() or default != "UTC"):
        return a_day, meetings["day"].to_numpy(dtype="datetime64[ns]")
    by_id = pd.Series(users["time_zone"].to_numpy(), index=users["crm_id"].astype(str))
    by_id = by_id[~by_id.index.duplicated()]
    emails = users["email"].astype(object).where(users["email"].notna(), "").str.lower()
    by_email = pd.Series(users["time_zone"].to_numpy(), index=emails)
    by_email = by_email[~by_email.index.duplicated()]
    timed = acts["has_time"].to_numpy(dtype=bool)
    zones = acts["owner_crm_id"].astype(str).map(by_id)
    local = local_day(acts.loc[timed, "moment"], zones[timed], default)
    a_day = a_day.copy()
    a_day[timed] = local.to_numpy(dtype="datetime64[ns]")
    del zones, local
    host = meetings["host_crm_id"].astype(str).map(by_id)
    host = host.fillna(meetings["host_email"].astype(object).fillna("").str.lower().map(by_email))
    m_day = local_day(meetings["moment"], host, default).to_numpy(dtype="datetime64[ns]")
    return a_day, m_day


def _findings(result: CaptureResult, frame: pd.DataFrame, host: pd.Series) -> list[Finding]:
    opts = result.options
    out: list[Finding] = []
    f = lambda *a, **k: finding(AUDIT, *a, **k)  # noqa: E731
    scope = "external " if opts.external_only else ""
    if result.total == 0:
        out.append(
            f(
                "no_conversations",
                "high",
                "No meeting or call logs in the window",
                f"No {scope}meetings or calls between {result.window.label()}. Import the "
                "video platform and dialer logs (last 90 days) to measure capture.",
            )
        )
        return out
    severity = {"red flag": "high", "blind spot": "medium", "on target": "info"}
    unrecorded = frame.loc[frame["recorded"].eq(0), "crm_id"]
    out.append(
        f(
            "overall",
            severity[result.status],
            f"Capture rate {fmt_pct(result.rate)} ({result.status})",
            f"{result.recorded:,} of {result.total:,} {scope}conversations recorded between "
            f"{result.window.label()}; target {fmt_pct(opts.target)}, red flag below "
            f"{fmt_pct(opts.flag_below)}" + (" (hypercare)" if opts.hypercare else "") + ".",
            entity="meetings",
            affected=unrecorded,
            count=result.total - result.recorded,
            metric=result.rate,
        )
    )
    for g in result.by_channel:
        if g.status in ("red flag", "blind spot"):
            ch = frame["channel"].fillna("(unknown)").astype(str).str.strip().str.lower()
            hit = frame.loc[ch.eq(g.key) & frame["recorded"].eq(0), "crm_id"]
            out.append(
                f(
                    f"channel.{g.key}",
                    severity[g.status],
                    f"{channel_words(g.key)}: {fmt_pct(g.rate)} captured ({g.status})",
                    f"{g.recorded:,} of {g.total:,} {scope}conversations on "
                    f"{channel_words(g.key)} recorded.",
                    entity="meetings",
                    affected=hit,
                    count=g.total - g.recorded,
                    metric=g.rate,
                )
            )
    flagged = [g for g in result.by_rep if g.status == "red flag"]
    if flagged:
        out.append(
            f(
                "reps_below_red_flag",
                "high",
                f"{len(flagged)} reps record under {fmt_pct(opts.flag_below)}",
                "; ".join(
                    [f"{g.name} {fmt_pct(g.rate)} ({g.recorded}/{g.total})" for g in flagged[:25]]
                    + ([f"and {len(flagged) - 25} more"] if len(flagged) > 25 else [])
                ),
                entity="users",
                affected=[g.key for g in flagged],
                count=len(flagged),
                metric=pct(len(flagged), len(result.by_rep)),
            )
        )
    for g in result.by_team:
        if g.status == "red flag":
            out.append(
                f(
                    f"team.{g.key}",
                    "medium",
                    f"Team {g.key}: {fmt_pct(g.rate)} captured",
                    f"{g.recorded:,} of {g.total:,} {scope}conversations recorded.",
                    count=g.total - g.recorded,
                    metric=g.rate,
                )
            )
    weeks = [g for g in result.by_week if g.rate is not None]
    streak = longest_run_below(weeks, opts.weekly_trigger)
    if len(streak) >= 2:
        out.append(
            f(
                "weekly_trigger",
                "high",
                f"Capture under {fmt_pct(opts.weekly_trigger)} for {len(streak)} weeks in a row",
                f"Refinement trigger: recording coverage below {fmt_pct(opts.weekly_trigger)} "
                f"for 2 or more consecutive weeks (weeks {streak[0].key} to {streak[-1].key}: "
                f"{', '.join(f'{g.key} {fmt_pct(g.rate)}' for g in streak)}). Audit "
                "integration health and recording setup.",
                count=len(streak),
            )
        )
    if result.reasons:
        top = ", ".join(f"{r.reason} {r.count:,}" for r in result.reasons[:6])
        out.append(
            f(
                "skip_reasons",
                "info",
                "Why conversations were not recorded",
                f"Reasons in the logs for {result.total - result.recorded:,} unrecorded "
                f"conversations: {top}.",
                count=result.total - result.recorded,
            )
        )
    gap = result.crm_logged
    missing = gap.matched_not_recorded + gap.no_platform_trace
    if missing:
        share = pct(missing, gap.total)
        out.append(
            f(
                "crm_logged_unrecorded",
                "high" if (share or 0) >= 0.2 else "medium",
                f"{missing:,} CRM-logged meetings/calls have no recording",
                f"Of {gap.total:,} customer meetings and calls logged in the CRM, "
                f"{gap.no_platform_trace:,} appear in no platform log and "
                f"{gap.matched_not_recorded:,} match only an unrecorded meeting. "
                f"Match rule: {gap.rule}.",
                entity="activities",
                affected=gap.unrecorded_ids,
                count=missing,
                metric=share,
            )
        )
    return out


def longest_run_below(weeks: list[GroupRate], limit: float) -> list[GroupRate]:
    """The longest run of consecutive weeks whose capture rate is below ``limit``
    (the latest such run on a tie); the capture finding and the maintenance check
    both count it this way."""
    best: list[GroupRate] = []
    current: list[GroupRate] = []
    for g in weeks:
        current = [*current, g] if g.rate is not None and g.rate < limit else []
        if len(current) >= len(best):
            best = current
    return best

