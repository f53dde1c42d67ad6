"""When the package was last exported, where to, and each document's status then.

``build_package`` writes the files and returns each file's status (DRAFT or FINAL,
as the document computed it). Both faces record what an export wrote here (the
Deliverables page and ``workbench export``), in the engagement's settings table (key ``ui.last_export``; settings under ``ui.`` are not inputs of any stored
run, so recording an export never makes a figure stale), and reads it back when the
engagement is opened again. A partial export (some documents) updates those
documents and keeps what earlier exports said of the others. Qt-free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.models import Engagement
from workbench.models.engagement import now_iso

KEY = "ui.last_export"
ASSUMED_WAIT = (
    "The customer's confirmation of the rows and values marked ASSUMED (shaded)"
)


@dataclass
class ExportedDocument:
    """One deliverable as its latest export left it."""

    document: str
    title: str
    status: str  # DRAFT when any of its files is DRAFT, else FINAL
    at: str
    out_dir: str
    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    assumed: bool = False  # rows or values marked ASSUMED, to be confirmed

    def waiting_for(self) -> list[str]:
        """What keeps the document DRAFT, in the consultant's words."""
        return self.missing + ([ASSUMED_WAIT] if self.assumed and self.status == "DRAFT" else [])


@dataclass
class LastExport:
    """The latest export (``at``, ``out_dir``, ``zip``) and every document's state."""

    at: str
    out_dir: str
    zip: str | None = None
    documents: dict[str, ExportedDocument] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def drafts(self) -> int:
        """Documents in draft, not counting the index: it is DRAFT while any other is,
        and its own note counts the others (the page and the index say the same number)."""
        return sum(
            d.status == "DRAFT" and d.document != "index" for d in self.documents.values()
        )


def _parse(value: Any) -> LastExport | None:
    if not isinstance(value, dict) or "at" not in value or "out_dir" not in value:
        return None
    docs = {}
    for name, d in (value.get("documents") or {}).items():
        try:
            docs[name] = ExportedDocument(**d)
        except TypeError:
            continue  # a record from another version: skip the document, keep the rest
    return LastExport(
        str(value["at"]),
        str(value["out_dir"]),
        value.get("zip"),
        docs,
        dict(value.get("skipped") or {}),
    )


def last_export(eng: Engagement) -> LastExport | None:
    """The recorded latest export, or None when this engagement was never exported
    from the GUI (or the record cannot be read)."""
    try:
        return _parse(eng.setting(KEY))
    except Exception:  # a damaged record must not stop the page from opening
        return None


def record_export(eng: Engagement, result: Any, at: str | None = None) -> LastExport:
    """Record ``result`` (a ``PackageResult``) as the latest export and return it.

    Documents of earlier exports that this one did not write keep their state.
    """
    at = at or now_iso()
    # The folder as a full path: "out" given on a command line means nothing to the
    # Deliverables page, which opens the folder from wherever the GUI was started.
    folder = str(Path(result.out_dir).resolve())
    previous = last_export(eng)
    documents = dict(previous.documents) if previous else {}
    written: dict[str, ExportedDocument] = {}
    for f in result.files:
        doc = written.setdefault(
            f.document,
            ExportedDocument(f.document, f.title, "FINAL", at, folder),
        )
        doc.files.append(f.path.name)
        if f.status == "DRAFT":
            doc.status = "DRAFT"
        doc.assumed = doc.assumed or f.assumed
        for note in f.missing:
            if note not in doc.missing:
                doc.missing.append(note)
    documents.update(written)
    record = LastExport(
        at,
        folder,
        str(result.zip_path) if result.zip_path else None,
        documents,
        dict(result.skipped),
    )
    if not eng.read_only:
        eng.set_setting(KEY, asdict(record))
    return record
