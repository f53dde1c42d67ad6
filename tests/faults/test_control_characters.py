"""Control characters in CRM text never cost a document, and a failed export never leaves
the output folder mixing new documents with the previous export's."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from workbench.models import Engagement
from workbench.reports.package import build_package
from workbench.reports.text import one_line, xml_text

DOCUMENTS = ["gap-analysis", "baseline-metrics", "forecast-cadence", "maintenance-schedule"]


def _poison(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE users SET name = name || char(11) || 'Jr' WHERE rowid % 2 = 0")
    conn.execute("UPDATE meetings SET channel = channel || char(12) || 'x' WHERE rowid % 3 = 0")
    conn.execute("UPDATE engagement SET customer = 'Acme' || char(10) || 'Corp' || char(7)")
    conn.commit()
    conn.close()


def test_the_sanitiser() -> None:
    assert xml_text("Dana\vScully\x00\x1f") == "Dana Scully  "
    assert xml_text("line one\nline two\ttab") == "line one\nline two\ttab"
    assert one_line("Acme\r\nCorp\t Ltd\u2028") == "Acme Corp Ltd"


def test_control_characters_in_crm_text_cost_no_document(demo_copy: Path, tmp_path: Path) -> None:
    _poison(demo_copy)
    out = tmp_path / "package"
    with Engagement.open(demo_copy) as eng:
        result = build_package(eng, out, only=DOCUMENTS)
    assert result.skipped == {}
    built = {f.path.name for f in result.files}
    assert len([n for n in built if n.endswith(".ics")]) == 2
    for f in result.files:
        if f.format == "docx":
            text = "\n".join(p.text for p in Document(str(f.path)).paragraphs)
            assert "\x0b" not in text and "\x07" not in text
        elif f.format == "xlsx":
            load_workbook(f.path, read_only=True).close()
        elif f.format == "ics":
            raw = f.path.read_bytes().decode()
            names = [ln for ln in raw.splitlines() if ln.startswith("X-WR-CALNAME")]
            assert len(names) == 1 and "Acme Corp" in names[0]
            assert "\x07" not in raw and "\x0b" not in raw
    assert not [p for p in out.iterdir() if p.name.startswith(".~wb-")]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_failed_export_leaves_the_previous_export_untouched(
    demo_copy: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "package"
    with Engagement.open(demo_copy) as eng:
        build_package(eng, out, only=DOCUMENTS[:2])
        before = _digests(out)
        assert len(before) == 3  # two documents and the index

        from workbench.reports import package as package_module

        real = package_module._build_documents

        def fail_after_first(ctx, stage, chosen, *args):
            real(ctx, stage, chosen[:1], *args)  # the first document is written...
            raise OSError(errno.ENOSPC, "No space left on device")  # ...then the disk fills

        monkeypatch.setattr(package_module, "_build_documents", fail_after_first)
        with pytest.raises(OSError):
            build_package(eng, out, only=DOCUMENTS[:2])
    assert _digests(out) == before  # not one new document among the old ones
