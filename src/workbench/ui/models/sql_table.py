"""A table model over one SQLite table that loads rows lazily, a window at a time.

Nothing selects the whole table. The view asks for row ``i``; the model maps the
position to a rowid and fetches the block of ``block_rows`` rows around it:

- unsorted, unfiltered and with dense rowids (the usual case after an import), row
  ``i`` is simply ``rowid = first_rowid + i`` and a block is one ``rowid BETWEEN``
  range scan;
- otherwise (sort, filter, gaps after deletes) a temporary position index
  ``(pos INTEGER PRIMARY KEY, rid)`` is built once in SQL from
  ``SELECT rowid ... WHERE filter ORDER BY column`` and a block is a join on a
  ``pos BETWEEN`` range. Building it is one SQL statement (about a second for a
  million rows); every window after that costs a few milliseconds wherever it is.

Blocks are kept in a small LRU cache, so memory stays bounded however far one
scrolls. The model reads with the GUI-thread connection; it never writes the file
(the temporary index lives in SQLite's temp database, allowed read-only too).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication

_NUMERIC_TYPES = ("INT", "REAL", "FLOA", "DOUB", "NUM", "DEC")
_ids = itertools.count(1)
# Above this many rows, sorting or filtering shows a wait cursor (it takes ~0.5 s per 1M).
BUSY_CURSOR_ROWS = 100_000

Index = QModelIndex | QPersistentModelIndex

# Columns holding another record's CRM id, shown by that record's name: column ->
# (table, SQL expression of its name, header). The id stays in the tooltip and in
# UserRole; sorting and searching still use the id.
NAME_COLUMNS: dict[str, tuple[str, str, str]] = {
    "owner_crm_id": ("users", "name", "Owner"),
    "host_crm_id": ("users", "name", "Host"),
    "manager_crm_id": ("users", "name", "Manager"),
    "account_crm_id": ("accounts", "name", "Account"),
    "opportunity_crm_id": ("opportunities", "name", "Opportunity"),
    "contact_crm_id": ("contacts", "trim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))",
                       "Contact"),
}  # fmt: skip
NAME_CACHE = 5_000  # names remembered per model (the visible rows need a few dozen)


def column_label(name: str) -> str:
    """A readable header for a column name: ``account_crm_id`` -> ``Account CRM ID``."""
    words = name.split("_")
    small = {"id": "ID", "crm": "CRM", "url": "URL", "utc": "UTC"}
    text = " ".join(small.get(w, w) for w in words)
    return text[:1].upper() + text[1:]


def quote(name: str) -> str:
    """Quote an SQL identifier (table or column name)."""
    return '"' + name.replace('"', '""') + '"'


class SqlTableModel(QAbstractTableModel):
    """Rows of ``table`` (optionally restricted by ``where``), sortable and searchable.

    ``columns`` picks and orders the columns (default: all but ``hidden``);
    ``headers`` maps column names to header labels. ``where``/``params`` is a fixed
    condition (e.g. ``"import_id = ?"``). ``set_filter(text)`` keeps rows where any
    text column contains ``text``; ``sort(column, order)`` orders by a column.
    ``shown`` maps column names to how their values are shown (e.g. a stored moment in
    words); sorting and the filter still use the stored values.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        table: str,
        *,
        columns: Sequence[str] | None = None,
        hidden: Sequence[str] = (),
        headers: dict[str, str] | None = None,
        where: str = "",
        params: Sequence[Any] = (),
        block_rows: int = 256,
        max_blocks: int = 48,
        names: bool = True,
        shown: dict[str, Callable[[Any], str]] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._conn = conn
        self.table = table
        info = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
        if not info:
            raise ValueError(f"no table {table!r}")
        types = {row[1]: (row[2] or "").upper() for row in info}
        self.columns: list[str] = (
            list(columns) if columns else [name for name in types if name not in hidden]
        )
        self._numeric = [any(t in types.get(c, "") for t in _NUMERIC_TYPES) for c in self.columns]
        self._text_columns = [
            c for c in self.columns if not any(t in types.get(c, "") for t in _NUMERIC_TYPES)
        ]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self._names = {
            i: NAME_COLUMNS[c]
            for i, c in enumerate(self.columns)
            if names and c in NAME_COLUMNS and NAME_COLUMNS[c][0] in tables
        }
        self._name_cache: dict[tuple[int, str], str | None] = {}
        self._shown = {self.columns.index(c): f for c, f in (shown or {}).items()}
        self._headers = {
            **{self.columns[i]: spec[2] for i, spec in self._names.items()},
            **(headers or {}),
        }
        self._where = where
        self._params = tuple(params)
        self._block_rows = block_rows
        self._max_blocks = max_blocks
        self._index_table = f"wb_rows_{next(_ids)}"
        self._filter = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._blocks: OrderedDict[int, list[tuple]] = OrderedDict()
        self._rows = 0
        self._first_rowid = 0
        self._indexed = False
        self._select_list = ", ".join(f"t.{quote(c)}" for c in self.columns)
        self._locate()

    # --------------------------------------------------------------- locating
    def _condition(self) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        if self._where:
            parts.append(f"({self._where})")
            params.extend(self._params)
        if self._filter and self._text_columns:
            needle = (
                "%"
                + self._filter.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            parts.append(
                "("
                + " OR ".join(f"{quote(c)} LIKE ? ESCAPE '\\'" for c in self._text_columns)
                + ")"
            )
            params.extend([needle] * len(self._text_columns))
        return (" WHERE " + " AND ".join(parts)) if parts else "", params

    def _locate(self) -> None:
        """Work out how positions map to rows for the current sort and filter."""
        self._drop_index()
        self._blocks.clear()
        table = quote(self.table)
        where, params = self._condition()
        if not where and self._sort_column < 0:
            # Three statements, not one: SQLite answers each of them from a b-tree
            # edge or its count optimisation, but a combined query scans the table.
            n = self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            lo = self._conn.execute(f"SELECT min(rowid) FROM {table}").fetchone()[0]
            hi = self._conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
            if n == 0 or (hi - lo + 1) == n:
                self._indexed = False
                self._rows = int(n)
                self._first_rowid = int(lo or 0)
                return
        order = "rowid"
        if self._sort_column >= 0:
            direction = "DESC" if self._sort_order == Qt.SortOrder.DescendingOrder else "ASC"
            column = quote(self.columns[self._sort_column])
            order = f"{column} IS NULL, {column} {direction}, rowid"
        self._conn.execute(
            f"CREATE TEMP TABLE {self._index_table} (pos INTEGER PRIMARY KEY, rid INTEGER)"
        )
        self._conn.execute(
            f"INSERT INTO temp.{self._index_table} (rid) "
            f"SELECT rowid FROM {table}{where} ORDER BY {order}",
            params,
        )
        self._indexed = True
        self._rows = int(
            self._conn.execute(f"SELECT count(*) FROM temp.{self._index_table}").fetchone()[0]
        )

    def _relocate(self) -> None:
        """``_locate`` with a wait cursor when it may take a noticeable moment."""
        if self._rows < BUSY_CURSOR_ROWS:
            self._locate()
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._locate()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _drop_index(self) -> None:
        if self._indexed:
            try:
                self._conn.execute(f"DROP TABLE IF EXISTS temp.{self._index_table}")
            except sqlite3.ProgrammingError:  # connection already closed
                pass
            self._indexed = False

    def _block(self, number: int) -> list[tuple]:
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        start = number * self._block_rows
        end = min(start + self._block_rows, self._rows) - 1
        table = quote(self.table)
        if self._indexed:
            sql = (
                f"SELECT {self._select_list} FROM temp.{self._index_table} AS p "
                f"JOIN {table} AS t ON t.rowid = p.rid "
                "WHERE p.pos BETWEEN ? AND ? ORDER BY p.pos"
            )
            bounds = (start + 1, end + 1)
        else:
            sql = (
                f"SELECT {self._select_list} FROM {table} AS t "
                "WHERE t.rowid BETWEEN ? AND ? ORDER BY t.rowid"
            )
            bounds = (self._first_rowid + start, self._first_rowid + end)
        block = self._conn.execute(sql, bounds).fetchall()
        self._blocks[number] = block
        if len(self._blocks) > self._max_blocks:
            self._blocks.popitem(last=False)
        return block

    # ----------------------------------------------------------------- public
    def row(self, position: int) -> tuple:
        """The values of the row at ``position`` (in ``columns`` order)."""
        block = self._block(position // self._block_rows)
        return block[position % self._block_rows]

    def row_dict(self, position: int) -> dict[str, Any]:
        return dict(zip(self.columns, self.row(position), strict=True))

    def set_filter(self, text: str) -> None:
        """Keep only rows where a text column contains ``text`` (case-insensitive)."""
        text = text.strip()
        if text == self._filter:
            return
        self.beginResetModel()
        self._filter = text
        self._relocate()
        self.endResetModel()

    def refresh(self) -> None:
        """Re-read the table (after an import changed it)."""
        self.beginResetModel()
        self._relocate()
        self.endResetModel()

    def close(self) -> None:
        """Drop the temporary index (call before closing the connection)."""
        self._drop_index()
        self._blocks.clear()

    @property
    def filter_text(self) -> str:
        return self._filter

    # -------------------------------------------------------------- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._rows:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.row(index.row())[index.column()]
            if value is None:
                return ""
            if isinstance(value, float):
                return f"{value:,.2f}"
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
                return f"{value:,}"
            if index.column() in self._shown:
                return self._shown[index.column()](value)
            text = str(value)
            if index.column() in self._names:
                name = self._name(index.column(), text)
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{name} ({text})" if name else text
                return name or text
            if role == Qt.ItemDataRole.ToolTipRole:
                return text if len(text) > 40 else None
            return text if len(text) <= 300 else text[:300] + "..."
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[index.column()]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return self.row(index.row())[index.column()]
        return None

    def _name(self, column: int, crm_id: str) -> str | None:
        """The name of the record ``crm_id`` refers to in ``column`` (None if unknown)."""
        key = (column, crm_id)
        if key not in self._name_cache:
            if len(self._name_cache) >= NAME_CACHE:
                self._name_cache.clear()
            table, expression, _header = self._names[column]
            row = self._conn.execute(
                f"SELECT {expression} FROM {quote(table)} WHERE crm_id = ? LIMIT 1", (crm_id,)
            ).fetchone()
            self._name_cache[key] = (row[0] or None) if row else None
        return self._name_cache[key]

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and orientation == Qt.Orientation.Horizontal
            and self._numeric[section]
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            name = self.columns[section]
            return self._headers.get(name, column_label(name))
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column == self._sort_column and order == self._sort_order:
            return
        self.beginResetModel()
        self._sort_column = column if 0 <= column < len(self.columns) else -1
        self._sort_order = order
        self._relocate()
        self.endResetModel()
