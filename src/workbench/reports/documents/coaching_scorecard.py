"""The Coaching Scorecard Reference."""

from __future__ import annotations

from pathlib import Path

from workbench.reports import playbook
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.documents import conversation
from workbench.reports.rubrics import RUBRICS, metric_benchmarks

SPECS: list[DocumentSpec] = []


def build_scorecard(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, f"Call-quality rubric aligned to {ctx.meta.methodology}")
    doc.heading("Conversation metrics", 1)
    run = conversation.coaching_run(ctx)
    bench = metric_benchmarks(((run or {}).get("benchmark") or {}).get("values"))
    by_metric = {
        "Talk-to-listen ratio": bench["talk_ratio"],
        "Question frequency": bench["questions"],
        "Longest monologue": bench["monologue"],
    }
    doc.table(
        ["Metric", "What it measures", "Benchmark"],
        [[m, what, by_metric.get(m, target)] for m, what, target in playbook.SCORECARD_METRICS],
        widths=[1.6, 2.4, 2.5],
        bold_first_column=True,
        caption="Scorecard metrics",
    )
    if not run:
        doc.para(
            "The benchmarks above are starting values from published research on B2B sales "
            "calls; they are replaced by this team's top performers' own figures once its "
            "calls are measured.",
            style="Caption",
        )
    doc.heading(f"Methodology criteria ({ctx.meta.methodology})", 1)
    rubric = RUBRICS.get(ctx.meta.methodology.upper())
    if rubric:
        doc.para(
            "Each criterion is scored from 1 to 5 on what the manager hears in the recording. "
            "The anchors below describe 1, 3 and 5; a 2 or a 4 sits between them."
        )
        for criterion, why, low, mid, high in rubric:
            doc.heading(criterion, 2)
            doc.para(why, italic=True)
            doc.table(
                ["Score", "What the manager hears on the call"],
                [["1", low], ["3", mid], ["5", high]],
                widths=[0.7, 5.8],
                numeric=[0],
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
            "The consultant measures the team's recorded calls once the first weeks of "
            "transcripts are exported; the benchmarks then come from the top performers' calls.",
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
