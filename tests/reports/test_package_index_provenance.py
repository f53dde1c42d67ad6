"""The Package Index and `workbench export --list`: phase, status, built from (issue 21)."""

from __future__ import annotations

import json

from docx import Document

from workbench.reports.documents import DOCUMENTS, provenance
from workbench.reports.package import build_package


def _index_rows(result) -> dict[str, list[str]]:
    path = next(f.path for f in result.files if f.document == "index")
    rows = {}
    for table in Document(str(path)).tables:
        if [c.text for c in table.rows[0].cells][:2] == ["Document", "Phase"]:
            for row in table.rows[1:]:
                cells = [c.text for c in row.cells]
                rows[cells[0]] = cells
    return rows


def test_every_document_has_a_phase_and_its_sources() -> None:
    assert {d.name for d in DOCUMENTS} <= set(provenance.PROVENANCE)
    for name, (phase, source) in provenance.PROVENANCE.items():
        assert phase[:1] in "1234" and source, name
        assert "_" not in source and "(s)" not in source, name


def test_index_shows_phase_status_and_built_from(new_engagement, tmp_path) -> None:
    result = build_package(
        new_engagement, tmp_path / "out", only=["intake-pack", "technical-spec", "training-package"]
    )
    rows = _index_rows(result)
    intake = rows["Intake Pack"]
    assert intake[1] == "1a Pre-kickoff, 1b Kickoff"
    assert "Built from: intake answers, CRM users" in intake[2]
    assert intake[3] == "01 Intake Pack.docx\n01 Intake Pack.xlsx"
    assert intake[4] == "DRAFT, waiting for data"
    assert rows["Technical Specification"][4] == "DRAFT, waiting for data"
    assert rows["Training Package"][1] == "3a Training prep, 3b Sessions"
    assert rows["Gap Analysis"][4] == "Not built"


def test_export_list_shows_the_same(new_engagement, capsys) -> None:
    from workbench.cli import main

    path = str(new_engagement.path)
    new_engagement.close()
    assert main(["export", path, "--list", "--json"]) == 0
    listed = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed["technical-spec"]["phase"] == "2a Tech spec, 2b Engineering handoff"
    assert listed["intake-pack"]["waiting_for"] == [
        "the intake answers (from the customer's RevOps lead)"
    ]
    assert listed["training-package"]["waiting_for"] == ["the CRM users (from RevOps)"]
    assert listed["faq"]["waiting_for"] == []
    assert main(["export", path, "--list"]) == 0
    out = capsys.readouterr().out
    assert "phase 3a Training prep, 3b Sessions; built from rule set" in out
    assert "waiting for data: the opportunity export (from RevOps)" in out


def test_revenue_intelligence_package_has_the_call_library(new_engagement, tmp_path) -> None:
    from workbench.reports.documents import documents_for

    ri = [d.name for d in documents_for("revenue-intelligence")]
    ci = [d.name for d in documents_for("conversation-intelligence")]
    assert "sales-call-library" in ri and "call-library" not in ri
    assert "call-library" in ci and "sales-call-library" not in ci
    result = build_package(new_engagement, tmp_path / "out", only=["sales-call-library"])
    built = next(f for f in result.files if f.document == "sales-call-library")
    assert built.status == "DRAFT" and built.missing[0].startswith("Playlists: The consultant measures")


def test_a_document_drafted_only_by_its_assumptions_says_so(story_package, tmp_path) -> None:
    """The demo's Gap Analysis has all its data; it is DRAFT because 21 of its findings
    are still ASSUMED (shaded). The index, the recorded export (the Deliverables page)
    say so, instead of an empty 'waiting for'."""
    from workbench.models import Engagement, EngagementMeta
    from workbench.reports.exports import ASSUMED_WAIT, record_export

    if not any(f.document == "gap-analysis" for f in story_package.files):
        return  # the conversation-intelligence package has no gap analysis
    gap = next(f for f in story_package.files if f.document == "gap-analysis")
    assert (gap.status, gap.missing, gap.assumed) == ("DRAFT", [], True)
    faq = next(f for f in story_package.files if f.document == "faq")
    assert (faq.status, faq.assumed) == ("FINAL", False)
    rows = _index_rows(story_package)
    assert rows["Gap Analysis"][4] == "DRAFT, to be confirmed"
    assert rows["FAQ"][4] == "FINAL"
    Engagement.create(tmp_path / "x.engagement", EngagementMeta(customer="X")).close()
    with Engagement.open(tmp_path / "x.engagement") as eng:
        record = record_export(eng, story_package)
    assert record.documents["gap-analysis"].waiting_for() == [ASSUMED_WAIT]
    assert record.documents["faq"].waiting_for() == []


def test_the_integration_map_lists_the_data_received_in_words(story_package, demo_story_file):
    """The customer reads "Call transcripts", "Folder of files", "Transcript files" and a
    date-time cell, not the file's own codes ("transcripts", "folder", "transcript") and an
    ISO text with a "T"; the CRM's row names the CRM records, not the transcripts."""
    import datetime as dt

    import openpyxl

    from workbench.models import Engagement
    from workbench.models.vocabulary import profile_words, source_kind_words

    built = [f for f in story_package.files if f.document == "integration-map"]
    if not built:
        return  # not in this project kind's package
    with Engagement.open(demo_story_file, read_only=True) as eng:
        stored = eng.conn.execute(
            "SELECT id, source_name, source_kind, profile, rows_imported, rows_rejected, "
            "finished_at FROM imports ORDER BY id"
        ).fetchall()
    sheet = openpyxl.load_workbook(built[0].path)["Imports"]
    rows = [r for r in sheet.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert rows == [
        (i, "Call transcripts", name, source_kind_words(kind), profile_words(profile), new, rejected,
         dt.datetime.fromisoformat(at).replace(tzinfo=None, microsecond=0))
        for i, name, kind, profile, new, rejected, at in stored
    ]  # fmt: skip
    assert rows[0][2:5] == ("Call recordings", "Folder of files", "Transcript files")
    with Engagement.open(demo_story_file, read_only=True) as eng:
        counts = eng.counts()
    crm = openpyxl.load_workbook(built[0].path)["Integration map"]
    evidence = next(r[2] for r in crm.iter_rows(values_only=True) if r[1] == "CRM")
    # the demo's CRM records are demo data, not imports: their counts are the evidence
    assert evidence.startswith(
        f"Records in the engagement: {counts['opportunities']:,} opportunities, "
        f"{counts['accounts']:,} accounts"
    )
    assert "transcripts" not in evidence
    assert profile_words("acme-q3") == "Saved mapping \u201cacme-q3\u201d"
    assert profile_words("custom") == "Columns mapped by hand"  # a mapping edited by hand
