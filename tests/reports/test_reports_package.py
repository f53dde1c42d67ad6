"""The package read back as a reader would: Word, Excel and calendars."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from icalendar import Calendar

from workbench.errors import WorkbenchError
from workbench.models import Engagement, EngagementMeta
from workbench.reports.package import build_package

from .conftest import CONTACT_NAMES, INJECTION, REP_NAMES, docx_text


@pytest.fixture
def package(engagement, tmp_path: Path):
    return build_package(engagement, tmp_path / "out", zip_output=True)


def _file(result, document: str, fmt: str, contains: str = "") -> Path:
    return next(
        f.path
        for f in result.files
        if f.document == document and f.format == fmt and contains in f.path.name
    )


def test_every_docx_has_customer_on_title_page_and_in_header(package) -> None:
    docs = [f.path for f in package.files if f.format == "docx"]
    assert len(docs) >= 18
    for path in docs:
        doc = Document(str(path))
        title_page = "\n".join(p.text for p in doc.paragraphs[:25])
        assert "Acme Corp" in title_page, path.name
        # a title page, or a one-page guide's title block (consultancy in capitals)
        assert "summit revenue partners" in title_page.lower(), path.name
        assert "Acme Corp" in doc.sections[0].header.paragraphs[0].text
        assert "PAGE" in doc.sections[0].footer._element.xml


def test_contents_link_to_every_heading_with_no_field_to_refresh(package) -> None:
    """The contents are internal links to bookmarked headings, not a TOC field whose page
    numbers stay blank until Word refreshes it (a converter or previewer never does)."""
    path = _file(package, "admin-runbook", "docx")
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    assert "TOC \\o" not in body and "fldCharType" not in body
    doc = Document(str(path))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    entries = [
        (p.text, p._p.find(f"{w}hyperlink").get(f"{w}anchor"))
        for p in doc.paragraphs
        if p.style.name.startswith("toc ")
    ]
    headings = {
        b.get(f"{w}name"): p.text
        for p in doc.paragraphs
        if p.style.name in ("Heading 1", "Heading 2")
        for b in p._p.iter(f"{w}bookmarkStart")
    }
    assert len(entries) >= 5
    assert [text for text, _ in entries] == list(headings.values())
    for text, anchor in entries:
        assert headings[anchor] == text
    assert "Troubleshooting" in headings.values() and "Escalation" in headings.values()


def test_tables_repeat_their_header_row(package) -> None:
    doc = Document(str(_file(package, "admin-runbook", "docx")))
    assert doc.tables
    for table in doc.tables:
        assert "w:tblHeader" in table.rows[0]._tr.xml


def test_definition_alignment_lists_terms_with_yes_no_boxes(package) -> None:
    doc = Document(str(_file(package, "definition-alignment", "docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Term")
    terms = [r.cells[0].text for r in table.rows[1:]]
    assert "Deal Risk Score" in terms and "Forecast Category" in terms
    assert all(r.cells[2].text.strip() == "\u2610 Yes   \u2610 No" for r in table.rows[1:])
    assert [c.text for c in table.rows[0].cells] == [
        "Term",
        "Our definition",
        "Internally approved?",
        "Approver",
        "Date",
    ]


def test_gap_analysis_marks_assumed_findings_and_not_confirmed_ones(package) -> None:
    doc = Document(str(_file(package, "gap-analysis", "docx")))
    rows = {r.cells[1].text: r for t in doc.tables for r in t.rows[1:] if len(r.cells) == 5}
    assumed = rows["Dialer calls largely unrecorded"]
    confirmed = rows["Open deals without a next step"]
    assert assumed.cells[4].text == "ASSUMED" and "FFF2CC" in assumed._tr.xml
    assert confirmed.cells[4].text == "CONFIRMED" and "FFF2CC" not in confirmed._tr.xml
    assert "ASSUMED" in docx_text(_file(package, "gap-analysis", "docx"))


def test_consent_plan_lists_all_party_jurisdictions_first_and_says_not_legal_advice(
    package,
) -> None:
    path = _file(package, "consent-plan", "docx")
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Jurisdiction")
    # Named, never coded: California (all-party) first, Texas (one-party) last.
    names = [r.cells[0].text for r in table.rows[1:]]
    assert names[0] == "California" and names[-1] == "Texas"
    assert set(names) == {"California", "Texas", "Germany", "United Kingdom"}
    assert "all-party" in table.rows[1].cells[1].text
    assert "not legal advice" in docx_text(path)


def test_maintenance_ics_has_recurring_tasks_and_prep_reminder_14_days_before_check_in(
    package,
) -> None:
    cal = Calendar.from_ical(_file(package, "maintenance-schedule", "ics").read_bytes())
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    monthly = events["Acme Corp: monthly maintenance"]
    assert monthly["rrule"]["FREQ"] == ["MONTHLY"]
    assert "Recording coverage audit" in str(monthly["description"])
    check_in = next(e for s, e in events.items() if "check-in" in s and "Prepare" not in s)
    prep = next(e for s, e in events.items() if "Prepare" in s)
    check_in, prep = check_in["dtstart"].dt, prep["dtstart"].dt
    assert check_in - prep == dt.timedelta(days=14)
    assert check_in > dt.date(2026, 11, 20)


def test_maintenance_workbook_lists_red_flags_and_owner_by_engagement_type(package) -> None:
    ws = openpyxl.load_workbook(_file(package, "maintenance-schedule", "xlsx"))["Tasks"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    coverage = next(r for r in rows if r[1] == "Recording coverage audit")
    assert coverage[0] == "Monthly" and "90%" in coverage[3]
    from workbench.audits import maintenance_tasks

    # the role, with the person who holds it (the engagement's consultant)
    role = maintenance_tasks("revenue-intelligence", "dedicated").owner
    assert coverage[5] == f"Alex Morgan ({role})"
    assert coverage[5].endswith("(Architect)")  # dedicated engagement
    assert any(r[0] == "Quarterly" and r[1] == "Scoring rule recalibration" for r in rows)


def test_single_project_maintenance_is_owned_by_the_customer(tmp_path: Path) -> None:
    eng = Engagement.create(
        tmp_path / "S.engagement",
        EngagementMeta(
            customer="Solo Inc",
            engagement_type="single-project",
            project_kind="conversation-intelligence",
        ),
    )
    try:
        result = build_package(eng, tmp_path / "o", only=["maintenance-schedule"])
    finally:
        eng.close()
    ws = openpyxl.load_workbook(_file(result, "maintenance-schedule", "xlsx"))["Tasks"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
    from workbench.audits import maintenance_tasks

    library = maintenance_tasks("conversation-intelligence", "single-project")
    assert library.owner.startswith("Customer")
    assert {r[5] for r in rows if r[1]} == {library.owner}
    assert {r[1] for r in rows if r[1]} == {t.task for t in library.monthly + library.quarterly}


def test_forecast_cadence_calendar_recurs_weekly_monthly_and_quarterly(package) -> None:
    cal = Calendar.from_ical(_file(package, "forecast-cadence", "ics").read_bytes())
    rules = {str(e["summary"]).split(": ", 1)[1]: e["rrule"] for e in cal.walk("VEVENT")}
    assert rules["Weekly pipeline review"]["FREQ"] == ["WEEKLY"]
    assert rules["Monthly forecast call"]["FREQ"] == ["MONTHLY"]
    assert rules["Quarterly business review (QBR)"]["INTERVAL"] == [3]
    qbr = next(e for e in cal.walk("VEVENT") if "QBR" in str(e["summary"]))
    # Fiscal year starts in February: quarters start Feb, May, Aug, Nov.
    assert qbr["dtstart"].dt.month in (2, 5, 8, 11)


def test_crm_text_lands_in_excel_as_text(package) -> None:
    wb = openpyxl.load_workbook(_file(package, "field-mapping", "xlsx"))
    cells = [c for r in wb["Import mappings"].iter_rows() for c in r if c.value == INJECTION]
    assert cells and all(c.data_type == "s" for c in cells)
    imports = openpyxl.load_workbook(_file(package, "integration-map", "xlsx"))["Imports"]
    source = [c for r in imports.iter_rows() for c in r if str(c.value).startswith("=cmd")]
    assert source and source[0].data_type == "s"


def test_anonymised_package_never_shows_real_rep_or_contact_names(
    engagement, tmp_path: Path
) -> None:
    plain = build_package(engagement, tmp_path / "plain")
    # the documents that name a rep (the coaching benchmarks need a coaching run now)
    naming = [
        f.document for f in plain.files if f.format == "docx" and "Priya Raman" in docx_text(f.path)
    ]
    assert naming
    anon = build_package(engagement, tmp_path / "anon", anonymize=True)
    names = list(REP_NAMES.values()) + [f"{f} {last}" for f, last in CONTACT_NAMES.values()]
    for f in anon.files:
        if f.format == "docx":
            text = docx_text(f.path)
        elif f.format == "xlsx":
            wb = openpyxl.load_workbook(f.path)
            text = " ".join(str(c.value) for ws in wb for r in ws.iter_rows() for c in r)
        else:
            text = f.path.read_text(encoding="utf-8")
        for name in names:
            assert name not in text, (name, f.path.name)
    assert any("Rep " in docx_text(_file(anon, name, "docx")) for name in naming)


def test_missing_data_is_said_plainly_and_makes_the_document_a_draft(tmp_path: Path) -> None:
    eng = Engagement.create(tmp_path / "E.engagement", EngagementMeta(customer="Empty Ltd"))
    try:
        result = build_package(eng, tmp_path / "o")
    finally:
        eng.close()
    gap = next(f for f in result.files if f.document == "gap-analysis")
    assert gap.status == "DRAFT"
    assert "Not yet available" in docx_text(gap.path)
    assert "evaluation-matrix" in result.skipped
    index = docx_text(next(f.path for f in result.files if f.document == "index"))
    assert "Gap Analysis" in index and "Not yet available" in index


def test_zip_holds_every_file_of_the_package(package) -> None:
    with zipfile.ZipFile(package.zip_path) as z:
        assert sorted(z.namelist()) == sorted(f.path.name for f in package.files)


def test_reexport_replaces_files_and_leaves_no_temporary_files(engagement, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build_package(engagement, out, only=["faq"])
    before = {p.name for p in out.iterdir()}
    second = build_package(engagement, out, only=["faq"])
    assert {p.name for p in out.iterdir()} == before
    assert [f.path.name for f in first.files] == [f.path.name for f in second.files]
    assert not list(out.glob(".~wb-*"))


def test_a_failing_document_leaves_no_partial_file(engagement, tmp_path: Path, monkeypatch) -> None:
    from docx.document import Document as DocxDocument

    def half_written_then_fail(self, target, *a, **k):
        # The builder zips into memory first; a half-written zip fails there or on disk.
        if hasattr(target, "write"):
            target.write(b"PK half a document")
        else:
            Path(target).write_bytes(b"PK half a document")
        raise OSError("disk full")

    monkeypatch.setattr(DocxDocument, "save", half_written_then_fail)
    # The failure becomes one plain message naming the document (no bare OSError).
    with pytest.raises(WorkbenchError, match=r"Could not write .*\.docx \(disk full\)"):
        build_package(engagement, tmp_path / "out", only=["faq"])
    assert [p for p in (tmp_path / "out").iterdir()] == []


def test_consultancy_template_styles_are_used(engagement, tmp_path: Path) -> None:
    from docx.shared import RGBColor

    custom = Document()
    custom.styles["Heading 1"].font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    custom.styles["Heading 1"].font.name = "Georgia"
    custom.sections[0].header.paragraphs[0].text = "Bright Consulting - confidential"
    custom.add_paragraph("template body text that must disappear")
    template = tmp_path / "brand.docx"
    custom.save(str(template))
    result = build_package(engagement, tmp_path / "out", only=["admin-runbook"], template=template)
    doc = Document(str(_file(result, "admin-runbook", "docx")))
    assert doc.styles["Heading 1"].font.name == "Georgia"
    assert "template body text" not in docx_text(_file(result, "admin-runbook", "docx"))
    assert doc.sections[0].header.paragraphs[0].text == "Bright Consulting - confidential"
    header_cells = [t.rows[0].cells[0] for t in doc.tables]
    assert header_cells and all("8B0000" in c._tc.xml for c in header_cells)


def test_dotx_template_is_accepted(engagement, tmp_path: Path) -> None:
    custom = Document()
    custom.styles["Normal"].font.name = "Garamond"
    docx_path = tmp_path / "brand.docx"
    custom.save(str(docx_path))
    dotx = tmp_path / "brand.dotx"
    with zipfile.ZipFile(docx_path) as zin, zipfile.ZipFile(dotx, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            zout.writestr(item, data)
    result = build_package(engagement, tmp_path / "out", only=["faq"], template=dotx)
    assert Document(str(_file(result, "faq", "docx"))).styles["Normal"].font.name == "Garamond"


def test_evaluation_matrix_and_summary_come_from_the_engagements_evaluation(
    engagement, tmp_path: Path
) -> None:
    from .conftest import add_evaluation

    winner = add_evaluation(engagement)
    result = build_package(
        engagement,
        tmp_path / "out",
        only=["evaluation-matrix", "evaluation-summary", "platform-config"],
    )
    assert "evaluation-matrix" not in result.skipped
    wb = openpyxl.load_workbook(_file(result, "evaluation-matrix", "xlsx"))
    assert "Matrix" in wb.sheetnames and "TCO" in wb.sheetnames
    text = docx_text(_file(result, "evaluation-summary", "docx"))
    assert f"{winner} leads with" in text
    doc = Document(str(_file(result, "evaluation-summary", "docx")))
    matrix = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == "Criterion"
        and t.rows[0].cells[1].text == "Weight"
        and len(t.rows[0].cells) > 4
    )
    assert matrix.rows[-1].cells[0].text == "Rank"
    assert [c.text for c in matrix.rows[-1].cells[2:]][0] == "1"
    assert len(doc.inline_shapes) >= 1  # the contribution chart
    assert "Total cost of ownership" in text
    assert winner in docx_text(_file(result, "platform-config", "docx"))


def test_cancelling_stops_the_export_and_leaves_only_complete_files(
    engagement, tmp_path: Path
) -> None:
    from workbench.errors import Cancelled
    from workbench.progress import CancelToken, Progress

    token = CancelToken()
    seen: list[str] = []

    def listener(fraction: float, status: str) -> None:
        seen.append(status)
        if len(seen) == 3:
            token.cancel()

    with pytest.raises(Cancelled):
        build_package(engagement, tmp_path / "out", progress=Progress(listener, token))
    # The package is published only when complete: a cancelled first export leaves
    # the folder empty (no half package, no temporary files).
    assert list((tmp_path / "out").iterdir()) == []


def test_logo_and_branding_appear_on_the_title_page(engagement, tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 0.6))
    fig.text(0.1, 0.4, "BRIGHT", fontsize=20)
    logo = tmp_path / "logo.png"
    fig.savefig(logo)
    result = build_package(
        engagement,
        tmp_path / "out",
        only=["consent-plan"],
        branding={
            "consultancy": "Bright Consulting",
            "logo": str(logo),
            "version": "2.1",
            "status": "FINAL",
        },
    )
    doc = Document(str(_file(result, "consent-plan", "docx")))
    cover = "\n".join(p.text for p in doc.paragraphs[:25])
    assert "BRIGHT CONSULTING" in cover and "Version:  2.1" in cover and "Status:  FINAL" in cover
    assert len(doc.inline_shapes) == 1
    assert "Bright Consulting" in doc.sections[0].footer.paragraphs[0].text


def test_conversation_intelligence_package_uses_its_own_terms_and_tasks(tmp_path: Path) -> None:
    eng = Engagement.create(
        tmp_path / "CI.engagement",
        EngagementMeta(
            customer="Contoso",
            project_kind="conversation-intelligence",
            jurisdictions=["US-FL", "FR"],
        ),
    )
    try:
        result = build_package(eng, tmp_path / "out")
    finally:
        eng.close()
    assert {f.document for f in result.files} >= {
        "definition-alignment",
        "tracker-design",
        "maintenance-schedule",
        "quick-start",
    }
    terms = docx_text(_file(result, "definition-alignment", "docx"))
    assert "Tracker" in terms and "Recording Consent" in terms
    consent = docx_text(_file(result, "consent-plan", "docx"))
    assert "Florida" in consent and "GDPR" in consent


def test_no_document_asks_word_to_update_its_fields_on_opening(package) -> None:
    """Nothing needs a refresh (page numbers in the footer are computed by every viewer),
    so Word never greets the customer with its "update the fields?" prompt."""
    for f in package.files:
        if f.format == "docx":
            with zipfile.ZipFile(f.path) as z:
                assert "updateFields" not in z.read("word/settings.xml").decode(), f.path.name


def test_integration_map_lists_the_channels_seen_in_the_logs_with_their_volume(package) -> None:
    ws = openpyxl.load_workbook(_file(package, "integration-map", "xlsx"))["Integration map"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["Salesforce"][1] == "CRM"
    assert rows["Zoom"][1] == "Video conferencing" and "7 external meetings" in rows["Zoom"][2]
    assert rows["Aircall"][1] == "Dialer / phone" and "3 external calls" in rows["Aircall"][2]
    assert all(r[-1] == "ASSUMED" for r in rows.values())


def test_approved_definition_shows_a_ticked_yes_with_approver_and_date(
    engagement, tmp_path: Path
) -> None:
    from workbench.lifecycle import definitions, set_definition

    term = definitions(engagement)[0].term
    set_definition(
        engagement, term, approved=True, approver="Dana Whitfield (CRO)", approved_on="2026-11-18"
    )
    result = build_package(engagement, tmp_path / "out", only=["definition-alignment"])
    doc = Document(str(_file(result, "definition-alignment", "docx")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Term")
    row = next(r for r in table.rows[1:] if r.cells[0].text == term)
    assert row.cells[2].text == "\u2612 Yes   \u2610 No"
    assert row.cells[3].text == "Dana Whitfield (CRO)" and row.cells[4].text == "18\u00a0November\u00a02026"
    assert "FFF2CC" not in row._tr.xml  # approved: no longer shaded as ASSUMED
    others = [r for r in table.rows[1:] if r.cells[0].text != term]
    assert all("FFF2CC" in r._tr.xml for r in others)


def test_confirmed_intake_answers_confirm_integration_rows(engagement, tmp_path: Path) -> None:
    from workbench.lifecycle import intake, set_intake

    keys = {i.key for i in intake(engagement)}
    assert {"calendar", "crm"} <= keys
    set_intake(engagement, "calendar", "Google Workspace", status="CONFIRMED")
    result = build_package(engagement, tmp_path / "out", only=["integration-map"])
    ws = openpyxl.load_workbook(_file(result, "integration-map", "xlsx"))["Integration map"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    assert rows["Calendar"][0] == "Google Workspace"
    assert "intake: Google Workspace (CONFIRMED)" in rows["Calendar"][2]
    assert rows["Calendar"][-1] == "CONFIRMED" and rows["CRM"][-1] == "ASSUMED"


def test_a_document_with_a_bug_stops_the_export_instead_of_going_missing(
    engagement, tmp_path: Path, monkeypatch
) -> None:
    def broken(ctx, out, spec):
        raise ValueError("unexpected value in the roster")

    from workbench.reports import documents

    monkeypatch.setattr(
        documents,
        "DOCUMENTS",
        tuple(
            s if s.name != "faq" else documents.replace(s, builder=broken)
            for s in documents.DOCUMENTS
        ),
    )
    # A bug is not a missing input: it is reported, never turned into a skipped section.
    with pytest.raises(ValueError, match="unexpected value in the roster"):
        build_package(engagement, tmp_path / "out", only=["faq", "admin-runbook"])
    assert not any(
        p.name.startswith("~") or p.suffix == ".tmp" for p in (tmp_path / "out").iterdir()
    )
