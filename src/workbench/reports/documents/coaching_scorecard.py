"""The Coaching Scorecard Reference."""

from __future__ import annotations

from pathlib import Path

from workbench.reports import playbook
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, pct

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
    bench = _talk_metrics(ctx)
    if bench:
        doc.para(
            "Measured from the imported transcripts (rep speaking time over total speaking time; questions are rep turns ending in a question mark)."
        )
        doc.table(
            ["Rep", "Calls", "Talk share", "Questions per call", "Longest monologue (s)"],
            bench[:25],
            widths=[1.9, 0.8, 1.1, 1.3, 1.4],
            numeric=[1, 2, 3, 4],
            caption="Talk metrics by rep",
        )
    else:
        doc.missing(
            "Team benchmarks",
            "Import call transcripts; benchmarks come from the top performers' first two weeks of recordings.",
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


def _talk_metrics(ctx: ReportContext) -> list[list[str]]:
    rows = ctx.eng.conn.execute(
        """
        SELECT m.host_crm_id, t.meeting_crm_id,
               sum(CASE WHEN t.is_internal = 1 THEN t.end_s - t.start_s ELSE 0 END),
               sum(t.end_s - t.start_s),
               sum(CASE WHEN t.is_internal = 1 AND rtrim(t.text) LIKE '%?' THEN 1 ELSE 0 END),
               max(CASE WHEN t.is_internal = 1 THEN t.end_s - t.start_s ELSE 0 END)
        FROM transcript_turns t JOIN meetings m ON m.crm_id = t.meeting_crm_id
        WHERE t.start_s IS NOT NULL AND t.end_s IS NOT NULL
        GROUP BY m.host_crm_id, t.meeting_crm_id
        """
    ).fetchall()
    per: dict[str, list] = {}
    for host, _m, rep_s, total_s, questions, mono in rows:
        if not host or not total_s:
            continue
        acc = per.setdefault(host, [0, 0.0, 0, 0.0])
        acc[0] += 1
        acc[1] += (rep_s or 0) / total_s
        acc[2] += questions or 0
        acc[3] = max(acc[3], mono or 0)
    out = []
    for host, (n, share, q, mono) in sorted(per.items(), key=lambda kv: -kv[1][0]):
        out.append([ctx.rep(host), str(n), pct(share / n), f"{q / n:.1f}", f"{mono:,.0f}"])
    return out


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
