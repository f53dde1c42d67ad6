"""Fixtures for the GUI tests (pytest-qt, offscreen).

Every test gets its own settings and data folders (recent list, demo), and fails if
it leaves a task thread running (napari's idea: a leaked QThread crashes later tests
in ways that are hard to trace back). Python's cycle collector runs on the GUI thread
only, as in the application.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.ui import tasks


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(tmp_path_factory.mktemp("logs")))


@pytest.fixture(autouse=True)
def _collector_on_the_gui_thread(qapp):
    """As in the application: cycles are collected on the GUI thread only (see
    ``tasks.GuiThreadCollector``); automatic collection is back on for the tests that
    follow outside the GUI."""
    import gc

    tasks.install_gui_thread_collector()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _no_leaked_threads(qapp):
    yield
    leaked = tasks.running_threads()
    for thread in leaked:  # do not let a stray thread crash the rest of the session
        thread.cancel()
        thread.wait(10000)
    assert not leaked, f"task threads still running at teardown: {[t.title for t in leaked]}"


@pytest.fixture(autouse=True)
def _themed(qapp):
    from workbench.ui.theme import apply_theme

    apply_theme(qapp)


@pytest.fixture
def messages(monkeypatch) -> list[str]:
    """Capture every QMessageBox instead of showing it: the list of their texts.

    A box with an "Open read-only" button gets that button clicked (tests that
    need another answer patch ``workbench.ui.main_window.ask_open_read_only``).
    """
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.dialogs import OPEN_READ_ONLY

    captured: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        captured.append(box.text())
        for button in box.buttons():
            if button.text() == OPEN_READ_ONLY:
                button.click()
                return 0
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return captured


@pytest.fixture
def window(qtbot):
    """The main window, shown offscreen; its engagement is closed at the end."""
    from workbench.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.shutdown()  # a task left running would otherwise ask before closing
    win.close()


@pytest.fixture
def make_engagement(tmp_path: Path):
    """``make_engagement(customer)`` creates a closed engagement file and returns its path."""
    from workbench.models import Engagement, EngagementMeta

    def make(customer: str = "Acme Corp") -> Path:
        path = tmp_path / f"{customer}.engagement"
        Engagement.create(path, EngagementMeta(customer=customer)).close()
        return path

    return make


def _context(eng):
    from workbench.ui.context import PageContext
    from workbench.ui.tasks import TaskRunner

    runner = TaskRunner()
    runner.engagement = eng
    return PageContext(eng, runner)


@pytest.fixture
def page_context(new_engagement):
    """A PageContext over a fresh empty engagement (its runner is shut down after)."""
    context = _context(new_engagement)
    yield context
    context.runner.shutdown()


@pytest.fixture
def demo_context(demo_copy):
    """A PageContext over a writable copy of the demo engagement."""
    from workbench.models import Engagement

    eng = Engagement.open(demo_copy)
    context = _context(eng)
    yield context
    context.runner.shutdown()
    eng.close()
