"""The start page: new, open, open recent, bad files, locked files, drop."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from workbench.models import Engagement
from workbench.ui import recent
from workbench.ui.new_engagement import NewEngagementDialog


def test_new_engagement_dialog_creates_a_file_with_the_entered_metadata(
    window, tmp_path, qtbot, monkeypatch
):
    target = tmp_path / "Globex.engagement"

    def fill_and_accept(dialog: NewEngagementDialog) -> int:
        dialog.customer.setText("Globex Industries")
        dialog.kind.setCurrentIndex(dialog.kind.findData("conversation-intelligence"))
        dialog.engagement_type.setCurrentIndex(dialog.engagement_type.findData("dedicated"))
        dialog.methodology.setCurrentIndex(dialog.methodology.findData("SPICED"))
        dialog.jurisdictions.setText("us-ca, DE")
        dialog.currency.setEditText("eur")
        dialog.fiscal_start.setCurrentIndex(dialog.fiscal_start.findData(4))
        dialog.file_edit.setText(str(target))
        dialog._accept()
        return dialog.result()

    monkeypatch.setattr(NewEngagementDialog, "exec", fill_and_accept)
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)

    assert window.engagement is not None and window.engagement.path == target
    meta = window.engagement.meta()
    assert meta.customer == "Globex Industries"
    assert meta.project_kind == "conversation-intelligence"
    assert meta.engagement_type == "dedicated"
    assert meta.methodology == "SPICED"
    assert meta.jurisdictions == ["US-CA", "DE"]
    assert meta.currency == "EUR"
    assert meta.fiscal_year_start_month == 4
    assert window.customer_status.text() == "Globex Industries"
    window.close_engagement()
    with Engagement.open(target, read_only=True) as eng:
        assert eng.meta().customer == "Globex Industries"


def test_new_engagement_dialog_refuses_an_empty_customer_inline(qtbot, tmp_path):
    dialog = NewEngagementDialog(folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() != NewEngagementDialog.DialogCode.Accepted
    assert "customer name is empty" in dialog.error_label.text()


def test_open_shows_the_engagement_and_remembers_it_as_recent(window, tmp_path, make_engagement):
    path = make_engagement()
    assert window.open_file(path)
    assert window.engagement.meta().customer == "Acme Corp"
    assert window.stack.currentWidget() is window.view
    assert not window.read_only_status.isVisibleTo(window)
    stored = json.loads((recent.config_dir() / "recent.json").read_text())
    assert stored == [str(path.resolve())]
    window.close_engagement()
    assert window.start_page.recent_list.count() == 1
    item = window.start_page.recent_list.item(0)
    window.start_page.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
    assert window.engagement is not None and window.engagement.path == path.resolve()


def test_opening_a_file_that_is_not_an_engagement_shows_the_plain_message(
    window, tmp_path, messages
):
    bad = tmp_path / "notes.engagement"
    bad.write_text("this is not a database")
    assert not window.open_file(bad)
    assert messages == [
        "notes.engagement is not a Workbench engagement (it is not a SQLite database)."
    ]
    assert window.engagement is None
    assert bad.read_text() == "this is not a database"


def test_a_locked_file_can_be_opened_read_only(window, tmp_path, messages, make_engagement):
    path = make_engagement()
    holder = Engagement.open(path)  # another "instance" holds the writer lock
    try:
        assert window.open_file(path)
        assert len(messages) == 1 and path.name in messages[0]
        assert window.engagement.read_only
        assert window.read_only_status.isVisibleTo(window)
    finally:
        window.close_engagement()
        holder.close()


def test_a_locked_file_stays_closed_when_read_only_is_declined(
    window, tmp_path, monkeypatch, make_engagement
):
    path = make_engagement()
    monkeypatch.setattr("workbench.ui.main_window.ask_open_read_only", lambda *a: False)
    holder = Engagement.open(path)
    try:
        assert not window.open_file(path)
        assert window.engagement is None
    finally:
        holder.close()


def test_dropping_an_engagement_file_opens_it(window, tmp_path, make_engagement):
    path = make_engagement("Initech")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    assert window.engagement is not None and window.engagement.meta().customer == "Initech"


def test_every_registered_page_opens_or_shows_its_placeholder(window, tmp_path, make_engagement):
    from workbench.ui import pages as registry

    window.open_file(make_engagement())
    titles = []
    for item in registry.PAGES:
        page = window.show_page(item.key)
        assert window.view.stack.currentWidget().widget() is page
        titles.append(page.title_label.text())
    assert titles == [p.title for p in registry.PAGES]


def test_open_demo_builds_it_in_the_background_and_opens_it(window, qtbot, monkeypatch):
    from workbench.demo import build_demo

    def small_demo(_eng, out, *, progress):  # the same generator at a twentieth of the size
        return build_demo(out, scale=0.05, with_package=False, progress=progress)

    monkeypatch.setattr("workbench.ui.main_window.build_demo_task", small_demo)
    window.open_demo()
    assert window.task_bar.isVisibleTo(window)
    qtbot.waitUntil(lambda: window.engagement is not None, timeout=120000)
    assert window.engagement.meta().customer == "Northwind Robotics"
    assert Path(recent.data_dir()) in window.engagement.path.parents
    assert window.engagement.counts()["opportunities"] > 0
    # A second time it is reused, not rebuilt.
    path = window.engagement.path
    window.close_engagement()
    window.open_demo()
    assert window.engagement is not None and window.engagement.path == path
    assert not window.runner.is_busy()


def test_a_page_whose_refresh_fails_shows_a_banner_and_the_file_still_opens(
    window, make_engagement, monkeypatch, qtbot
):
    import sys

    from workbench.errors import WorkbenchError
    from workbench.ui.pages.data import Page

    def broken(self):
        raise WorkbenchError("The records could not be read.")

    seen = []
    monkeypatch.setattr(Page, "refresh", broken)
    monkeypatch.setattr(sys, "excepthook", lambda *exc: seen.append(exc[1]))
    assert window.open_file(make_engagement())
    page = window.show_page("data")
    assert page.error_banner.isVisibleTo(window)
    assert page.error_banner.text() == (
        "This page could not be brought up to date: The records could not be read."
    )
    assert [str(e) for e in seen] == ["The records could not be read."]
