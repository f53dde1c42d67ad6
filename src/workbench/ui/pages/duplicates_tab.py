"""The Audits page's Duplicates tab: asserted duplicates and pairs to review, side by side.

Left, the duplicate accounts the model asserts (one row per pair, grouped by cluster);
right, the possible duplicates to review. Selecting a pair on either side shows each
field's evidence (what agreed or differed and its weight for or against); Same and
Different record the consultant's decision, which the next run follows and learns from.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.audits.dedup import DuplicatePair
from workbench.audits.dedup_decisions import PairDecision, record_decision
from workbench.audits.dedup_model import FIELD_LABELS
from workbench.errors import WorkbenchError
from workbench.ui.dialogs import show_error
from workbench.ui.tables import readable_headers

PAIR_HEADERS = ["Cluster", "First record", "Second record", "Probability", "Decision"]
REVIEW_HEADERS = ["First record", "Second record", "Probability", "Decision"]


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    readable_headers(table)
    return table


class DuplicatesTab(QWidget):
    """Both tiers of duplicate accounts, each pair's evidence, and the decision buttons."""

    def __init__(self, context) -> None:
        super().__init__()
        self.context = context
        self.asserted: list[tuple[int, DuplicatePair]] = []
        self.review: list[DuplicatePair] = []
        self.names: dict[str, str] = {}
        self.current: DuplicatePair | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.note = QLabel("Run the CRM hygiene audit to find duplicate accounts.")
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        sides = QSplitter(Qt.Orientation.Horizontal)
        self.asserted_table = _table(PAIR_HEADERS)
        self.review_table = _table(REVIEW_HEADERS)
        for title, table in (("Duplicates (asserted)", self.asserted_table),
                             ("Possible duplicates to review", self.review_table)):  # fmt: skip
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            heading = QLabel(title)
            heading.setObjectName("sectionTitle")
            box_layout.addWidget(heading)
            box_layout.addWidget(table, 1)
            sides.addWidget(box)
        self.asserted_table.itemSelectionChanged.connect(
            lambda: self._select(self.asserted_table, [p for _, p in self.asserted])
        )
        self.review_table.itemSelectionChanged.connect(
            lambda: self._select(self.review_table, self.review)
        )
        layout.addWidget(sides, 3)
        self.pair_label = QLabel("Select a pair to see the evidence.")
        self.pair_label.setWordWrap(True)
        layout.addWidget(self.pair_label)
        self.evidence = _table(["Field", "What the records show", "Weight"])
        layout.addWidget(self.evidence, 2)
        buttons = QHBoxLayout()
        self.same_button = QPushButton("Same company")
        self.same_button.setToolTip("Record that these two accounts are one company")
        self.same_button.clicked.connect(lambda: self.decide(True))
        self.different_button = QPushButton("Different companies")
        self.different_button.setToolTip("Record that these are two companies")
        self.different_button.clicked.connect(lambda: self.decide(False))
        buttons.addWidget(self.same_button)
        buttons.addWidget(self.different_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._enable()

    # ------------------------------------------------------------------ showing
    def show_result(self, result) -> None:
        """Fill both sides from a CRM hygiene result."""
        self.asserted = [(k, p) for k, c in enumerate(result.duplicate_accounts, start=1)
                         for p in c.pairs]  # fmt: skip
        self.names = {i: n for c in result.duplicate_accounts
                      for i, n in zip(c.ids, c.names, strict=False)}  # fmt: skip
        self.review = list(result.possible_duplicate_accounts)
        self._names_for_review()
        self._fill(self.asserted_table, [[str(k), *self._row(p)] for k, p in self.asserted])
        self._fill(self.review_table, [self._row(p) for p in self.review])
        evidence = getattr(result, "duplicate_evidence", {}) or {}
        missing = evidence.get("missing") or []
        text = (f"{len(result.duplicate_accounts):,} clusters of duplicate accounts asserted; "
                f"{len(self.review):,} pairs to review.")  # fmt: skip
        if missing:
            text += " Not in the data, so not weighed: " + ", ".join(missing) + "."
        self.note.setText(text)
        self.current = None
        self._show_pair(None)

    def _names_for_review(self) -> None:
        ids = sorted({i for p in self.review for i in (p.a, p.b)} - set(self.names))
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        rows = self.context.engagement.conn.execute(
            f"SELECT crm_id, name FROM accounts WHERE crm_id IN ({marks})", ids
        ).fetchall()
        self.names.update({crm_id: name or "" for crm_id, name in rows})

    def _row(self, p: DuplicatePair) -> list[str]:
        decision = {"same": "Same", "different": "Different"}.get(p.decision, "")
        return [self._label(p.a), self._label(p.b), f"{p.probability:.1%}", decision]

    def _label(self, crm_id: str) -> str:
        name = self.names.get(crm_id, "")
        return f"{name} ({crm_id})" if name else crm_id

    @staticmethod
    def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    def _select(self, table: QTableWidget, pairs: list[DuplicatePair]) -> None:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return
        other = self.review_table if table is self.asserted_table else self.asserted_table
        other.blockSignals(True)
        other.clearSelection()
        other.blockSignals(False)
        self._show_pair(pairs[rows[0].row()])

    def _show_pair(self, pair: DuplicatePair | None) -> None:
        self.current = pair
        if pair is None:
            self.pair_label.setText("Select a pair to see the evidence.")
            self._fill(self.evidence, [])
        else:
            self.pair_label.setText(
                f"{self._label(pair.a)} and {self._label(pair.b)}: match probability "
                f"{pair.probability:.1%} (weight {pair.match_weight:+.1f})"
            )
            self._fill(self.evidence, [
                [FIELD_LABELS.get(e.field, e.field), text.rsplit(":", 1)[0], f"{e.weight:+.1f}"]
                for e, text in zip(pair.evidence, pair.matched, strict=False)
            ])  # fmt: skip
        self._enable()

    def _enable(self) -> None:
        ok = self.current is not None and not self.context.read_only
        self.same_button.setEnabled(ok)
        self.different_button.setEnabled(ok)

    # ------------------------------------------------------------------ deciding
    def decide(self, same: bool) -> None:
        pair = self.current
        if pair is None:
            return
        try:
            self.context.runner.run(
                "Saving the decision", record_decision, PairDecision(pair.a, pair.b, same), writes=True,
                on_success=lambda decision: self._decided(pair, decision),
            )  # fmt: skip
        except WorkbenchError as exc:
            show_error(self, exc)

    def _decided(self, pair: DuplicatePair, decision: PairDecision) -> None:
        pair.decision = "same" if decision.same else "different"
        for table, pairs, column in ((self.asserted_table, [p for _, p in self.asserted], 4),
                                     (self.review_table, self.review, 3)):  # fmt: skip
            for r, p in enumerate(pairs):
                if p is pair:
                    table.setItem(r, column, QTableWidgetItem(pair.decision.capitalize()))
