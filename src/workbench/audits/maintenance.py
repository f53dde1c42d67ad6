"""Maintenance and adoption checks (phase 4a) and the maintenance task library.

The task library (monthly and quarterly tasks with their red flags, refinement
triggers, who owns maintenance by engagement type) is data: ``resources/
maintenance.json``, loaded by ``maintenance_tasks(project_kind)``. Every task whose
question the engagement's data can answer has a ``check``; ``run_maintenance``
measures it over the last 30 days (monthly) or the last complete quarter
(quarterly) and compares it with its red-flag threshold. Thresholds are editable per
engagement in the setting ``audits.maintenance_thresholds`` (check -> value). A check
the data cannot answer says so and why, rather than guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from workbench.audits.common import AuditData, Window, finding, fmt_pct, pct, setting
from workbench.locations import read_resource_text
from workbench.models import Engagement
from workbench.models.findings import Finding, record_findings
from workbench.progress import Progress

AUDIT = "maintenance"
MONTH_DAYS = 30


@dataclass
class MaintenanceTask:
    """One task of the maintenance schedule."""

    id: str
    cadence: str  # "monthly" | "quarterly"
    task: str
    what: str
    red_flag: str = ""
    action: str = ""
    check: str | None = None
    threshold: float | None = None
    direction: str = ""  # "below" or "above": which side of the threshold is the red flag
    target: float | None = None
    owner: str = ""


@dataclass
class RefinementTrigger:
    trigger: str
    threshold: str
    response: str
    check: str | None = None


@dataclass
class MaintenanceLibrary:
    """The maintenance schedule of one project kind, with its owner when known."""

    project_kind: str
    owner: str
    handed_off_at: str
    ownership: dict[str, dict[str, str]]
    monthly: list[MaintenanceTask]
    quarterly: list[MaintenanceTask]
    after_first_cycle: list[str]
    refinement_triggers: list[RefinementTrigger]
    every_6_12_months: list[str]


@cache
def _library_data() -> dict:
    text = read_resource_text("maintenance.json")
    return json.loads(text)


def maintenance_tasks(project_kind: str, engagement_type: str | None = None) -> MaintenanceLibrary:
    """The maintenance task library for ``project_kind`` (owner set by ``engagement_type``)."""
    data = _library_data()
    if project_kind not in data:
        raise ValueError(f"No maintenance schedule for project kind {project_kind!r}")
    kind = data[project_kind]
    ownership = data["ownership"]
    owner = ownership.get(engagement_type or "", {})

    def tasks(cadence: str) -> list[MaintenanceTask]:
        return [
            MaintenanceTask(
                cadence=cadence, owner=owner.get("owner", ""), **{k: v for k, v in t.items()}
            )
            for t in kind[cadence]
        ]

    return MaintenanceLibrary(
        project_kind=project_kind,
        owner=owner.get("owner", ""),
        handed_off_at=owner.get("handed_off_at", ""),
        ownership=ownership,
        monthly=tasks("monthly"),
        quarterly=tasks("quarterly"),
        after_first_cycle=list(kind["after_first_cycle"]),
        refinement_triggers=[RefinementTrigger(**t) for t in kind["refinement_triggers"]],
        every_6_12_months=list(kind["every_6_12_months"]),
    )


@dataclass
class Measurement:
    """What a check measured: the value, how it reads, the counts behind it."""

    value: float | None
    display: str
    n: int = 0
    detail: str = ""
    measurable: bool = True
    affected: list[str] = field(default_factory=list)
    affected_entity: str | None = None


@dataclass
class MaintenanceCheck:
    """One task evaluated against its red flag."""

    task_id: str
    task: str
    cadence: str
    check: str | None
    period: str
    value: float | None
    display: str
    threshold: float | None
    direction: str
    status: str  # "ok", "red flag", "not measurable", "manual"
    n: int
    detail: str


@dataclass
class MaintenanceResult:
    as_of: date
    project_kind: str
    owner: str
    checks: list[MaintenanceCheck]
    triggers: list[MaintenanceCheck]
    findings: list[Finding] = field(default_factory=list)


def _not_measurable(why: str) -> Measurement:
    return Measurement(None, "not measurable yet", 0, why, measurable=False)


def _managers(data: AuditData) -> pd.DataFrame:
    users = data.table("users")
    has_reports = (
        users["crm_id"].astype(str).isin(set(users["manager_crm_id"].dropna().astype(str)))
    )
    role = users["role"].fillna("").astype(str) + " " + users["title"].fillna("").astype(str)
    is_manager = has_reports | role.str.contains(r"manager|director|head|vp|lead", case=False)
    return users[is_manager & ~users["is_active"].eq(0)]


def _usage_window(data: AuditData, days: int) -> tuple[pd.DataFrame, Window]:
    usage = data.table("usage")
    window = (
        Window.complete_weeks(data.as_of, days // 7)
        if days % 7 == 0
        else Window.trailing(data.as_of, days)
    )
    inside = usage["day_ts"].between(pd.Timestamp(window.start), pd.Timestamp(window.end))
    return usage[inside], window


def _user_key(usage: pd.DataFrame, users: pd.DataFrame) -> pd.Series:
    """Usage rows' user as a CRM user id (by id, else by e-mail)."""
    by_email = dict(
        zip(
            users["email"].dropna().astype(str).str.lower(),
            users.loc[users["email"].notna(), "crm_id"].astype(str),
            strict=True,
        )
    )
    email_ids = usage["user_email"].fillna("").astype(str).str.lower().map(by_email)
    return (
        usage["user_crm_id"]
        .astype("object")
        .where(usage["user_crm_id"].notna(), email_ids)
        .fillna(usage["user_email"])
    )


class _Checks:
    """The measurements, one method per check name in maintenance.json."""

    def __init__(self, data: AuditData, baselines=None, capture=None) -> None:
        self.data = data
        self.baselines = baselines
        self.capture = capture

    def _capture(self):
        """The capture audit's result (the same run the Gap Analysis shows)."""
        if self.capture is None:
            from workbench.audits.capture import run_capture

            self.capture = run_capture(self.data.eng, data=self.data, record=False)
        return self.capture

    def recording_coverage(self) -> Measurement:
        cap = self._capture()
        if not cap.total:
            return _not_measurable(
                "No meeting or call logs in the capture window; import the "
                "video platform and dialer logs."
            )
        return Measurement(
            cap.rate,
            fmt_pct(cap.rate),
            cap.total,
            f"{cap.recorded:,} of {cap.total:,} external "
            f"conversations recorded ({cap.window.label()})",
        )

    def recording_weekly(self) -> Measurement:
        from workbench.audits.capture import longest_run_below

        cap = self._capture()
        weeks = [g for g in cap.by_week if g.rate is not None]
        if not weeks:
            return _not_measurable("No meeting or call logs in the capture window.")
        limit = float(self._threshold("recording_weekly", cap.options.weekly_trigger))
        streak = longest_run_below(weeks, limit)
        return Measurement(
            float(len(streak)),
            f"{len(streak)} consecutive weeks below {fmt_pct(limit)}",
            len(weeks),
            "weekly capture: " + ", ".join(f"{g.key} {fmt_pct(g.rate)}" for g in weeks),
        )

    def scoring_spot_check(self) -> Measurement:
        """Low-risk deals lost or slipped, as the latest calibration run measured it."""
        from workbench.models.runs import latest_run

        run = latest_run(self.data.eng, "calibration")
        report = run.result if run is not None else None
        share = report.get("low_risk_lost_share") if report else None
        if share is None:
            return _not_measurable(
                "No calibration has measured the low-risk deals yet: calibrate the deal "
                "scoring (Scoring page or workbench calibrate FILE), then run this check."
            )
        hand = report.get("hand_set") or {}
        n = int(hand.get("low_risk_count") or 0)
        return Measurement(
            float(share),
            fmt_pct(share),
            n,
            f"share of the {n:,} closed test deals the current rules called low risk that "
            f"were lost or slipped (calibration run #{run.id}, as of {run.as_of})",
        )

    def manager_dashboard_usage(self) -> Measurement:
        usage, window = _usage_window(self.data, 28)
        managers = _managers(self.data)
        if self.data.table("usage").empty:
            return _not_measurable("No platform usage export imported.")
        if managers.empty:
            return _not_measurable(
                "No managers among the users (no one has direct reports or a "
                "manager role); import the user list with managers."
            )
        usage = usage.assign(user=_user_key(usage, self.data.table("users")))
        views = usage[usage["dashboard_views"].fillna(0) > 0]
        days = views.groupby("user")["day"].nunique()
        per_week = managers["crm_id"].astype(str).map(days).fillna(0) / 4.0
        limit = float(self._threshold("manager_dashboard_usage", 2.0))
        below = managers.loc[per_week.to_numpy() < limit, "crm_id"].astype(str).tolist()
        mean = float(per_week.mean())
        return Measurement(
            mean,
            f"{mean:.1f} days a week (mean per manager)",
            len(managers),
            f"{len(below)} of {len(managers)} managers open dashboards on fewer "
            f"than {limit:g} days a week ({window.label()})",
            affected=below,
            affected_entity="users",
        )

    def managers_weekly_share(self) -> Measurement:
        usage, window = _usage_window(self.data, 28)
        managers = _managers(self.data)
        if self.data.table("usage").empty or managers.empty:
            return _not_measurable("Needs the platform usage export and managers in the user list.")
        usage = usage.assign(
            user=_user_key(usage, self.data.table("users")),
            week=usage["day_ts"].dt.to_period("W-SUN"),
        )
        views = usage[usage["dashboard_views"].fillna(0) > 0]
        ids = set(managers["crm_id"].astype(str))
        weekly = views[views["user"].isin(ids)].groupby("week")["user"].nunique()
        weeks = max(len(usage["week"].unique()), 1)
        share = float(weekly.sum() / (weeks * len(ids)))
        return Measurement(
            share,
            fmt_pct(share),
            len(ids),
            f"average share of managers opening a dashboard each week ({window.label()})",
        )

    def forecast_compliance(self) -> Measurement:
        subs = self.data.table("submissions")
        if subs.empty:
            return _not_measurable("No forecast submissions imported.")
        users = self.data.table("users")
        managers = set(_managers(self.data)["crm_id"].astype(str))
        active = set(users.loc[~users["is_active"].eq(0), "crm_id"].astype(str)) or None
        reps = self.data.open_deal_owners()
        reps -= managers
        if active is not None:
            reps &= active
        if not reps:
            return _not_measurable("No active reps owning open opportunities.")
        window = Window.complete_weeks(self.data.as_of, 4)
        start = pd.Timestamp(window.start)
        recent = subs[
            subs["submitted"].between(start, pd.Timestamp(window.end) + pd.Timedelta(days=1))
        ]
        weeks = pd.period_range(start, pd.Timestamp(window.end), freq="W-SUN")
        recent = recent.assign(week=recent["submitted"].dt.to_period("W-SUN"))
        done = (
            recent[recent["owner_crm_id"].astype(str).isin(reps)]
            .groupby(["owner_crm_id", "week"])
            .size()
        )
        expected = len(reps) * len(weeks)
        rate = pct(len(done), expected)
        per_rep = done.groupby(level=0).size()
        missing = sorted(r for r in reps if per_rep.get(r, 0) < len(weeks))
        return Measurement(
            rate,
            fmt_pct(rate),
            expected,
            f"{len(done)} of {expected} rep-weeks with a forecast submission "
            f"({len(reps)} reps x {len(weeks)} weeks, {window.label()})",
            affected=missing,
            affected_entity="users",
        )

    def sync_errors(self) -> Measurement:
        imports = self.data.table("imports")
        if imports.empty:
            return _not_measurable("Nothing imported yet.")
        window = Window.trailing(self.data.as_of, MONTH_DAYS)
        recent = imports[
            imports["started"].between(
                pd.Timestamp(window.start), pd.Timestamp(window.end) + pd.Timedelta(days=1)
            )
        ]
        if recent.empty:
            return _not_measurable(f"No import or sync between {window.label()}.")
        rejects = self.data.table("rejects")
        errors = rejects[rejects["import_id"].isin(set(recent["id"]))]
        by_source = errors.groupby(
            errors["import_id"].map(recent.set_index("id")["source_name"])
        ).size()
        text = ", ".join(f"{s}: {n}" for s, n in by_source.items()) or "none"
        return Measurement(
            float(len(errors)),
            f"{len(errors)} rejected rows",
            len(recent),
            f"rows rejected by {len(recent)} imports/syncs in {window.label()} ({text})",
        )

    def weekly_active_users(self) -> Measurement:
        usage_all = self.data.table("usage")
        if usage_all.empty:
            return _not_measurable("No platform usage export imported.")
        usage, window = _usage_window(self.data, 28)
        users = self.data.table("users")
        licensed = set(_user_key(usage_all, users).dropna().astype(str))
        usage = usage.assign(
            user=_user_key(usage, users), week=usage["day_ts"].dt.to_period("W-SUN")
        )
        active_rows = usage[usage["logins"].fillna(0) > 0]
        weekly = active_rows.groupby("week")["user"].nunique()
        weeks = pd.period_range(pd.Timestamp(window.start), pd.Timestamp(window.end), freq="W-SUN")
        values = [weekly.get(w, 0) / len(licensed) for w in weeks] if licensed else []
        share = float(np.mean(values)) if values else None
        inactive = sorted(licensed - set(active_rows["user"].dropna().astype(str)))
        return Measurement(
            share,
            fmt_pct(share),
            len(licensed),
            f"mean weekly active share of {len(licensed)} licensed users ({window.label()})",
            affected=inactive,
            affected_entity="users",
        )

    def unlicensed_users(self) -> Measurement:
        usage_all = self.data.table("usage")
        users = self.data.table("users")
        if usage_all.empty or users.empty:
            return _not_measurable("Needs the user list and the platform usage export.")
        licensed = set(_user_key(usage_all, users).dropna().astype(str))
        active = users[users["is_active"].eq(1)]
        unlicensed = sorted(set(active["crm_id"].astype(str)) - licensed)
        return Measurement(
            float(len(unlicensed)),
            f"{len(unlicensed)} users",
            len(active),
            "active CRM users never seen in the platform usage export",
            affected=unlicensed,
            affected_entity="users",
        )

    def tracker_false_positives(self) -> Measurement:
        # The reviewed sample of tracker hits (workbench trackers FILE --review / --mark).
        rows = self.data.eng.conn.execute(
            "SELECT r.tracker_key, coalesce(t.label, r.tracker_key), count(*), "
            "sum(r.verdict = 'noise') FROM tracker_reviews r LEFT JOIN trackers t "
            "ON t.key = r.tracker_key GROUP BY r.tracker_key ORDER BY r.tracker_key"
        ).fetchall()
        if not rows:
            return _not_measurable(
                "Needs a sample of tracker hits marked relevant or noise "
                "(workbench trackers FILE --review, then --mark)."
            )
        rates = [(label, noise / n, n, noise) for _, label, n, noise in rows]
        worst = max(rates, key=lambda r: r[1])
        return Measurement(
            worst[1],
            f"{worst[1]:.0%} ({worst[0]})",
            sum(r[2] for r in rates),
            "; ".join(
                f"{label}: {noise} of {n} reviewed hits are noise" for label, _, n, noise in rates
            ),
            affected=[label for label, rate, _, _ in rates if rate > 0.30],
            affected_entity="trackers",
        )

    def manager_call_reviews(self) -> Measurement:
        usage, window = _usage_window(self.data, MONTH_DAYS)
        managers = _managers(self.data)
        if self.data.table("usage").empty or managers.empty:
            return _not_measurable("Needs the platform usage export and managers in the user list.")
        usage = usage.assign(user=_user_key(usage, self.data.table("users")))
        reviews = (
            usage[usage["user"].isin(set(managers["crm_id"].astype(str)))]["calls_reviewed"]
            .fillna(0)
            .sum()
        )
        users = self.data.table("users")
        reps = users[~users["is_active"].eq(0) & ~users["crm_id"].isin(managers["crm_id"])]
        value = pct(reviews, len(reps))
        return Measurement(
            value,
            f"{value or 0:.1f} reviews per rep",
            len(reps),
            f"{int(reviews)} calls reviewed by managers for {len(reps)} reps ({window.label()})",
        )

    def feature_adoption(self) -> Measurement:
        usage, window = _usage_window(self.data, MONTH_DAYS)
        if usage.empty:
            return _not_measurable("No platform usage in the last 30 days.")
        users = usage.assign(user=_user_key(usage, self.data.table("users")))
        total = users["user"].nunique()
        parts = []
        for col in ("logins", "calls_reviewed", "comments", "dashboard_views"):
            n = users.loc[users[col].fillna(0) > 0, "user"].nunique()
            parts.append(f"{col.replace('_', ' ')} {fmt_pct(pct(n, total))}")
        return Measurement(
            None,
            "; ".join(parts),
            total,
            f"share of {total} users using each feature ({window.label()})",
        )

    def forecast_accuracy_trend(self) -> Measurement:
        if self.baselines is None:
            from workbench.audits.baselines import run_baselines

            self.baselines = run_baselines(self.data.eng, data=self.data, record=False)
        b = self.baselines
        series = [
            (q, b.row(q).forecast_accuracy)
            for q in b.quarters
            if b.row(q) is not None and b.row(q).forecast_accuracy is not None
        ]
        if len(series) < 2:
            return _not_measurable("Fewer than two quarters with forecast accuracy.")
        peak = max(v for _, v in series)
        drop = peak - series[-1][1]
        return Measurement(
            drop,
            f"{drop * 100:.1f} points below peak",
            len(series),
            "quarterly accuracy: " + ", ".join(f"{q} {fmt_pct(v)}" for q, v in series),
        )

    def kpi_vs_baseline(self) -> Measurement:
        if self.baselines is None:
            self.forecast_accuracy_trend()
        b = self.baselines
        latest = b.row(b.quarters[-1]) if b and b.quarters else None
        overall = b.row("ALL") if b else None
        if latest is None or overall is None or latest.win_rate is None:
            return _not_measurable("No closed deals in the last quarter.")
        return Measurement(
            latest.win_rate,
            fmt_pct(latest.win_rate),
            latest.won + latest.lost,
            f"win rate {b.quarters[-1]} vs four-quarter baseline {fmt_pct(overall.win_rate)}",
        )

    def _threshold(self, check: str, default: float) -> float:
        raw = setting(self.data.eng, "maintenance_thresholds", {})
        return float(raw.get(check, default)) if isinstance(raw, dict) else default


_TRIGGER_RULES = {  # check -> (threshold, direction) for refinement triggers
    "forecast_accuracy_trend": (0.10, "above"),
    "recording_weekly": (2.0, "at_least"),
    "managers_weekly_share": (0.50, "below"),
    "weekly_active_users": (0.60, "below"),
    "manager_call_reviews": (1.0, "below"),
}


def _evaluate(m: Measurement, threshold: float | None, direction: str) -> str:
    if not m.measurable:
        return "not measurable"
    if threshold is None or m.value is None or not direction:
        return "ok"
    if direction == "below":
        return "red flag" if m.value < threshold else "ok"
    if direction == "at_least":
        return "red flag" if m.value >= threshold else "ok"
    return "red flag" if m.value > threshold else "ok"


def run_maintenance(
    eng: Engagement,
    progress: Progress | None = None,
    *,
    data: AuditData | None = None,
    record: bool = True,
    baselines=None,
    capture=None,
) -> MaintenanceResult:
    """Evaluate every maintenance task the data can answer against its red flag."""
    progress = progress or Progress.none()
    data = data or AuditData(eng)
    meta = data.meta
    library = maintenance_tasks(meta.project_kind, meta.engagement_type)
    thresholds = setting(eng, "maintenance_thresholds", {})
    thresholds = thresholds if isinstance(thresholds, dict) else {}
    checks = _Checks(data, baselines, capture)
    month = Window.trailing(data.as_of, MONTH_DAYS).label()
    tasks = library.monthly + library.quarterly
    results: list[MaintenanceCheck] = []
    measured: dict[str, Measurement] = {}
    for i, task in enumerate(tasks):
        progress.update(i / (len(tasks) + 5), f"Checking {task.task}")
        if task.check is None:
            results.append(
                MaintenanceCheck(
                    task.id,
                    task.task,
                    task.cadence,
                    None,
                    "",
                    None,
                    "reviewed by people",
                    task.threshold,
                    task.direction,
                    "manual",
                    0,
                    task.what,
                )
            )
            continue
        m = measured.get(task.check) or getattr(checks, task.check)()
        measured[task.check] = m
        threshold = thresholds.get(task.check, task.threshold)
        threshold = None if threshold is None else float(threshold)
        status = _evaluate(m, threshold, task.direction)
        period = month if task.cadence == "monthly" else "last four quarters"
        if task.check in ("recording_coverage", "recording_weekly"):
            period = checks._capture().window.label()  # the capture audit's window
        results.append(
            MaintenanceCheck(
                task.id,
                task.task,
                task.cadence,
                task.check,
                period,
                m.value,
                m.display,
                threshold,
                task.direction,
                status,
                m.n,
                m.detail,
            )
        )
    triggers: list[MaintenanceCheck] = []
    for trig in library.refinement_triggers:
        if trig.check is None or trig.check not in _TRIGGER_RULES:
            continue
        m = measured.get(trig.check) or getattr(checks, trig.check)()
        measured[trig.check] = m
        threshold, direction = _TRIGGER_RULES[trig.check]
        threshold = float(thresholds.get(f"trigger.{trig.check}", threshold))
        triggers.append(
            MaintenanceCheck(
                trig.check,
                trig.trigger,
                "trigger",
                trig.check,
                "",
                m.value,
                m.display,
                threshold,
                direction,
                _evaluate(m, threshold, direction),
                m.n,
                f"{trig.threshold}: {m.detail.rstrip('.')}. Response: {trig.response}",
            )
        )
    result = MaintenanceResult(data.as_of, meta.project_kind, library.owner, results, triggers)
    result.findings = _findings(result, measured)
    if record:
        record_findings(eng, AUDIT, result.findings)
    progress.update(1.0, "Maintenance checks done")
    return result


_RATE_CHECKS = {"recording_coverage", "forecast_compliance", "weekly_active_users",
                "scoring_spot_check", "tracker_false_positives", "managers_weekly_share",
                "forecast_accuracy_trend"}  # fmt: skip


def _threshold_text(c: MaintenanceCheck) -> str:
    """The red-flag rule in words: "below 90.0%", "above 5", "2 or more"."""
    value = fmt_pct(c.threshold) if c.check in _RATE_CHECKS else f"{c.threshold:g}"
    if c.check == "forecast_accuracy_trend":
        value = f"{c.threshold * 100:g} points"
    words = {"below": f"below {value}", "above": f"above {value}", "at_least": f"{value} or more"}
    return words.get(c.direction, value)


def _findings(result: MaintenanceResult, measured: dict[str, Measurement]) -> list[Finding]:
    out = []
    for c in [*result.checks, *result.triggers]:
        if c.status not in ("red flag", "not measurable"):
            continue
        m = measured.get(c.check or "")
        prefix = "trigger." if c.cadence == "trigger" else ""
        if c.status == "not measurable":
            out.append(
                finding(
                    AUDIT,
                    f"{prefix}{c.task_id}.not_measurable",
                    "info",
                    f"{c.task}: not measurable yet",
                    c.detail,
                )
            )
            continue
        threshold = "" if c.threshold is None else f" (red flag: {_threshold_text(c)})"
        out.append(
            finding(
                AUDIT,
                f"{prefix}{c.task_id}",
                "high" if prefix else "medium",
                f"{c.task}: {c.display}{threshold}",
                c.detail,
                entity=m.affected_entity if m else None,
                affected=m.affected if m else (),
                count=c.n,
                metric=c.value,
            )
        )
    return out
