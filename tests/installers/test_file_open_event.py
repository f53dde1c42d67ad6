"""macOS hands a double-clicked engagement to the running app as a QFileOpenEvent."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_folders(tmp_path, monkeypatch):
    for name in ("CONFIG", "DATA", "LOG"):
        monkeypatch.setenv(f"WORKBENCH_{name}_DIR", str(tmp_path / name.lower()))


def test_a_document_the_os_hands_over_opens_in_the_window(qapp, demo_copy):
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QFileOpenEvent

    from workbench.ui.app import install_file_open_handler
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    handler = install_file_open_handler(qapp, window)
    try:
        assert window.engagement is None
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(demo_copy)))
        assert window.engagement is not None
        assert window.engagement.path.resolve() == demo_copy.resolve()
        assert window.windowTitle() == "Northwind Robotics \u2014 Workbench"
    finally:
        qapp.removeEventFilter(handler)
        window.close()
