"""Handoff and beyond: who maintains, when to re-engage, and the reminders to book.

The engagement type decides the maintenance owner (single project: the customer,
handed over at the external handoff 4c; dedicated: the Architect, at the internal
handoff 4b). Refinement triggers are judged from the data where the data can tell
(forecast accuracy against its peak, recording coverage and adoption week by week,
manager usage, teams in the roster, the methodology); the others say what to check.
Reminders (refinement check-in and its preparation two weeks before, follow-ups,
hypercare end, booked meetings, due checklist items) become .ics events in the
deliverables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from workbench.lifecycle import store
from workbench.lifecycle.adoption import go_live, load_usage, week_metrics
from workbench.lifecycle.edits import CHECKIN
from workbench.models import Engagement
from workbench.models.vocabulary import long_day


@dataclass
class Maintenance:
    engagement_type: str
    owner: str
    handed_off_at: str
    how: str
    retention_path: list[str]


@dataclass
class TriggerResult:
    key: str
    name: str
    threshold: str
    response: str
    state: str  # triggered | clear | unknown
    reason: str


@dataclass
class Reminder:
    title: str
    date: date
    description: str


def maintenance_owner(eng: Engagement) -> Maintenance:
    """Who runs the maintenance schedule after handoff, and the retention path that follows."""
    meta = eng.meta()
    rule = store.book(eng).maintenance[meta.engagement_type]
    if meta.engagement_type == "dedicated":
        path = [
            "Book the refinement check-in at handoff (about a quarter after go-live)",
            "Two weeks before: review the metrics and decide Architect or SME",
            "Minor changes: the Architect tunes; major ones: scope a new project",
        ]
    else:
        path = [
            "Offer managed services (retainer)",
            "If declined: offer a related one-time project",
            "Offer the retainer again at the end of that project",
        ]
    return Maintenance(
        meta.engagement_type, rule["owner"], rule["handed_off_at"], rule["how"], path
    )


def go_live_date(eng: Engagement) -> date | None:
    """The go-live date (setting, else the first day of platform usage)."""
    return go_live(eng)


def checkin_date(eng: Engagement) -> date | None:
    """The refinement check-in: the agreed date, else about a quarter after go-live."""
    value = eng.setting(CHECKIN)
    if value:
        return date.fromisoformat(value)
    start = go_live_date(eng)
    if start is None:
        return None
    return start + timedelta(days=int(store.book(eng).refinement["checkin_days_after_go_live"]))


# ------------------------------------------------------------------ triggers
def _recent_weeks(eng: Engagement, n: int) -> list[tuple[date, date]]:
    """The last ``n`` full seven-day windows before the as-of date, oldest first."""
    end = eng.as_of() - timedelta(days=1)
    return [
        (end - timedelta(days=7 * k + 6), end - timedelta(days=7 * k)) for k in reversed(range(n))
    ]


def _forecast_values(eng: Engagement) -> list[float]:
    """Forecast accuracy over time: baseline, then every current value recorded."""
    values: list[float] = []
    crit = next((c for c in store.criteria(eng) if c.key == "forecast_accuracy"), None)
    if crit and crit.baseline is not None:
        values.append(crit.baseline)
    for event in store.item_history(eng, "criterion", "forecast_accuracy"):
        current = (event.value or {}).get("current") if isinstance(event.value, dict) else None
        if current is not None and (not values or values[-1] != current):
            values.append(float(current))
    return values


def _teams(eng: Engagement) -> dict[str, int]:
    counts: dict[str, int] = {}
    for team, n in eng.conn.execute(
        "SELECT team, count(*) FROM users WHERE team IS NOT NULL AND team != '' "
        "AND coalesce(is_active, 1) = 1 GROUP BY team"
    ):
        counts[team] = n
    return counts


def refinement_triggers(eng: Engagement) -> list[TriggerResult]:
    """Each refinement trigger of the project kind: triggered, clear, or unknown (and why)."""
    pb = store.book(eng)
    usage = load_usage(eng)
    weeks = _recent_weeks(eng, 4)
    metrics = [week_metrics(eng, usage, a, b) for a, b in weeks]
    results = []
    for spec in pb.triggers:
        state, reason = _evaluate(eng, spec.key, metrics, weeks)
        results.append(
            TriggerResult(spec.key, spec.name, spec.threshold, spec.response, state, reason)
        )
    return results


def _evaluate(eng: Engagement, key: str, metrics: list[dict], weeks) -> tuple[str, str]:
    last = metrics[-1]
    week_label = f"week {weeks[-1][0].isoformat()} to {weeks[-1][1].isoformat()}"
    if key == "forecast_accuracy_decline":
        values = _forecast_values(eng)
        if len(values) < 2:
            return (
                "unknown",
                "record current forecast accuracy on the success criterion to track it",
            )
        peak, now = max(values), values[-1]
        drop = peak - now
        return (
            "triggered" if drop > 10 else "clear",
            f"now {now:g}%, peak {peak:g}% ({drop:g} points below)",
        )
    if key == "recording_coverage_drop":
        pair = [m["recording_coverage"][0] for m in metrics[-2:]]
        if any(v is None for v in pair):
            return "unknown", "no external meetings imported for the last two weeks"
        below = all(v < 85 for v in pair)
        return (
            "triggered" if below else "clear",
            "last two weeks: " + ", ".join(f"{v:.0f}%" for v in pair),
        )
    if key == "manager_usage_decline":
        value, detail = last["managers_with_dashboard"]
        if value is None:
            return "unknown", detail
        return (
            "triggered" if value < 50 else "clear",
            f"{value:.0f}% of managers used dashboards in {week_label} ({detail})",
        )
    if key == "adoption_decline":
        value, detail = last["weekly_active_users"]
        if value is None:
            return "unknown", detail
        return (
            "triggered" if value < 60 else "clear",
            f"{value:.0f}% weekly active in {week_label} ({detail})",
        )
    if key == "manager_coaching_stopped":
        per_rep = [m["manager_reviews"][0] for m in metrics]
        if any(v is None for v in per_rep):
            return "unknown", "no platform usage for the last four weeks"
        month = sum(per_rep)
        return (
            "triggered" if month < 1 else "clear",
            f"{month:.2f} manager reviews per rep over the last four weeks",
        )
    if key in ("new_team_structure", "new_team_rollout"):
        return _team_change(eng, minimum=11 if key == "new_team_rollout" else 1)
    if key == "methodology_change":
        item = store.intake_item(eng, "methodology")
        meta = eng.meta().methodology
        if item is None or not item.is_filled:
            return "unknown", "methodology not recorded in the intake"
        if str(item.value).lower() != meta.lower():
            return "triggered", (
                f"intake says {item.value} but the engagement is set up for {meta}"
            )
        return "clear", f"{meta} in both the intake and the engagement settings"
    if key == "platform_migration":
        values = {
            str(e.value) for e in store.item_history(eng, "intake", "selected_platform") if e.value
        }
        if len(values) > 1:
            return "triggered", f"the platform changed: {', '.join(sorted(values))}"
        return "unknown", "exports cannot show a vendor switch; ask at the check-in"
    if key == "crm_sync_broken":
        return "unknown", "exports cannot show sync outages; check the integration's sync log"
    return "unknown", "not measurable from the data"


def _team_change(eng: Engagement, minimum: int) -> tuple[str, str]:
    known = store.intake_value(eng, "teams") or []
    teams = _teams(eng)
    if not teams:
        return "unknown", "import users with their teams to compare against the intake"
    if not known:
        return "unknown", "list the teams in the intake (Teams and segments) to compare"
    known_lower = {str(t).lower() for t in known}
    new = {t: n for t, n in teams.items() if t.lower() not in known_lower and n >= minimum}
    if new:
        return "triggered", "new in the roster: " + ", ".join(
            f"{t} ({n} users)" for t, n in sorted(new.items())
        )
    return "clear", f"all {len(teams)} teams in the roster were known at intake"


# ------------------------------------------------------------------ reminders
def reminders(eng: Engagement) -> list[Reminder]:
    """Dated reminders for the calendar: check-in and its prep, follow-ups, meetings, dues."""
    pb = store.book(eng)
    meta = eng.meta()
    today = eng.as_of()
    out: list[Reminder] = []
    start = go_live_date(eng)
    if meta.engagement_type == "dedicated":
        day = checkin_date(eng)
        if day:
            prep = day - timedelta(days=int(pb.refinement["prep_days_before"]))
            out.append(
                Reminder(
                    f"Refinement check-in with {meta.customer}",
                    day,
                    "Review results against the success criteria and baselines, adoption trends "
                    "and any scoring or tracker changes needed.",
                )
            )
            out.append(
                Reminder(
                    f"Prepare the {meta.customer} refinement check-in",
                    prep,
                    f"Check-in on {long_day(day)}. Pull the forecast accuracy trend, calibration "
                    "data, adoption and KPI progress; decide whether the Architect handles it or the "
                    "SME is needed; brief the SME or prepare talking points.",
                )
            )
    if start:
        for days in pb.refinement.get("followup_days", []):
            out.append(
                Reminder(
                    f"{days}-day follow-up with {meta.customer}",
                    start + timedelta(days=int(days)),
                    f"{days} days after go-live ({long_day(start)}): compare the success criteria "
                    "with their baselines and check adoption.",
                )
            )
        end = start + timedelta(days=7 * pb.hypercare_weeks - 1)
        out.append(
            Reminder(
                f"{meta.customer}: hypercare ends",
                end,
                "Decide: proceed to handoff or extend hypercare (see the adoption KPIs).",
            )
        )
    for m in store.meetings(eng):
        if m.held_on >= today.isoformat():
            out.append(
                Reminder(
                    f"{m.title or m.kind.replace('-', ' ').capitalize()} with {meta.customer}",
                    date.fromisoformat(m.held_on),
                    (f"Attendees: {', '.join(m.attendees)}. " if m.attendees else "") + m.notes,
                )
            )
    for item in store.checklist(eng):
        if item.due_date and item.status in ("todo", "in-progress"):
            out.append(
                Reminder(
                    f"Due: {item.subphase} {item.title}",
                    date.fromisoformat(item.due_date),
                    f"Owner: {item.owner or 'not set'}. {item.note}".strip(),
                )
            )
    out.sort(key=lambda r: (r.date, r.title))
    return out
