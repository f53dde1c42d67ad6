"""The start page: New, Open, Open recent, Open demo, or drop a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.ui.recent import recent_files


class StartPage(QWidget):
    """What the window shows when no engagement is open."""

    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(64, 56, 64, 48)
        outer.setSpacing(56)

        left = QVBoxLayout()
        left.setSpacing(10)
        title = QLabel("Workbench")
        title.setStyleSheet("font-size: 30px; font-weight: 600; color: #1d2733;")
        tagline = QLabel(
            "CRM audits, deal scoring, platform evaluation and the documentation package "
            "for revenue- and conversation-intelligence engagements. One file per customer; "
            "everything is saved as you go."
        )
        tagline.setWordWrap(True)
        tagline.setObjectName("muted")
        tagline.setMaximumWidth(460)
        left.addWidget(title)
        left.addWidget(tagline)
        left.addSpacing(22)
        self.new_button = self._action(
            "New engagement...", "Ctrl+N", "Start a file for a new customer", self.new_requested
        )
        self.open_button = self._action(
            "Open engagement...", "Ctrl+O", "Open an .engagement file", self.open_requested
        )
        self.demo_button = self._action(
            "Open the demo engagement",
            "",
            "Northwind Robotics: a fictional customer to explore",
            self.demo_requested,
        )
        for button in (self.new_button, self.open_button, self.demo_button):
            left.addWidget(button)
        left.addSpacing(16)
        hint = QLabel("Tip: drop an .engagement file anywhere on this window to open it.")
        hint.setObjectName("muted")
        left.addWidget(hint)
        left.addStretch(1)
        version = QLabel(f"Workbench {__version__}. Works offline; nothing leaves this computer.")
        version.setObjectName("muted")
        left.addWidget(version)
        outer.addLayout(left, 5)

        right = QVBoxLayout()
        right.setSpacing(8)
        recent_title = QLabel("Recent engagements")
        recent_title.setObjectName("sectionTitle")
        right.addWidget(recent_title)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentList")
        self.recent_list.setStyleSheet(
            "QListWidget { border: 1px solid #d8dde3; border-radius: 6px; }"
            "QListWidget::item { padding: 8px 10px; border-bottom: 1px solid #eef0f3; }"
        )
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        right.addWidget(self.recent_list, 1)
        self.recent_empty = QLabel("Engagements you open appear here.")
        self.recent_empty.setObjectName("muted")
        right.addWidget(self.recent_empty)
        outer.addLayout(right, 4)
        self.reload_recent()

    def _action(self, text: str, shortcut: str, detail: str, signal) -> QPushButton:
        label = f"{text}\n{detail}"
        button = QPushButton(label)
        button.setObjectName("startAction")
        button.setMinimumHeight(58)
        button.setMaximumWidth(460)
        if shortcut:
            button.setToolTip(shortcut)
        button.clicked.connect(signal.emit)
        return button

    def reload_recent(self) -> None:
        """Re-read the recent list from the user's settings."""
        self.recent_list.clear()
        for path in recent_files():
            item = QListWidgetItem(f"{path.stem}\n{path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        self.recent_empty.setVisible(self.recent_list.count() == 0)


def display_path(path: Path) -> str:
    """A path shortened with ~ for the status bar."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home()))
    except ValueError:
        return str(path)
