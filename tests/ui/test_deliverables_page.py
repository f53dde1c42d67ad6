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
    assert "18 FAQ.docx" in names and "19 Maintenance Schedule.ics" in names
    assert any(n.endswith(".zip") for n in names)
    assert page.results.rowCount() == 5  # index, FAQ, maintenance docx/xlsx/ics
    assert page.open_button.isEnabled()
    from docx import Document

    cover = "\n".join(
        p.text for p in Document(str(tmp_path / "pkg" / "18 FAQ.docx")).paragraphs[:20]
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
