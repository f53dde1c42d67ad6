"""The documents of the package: names, titles, formats and their builders.

Each builder takes the ``ReportContext`` and the output folder and returns the
files it wrote (``BuiltFile``), each with its status (FINAL/DRAFT) and the notes
of what was not yet available. The package's documents, in reading order, are listed
in ``workbench.reports.documents.DOCUMENTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.reports.context import ReportContext
from workbench.reports.docx_base import DocBuilder
from workbench.reports.files import safe_filename

BOTH = ("revenue-intelligence", "conversation-intelligence")


@dataclass
class BuiltFile:
    """One file the export wrote."""

    document: str
    title: str
    path: Path
    format: str
    status: str
    missing: list[str] = field(default_factory=list)
    # Rows or values marked ASSUMED (shaded): the file is DRAFT until the customer
    # confirms or corrects them, even when no data is missing.
    assumed: bool = False


@dataclass(frozen=True)
class DocumentSpec:
    """One deliverable: its ``--only`` name, title, description, formats and builder."""

    name: str
    title: str
    description: str
    formats: tuple[str, ...]
    builder: Callable[[ReportContext, Path, DocumentSpec], list[BuiltFile]]
    kinds: tuple[str, ...] = BOTH
    group: str = "Handoff"
    number: int = 0

    def filename(self, ext: str, suffix: str = "") -> str:
        extra = f" - {suffix}" if suffix else ""
        return safe_filename(f"{self.number:02d} {self.title}{extra}.{ext}")


def save_doc(
    doc: DocBuilder,
    ctx: ReportContext,
    out: Path,
    spec: DocumentSpec,
    suffix: str = "",
    title: str | None = None,
) -> BuiltFile:
    """Save a Word document of ``spec`` and describe it."""
    path = doc.save(out / spec.filename("docx", suffix))
    return BuiltFile(
        spec.name,
        title or spec.title,
        path,
        "docx",
        doc.status,
        list(doc.missing_notes),
        assumed=doc.has_assumed,
    )
