"""The Tracker Design document."""

from __future__ import annotations

from pathlib import Path

from workbench.reports import playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, pct
from workbench.reports.documents import conversation

SPECS: list[DocumentSpec] = []


def build_tracker_design(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Keyword trackers, AI topics and alert rules")
    doc.heading("Principles", 1)
    doc.bullets(
        [
            "Launch with 10-15 high-value trackers; more creates noise that users learn to ignore.",
            "Prefer AI topic detection to exact keywords where the platform offers it.",
            "Every tracker has an owner who receives its alerts and reviews its accuracy monthly.",
            "A tracker with more than 30% false positives in the monthly sample is tuned or archived.",
        ]
    )
    turns = ctx.count("transcript_turns")
    calls = ctx.eng.conn.execute(
        "SELECT count(DISTINCT meeting_crm_id) FROM transcript_turns"
    ).fetchone()[0]
    doc.heading("Tracker categories", 1)
    rows = []
    for category, examples, alert in playbook.TRACKERS:
        if category == "Competitors" and "competitors" in sources.intake(ctx):
            names = sources.intake_text(sources.intake(ctx)["competitors"][0])
            examples = f'{names}, "other vendors", "evaluating"'
        if category == "Methodology":
            examples = (
                ", ".join(playbook.METHODOLOGY_CRITERIA.get(ctx.meta.methodology.upper(), []))
                or examples
            )
            category = f"Methodology ({ctx.meta.methodology})"
        hits = "-"
        if turns:
            words = list(playbook.TRACKER_KEYWORDS.get(category.split(" (")[0], []))
            if category == "Competitors" and "competitors" in sources.intake(ctx):
                value = sources.intake(ctx)["competitors"][0]
                names = value if isinstance(value, list) else str(value).split(",")
                words += [str(n).strip().lower() for n in names if str(n).strip()]
            if words:
                clause = " OR ".join("lower(text) LIKE ?" for _ in words)
                n = ctx.eng.conn.execute(
                    f"SELECT count(DISTINCT meeting_crm_id) FROM transcript_turns WHERE {clause}",
                    [f"%{w}%" for w in words],
                ).fetchone()[0]
                hits = f"{n:,} of {calls:,} ({pct(n / calls if calls else None)})"
        rows.append([category, examples, alert, hits])
    doc.table(
        [
            "Category",
            "Example phrases / topics",
            "Alert to",
            "Calls with a hit (imported transcripts)",
        ],
        rows,
        widths=[1.4, 2.6, 1.0, 1.5],
        bold_first_column=True,
        caption="Launch trackers",
    )
    if not turns:
        doc.missing(
            "Hit rates on the customer's calls",
            "Each tracker's phrases are tested against the team's own call transcripts before launch, once the first transcripts are exported.",
        )
    conversation.tracker_accuracy_section(ctx, doc)
    doc.heading("Alert rules", 1)
    doc.table(
        ["Trigger", "Notify", "Escalation"],
        [
            [
                "Competitor mention on an open deal",
                "Rep and manager (in-platform + e-mail)",
                "Manager if no action within 48 hours",
            ],
            ["Ghosting risk: no customer response 5+ days", "Rep", "Manager after 48 hours"],
            ["Champion departure", "Rep and manager", "Immediate"],
            ["Timeline change mentioned", "Rep", "Manager in the weekly digest"],
            ["Churn language on a customer call", "CS manager", "Immediate"],
        ],
        widths=[2.4, 2.2, 1.9],
    )
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "tracker-design",
        "Tracker Design",
        "Launch trackers, example phrases tested on the customer's calls, alert rules.",
        ("docx",),
        build_tracker_design,
        group="Technical",
    )
)
