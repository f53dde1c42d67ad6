"""The Data page: the import wizard's code path, import history, the record browser."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from workbench.importers import import_file
from workbench.importers.entities import PROFILES
from workbench.models.vocabulary import profile_words
from workbench.ui import asof, importing
from workbench.ui.import_wizard import ImportWizard, write_sample_export
from workbench.ui.pages.data import Page


def _wait(qtbot, context):
    qtbot.waitUntil(lambda: not context.runner.is_busy(), timeout=30000)


@pytest.fixture
def wizard(qtbot, page_context, tmp_path):
    sample = write_sample_export(tmp_path / "Opportunities report.csv")
    wizard = ImportWizard(page_context, [sample])
    qtbot.addWidget(wizard)
    _wait(qtbot, page_context)
    return wizard


def test_step_one_shows_what_was_detected_and_the_values_that_will_not_parse(wizard):
    assert wizard.entity_combo.currentData() == "opportunities"
    assert wizard.entity_combo.currentText() == "Opportunities / deals"
    assert wizard.profile_value.text() == "Salesforce report"
    assert wizard.encoding_value.text() == "utf-8 / comma"
    assert wizard.dates_value.text() == "month/day/year"
    assert wizard.preview.rowCount() == 6
    assert wizard.preview.horizontalHeaderItem(4).text() == "Amount"
    assert wizard.preview.item(2, 4).text() == "twelve k"
    assert wizard.problems_title.text() == "Values that will not parse (2)"
    assert [wizard.problems_list.item(i).text() for i in range(2)] == [
        'row 4, column Amount: "twelve k" is not an amount',
        'row 6, column Close Date: "02/30/2026" is not a date',
    ]
    assert wizard.next_button.isEnabled()


def test_wizard_maps_saves_the_mapping_and_imports_with_a_summary(wizard, qtbot, page_context):
    wizard.next()
    assert wizard.stack.currentIndex() == 1
    assert wizard._combos["crm_id"].currentData() == "Opportunity ID"
    assert wizard._combos["amount"].currentData() == "Amount"
    # Leave the lead source out of this import.
    assert wizard.mapping_problems.count() == 2
    wizard._combos["lead_source"].setCurrentIndex(0)
    assert "lead_source" not in wizard.chosen_mapping()
    assert wizard.chosen_mapping()["close_date"] == "Close Date"
    headers = [
        wizard.mapped_preview.horizontalHeaderItem(c).text()
        for c in range(wizard.mapped_preview.columnCount())
    ]
    assert headers[:3] == ["CRM ID", "Name", "Account CRM ID"] and "Lead source" not in headers
    # Save it as a named mapping (a write, through the task runner).
    wizard.save_mapping("Northwind opportunity report")
    _wait(qtbot, page_context)
    saved = importing.saved_mappings(page_context.engagement, "opportunities")
    assert saved["Northwind opportunity report"] == wizard.chosen_mapping()
    assert wizard.import_choice() == ("Northwind opportunity report", None)
    # Step 3: the import runs through the runner; summary and first rejected rows.
    with qtbot.waitSignal(page_context.runner.finished, timeout=30000) as done:
        wizard.next()
    assert done.args[0].ok
    result = wizard.results[0]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (6, 4, 2)
    assert result.profile == "Northwind opportunity report"
    assert "New records</td><td align=right><b>4</b>" in wizard.summary.text()
    assert wizard.rejects.rowCount() == 2
    assert [wizard.rejects.item(0, c).text() for c in range(4)] == [
        "4",
        "Amount",
        "twelve k",
        '"twelve k" is not an amount',
    ]
    eng = page_context.engagement
    rows = eng.conn.execute(
        "SELECT crm_id, amount, close_date, lead_source FROM opportunities ORDER BY crm_id"
    ).fetchall()
    assert rows[0] == ("0065g00000AbCdEAA1", 48000.0, "2026-12-15", None)
    assert len(rows) == 4
    assert wizard.next_button.text() == "Done"


def test_the_values_that_will_not_parse_follow_the_edited_mapping(wizard, qtbot, page_context):
    wizard.next()
    assert wizard.mapping_problems_title.text() == (
        "Values that will not parse with this mapping (2)"
    )
    wizard._combos["amount"].setCurrentIndex(0)  # amount no longer imported
    wizard.check_mapping()
    _wait(qtbot, page_context)
    assert wizard.mapping_problems_title.text() == (
        "Values that will not parse with this mapping (1)"
    )
    assert wizard.mapping_problems.item(0).text() == (
        'row 6, column Close Date: "02/30/2026" is not a date'
    )


def test_cancelling_an_import_commits_nothing(wizard, qtbot, page_context, monkeypatch):
    wizard.next()

    def cancelled_at_start(eng, *args, progress):
        progress.token.cancel()  # as if Cancel was pressed before the first row
        return original(eng, *args, progress=progress)

    original = importing.import_task
    monkeypatch.setattr(importing, "import_task", cancelled_at_start)
    with qtbot.waitSignal(page_context.runner.finished, timeout=30000) as done:
        wizard.next()
    assert done.args[0].cancelled
    assert wizard.summary.text() == "Import cancelled. Nothing from this file was saved."
    eng = page_context.engagement
    assert eng.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0
    assert eng.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_choosing_another_entity_detects_again(wizard, qtbot, page_context):
    wizard.entity_combo.setCurrentIndex(wizard.entity_combo.findData("accounts"))
    wizard._entity_chosen(0)
    _wait(qtbot, page_context)
    assert wizard.entity == "accounts"
    assert wizard.detection.entity == "accounts"


def test_data_page_lists_imports_rejects_and_records(qtbot, page_context, tmp_path):
    sample = write_sample_export(tmp_path / "opps.csv")
    import_file(page_context.engagement, sample)
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.entity_combo.currentText() == "Opportunities  (4)"
    records = page.records.model
    assert records.rowCount() == 4
    assert records.headerData(0, Qt.Orientation.Horizontal) == "CRM ID"
    page.records.search.setText("globex")
    page.records.apply_filter()
    assert records.rowCount() == 1
    assert records.row_dict(0)["name"] == "Globex - Renewal FY27"
    assert records.row_dict(0)["amount"] == 125000.0
    assert page.history.model.rowCount() == 1
    assert page.history.model.row_dict(0)["source_name"] == "opps.csv"
    assert page.history.model.row_dict(0)["rows_rejected"] == 2
    # When it ran, at local time as the page's as-of line says it (the stored value
    # stays the UTC moment, which sorting uses).
    history = page.history.model
    started = history.row_dict(0)["started_at"]
    when = history.columns.index("started_at")
    assert history.headerData(when, Qt.Orientation.Horizontal) == "When"
    assert history.data(history.index(0, when)) == asof.moment(started) != started
    # what was imported and how its columns were read, in words (stored: codes)
    shown = {
        history.headerData(c, Qt.Orientation.Horizontal): history.data(history.index(0, c))
        for c in (history.columns.index("entity"), history.columns.index("profile"))
    }
    stored = history.row_dict(0)["profile"]
    assert shown == {"Records": "Opportunities", "Columns read as": profile_words(stored)}
    assert stored in PROFILES and shown["Columns read as"] != stored
    rejects = page.rejects.model
    assert [rejects.row_dict(i)["value"] for i in range(rejects.rowCount())] == [
        "twelve k",
        "02/30/2026",
    ]


def test_the_import_button_opens_the_wizard_and_the_page_refreshes_after(
    qtbot, page_context, tmp_path, monkeypatch
):
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.records.model.rowCount() == 0
    assert page.records.stack.currentWidget() is page.records.empty_label
    sample = write_sample_export(tmp_path / "opps.csv")

    def run_wizard(wizard):  # what a user does: Next, Next (Import), then Done
        _wait(qtbot, page_context)
        wizard.next()
        with qtbot.waitSignal(page_context.runner.finished, timeout=30000):
            wizard.next()
        return 1

    monkeypatch.setattr(ImportWizard, "exec", run_wizard)
    page.import_files([sample])
    assert page.entity_combo.currentText() == "Opportunities  (4)"
    assert page.records.model.rowCount() == 4
    assert page.history.model.rowCount() == 1


def test_a_real_hubspot_deal_export_goes_through_the_wizard(qtbot, page_context, shared_data):
    source = shared_data / "hubspot-fivetran-seeds" / "deal_data.csv"
    wizard = ImportWizard(page_context, [source])
    qtbot.addWidget(wizard)
    _wait(qtbot, page_context)
    assert wizard.entity == "opportunities"
    assert wizard.profile_value.text() == "HubSpot export"
    wizard.next()
    assert wizard.import_choice() == ("auto", None)  # as detected: the profile is kept
    with qtbot.waitSignal(page_context.runner.finished, timeout=30000) as done:
        wizard.next()
    assert done.args[0].ok
    result = wizard.results[0]
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (44, 44, 0)
    assert result.profile == "hubspot"
    assert wizard.rejects_title.text() == "No rows were rejected."
    assert "HubSpot deal stages are kept as given" in wizard.summary.text()
    assert page_context.engagement.counts()["opportunities"] == 44


def test_dropping_an_export_on_the_window_opens_the_wizard_on_the_data_page(
    window, qtbot, make_engagement, tmp_path, monkeypatch
):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    window.open_file(make_engagement())
    sample = write_sample_export(tmp_path / "opps.csv")
    opened = []

    def record(wizard):
        opened.append(wizard.files)
        _wait(qtbot, window.context)  # let its detection finish
        return 0

    monkeypatch.setattr(ImportWizard, "exec", record)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample))])
    window.dropEvent(
        QDropEvent(
            QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    assert opened == [[sample]]
    assert window.view.current_key() == "data"
