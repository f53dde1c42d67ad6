"""The Deliverables page exports the package through the task runner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

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
    page.select_all(False)
    for i in range(page.doc_list.count()):
        item = page.doc_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in ("faq", "maintenance-schedule"):
            item.setCheckState(Qt.CheckState.Checked)
    page.consultancy.setText("Bright Consulting")
    page.anonymize.setChecked(True)
    page.zip_output.setChecked(True)
    page.out_dir.setText(str(tmp_path / "pkg"))
    with qtbot.waitSignal(page_context.runner.finished, timeout=60000) as done:
        page.export()
    assert done.args[0].ok
    names = sorted(p.name for p in (tmp_path / "pkg").iterdir())
    # Numbers follow the package's order for the project's kind; the names are what is asserted.
    faq = next(n for n in names if n.endswith(" FAQ.docx"))
    assert any(n.endswith(" Maintenance Schedule.ics") for n in names)
    assert any(n.endswith(".zip") for n in names)
    assert page.results.rowCount() == 5  # index, FAQ, maintenance docx/xlsx/ics
    assert page.open_button.isEnabled()
    from docx import Document

    cover = "\n".join(
        p.text for p in Document(str(tmp_path / "pkg" / faq)).paragraphs[:20]
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
    item = next(
        page.doc_list.item(i)
        for i in range(page.doc_list.count())
        if page.doc_list.item(i).data(Qt.ItemDataRole.UserRole) == "faq"
    )
    item.setCheckState(Qt.CheckState.Checked)
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
    page.select_all(False)
    for i in range(page.doc_list.count()):
        item = page.doc_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == "consent-plan":
            item.setCheckState(Qt.CheckState.Checked)
    page.out_dir.setText(str(tmp_path / "pkg"))
    with qtbot.waitSignal(demo_context.runner.finished, timeout=120000) as done:
        page.export()
    assert done.args[0].ok
    rows = {
        page.results.item(r, 0).text(): page.results.item(r, 1).text()
        for r in range(page.results.rowCount())
    }
    assert {name.split(" ", 1)[1]: status for name, status in rows.items()} == {
        "Package Index.docx": "FINAL",
        "Recording Consent Compliance Plan.docx": "FINAL",
    }
    assert "00 Package Index.docx" in rows
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
