"""The Training Package (phase 3a): manager and rep guides, the deal review agenda
template, the session plans for the three audiences and attendance against targets.

Built from the engagement: the risk rules and the stored pipeline scores (read, never
recomputed), the teams and managers of the roster, the recorded channels and the
jurisdictions' consent rules, the forecast categories in use, the team's call
benchmarks when calls were measured, and the training meetings recorded with their
attendees.
"""

from __future__ import annotations

from pathlib import Path

from workbench import lifecycle
from workbench.lifecycle import intake_pack as pack
from workbench.lifecycle.training import training_attendance
from workbench.reports import audit_sections, playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, pct
from workbench.reports.documents import conversation
from workbench.reports.scoring_sections import stored_pipeline_run
from workbench.scoring import SIGNALS, get_rule_set

SPECS: list[DocumentSpec] = []

SESSION_AGENDAS = {
    "leadership": [
        ("0-15", "Deal inspection on live pipeline", "Open the at-risk list, read a deal's risk reasons, agree the next step"),
        ("15-30", "Dashboard navigation", "Rep, manager and executive views; filters and drill-down"),
        ("30-40", "Coaching scorecards", "Compare a rep with the team benchmark; pick one coaching moment"),
        ("40-50", "Forecast submission", "Submit, override, read the weekly snapshot"),
        ("50-60", "Alerts and the deal review template", "Where alerts appear; hand out the agenda template"),
    ],
    "reps": [
        ("0-5", "What is recorded and why", "External calls and meetings; what is never recorded"),
        ("5-12", "Privacy settings", "Pausing, deleting a personal recording, who sees your calls"),
        ("12-22", "Reviewing your own calls", "Find last week's call, read the summary, jump to moments"),
        ("22-30", "Self-coaching and questions", "Talk ratio, questions asked, one change for next week; the FAQ"),
    ],
    "admins": [
        ("0-20", "User provisioning", "Add users, assign roles, licences, leavers"),
        ("20-40", "Permissions and teams", "Role hierarchy, team hierarchy for the roll-up"),
        ("40-60", "Integration monitoring", "CRM sync status, recording connectors, alert on failures"),
        ("60-90", "Troubleshooting", "Sync delays, recording failures, scoring anomalies; the admin runbook"),
    ],
}  # fmt: skip


def build_training(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Guides, deal review template, session plans and attendance")
    audiences = training_attendance(ctx.eng)
    doc.heading("Manager training guide", 1)
    _inspection(doc, ctx)
    _dashboards(doc, ctx)
    _scorecards(doc, ctx)
    _forecast(doc, ctx)
    doc.heading("Rep training guide", 1)
    _recorded(doc, ctx)
    _privacy(doc, ctx)
    _self_coaching(doc, ctx)
    doc.heading("Deal review meeting agenda template", 1)
    _agenda(doc, ctx)
    doc.heading("Session plans", 1)
    _sessions(doc, ctx, audiences)
    doc.heading("Attendance against the adoption targets", 1)
    _attendance(doc, ctx, audiences)
    return [save_doc(doc, ctx, out, spec)]


# ----------------------------------------------------------- manager guide
def _inspection(doc, ctx: ReportContext) -> None:
    doc.heading("Deal inspection", 2)
    rs = get_rule_set(ctx.eng)
    top = sorted(rs.active(), key=lambda r: -r.points)[:4]
    doc.para(
        f"Every open deal carries a risk score: low below {rs.low_max:g} points, high from "
        f"{rs.high_min:g}. The signals that weigh most in {ctx.customer}'s rules are "
        + ", ".join(
            f"{SIGNALS[r.signal].label.lower() if r.signal in SIGNALS else r.signal} "
            f"({r.points:g} points)"
            for r in top
        )
        + ". Inspect a deal by its reasons, not by the rep's summary."
    )
    doc.bullets(
        [
            "Open the manager view and sort the team's deals by risk.",
            "For each high-risk deal, read the reasons and the last call's summary.",
            "Agree one dated next step with the rep and check the close date.",
            "Move the forecast category in the CRM if the evidence says so.",
        ],
        numbered=True,
    )
    found = stored_pipeline_run(ctx)
    if found is None or not found[0].deals:
        doc.missing(
            "Example from the live pipeline",
            "The consultant scores the open pipeline; RevOps provides "
            "the open opportunities",
        )
        return
    scores, run = found
    high = [d for d in scores.deals if d.band == "high"]
    doc.para(
        f"In the stored scores ({audit_sections.run_words('pipeline risk scores', run)}), {len(high)} of {len(scores.deals):,} open "
        "deals are high risk. The training uses these:"
    )
    doc.table(
        ["Deal", "Owner", "Amount", "Score", "Why"],
        [
            [d.name or d.opportunity_crm_id, ctx.rep(d.owner_crm_id), ctx.money(d.amount),
             f"{d.score:.0f}", ", ".join(r.label for r in d.top_reasons(2)) or "-"]
            for d in (high or scores.deals)[:5]
        ],
        widths=[1.8, 1.2, 0.9, 0.6, 2.0],
        numeric=[2, 3],
    )  # fmt: skip


def _dashboards(doc, ctx: ReportContext) -> None:
    doc.heading("Dashboard navigation", 2)
    doc.table(
        ["View", "Open it for", "Drill-down"],
        [[v, d["purpose"], d["drill"]] for v, d in playbook.DASHBOARDS.items()],
        widths=[1.0, 3.3, 2.2],
        bold_first_column=True,
    )
    teams = [t.team for t in pack.roster(ctx.eng).teams]
    if teams:
        doc.para("Your team filter: " + ", ".join(teams) + ".")


def _scorecards(doc, ctx: ReportContext) -> None:
    doc.heading("Reading the coaching scorecard", 2)
    doc.table(
        ["Metric", "What it tells you", "Healthy range"],
        [list(r) for r in playbook.SCORECARD_METRICS],
        widths=[1.5, 2.7, 2.3],
        bold_first_column=True,
    )
    if not conversation.team_benchmark_table(ctx, doc):
        doc.missing(
            "Benchmarks from the team's own calls",
            "The consultant imports and measures the recorded calls "
            "once recording runs",
        )


def _forecast(doc, ctx: ReportContext) -> None:
    doc.heading("Forecast submission", 2)
    cats = [
        c
        for (c,) in ctx.eng.conn.execute(
            "SELECT DISTINCT forecast_category FROM opportunities WHERE coalesce(is_closed,0)=0 "
            "AND forecast_category IS NOT NULL AND forecast_category != '' ORDER BY 1"
        )
    ]
    submit = next(c for c in playbook.FORECAST_CADENCE if c["key"] == "forecast-submission")
    doc.para(
        "Reps submit by Thursday 17:00; managers apply their overrides by Friday; RevOps "
        "snapshots the forecast for the monthly call. " + submit["purpose"] + "."
    )
    if cats:
        doc.para("Categories: " + ", ".join(cats) + ".", bold_prefix="In your CRM. ")
    elif ctx.is_ri:
        doc.missing(
            "Forecast categories", "RevOps exports the open opportunities with their category"
        )


# --------------------------------------------------------------- rep guide
def _recorded(doc, ctx: ReportContext) -> None:
    doc.heading("What is recorded and why", 2)
    items = {i.key: i for i in lifecycle.intake(ctx.eng) if i.is_filled}
    channels = []
    for key in ("video_platforms", "dialer"):
        if key in items:
            value = items[key].value
            channels += [str(v) for v in (value if isinstance(value, list) else [value])]
    if channels:
        doc.para(
            "Recorded: external calls and meetings on " + ", ".join(channels) + ". Not "
            "recorded: internal meetings and anything you mark as personal. Recordings feed "
            "your own coaching and your deal's risk reasons; they are not a performance rating."
        )
    else:
        doc.missing(
            "Recorded channels",
            "IT names the video platforms and the dialer on the intake form",
        )
    strict = [j["name"] for j in sources.consent_plan(ctx) if j["consent"] != "one-party"]
    if strict:
        doc.para(
            "Every external call starts with a recording notice, because buyers in "
            + ", ".join(strict)
            + " must consent or be told. Do not switch the notice off.",
            bold_prefix="Consent. ",
        )


def _privacy(doc, ctx: ReportContext) -> None:
    doc.heading("Privacy settings", 2)
    rep = playbook.ROLES.index("Rep") + 1
    doc.table(
        ["What", "You, as a rep"],
        [[row[0], row[rep]] for row in playbook.PERMISSIONS],
        widths=[3.5, 3.0],
    )
    doc.bullets(
        [
            "Pause or stop a recording when a buyer asks; the notice tells them how.",
            "Ask your admin to delete a recording made by mistake (a personal call).",
            "Your manager sees your calls; other reps do not, unless you share a snippet.",
        ]
    )


def _self_coaching(doc, ctx: ReportContext) -> None:
    doc.heading("Reviewing your own calls and self-coaching", 2)
    doc.bullets(
        [
            "Once a week, open one call of the week from your call list.",
            "Read the summary, then jump to the questions and objections.",
            "Check your talk ratio (aim for 40 to 60% talking) and how many open questions you asked.",
            "Write down one thing to change on the next call; bring it to your 1:1.",
        ],
        numbered=True,
    )


# ---------------------------------------------------------- agenda template
def _agenda(doc, ctx: ReportContext) -> None:
    doc.para(
        "45 minutes, weekly, per team (30 minutes once the team is used to it: shorten the "
        "coaching moment and the Best Case inspection)."
    )
    doc.table(
        ["Time", "Topic", "What happens"],
        [list(r) for r in playbook.DEAL_REVIEW_AGENDA],
        widths=[0.9, 1.6, 4.0],
        bold_first_column=True,
    )
    doc.heading("Pre-work", 2)
    doc.bullets(
        [
            "Reps: update next steps, close dates and forecast categories by the day before.",
            "Manager: open the manager view and the at-risk list; pick one call snippet.",
            "RevOps: the forecast snapshot is ready an hour before.",
        ]
    )
    doc.heading("Dashboards to open", 2)
    doc.bullets(
        [
            "Manager view: team pipeline by stage and forecast category, against quota.",
            "At-risk list: deals by risk score with their reasons.",
            "Coaching: the team's scorecard against the benchmark.",
        ]
    )
    doc.heading("Manager checklist", 2)
    doc.bullets(list(playbook.MANAGER_CHECKLIST))


# ---------------------------------------------------------------- sessions
def _sessions(doc, ctx: ReportContext, audiences) -> None:
    roster = pack.roster(ctx.eng)
    for a in audiences:
        size = len(a.invited)
        groups = max(1, -(-size // 15)) if a.key == "reps" else 1
        extra = (
            f" in {groups} groups of at most 15 (by team: "
            + ", ".join(t.team for t in roster.teams)
            + ")"
            if a.key == "reps" and groups > 1 and roster.teams
            else ""
        )
        doc.heading(f"{a.title} ({a.duration})", 2)
        doc.para(
            f"For {a.who}: {size} {'person' if size == 1 else 'people'} in the CRM{extra}. Record the session for those who "
            "cannot attend live."
            if size
            else f"For {a.who}."
        )
        doc.table(
            ["Minutes", "Topic", "What happens"],
            [list(r) for r in SESSION_AGENDAS[a.key]],
            widths=[0.8, 2.0, 3.7],
            bold_first_column=True,
        )
    if roster.empty:
        doc.missing(
            "Audience sizes",
            "RevOps exports the CRM users with their role and team",
        )


def _attendance(doc, ctx: ReportContext, audiences) -> None:
    doc.para(
        "Each audience's target follows from the adoption KPI it drives; hypercare measures "
        "the KPIs themselves."
    )
    rows, flags = [], []
    for a in audiences:
        share = a.share
        state = (
            "no session yet"
            if not a.sessions
            else ("on target" if a.on_target else "below target: plan a catch-up session")
        )
        rows.append(
            [a.title, str(len(a.invited)), str(len(a.attended)),
             "-" if share is None or not a.sessions else pct(share),
             f"{a.target_pct:g}% ({a.target_reason})", state]
        )  # fmt: skip
        flags.append(a.on_target is not True)
    doc.table(
        ["Audience", "In the CRM", "Attended", "Share", "Target", "State"],
        rows,
        widths=[1.4, 0.7, 0.7, 0.6, 2.0, 1.1],
        numeric=[1, 2, 3],
        assumed=flags,
    )
    held = sorted({s for a in audiences for s in a.sessions})
    if held:
        doc.para("Sessions recorded: " + "; ".join(held) + ".")
    else:
        doc.missing(
            "Training attendance",
            "The consultant records each session with its attendees",
        )


SPECS.append(
    DocumentSpec(
        "training-package",
        "Training Package",
        "Manager and rep training guides, the deal review meeting agenda template, session "
        "plans for leadership, reps and admins, and attendance against the adoption targets.",
        ("docx",),
        build_training,
        group="Enablement",
    )
)
