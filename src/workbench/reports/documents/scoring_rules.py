"""The Deal Scoring Rules document."""

from __future__ import annotations

from pathlib import Path

from workbench.reports import playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.documents.common import render_sections

SPECS: list[DocumentSpec] = []


def build_scoring_rules(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Signals, weights, thresholds and calibration")
    result = sources.scoring(ctx)
    if isinstance(result, sources.Missing):
        doc.heading("Signals considered", 1)
        doc.para(
            "The deal risk score combines conversation signals and CRM activity patterns. "
            "These are the candidate signals; calibration on the customer's won/lost history "
            "decides which carry weight."
        )
        doc.table(
            ["Signal", "Source", "Definition"],
            [list(r) for r in playbook.RISK_SIGNALS],
            widths=[1.6, 1.3, 3.6],
        )
        doc.missing(result.what, result.how)
    else:
        for m in result.missing:
            doc.missing(m.what, m.how)
        for flag in result.red_flags:
            doc.red_flag(flag.what, flag.how)
        render_sections(doc, result.sections)
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "scoring-rules",
        "Deal Scoring Rules",
        "Signals, weights, thresholds, calibration rationale and reliability diagram.",
        ("docx",),
        build_scoring_rules,
        group="Technical",
    )
)
