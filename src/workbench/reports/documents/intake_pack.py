"""The Intake Pack (phase 1a/1b) and the intake workbook the customer fills in.

The pack is pre-filled from the engagement: the intake answers with their status,
the roster imported from the CRM, the operating jurisdictions and their consent
rule, the admin access the build needs and the open questions. The workbook carries
the same form and questions with an empty "Your answer" column; ``workbench
intake-import`` reads it back.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.worksheet.datavalidation import DataValidation

from workbench.lifecycle import intake as intake_items
from workbench.lifecycle import intake_pack as pack
from workbench.lifecycle.intake_roundtrip import (
    ANSWER,
    ANSWERED_BY,
    FORM_SHEET,
    QUESTIONS_SHEET,
    REFERENCE,
)
from workbench.models import vocabulary
from workbench.reports import sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.xlsx_base import Column, WorkbookBuilder

SPECS: list[DocumentSpec] = []

STATUS_WORD = {"ASSUMED": "To confirm", "CONFIRMED": "Confirmed", "CORRECTED": "Corrected"}
ROLE_LABEL = {
    "reps": "Reps",
    "managers": "Managers",
    "executives": "Executives",
    "revops": "RevOps and admins",
}


def _status(item) -> str:
    if not item.is_filled:
        return "Not known yet"
    return STATUS_WORD.get(item.status, item.status.title())


def build_intake_pack(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    items = intake_items(ctx.eng)
    workbook_name = spec.filename("xlsx")
    doc = ctx.document(spec.title, "Pre-filled intake form, access checklist and questions")
    doc.heading("How to use this pack", 1)
    doc.para(
        f"We pre-filled what we already know about {ctx.customer} from the CRM exports and "
        "our conversations. Please check every answer, correct what is wrong and fill in "
        f"what is missing, directly in the workbook {workbook_name} (column \u201c{ANSWER}\u201d). "
        "We import it back: each answer you give is marked confirmed, with your name as "
        "its source. Shaded rows are still our assumption."
    )
    filled = [i for i in items if i.is_filled]
    confirmed = [i for i in filled if i.status in pack.CONFIRMED]
    doc.key_values(
        [
            ("Questions on the form", str(len(items))),
            ("Answered", f"{len(filled)} ({len(confirmed)} confirmed by {ctx.customer})"),
            ("Still to answer", str(len(items) - len(filled))),
        ]
    )
    if not [i for i in filled if i.source not in ("", "engagement settings")]:
        doc.missing(
            "Intake answers",
            f"{ctx.customer}'s RevOps lead fills in the intake workbook; the consultant "
            "imports it",
        )
    _form(doc, items)
    _roster(doc, ctx)
    _compliance(doc, ctx)
    _access(doc, ctx)
    _questions(doc, ctx)
    built = [save_doc(doc, ctx, out, spec)]
    path = write_intake_workbook(ctx, out / workbook_name)
    built.append(
        BuiltFile(
            spec.name, "Intake Workbook", path, "xlsx", built[0].status, [],
            assumed=built[0].assumed,
        )
    )  # fmt: skip
    return built


def _shown(item) -> str:
    """What we have, in the customer's words (jurisdictions by name, not by code)."""
    if item.key == "jurisdictions" and isinstance(item.value, list | tuple) and item.value:
        return vocabulary.jurisdiction_list([str(v) for v in item.value])
    return pack.text(item.value)


def _form(doc, items) -> None:
    doc.heading("Intake form", 1)
    sections: dict[str, list] = {}
    for item in items:
        sections.setdefault(item.section, []).append(item)
    for section, rows in sections.items():
        doc.heading(section, 2)
        doc.table(
            ["Question", "What we have", "Status", "Source"],
            [
                [
                    i.label + (" (critical)" if i.critical else ""),
                    _shown(i) or "-",
                    _status(i),
                    i.source or "-",
                ]
                for i in rows
            ],
            widths=[1.9, 2.6, 0.9, 1.1],
            assumed=[i.status not in pack.CONFIRMED for i in rows],
            bold_first_column=True,
        )


def _roster(doc, ctx: ReportContext) -> None:
    doc.heading("Team roster", 1)
    r = pack.roster(ctx.eng)
    if r.empty:
        doc.missing(
            "Team roster",
            "RevOps exports the CRM users with role, team and manager; the consultant imports "
            "them",
        )
        return
    doc.para(
        "The sales organisation as the CRM lists it, beside the team sizes on the intake "
        "form. A difference is a question for the RevOps lead: missing users will not be "
        "licensed or recorded."
    )
    rows = []
    flags = []
    for key, label in ROLE_LABEL.items():
        stated = r.stated.get(key)
        diff = stated is not None and stated != r.counts[key]
        rows.append(
            [label, str(r.counts[key]), "-" if stated is None else str(stated),
             "check" if diff else ("matches" if stated is not None else "not stated")]
        )  # fmt: skip
        flags.append(diff)
    doc.table(
        ["Role", "In the CRM", "On the intake form", "Check"],
        rows,
        widths=[1.8, 1.3, 1.6, 1.8],
        numeric=[1, 2],
        assumed=flags,
    )
    if r.teams:
        doc.table(
            ["Team", "Manager", "Reps"],
            [[t.team, ", ".join(ctx.scrub(m) for m in t.managers) or "none listed", str(t.reps)]
             for t in r.teams],
            widths=[2.0, 3.2, 1.3],
            numeric=[2],
            caption="Teams from the CRM users",
        )  # fmt: skip
    if r.without_team:
        doc.note(
            f"{r.without_team} reps and managers have no team in the CRM; they are left out "
            "of team dashboards until RevOps sets it."
        )


def _compliance(doc, ctx: ReportContext) -> None:
    doc.heading("Compliance requirements", 1)
    plan = sources.consent_plan(ctx)
    if not plan:
        doc.missing(
            "Operating jurisdictions",
            f"{ctx.customer}'s legal team lists the states and countries where reps and "
            "buyers sit; the consultant records them on the intake form",
        )
    else:
        strict = [j for j in plan if j["consent"] != "one-party"]
        doc.para(
            f"{len(plan)} jurisdictions; {len(strict)} of them ask for more than one "
            "party's consent or for notice, so every external call is announced."
        )
        doc.table(
            ["Jurisdiction", "Consent rule"],
            [[j["name"], j["rule"]] for j in plan],
            widths=[2.5, 4.0],
            bold_first_column=True,
        )
    review = next((i for i in intake_items(ctx.eng) if i.key == "consent_review"), None)
    state = pack.text(review.value) if review and review.is_filled else "not started"
    doc.para(
        f"Legal review of recording consent: {state}. Recording cannot start before counsel "
        "approves the announcement and retention settings; it is a hard blocker for the build.",
        bold_prefix="Status. ",
    )


def _access(doc, ctx: ReportContext) -> None:
    doc.heading("Access checklist", 1)
    intro = doc.para(
        "Admin access the build needs. The blockers stop the build in phase 2 if they are "
        "not granted and tested by the end of the alignment meetings."
    )
    intro.paragraph_format.keep_with_next = True
    rows = pack.access_checklist(ctx.eng)
    doc.table(
        ["System", "Access needed", "Why", "Who grants it", "Status"],
        [[a.system + (" (blocker)" if a.blocker else ""), a.access, a.why, a.who, a.status]
         for a in rows],
        widths=[1.2, 1.8, 1.6, 1.0, 0.9],
        bold_first_column=True,
        assumed=[not a.status.endswith("(confirmed)") for a in rows],
    )  # fmt: skip


def _questions(doc, ctx: ReportContext) -> None:
    doc.heading("Questions list", 1)
    qs = pack.questions(ctx.eng)
    open_qs = [q for q in qs if not q.answer]
    intro = doc.para(
        f"{len(qs)} questions for {ctx.customer}, {len(open_qs)} still open: compliance, "
        "stakeholder availability, data access and every critical intake answer not yet "
        "confirmed."
    )
    intro.paragraph_format.keep_with_next = True
    doc.table(
        ["Topic", "Question", "Who answers", "Answer"],
        [[q.topic, q.question, q.who, q.answer + (f" ({q.answered_by})" if q.answered_by else "")
          or "Not yet answered"] for q in qs],
        widths=[1.0, 3.2, 1.2, 1.1],
        assumed=[not q.answer for q in qs],
    )  # fmt: skip


def write_intake_workbook(ctx: ReportContext, path: Path) -> Path:
    """The workbook the customer fills in: the form and the questions, with an answer column."""
    wb = WorkbookBuilder(title="Intake Workbook", customer=ctx.customer)
    items = intake_items(ctx.eng)
    ws = wb.sheet(FORM_SHEET)
    end = wb.add_table(
        ws,
        [
            Column("Section", width=18),
            Column("Question", width=34, wrap=True),
            Column("What we have", width=40, wrap=True),
            Column("Status", width=13),
            Column(ANSWER, width=40, wrap=True),
            Column(ANSWERED_BY, width=18),
            Column(REFERENCE, width=4),
        ],
        [
            [i.section, i.label, ctx.scrub(_shown(i)), _status(i), None, None, i.key]
            for i in items
        ],  # fmt: skip
        heading=f"Intake form for {ctx.customer}",
        note=f"Write only in \u201c{ANSWER}\u201d (leave it empty when what we have is right "
        f"and you have nothing to add) and \u201c{ANSWERED_BY}\u201d. Lists: separate items "
        "with commas. Team sizes: reps=40, managers=6.",
        highlight=[i.status not in pack.CONFIRMED for i in items],
    )
    ws.column_dimensions["G"].hidden = True
    _choice_lists(ws, items, first_row=end - len(items), column="E")
    qs = pack.questions(ctx.eng)
    ws = wb.sheet(QUESTIONS_SHEET)
    wb.add_table(
        ws,
        [
            Column("Topic", width=16),
            Column("Question", width=60, wrap=True),
            Column("Who answers", width=24, wrap=True),
            Column(ANSWER, width=40, wrap=True),
            Column(ANSWERED_BY, width=18),
            Column(REFERENCE, width=4),
        ],
        [
            [
                q.topic,
                ctx.scrub(q.question),
                q.who,
                ctx.scrub(q.answer) or None,
                ctx.scrub(q.answered_by) or None,
                q.key,
            ]
            for q in qs
        ],  # fmt: skip
        heading=f"Questions for {ctx.customer}",
        highlight=[not q.answer for q in qs],
    )
    ws.column_dimensions["F"].hidden = True
    ws = wb.sheet("Access checklist")
    wb.add_table(
        ws,
        [
            Column("System", width=24),
            Column("Access needed", width=44, wrap=True),
            Column("Why", width=40, wrap=True),
            Column("Who grants it", width=24),
            Column("Status", width=22),
            Column("Blocks the build", width=10),
        ],
        [
            [a.system, a.access, a.why, a.who, a.status, a.blocker]
            for a in pack.access_checklist(ctx.eng)
        ],
        heading="Access the build needs",
    )
    return wb.save(path)


def _choice_lists(ws, items, *, first_row: int, column: str) -> None:
    """A drop-down of the allowed answers on each multiple-choice question."""
    for row, item in enumerate(items, start=first_row):
        if item.type == "choice" and item.choices:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(item.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Choose from the list",
                error="Pick one of: " + ", ".join(item.choices),
            )
            ws.add_data_validation(dv)
            dv.add(f"{column}{row}")


SPECS.append(
    DocumentSpec(
        "intake-pack",
        "Intake Pack",
        "Pre-filled intake form, team roster, compliance requirements, access checklist "
        "and questions list, with the workbook the customer fills in.",
        ("docx", "xlsx"),
        build_intake_pack,
        group="Strategy",
    )
)
