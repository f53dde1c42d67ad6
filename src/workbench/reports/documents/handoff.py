"""Enablement and handoff documents: runbook, deal review, cadence, FAQ, maintenance, guides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbench.models.fiscal import engagement_calendar, fiscal_quarter
from workbench.models.vocabulary import channel_words, count, join_words
from workbench.reports import audit_sections, playbook, scoring_sections, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import TYPE_LABEL, ReportContext, pct
from workbench.reports.dates import customer_time_zone, long_date, zone_words
from workbench.reports.ics_base import CalendarEvent, write_calendar
from workbench.reports.people import (
    PLATFORM_UNKNOWN,
    owner_name,
    people,
    platform,
    platform_words,
    with_names,
)
from workbench.reports.xlsx_base import Column, WorkbookBuilder

# This module's documents; reports/documents/__init__.py puts them in package order.
SPECS: list[DocumentSpec] = []

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4}


# ------------------------------------------------------------------ admin runbook
def build_admin_runbook(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    vendor = platform(ctx)
    doc = ctx.document(spec.title, f"Procedures for the {vendor or 'platform'} administrator")
    users = ctx.users()
    doc.heading("About this runbook", 1)
    doc.para(
        f"This runbook is for {people(ctx)['admin'].name}, who runs {ctx.customer}'s "
        f"{ctx.kind_label.lower()} platform, {platform_words(ctx)}, day to day: adding and "
        "removing users, managing permissions, watching the integrations and fixing the "
        "common problems. It closes with who to call when a problem is bigger than a fix."
    )
    if vendor is None:
        doc.hold(PLATFORM_UNKNOWN)
        doc.note(PLATFORM_UNKNOWN + ".", label="Platform")
    doc.heading("User provisioning", 1)
    doc.bullets(playbook.RUNBOOK_PROVISIONING, numbered=True)
    if users:
        by_role: dict[str, int] = {}
        active = 0
        for u in users.values():
            by_role[(u["role"] or "unspecified").strip() or "unspecified"] = (
                by_role.get((u["role"] or "unspecified").strip() or "unspecified", 0) + 1
            )
            active += 1 if u["is_active"] in (1, None) else 0
        doc.para(
            f"The sales roster has {count(len(users), 'user')} ({active} active); each active "
            f"user needs a {platform_words(ctx)} licence in the role below:"
        )
        doc.table(
            ["CRM role", "Users"],
            [[k, str(v)] for k, v in sorted(by_role.items())],
            widths=[4.5, 2.0],
            numeric=[1],
            caption="Users by CRM role in the imported roster",
        )
    else:
        doc.missing(
            "The team roster",
            "The RevOps lead sends the CRM user list before provisioning starts; this runbook then lists who needs a licence.",
        )
    doc.heading("Roles and permissions", 1)
    doc.para("Give each person the narrowest role that lets them do their job.")
    doc.table(
        ["Capability", *playbook.ROLES],
        [list(r) for r in playbook.PERMISSIONS],
        widths=[2.6, 1.0, 1.0, 1.0, 1.0],
        caption="Recommended role permissions",
    )
    doc.heading("Integration monitoring", 1)
    doc.para(
        "Check these on the schedule shown; anything outside the healthy state goes to the troubleshooting table."
    )
    doc.table(
        ["What", "How often", "Healthy when"],
        [list(r) for r in playbook.RUNBOOK_MONITORING],
        widths=[1.6, 1.5, 3.4],
        caption="Integration checks",
    )
    cap = audit_sections.audit_result(ctx, "capture")
    channels = sorted(cap.by_channel, key=lambda g: -g.total)
    if channels:
        doc.para(
            "Connectors in use: external meetings and calls "
            f"{cap.window.label()}. " + audit_sections.run_note(ctx, "capture")
        )
        doc.table(
            ["Channel", "Meetings and calls", "Recorded"],
            [[channel_words(g.name or g.key), f"{g.total:,}", pct(g.rate, 1)] for g in channels],
            widths=[2.5, 2.0, 2.0],
            numeric=[1, 2],
            caption="Channels seen in the imported logs",
        )
    doc.heading("Troubleshooting", 1)
    doc.table(
        ["Scenario", "Symptoms", "Resolution"],
        [list(r) for r in playbook.TROUBLESHOOTING],
        widths=[1.5, 2.0, 3.0],
        bold_first_column=True,
        caption="Common issues and their fixes",
    )
    doc.heading("Escalation", 1)
    doc.para(
        f"Engagement type: {TYPE_LABEL.get(ctx.meta.engagement_type, ctx.meta.engagement_type)}. "
        + (
            with_names(ctx, "The Architect")
            + " runs maintenance and is the first escalation point."
            if ctx.meta.engagement_type == "dedicated"
            else f"{people(ctx)['admin'].name} administers the platform and runs maintenance; "
            "escalate through the channels below."
        )
    )
    doc.table(
        ["Issue type", "Who handles it", "Examples"],
        [[r[0], with_names(ctx, r[1]), r[2]] for r in playbook.ESCALATION],
        widths=[1.8, 2.3, 2.4],
        caption="Escalation guidelines",
    )
    return [save_doc(doc, ctx, out, spec)]


# ---------------------------------------------------------- deal review playbook
def build_deal_review(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Manager-led deal inspection and meeting agenda")
    doc.heading("Purpose", 1)
    doc.para(
        "The weekly deal review replaces rep self-reporting with inspection from data: "
        "managers look at the same risk signals, in the same order, every week, and leave "
        "with owners and dates for every action."
    )
    open_deals = ctx.eng.conn.execute(
        "SELECT count(*), sum(amount), sum(CASE WHEN next_step IS NULL OR trim(next_step) = '' "
        "THEN 1 ELSE 0 END) FROM opportunities WHERE coalesce(is_closed, 0) = 0"
    ).fetchone()
    doc.heading("The pipeline this review starts from", 1)
    if open_deals and open_deals[0]:
        n, amount, no_step = open_deals
        doc.para(
            f"At {ctx.as_of:%d %B %Y} {ctx.customer} has {n:,} open opportunities worth "
            f"{ctx.money(amount)}; {no_step:,} ({pct(no_step / n)}) have no next step recorded, "
            "the first thing each review fixes."
        )
        scores = sources.open_pipeline_scores(ctx)
        if scores is not None and scores:
            doc.para("Highest-risk open deals at export time (from the calibrated scoring rules):")
            doc.table(
                ["Opportunity", "Owner", "Amount", "Risk", "Top signals"],
                scores[:12],
                widths=[2.0, 1.1, 1.0, 0.7, 1.7],
                numeric=[2, 3],
                caption="Deals to inspect first",
            )
    else:
        doc.missing("Open pipeline figures", "Import the opportunities export to size the review.")
    doc.heading("Meeting agenda template (45 minutes)", 1)
    doc.table(
        ["Time", "Topic", "What happens"],
        [list(r) for r in playbook.DEAL_REVIEW_AGENDA],
        widths=[0.9, 1.7, 3.9],
        caption="Weekly deal review agenda",
    )
    doc.heading("Pre-work", 2)
    doc.bullets(
        [
            "Reps: update close dates, amounts, next steps and forecast categories by the end of the previous working day.",
            "Manager: open the manager dashboard and the at-risk list; pick the deals to inspect.",
            "RevOps: make sure the weekly scoring run and CRM sync completed.",
        ]
    )
    doc.heading("Manager checklist", 1)
    doc.table(
        ["Check", "Done"], [[c, "\u2610"] for c in playbook.MANAGER_CHECKLIST], widths=[5.7, 0.8]
    )
    doc.heading("Inspection questions per deal", 1)
    criteria = playbook.METHODOLOGY_CRITERIA.get(ctx.meta.methodology.upper())
    if criteria:
        doc.para(
            f"{ctx.customer} qualifies deals with {ctx.meta.methodology}; ask about each element:"
        )
        doc.bullets(criteria)
    doc.bullets(
        [
            "What changed since last week, and what evidence (a call, an e-mail, a meeting) shows it?",
            "Who else at the customer is engaged? Is the deal single-threaded?",
            "Is the next step dated and agreed by the customer?",
            "Would the rep bet on the close date? If it moved before, why will it hold now?",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------- forecast cadence
def _first_weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def cadence_events(ctx: ReportContext) -> list[tuple[dict, CalendarEvent]]:
    """The forecast cadence as recurring events aligned to the fiscal calendar."""
    start = ctx.as_of + dt.timedelta(days=1)
    fq = fiscal_quarter(ctx.as_of, engagement_calendar(ctx.eng))
    next_q = fq.end + dt.timedelta(days=1)
    events = []
    for item in playbook.FORECAST_CADENCE:
        if item["freq"] == "WEEKLY":
            day = _first_weekday_on_or_after(start, WEEKDAYS[item["weekday"]])
            rrule = {"FREQ": "WEEKLY", "BYDAY": item["weekday"]}
        elif item["freq"] == "MONTHLY":
            first = start.replace(day=1)
            if start.day > 1:
                first = (first + dt.timedelta(days=32)).replace(day=1)
            day = _first_weekday_on_or_after(first, WEEKDAYS[item["weekday"]])
            rrule = {"FREQ": "MONTHLY", "BYDAY": f"1{item['weekday']}"}
        else:  # quarterly, in the second week of each fiscal quarter
            day = _first_weekday_on_or_after(next_q + dt.timedelta(days=7), 1)
            rrule = {"FREQ": "MONTHLY", "INTERVAL": 3, "BYDAY": "2TU"}
        start_at = dt.datetime.combine(day, dt.time(item["hour"], 0))
        events.append(
            (
                item,
                CalendarEvent(
                    key=f"cadence-{item['key']}",
                    summary=f"{ctx.customer}: {item['name']}",
                    start=start_at,
                    duration_min=item["minutes"],
                    description=f"{item['purpose']}.\nAttendees: {item['attendees']}.\nPreparation: {item['prep']}.",
                    rrule=rrule,
                    categories=["Forecast cadence"],
                ),
            )
        )
    return events


def build_forecast_cadence(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    events = cadence_events(ctx)
    fq = fiscal_quarter(ctx.as_of, engagement_calendar(ctx.eng))
    zone, zone_why = customer_time_zone(ctx.eng, ctx.meta)
    wb = WorkbookBuilder(title=spec.title, customer=ctx.customer)
    ws = wb.sheet("Cadence")
    rows = []
    for item, ev in events:
        rows.append(
            [
                item["name"],
                _describe_rule(item),
                ev.start,
                item["minutes"],
                item["attendees"],
                item["purpose"],
                item["prep"],
            ]
        )
    wb.add_table(
        ws,
        [
            Column("Meeting", width=30),
            Column("When"),
            Column("First occurrence", "datetime"),
            Column("Minutes", "int", 9),
            Column("Attendees", width=34, wrap=True),
            Column("Purpose", width=50, wrap=True),
            Column("Preparation", width=40, wrap=True),
        ],
        rows,
        heading=f"{ctx.customer}: forecast cadence",
        note=f"Fiscal calendar: {engagement_calendar(ctx.eng).describe()}; current quarter {fq.label} "
        f"({long_date(fq.start)} to {long_date(fq.end)}). Times are {zone_words(zone)} ({zone}: {zone_why}); "
        "the .ics file carries the time zone, so each attendee's calendar shows their own local time.",
    )
    ws2 = wb.sheet("Next 12 months")
    dates = []
    for item, ev in events:
        for when in _occurrences(ev, ctx.as_of + dt.timedelta(days=365)):
            q = fiscal_quarter(when.date(), engagement_calendar(ctx.eng))
            dates.append([when, q.label, item["name"], item["attendees"]])
    dates.sort(key=lambda r: r[0])
    wb.add_table(
        ws2,
        [
            Column("Date and time", "datetime", 18),
            Column("Fiscal quarter", width=14),
            Column("Meeting", width=34),
            Column("Attendees", width=40),
        ],
        dates,
        heading="Every occurrence in the next 12 months",
    )
    xlsx = wb.save(out / spec.filename("xlsx"))
    ics = write_calendar(
        out / spec.filename("ics"),
        [e for _, e in events],
        name=f"{ctx.customer} forecast cadence",
        uid_namespace=ctx.customer,
        stamp=ctx.stamp,
        tz=customer_time_zone(ctx.eng, ctx.meta)[0],
    )
    return [
        BuiltFile(spec.name, spec.title, xlsx, "xlsx", "FINAL"),
        BuiltFile(spec.name, spec.title, ics, "ics", "FINAL"),
    ]


def _describe_rule(item: dict) -> str:
    names = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday"}
    if item["freq"] == "WEEKLY":
        return f"Every {names[item['weekday']]}, {item['hour']:02d}:00"
    if item["freq"] == "MONTHLY":
        return f"First {names[item['weekday']]} of each month, {item['hour']:02d}:00"
    return f"Second Tuesday of each fiscal quarter, {item['hour']:02d}:00"


def _occurrences(ev: CalendarEvent, until: dt.date) -> list[dt.datetime]:
    """Expand the simple RRULEs we write (WEEKLY; MONTHLY with nth weekday, INTERVAL)."""
    start = (
        ev.start if isinstance(ev.start, dt.datetime) else dt.datetime.combine(ev.start, dt.time())
    )
    rule = ev.rrule or {}
    if not rule:
        return [start]
    if rule["FREQ"] == "WEEKLY":
        out, cur = [], start
        while cur.date() <= until:
            out.append(cur)
            cur += dt.timedelta(days=7)
        return out
    interval = int(rule.get("INTERVAL", 1))
    nth, wd = int(rule["BYDAY"][0]), WEEKDAYS[rule["BYDAY"][1:]]
    out, month = [], start.date().replace(day=1)
    while month <= until:
        day = _first_weekday_on_or_after(month, wd) + dt.timedelta(days=7 * (nth - 1))
        when = dt.datetime.combine(day, start.time())
        if when >= start and day <= until:
            out.append(when)
        idx = month.year * 12 + month.month - 1 + interval
        month = dt.date(idx // 12, idx % 12 + 1, 1)
    return out


# ---------------------------------------------------------------------------- FAQ
def build_faq(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Questions reps and managers ask, including privacy")
    if platform(ctx) is None:
        doc.hold(PLATFORM_UNKNOWN)
    doc.para(
        f"This FAQ answers the questions {ctx.customer}'s team asks most about "
        f"{platform_words(ctx)}, the new {ctx.kind_label.lower()} platform. It is written for reps first: recording is a "
        "coaching tool, and the rules about who sees what were agreed before rollout."
    )
    section = None
    for group, question, answer in playbook.FAQ:
        if group != section:
            doc.heading(group, 1)
            section = group
        doc.heading(question, 3)
        doc.para(answer)
    doc.heading("Where recording needs everyone's consent", 1)
    plan = sources.consent_plan(ctx)
    strict = [j for j in plan if j["consent"] != "one-party"]
    if plan:
        doc.para(
            "Participants in these operating jurisdictions must be told (and in some, must agree) before a call is recorded; the notetaker's announcement covers this:"
        )
        doc.bullets(
            [f"{j['name']}: {j['rule']}" for j in strict]
            or [
                "None of the operating jurisdictions requires more than one party's consent; the announcement stays on as good practice."
            ]
        )
    else:
        doc.missing(
            "Operating jurisdictions",
            "The customer's legal lead names the states and countries the team calls into before rollout; this FAQ then lists their consent rules.",
        )
    return [save_doc(doc, ctx, out, spec)]


# -------------------------------------------------------------------- maintenance
def build_maintenance(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    m = sources.maintenance(ctx)
    rem = sources.reminders(ctx)
    type_label = TYPE_LABEL.get(ctx.meta.engagement_type, ctx.meta.engagement_type)
    doc = ctx.document(spec.title, "Monthly and quarterly tasks, red flags and owners")
    doc.heading("Ownership", 1)
    doc.key_values(
        [
            ("Engagement type", type_label),
            ("Maintenance owner", with_names(ctx, m.owner)),
            *(
                [("Day-to-day administrator", people(ctx)["admin"].name)]
                if "admin" not in m.owner.lower()
                else []
            ),
            ("Handed off at", m.handed_off_at),
        ]
    )
    doc.para(
        "Revenue and conversation intelligence systems drift: scores lose accuracy as win/loss "
        "patterns change, recording coverage drops when new reps start without setup, and "
        "dashboard use fades without a cadence. These tasks catch each drift early."
    )
    for cadence, title in (("monthly", "Monthly tasks"), ("quarterly", "Quarterly tasks")):
        tasks = [t for t in m.tasks if t.cadence == cadence]
        # Columns the library leaves empty for this cadence are left out, not printed blank.
        cols = [("Task", "task", 1.4), ("What to check", "check", 1.9)]
        if any(t.red_flag for t in tasks):
            cols.append(("Red flag", "red_flag", 1.6))
        if any(t.action for t in tasks):
            cols.append(("Action if off track", "action", 1.6))
        cols.append(("Owner", "owner", 1.1))
        doc.heading(title, 1)
        doc.table(
            [c[0] for c in cols],
            [
                [owner_name(ctx, t.owner) if c[1] == "owner" else getattr(t, c[1]) for c in cols]
                for t in tasks
            ],
            widths=[c[2] for c in cols],
            bold_first_column=True,
            caption=title,
        )
    doc.heading("Refinement triggers", 1)
    doc.table(
        ["Trigger", "Threshold", "Response"],
        [[t["trigger"], t["threshold"], t["response"]] for t in m.triggers],
        widths=[1.8, 2.2, 2.5],
        caption="When to re-engage",
    )
    doc.heading("Every 6-12 months", 2)
    doc.bullets(m.periodic)
    doc.heading("Follow-up dates", 1)
    rows, flags = [], []
    for r in rem:
        rows.append([r.title, f"{r.day:%a %d %b %Y}", r.detail])
        flags.append(r.assumed)
    doc.table(
        ["What", "Date", "Detail"],
        rows,
        widths=[1.8, 1.3, 3.4],
        assumed=flags,
        caption="Check-in and reminders (also in the .ics calendar)",
    )
    if any(flags):
        doc.assumed_legend()
        doc.note(
            "No go-live date is recorded in the engagement yet, so these dates count from the export date. Record the go-live meeting to fix them."
        )
    doc.para(f"Source of the task list: {m.source}.", style="Caption")

    wb = WorkbookBuilder(title=spec.title, customer=ctx.customer)
    ws = wb.sheet("Tasks")
    wb.add_table(
        ws,
        [
            Column("Cadence", width=11),
            Column("Task", width=30),
            Column("What to check", width=45, wrap=True),
            Column("Red flag threshold", width=40, wrap=True),
            Column("Action if off track", width=36, wrap=True),
            Column("Owner", width=22),
            Column("Last done", "date", 12),
            Column("Result / notes", width=30, wrap=True),
        ],
        [
            [
                t.cadence.title(),
                t.task,
                t.check,
                t.red_flag,
                t.action,
                owner_name(ctx, t.owner),
                None,
                None,
            ]
            for t in m.tasks
        ],
        heading=f"{ctx.customer}: maintenance schedule",
        note=f"{type_label} engagement: {with_names(ctx, m.owner)} owns maintenance. Record each run in the last two columns.",
    )
    ws2 = wb.sheet("Follow-ups")
    wb.add_table(
        ws2,
        [
            Column("What", width=34),
            Column("Date", "date", 12),
            Column("Detail", width=70, wrap=True),
            Column("Date assumed", width=13),
        ],
        [[r.title, r.day, r.detail, "Yes" if r.assumed else "No"] for r in rem],
        highlight=[r.assumed for r in rem],
    )
    xlsx = wb.save(out / spec.filename("xlsx"))

    events = _maintenance_events(ctx, m, rem)
    ics = write_calendar(
        out / spec.filename("ics"),
        events,
        name=f"{ctx.customer} maintenance",
        uid_namespace=ctx.customer,
        stamp=ctx.stamp,
        tz=customer_time_zone(ctx.eng, ctx.meta)[0],
    )
    docx = save_doc(doc, ctx, out, spec)
    return [
        docx,
        BuiltFile(spec.name, spec.title, xlsx, "xlsx", docx.status),
        BuiltFile(spec.name, spec.title, ics, "ics", docx.status),
    ]


def _maintenance_events(
    ctx: ReportContext, m: sources.Maintenance, rem: list[sources.Reminder]
) -> list[CalendarEvent]:
    start = ctx.as_of + dt.timedelta(days=1)
    first_month = (
        (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1) if start.day > 1 else start
    )
    # First Wednesday, 14:00: clear of the monthly forecast call (first Tuesday morning),
    # the weekly pipeline review (Monday) and the submission deadline (Thursday).
    monthly_day = _first_weekday_on_or_after(first_month, 2)
    fq = fiscal_quarter(ctx.as_of, engagement_calendar(ctx.eng))
    quarterly_day = _first_weekday_on_or_after(fq.end + dt.timedelta(days=1), 2)  # first Wednesday

    def lines(cadence: str) -> str:
        return "\n".join(
            f"- {t.task}: {t.check}. Red flag: {t.red_flag}."
            for t in m.tasks
            if t.cadence == cadence
        )

    events = [
        CalendarEvent(
            "maintenance-monthly",
            f"{ctx.customer}: monthly maintenance",
            dt.datetime.combine(monthly_day, dt.time(14, 0)),
            60,
            f"Owner: {with_names(ctx, m.owner)}.\n{lines('monthly')}",
            rrule={"FREQ": "MONTHLY", "BYDAY": "1WE"},
            categories=["Maintenance"],
        ),
        CalendarEvent(
            "maintenance-quarterly",
            f"{ctx.customer}: quarterly maintenance review",
            dt.datetime.combine(quarterly_day, dt.time(10, 0)),
            120,
            f"Owner: {with_names(ctx, m.owner)}. At the start of each fiscal quarter.\n{lines('quarterly')}",
            rrule={"FREQ": "MONTHLY", "INTERVAL": 3, "BYDAY": "1WE"},
            categories=["Maintenance"],
        ),
    ]
    for r in rem:
        events.append(
            CalendarEvent(
                f"reminder-{r.key}",
                r.title if ctx.customer in r.title else f"{ctx.customer}: {r.title}",
                r.day,
                None,
                r.detail,
                alarm_days_before=0 if "prep" in r.key else 1,
                categories=["Follow-up"],
            )
        )
    return events


# ---------------------------------------------------------------- quick starts
def _start_facts(ctx: ReportContext, role: str) -> list[tuple[str, str]]:
    """A few of the engagement's own figures that matter to this role."""

    facts: list[tuple[str, str]] = []
    capture = audit_sections.audit_result(ctx, "capture")
    base = audit_sections.audit_result(ctx, "baselines")
    total = base.row("ALL")
    if capture.rate is not None and role in ("Rep", "Manager", "Admin"):
        facts.append(
            (
                f"External conversations recorded ({capture.options.window_days} days)",
                f"{pct(capture.rate, 1)} (target {pct(capture.options.target)})",
            )
        )
    if role in ("Rep", "Manager"):
        row = ctx.eng.conn.execute(
            "SELECT count(*), sum(CASE WHEN next_step IS NULL OR trim(next_step) = '' THEN 1 "
            "ELSE 0 END) FROM opportunities WHERE coalesce(is_closed, 0) = 0"
        ).fetchone()
        if row and row[0]:
            facts.append(("Open deals without a next step", f"{row[1]:,} of {row[0]:,}"))
    if role in ("Manager", "Executive"):
        scores = scoring_sections.pipeline_scores(ctx)
        if scores is not None and scores.deals:
            counts, amounts = scores.band_counts(), scores.band_amounts()
            facts.append(
                (
                    "Open deals at high risk",
                    f"{counts['high']:,} worth {ctx.money(amounts['high'])}",
                )
            )
    if role == "Executive" and total is not None:
        facts.append(("Forecast accuracy, last four quarters", pct(total.forecast_accuracy, 1)))
        facts.append(("Win rate, last four quarters", pct(total.win_rate, 1)))
        facts.append(("Deal slippage rate", pct(total.slippage_rate, 1)))
    if role == "Admin":
        facts.append(("Users in the roster", f"{len(ctx.users()):,}"))
        strict = [j["name"] for j in sources.consent_plan(ctx) if j["consent"] != "one-party"]
        if strict:
            facts.append(("Jurisdictions needing more than one-party consent", join_words(strict)))
    return facts


def build_quick_starts(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    files = []
    for role, guide in playbook.QUICKSTART.items():
        doc = ctx.document(
            f"Quick-start guide: {role}",
            f"{platform_words(ctx)}: {guide['audience']}",
            toc=False,
            cover=False,
        )
        if platform(ctx) is None:
            doc.hold(PLATFORM_UNKNOWN)
        facts = _start_facts(ctx, role)
        if facts:
            doc.heading(f"Where {ctx.customer} starts", 1)
            doc.key_values(facts)
        doc.heading(f"Your first ten minutes in {platform_words(ctx)}", 1)
        doc.bullets(guide["first10"], numbered=True)
        doc.heading("Every week", 1)
        doc.bullets(guide["weekly"])
        if role in playbook.DASHBOARDS:
            d = playbook.DASHBOARDS[role]
            doc.heading("Your dashboard", 1)
            doc.para(d["purpose"])
            doc.bullets(d["metrics"])
        doc.heading("What is recorded and who sees it", 1)
        doc.para(guide["privacy"])
        cad = [
            c
            for c in playbook.FORECAST_CADENCE
            if role in ("Manager", "Executive")
            or c["key"] in ("weekly-pipeline-review", "forecast-submission")
        ]
        if role != "Admin":
            doc.heading("Your meetings", 1)
            doc.table(
                [
                    "Meeting",
                    f"When ({zone_words(customer_time_zone(ctx.eng, ctx.meta)[0])})",
                    "Purpose",
                ],
                [[c["name"], _describe_rule(c), c["purpose"]] for c in cad],
                widths=[1.8, 1.9, 2.8],
            )
        files.append(save_doc(doc, ctx, out, spec, suffix=role, title=f"{spec.title}: {role}"))
    return files


SPECS.append(
    DocumentSpec(
        "admin-runbook",
        "Admin Runbook",
        "User provisioning, permissions, integration monitoring, troubleshooting and escalation.",
        ("docx",),
        build_admin_runbook,
        group="Enablement",
    )
)
SPECS.append(
    DocumentSpec(
        "deal-review-playbook",
        "Deal Review Playbook",
        "Manager-led deal inspection with the weekly meeting agenda template and checklist.",
        ("docx",),
        build_deal_review,
        group="Enablement",
    )
)
SPECS.append(
    DocumentSpec(
        "forecast-cadence",
        "Forecast Cadence Calendar",
        "Weekly pipeline review, forecast submission, monthly forecast call and QBR on the fiscal calendar.",
        ("xlsx", "ics"),
        build_forecast_cadence,
        group="Handoff",
    )
)
SPECS.append(
    DocumentSpec(
        "faq",
        "FAQ",
        "Questions reps and managers ask, including privacy and recording.",
        ("docx",),
        build_faq,
        group="Enablement",
    )
)
SPECS.append(
    DocumentSpec(
        "maintenance-schedule",
        "Maintenance Schedule",
        "Monthly and quarterly tasks with red flags and owners; check-in and reminders.",
        ("docx", "xlsx", "ics"),
        build_maintenance,
        group="Handoff",
    )
)
SPECS.append(
    DocumentSpec(
        "quick-start",
        "Quick-Start Guide",
        "One-page guides for reps, managers, admins and executives.",
        ("docx",),
        build_quick_starts,
        group="Enablement",
    )
)
