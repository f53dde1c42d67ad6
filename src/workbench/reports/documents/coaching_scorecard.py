"""The Coaching Scorecard Reference."""

from __future__ import annotations

from pathlib import Path

from workbench.reports import playbook
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.documents import conversation

SPECS: list[DocumentSpec] = []


def build_scorecard(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, f"Call-quality rubric aligned to {ctx.meta.methodology}")
    doc.heading("Conversation metrics", 1)
    doc.table(
        ["Metric", "What it measures", "Benchmark"],
        [list(r) for r in playbook.SCORECARD_METRICS],
        widths=[1.6, 2.6, 2.3],
        bold_first_column=True,
        caption="Scorecard metrics",
    )
    doc.heading(f"Methodology criteria ({ctx.meta.methodology})", 1)
    criteria = playbook.METHODOLOGY_CRITERIA.get(ctx.meta.methodology.upper())
    if criteria:
        doc.table(
            ["Criterion", "Evidence on the call", "Score 1", "Score 3", "Score 5"],
            [
                [
                    c,
                    f"The rep established {c.lower()} with the buyer",
                    "Not covered",
                    "Partly",
                    "Clear and confirmed",
                ]
                for c in criteria
            ],
            widths=[1.4, 2.3, 0.9, 0.9, 1.0],
            bold_first_column=True,
        )
    else:
        doc.missing(
            "Custom methodology criteria",
            "Record the customer's own qualification criteria in the engagement to build this rubric.",
        )
    doc.heading("Benchmarks from this team's calls", 1)
    if not conversation.team_benchmark_table(ctx, doc):
        doc.missing(
            "Team benchmarks",
            "Import the call transcripts and measure them (workbench coaching FILE); the "
            "benchmarks come from the top performers' calls.",
        )
    doc.heading("How managers use it", 1)
    doc.bullets(
        [
            "Review 3-5 calls per rep per month against the rubric.",
            "Discuss one strength and one change per call in the 1:1.",
            "Refresh benchmarks quarterly from the latest top-performer data.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "coaching-scorecard",
        "Coaching Scorecard Reference",
        "Conversation metrics, methodology rubric and team benchmarks.",
        ("docx",),
        build_scorecard,
        group="Technical",
    )
)
