"""Every Word and Excel file of the package converts to PDF in LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.reports.package import build_package

pytestmark = [
    pytest.mark.slow,
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def test_every_docx_and_xlsx_converts_to_pdf(engagement, tmp_path: Path) -> None:
    result = build_package(engagement, tmp_path / "out", anonymize=True)
    files = [f.path for f in result.files if f.format in ("docx", "xlsx")]
    pdf_dir = tmp_path / "pdf"
    # One soffice call for all files: starting LibreOffice dominates the time.
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
         "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, files)],
        check=True, capture_output=True, timeout=600,
    )
    for path in files:
        pdf = pdf_dir / (path.stem + ".pdf")
        assert pdf.exists(), f"{path.name} did not convert"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000
