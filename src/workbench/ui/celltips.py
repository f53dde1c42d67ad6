"""Table cells whose text is cut: shown with an ellipsis, the whole text in a tooltip.

A column narrower than a cell's text draws the text elided ("Pipeline analyt…").
``FullTextTips`` is an item delegate that, when the pointer rests on such a cell,
shows the whole text (above the cell's own tooltip, if it has one). Every page
installs it on its tables (``install_full_text_tips``); ``cut_cells`` lists the cut
cells of a view that would not explain themselves, for the laptop fit check.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

CELL_PADDING = 10  # the theme's cell padding, both sides, plus the focus frame


def cut_text(view: QAbstractItemView, index: QModelIndex) -> str | None:
    """The cell's whole text when its column is too narrow to show it, else None."""
    if not index.isValid():
        return None
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is None or text == "":
        return None
    text = str(text)
    rect = view.visualRect(index)
    if rect.width() <= 0:
        return None
    font = index.data(Qt.ItemDataRole.FontRole)
    metrics = view.fontMetrics() if font is None else QFontMetrics(font)
    width = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [""])
    return text if width + CELL_PADDING > rect.width() else None


class FullTextTips(QStyledItemDelegate):
    """Draws cells as usual; the tooltip of a cut cell starts with its whole text."""

    def helpEvent(self, event, view, option: QStyleOptionViewItem, index: QModelIndex) -> bool:  # noqa: N802
        if event is not None and view is not None:
            whole = cut_text(view, index)
            if whole is not None:
                own = index.data(Qt.ItemDataRole.ToolTipRole)
                tip = whole if not own or own == whole else f"{whole}\n{own}"
                QToolTip.showText(event.globalPos(), tip, view)
                return True
        return super().helpEvent(event, view, option, index)


def install_full_text_tips(root: QWidget) -> None:
    """Give every item view under ``root`` that draws with the default delegate the
    full-text tooltips (views with a delegate of their own keep it)."""
    for view in root.findChildren(QAbstractItemView):
        if type(view.itemDelegate()) is QStyledItemDelegate:
            view.setItemDelegate(FullTextTips(view))
            view.setTextElideMode(Qt.TextElideMode.ElideRight)


def cut_cells(view: QAbstractItemView, limit: int = 200) -> list[str]:
    """Cut cells among the first ``limit`` rows of ``view`` that show no whole text on
    hover (the view does not use ``FullTextTips``)."""
    if isinstance(view.itemDelegate(), FullTextTips):
        return []
    model = view.model()
    if model is None:
        return []
    out = []
    root = QModelIndex()
    try:
        columns = model.columnCount(root)
    except TypeError:  # a list model (its column count is private in PySide)
        columns = 1
    for row in range(min(model.rowCount(root), limit)):
        for column in range(columns):
            index = model.index(row, column)
            whole = cut_text(view, index)
            if whole is not None:
                out.append(f"cell {whole!r} is cut")
    return out
