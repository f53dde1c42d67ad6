"""A searchable, sortable table widget over ``SqlTableModel``."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.models.sql_table import SqlTableModel

FILTER_DELAY_MS = 300
ROW_HEIGHT = 26
HEADER_ROOM = 24  # padding and the sort arrow beside a column title


def make_table_view(parent: QWidget | None = None) -> QTableView:
    """A QTableView set up for large lazy models (fixed row heights, no per-row sizing)."""
    view = QTableView(parent)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setShowGrid(False)
    vertical = view.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(ROW_HEIGHT)
    vertical.setVisible(False)
    horizontal = view.horizontalHeader()
    horizontal.setHighlightSections(False)
    horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    horizontal.setStretchLastSection(True)
    horizontal.setDefaultSectionSize(140)
    return view


def plural(noun: str, n: int) -> str:
    """``noun`` (given in the plural) made singular for one: 1 opportunity, 2 opportunities."""
    if n != 1:
        return noun
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-1] if noun.endswith("s") else noun


def fit_columns(view: QTableView, min_width: int = 60, max_width: int = 300) -> None:
    """Size columns to their header and the first rows (never the whole table)."""
    view.horizontalHeader().setResizeContentsPrecision(100)
    view.resizeColumnsToContents()
    for column in range(view.model().columnCount() if view.model() else 0):
        width = view.columnWidth(column) + 12
        view.setColumnWidth(column, max(min_width, min(width, max_width)))


class LazyTable(QWidget):
    """Search box, row count and a sortable table over a ``SqlTableModel``.

    Typing in the search box filters after a short pause (debounced), so a million
    rows are not re-scanned on every key press. Clicking a header sorts.
    """

    def __init__(
        self,
        model: SqlTableModel | None = None,
        parent: QWidget | None = None,
        *,
        noun: str = "rows",
        empty_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.noun = noun
        self.empty_text = empty_text
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        # Pages may put their own controls at the left of the search box.
        self.toolbar = top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search text columns...")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.search.setMaximumWidth(420)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        top.addWidget(self.search)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout.addLayout(top)
        self.view = make_table_view()
        # An empty table says why it is empty and what to do instead of a blank grid.
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.model: SqlTableModel | None = None
        if model is not None:
            self.set_model(model)

    def set_model(self, model: SqlTableModel | None) -> None:
        """Show ``model`` (closing the previous one's temporary index)."""
        if self.model is not None:
            self.model.close()
        self.model = model
        self.view.setSortingEnabled(False)
        self.view.setModel(model)
        if model is not None:
            # No sort until the user clicks a header: natural order needs no index.
            self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.view.setSortingEnabled(True)
            model.modelReset.connect(self._update_count)
            fit_columns(self.view)
            if self.search.text().strip():
                model.set_filter(self.search.text())
        self._update_count()

    def apply_filter(self) -> None:
        """Apply the search text now (the debounce timer calls this)."""
        self._timer.stop()
        if self.model is not None:
            self.model.set_filter(self.search.text())

    def _update_count(self) -> None:
        n = self.model.rowCount() if self.model is not None else 0
        suffix = (
            f" matching \u201c{self.model.filter_text}\u201d"
            if (self.model is not None and self.model.filter_text)
            else ""
        )
        self.count_label.setText(f"{n:,} {plural(self.noun, n)}{suffix}")
        show_empty = (
            n == 0
            and bool(self.empty_text)
            and not (self.model is not None and self.model.filter_text)
        )
        self.empty_label.setText(self.empty_text)
        self.stack.setCurrentWidget(self.empty_label if show_empty else self.view)


def readable_headers(table: QTableView) -> None:
    """Widen every column to at least its header's title, so no header is cut.

    A table wider than its view scrolls sideways instead. The stretched last column
    keeps its title too (the header's minimum section size covers it).
    """
    header = table.horizontalHeader()
    model = table.model()
    if model is None:
        return
    font = header.font()
    font.setBold(True)
    metrics = QFontMetrics(font)
    needed = []
    for column in range(model.columnCount()):
        text = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        width = metrics.horizontalAdvance(str(text or "")) + HEADER_ROOM
        needed.append(width)
        if header.sectionSize(column) < width:
            header.resizeSection(column, width)
    if needed and header.stretchLastSection():
        header.setMinimumSectionSize(max(header.minimumSectionSize(), needed[-1]))


def make_table_widget(headers: list[str]) -> QTableWidget:
    """A small read-only table of whole rows (select one row; columns fit their contents)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    readable_headers(table)
    return table
