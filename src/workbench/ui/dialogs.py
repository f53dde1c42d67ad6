"""Message dialogs: one way to show an error, a question or a notice.

Every message goes through a ``QMessageBox`` built here, so the look is the same
everywhere and tests can capture messages by patching ``QMessageBox.exec``.
A ``WorkbenchError`` or ``Cancelled`` is shown as its plain message; an unexpected
exception gets a short message with the technical details collapsed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.errors import Cancelled, WorkbenchError


def show_error(
    parent: QWidget | None, exc: BaseException, details: str = "", *, title: str = "Workbench"
) -> None:
    """Show ``exc`` the way a consultant should see it (no traceback for our errors)."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    if isinstance(exc, Cancelled):
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(str(exc) or "Cancelled. Nothing was changed.")
    elif isinstance(exc, WorkbenchError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setText(str(exc))
    else:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText(
            "Something unexpected went wrong and the task stopped; nothing it was "
            "changing has been saved."
        )
        box.setInformativeText(f"{type(exc).__name__}: {exc}")
        # Collapsed behind "Show Details...": useful for a bug report, not in the way.
        box.setDetailedText(details or f"{type(exc).__name__}: {exc}")
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def show_info(parent: QWidget | None, text: str, *, title: str = "Workbench") -> None:
    """A plain notice with an OK button."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(text)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


OPEN_READ_ONLY = "Open read-only"


def ask_open_read_only(parent: QWidget | None, message: str) -> bool:
    """Tell the user the file is locked by someone else; True if they pick read-only."""
    box = QMessageBox(parent)
    box.setWindowTitle("Engagement in use")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setText(message)
    box.setInformativeText(
        "You can open it read-only to look at it; changes need the other window closed."
    )
    read_only = box.addButton(OPEN_READ_ONLY, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    box.exec()
    return box.clickedButton() is read_only
