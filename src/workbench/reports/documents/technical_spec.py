"""The Technical Specification (phase 2a) with its review and approval (phase 2b).

One document for the engineer: CRM field mapping, recording integrations, the deal
scoring rule configuration (from the stored rule set and calibration run, never
recomputed), dashboards, forecast workflow, coaching scorecards, alerts, the build
sequence with what each step waits for, the engineer's questions and the approval
block. The approval carries a version and a fingerprint of the inputs
(``lifecycle.tech_spec``); an input changed after approval makes it stale and the
document says what changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench import lifecycle
from workbench.lifecycle import intake_pack as pack
from workbench.lifecycle.tech_spec import spec_state
from workbench.reports import audit_sections, playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, pct
from workbench.reports.documents.crm_fields import core_field_rows, crm_name
from workbench.scoring import SIGNALS, get_rule_set
from workbench.scoring.operations import latest_calibration

SPECS: list[DocumentSpec] = []

RECORDING = {
    "zoom": ("Zoom OAuth app, installed account-wide by a Zoom admin", "Cloud recording on; recording app approved for every licensed user"),
    "teams": ("Microsoft Teams connector with tenant-wide admin consent (Microsoft Graph)", "Compliance recording policy assigned to the licensed users"),
    "meet": ("Google Workspace connector (calendar access and meeting bot)", "Workspace admin allows the bot to join external meetings"),
    "webex": ("Webex integration authorised by a site admin", "Recording on for licensed hosts"),
}  # fmt: skip
DIALER = (
    "Dialer API key or native connector",
    "Recording on per user; calls logged to the CRM with the deal",
)
SIGNAL_SOURCE = {
    "crm": "CRM activity",
    "methodology": "Methodology fields",
    "conversation": "Calls",
}
BUILD_STEPS = [
    ("Platform setup", "Accounts, single sign-on, roles (Admin, Manager, Rep, Read-only)", ()),
    ("CRM sync", "Integration user, objects and custom fields mapped, sync tested", (1,)),
    ("Recording integrations", "Video and dialer connectors, consent announcements", (1, 2)),
    ("Deal scoring", "Risk signals, weights and thresholds from the approved rule set", (2, 3)),
    ("Dashboards", "Rep, manager and executive views", (2, 4)),
    ("Forecast workflow", "Categories, submission schedule, roll-up", (2, 5)),
    ("Coaching scorecards and alerts", "Scorecards, trackers, alert routing", (3, 4)),
    ("Call library", "Tagging taxonomy and onboarding playlists", (3, 7)),
]


def _intake(ctx: ReportContext, key: str):
    item = next((i for i in lifecycle.intake(ctx.eng) if i.key == key), None)
    return item if item and item.is_filled else None


def build_tech_spec(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    state = spec_state(ctx.eng)
    doc = ctx.document(spec.title, state.describe())
    _approval(doc, ctx, state)
    blockers = _build_sequence_status(ctx)
    _field_mapping(doc, ctx)
    _recording(doc, ctx)
    _scoring(doc, ctx)
    _dashboards(doc, ctx)
    _forecast(doc, ctx)
    _coaching(doc, ctx)
    _alerts(doc, ctx)
    _sequence(doc, blockers)
    _questions(doc, ctx, blockers)
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------------ approval
def _approval(doc, ctx: ReportContext, state) -> None:
    doc.heading("Approval", 1)
    a = state.approval
    if a is None:
        doc.key_values(
            [
                ("Version", f"{state.next_version} (draft)"),
                ("Approved by", "not yet approved"),
                ("Approved on", "-"),
            ]
        )
        doc.missing(
            "Approval",
            "The architect and the engineer review this specification at the engineering "
            "handoff; the customer's approver signs it off",
        )
        return
    doc.key_values(
        [
            ("Version", str(a.version)),
            ("Approved by", a.approver),
            ("Approved on", a.approved_on),
            ("State", "stale: inputs changed since approval" if state.stale else "current"),
        ]
    )
    if state.stale:
        doc.missing(
            f"An approved version that matches the data: changed since version {a.version}: "
            + ", ".join(state.changed),
            f"Review the changed sections with the engineer and approve version "
            f"{a.version + 1}",
        )


# --------------------------------------------------------------- sections
def _field_mapping(doc, ctx: ReportContext) -> None:
    crm = crm_name(ctx)
    doc.heading("CRM field mapping", 1)
    rows = core_field_rows(ctx, {})
    if not any(r[6] is not None for r in rows):
        doc.missing(
            "CRM field mapping",
            "RevOps exports opportunities, accounts, contacts and activities from the CRM; "
            "the consultant imports them",
        )
    api = 4 if crm != "HubSpot" else 5
    body = [
        [r[0], r[api] or "-", r[2], "-" if r[6] is None else pct(r[6]), r[7]]
        for r in rows
        if r[3] or r[6]
    ]
    doc.para(
        f"The {crm} fields the platform reads, how complete they are in the imported data, "
        "and what to configure. The full mapping with every imported column is in the "
        "CRM Field Mapping workbook."
    )
    doc.table(
        ["Object", f"{crm} field", "Used for", "Filled", "Status"],
        body,
        widths=[1.0, 1.4, 2.4, 0.7, 1.0],
        numeric=[3],
        assumed=[str(r[4]).startswith(("Missing", "Not imported")) for r in body],
    )


def _recording(doc, ctx: ReportContext) -> None:
    doc.heading("Recording integration specifications", 1)
    videos = _intake(ctx, "video_platforms")
    dialers = _intake(ctx, "dialer")
    cap = audit_sections.audit_result(ctx, "capture")
    rates = {g.key: (g.total, g.rate) for g in getattr(cap, "by_channel", [])}
    rows = []
    video_names = [str(v) for v in (videos.value if videos else [])]
    dialer_names = [str(v) for v in (dialers.value if dialers else []) if str(v).lower() != "none"]
    for name in video_names + dialer_names:
        key = next((k for k in RECORDING if k in name.lower()), None)
        how, setting = RECORDING[key] if key else DIALER
        seen = rates.get(name.lower()) or next(
            (v for k, v in rates.items() if k and k in name.lower()), None
        )
        if seen is None and name in dialer_names:
            seen = rates.get("phone") or rates.get("dialer")
        today = (
            f"{pct(seen[1])} of {seen[0]:,} recorded"
            if seen and seen[1] is not None
            else "no log imported"
        )
        rows.append([name, how, setting, today])
    if not rows:
        doc.missing(
            "Video and phone platforms",
            "IT names the video platforms and the dialer on the intake form",
        )
        return
    doc.para(
        "Every external conversation is captured through these connectors; today's "
        "recording rate is "
        + audit_sections.run_words("capture audit", audit_sections.audit_run(ctx, "capture"))
        + "."
    )
    doc.table(
        ["Platform", "Connection", "Settings", "Recorded today"],
        rows,
        widths=[1.1, 2.2, 2.2, 1.0],
        bold_first_column=True,
    )
    strict = [j["name"] for j in sources.consent_plan(ctx) if j["consent"] != "one-party"]
    if strict:
        doc.para(
            "Announce every external recording (" + ", ".join(strict) + " ask for "
            "more than one-party consent); the Recording Consent Plan gives the wording.",
            bold_prefix="Consent. ",
        )


def _scoring(doc, ctx: ReportContext) -> None:
    doc.heading("Deal scoring rule configuration", 1)
    rs = get_rule_set(ctx.eng)
    found = latest_calibration(ctx.eng)
    if rs.version is None:
        doc.missing(
            "An approved deal scoring rule set",
            "The consultant calibrates on the won and lost history and saves a version "
            "of the rules; sales leadership approves it",
        )
    else:
        doc.para(
            f"Rule set version {rs.version} ({rs.source}), effective from "
            f"{rs.effective_from or rs.created_at[:10]}. Low risk below {rs.low_max:g} "
            f"points, high risk from {rs.high_min:g}."
        )
    rows = []
    for rule in rs.rules:
        sig = SIGNALS.get(rule.signal)
        rows.append(
            [
                sig.label if sig else rule.signal,
                rule.describe(),
                f"{rule.points:g}" if rule.enabled else "off",
                SIGNAL_SOURCE.get(sig.group, sig.group) if sig else "",
            ]
        )
    doc.table(
        ["Signal", "Fires when", "Points", "Source"],
        rows,
        widths=[1.8, 2.2, 0.8, 1.7],
        numeric=[2],
        assumed=[rs.version is None] * len(rows),
    )
    if found is None:
        doc.missing(
            "Calibration on the customer's history",
            "The consultant runs the calibration; RevOps provides "
            "four quarters of closed deals",
        )
        return
    report, run = found
    facts = [("Calibration", audit_sections.run_words("deal scoring calibration", run)), ("Closed deals used", f"{report.n_closed:,}")]
    if report.auc is not None:
        facts.append(("Ranking quality (AUC) on the held-out quarter", f"{report.auc:.2f}"))
    if report.recommended_low_max is not None and report.recommended_high_min is not None:
        facts.append(
            (
                "Recommended bands",
                f"low below {report.recommended_low_max:g}, high from {report.recommended_high_min:g}",
            )
        )
    doc.key_values(facts)


def _dashboards(doc, ctx: ReportContext) -> None:
    doc.heading("Dashboard specifications", 1)
    teams = [t.team for t in pack.roster(ctx.eng).teams]
    rows = [
        [view, d["audience"], "\n".join(d["metrics"][:5]), ", ".join(d["filters"]), d["drill"]]
        for view, d in playbook.DASHBOARDS.items()
    ]
    doc.table(
        ["View", "For", "Metrics", "Filters", "Drill-down"],
        rows,
        widths=[0.8, 1.1, 2.2, 1.2, 1.2],
        bold_first_column=True,
    )
    if teams:
        doc.para("Team filter values: " + ", ".join(teams) + ".")
    else:
        doc.missing("Team names for the filters", "RevOps exports the CRM users with their team")


def _forecast(doc, ctx: ReportContext) -> None:
    doc.heading("Forecast workflow configuration", 1)
    cats = ctx.eng.conn.execute(
        "SELECT forecast_category, count(*) FROM opportunities WHERE coalesce(is_closed,0)=0 "
        "AND forecast_category IS NOT NULL AND forecast_category != '' GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    if cats:
        doc.para(
            "Categories in use on open deals: "
            + ", ".join(f"{c} ({n:,})" for c, n in cats)
            + ". The platform uses the same names; Omitted deals stay out of the roll-up.",
            bold_prefix="Categories. ",
        )
    else:
        doc.missing(
            "Forecast categories", "RevOps exports the open opportunities with their category"
        )
    doc.table(
        ["Event", "When", "Who", "What happens"],
        [[c["name"], _when(c), c["attendees"], c["purpose"]] for c in playbook.FORECAST_CADENCE],
        widths=[1.4, 1.3, 1.6, 2.2],
        bold_first_column=True,
        caption="Submission schedule",
    )
    r = pack.roster(ctx.eng)
    if r.teams:
        doc.table(
            ["Level", "Who submits", "Rolls up to"],
            [["Rep", f"{r.counts['reps']} reps", "their team manager"]]
            + [
                [f"Team {t.team}", ", ".join(ctx.scrub(m) for m in t.managers) or "no manager listed", "VP Sales"]
                for t in r.teams
            ]
            + [["Company", "VP Sales", "CRO and Finance"]],
            widths=[1.6, 2.8, 2.1],
            caption="Roll-up: reps submit, managers override, the VP commits",
        )  # fmt: skip
    else:
        doc.missing("Roll-up hierarchy", "RevOps exports the CRM users with role, team and manager")
    submitted = ctx.count("forecast_submissions") if ctx.is_ri else 0
    if ctx.is_ri and not submitted:
        doc.missing(
            "Forecast submission history",
            "RevOps exports the weekly forecast submissions, to compare compliance before and after",
        )


def _when(c: dict) -> str:
    days = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday"}
    freq = {"WEEKLY": "Every", "MONTHLY": "Monthly, first", "QUARTERLY": "Quarterly"}[c["freq"]]
    day = days.get(c["weekday"] or "", "")
    return f"{freq} {day} {c['hour']:02d}:00, {c['minutes']} min".replace("  ", " ")


def _coaching(doc, ctx: ReportContext) -> None:
    doc.heading("Coaching scorecard configuration", 1)
    doc.table(
        ["Metric", "What it measures", "Benchmark and alert threshold"],
        [list(r) for r in playbook.SCORECARD_METRICS],
        widths=[1.5, 2.6, 2.4],
        bold_first_column=True,
    )
    rubrics = ctx.eng.conn.execute(
        "SELECT r.name, r.methodology, count(c.key) FROM scorecard_rubrics r "
        "LEFT JOIN scorecard_criteria c ON c.rubric_id = r.id GROUP BY r.id ORDER BY r.name"
    ).fetchall()
    if rubrics:
        doc.para(
            "Scorecards set up: "
            + "; ".join(f"{n} ({m}, {k} criteria)" for n, m, k in rubrics)
            + "."
        )
    else:
        doc.para(
            f"Scorecard: the {ctx.meta.methodology} rubric of the Coaching Scorecard Reference "
            "(one criterion per methodology element, scored 1 to 5)."
        )


def _alerts(doc, ctx: ReportContext) -> None:
    doc.heading("Alert configuration", 1)
    videos = _intake(ctx, "video_platforms")
    channel = (
        "Microsoft Teams message and e-mail"
        if videos and any("teams" in str(v).lower() for v in videos.value)
        else "E-mail and the platform's in-app feed"
    )
    rs = get_rule_set(ctx.eng)
    rows = [
        ["Deal risk score turns high", f"Score reaches {rs.high_min:g} points", "Deal owner and manager", channel, "Manager raises it in the weekly pipeline review"],
        ["No activity on an open deal", "14 days without a logged activity", "Deal owner", channel, "Manager after 21 days"],
        ["Forecast not submitted", "Thursday 17:00 submission deadline passed", "Rep", channel, "Manager, then VP Sales on Friday"],
        ["Recording failure", "A connector stops delivering recordings for a day", "RevOps admin", "E-mail", "Architect when not fixed in 24 hours"],
        ["CRM sync error", "Sync fails or lags more than 4 hours", "RevOps admin", "E-mail", "Architect when not fixed in 24 hours"],
    ]  # fmt: skip
    for label, alert_to in ctx.eng.conn.execute(
        "SELECT label, alert_to FROM trackers WHERE is_active = 1 AND alert_to != '[]' ORDER BY position, key"
    ):
        who = ", ".join(json.loads(alert_to))
        rows.append([f"Tracker: {label}", "Mentioned on a call", who, channel, "-"])
    doc.table(
        ["Alert", "Trigger", "Who is notified", "Channel", "Escalation"],
        rows,
        widths=[1.4, 1.5, 1.2, 1.1, 1.3],
        bold_first_column=True,
    )
    if ctx.count("trackers") == 0:
        doc.missing(
            "Tracker alerts",
            "Sales leadership names the competitors and topics to track on the intake form; "
            "the consultant sets up the trackers",
        )


def _build_sequence_status(ctx: ReportContext) -> dict[int, str]:
    """What each build step still waits for (empty: ready)."""
    waits: dict[int, list[str]] = {i: [] for i in range(1, len(BUILD_STEPS) + 1)}
    platform, why = lifecycle.selected_platform(ctx.eng)
    if not platform:
        waits[1].append(f"platform selection ({why})")
    crm_access = _intake(ctx, "crm_admin_access")
    if not crm_access or crm_access.value not in ("granted", "tested"):
        waits[2].append("CRM admin access granted to the integration user")
    video_access = _intake(ctx, "video_admin_access")
    if not video_access or video_access.value not in ("granted", "tested"):
        waits[3].append("video platform admin access")
    consent = _intake(ctx, "consent_review")
    if not consent or consent.value != "approved":
        waits[3].append("legal approval of recording consent")
    if get_rule_set(ctx.eng).version is None:
        waits[4].append("an approved scoring rule set")
    if not pack.roster(ctx.eng).teams:
        waits[5].append("teams in the CRM users")
    if not ctx.count("opportunities"):
        waits[6].append("opportunity export with forecast categories")
    if ctx.count("trackers") == 0:
        waits[7].append("trackers configured")
    if not ctx.count("transcripts"):
        waits[8].append("recorded calls to tag")
    return {i: "; ".join(w) for i, w in waits.items()}


def _sequence(doc, blockers: dict[int, str]) -> None:
    doc.heading("Build sequence", 1)
    doc.para(
        "Each step starts when the steps it depends on are done; a step waiting for an "
        "input is marked."
    )
    rows, flags = [], []
    for i, (step, what, deps) in enumerate(BUILD_STEPS, start=1):
        wait = blockers.get(i, "")
        rows.append(
            [str(i), step, what, ", ".join(str(d) for d in deps) or "-", f"waits for {wait}" if wait else "ready"]
        )  # fmt: skip
        flags.append(bool(wait))
    doc.table(
        ["Step", "Component", "What is configured", "After steps", "Inputs"],
        rows,
        widths=[0.5, 1.4, 2.2, 0.8, 1.6],
        assumed=flags,
    )


def _questions(doc, ctx: ReportContext, blockers: dict[int, str]) -> None:
    doc.heading("Questions for the engineering review", 1)
    qs = [
        ["CRM schema", "Which custom objects and fields hold the methodology data (e.g. "
         f"{ctx.meta.methodology} fields), and are they on the opportunity?", "CRM admin"],
        ["API limits", "What daily API call allowance is left for the integration user, and "
         "are other integrations competing for it?", "CRM admin"],
        ["Single sign-on", "Which identity provider, and who adds the application and the "
         "user groups?", "IT security"],
    ]  # fmt: skip
    for i, wait in blockers.items():
        if wait:
            qs.append([BUILD_STEPS[i - 1][0], f"When will we have {wait}?", "Engagement lead"])
    custom = _custom_fields(ctx)
    if custom:
        qs.append(
            ["Custom fields", f"Sync these custom fields too: {', '.join(custom[:8])}?", "RevOps lead"]
        )  # fmt: skip
    doc.table(["Topic", "Question", "Who answers"], qs, widths=[1.3, 3.9, 1.3])


def _custom_fields(ctx: ReportContext) -> list[str]:
    found: set[str] = set()
    for (extra,) in ctx.eng.conn.execute(
        "SELECT extra FROM opportunities WHERE extra IS NOT NULL AND extra != '{}' LIMIT 500"
    ):
        try:
            found.update(k for k, v in json.loads(extra).items() if v not in (None, ""))
        except (ValueError, AttributeError):
            continue
    return sorted(k for k in found if k.endswith("__c"))


SPECS.append(
    DocumentSpec(
        "technical-spec",
        "Technical Specification",
        "Field mapping, recording integrations, scoring, dashboards, forecast workflow, "
        "scorecards, alerts and build sequence, with the engineer's questions and the "
        "approval (version and state).",
        ("docx",),
        build_tech_spec,
        group="Technical",
    )
)
