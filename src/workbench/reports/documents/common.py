"""Pieces several documents share: findings tables and "not yet available" notes."""

from __future__ import annotations

import re

from workbench.models.findings import list_findings
from workbench.models.vocabulary import customer_text
from workbench.reports.audit_sections import computed_findings
from workbench.reports.context import ReportContext
from workbench.reports.docx_base import DocBuilder
from workbench.reports.records import Missing, Section

SEVERITY_LABEL = {
    "critical": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "info": "Info",
}


DETAIL_CHARS = 400
_MORE = re.compile(r"and ([\d,]+) more\.?")


def shortened(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters where it can be cut: a list ("a 30.6%
    (34/111); b 37.9% ...") keeps whole items and says how many more there are; a text
    keeps whole sentences, else whole words. Never a number cut in two."""
    if len(text) <= limit:
        return text
    items = text.split("; ")
    if len(items) > 2:
        more = 0
        if match := _MORE.fullmatch(items[-1]):
            more, items = int(match.group(1).replace(",", "")), items[:-1]
        kept: list[str] = []
        for item in items:
            if len("; ".join([*kept, item])) > limit - 16:
                break
            kept.append(item)
        if kept:
            return "; ".join(kept) + f"; and {len(items) - len(kept) + more:,} more"
    cut = text.rfind(". ", 0, limit)
    if cut > limit // 2:
        return text[: cut + 1]
    cut = text.rfind(" ", 0, limit)
    return (text[:cut] if cut > 0 else text[:limit]) + " \u2026"


def findings_table(
    doc: DocBuilder, ctx: ReportContext, audits: list[str], *, caption: str, empty: Missing
) -> int:
    """Current findings of ``audits`` with their status; ASSUMED rows shaded. Returns the count."""
    found = [f for a in audits for f in list_findings(ctx.eng, a)]
    found = [f for f in found if f.status != "DISMISSED"]
    if not found:
        # Findings not recorded yet: show the stored audit run's findings, all ASSUMED.
        found = [_as_stored(f) for a in audits for f in computed_findings(ctx, a)]
    if not found:
        doc.missing(empty.what, empty.how)
        return 0
    rows, flags = [], []
    for f in found:
        # The correction note goes with the detail: the status column stays one word wide.
        detail = shortened(customer_text(f.detail or ""), DETAIL_CHARS)
        if f.status_note and f.status == "CORRECTED":
            detail += f" Corrected: {customer_text(f.status_note)}"
        rows.append(
            [
                SEVERITY_LABEL.get(f.severity, f.severity),
                customer_text(f.title),
                detail,
                f"{f.affected_count:,}" if f.affected_count else "-",
                f.status,
            ]
        )
        flags.append(f.status == "ASSUMED")
    doc.table(
        ["Severity", "Finding", "Detail", "Affected", "Status"],
        rows,
        widths=[0.75, 1.7, 2.5, 0.7, 0.9],
        assumed=flags,
        numeric=[3],
        caption=caption,
    )
    if any(flags):
        doc.assumed_legend()
    return len(found)


def missing(doc: DocBuilder, m: Missing) -> None:
    doc.missing(m.what, m.how)


def _as_stored(f):
    from workbench.models.findings import StoredFinding

    return StoredFinding(
        f.key,
        f.audit,
        f.severity,
        f.title,
        f.detail,
        f.affected_count,
        f.affected_entity,
        list(f.affected_ids),
        f.metric,
    )


def render_sections(doc: DocBuilder, sections: list[Section]) -> None:
    """Write data-driven sections (heading, text, bullets, table, figure) in order."""
    for section in sections:
        doc.heading(section.title, section.level)
        if section.text:
            p = doc.para(section.text)
            p.paragraph_format.keep_with_next = section.figure is not None or bool(section.rows)
        if section.bullets:
            doc.bullets(section.bullets)
        if section.rows:
            doc.table(
                section.headers,
                section.rows,
                numeric=section.numeric,
                caption=section.caption,
                widths=section.widths,
                assumed=section.assumed,
            )
        if section.figure is not None:
            doc.figure(
                section.figure, section.caption or section.title, width_in=section.figure_width
            )
