"""The Audits page's Baselines tab: the four-quarter baselines of one segment.

The consultant picks a segment (one record type, opportunity type or pipeline) and
optionally a split; the figures come from
``workbench.audits.operations.segment_baselines``, which stores them as a run every
document reads, and the tab says which run it shows.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.audits import operations as ops
from workbench.audits.baselines import ALL
from workbench.errors import WorkbenchError
from workbench.ui import asof
from workbench.ui.dialogs import show_error
from workbench.ui.tables import make_table_widget

# The fields a deal's segment is read from, as the customer names them (the column
# in the opportunities table, the words on screen).
SEGMENT_CHOICES = (
    ("record_type", "Record type"),
    ("type", "Opportunity type"),
    ("pipeline", "Pipeline"),
)
WHOLE = "Whole pipeline"
HEADERS = ["Quarter", "Group", "Won", "Lost", "Win rate", "Average deal size",
           "Median cycle (days)", "Slipped"]  # fmt: skip
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
VALUES_SHOWN = 200  # distinct values offered per field (a CRM rarely has more)


def segment_values(eng, field: str) -> list[str]:
    """The distinct non-blank values of ``field`` on the opportunities, most deals first."""
    return [
        r[0]
        for r in eng.conn.execute(
            f"SELECT {field} FROM opportunities WHERE trim(coalesce({field}, '')) <> '' "  # noqa: S608 - field from SEGMENT_CHOICES
            f"GROUP BY {field} ORDER BY count(*) DESC, {field} LIMIT ?",
            (VALUES_SHOWN,),
        )
    ]


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


class BaselinesTab(QWidget):
    """Segment and split pickers, a Show button, the baselines table and its run."""

    def __init__(self, context) -> None:
        super().__init__()
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Deals of"))
        self.field_combo = QComboBox()
        self.field_combo.addItem(WHOLE, None)
        for field, words in SEGMENT_CHOICES:
            self.field_combo.addItem(words, field)
        self.field_combo.currentIndexChanged.connect(self._fill_values)
        row.addWidget(self.field_combo)
        self.value_combo = QComboBox()
        self.value_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(self.value_combo)
        row.addWidget(QLabel("split by"))
        self.by_combo = QComboBox()
        self.by_combo.addItem("nothing", None)
        for field, words in SEGMENT_CHOICES:
            self.by_combo.addItem(words.lower(), field)
        row.addWidget(self.by_combo)
        self.show_button = QPushButton("Show baselines")
        self.show_button.setToolTip(
            "Compute the baselines of these deals and keep them as a stored run"
        )
        self.show_button.setEnabled(not context.read_only)
        self.show_button.clicked.connect(self.show_segment)
        row.addWidget(self.show_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.run_label = QLabel("Pick the deals and press Show baselines.")
        self.run_label.setObjectName("muted")
        self.run_label.setWordWrap(True)
        layout.addWidget(self.run_label)
        self.table: QTableWidget = make_table_widget(HEADERS)
        layout.addWidget(self.table, 1)
        self.notes = QLabel()
        self.notes.setObjectName("muted")
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        self._fill_values()

    def _fill_values(self) -> None:
        field = self.field_combo.currentData()
        self.value_combo.clear()
        self.value_combo.setEnabled(field is not None)
        if field is None:
            return
        values = segment_values(self.context.engagement, field)
        for value in values:
            self.value_combo.addItem(value, value)
        if not values:
            self.value_combo.addItem("(no values in the data)", None)
            self.value_combo.setEnabled(False)

    def request(self) -> ops.SegmentBaselines:
        """What the pickers ask for (raises WorkbenchError when a segment has no value)."""
        field = self.field_combo.currentData()
        where = {}
        if field is not None:
            value = self.value_combo.currentData()
            if value is None:
                raise WorkbenchError(
                    f"No deal has a {self.field_combo.currentText().lower()}; "
                    "pick another field or the whole pipeline."
                )
            where = {field: value}
        return ops.SegmentBaselines(where, self.by_combo.currentData())

    def show_segment(self) -> None:
        try:
            self.context.runner.run(
                "Computing the baselines",
                ops.segment_baselines,
                self.request(),
                writes=True,
                on_success=self.show_outcome,
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def show_outcome(self, outcome) -> None:
        result, run = outcome.result, outcome.run
        by = run.parameters.get("by") if isinstance(run.parameters, dict) else None
        scopes = ("overall",) + ((by,) if by else ())
        rows = [r for r in result.rows if r.scope in scopes]
        rows.sort(key=lambda r: (r.quarter == ALL, r.quarter, r.scope != "overall", r.name))
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [
                "Four quarters" if r.quarter == ALL else r.quarter,
                "All deals shown" if r.scope == "overall" else r.name or r.key,
                f"{r.won:,}",
                f"{r.lost:,}",
                _pct(r.win_rate),
                _money(r.avg_deal_size),
                _num(r.cycle_median_days),
                f"{r.slipped:,}",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j >= 2:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(i, j, item)
        self.run_label.setText(f"Baselines {asof.run_label(run)}.")
        self.notes.setText("\n".join(result.notes))
