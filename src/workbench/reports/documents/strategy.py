"""Strategy deliverables: gap analysis, baselines, definitions, success criteria, evaluation."""

from __future__ import annotations

from pathlib import Path

from workbench.models.vocabulary import count
from workbench.reports import audit_sections, playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.documents.common import findings_table, render_sections
from workbench.reports.docx_base import checkbox_pair
from workbench.reports.people import people
from workbench.reports.sources import Missing

# This module's documents; reports/documents/__init__.py puts them in package order.
SPECS: list[DocumentSpec] = []


# ------------------------------------------------------------------ gap analysis
def build_gap_analysis(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Conversation capture by channel and blind spots")
    doc.heading("Summary", 1)
    capture = sources.capture(ctx)
    if isinstance(capture, Missing):
        doc.para(
            f"This analysis measures how much of {ctx.customer}'s customer conversation "
            "is captured today, channel by channel, and where the blind spots are."
        )
        doc.missing(capture.what, capture.how)
    else:
        doc.para(capture.summary)
        doc.heading("Capture rate by channel", 1)
        doc.table(
            capture.headers,
            capture.rows,
            numeric=capture.numeric,
            caption="Conversation capture by channel",
            widths=capture.widths,
        )
        if capture.figure is not None:
            doc.figure(capture.figure, "Capture rate by channel against the target")
        render_sections(doc, audit_sections.capture_details(ctx))
    doc.heading("Blind spots", 1)
    doc.para(
        "What the capture audit found. Each finding is ASSUMED until the kickoff validates it."
    )
    findings_table(
        doc,
        ctx,
        ["capture"],
        caption="Conversation capture findings",
        empty=Missing(
            "Capture findings",
            "IT sends the video-platform and dialer logs before the kickoff; the capture audit then measures them.",
        ),
    )
    doc.heading("CRM data quality", 1)
    hygiene = audit_sections.hygiene_summary(ctx)
    if hygiene is not None:
        render_sections(doc, [hygiene])
    findings_table(
        doc,
        ctx,
        ["crm-hygiene"],
        caption="CRM hygiene findings",
        empty=Missing(
            "CRM hygiene findings",
            "RevOps sends the CRM exports before the kickoff; the CRM hygiene audit then measures them.",
        ),
    )
    doc.heading("What happens next", 1)
    doc.para(_validation_status(ctx))
    return [save_doc(doc, ctx, out, spec)]


def _validation_status(ctx: ReportContext) -> str:
    """Where the findings stand with the customer, counted (not a generic sentence)."""
    from workbench.models.findings import list_findings

    found = [f for audit in ("capture", "crm-hygiene") for f in list_findings(ctx.eng, audit)]
    open_ = sum(1 for f in found if f.status == "ASSUMED")
    if not found or open_ == len(found):
        return (
            "Every finding above is ASSUMED until the kickoff: the VP of Sales and the RevOps "
            "lead confirm or correct each one, and this document is reissued with the result."
        )
    done = len(found) - open_
    if not open_:
        return (
            f"All {count(done, 'finding')} above have been confirmed or corrected with the "
            "customer; the figures are the agreed starting point."
        )
    return (
        f"{count(done, 'finding')} above {'has' if done == 1 else 'have'} been confirmed or "
        f"corrected with the customer; {count(open_, 'finding')} "
        f"{'is' if open_ == 1 else 'are'} still ASSUMED (shaded) and {'is' if open_ == 1 else 'are'} "
        "settled at the next alignment meeting."
    )


# --------------------------------------------------------------- baseline metrics
def build_baselines(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(
        spec.title, "Four quarters of forecast accuracy, win rate, cycle and velocity"
    )
    doc.heading("Why baselines", 1)
    doc.para(
        "Without a measured starting point no improvement can be proven. These figures are "
        f"{ctx.customer}'s own history, computed from the CRM exports, and are the baseline "
        "for the success criteria."
    )
    base = sources.baselines(ctx)
    if isinstance(base, Missing):
        doc.missing(base.what, base.how)
    else:
        render_sections(doc, base.sections)
    doc.heading("Baseline findings", 1)
    findings_table(
        doc,
        ctx,
        ["baselines"],
        caption="Baseline findings",
        empty=Missing(
            "Baseline findings",
            "RevOps sends four quarters of opportunity and forecast history before the kickoff; "
            "the baselines are then measured.",
        ),
    )
    return [save_doc(doc, ctx, out, spec)]


# ---------------------------------------------------------- definition alignment
def build_definitions(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Shared definitions, approved before anything is built")
    terms, note = sources.definitions(ctx)
    doc.heading("Instructions", 1)
    doc.para(
        "Review each definition with your sales leadership team and tick Yes when it matches how "
        "your team thinks about deals, or No with a comment. Configuration starts only when "
        "every term is aligned: scoring rules built on misaligned definitions do not match how "
        "the team actually works."
    )
    decided = sum(1 for t in terms if t.approved is not None)
    approved = sum(1 for t in terms if t.approved)
    doc.para(
        f"{len(terms)} terms; {approved} approved, {decided - approved} rejected, "
        f"{len(terms) - decided} awaiting a decision.",
        bold_prefix="Status: ",
    )
    if note:
        doc.missing(note.what, note.how)
    doc.heading("Terms", 1)
    rows = [
        [
            t.term,
            t.definition + (f"\nComment: {t.note}" if t.note else ""),
            checkbox_pair(t.approved),
            t.approver or "",
            t.decided_on or "",
        ]
        for t in terms
    ]
    flags = [t.approved is not True and t.status == "ASSUMED" for t in terms]
    doc.table(
        ["Term", "Our definition", "Internally approved?", "Approver", "Date"],
        rows,
        widths=[1.2, 2.75, 1.15, 0.85, 0.75],
        bold_first_column=True,
        assumed=flags,
        caption="Definition alignment terms",
    )
    if any(flags):
        doc.assumed_legend()
    doc.heading("Sign-off", 1)
    doc.table(
        ["Role", "Name", "Signature", "Date"],
        [
            [p.role, p.name, "", ""]
            for p in (people(ctx)["sponsor"], people(ctx)["revops"], people(ctx)["architect"])
        ],
        widths=[1.8, 1.8, 1.8, 1.1],
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------- success criteria
def build_success_criteria(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Measurable targets with baselines")
    crit, note = sources.success_criteria(ctx)
    doc.heading("How success is measured", 1)
    doc.para(
        "Each KPI has a baseline measured from the engagement's data, a target agreed with "
        "sales leadership and the current value at the date of this document. They are "
        "reviewed at the 30/90-day follow-ups and at the refinement check-in."
    )
    if note:
        doc.missing(note.what, note.how)
    rows = [[c.kpi, c.baseline, c.target, c.current, c.status] for c in crit]
    doc.table(
        ["KPI", "Baseline", "Target", "Current", "Status"],
        rows,
        widths=[1.9, 1.1, 1.5, 1.1, 0.9],
        assumed=[c.assumed for c in crit],
        bold_first_column=True,
        caption="Success criteria",
    )
    if any(c.assumed for c in crit):
        doc.assumed_legend()
    doc.heading("How each KPI is measured", 1)
    doc.table(
        ["KPI", "Definition"],
        [
            [
                "Forecast accuracy",
                "1 - |actual - forecast| / actual per rep and quarter (floored at 0); "
                "forecast = the rep's last Commit submission of the quarter, actual = closed-won amount.",
            ],
            ["Win rate", "Won / (won + lost) of the deals closed in the period."],
            [
                "Deal slippage rate",
                "Share of deals forecast to close in a quarter whose close date "
                "moved past the quarter's end.",
            ],
            ["Sales cycle length", "Mean days from creation to close of won deals."],
            [
                "Call recording coverage",
                "Share of external meetings and calls recorded (last 90 days).",
            ],
            ["Adoption", "Share of licensed users active in the platform each week."],
        ],
        widths=[1.8, 4.7],
        bold_first_column=True,
    )
    doc.heading("When they are reviewed", 1)
    rows = [[r.title, f"{r.day:%d %b %Y}"] for r in sources.reminders(ctx)]
    doc.table(
        ["Review", "Date"],
        rows,
        widths=[4.5, 2.0],
        assumed=[r.assumed for r in sources.reminders(ctx)],
    )
    return [save_doc(doc, ctx, out, spec)]


# ----------------------------------------------------------- platform evaluation
def build_evaluation_matrix(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    path = out / spec.filename("xlsx")
    result = sources.export_evaluation_workbook(ctx, path)
    if isinstance(result, Missing):
        raise sources.NotAvailable(f"{result.what}: {result.how}")
    return [BuiltFile(spec.name, spec.title, path, "xlsx", "FINAL")]


def build_evaluation_summary(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Recommendation, weighted matrix, sensitivity and TCO")
    ev = sources.evaluation(ctx)
    if isinstance(ev, Missing):
        doc.heading("Evaluation criteria", 1)
        doc.para(
            "The platforms will be scored against these weighted criteria (playbook defaults; "
            "the consultant adjusts them to the customer's priorities):"
        )
        doc.table(
            ["Criterion", "Weight"],
            [[c, w] for c, w in playbook.EVALUATION_CRITERIA[ctx.kind]],
            widths=[4.5, 1.5],
            numeric=[1],
        )
        doc.missing(ev.what, ev.how)
        return [save_doc(doc, ctx, out, spec)]
    render_sections(doc, ev.sections)
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "gap-analysis",
        "Gap Analysis",
        "Conversation capture rate by channel, blind spots and CRM data quality.",
        ("docx",),
        build_gap_analysis,
        group="Strategy",
    )
)
SPECS.append(
    DocumentSpec(
        "baseline-metrics",
        "Baseline Metrics",
        "Four quarters of forecast accuracy by rep, team and segment; win rate, cycle length, velocity, slippage.",
        ("docx",),
        build_baselines,
        group="Strategy",
    )
)
SPECS.append(
    DocumentSpec(
        "definition-alignment",
        "Definition Alignment Document",
        "Each term with its definition, Yes/No approval, approver and date.",
        ("docx",),
        build_definitions,
        group="Strategy",
    )
)
SPECS.append(
    DocumentSpec(
        "success-criteria",
        "Success Criteria",
        "KPIs with baseline, target and current value.",
        ("docx",),
        build_success_criteria,
        group="Strategy",
    )
)
SPECS.append(
    DocumentSpec(
        "evaluation-matrix",
        "Platform Evaluation Matrix",
        "The weighted scoring of the shortlisted platforms (Excel).",
        ("xlsx",),
        build_evaluation_matrix,
        group="Strategy",
    )
)
SPECS.append(
    DocumentSpec(
        "evaluation-summary",
        "Platform Evaluation Summary",
        "Recommendation and rationale, matrix, chart, sensitivity and total cost of ownership.",
        ("docx",),
        build_evaluation_summary,
        group="Strategy",
    )
)
