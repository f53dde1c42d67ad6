"""Safe file names and atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.reports.files import atomic_path, remove_stale_parts, safe_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Gap Analysis.docx", "Gap Analysis.docx"),
        ('Acme: "Q3" <draft>?.docx', "Acme - Q3 draft.docx"),
        ('Acme/Corp: "Q3" <Test> package', "Acme-Corp - Q3 Test package"),
        ("CON.docx", "CON_.docx"),
        ("lpt1.xlsx", "lpt1_.xlsx"),
        ("report. .docx", "report.docx"),
        ("a/b\\c|d*e.ics", "a-b-c-de.ics"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_safe_filename_removes_what_windows_macos_or_linux_refuse(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_keeps_extension_when_shortening_long_names() -> None:
    name = safe_filename("x" * 300 + ".docx")
    assert name.endswith(".docx") and len(name) <= 120


def test_safe_filename_keeps_accents_and_removes_control_characters() -> None:
    assert safe_filename("Søren\x07 Müller.docx") == "Søren- Müller.docx"
    assert safe_filename("Bad\x00name.docx") == "Bad-name.docx"


def test_failure_midway_leaves_previous_file_and_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "doc.docx"
    target.write_bytes(b"previous version")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a doc")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.docx"]


def test_success_replaces_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "doc.docx"
    target.write_bytes(b"old")
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert len(list(tmp_path.iterdir())) == 1


def test_stale_parts_of_an_interrupted_export_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".~wb-abc.docx.part").write_bytes(b"x")
    (tmp_path / "keep.docx").write_bytes(b"x")
    remove_stale_parts(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.docx"]


def test_written_documents_are_readable_by_others_not_private(tmp_path: Path) -> None:
    import os
    import stat
    import sys

    from workbench.reports.files import write_bytes_atomic

    if sys.platform == "win32":
        return
    old = os.umask(0o022)
    try:
        target = write_bytes_atomic(tmp_path / "Gap Analysis.docx", b"PK")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
