"""Hypercare and adoption: weekly KPIs against the playbook's targets, and the decision.

Week 1 starts on the go-live date (``lifecycle.go_live``; else the first day of the
imported platform usage). Revenue intelligence watches recording coverage (the
customer's external meetings that were recorded), manager dashboard access (days
per week with a dashboard view), forecast submission compliance (reps who
submitted that week) and rep self-review (own calls reviewed per rep); conversation
intelligence watches weekly active users against the 60/70/75/80% ladder, manager
call reviews and coaching comments, and rep self-review.

Who is licensed: every user seen in the platform usage export (or the intake's team
sizes when they add up to more). Who is a manager: the users table role (else the
title) says manager, director, head, lead, VP or chief; admins and operations staff
(admin, RevOps, operations, analyst, enablement) count as licensed users only; the
rest are reps.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.lifecycle import store
from workbench.lifecycle.catalog import AdoptionSpec
from workbench.lifecycle.edits import GO_LIVE
from workbench.models import Engagement
from workbench.models.vocabulary import count

_MANAGER_RE = re.compile(
    r"\b(manager|managers|director|head|lead|leader|vp|vice president|chief|cro|svp|evp)\b"
)
# Admins and operations staff are licensed users but neither sales managers nor reps.
_OTHER_RE = re.compile(r"\b(admin|administrator|revops|ops|operations|analyst|enablement)\b")
MANAGER, REP, OTHER = "manager", "rep", "other"


def classify_role(role: str | None, title: str | None) -> str:
    """'manager', 'rep' or 'other' from the roster's role (the title when no role)."""
    text = (role or title or "").lower()
    if _OTHER_RE.search(text):
        return OTHER
    return MANAGER if _MANAGER_RE.search(text) else REP


@dataclass
class KpiValue:
    key: str
    kpi: str
    unit: str
    value: float | None
    target: float
    met: bool
    red_flag: bool
    detail: str


@dataclass
class AdoptionWeek:
    week: int
    start: str
    end: str
    complete: bool
    kpis: list[KpiValue]


@dataclass
class AdoptionReport:
    """Hypercare week by week and the suggested decision with its reasons."""

    project_kind: str
    start: str | None
    planned_weeks: int
    weeks: list[AdoptionWeek] = field(default_factory=list)
    complete: bool = False
    decision: str = "no-data"  # proceed-to-handoff | extend-hypercare | in-progress | not-started | no-data
    reasons: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)


@dataclass
class Usage:
    users: dict[str, str]  # user key -> manager | rep | other
    rows: list[tuple[str, date, int, int, int, int]]  # key, day, logins, reviewed, comments, views


def fmt_value(value: float | None, unit: str) -> str:
    """'78.2%' or '2.5 days per week' for a message."""
    if value is None:
        return "not measured"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def go_live(eng: Engagement) -> date | None:
    """The go-live date: the setting, else the first day of platform usage."""
    value = eng.setting(GO_LIVE)
    if value:
        return date.fromisoformat(value)
    row = eng.conn.execute("SELECT min(day) FROM platform_usage").fetchone()
    return date.fromisoformat(row[0][:10]) if row and row[0] else None


def load_usage(eng: Engagement) -> Usage:
    """Platform usage rows keyed by user, with each user's kind from the roster."""
    roles: dict[str, str] = {}
    for crm_id, email, role, title in eng.conn.execute(
        "SELECT crm_id, email, role, title FROM users"
    ):
        kind = classify_role(role, title)
        roles[crm_id] = kind
        if email:
            roles[email.lower()] = kind
    users: dict[str, str] = {}
    rows = []
    for uid, email, day, logins, reviewed, comments, views in eng.conn.execute(
        "SELECT user_crm_id, user_email, day, logins, calls_reviewed, comments, dashboard_views "
        "FROM platform_usage"
    ):
        key = uid or (email or "").lower()
        if not key:
            continue
        users[key] = roles.get(uid or "", roles.get((email or "").lower(), REP))
        rows.append(
            (
                key,
                date.fromisoformat(day[:10]),
                logins or 0,
                reviewed or 0,
                comments or 0,
                views or 0,
            )
        )
    return Usage(users, rows)


def _licensed(eng: Engagement, usage: Usage) -> int:
    sizes = store.intake_value(eng, "team_sizes") or {}
    total = sum(v for v in sizes.values() if isinstance(v, int)) if isinstance(sizes, dict) else 0
    return max(len(usage.users), total)


def week_metrics(eng: Engagement, usage: Usage, start: date, end: date) -> dict[str, tuple]:
    """Every adoption measure for the days ``start``..``end`` (inclusive): key -> (value, detail)."""
    week = [r for r in usage.rows if start <= r[1] <= end]
    managers = {k for k, kind in usage.users.items() if kind == MANAGER}
    reps = {k for k, kind in usage.users.items() if kind == REP}
    licensed = _licensed(eng, usage)
    out: dict[str, tuple] = {}

    active = {r[0] for r in week if r[2] > 0}
    out["weekly_active_users"] = (
        (100.0 * len(active) / licensed, f"{len(active)} of {licensed} licensed users logged in")
        if licensed and usage.rows
        else (None, "no platform usage imported")
    )
    access_days: dict[str, set[date]] = {m: set() for m in managers}
    reviews_by_managers = 0
    coaching = set()
    rep_reviews = 0
    for key, day, _logins, reviewed, comments, views in week:
        if key in managers:
            if views > 0:
                access_days[key].add(day)
            reviews_by_managers += reviewed
            if comments > 0:
                coaching.add(key)
        elif key in reps:
            rep_reviews += reviewed
    if managers:
        avg = sum(len(d) for d in access_days.values()) / len(managers)
        weekly = sum(1 for d in access_days.values() if d)
        out["manager_dashboard_access"] = (
            avg,
            f"{len(managers)} managers; {weekly} opened a dashboard this week",
        )
        out["managers_with_dashboard"] = (
            100.0 * weekly / len(managers),
            f"{weekly} of {len(managers)} managers",
        )
        out["managers_coaching"] = (
            100.0 * len(coaching) / len(managers),
            f"{len(coaching)} of {len(managers)} managers left comments",
        )
    else:
        for k in ("manager_dashboard_access", "managers_with_dashboard", "managers_coaching"):
            out[k] = (None, "no managers found (import users with roles)")
    if reps:
        out["rep_self_review"] = (
            rep_reviews / len(reps),
            f"{rep_reviews} calls reviewed by {len(reps)} reps",
        )
        out["manager_reviews"] = (
            reviews_by_managers / len(reps),
            f"{reviews_by_managers} reviews by managers for {len(reps)} reps",
        )
    else:
        out["rep_self_review"] = out["manager_reviews"] = (None, "no rep usage imported")

    a, b = start.isoformat(), (end + timedelta(days=1)).isoformat()
    total, recorded = eng.conn.execute(
        "SELECT count(*), coalesce(sum(is_recorded = 1), 0) FROM meetings "
        "WHERE is_external = 1 AND started_at >= ? AND started_at < ?",
        (a, b),
    ).fetchone()
    out["recording_coverage"] = (
        (100.0 * recorded / total, f"{recorded} of {total} external meetings recorded")
        if total
        else (None, "no external meetings imported for this week")
    )
    submitters = {
        o
        for (o,) in eng.conn.execute(
            "SELECT DISTINCT owner_crm_id FROM forecast_submissions "
            "WHERE submitted_at >= ? AND submitted_at < ?",
            (a, b),
        )
    }
    expected = {k for k in reps} | submitters
    any_submissions = eng.conn.execute("SELECT count(*) FROM forecast_submissions").fetchone()[0]
    out["forecast_compliance"] = (
        (
            100.0 * len(submitters & expected) / len(expected),
            f"{len(submitters)} of {len(expected)} reps submitted a forecast",
        )
        if any_submissions and expected
        else (None, "no forecast submissions imported")
    )
    return out


def _targets(eng: Engagement) -> dict[str, float]:
    """Targets the customer agreed that replace the playbook's (e.g. coverage 90%)."""
    agreed = {}
    for c in store.criteria(eng):
        if c.key in ("recording_coverage", "weekly_active_users") and c.target is not None:
            agreed[c.key] = float(c.target)
    return agreed


def _kpi(spec: AdoptionSpec, week: int, measured: tuple, agreed: dict[str, float]) -> KpiValue:
    value, detail = measured
    target = agreed.get(spec.key, spec.target_for_week(week))
    if spec.key in agreed and spec.weekly_targets:
        target = min(target, spec.target_for_week(week))
    met = value is not None and value >= target - 1e-9
    red = value is not None and spec.is_red_flag(value, week)
    return KpiValue(
        spec.key,
        spec.kpi,
        spec.unit,
        None if value is None else round(value, 2),
        target,
        met,
        red,
        detail,
    )


def adoption_report(eng: Engagement) -> AdoptionReport:
    """Weekly adoption KPIs since go-live and the hypercare decision with reasons."""
    pb = store.book(eng)
    report = AdoptionReport(pb.kind, None, pb.hypercare_weeks)
    start = go_live(eng)
    if start is None:
        report.reasons.append(
            "No go-live date and no platform usage imported yet: set the "
            "go-live date and import the platform's usage export."
        )
        return report
    report.start = start.isoformat()
    today = eng.as_of()
    if today < start:
        report.decision = "not-started"
        report.reasons.append(
            f"Hypercare starts at go-live on {start.isoformat()} "
            f"({count((start - today).days, 'day')} from now) and runs {pb.hypercare_weeks} weeks."
        )
        return report
    usage = load_usage(eng)
    has_meetings = eng.conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    if not usage.rows and not has_meetings:
        report.reasons.append(
            f"Go-live {start.isoformat()}, but no platform usage or meeting "
            "data imported yet: import them to measure adoption."
        )
        return report
    last_day = max(today, start)
    weeks = max(1, min(pb.hypercare_weeks + 8, math.ceil(((last_day - start).days + 1) / 7)))
    agreed = _targets(eng)
    for n in range(1, weeks + 1):
        a = start + timedelta(days=7 * (n - 1))
        b = a + timedelta(days=6)
        measured = week_metrics(eng, usage, a, b)
        kpis = [_kpi(s, n, measured[s.key], agreed) for s in pb.adoption]
        report.weeks.append(AdoptionWeek(n, a.isoformat(), b.isoformat(), b <= today, kpis))
        for k in kpis if b <= today else []:
            if k.red_flag:
                report.red_flags.append(
                    f"Week {n}: {k.kpi} {fmt_value(k.value, k.unit)} (red flag)"
                )
    done_weeks = [w for w in report.weeks if w.complete]
    report.complete = len(done_weeks) >= pb.hypercare_weeks
    if not report.complete:
        left = (start + timedelta(days=7 * pb.hypercare_weeks - 1) - today).days
        report.decision = "in-progress"
        report.reasons.append(
            f"Hypercare runs {pb.hypercare_weeks} weeks from {start.isoformat()}; "
            f"{count(len(done_weeks), 'full week')} done, {count(max(left, 0), 'day')} to go."
        )
        return report
    final = done_weeks[-1]
    misses = []
    for k in final.kpis:
        if k.value is None:
            misses.append(f"{k.kpi}: not measured in week {final.week} ({k.detail})")
        elif not k.met:
            misses.append(
                f"{k.kpi} is {fmt_value(k.value, k.unit)}, target "
                f"{fmt_value(k.target, k.unit)} ({k.detail})"
            )
    if misses:
        report.decision = "extend-hypercare"
        report.reasons.extend(misses)
    else:
        report.decision = "proceed-to-handoff"
        report.reasons.extend(
            f"{k.kpi} {fmt_value(k.value, k.unit)} meets {fmt_value(k.target, k.unit)}"
            for k in final.kpis
        )
    return report
