"""Proof by looking: documents that promise a page count keep it once LibreOffice lays
them out (a quick-start guide is one page per role)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.models import Engagement
from workbench.reports.package import build_package
from workbench.reports.proof import PAGE_LIMITS, proof_package, tools_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        not tools_available() or shutil.which("soffice") is None,
        reason="LibreOffice and poppler are not installed",
    ),
]


def test_every_quick_start_guide_is_one_page(demo_story_file: Path, tmp_path: Path) -> None:
    eng = Engagement.open(demo_story_file, read_only=True)
    try:
        result = build_package(eng, tmp_path / "pkg", only=["quick-start"])
    finally:
        eng.close()
    pages = proof_package(result, tmp_path / "proof", only=["quick-start"])
    guides = {p.source.name: p.pages for p in pages}
    assert len(guides) == 4  # rep, manager, admin, executive
    assert {name: n for name, n in guides.items() if n != PAGE_LIMITS["quick-start"]} == {}
    for p in pages:
        assert len(p.png) == p.pages and all(png.stat().st_size > 1000 for png in p.png)


def test_a_document_and_its_workbook_keep_their_own_pages(
    demo_story_file: Path, tmp_path: Path
) -> None:
    """The Maintenance Schedule's .docx and .xlsx share a name: neither PDF replaces the other."""
    eng = Engagement.open(demo_story_file, read_only=True)
    try:
        result = build_package(eng, tmp_path / "pkg", only=["maintenance-schedule"])
    finally:
        eng.close()
    pages = [p for p in proof_package(result, tmp_path / "proof", only=["maintenance-schedule"])]
    by_format = {p.source.suffix: p for p in pages}
    assert set(by_format) == {".docx", ".xlsx"}
    assert by_format[".docx"].pdf != by_format[".xlsx"].pdf
    for p in pages:
        assert p.pdf.exists() and p.pages >= 1 and len(p.png) == p.pages
    assert not set(by_format[".docx"].png) & set(by_format[".xlsx"].png)
