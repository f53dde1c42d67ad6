"""Build the documentation package: every deliverable, the index, optionally a .zip.

``build_package`` is what the CLI (``workbench export``), the demo and the GUI's
Deliverables page call. A document whose capability has not run yet is still
built and says what is missing; a file that cannot exist yet (the evaluation
workbook before an evaluation) is skipped with the reason. Each file is written
atomically, so a failure or a cancel leaves earlier files complete and no partial
file behind.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.models.vocabulary import plural
from workbench.progress import Progress
from workbench.reports.catalog import BuiltFile, DocumentSpec
from workbench.reports.context import ReportContext
from workbench.reports.documents import documents_for
from workbench.reports.documents.index import build_index
from workbench.reports.files import atomic_path, remove_stale_parts, safe_filename
from workbench.reports.sources import NotAvailable

log = logging.getLogger(__name__)
STAGE_PREFIX = ".~wb-export-"


@dataclass
class PackageResult:
    """What an export wrote."""

    out_dir: Path
    files: list[BuiltFile] = field(default_factory=list)
    zip_path: Path | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "out_dir": str(self.out_dir),
            "files": [
                {
                    "document": f.document,
                    "title": f.title,
                    "path": str(f.path),
                    "format": f.format,
                    "status": f.status,
                    "missing": f.missing,
                }
                for f in self.files
            ],
            "zip": str(self.zip_path) if self.zip_path else None,
            "skipped": self.skipped,
            "missing": self.missing,
        }


def available_documents(kind: str) -> list[DocumentSpec]:
    """The deliverables of a project kind, in package order."""
    return documents_for(kind)


def build_package(
    eng: Engagement,
    out_dir: Path,
    *,
    only: list[str] | None = None,
    anonymize: bool = False,
    template: Path | None = None,
    zip_output: bool = False,
    branding: dict | None = None,
    progress: Progress | None = None,
) -> PackageResult:
    """Write the documentation package for ``eng`` into ``out_dir``.

    ``only`` limits the export to the named documents (see ``workbench export
    --list``); the index is always rebuilt to describe what the folder holds.
    """
    with _collector_spares_older_objects():
        return _build_package(
            eng,
            Path(out_dir),
            only=only,
            anonymize=anonymize,
            template=template,
            zip_output=zip_output,
            branding=branding,
            progress=progress or Progress.none(),
        )


@contextlib.contextmanager
def _collector_spares_older_objects():
    """While the package is built, Python's cycle collector looks only at the objects
    the export makes, not at everything the process held before it (a GUI or the demo
    holds hundreds of thousands: each full collection walked them all, two of them a
    tenth of the export's CPU time). Nothing is kept longer than the export; objects
    the application froze itself are left as they were."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _build_package(
    eng: Engagement,
    out_dir: Path,
    *,
    only: list[str] | None,
    anonymize: bool,
    template: Path | None,
    zip_output: bool,
    branding: dict | None,
    progress: Progress,
) -> PackageResult:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbenchError(
            f"The output folder {out_dir} cannot be created ({exc.strerror})."
        ) from None
    if not os.access(out_dir, os.W_OK):
        raise WorkbenchError(f"The output folder {out_dir} is not writable; choose another folder.")
    remove_stale_parts(out_dir)
    ctx = ReportContext.create(eng, anonymize=anonymize, template=template, branding=branding)
    logo_note = _check_logo(ctx)
    specs = available_documents(ctx.kind)
    names = {s.name for s in specs}
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise WorkbenchError(
                f"Unknown {plural('document', len(unknown))}: {', '.join(unknown)}. Choose from: {', '.join(sorted(names))}."
            )
    chosen = [s for s in specs if s.name != "index" and (not only or s.name in only)]
    result = PackageResult(out_dir)
    # Every document is built in a private folder inside ``out_dir`` and moved into
    # place only when all are written: a failure midway leaves the previous export as
    # it was, never new documents mixed with old ones.
    total = len(chosen) + 1 + (1 if zip_output else 0)
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out_dir))
    try:
        _build_documents(ctx, stage, chosen, specs, result, progress, total)
        _publish(stage, out_dir, result.files)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if logo_note:
        result.missing.append(logo_note)
    for f in result.files:
        for note in f.missing:
            line = f"{f.title}: {note}"
            if line not in result.missing:
                result.missing.append(line)
    if zip_output:
        progress.update((total - 1) / total, "Writing the .zip")
        result.zip_path = _zip(result, ctx)
    progress.update(1.0, "Documentation package written")
    return result


def _check_logo(ctx: ReportContext) -> str | None:
    """Drop a logo Word cannot show (not an image, unreadable) and say so in words."""
    logo = ctx.branding.logo
    if not logo:
        return None
    from docx.image.image import Image

    try:
        Image.from_file(str(logo))
    except Exception:  # not an image Word can place (or unreadable): written without it
        ctx.branding.logo = None
        return (
            f"Logo: the file {Path(logo).name} is not a PNG, JPEG, GIF or BMP image Word can "
            "show; the documents were written without a logo."
        )
    return None


def _build_documents(
    ctx: ReportContext,
    stage: Path,
    chosen: list[DocumentSpec],
    specs: list[DocumentSpec],
    result: PackageResult,
    progress: Progress,
    total: int,
) -> None:
    for i, spec in enumerate(chosen):
        progress.update(i / total, f"Writing {spec.title}")
        try:
            result.files.extend(spec.builder(ctx, stage, spec))
        except NotAvailable as exc:
            result.skipped[spec.name] = str(exc)
    progress.update(len(chosen) / total, "Writing the package index")
    index_spec = next(s for s in specs if s.name == "index")
    result.files[:0] = build_index(
        ctx, stage, index_spec, specs=specs, built=result.files, skipped=result.skipped
    )


def _publish(stage: Path, out_dir: Path, files: list[BuiltFile]) -> None:
    """Move the finished documents from ``stage`` over their names in ``out_dir``."""
    for f in files:
        final = out_dir / Path(f.path).relative_to(stage)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(f.path, final)
        f.path = final


def _zip(result: PackageResult, ctx: ReportContext) -> Path:
    name = safe_filename(f"{ctx.customer} - documentation package.zip")
    target = result.out_dir / name
    with atomic_path(target) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in result.files:
            # Word and Excel files are zips already: deflating them again costs time
            # and saves about 1 %; they are stored as they are.
            packed = Path(f.path).suffix.lower() in (".docx", ".xlsx")
            zf.write(
                f.path, arcname=f.path.name, compress_type=zipfile.ZIP_STORED if packed else None
            )
    return target
