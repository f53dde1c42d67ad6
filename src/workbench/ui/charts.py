"""Show a matplotlib ``Figure`` built by the core (never pyplot) inside a page."""

from __future__ import annotations

import os

os.environ.setdefault("QT_API", "pyside6")

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget  # noqa: E402


class ChartView(QWidget):
    """A canvas for one core-built Figure; ``set_figure`` swaps it for another.

    The same Figure object the reports embed as PNG is drawn here, so what the
    consultant sees on screen is what the customer gets on paper.
    """

    def __init__(self, figure: Figure | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.canvas: FigureCanvasQTAgg | None = None
        self.setMinimumHeight(220)
        if figure is not None:
            self.set_figure(figure)

    def set_figure(self, figure: Figure | None) -> None:
        """Show ``figure`` (or nothing)."""
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
            self.canvas = None
        if figure is None:
            return
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout.addWidget(self.canvas)
        self.canvas.draw_idle()

    @property
    def figure(self) -> Figure | None:
        return self.canvas.figure if self.canvas is not None else None
