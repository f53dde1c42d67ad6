"""Start the GUI: ``workbench [FILE]`` and ``workbench gui`` call ``run_app``."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.ui.main_window import MainWindow  # noqa: E402
from workbench.ui.theme import apply_theme  # noqa: E402


def application() -> QApplication:
    """The one QApplication (created and themed on first use)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Workbench")
        app.setOrganizationName("Workbench")
        apply_theme(app)
    return app  # type: ignore[return-value]


def run_app(file: str | None, read_only: bool = False) -> int:
    """Open the main window (on ``file`` if given) and run until it is closed."""
    app = application()
    window = MainWindow()
    window.show()
    if file:
        window.open_file(file, read_only=read_only)
    return int(app.exec())
