"""The base every page derives from: a header, a body, refresh on data changes."""

from __future__ import annotations

import sys
from contextlib import nullcontext

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.ui import asof
from workbench.ui.celltips import install_full_text_tips
from workbench.ui.context import PageContext
from workbench.ui.flow import wrapping_row


class BasePage(QWidget):
    """A page: a clear header (title, one-line subtitle, actions) above ``self.body``.

    Subclasses set ``title``/``subtitle``, build their widgets into ``self.body`` (a
    QVBoxLayout) in ``__init__``, and implement ``refresh()`` to re-read the file.
    ``refresh`` runs when the page is first shown and whenever ``data_changed``
    carries one of ``topics`` (empty: any change). Keep ``refresh`` quick; long
    work goes through ``self.context.runner``.
    """

    title: str = ""
    subtitle: str = ""
    topics: tuple[str, ...] = ()

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._stale = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 18)
        outer.setSpacing(14)

        header = QHBoxLayout()
        header.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = QLabel(self.title)
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)  # a long customer name wraps, never cut
        self.subtitle_label = QLabel(self.subtitle)
        self.subtitle_label.setObjectName("pageSubtitle")
        self.subtitle_label.setWordWrap(True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header.addLayout(titles, 1)
        # The actions wrap onto a second row when the screen is narrow (no cut buttons).
        actions, self.actions_row = wrapping_row()
        header.addWidget(actions, 1, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)

        rule = QFrame()
        rule.setObjectName("pageRule")
        rule.setFrameShape(QFrame.Shape.HLine)
        outer.addWidget(rule)

        self.error_banner = QLabel()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.setVisible(False)
        outer.addWidget(self.error_banner)

        # Which stored run the page's figures come from and the data's as-of day
        # (pages with figures return the words from ``as_of_text``).
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("asOf")
        self.as_of_label.setWordWrap(True)
        self.as_of_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.as_of_label.setVisible(False)
        outer.addWidget(self.as_of_label)

        self.body = QVBoxLayout()
        self.body.setSpacing(12)
        outer.addLayout(self.body, 1)
        context.data_changed.connect(self._on_data_changed)

    # ----------------------------------------------------------------- helpers
    def set_header(self, title: str, subtitle: str = "") -> None:
        self.title_label.setText(title)
        self.subtitle_label.setText(subtitle)

    def add_action(
        self, text: str, slot, *, primary: bool = False, writes: bool = False, tooltip: str = ""
    ) -> QPushButton:
        """A button at the right of the header; ``writes`` disables it when read-only."""
        button = QPushButton(text)
        if primary:
            button.setObjectName("primary")
        if tooltip:
            button.setToolTip(tooltip)
        if writes and self.context.read_only:
            button.setEnabled(False)
            button.setToolTip("The engagement is open read-only.")
        button.clicked.connect(slot)
        self.actions_row.addWidget(button)
        return button

    # ----------------------------------------------------------------- refresh
    def as_of_text(self) -> str | None:
        """The page's "as of / which run" line (see ``workbench.ui.asof``); None for a
        page without figures."""
        return None

    def update_as_of(self, *, quick: bool = True) -> None:
        """Re-read the "as of / which run" line (after a refresh or a new run).

        ``quick``: whether a run is stale is said a moment later when finding out
        means counting every data table (a large file), so the page shows first.
        """
        with asof.quick() if quick else nullcontext() as state:
            text = self.as_of_text()
        self.as_of_label.setText(text or "")
        self.as_of_label.setVisible(bool(text))
        if state is not None and state.deferred:
            QTimer.singleShot(0, self._complete_as_of)

    def _complete_as_of(self) -> None:
        try:
            self.update_as_of(quick=False)
        except Exception:  # the page was closed meanwhile, or the file: keep the line
            pass

    def refresh(self) -> None:
        """Re-read what the page shows from ``self.context.engagement``."""

    def ensure_fresh(self) -> None:
        """Refresh now if something changed since the last refresh (called on show)."""
        if self._stale:
            self._stale = False
            self._safe_refresh()

    def _safe_refresh(self) -> None:
        """Refresh; a failure shows in a banner on the page instead of breaking the window.

        The exception still goes to ``sys.excepthook``: the app shows it in the error
        dialog (details collapsed) and pytest-qt fails the test.
        """
        try:
            self.refresh()
            self.update_as_of()
            install_full_text_tips(self)  # a cut cell shows its whole text on hover
        except Exception as exc:
            self.error_banner.setText(
                f"This page could not be brought up to date: {exc}"
                if isinstance(exc, WorkbenchError)
                else f"This page could not be brought up to date ({type(exc).__name__}: {exc})."
            )
            self.error_banner.setVisible(True)
            sys.excepthook(*sys.exc_info())
        else:
            self.error_banner.setVisible(False)

    def _on_data_changed(self, topic: str) -> None:
        if topic and self.topics and topic not in self.topics:
            return
        if self.isVisible():
            self._stale = False
            self._safe_refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.ensure_fresh()


class PlaceholderPage(BasePage):
    """Stands in for a page that failed to build, saying why."""

    def __init__(self, context: PageContext, item, error: str) -> None:
        self.title = item.title
        self.subtitle = item.summary
        super().__init__(context)
        box = QFrame()
        box.setObjectName("placeholder")
        inner = QVBoxLayout(box)
        inner.setContentsMargins(32, 32, 32, 32)
        heading = QLabel(f"{item.title} could not be shown.")
        heading.setObjectName("placeholderTitle")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            f"{error}\nThe engagement file is unchanged; the other pages work as usual."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setObjectName("placeholderText")
        inner.addStretch(1)
        inner.addWidget(heading)
        inner.addWidget(text)
        inner.addStretch(1)
        self.body.addWidget(box, 1)
