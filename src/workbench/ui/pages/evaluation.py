"""Evaluation page: the platform evaluation matrix, edited inline.

Weights and scores are edited in the matrix (one evaluator at a time, or the
consensus to read); totals, ranks, sensitivity and the charts update at once from
the in-memory matrix, and the change is written in the background through the task
runner. TCO inputs have their own tab; Excel export and import (with a list of the
changes to confirm) are header actions.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.evaluation import (
    TEMPLATE_NAMES,
    EvaluationSummary,
    current_evaluation_id,
    edit,
    load_matrix,
    summarise,
    totals_figure,
    win_probability_figure,
)
from workbench.evaluation import operations as ops
from workbench.evaluation.model import Matrix, Score
from workbench.evaluation.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED
from workbench.evaluation.workbook import licence_roles
from workbench.evaluation.workbook_import import ImportDiff
from workbench.models.runs import Run
from workbench.models.vocabulary import count as plural_count
from workbench.ui import asof
from workbench.ui.charts import ChartView
from workbench.ui.dialogs import show_error, show_info
from workbench.ui.flow import wrapping_row
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.tables import readable_headers

CONSENSUS = "Consensus (mean of evaluators)"
DISAGREE = QColor("#fde2c8")
FROM_TCO = QColor("#e3eef9")
TOTALS = QColor("#f4f6f8")
LEGEND = (
    (DISAGREE, "evaluators disagree by 2+ points"),
    (FROM_TCO, "score from the TCO pricing rule"),
    (TOTALS, "weighted totals and rank"),
)
TCO_FIELDS = ("discount", "implementation", "integration", "training")


def _number(value: float) -> str:
    """A number as typed: thousands separators, decimals only when it has some."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _item(text: str, *, editable: bool = False, align_right: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if editable:
        flags |= Qt.ItemFlag.ItemIsEditable
    item.setFlags(flags)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class Page(BasePage):
    title = "Evaluation"
    subtitle = (
        "Platform evaluation matrix: weights, independent scores with evidence, TCO, "
        "and how robust the winner is."
    )
    topics = ("evaluation",)

    def __init__(self, context) -> None:
        super().__init__(context)
        self.matrix: Matrix | None = None
        self.summary: EvaluationSummary | None = None
        self._filling = False
        self.run: Run | None = None
        self._pending = 0  # edits sent to the runner and not yet written
        self._refresh_wanted = False
        self.add_action("Start from template...", self.start_from_template, writes=True)
        # actions that need an evaluation: disabled while there is none
        self.needs_evaluation = [
            self.add_action("Normalise weights", self.normalise, writes=True),
            self.add_action("Select platform...", self.select_platform, writes=True),
            self.add_action("Import from Excel...", self.import_clicked, writes=True),
            self.add_action("Export to Excel...", self.export_clicked, primary=True),
        ]

        self.bar = QWidget()
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Scores shown:"))
        self.evaluator_box = QComboBox()
        self.evaluator_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.evaluator_box.currentIndexChanged.connect(self._fill_matrix)
        bar.addWidget(self.evaluator_box)
        self.weights_label = QLabel()
        self.weights_label.setWordWrap(True)
        bar.addWidget(self.weights_label, 1)
        self.add_vendor_button = QPushButton("Add vendor...")
        self.add_vendor_button.clicked.connect(self.add_vendor)
        self.add_criterion_button = QPushButton("Add criterion...")
        self.add_criterion_button.clicked.connect(self.add_criterion)
        for button in (self.add_vendor_button, self.add_criterion_button):
            button.setEnabled(not context.read_only)
            bar.addWidget(button)
        self.body.addWidget(self.bar)

        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        # Matrix tab: the table, the evidence of the selected cell, the totals chart.
        matrix_tab = QWidget()
        layout = QVBoxLayout(matrix_tab)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget()
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._matrix_edited)
        self.table.currentCellChanged.connect(self._show_evidence)
        left_layout.addWidget(self.table, 1)
        self.legend = self._legend()
        left_layout.addWidget(self.legend)
        row = QHBoxLayout()
        row.addWidget(QLabel("Evidence:"))
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText(
            "Select a score of one evaluator to read or write its evidence; Enter saves."
        )
        self.evidence.returnPressed.connect(self._save_evidence)
        row.addWidget(self.evidence, 1)
        left_layout.addLayout(row)
        self.recommendation = QLabel()
        self.recommendation.setWordWrap(True)
        self.recommendation.setObjectName("muted")
        left_layout.addWidget(self.recommendation)
        split.addWidget(left)
        self.totals_chart = ChartView()
        split.addWidget(self.totals_chart)
        split.setSizes([600, 500])  # the chart needs room for its legend on a laptop
        layout.addWidget(split)
        self.tabs.addTab(matrix_tab, "Matrix")
        # Robustness tab: exact sensitivity and Monte Carlo.
        robust = QWidget()
        robust_layout = QHBoxLayout(robust)
        self.sensitivity_table = QTableWidget()
        self.sensitivity_table.verticalHeader().setVisible(False)
        robust_layout.addWidget(self.sensitivity_table, 3)
        self.mc_chart = ChartView()
        robust_layout.addWidget(self.mc_chart, 2)
        self.tabs.addTab(robust, "Sensitivity")
        # TCO tab.
        tco_tab = QWidget()
        tco_layout = QVBoxLayout(tco_tab)
        options = QHBoxLayout()
        options.addWidget(QLabel("Contract term (years):"))
        self.years = QLineEdit()
        self.years.setMaximumWidth(60)
        self.years.editingFinished.connect(self._years_edited)
        options.addWidget(self.years)
        self.pricing_rule = QLabel()
        self.pricing_rule.setObjectName("muted")
        self.pricing_rule.setWordWrap(True)
        options.addWidget(self.pricing_rule, 1)
        tco_layout.addLayout(options)
        self.tco_table = QTableWidget()
        self.tco_table.itemChanged.connect(self._tco_edited)
        tco_layout.addWidget(self.tco_table, 1)
        self.tabs.addTab(tco_tab, "TCO")
        # Pilot tab: ratings 1-5 per vendor and pilot measure; fed into scores on request.
        pilot_tab = QWidget()
        pilot_layout = QVBoxLayout(pilot_tab)
        pilot_note = QLabel(
            "Pilot ratings 1-5 (2-4 week pilot, 5-10 users). 'Feed into scores' adds them as "
            "the evaluator 'Pilot': its score on a criterion is the mean of the measures mapped "
            "to it, rounded to a whole number, so the pilot counts as one more evaluator."
        )
        pilot_note.setObjectName("muted")
        pilot_note.setWordWrap(True)
        pilot_layout.addWidget(pilot_note)
        self.pilot_table = QTableWidget()
        self.pilot_table.itemChanged.connect(self._pilot_edited)
        pilot_layout.addWidget(self.pilot_table, 1)
        self.feed_pilot_button = QPushButton("Feed pilot results into the scores")
        self.feed_pilot_button.clicked.connect(self.feed_pilot)
        self.feed_pilot_button.setEnabled(not context.read_only)
        pilot_layout.addWidget(self.feed_pilot_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(pilot_tab, "Pilot")
        # Empty state: what to do when the engagement has no evaluation yet.
        self.empty_box = QWidget()
        empty_layout = QVBoxLayout(self.empty_box)
        empty_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(
            "No platform evaluation yet. Start one from a template: the seeds' scorecard "
            "(criteria, weights, vendors, evaluators, 1-5 scale), all editable afterwards."
        )
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        empty_layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        for name in TEMPLATE_NAMES:
            button = QPushButton(f"Start {name.replace('-', ' ')} evaluation")
            button.clicked.connect(lambda _=False, n=name: self.start(n))
            button.setEnabled(not context.read_only)
            buttons.addWidget(button)
        buttons.addStretch(1)
        empty_layout.addLayout(buttons)
        empty_layout.addStretch(1)
        self.body.addWidget(self.empty_box, 1)

    def _legend(self) -> QWidget:
        """What the matrix's shaded cells mean: a swatch of each colour and its words.
        The entries wrap onto more rows on a narrow screen (the chart keeps its room)."""
        box, flow = wrapping_row()
        box.setObjectName("matrixLegend")
        self.legend_entries: dict[str, QLabel] = {}
        for colour, words in LEGEND:
            entry = QWidget()
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            swatch = QLabel()
            swatch.setObjectName("legendSwatch")
            swatch.setFixedSize(14, 14)
            swatch.setStyleSheet(f"background: {colour.name()}; border: 1px solid #9aa5b1;")
            text = QLabel(words)
            text.setObjectName("muted")
            row.addWidget(swatch)
            row.addWidget(text)
            flow.addWidget(entry)
            self.legend_entries[colour.name()] = text
        return box

    # ------------------------------------------------------------------ reading
    def as_of_text(self) -> str | None:
        eng = self.context.engagement
        if current_evaluation_id(eng) is None:
            return None  # no figures yet: the page offers to start an evaluation
        text = f"Totals computed from the scores as entered (data as of {asof.day(eng.as_of())}). "
        if self.run is not None and not self.run.id:
            return text + (
                "Robustness and sensitivity computed now with the stored draws and seed: the "
                "stored runs are older than the scores ('workbench evaluate FILE' stores them)."
            )
        return text + asof.runs_text(
            eng,
            ("evaluation:monte-carlo", "evaluation:sensitivity"),
            missing="Robustness and sensitivity not stored yet ('workbench evaluate FILE').",
        )

    def refresh(self) -> None:
        if self._pending:
            self._refresh_wanted = True  # re-read once the queued edits are written
            return
        self._refresh_wanted = False
        eng = self.context.engagement
        has = current_evaluation_id(eng) is not None
        self.matrix = load_matrix(eng) if has else None
        self.run = ops.evaluation_summary(eng, store=False)[1] if has else None
        self.tabs.setVisible(has)
        self.bar.setVisible(has)
        self.empty_box.setVisible(not has)
        for button in self.needs_evaluation:
            button.setEnabled(
                has and (button.objectName() == "primary" or not self.context.read_only)
            )
        if not has:
            return
        self.set_header(f"Evaluation: {self.matrix.name}", self.subtitle)
        current = self.evaluator_box.currentText()
        self.evaluator_box.blockSignals(True)
        self.evaluator_box.clear()
        self.evaluator_box.addItems([CONSENSUS] + [e.name for e in self.matrix.evaluators])
        index = self.evaluator_box.findText(current)
        self.evaluator_box.setCurrentIndex(max(index, 0))
        self.evaluator_box.blockSignals(False)
        self._recompute()

    def _recompute(self) -> None:
        """Recalculate everything from the in-memory matrix and redraw (no file access)."""
        assert self.matrix is not None
        params = self.run.parameters if self.run is not None else {}
        self.summary = summarise(
            self.matrix,
            draws=int(params.get("draws", DEFAULT_DRAWS)),
            seed=int(params.get("seed", DEFAULT_SEED)),
        )
        check = self.summary.results.weight_check
        self.weights_label.setText("Weights sum to 100%." if check.ok else check.message)
        self.weights_label.setStyleSheet("" if check.ok else "color: #b3261e; font-weight: 600;")
        self.recommendation.setText(
            self.summary.recommendation
            + (
                f"  Selected platform: {self.matrix.selected_vendor}."
                if self.matrix.selected_vendor
                else ""
            )
            + (
                f"  Robustness and sensitivity: {asof.run_label(self.run)}."
                if self.run is not None and not self._pending
                else ""
            )
        )
        self._fill_matrix()
        self._fill_sensitivity()
        self._fill_tco()
        self._fill_pilot()
        self.totals_chart.set_figure(totals_figure(self.summary.results, width_in=6.0))
        self.mc_chart.set_figure(
            win_probability_figure(self.summary.monte_carlo, width_in=5.0)
            if self.summary.monte_carlo
            else None
        )

    def evaluator(self) -> str | None:
        """The evaluator whose scores are shown and edited (None: the consensus)."""
        text = self.evaluator_box.currentText()
        return None if text in ("", CONSENSUS) else text

    def _fill_matrix(self) -> None:
        if self.matrix is None or self.summary is None:
            return
        m, r = self.matrix, self.summary.results
        who = self.evaluator()
        evaluator = next((e for e in m.evaluators if e.name == who), None)
        cells = {(c.vendor, c.criterion): c for c in r.consensus}
        by = {v.name: v for v in r.vendors}
        self._filling = True
        t = self.table
        keep = (t.currentRow(), t.currentColumn())
        t.clear()
        t.setColumnCount(2 + len(m.vendors))
        t.setRowCount(len(m.criteria) + 3)
        t.setHorizontalHeaderLabels(["Criterion", "Weight %"] + [v.name for v in m.vendors])
        readable_headers(t)
        for i, c in enumerate(m.criteria):
            name = _item(c.name, align_right=False)
            name.setToolTip(
                c.description
                + ("\nChecks: " + "; ".join(s.name for s in c.subcriteria) if c.subcriteria else "")
            )
            t.setItem(i, 0, name)
            t.setItem(i, 1, _item(f"{c.weight:g}", editable=not self.context.read_only))
            for j, v in enumerate(m.vendors):
                cell = cells[(v.name, c.name)]
                if evaluator is None:
                    text = "" if cell.score is None else f"{cell.score:.2f}"
                    item = _item(text)
                else:
                    own = m.score_of(evaluator.id, v.id, c.id)
                    item = _item(str(own.score) if own else "", editable=not self.context.read_only)
                tip = ", ".join(f"{k} {s}" for k, s in cell.by_evaluator.items()) or "not scored"
                if cell.source == "tco":
                    item.setBackground(QBrush(FROM_TCO))
                    tip = "Consensus from TCO (pricing rule). Evaluators: " + tip
                elif cell.disagreement:
                    item.setBackground(QBrush(DISAGREE))
                    tip = "Evaluators disagree by 2+ points: " + tip
                item.setToolTip(tip)
                t.setItem(i, 2 + j, item)
        base = len(m.criteria)
        for k, label in enumerate(("Weighted total (1-5)", "Weighted total (%)", "Rank")):
            head = _item(label, align_right=False)
            head.setBackground(QBrush(TOTALS))
            t.setItem(base + k, 0, head)
            t.setItem(base + k, 1, _item(""))
            for j, v in enumerate(m.vendors):
                res = by[v.name]
                text = (
                    f"{res.total:.2f}",
                    f"{res.total_pct:.1f}%",
                    str(res.rank) if res.rank else "-",
                )[k]
                item = _item(text)
                item.setBackground(QBrush(TOTALS))
                if res.rank == 1 and k == 2:
                    item.setText("1 (leader)")
                t.setItem(base + k, 2 + j, item)
        t.resizeColumnsToContents()
        if keep[0] >= 0 and keep[0] < t.rowCount() and keep[1] < t.columnCount():
            t.setCurrentCell(*keep)  # typing scores row after row survives the refresh
        self._filling = False

    def _fill_sensitivity(self) -> None:
        t = self.sensitivity_table
        rows = self.summary.sensitivity or [] if self.summary else []
        t.clear()
        t.setColumnCount(4)
        t.setHorizontalHeaderLabels(["Criterion", "Weight %", "If raised", "If lowered"])
        readable_headers(t)
        t.setRowCount(len(rows))
        for i, s in enumerate(rows):
            up = (
                f"at {s.up_to_pct:.1f}% (+{s.up_change_pts:.1f}) {s.up_new_leader} leads"
                if s.up_to_pct is not None
                else "first place holds to 100%"
            )
            down = (
                f"at {s.down_to_pct:.1f}% ({s.down_change_pts:.1f}) {s.down_new_leader} leads"
                if s.down_to_pct is not None
                else "first place holds to 0%"
            )
            for col, text in enumerate((s.criterion, f"{s.weight_pct:.1f}", up, down)):
                t.setItem(i, col, _item(text, align_right=col == 1))
        t.resizeColumnsToContents()

    def _fill_tco(self) -> None:
        m = self.matrix
        if m is None or self.summary is None:
            return
        self.years.setText(str(m.tco_years))
        self.pricing_rule.setText(
            f"TCO = licences x {m.tco_years} years x (1 - discount) + one-off costs. Pricing "
            f"score: cheapest = 5, every {m.pricing_step_pct:g}% dearer = -1 (min 1)"
            + ("; it replaces the evaluators' pricing scores." if m.pricing_from_tco else ".")
        )
        roles = licence_roles(m)
        self._tco_columns = (
            [f"seats.{r}" for r in roles] + [f"price.{r}" for r in roles] + list(TCO_FIELDS)
        )
        heads = (
            [f"Seats {r}" for r in roles]
            + [f"{r} price/seat/yr" for r in roles]
            + [
                "Discount %",
                "Implementation",
                "Integration",
                "Training",
                "TCO",
                "Per seat",
                "Pricing score",
            ]
        )
        t = self.tco_table
        self._filling = True
        t.clear()
        t.setColumnCount(len(heads))
        t.setRowCount(len(m.vendors))
        t.setHorizontalHeaderLabels(heads)
        readable_headers(t)
        t.setVerticalHeaderLabels([v.name for v in m.vendors])
        results = {r.vendor: r for r in self.summary.tco}
        for i, v in enumerate(m.vendors):
            tco = m.tco.get(v.id)
            lic = {x.role: x for x in (tco.licences if tco else [])}
            values = (
                [lic[r].seats if r in lic else 0 for r in roles]
                + [lic[r].price_per_seat_year if r in lic else 0 for r in roles]
                + [
                    tco.discount_pct if tco else 0,
                    tco.implementation if tco else 0,
                    tco.integration if tco else 0,
                    tco.training if tco else 0,
                ]
            )
            for j, value in enumerate(values):
                t.setItem(i, j, _item(_number(value), editable=not self.context.read_only))
            res = results[v.name]
            outputs = (
                f"{res.total:,.0f}" if res.has_costs else "",
                f"{res.per_seat:,.0f}" if res.per_seat else "",
                f"{res.pricing_score:.2f}" if res.pricing_score is not None else "",
            )
            for k, text in enumerate(outputs):
                item = _item(text)
                item.setBackground(QBrush(TOTALS))
                t.setItem(i, len(values) + k, item)
        t.resizeColumnsToContents()
        self._filling = False

    def _fill_pilot(self) -> None:
        m = self.matrix
        if m is None:
            return
        ratings = {(r.vendor_id, r.metric_id): r for r in m.pilot_results}
        criteria = {c.id: c.name for c in m.criteria}
        t = self.pilot_table
        self._filling = True
        t.clear()
        t.setRowCount(len(m.vendors))
        t.setColumnCount(len(m.pilot_metrics))
        t.setHorizontalHeaderLabels([p.name for p in m.pilot_metrics])
        readable_headers(t)
        t.setVerticalHeaderLabels([v.name for v in m.vendors])
        for j, p in enumerate(m.pilot_metrics):
            header = t.horizontalHeaderItem(j)
            header.setToolTip(f"Feeds: {criteria.get(p.criterion_id, 'no criterion')}")
            for i, v in enumerate(m.vendors):
                r = ratings.get((v.id, p.id))
                item = _item(str(r.rating) if r else "", editable=not self.context.read_only)
                if r and (r.measured or r.note):
                    item.setToolTip("; ".join(x for x in (r.measured, r.note) if x))
                t.setItem(i, j, item)
        t.resizeColumnsToContents()
        self._filling = False

    # ------------------------------------------------------------------ editing
    def _write(self, title: str, change: ops.EvaluationEdit) -> None:
        """Send one edit to the runner (writes run one after another in the order
        typed); the page re-reads the file only once every sent edit is written."""
        try:
            self.context.runner.run(
                title,
                ops.edit_evaluation,
                change,
                writes=True,
                on_success=self._write_done,
                on_failure=self._write_failed,
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            self.refresh()
            return
        self._pending += 1

    def _write_done(self, _result: object) -> None:
        self._pending = max(self._pending - 1, 0)
        if not self._pending and self._refresh_wanted:
            self.refresh()

    def _write_failed(self, outcome) -> None:
        self._pending = 0  # the runner dropped the edits typed on top of the refused one
        show_error(self, outcome.error, outcome.details)
        self.refresh()

    def _matrix_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self.matrix is None:
            return
        row, col = item.row(), item.column()
        if row >= len(self.matrix.criteria):
            return
        criterion = self.matrix.criteria[row]
        text = item.text().strip()
        try:
            if col == 1:
                pct = edit.parse_number(text, f"Weight for {criterion.name}", high=100.0)
                criterion.weight = pct
                self._recompute()
                self._write(
                    f"Setting the weight of {criterion.name}", ops.SetWeight(criterion.name, pct)
                )
            elif col >= 2 and self.evaluator():
                vendor = self.matrix.vendors[col - 2]
                value = (
                    edit.parse_score(text, f"{vendor.name} / {criterion.name}") if text else None
                )
                self._set_score_in_memory(vendor.id, criterion.id, value)
                self._recompute()
                self._write(
                    f"Scoring {vendor.name} on {criterion.name}",
                    ops.SetScore(vendor.name, criterion.name, value, self.evaluator(), None),
                )
        except WorkbenchError as exc:
            show_error(self, exc)
            self._fill_matrix()

    def _set_score_in_memory(self, vendor_id: int, criterion_id: int, value: int | None) -> None:
        m = self.matrix
        evaluator = next(e for e in m.evaluators if e.name == self.evaluator())
        existing = m.score_of(evaluator.id, vendor_id, criterion_id)
        if value is None:
            if existing is not None:
                m.scores.remove(existing)
        elif existing is not None:
            existing.score = value
        else:
            m.scores.append(Score(evaluator.id, vendor_id, criterion_id, value, ""))

    def _show_evidence(self, row: int, col: int, *_: int) -> None:
        m = self.matrix
        who = self.evaluator()
        if m is None or who is None or row < 0 or row >= len(m.criteria) or col < 2:
            self.evidence.setText("")
            self.evidence.setEnabled(False)
            return
        evaluator = next(e for e in m.evaluators if e.name == who)
        own = m.score_of(evaluator.id, m.vendors[col - 2].id, m.criteria[row].id)
        self.evidence.setEnabled(own is not None and not self.context.read_only)
        self.evidence.setText(own.evidence if own else "")

    def _save_evidence(self) -> None:
        m, who = self.matrix, self.evaluator()
        row, col = self.table.currentRow(), self.table.currentColumn()
        if m is None or who is None or not (0 <= row < len(m.criteria)) or col < 2:
            return
        evaluator = next(e for e in m.evaluators if e.name == who)
        vendor, criterion = m.vendors[col - 2], m.criteria[row]
        own = m.score_of(evaluator.id, vendor.id, criterion.id)
        if own is None:
            return
        own.evidence = self.evidence.text()
        self._write(
            f"Saving evidence for {vendor.name}",
            ops.SetScore(vendor.name, criterion.name, own.score, who, own.evidence),
        )

    def _tco_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self.matrix is None or item.column() >= len(self._tco_columns):
            return
        vendor = self.matrix.vendors[item.row()]
        field = self._tco_columns[item.column()]
        text = item.text().strip().replace(",", "") or "0"
        try:
            edit.parse_number(
                text,
                f"{field} for {vendor.name}",
                high=100.0 if field == "discount" else float("inf"),
            )
            updated = copy.deepcopy(self.matrix)
            self._apply_tco_in_memory(updated, vendor.id, field, float(text))
            self.matrix = updated
            self._recompute()
            self._write(f"Setting {field} for {vendor.name}", ops.SetTco(vendor.name, field, text))
        except WorkbenchError as exc:
            show_error(self, exc)
            self._fill_tco()

    def _pilot_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or self.matrix is None:
            return
        vendor = self.matrix.vendors[item.row()]
        measure = self.matrix.pilot_metrics[item.column()]
        try:
            rating = edit.parse_score(item.text(), f"pilot {measure.name} for {vendor.name}")
        except WorkbenchError as exc:
            show_error(self, exc)
            self._fill_pilot()
            return
        self._write(
            f"Recording the pilot for {vendor.name}",
            ops.SetPilot(vendor.name, measure.name, rating),
        )

    def feed_pilot(self) -> None:
        """Write the pilot ratings into the scores as the evaluator 'Pilot'."""
        self._write("Feeding the pilot results into the scores", ops.ApplyPilot())

    def add_vendor(self) -> None:
        name, ok = QInputDialog.getText(self, "Add a vendor", "Vendor or platform combination:")
        if ok and name.strip():
            self._write(f"Adding {name.strip()}", ops.AddVendor(name.strip()))

    def add_criterion(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Add a criterion", "Criterion (starts at 0%; then rebalance the weights):"
        )
        if ok and name.strip():
            self._write(f"Adding {name.strip()}", ops.AddCriterion(name.strip()))

    @staticmethod
    def _apply_tco_in_memory(m: Matrix, vendor_id: int, field: str, value: float) -> None:
        tco = m.tco[vendor_id]
        if field.startswith(("seats.", "price.")):
            kind, role = field.split(".", 1)
            lic = next(x for x in tco.licences if x.role == role)
            if kind == "seats":
                lic.seats = int(value)
            else:
                lic.price_per_seat_year = value
        elif field == "discount":
            tco.discount_pct = value
        else:
            setattr(tco, field, value)

    def _years_edited(self) -> None:
        if self.matrix is None or self.years.text() == str(self.matrix.tco_years):
            return
        try:
            years = int(self.years.text())
            if not 1 <= years <= 10:
                raise ValueError
        except ValueError:
            show_error(
                self,
                WorkbenchError(f"The TCO term must be 1 to 10 years, not {self.years.text()!r}."),
            )
            self.years.setText(str(self.matrix.tco_years))
            return
        self.matrix.tco_years = years
        self._recompute()
        self._write("Changing the TCO term", ops.SetOptions(tco_years=years))

    # ------------------------------------------------------------------ actions
    def start(self, template: str) -> None:
        try:
            self.context.runner.run(
                f"Starting a {template} evaluation",
                ops.start_evaluation,
                ops.StartEvaluation(template),
                writes=True,
                on_success=lambda _id: self.refresh(),
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def start_from_template(self) -> None:
        name, ok = QInputDialog.getItem(
            self, "Start an evaluation", "Template:", list(TEMPLATE_NAMES), 0, False
        )
        if ok:
            self.start(name)

    def normalise(self) -> None:
        if self.matrix is not None:
            self._write("Normalising the weights", ops.NormaliseWeights())

    def select_platform(self) -> None:
        if self.matrix is None:
            return
        names = [v.name for v in self.matrix.vendors]
        default = (
            names.index(self.summary.results.winner)
            if (self.summary and self.summary.results.winner in names)
            else 0
        )
        vendor, ok = QInputDialog.getItem(
            self, "Select the platform", "Platform:", names, default, False
        )
        if not ok:
            return
        note, ok = QInputDialog.getText(self, "Decision note", "Why this platform:")
        if ok:
            self._write(f"Selecting {vendor}", ops.SelectVendor(vendor, note))

    def export_clicked(self) -> None:
        if self.matrix is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export the evaluation", "evaluation.xlsx", "Excel workbook (*.xlsx)"
        )
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """Write the workbook in the background and say where it went."""
        self.context.runner.run(
            "Exporting the evaluation to Excel",
            ops.export_evaluation,
            str(path),
            on_success=lambda p: show_info(self, f"Exported {p}."),
        )

    def import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import an edited evaluation", "", "Excel workbook (*.xlsx)"
        )
        if path:
            self.import_from(path)

    def import_from(self, path: str) -> None:
        """Read what the workbook changes, ask, then apply it."""
        self.context.runner.run(
            "Reading the edited workbook",
            ops.read_workbook_changes,
            str(path),
            on_success=lambda diff: self._confirm_import(path, diff),
        )

    def _confirm_import(self, path: str, diff: ImportDiff) -> None:
        if diff.empty:
            show_info(
                self,
                "The workbook changes nothing."
                + ("\n\nSkipped:\n" + "\n".join(diff.problems) if diff.problems else ""),
            )
            return
        if self.confirm_import(diff):
            self._write("Applying the workbook's changes", ops.ApplyWorkbook(str(path)))

    def confirm_import(self, diff: ImportDiff) -> bool:
        """Show every change (old -> new) and ask before applying (tests patch this)."""
        box = QMessageBox(self)
        box.setWindowTitle("Import from Excel")
        box.setText(
            f"{plural_count(len(diff.changes), 'change')} in {diff.path.name}"
            + (f", {plural_count(len(diff.problems), 'cell')} skipped" if diff.problems else "")
            + ". Apply them?"
        )
        box.setDetailedText("\n".join(diff.lines()))
        apply = box.addButton("Apply", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is apply

    def prepare_screenshot(self) -> None:
        self.tabs.setCurrentIndex(0)


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
