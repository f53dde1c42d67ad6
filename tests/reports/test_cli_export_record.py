"""`workbench export` remembers the branding when asked, uses it later, and records the
export in the engagement as the Deliverables page does."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document

from workbench.models import Engagement
from workbench.reports.exports import last_export


def _cover(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs[:20])


def test_export_records_itself_and_remembers_the_branding(
    new_engagement, tmp_path: Path, monkeypatch, capsys
) -> None:
    from workbench.cli import main

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    path = str(new_engagement.path)
    new_engagement.close()
    first = tmp_path / "first"
    assert main(["export", path, "--out", str(first), "--only", "faq",
                 "--consultancy", "Bright Consulting", "--remember"]) == 0  # fmt: skip
    saved = json.loads((tmp_path / "config" / "reports.json").read_text(encoding="utf-8"))
    assert saved["consultancy"] == "Bright Consulting"
    faq = next(first.glob("* FAQ.docx"))
    assert "BRIGHT CONSULTING" in _cover(faq)

    # A later export without --consultancy uses the remembered branding.
    second = tmp_path / "second"
    capsys.readouterr()
    assert main(["export", path, "--out", str(second), "--only", "faq", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "BRIGHT CONSULTING" in _cover(next(second.glob("* FAQ.docx")))

    eng = Engagement.open(path, read_only=True)
    try:
        record = last_export(eng)
    finally:
        eng.close()
    assert record is not None
    assert record.out_dir == str(second.resolve())
    names = {d for d in record.documents}
    assert "faq" in names and "index" in names
    assert record.documents["faq"].status in {"DRAFT", "FINAL"}
    assert record.documents["faq"].files == [faq.name]
    assert {f["path"].rsplit("/", 1)[-1] for f in out["files"]} >= {faq.name}


def test_a_read_only_engagement_still_exports_and_says_it_was_not_recorded(
    new_engagement, tmp_path: Path, monkeypatch, capsys
) -> None:
    from workbench.cli import main

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    path = new_engagement.path
    new_engagement.close()
    path.chmod(0o444)
    monkeypatch.setattr(
        "workbench.reports.exports.record_export",
        lambda *a, **k: (_ for _ in ()).throw(OSError(30, "Read-only file system")),
    )
    try:
        assert main(["export", str(path), "--out", str(tmp_path / "out"), "--only", "faq"]) == 0
    finally:
        path.chmod(0o644)
    text = capsys.readouterr().out
    assert "Wrote" in text and "FAQ.docx" in text
    assert "note: the export was not recorded in the engagement" in text
