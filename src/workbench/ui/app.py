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
import traceback
from typing import Any

from workbench.locations import resources_root

os.environ.setdefault("QT_API", "pyside6")


def application() -> Any:
    """The one QApplication (created and themed on first use)."""
    widgets = importlib.import_module("PySide6.QtWidgets")
    app = widgets.QApplication.instance()
    if app is None:
        app = widgets.QApplication(sys.argv[:1])
        app.setApplicationName("Workbench")
        app.setOrganizationName("Workbench")
        icon = resources_root() / "icons" / "workbench.png"
        app.setWindowIcon(importlib.import_module("PySide6.QtGui").QIcon(str(icon)))
        importlib.import_module("workbench.ui.theme").apply_theme(app)
    return app


def install_excepthook(parent: Any) -> None:
    """Show an exception that escaped a Qt slot in the one error dialog, not only on stderr.

    A bug in a page must not silently leave the window half-updated: the user sees
    "Something unexpected went wrong" with the details collapsed, and the app goes on.
    """
    dialogs = importlib.import_module("workbench.ui.dialogs")
    previous = sys.excepthook
    showing = False

    def hook(exc_type, exc, tb) -> None:
        nonlocal showing
        previous(exc_type, exc, tb)
        if showing or not issubclass(exc_type, Exception):
            return
        importlib.import_module("workbench.crashlog").write_crash_log((exc_type, exc, tb), "gui")
        showing = True
        try:
            details = "".join(traceback.format_exception(exc_type, exc, tb))
            dialogs.show_error(parent, exc, details)
        finally:
            showing = False

    sys.excepthook = hook


def install_file_open_handler(app: Any, window: Any) -> Any:
    """Open the documents the operating system hands over while the app runs.

    On macOS, double-clicking an ``.engagement`` in Finder (or dropping it on the Dock
    icon) reaches Qt as a ``QFileOpenEvent``, not as a command-line argument.
    """
    core = importlib.import_module("PySide6.QtCore")

    class FileOpenFilter(core.QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == core.QEvent.Type.FileOpen and event.file():
                window.open_file(event.file())
                return True
            return False

    handler = FileOpenFilter(app)
    app.installEventFilter(handler)
    window.file_open_handler = handler  # keep the Python object alive with the window
    return handler


def run_app(file: str | None, read_only: bool = False, smoke_exit: bool = False) -> int:
    """Open the main window (on ``file`` if given) and run until it is closed.

    ``smoke_exit`` (the installers' smoke test, ``workbench gui --smoke-exit``): once
    the event loop has shown the window, print its title and close it.
    """
    app = application()
    window = importlib.import_module("workbench.ui.main_window").MainWindow()
    install_excepthook(window)
    install_file_open_handler(app, window)
    window.show()
    if file:
        window.open_file(file, read_only=read_only)
    if smoke_exit:
        QTimer = importlib.import_module("PySide6.QtCore").QTimer  # noqa: N806

        def report_and_close() -> None:
            line = f"smoke: window shown: {window.windowTitle()}"
            encoding = sys.stdout.encoding or "utf-8"
            print(line.encode(encoding, "replace").decode(encoding), flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, report_and_close)
    return int(app.exec())
