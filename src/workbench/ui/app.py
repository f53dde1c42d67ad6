"""Start the GUI: ``workbench [FILE]`` and ``workbench gui`` call ``run_app``.

The command line imports this module only when it starts the GUI (``launch_gui``):
that one import is the door the import-linter contract names, so ``--help``, the
commands and the core never load Qt.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtGui import QIcon  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.crashlog import write_crash_log  # noqa: E402
from workbench.locations import resources_root  # noqa: E402
from workbench.ui import dialogs  # noqa: E402
from workbench.ui.theme import apply_theme  # noqa: E402


def application() -> Any:
    """The one QApplication (created and themed on first use)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Workbench")
        app.setOrganizationName("Workbench")
        icon = resources_root() / "icons" / "workbench.png"
        app.setWindowIcon(QIcon(str(icon)))
        apply_theme(app)
    return app


def install_excepthook(parent: Any) -> None:
    """Show an exception that escaped a Qt slot in the one error dialog, not only on stderr.

    A bug in a page must not silently leave the window half-updated: the user sees
    "Something unexpected went wrong" with the details collapsed, and the app goes on.
    """
    previous = sys.excepthook
    showing = False

    def hook(exc_type, exc, tb) -> None:
        nonlocal showing
        previous(exc_type, exc, tb)
        if showing or not issubclass(exc_type, Exception):
            return
        write_crash_log((exc_type, exc, tb), "gui")
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

    class FileOpenFilter(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.FileOpen and event.file():
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
    from workbench.ui.main_window import MainWindow  # the pages' modules: loaded here

    app = application()
    window = MainWindow()
    install_excepthook(window)
    install_file_open_handler(app, window)
    window.show()
    if file:
        window.open_file(file, read_only=read_only)
    if smoke_exit:
        def report_and_close() -> None:
            line = f"smoke: window shown: {window.windowTitle()}"
            encoding = sys.stdout.encoding or "utf-8"
            print(line.encode(encoding, "replace").decode(encoding), flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, report_and_close)
    return int(app.exec())
