"""The Deliverables page exports the package through the task runner."""

from __future__ import annotations

from pathlib import Path

from workbench.ui.pages.deliverables import Page


def test_page_lists_every_document_checked_and_defaults_branding(qtbot, page_context) -> None:
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    names = page.selected_documents()
    assert names[0] == "index" and "definition-alignment" in names and "quick-start" in names
    assert page.out_dir.text().endswith("Acme Corp package")


def test_exporting_chosen_documents_writes_them_and_shows_their_status(
    qtbot, page_context, tmp_path: Path
) -> None:
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    page.check(["faq", "maintenance-schedule"])
    page.consultancy.setText("Bright Consulting")
    page.anonymize.setChecked(True)
    page.zip_output.setChecked(True)
    page.out_dir.setText(str(tmp_path / "pkg"))
    with qtbot.waitSignal(page_context.runner.finished, timeout=60000) as done:
        page.export()
    assert done.args[0].ok
    names = sorted(p.name for p in (tmp_path / "pkg").iterdir())
    # (numbered in package order: match the names, not the numbers)
    assert any(n.endswith(" FAQ.docx") for n in names)
    assert any(n.endswith(" Maintenance Schedule.ics") for n in names)
    assert any(n.endswith(".zip") for n in names)
    assert page.results.rowCount() == 5  # index, FAQ, maintenance docx/xlsx/ics
    assert page.open_button.isEnabled()
    from docx import Document

    cover = "\n".join(
        p.text for p in Document(str(next((tmp_path / "pkg").glob("* FAQ.docx")))).paragraphs[:20]
    )
    assert "BRIGHT CONSULTING" in cover


def test_branding_is_remembered_for_the_next_engagement(
    qtbot, page_context, tmp_path: Path
) -> None:
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    page.select_all(False)
    page.consultancy.setText("Remembered Partners")
    page.out_dir.setText(str(tmp_path / "pkg"))
    page.check(["faq"])
    with qtbot.waitSignal(page_context.runner.finished, timeout=60000):
        page.export()
    again = Page(page_context)
    qtbot.addWidget(again)
    assert again.consultancy.text() == "Remembered Partners"


def test_nothing_selected_is_refused_with_a_message(qtbot, page_context, messages) -> None:
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    page.select_all(False)
    page.export()
    assert messages and "at least one document" in messages[0]


def test_exporting_on_the_demo_lists_each_file_with_its_status(
    qtbot, demo_context, tmp_path: Path
) -> None:
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    assert page.consultancy.text() == "Summit Revenue Partners"
    page.check(["consent-plan"])
    page.out_dir.setText(str(tmp_path / "pkg"))
    with qtbot.waitSignal(demo_context.runner.finished, timeout=120000) as done:
        page.export()
    assert done.args[0].ok
    rows = {  # file names without their package-order number
        page.results.item(r, 0).text().split(" ", 1)[1]: page.results.item(r, 1).text()
        for r in range(page.results.rowCount())
    }
    assert rows == {
        "Package Index.docx": "FINAL",
        "Recording Consent Compliance Plan.docx": "FINAL",
    }
    assert page.document_status("consent-plan")[0] == "FINAL"
    assert "2 files written" in page.summary.text()


def test_the_page_says_which_stored_figures_the_package_shows(qtbot, page_context) -> None:
    from workbench.models.runs import save_run
    from workbench.ui.pages.deliverables import Page

    eng = page_context.engagement
    page = Page(page_context)
    qtbot.addWidget(page)
    page.refresh()
    assert page.runs_note.text().startswith("No figures are stored yet")
    with eng.atomic():
        run = save_run(eng, "audit:capture", {"rate": 0.5})
    page.refresh()
    assert page.runs_note.text() == "The package shows 1 stored result, all current."
    with eng.atomic() as conn:
        conn.execute("INSERT INTO meetings (crm_id, channel) VALUES ('m1', 'Zoom')")
    page.refresh()
    assert f"Capture gap analysis, run #{run.id} (run the audits again" in page.runs_note.text()


def test_an_export_is_recorded_and_shown_again_when_the_page_is_rebuilt(
    qtbot, page_context, tmp_path: Path, monkeypatch
) -> None:
    """Per-document status, time and folder of the last export come from the
    engagement, not from the session: a new page (a reopened file) shows them."""
    from workbench.reports.exports import KEY, last_export
    from workbench.ui.asof import moment

    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.document_status("faq") == ("not exported", "")
    assert not page.open_button.isEnabled()
    assert page.as_of_label.text().startswith("Not exported yet.")
    page.check(["faq"])
    page.out_dir.setText(str(tmp_path / "pkg"))
    with qtbot.waitSignal(page_context.runner.finished, timeout=60000) as done:
        page.export()
    assert done.args[0].ok
    record = last_export(page_context.engagement)
    assert record is not None and record.out_dir == str(tmp_path / "pkg")
    stored = page_context.engagement.setting(KEY)["documents"]["faq"]["files"]
    assert len(stored) == 1 and stored[0].endswith(" FAQ.docx")
    faq = record.documents["faq"]
    assert faq.status in ("DRAFT", "FINAL")

    again = Page(page_context)
    qtbot.addWidget(again)
    again.show()
    assert again.document_status("faq") == (faq.status, moment(record.at))
    assert again.document_status("consent-plan") == ("not exported", "")
    assert again.out_dir.text() == str(tmp_path / "pkg")
    assert f"files written to {tmp_path / 'pkg'}" in again.summary.text()
    assert again.as_of_label.text().startswith(f"Last exported {moment(record.at)}.")
    assert again.open_button.isEnabled()
    opened = []
    monkeypatch.setattr(
        "workbench.ui.pages.deliverables.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()),
    )
    again.open_folder()
    assert opened == [str(tmp_path / "pkg")]


def test_a_partial_export_keeps_what_earlier_exports_said_of_other_documents(
    page_context, tmp_path: Path
) -> None:
    from workbench.reports.catalog import BuiltFile
    from workbench.reports.exports import last_export, record_export
    from workbench.reports.package import PackageResult

    eng = page_context.engagement
    first = PackageResult(tmp_path / "a")
    first.files = [
        BuiltFile("faq", "FAQ", tmp_path / "a" / "18 FAQ.docx", "docx", "FINAL"),
        BuiltFile("runbook", "Runbook", tmp_path / "a" / "12 Runbook.docx", "docx", "DRAFT",
                  ["no maintenance audit yet"]),
    ]  # fmt: skip
    record_export(eng, first, at="2026-12-01T10:00:00")
    second = PackageResult(tmp_path / "b")
    second.files = [
        BuiltFile("runbook", "Runbook", tmp_path / "b" / "12 Runbook.docx", "docx", "FINAL"),
        BuiltFile("runbook", "Runbook", tmp_path / "b" / "12 Runbook.xlsx", "xlsx", "DRAFT",
                  ["owner missing"]),
    ]  # fmt: skip
    record_export(eng, second, at="2026-12-02T11:00:00")
    record = last_export(eng)
    assert record.at == "2026-12-02T11:00:00" and record.out_dir == str(tmp_path / "b")
    assert record.documents["faq"].status == "FINAL"
    assert record.documents["faq"].at == "2026-12-01T10:00:00"
    runbook = record.documents["runbook"]
    assert runbook.status == "DRAFT"  # one DRAFT file makes the document DRAFT
    assert runbook.files == ["12 Runbook.docx", "12 Runbook.xlsx"]
    assert runbook.missing == ["owner missing"]
    assert record.drafts() == 1
    third = PackageResult(tmp_path / "c")
    third.files = [
        BuiltFile("index", "Package Index", tmp_path / "c" / "00 Package Index.docx", "docx",
                  "DRAFT", ["The package is in draft: 1 document still in draft"]),
    ]  # fmt: skip
    # The index is DRAFT because the runbook is: the count is the index's own, 1 not 2.
    assert record_export(eng, third, at="2026-12-02T12:00:00").drafts() == 1


def test_what_a_draft_waits_for_is_wrapped_whole_in_the_last_export_table(
    qtbot, page_context, tmp_path: Path
) -> None:
    """At a laptop's width the reason is read in the table, not cut to one line."""
    from workbench.reports.exports import ASSUMED_WAIT, record_export
    from workbench.reports.package import BuiltFile, PackageResult

    why = (
        "45.8% of the deals rated low risk were lost or slipped (the limit is 30%): the "
        "weights are recalibrated before these rules are final"
    )
    result = PackageResult(tmp_path / "pkg")
    result.files = [
        BuiltFile("faq", "FAQ", tmp_path / "pkg" / "18 FAQ.docx", "docx", "FINAL"),
        BuiltFile("scoring-rules", "Deal Scoring Rules",
                  tmp_path / "pkg" / "11 Deal Scoring Rules.docx", "docx", "DRAFT", [why]),
        BuiltFile("gap-analysis", "Gap Analysis", tmp_path / "pkg" / "02 Gap Analysis.docx",
                  "docx", "DRAFT", [], assumed=True),
    ]  # fmt: skip
    record_export(page_context.engagement, result)
    page = Page(page_context)
    qtbot.addWidget(page)
    page.resize(1156, 700)  # the page's share of a 1366x768 window
    page.show()
    table = page.results
    assert [table.item(r, 2).text() for r in range(3)] == ["", why, ASSUMED_WAIT]
    assert page.document_status("gap-analysis")[0] == "DRAFT"
    assert table.wordWrap()
    assert table.columnWidth(2) > table.columnWidth(0)
    # The DRAFT row grows to hold every line of its reason; the FINAL row stays one line.
    from PySide6.QtCore import QRect, Qt

    needed = table.fontMetrics().boundingRect(
        QRect(0, 0, table.columnWidth(2) - 8, 10_000), Qt.TextFlag.TextWordWrap, why
    )
    assert needed.height() >= 3 * table.fontMetrics().lineSpacing()  # it does wrap
    assert table.rowHeight(1) >= needed.height()
    assert table.rowHeight(0) < needed.height()
    assert table.item(1, 2).toolTip() == why
