"""Every Word and Excel file of the package opens in LibreOffice: PDF conversion and recalculation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.reports.package import build_package

from .conftest import add_evaluation, docx_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
]


def _soffice(tmp_path: Path, target: str, out: Path, files: list[Path]) -> None:
    # One soffice call for all files: starting LibreOffice dominates the time.
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )


def test_every_docx_and_xlsx_converts_to_pdf_and_the_matrix_recalculates(
    engagement, tmp_path: Path
) -> None:
    winner = add_evaluation(engagement)
    result = build_package(engagement, tmp_path / "out", anonymize=True)
    files = [f.path for f in result.files if f.format in ("docx", "xlsx")]
    assert any(f.document == "evaluation-matrix" for f in result.files)
    pdf_dir = tmp_path / "pdf"
    _soffice(tmp_path, "pdf", pdf_dir, files)
    for path in files:
        pdf = pdf_dir / (path.stem + ".pdf")
        assert pdf.exists(), f"{path.name} did not convert"
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2000

    matrix = next(f.path for f in result.files if f.document == "evaluation-matrix")
    recalculated = tmp_path / "recalc"
    _soffice(tmp_path, "xlsx", recalculated, [matrix])
    ws = load_workbook(recalculated / matrix.name, data_only=True)["Matrix"]
    assert ws["B17"].value == winner  # the leader the formulas compute...
    summary = next(f.path for f in result.files if f.document == "evaluation-summary")
    assert f"{winner} leads with" in docx_text(summary)  # ...is the one the Word summary names
