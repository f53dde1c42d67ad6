"""Proof by looking: the demo packages of both project kinds as PDF and PNG pages.

    python -m workbench.reports.proof OUTDIR [--only quick-start faq] [--dpi 60]

builds the demo engagement (with its story: intake, meetings, evaluation, checklist),
exports its package as a revenue-intelligence and as a conversation-intelligence
project, converts every Word and Excel file to PDF with LibreOffice (``soffice
--headless``) and every PDF page to a PNG with poppler (``pdftoppm``). It prints the
page count of each document and flags any document longer than its promised limit
(a quick-start guide is one page). Open ``OUTDIR/<kind>/png`` in an image viewer and
read the pages as the customer's VP of Sales Operations would.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("revenue-intelligence", "conversation-intelligence")
# Documents that promise a page count: a quick-start guide is one page per role.
PAGE_LIMITS = {"quick-start": 1}


class ToolMissing(RuntimeError):
    """LibreOffice or poppler is not installed."""


@dataclass
class ProofPage:
    document: str
    source: Path
    pdf: Path
    pages: int
    png: list[Path] = field(default_factory=list)

    @property
    def limit(self) -> int | None:
        return PAGE_LIMITS.get(self.document)

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.pages > self.limit


def tools_available() -> bool:
    return all(shutil.which(t) for t in ("soffice", "pdftoppm", "pdfinfo"))


def to_pdf(files: list[Path], out: Path) -> dict[Path, Path]:
    """Convert ``files`` to PDF in ``out`` with one LibreOffice run (a private profile)."""
    if not shutil.which("soffice"):
        raise ToolMissing("LibreOffice (soffice) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wb-proof-lo-") as profile:
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=1200,
        )
    return {f: out / (f.stem + ".pdf") for f in files if (out / (f.stem + ".pdf")).exists()}


def page_count(pdf: Path) -> int:
    if not shutil.which("pdfinfo"):
        raise ToolMissing("poppler (pdfinfo) is not installed")
    info = subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    return int(found.group(1)) if found else 0


def to_png(pdf: Path, out: Path, dpi: int = 60) -> list[Path]:
    if not shutil.which("pdftoppm"):
        raise ToolMissing("poppler (pdftoppm) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    prefix = out / pdf.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return sorted(
        p for p in out.iterdir() if p.name.startswith(f"{pdf.stem}-") and p.suffix == ".png"
    )


def proof_package(
    result, out: Path, *, only: list[str] | None = None, dpi: int = 60
) -> list[ProofPage]:
    """PDF and PNG pages of a built package's Word and Excel files."""
    files = [
        f for f in result.files if f.format in ("docx", "xlsx") and (not only or f.document in only)
    ]
    pdfs = _pdfs_by_format(files, out / "pdf")
    pages = []
    for f in files:
        pdf = pdfs.get(f.path)
        if pdf is None:
            pages.append(ProofPage(f.document, f.path, out / "pdf" / _pdf_name(f.path), 0))
            continue
        pages.append(
            ProofPage(f.document, f.path, pdf, page_count(pdf), to_png(pdf, out / "png", dpi))
        )
    return pages


def _pdf_name(source: Path) -> str:
    """A workbook's PDF is named apart from its document's: the Maintenance Schedule's
    .docx and .xlsx share a stem, and one PDF (and its PNG pages) must not replace the other."""
    return f"{source.stem} (workbook).pdf" if source.suffix == ".xlsx" else f"{source.stem}.pdf"


def _pdfs_by_format(files, out: Path) -> dict[Path, Path]:
    """Each file's PDF in ``out`` (one LibreOffice run per format, in a folder of its own)."""
    pdfs: dict[Path, Path] = {}
    for fmt in ("docx", "xlsx"):
        group = [f.path for f in files if f.format == fmt]
        if not group:
            continue
        staging = out / f".{fmt}"
        for source, pdf in to_pdf(group, staging).items():
            target = out / _pdf_name(source)
            pdf.replace(target)
            pdfs[source] = target
        shutil.rmtree(staging, ignore_errors=True)
    return pdfs


def package_as(source: Path, out: Path, kind: str):
    """The package of the engagement ``source`` exported as a ``kind`` project into
    ``out/package`` (a private copy of the file is switched to the other kind)."""
    from workbench.models import Engagement
    from workbench.reports.package import build_package

    out.mkdir(parents=True, exist_ok=True)
    path = source
    eng = Engagement.open(source, read_only=True)
    try:
        current = eng.meta().project_kind
    finally:
        eng.close()
    if kind != current:
        path = out / source.name
        shutil.copy2(source, path)
        eng = Engagement.open(path)
        try:
            eng.update_meta(project_kind=kind)
        finally:
            eng.close()
    eng = Engagement.open(path, read_only=True)
    try:
        return build_package(eng, out / "package")
    finally:
        eng.close()


def build_demo_packages(out: Path, kinds: tuple[str, ...] = KINDS) -> dict[str, object]:
    """The demo engagement (with its story) and its package as each project kind."""
    from workbench.demo import build_demo

    built = build_demo(out / "engagement", with_package=False, with_story=True)
    source = Path(built["engagement"])
    return {kind: package_as(source, out / kind, kind) for kind in kinds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbench.reports.proof",
        description="Convert the demo packages of both project kinds to PDF and PNG pages.",
    )
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--only", nargs="*", help="document names (see workbench export --list)")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default 60)")
    args = parser.parse_args(argv)
    if not tools_available():
        print(
            "error: LibreOffice (soffice) and poppler (pdftoppm, pdfinfo) are needed",
            file=sys.stderr,
        )
        return 1
    over = []
    for kind, result in build_demo_packages(args.outdir).items():
        print(f"{kind}: {args.outdir / kind}")
        for page in proof_package(result, args.outdir / kind, only=args.only, dpi=args.dpi):
            limit = f" (limit {page.limit})" if page.limit else ""
            mark = "  OVER THE LIMIT" if page.over_limit else ""
            print(f"  {page.pages:3d} pages  {page.source.name}{limit}{mark}")
            if page.over_limit:
                over.append(f"{kind}: {page.source.name}")
    print(f"PNG pages: {args.outdir}/<kind>/png (open them in any image viewer)")
    if over:
        print("error: longer than promised: " + "; ".join(over), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
