"""The conversation-intelligence package: requirements, trackers, coaching, library, dashboards, teams.

Six documents only a conversation-intelligence engagement gets. Each reads what the
engagement measured (the last coaching run, the tracker library with its hits and
reviews, scorecards, the call matching audit) and says what to do where nothing has
been measured yet.
"""

from __future__ import annotations

from pathlib import Path

from workbench.coaching import operations as coaching
from workbench.coaching import scorecards
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, num, pct

CI = ("conversation-intelligence",)
IMPORT_HOW = (
    "The consultant measures the team's recorded calls once the platform's first weeks "
    "of transcripts are exported; this section is then filled from them."
)


def _run(ctx: ReportContext) -> dict | None:
    return coaching.load_coaching_run(ctx.eng)


coaching_run = _run


def _trackers(ctx: ReportContext):
    result = coaching.tracker_summary(ctx.eng)
    return result if result.trackers else None


def _tracker(result, key: str):
    return next((t for t in result.trackers if t.key == key), None) if result else None


def _call_titles(ctx: ReportContext, calls: list[str]) -> dict[str, str]:
    """The calls' titles as the meeting logs give them (a customer never reads a call id)."""
    if not calls:
        return {}
    marks = ",".join("?" * len(calls))
    return {
        crm_id: title
        for crm_id, title in ctx.eng.conn.execute(
            f"SELECT crm_id, title FROM meetings WHERE crm_id IN ({marks})", calls
        )
    }


def _rep(ctx: ReportContext, crm_id: str | None, name: str | None) -> str:
    """The rep's name as the package shows it (anonymised when the export asks)."""
    if crm_id and not str(crm_id).startswith("speaker:"):
        return ctx.rep(crm_id)
    return ctx.scrub(name or "-")


def _call_count(ctx: ReportContext) -> int:
    return ctx.count("transcripts")


# ------------------------------------------------------------ v0 requirements
USE_CASES = [
    # name, teams, what it needs, tracker or metric that shows the need
    (
        "Rep coaching and ramp",
        "Sales managers, enablement",
        "Talk metrics, scorecards, call library",
        "coaching",
    ),
    (
        "Deal risk and inspection",
        "Sales leadership, RevOps",
        "Risk trackers on open deals, CRM write-back",
        "pricing_objections",
    ),
    (
        "Competitive intelligence",
        "Product marketing, sales",
        "Competitor tracker, alerts, playlists",
        "competitors",
    ),
    (
        "Churn detection",
        "Customer success",
        "Churn tracker on customer calls, CS alerts",
        "churn_signals",
    ),
    (
        "Product feedback",
        "Product management",
        "Feature request tracker, monthly digest",
        "feature_requests",
    ),
    (
        "Legal and escalation",
        "Sales managers, legal",
        "Escalation tracker, immediate alerts",
        "legal_escalation",
    ),
    (
        "Next-step discipline",
        "Reps, managers",
        "Next steps tracker, CRM next step sync",
        "next_steps",
    ),
    (
        "CRM automation",
        "RevOps, CRM admin",
        "Call-to-account matching above 95%, activity logging",
        "matching",
    ),
]


def _evidence(ctx: ReportContext, run, trackers, key: str) -> tuple[int, str]:
    """(priority points 1-3, the evidence in words) for one use case."""
    calls = _call_count(ctx)
    if key == "coaching":
        if not run:
            return 2, "Not measured yet"
        flagged = sum(1 for r in run["reps"] if r["flags"])
        share = flagged / len(run["reps"]) if run["reps"] else 0
        return (3 if share >= 0.3 else 2 if flagged else 1), (
            f"{flagged} of {len(run['reps'])} reps outside the benchmark or the 40-60% talk band"
        )
    if key == "matching":
        from workbench.audits.matching import run_matching

        result = run_matching(ctx.eng, record=False)
        problems = len(result.unmatched) + len(result.multi_account) + len(result.link_differs)
        share = problems / result.calls if result.calls else 0
        if not result.calls:
            return 2, "No recorded calls to check yet"
        return (3 if share > 0.05 else 2 if problems else 1), (
            f"{problems} of {result.calls} recorded calls unmatched or linked doubtfully"
        )
    t = _tracker(trackers, key)
    if t is None or not calls:
        return 2, "Not measured yet"
    share = t.calls / calls
    return (
        3 if share >= 0.2 else 2 if t.calls else 1
    ), f"heard on {t.calls} of {calls} calls ({pct(share)})"


def build_requirements(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Use cases, teams and priorities for the first release")
    run, trackers = _run(ctx), _trackers(ctx)
    doc.heading("Purpose", 1)
    doc.para(
        f"This first version of the requirements of {ctx.customer} lists what the conversation "
        "intelligence platform must do for each team, ranks the use cases by how much the "
        "customer's own calls show the need, and names the trackers and metrics each one "
        "depends on. It is reviewed at the configuration plan review and signed off before build."
    )
    rows = []
    for name, teams, needs, key in USE_CASES:
        points, evidence = _evidence(ctx, run, trackers, key)
        rows.append((points, name, teams, needs, evidence))
    rows.sort(key=lambda r: (-r[0], r[1]))
    doc.heading("Use-case matrix and priority ranking", 1)
    doc.table(
        ["Rank", "Use case", "Teams", "What it needs", "Evidence from the calls", "Priority"],
        [
            [i, name, teams, needs, evidence, {3: "High", 2: "Medium", 1: "Low"}[p]]
            for i, (p, name, teams, needs, evidence) in enumerate(rows, start=1)
        ],
        widths=[0.45, 1.3, 1.2, 1.5, 1.6, 0.7],
        numeric=[0],
        caption="Use cases ranked by what the calls show",
    )
    if not _call_count(ctx):
        doc.missing("Evidence from the calls", IMPORT_HOW)
    doc.heading("Requirements for the release", 1)
    doc.bullets(
        [
            "Record every external video meeting of the sales and success teams, with the "
            "announcement on wherever a participant is in an all-party-consent jurisdiction.",
            "Link each call to the right account and opportunity for more than 95% of a reviewed sample.",
            "Launch with 10 to 15 trackers, each with an owner, alert recipients and a monthly accuracy review.",
            f"A coaching scorecard on the {ctx.meta.methodology} methodology, calibrated between managers each quarter.",
            "Talk metrics per rep against the top performers' benchmark, visible to managers weekly.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------ tracker guide
def build_tracker_guide(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Adding, changing, reviewing and retiring trackers")
    trackers = _trackers(ctx)
    doc.heading("Rules of the library", 1)
    doc.bullets(
        [
            "Keep 10 to 15 trackers active; more produce noise users learn to ignore.",
            "Every tracker has phrases, variants (other wordings of the same thing), exclusions "
            "(sentences that must not count) and the people it alerts.",
            "Each month, review 10 hits of every tracker as relevant or noise; above 30% noise the "
            "tracker is tightened or retired.",
            "Each quarter, audit the whole library: add the competitors and topics that came up, "
            "archive the ones nobody acts on.",
        ]
    )
    doc.heading("The library today", 1)
    if trackers:
        doc.table(
            [
                "Tracker",
                "Phrases and variants",
                "Exclusions",
                "Whose words",
                "Alerts",
                "Hits",
                "Calls",
                "Noise in review",
            ],
            [
                [
                    t.label + ("" if t.active else " (off)"),
                    ", ".join(t.phrases + t.variants),
                    ", ".join(t.exclusions) or "-",
                    {"any": "anyone", "rep": "the rep", "customer": "the customer"}[t.side],
                    ", ".join(t.alert_to) or "-",
                    t.hits,
                    t.calls,
                    "not reviewed"
                    if t.false_positive_rate is None
                    else f"{t.noise} of {t.reviewed} ({pct(t.false_positive_rate)})",
                ]
                for t in trackers.trackers
            ],
            widths=[1.1, 2.0, 1.0, 0.7, 0.8, 0.45, 0.45, 0.8],
            numeric=[5, 6],
            caption=f"{trackers.active} active trackers over {trackers.calls} calls",
            bold_first_column=True,
        )
        for warning in trackers.warnings:
            doc.note(warning, label="Red flag")
    else:
        doc.missing("The tracker library", IMPORT_HOW)
    doc.heading("Adding or changing a tracker", 1)
    doc.bullets(
        [
            "Write down the decision the tracker serves and who acts on its alert.",
            "Start from three to five phrases heard on real calls; add the variants reps and "
            "customers actually say.",
            "Add exclusions for the sentences that will look alike but mean something else "
            '("no pricing concerns" is not a pricing objection).',
            "Run it on the last month of calls and read 10 hits before switching the alert on.",
        ],
        numbered=True,
    )
    doc.heading("Retiring a tracker", 1)
    doc.para(
        "Switch a tracker off rather than deleting it, so its history stays readable; retire it "
        "when nobody acted on its alerts for a quarter or when its noise stays above 30% after tuning."
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------ coaching workflow
def build_coaching_playbook(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "How managers coach from calls, week by week")
    run = _run(ctx)
    doc.heading("The metrics", 1)
    doc.table(
        ["Metric", "What it measures", "Aim"],
        [
            [
                "Talk ratio",
                "The rep's share of the speaking time; overlapping speech counts once",
                "40-60%",
            ],
            [
                "Longest monologue",
                "The rep's longest run of speech, pauses under 1.5 s joined",
                "At or below the top performers",
            ],
            [
                "Questions per hour",
                "Questions the rep asks, with or without a question mark",
                "At or above the top performers",
            ],
            ["Interactivity", "Changes of speaker per minute", "At or above the top performers"],
            [
                "Patience",
                "The rep's pause before answering the customer",
                "At or above the top performers",
            ],
        ],
        widths=[1.4, 3.4, 1.7],
        bold_first_column=True,
    )
    doc.heading("This team against its top performers", 1)
    if run:
        bench = run["benchmark"]
        v = bench.get("values", {})
        doc.para(
            f"Benchmark: {bench.get('basis', '')}. Top performers: talk ratio {pct(v.get('talk_ratio'))}, "
            f"longest monologue {num(v.get('longest_monologue_s'), 1)} s, "
            f"{num(v.get('questions_per_hour'), 1)} questions per hour, "
            f"{num(v.get('interactivity'), 2)} switches per minute, patience {num(v.get('patience_s'), 2)} s."
        )
        doc.table(
            [
                "Rep",
                "Calls",
                "Talk ratio",
                "Longest monologue (seconds)",
                "Questions per hour",
                "Patience (seconds)",
                "To work on",
            ],
            [
                [
                    _rep(ctx, r["rep_crm_id"], r["rep_name"]),
                    r["calls"],
                    pct(r["talk_ratio"]),
                    num(r["longest_monologue_s"], 1),
                    num(r["questions_per_hour"], 1),
                    num(r["patience_s"], 2),
                    "; ".join(r["flags"]) or "-",
                ]
                for r in run["reps"]
            ],
            widths=[1.3, 0.5, 0.7, 0.9, 0.9, 0.7, 2.0],
            numeric=[1, 2, 3, 4, 5],
            caption=f"Measured on {run['as_of']} over {len(run['calls'])} calls",
        )
        from workbench.coaching.charts import rep_benchmark_figure

        fig = rep_benchmark_figure(run["reps"], bench)
        if fig is not None:
            doc.figure(fig, "Talk ratio and questions per hour per rep")
    else:
        doc.missing("Team figures", IMPORT_HOW)
    doc.heading("Weekly rhythm", 1)
    doc.bullets(
        [
            "Monday: each manager picks two calls per rep, one flagged by the metrics or trackers, one at random.",
            "Before the 1:1: the manager scores both calls on the scorecard and notes one strength and one change.",
            "1:1: listen together to the two minutes that show the change; agree what to try this week.",
            "Friday: the rep adds one good moment of the week to the call library.",
        ]
    )
    _scorecard_section(ctx, doc)
    return [save_doc(doc, ctx, out, spec)]


def _scorecard_section(ctx: ReportContext, doc) -> None:
    rubric = scorecards.load_rubric(ctx.eng.conn, ctx.meta.methodology.upper())
    doc.heading("Scorecard and calibration", 1)
    if rubric is None:
        doc.para(
            f"Managers score calls on the {ctx.meta.methodology} scorecard. Once two managers have "
            "scored the same calls, their spread shows whether they read the criteria alike."
        )
        return
    scores = scorecards.call_scores(ctx.eng.conn, rubric)
    cal = scorecards.calibration(scores)
    doc.para(
        f"{len(scores)} scored calls on the {rubric.name} scorecard by "
        f"{len({s.manager for s in scores})} managers; {len(cal)} calls scored by more than one "
        f"manager, {sum(1 for c in cal if c.flagged)} with a spread over a quarter of the scale."
    )
    if cal:
        doc.table(
            ["Call", "Scores by manager", "Spread"],
            [
                [c.call, ", ".join(f"{m} {pct(v)}" for m, v in c.managers.items()), pct(c.spread)]
                for c in cal
            ],
            widths=[1.6, 3.6, 0.9],
        )


# ------------------------------------------------------------ call library
PLAYLISTS = [
    ("Competitor conversations", "competitors", "How reps answer when a competitor is named"),
    (
        "Pricing objections handled",
        "pricing_objections",
        "The customer pushes on price; the rep holds value",
    ),
    ("Clear next steps", "next_steps", "Calls that end with a dated commitment"),
    ("Churn saves", "churn_signals", "A customer at risk and the rep's response"),
    ("Product feedback", "feature_requests", "What customers ask the product to do"),
]


def build_call_library(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Folders, playlists and the calls that start them")
    doc.heading("Taxonomy", 1)
    doc.table(
        ["Folder", "What goes in", "Curated by"],
        [
            ["Discovery", "Strong openings and questioning", "Enablement"],
            ["Demo and pitch", "Demos that stayed a conversation", "Sales engineering"],
            [
                "Objection handling",
                "Pricing, competitor, timing objections answered well",
                "Sales managers",
            ],
            ["Closing and next steps", "Calls that end with dated commitments", "Sales managers"],
            ["Customer success", "Renewals, saves and expansion conversations", "CS managers"],
            ["Onboarding", "The first ten calls every new rep listens to", "Enablement"],
        ],
        widths=[1.5, 3.3, 1.6],
        bold_first_column=True,
    )
    doc.heading("Starter playlists from the customer's calls", 1)
    run = _run(ctx)
    top = {r["rep_crm_id"] for r in (run or {}).get("reps", []) if r["top_performer"]}
    calls = {c["meeting_crm_id"]: c for c in (run or {}).get("calls", [])}
    any_rows = False
    for title, key, purpose in PLAYLISTS:
        rows = ctx.eng.conn.execute(
            "SELECT h.meeting_crm_id, count(*) FROM tracker_hits h WHERE h.tracker_key = ? "
            "GROUP BY h.meeting_crm_id ORDER BY count(*) DESC, h.meeting_crm_id LIMIT 25",
            (key,),
        ).fetchall()
        if not rows:
            continue
        any_rows = True
        # Top performers' calls first: they are the examples to copy.
        rows.sort(key=lambda r: (calls.get(r[0], {}).get("rep_crm_id") not in top, -r[1], r[0]))
        doc.heading(title, 2)
        doc.para(purpose + ".")
        titles = _call_titles(ctx, [call for call, _n in rows[:8]])
        doc.table(
            ["Call", "Date", "Rep", "Mentions", "Top performer"],
            [
                [
                    titles.get(call) or "Untitled call",
                    (calls.get(call, {}).get("started_at") or "")[:10],
                    _rep(
                        ctx,
                        calls.get(call, {}).get("rep_crm_id"),
                        calls.get(call, {}).get("rep_name"),
                    ),
                    n,
                    "Yes" if calls.get(call, {}).get("rep_crm_id") in top else "",
                ]
                for call, n in rows[:8]
            ],
            widths=[2.0, 1.0, 1.6, 0.8, 0.9],
            numeric=[3],
        )
    if not any_rows:
        doc.missing("Playlists", IMPORT_HOW)
    doc.heading("Keeping it useful", 1)
    doc.bullets(
        [
            "A call enters the library with a one-line note on what to listen for and the minute it starts.",
            "Each folder keeps at most 20 calls; a better example replaces the oldest.",
            "Review the onboarding playlist each quarter with the newest reps' feedback.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------ dashboards
def build_ci_dashboards(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "What each role looks at, how often, and today's figures")
    run, trackers = _run(ctx), _trackers(ctx)
    doc.heading("Dashboards by role", 1)
    doc.table(
        ["Dashboard", "For", "Shows", "Cadence"],
        [
            [
                "Team coaching",
                "Sales managers",
                "Talk ratio, monologue, questions, patience per rep against the benchmark",
                "Weekly",
            ],
            [
                "Deal conversations",
                "Sales leadership",
                "Open deals with competitor, pricing and timing mentions",
                "Weekly forecast call",
            ],
            [
                "Tracker health",
                "Platform admin",
                "Hits per tracker, noise in review, active count",
                "Monthly",
            ],
            [
                "Customer signals",
                "CS managers",
                "Churn language and escalations by account",
                "Daily alerts, weekly review",
            ],
            [
                "Market voice",
                "Product marketing, product",
                "Competitor mentions and feature requests over time",
                "Monthly",
            ],
            [
                "Adoption",
                "Enablement, RevOps",
                "Calls recorded, calls reviewed by managers, scorecards completed",
                "Weekly in hypercare, then monthly",
            ],
        ],
        widths=[1.3, 1.2, 2.8, 1.2],
        bold_first_column=True,
    )
    doc.heading("Today's figures", 1)
    pairs = [("Calls transcribed", f"{_call_count(ctx):,}")]
    if run and run["calls"]:
        total_speech = sum(c["speech_s"] for c in run["calls"])
        rep_speech = sum(c["rep_s"] for c in run["calls"])
        pairs += [
            ("Team talk ratio", pct(rep_speech / total_speech if total_speech else None)),
            (
                "Reps flagged against the benchmark",
                f"{sum(1 for r in run['reps'] if r['flags'])} of {len(run['reps'])}",
            ),
        ]
    if trackers:
        pairs += [
            (f"Calls with {t.label.lower()}", f"{t.calls:,}") for t in trackers.trackers if t.active
        ]
    doc.key_values(pairs)
    if not run:
        doc.missing("Coaching figures", IMPORT_HOW)
    doc.heading("Reporting", 1)
    doc.bullets(
        [
            "Every figure names the period and the calls it covers; a rep with fewer than three calls "
            "in the period is shown but not ranked.",
            "The benchmark is refreshed each quarter from the top performers.",
            "Tracker counts are read with their review: a tracker above 30% noise is marked on every dashboard.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------ marketing and CS
def build_marketing_cs(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(
        spec.title, "Competitive intelligence, churn signals and product feedback from calls"
    )
    trackers = _trackers(ctx)
    sections = [
        (
            "Competitive intelligence (product marketing)",
            "competitors",
            "Which competitors come up, on which deals, and what customers say about them.",
        ),
        (
            "Churn signals (customer success)",
            "churn_signals",
            "Customers who talk about cancelling, not renewing or alternatives: the CS manager is alerted the same day.",
        ),
        (
            "Product feedback (product management)",
            "feature_requests",
            "What customers wish the product did; reviewed monthly with the product team.",
        ),
    ]
    for title, key, purpose in sections:
        doc.heading(title, 1)
        doc.para(purpose)
        t = _tracker(trackers, key)
        if t is None:
            doc.missing(title, IMPORT_HOW)
            continue
        examples = ctx.eng.conn.execute(
            "SELECT h.phrase, count(*) FROM tracker_hits h WHERE h.tracker_key = ? "
            "GROUP BY h.phrase ORDER BY count(*) DESC, h.phrase LIMIT 10",
            (key,),
        ).fetchall()
        doc.para(
            f"{t.hits} mentions on {t.calls} calls ({t.deals} deals); alerts go to "
            f"{', '.join(t.alert_to) or 'nobody yet'}."
        )
        if examples:
            doc.table(
                ["Phrase heard", "Mentions"],
                [list(e) for e in examples],
                widths=[4.0, 1.0],
                numeric=[1],
            )
    doc.heading("Getting to the calls", 1)
    doc.bullets(
        [
            "Subscribe to the tracker's alerts in the platform; the digest arrives weekly.",
            "Open a mention to hear the minute around it; share it to a playlist rather than downloading it.",
            "Ask the platform admin for a new tracker when a topic keeps coming up; it is reviewed like the others.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


SPECS: list[DocumentSpec] = [
    DocumentSpec(
        "ci-requirements",
        "Conversation Intelligence Requirements v0",
        "Use-case matrix by team and the priority ranking from the customer's calls.",
        ("docx",),
        build_requirements,
        CI,
        "Strategy",
    ),
    DocumentSpec(
        "tracker-guide",
        "Tracker Management Guide",
        "The tracker library with its accuracy, and how to add, review and retire trackers.",
        ("docx",),
        build_tracker_guide,
        CI,
        "Handoff",
    ),
    DocumentSpec(
        "coaching-playbook",
        "Coaching Workflow Playbook",
        "The metrics, the team against its top performers, the weekly rhythm, calibration.",
        ("docx",),
        build_coaching_playbook,
        CI,
        "Handoff",
    ),
    DocumentSpec(
        "call-library",
        "Call Library Taxonomy and Playlists",
        "Folders, curators and starter playlists from the customer's calls.",
        ("docx",),
        build_call_library,
        CI,
        "Handoff",
    ),
    DocumentSpec(
        "ci-dashboards",
        "Dashboard and Reporting Guide",
        "Dashboards by role with today's figures and the reporting rules.",
        ("docx",),
        build_ci_dashboards,
        CI,
        "Technical",
    ),
    DocumentSpec(
        "marketing-cs-guide",
        "Marketing and Customer Success Guide",
        "Competitive intelligence, churn signals and product feedback from the calls.",
        ("docx",),
        build_marketing_cs,
        CI,
        "Handoff",
    ),
]


# ------------------------------------------------------------ sections of shared documents
def tracker_accuracy_section(ctx: ReportContext, doc) -> None:
    """The Tracker Design document's accuracy review: reviewed hits and noise per tracker."""
    trackers = _trackers(ctx)
    if trackers is None:
        return
    doc.heading("Accuracy review", 1)
    reviewed = [t for t in trackers.trackers if t.reviewed]
    if not reviewed:
        doc.missing(
            "The accuracy review",
            "The platform administrator marks a sample of each tracker's hits as relevant "
            "or noise in the first two weeks after launch; above 30% noise a tracker is tuned.",
        )
        return
    doc.table(
        ["Tracker", "Hits", "Reviewed", "Noise", "False positives", "Red flag (above 30%)"],
        [
            [
                t.label,
                t.hits,
                t.reviewed,
                t.noise,
                pct(t.false_positive_rate),
                "yes" if t.red_flag else "no",
            ]
            for t in trackers.trackers
            if t.active
        ],
        widths=[1.8, 0.7, 0.8, 0.7, 1.0, 1.3],
        numeric=[1, 2, 3],
        caption="Reviewed tracker hits",
        bold_first_column=True,
    )


def team_benchmark_table(ctx: ReportContext, doc) -> bool:
    """The Coaching Scorecard Reference's team table from the last coaching run (False: none)."""
    run = _run(ctx)
    if not run or not run["reps"]:
        return False
    bench = run["benchmark"]
    doc.para(
        f"Measured on {len(run['calls'])} calls (as of {run['as_of']}); benchmark: "
        f"{bench.get('basis', '')}. Definitions: talk ratio counts overlapping speech once; the "
        "longest monologue joins pauses under 1.5 s; questions are found with or without a "
        "question mark."
    )
    doc.table(
        [
            "Rep",
            "Calls",
            "Talk ratio",
            "Questions per hour",
            "Longest monologue (seconds)",
            "Patience (seconds)",
        ],
        [
            [
                _rep(ctx, r["rep_crm_id"], r["rep_name"])
                + (" (top performer)" if r["top_performer"] else ""),
                r["calls"],
                pct(r["talk_ratio"]),
                num(r["questions_per_hour"], 1),
                num(r["longest_monologue_s"], 1),
                num(r["patience_s"], 2),
            ]
            for r in run["reps"][:25]
        ],
        widths=[1.9, 0.6, 0.8, 1.0, 1.2, 0.9],
        numeric=[1, 2, 3, 4, 5],
        caption="Talk metrics by rep",
    )
    return True
