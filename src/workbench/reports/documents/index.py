"""The package index: every document of the export with its description and status."""

from __future__ import annotations

from pathlib import Path

from workbench.models.runs import RUN_TITLES, list_runs
from workbench.models.vocabulary import count
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import TYPE_LABEL, ReportContext
from workbench.reports.dates import long_date
from workbench.reports.documents import provenance

# This module's documents; reports/documents/__init__.py puts them in package order.
SPECS: list[DocumentSpec] = []


def build_index(
    ctx: ReportContext,
    out: Path,
    spec: DocumentSpec,
    *,
    specs: list[DocumentSpec],
    built: list[BuiltFile],
    skipped: dict[str, str],
) -> list[BuiltFile]:
    """Write the index of ``built`` files (called by the package after the others)."""
    doc = ctx.document(spec.title, "Contents of the documentation package", toc=False)
    doc.heading("About this package", 1)
    doc.para(
        f"This package holds the deliverables of {ctx.customer}'s {ctx.kind_label.lower()} "
        f"implementation ({TYPE_LABEL.get(ctx.meta.engagement_type, ctx.meta.engagement_type).lower()} "
        f"engagement). Each document is built from the engagement's own data as of "
        f"{ctx.as_of:%d %B %Y}. DRAFT means a section still waits for data or holds findings "
        "not yet confirmed with the customer; the document says which."
    )
    if ctx.anonymize:
        doc.note(
            "People are shown under stable pseudonyms (Rep 07, Contact 112): the same person "
            "has the same pseudonym in every document of this package.",
            label="Anonymised",
        )
    by_doc: dict[str, list[BuiltFile]] = {}
    for f in built:
        by_doc.setdefault(f.document, []).append(f)
    drafts = [s.title for s in specs if any(f.status == "DRAFT" for f in by_doc.get(s.name, []))]
    # Documents left out with --only are not waited for; one that could not be built is.
    unbuilt = [s.title for s in specs if s.name in skipped and not by_doc.get(s.name)]
    if drafts or unbuilt:
        # The index is no more final than the least final document it lists.
        reason = "The package is in draft: " + "; ".join(
            part
            for part in (
                f"{count(len(drafts), 'document')} still in draft" if drafts else "",
                f"{count(len(unbuilt), 'document')} not yet built" if unbuilt else "",
            )
            if part
        )
        doc.hold(reason)
        doc.note(
            reason + ". The documents and what each still waits for are listed below.",
            label="Draft",
        )
    groups: dict[str, list[DocumentSpec]] = {}
    for s in specs:
        if s.name != spec.name:
            groups.setdefault(s.group, []).append(s)
    for group, items in groups.items():
        doc.heading(f"{group} documents", 1)
        rows = []
        for s in items:
            files = by_doc.get(s.name, [])
            if files:
                names = "\n".join(f.path.name for f in files)
                status = "DRAFT" if any(f.status == "DRAFT" for f in files) else "FINAL"
                if any(f.missing for f in files):
                    status += ", waiting for data"
                elif status == "DRAFT" and any(f.assumed for f in files):
                    status += ", to be confirmed"
            else:
                names = "-"
                status = "Not built"
            contents = s.description
            if provenance.built_from(s.name):
                contents += f"\nBuilt from: {provenance.built_from(s.name)}."
            rows.append([s.title, provenance.phase(s.name) or "-", contents, names, status])
        doc.table(
            ["Document", "Phase", "What it contains", "Files", "Status"],
            rows,
            widths=[1.2, 0.8, 2.3, 1.4, 0.8],
            bold_first_column=True,
        )
    _runs_table(doc, ctx)
    notes = [(f.title, n) for f in built for n in f.missing]
    titles = {s.name: s.title for s in specs}
    notes += [(titles.get(name, name), f"Not built: {reason}") for name, reason in skipped.items()]
    if notes:
        doc.heading("Waiting for data", 1)
        doc.para("What the DRAFT documents still need:")
        seen = set()
        rows = []
        for title, n in notes:
            if (title, n) not in seen:
                seen.add((title, n))
                rows.append([title, n])
        doc.table(["Document", "Not yet available"], rows, widths=[1.8, 4.7])
    return [save_doc(doc, ctx, out, spec)]


def _runs_table(doc, ctx: ReportContext) -> None:
    """Which stored run each set of figures comes from; a stale one says how to refresh."""
    latest = {}
    for run in list_runs(ctx.eng):
        latest.setdefault(run.kind, run)
    rows, flags = [], []
    for kind, title in RUN_TITLES.items():
        run = latest.get(kind)
        if run is None:
            continue
        state = (
            "To be refreshed: the data changed after this computation" if run.stale else "Current"
        )
        rows.append(
            [title, f"#{run.id}", long_date(run.created_at[:10]), long_date(run.as_of), state]
        )
        flags.append(run.stale)
    if not rows:
        return
    doc.heading("Where the figures come from", 1)
    doc.para(
        "Every figure is computed once and stored; every document of this package shows the "
        "same stored result, listed here with its reference number."
    )
    doc.table(
        ["Figures", "Reference", "Computed on", "Data as of", "State"],
        rows,
        widths=[2.0, 0.6, 1.0, 1.0, 1.9],
        assumed=flags,
    )


def _not_direct(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    raise RuntimeError("the package index is built by build_package")


SPECS.append(
    DocumentSpec(
        "index",
        "Package Index",
        "Every document of the package with its description and status.",
        ("docx",),
        _not_direct,
        group="Index",
    )
)
