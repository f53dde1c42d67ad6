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


def _tick_labels(axis) -> list:
    """The tick labels an axis really draws (matplotlib keeps spare ones outside the range)."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    return [
        tick.label1
        for tick in axis.get_major_ticks()
        if low - span <= tick.get_loc() <= high + span and tick.label1.get_visible()
    ]


def _texts(figure: Figure) -> list:
    """Every visible, non-empty text a reader sees: titles, axis and tick labels,
    annotations, legend entries (each once)."""
    found = [*figure.texts]
    legends = [*figure.legends]
    for ax in figure.axes:
        if not ax.get_visible():
            continue
        found += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        found += _tick_labels(ax.xaxis) + _tick_labels(ax.yaxis) + list(ax.texts)
        if ax.get_legend() is not None:
            legends.append(ax.get_legend())
    for legend in legends:
        found += [legend.get_title(), *legend.get_texts()]
    unique = {id(t): t for t in found if t is not None}
    return [t for t in unique.values() if t.get_visible() and t.get_text().strip()]


def label_problems(figure: Figure, width: int, height: int, dpi: float = 100.0) -> list[str]:
    """Labels that overlap each other or run off the figure when drawn at ``width`` x
    ``height`` pixels: one plain line per problem (empty when the chart reads well)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    original = figure.get_size_inches(), figure.dpi, figure.canvas
    FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    figure.set_size_inches(width / dpi, height / dpi)
    try:
        renderer = figure.canvas.get_renderer()
        figure.draw(renderer)
        boxes = []
        for text in _texts(figure):
            # Tick labels outside the axis range are not drawn.
            box = text.get_window_extent(renderer)
            if box.width <= 0 or box.height <= 0:
                continue
            boxes.append((text.get_text(), box))
        problems = []
        for label, box in boxes:
            if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
                problems.append(f"{label!r} runs off the chart")
        for i, (a, box_a) in enumerate(boxes):
            for b, box_b in boxes[i + 1 :]:
                overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
                overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
                if overlap_w > 2 and overlap_h > 2:
                    problems.append(f"{a!r} overlaps {b!r}")
        return problems
    finally:
        size, dpi_before, canvas = original
        figure.set_dpi(dpi_before)
        figure.set_size_inches(size)
        figure.set_canvas(canvas)
