"""Scoring page: deal risk rules, calibration on won/lost history, validation, pipeline.

Five tabs: the open pipeline with each deal's reasons (and any deal inspected by id),
the rule versions (edit and save a new version, compare two), calibration (run with
progress; metrics, weights side by side, lift, reliability diagram; save the
recommendation), the sample validation with sales leadership, and the quarterly
recalibration check. Long work runs through the task runner; nothing here writes
with the GUI-thread connection.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.models.runs import Run
from workbench.scoring import (
    BANDS,
    SIGNALS,
    CalibrationReport,
    DealScore,
    PipelineScores,
    RuleSet,
    diff_rule_sets,
    list_rule_sets,
    validation_report,
)
from workbench.scoring import operations as ops
from workbench.scoring.rules import OPERATORS, default_rule_set
from workbench.ui import asof
from workbench.ui.charts import ChartView
from workbench.ui.dialogs import show_error, show_info
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.tables import readable_headers

PIPELINE_ROWS_SHOWN = 500


# ------------------------------------------------------------------- helpers
def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    readable_headers(table)  # the stretched last title is never cut on a narrow screen
    return table


def _item(value: object, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else str(value))
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "n/a" if value is None else pattern.format(value)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class Page(BasePage):
    title = "Scoring"
    subtitle = (
        "Deal risk rules calibrated on this customer's won/lost history: signals, "
        "versions, calibration, validation with leadership, and the open pipeline."
    )
    topics = ("", "imports", "scoring")

    def __init__(self, context) -> None:
        super().__init__(context)
        self.pipeline: PipelineScores | None = None
        self.report: CalibrationReport | None = None
        self.calibration_run: Run | None = None
        self.versions: list[RuleSet] = []
        self.add_action("Score pipeline", self.score, primary=True, writes=True)
        self.calibrate_button = self.add_action(
            "Run calibration",
            self.run_calibration,
            writes=True,
            tooltip="Fit the weights on closed deals (time-ordered split) and measure them.",
        )
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self._build_pipeline_tab()
        self._build_rules_tab()
        self._build_calibration_tab()
        self._build_validation_tab()
        self._build_recalibration_tab()

    # ================================================================ pipeline
    def _build_pipeline_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.pipeline_summary = _muted("Press Score pipeline to score every open deal.")
        row.addWidget(self.pipeline_summary, 1)
        self.deal_id = QLineEdit()
        self.deal_id.setPlaceholderText("Opportunity id (open or closed)")
        self.deal_id.returnPressed.connect(self.inspect_deal)
        inspect = QPushButton("Inspect deal")
        inspect.clicked.connect(self.inspect_deal)
        row.addWidget(self.deal_id)
        row.addWidget(inspect)
        layout.addLayout(row)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.pipeline_table = _table(
            ["Score", "Band", "Opportunity", "Name", "Stage", "Amount", "Close", "Top reasons"]
        )
        self.pipeline_table.itemSelectionChanged.connect(self._show_selected_deal)
        self.deal_view = QTextBrowser()
        split.addWidget(self.pipeline_table)
        split.addWidget(self.deal_view)
        split.setSizes([760, 360])
        layout.addWidget(split, 1)
        self.tabs.addTab(tab, "Pipeline")

    def score(self) -> None:
        version = self.version_combo.currentData() if self.version_combo.count() else None
        self._run(
            "Scoring the open pipeline",
            ops.score,
            ops.ScoreRequest(version),
            writes=True,
            on_success=lambda done: self.show_pipeline(done.scores, done.run),
        )

    def show_pipeline(self, result: PipelineScores, run: Run | None = None) -> None:
        self.pipeline = result
        counts = result.band_counts()
        amounts = result.band_amounts()
        self.pipeline_summary.setText(
            f"{len(result.deals):,} open deals as of {asof.day(result.as_of)}, rule version "
            f"{result.rule_set_version or 'default'}: high {counts['high']} "
            f"({amounts['high']:,.0f}), medium {counts['medium']} ({amounts['medium']:,.0f}), "
            f"low {counts['low']} ({amounts['low']:,.0f}). Low below {result.low_max:g}, "
            f"high from {result.high_min:g}."
            + (f" Scoring {asof.run_label(run)}." if run is not None else "")
        )
        if result.skipped_closed_stage:
            self.pipeline_summary.setText(
                self.pipeline_summary.text()
                + f" {result.skipped_closed_stage} deals in a Closed stage but not flagged "
                "closed were left out."
            )
        shown = result.deals[:PIPELINE_ROWS_SHOWN]
        if len(result.deals) > len(shown):
            self.pipeline_summary.setText(
                self.pipeline_summary.text()
                + f" The riskiest {len(shown)} are listed; inspect any other deal by id."
            )
        table = self.pipeline_table
        table.setSortingEnabled(False)
        table.setRowCount(len(shown))
        for i, d in enumerate(shown):
            reasons = "; ".join(f"{r.rule} (+{r.points:.0f})" for r in d.top_reasons(3))
            values = [
                f"{d.score:.1f}",
                d.band,
                d.opportunity_crm_id,
                d.name or "",
                d.stage or "",
                "" if d.amount is None else f"{d.amount:,.0f}",
                asof.day(d.close_date),
                reasons or "no risk signal fired",
            ]
            for j, v in enumerate(values):
                table.setItem(i, j, _item(v, align_right=j in (0, 5)))
        if shown:
            table.selectRow(0)
            # Show the riskiest deal whether or not the selection signal fires (it does
            # not when Qt considers row 0 already current).
            self.show_deal(shown[0])

    def _show_selected_deal(self) -> None:
        rows = self.pipeline_table.selectionModel().selectedRows()
        if not rows or self.pipeline is None:
            return
        crm_id = self.pipeline_table.item(rows[0].row(), 2).text()
        deal = next((d for d in self.pipeline.deals if d.opportunity_crm_id == crm_id), None)
        if deal is not None:
            self.show_deal(deal)

    def inspect_deal(self) -> None:
        crm_id = self.deal_id.text().strip()
        if crm_id:
            self._run(f"Scoring {crm_id}", ops.explain, crm_id, on_success=self.show_deal)

    def show_deal(self, deal: DealScore) -> None:
        lines = [
            f"<h3>{escape(deal.opportunity_crm_id)} {escape(deal.name or '')}</h3>",
            f"<p><b>Risk {deal.score:.1f}</b> ({deal.band}) as of {asof.day(deal.as_of)}"
            + (f"; chance lost or slipped {deal.probability:.0%}" if deal.probability else "")
            + "</p><p><b>Why</b></p><ul>",
        ]
        lines += [
            f"<li>+{r.points:.1f} {escape(r.rule)} (value {round(r.value, 1):g})</li>"
            for r in deal.reasons
        ]
        if not deal.reasons:
            lines.append("<li>No risk signal fired.</li>")
        lines.append("</ul><p><b>Signals</b></p><table>")
        for key, value in deal.signals.items():
            shown = "not available" if value is None else f"{round(value, 1):g}"
            lines.append(f"<tr><td>{escape(SIGNALS[key].label)}</td><td>{shown}</td></tr>")
        lines.append("</table>")
        self.deal_view.setHtml("".join(lines))

    # =================================================================== rules
    def _build_rules_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("Version"))
        self.version_combo = QComboBox()
        self.version_combo.currentIndexChanged.connect(self._show_version)
        row.addWidget(self.version_combo)
        row.addWidget(QLabel("compare with"))
        self.compare_combo = QComboBox()
        self.compare_combo.currentIndexChanged.connect(self._show_diff)
        row.addWidget(self.compare_combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.version_info = _muted()
        layout.addWidget(self.version_info)
        self.diff_label = _muted()
        layout.addWidget(self.diff_label)
        self.rules_table = QTableWidget(0, 6)
        self.rules_table.setHorizontalHeaderLabels(
            ["On", "Signal", "Operator", "Threshold", "Points", "Why"]
        )
        self.rules_table.verticalHeader().setVisible(False)
        self.rules_table.horizontalHeader().setStretchLastSection(True)
        self.rules_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.rules_table, 1)
        form = QFormLayout()
        bands = QHBoxLayout()
        self.low_spin = QDoubleSpinBox()
        self.high_spin = QDoubleSpinBox()
        for spin in (self.low_spin, self.high_spin):
            spin.setRange(0, 100)
            spin.setDecimals(1)
            bands.addWidget(spin)
        bands.addStretch(1)
        form.addRow("Bands: low below / high from", bands)
        self.author_edit = QLineEdit()
        self.author_edit.setPlaceholderText("who sets this version")
        form.addRow("Author", self.author_edit)
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setPlaceholderText(
            "Why these weights and thresholds, in words (the rules document quotes it)"
        )
        self.rationale_edit.setFixedHeight(60)
        form.addRow("Rationale", self.rationale_edit)
        layout.addLayout(form)
        self.save_rules_button = QPushButton("Save as new version")
        self.save_rules_button.setEnabled(not self.context.read_only)
        self.save_rules_button.clicked.connect(self.save_rules)
        layout.addWidget(self.save_rules_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(tab, "Rules")

    def as_of_text(self) -> str:
        return asof.runs_text(self.context.engagement, ("calibration", "scoring"))

    def refresh(self) -> None:
        """Re-read versions, the validation sample and the last calibration run."""
        eng = self.context.engagement
        newest_before = self.versions[-1].version if self.versions else None
        self.versions = list_rule_sets(eng) or [default_rule_set()]
        keep = self.version_combo.currentData()
        if keep == newest_before:  # following the current version: follow a new one too
            keep = self.versions[-1].version
        for combo in (self.version_combo, self.compare_combo):
            combo.blockSignals(True)
            combo.clear()
        for v in reversed(self.versions):
            label = (
                f"v{v.version} {asof.day(v.effective_from)} {v.author}"
                if v.version
                else "default (not saved yet)"
            )
            self.version_combo.addItem(label, v.version)
            self.compare_combo.addItem(label, v.version)
        self.compare_combo.insertItem(0, "(nothing)", -1)
        index = max(self.version_combo.findData(keep), 0) if keep else 0
        self.version_combo.setCurrentIndex(index)
        self.compare_combo.setCurrentIndex(0)
        for combo in (self.version_combo, self.compare_combo):
            combo.blockSignals(False)
        self._show_version()
        self._show_validation()
        if self.report is None:
            stored = ops.latest_calibration(eng)
            if stored is not None:
                self.show_calibration(stored[0], switch=False, run=stored[1])
        if self.pipeline is None:
            scored = ops.latest_scores(eng)
            if scored is not None:
                self.show_pipeline(*scored)

    def _selected_version(self) -> RuleSet:
        version = self.version_combo.currentData()
        return next((v for v in self.versions if v.version == version), self.versions[-1])

    def _show_version(self) -> None:
        if not self.versions:
            return
        rs = self._selected_version()
        self.version_info.setText(
            f"Version {rs.version or '(default)'} by {rs.author or '?'}, effective "
            f"{asof.day(rs.effective_from) or 'when saved'} [{rs.source}]. {rs.rationale}"
        )
        table = self.rules_table
        table.setRowCount(len(rs.rules))
        for i, r in enumerate(rs.rules):
            on = QTableWidgetItem()
            on.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            on.setCheckState(Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked)
            table.setItem(i, 0, on)
            label = QTableWidgetItem(SIGNALS[r.signal].label)
            label.setData(Qt.ItemDataRole.UserRole, r.signal)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            label.setToolTip(SIGNALS[r.signal].description)
            table.setItem(i, 1, label)
            op = QComboBox()
            op.addItems(list(OPERATORS))
            op.setCurrentText(r.operator)
            table.setCellWidget(i, 2, op)
            table.setItem(i, 3, QTableWidgetItem(f"{r.threshold:g}"))
            table.setItem(i, 4, QTableWidgetItem(f"{r.points:g}"))
            table.setItem(i, 5, QTableWidgetItem(r.note))
        self.low_spin.setValue(rs.low_max)
        self.high_spin.setValue(rs.high_min)
        self._show_diff()

    def _show_diff(self) -> None:
        other = self.compare_combo.currentData()
        if other in (None, -1) or not self.versions:
            self.diff_label.setText("")
            return
        old = next((v for v in self.versions if v.version == other), None)
        if old is None:
            return
        diff = diff_rule_sets(old, self._selected_version())
        text = "; ".join(
            f"{SIGNALS[c.signal].label if c.signal in SIGNALS else c.signal}: {c.change}"
            for c in diff.changes
        )
        self.diff_label.setText(f"Changes from v{other}: {text or 'none'}")

    def edited_rule_set(self) -> RuleSet:
        """The rule set as edited in the table (raises WorkbenchError on a bad number)."""
        base = self._selected_version()
        rules = []
        for i, r in enumerate(base.rules):
            try:
                threshold = float(self.rules_table.item(i, 3).text())
                points = float(self.rules_table.item(i, 4).text())
            except ValueError:
                raise WorkbenchError(
                    f"{SIGNALS[r.signal].label}: threshold and points must be numbers."
                ) from None
            rules.append(
                replace(
                    r,
                    enabled=self.rules_table.item(i, 0).checkState() == Qt.CheckState.Checked,
                    operator=self.rules_table.cellWidget(i, 2).currentText(),
                    threshold=threshold,
                    points=points,
                    note=self.rules_table.item(i, 5).text(),
                )
            )
        return replace(
            base,
            rules=rules,
            version=None,
            source="manual",
            low_max=self.low_spin.value(),
            high_min=self.high_spin.value(),
            calibration_run_id=None,
            prob_intercept=None,
            prob_slope=None,
        )

    def save_rules(self) -> None:
        try:
            edited = self.edited_rule_set()
            edited.validate()
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self._run(
            "Saving the rule version",
            ops.save_rules,
            ops.SaveRules(edited, self.author_edit.text(), self.rationale_edit.toPlainText()),
            writes=True,
            on_success=lambda rs: show_info(self, f"Saved rule version {rs.version}."),
        )

    # ============================================================= calibration
    def _build_calibration_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.metrics_label = QLabel("Run calibration to fit the weights on closed deals.")
        self.metrics_label.setWordWrap(True)
        self.metrics_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.metrics_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(_section("Weights: hand-set vs fitted"))
        self.weights_table = _table(
            [
                "Rule",
                "Hand-set",
                "Fitted log-odds",
                "95% interval",
                "Recommended",
                "Suggested cut",
                "Status",
            ]
        )
        left_layout.addWidget(self.weights_table, 2)
        left_layout.addWidget(_section("Lift by decile (test quarter)"))
        self.lift_table = _table(["Decile", "Deals", "Lost/slipped", "Rate", "Lift", "Captured"])
        left_layout.addWidget(self.lift_table, 1)
        save_row = QHBoxLayout()
        self.rec_author = QLineEdit()
        self.rec_author.setPlaceholderText("author")
        self.rec_rationale = QLineEdit()
        self.rec_rationale.setPlaceholderText("rationale for adopting the recommendation")
        self.save_rec_button = QPushButton("Save recommendation as version")
        self.save_rec_button.setEnabled(False)
        self.save_rec_button.clicked.connect(self.save_recommendation)
        save_row.addWidget(self.rec_author)
        save_row.addWidget(self.rec_rationale, 1)
        save_row.addWidget(self.save_rec_button)
        left_layout.addLayout(save_row)
        self.chart = ChartView()
        split.addWidget(left)
        split.addWidget(self.chart)
        split.setSizes([680, 440])
        layout.addWidget(split, 1)
        self.tabs.addTab(tab, "Calibration")

    def run_calibration(self) -> None:
        self._run(
            "Calibrating on won/lost history",
            ops.calibrate_rules,
            ops.CalibrateRequest(),
            writes=True,
            on_success=lambda done: self.show_calibration(done.report, run=done.run),
        )

    def show_calibration(
        self, report: CalibrationReport, switch: bool = True, run: Run | None = None
    ) -> None:
        self.report = report
        self.calibration_run = run
        if switch:
            self.tabs.setCurrentIndex(2)
        gate_colour = "#2e7d32" if report.gate.passed else "#b26a00"
        parts = [
            f"<p>{escape(asof.dates_in(report.summary()))}</p>",
            f"<p style='color:#5f6b7a'>Calibration {escape(asof.run_label(run))}.</p>"
            if run
            else "",
            f"<p style='color:{gate_colour}'>{escape(report.gate.message)}</p>",
        ]
        if report.auc is not None:
            hs, rec = report.hand_set, report.recommended
            # The summary above already gives the fitted model's AUC and Brier score.
            parts.append(
                "<p>Test quarter "
                f"{report.test_quarter}: {report.base_rate_test:.0%} of its "
                f"{report.n_test:,} deals lost or slipped"
                + (
                    f"; fitted AUC 95% interval {report.auc_ci[0]:.2f} to {report.auc_ci[1]:.2f}"
                    if report.auc_ci
                    else ""
                )
                + ". Hand-set rules: AUC "
                f"{_fmt(hs.auc)}, low-risk deals lost or slipped "
                f"{_fmt(hs.low_risk_lost_share, '{:.0%}')}"
                + (" <b>(red flag: above 30%)</b>" if report.low_risk_red_flag else "")
                + f". Recommended: AUC {_fmt(rec.auc)}, bands low below "
                f"{_fmt(report.recommended_low_max, '{:g}')}, high from "
                f"{_fmt(report.recommended_high_min, '{:g}')}.</p>"
            )
        parts += [f"<p style='color:#5f6b7a'>{escape(asof.dates_in(n))}</p>" for n in report.notes]
        self.metrics_label.setText("".join(parts))
        table = self.weights_table
        # The interval column only when the fit measured intervals (it needs enough deals).
        table.setColumnHidden(3, all(w.coefficient_ci is None for w in report.weights))
        table.setRowCount(len(report.weights))
        for i, w in enumerate(report.weights):
            ci = (
                ""
                if w.coefficient_ci is None
                else (f"{w.coefficient_ci[0]:+.2f} to {w.coefficient_ci[1]:+.2f}")
            )
            values = [
                w.rule,
                f"{w.hand_points:g}",
                _fmt(w.coefficient, "{:+.2f}"),
                ci,
                f"{w.recommended_points:g}",
                ""
                if w.suggested_threshold is None
                else f"{w.suggested_threshold:g} (J {w.separation:.2f})",
                w.status,
            ]
            for j, v in enumerate(values):
                table.setItem(i, j, _item(v, align_right=j in (1, 2, 4)))
        self.lift_table.setRowCount(len(report.lift))
        for i, r in enumerate(report.lift):
            values = [
                r.decile,
                r.count,
                r.bad,
                f"{r.bad_rate:.0%}",
                f"{r.lift:.2f}",
                f"{r.cumulative_capture:.0%}",
            ]
            for j, v in enumerate(values):
                self.lift_table.setItem(i, j, _item(v, align_right=True))
        self.chart.set_figure(report.reliability_figure() if report.reliability else None)
        self.save_rec_button.setEnabled(report.auc is not None and not self.context.read_only)

    def save_recommendation(self) -> None:
        if self.report is None:
            return
        self._run(
            "Saving the recommended version",
            ops.adopt_recommendation,
            ops.AdoptRecommendation(
                self.rec_author.text(),
                self.rec_rationale.text(),
                self.calibration_run.id if self.calibration_run else None,
            ),
            writes=True,
            on_success=lambda rs: show_info(self, f"Saved rule version {rs.version}."),
        )

    # ============================================================== validation
    def _build_validation_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        row = QHBoxLayout()
        row.addWidget(QLabel("Sample of"))
        self.sample_size = QSpinBox()
        self.sample_size.setRange(10, 20)
        self.sample_size.setValue(15)
        row.addWidget(self.sample_size)
        row.addWidget(QLabel("deals from"))
        self.sample_pool = QComboBox()
        self.sample_pool.addItems(["open", "closed", "both"])
        row.addWidget(self.sample_pool)
        pick = QPushButton("Pick sample")
        pick.setEnabled(not self.context.read_only)
        pick.clicked.connect(self.pick_sample)
        row.addWidget(pick)
        row.addStretch(1)
        layout.addLayout(row)
        self.validation_table = _table(
            ["Score", "Band", "Opportunity", "Name", "Top reasons", "Leadership expects", "Agrees"]
        )
        layout.addWidget(self.validation_table, 1)
        row = QHBoxLayout()
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setPlaceholderText("reviewer (e.g. VP Sales)")
        save = QPushButton("Save expectations")
        save.setEnabled(not self.context.read_only)
        save.clicked.connect(self.save_expectations)
        self.agreement_label = _muted()
        row.addWidget(self.reviewer_edit)
        row.addWidget(save)
        row.addWidget(self.agreement_label, 1)
        layout.addLayout(row)
        self.tabs.addTab(tab, "Validation")

    def pick_sample(self) -> None:
        self._run(
            "Picking the validation sample",
            ops.pick_sample,
            ops.PickSample(self.sample_size.value(), self.sample_pool.currentText()),
            writes=True,
        )

    def _show_validation(self) -> None:
        report = validation_report(self.context.engagement)
        table = self.validation_table
        table.setRowCount(len(report.rows))
        for i, r in enumerate(report.rows):
            values = [
                f"{r.score:.1f}",
                r.band,
                r.opportunity_crm_id,
                r.name or "",
                "; ".join(r.top_reasons),
            ]
            for j, v in enumerate(values):
                table.setItem(i, j, _item(v, align_right=j == 0))
            combo = QComboBox()
            combo.addItems(["", *BANDS])
            combo.setCurrentText(r.expected_band or "")
            table.setCellWidget(i, 5, combo)
            table.setItem(i, 6, _item("" if r.agrees is None else ("yes" if r.agrees else "NO")))
        if report.agreement is None:
            self.agreement_label.setText(
                f"{report.n_sample} deals in the sample, none reviewed yet."
                if report.rows
                else "No sample yet."
            )
        else:
            kappa = "n/a" if report.kappa is None else f"{report.kappa:.2f}"
            self.agreement_label.setText(
                f"{report.n_reviewed} of {report.n_sample} reviewed: agreement "
                f"{report.agreement:.0%}, Cohen's kappa {kappa}."
            )

    def expectations(self) -> dict[str, str]:
        """Bands chosen in the table, by opportunity id (blank rows left out)."""
        out = {}
        for i in range(self.validation_table.rowCount()):
            band = self.validation_table.cellWidget(i, 5).currentText()
            if band:
                out[self.validation_table.item(i, 2).text()] = band
        return out

    def save_expectations(self) -> None:
        expectations = self.expectations()
        if not expectations:
            show_error(self, WorkbenchError("Choose the expected band for at least one deal."))
            return
        if not self.reviewer_edit.text().strip():
            show_error(self, WorkbenchError("Say who gave these expectations (reviewer)."))
            return
        self._run(
            "Recording leadership's expectations",
            ops.record_expectations,
            ops.RecordExpectations(expectations, self.reviewer_edit.text()),
            writes=True,
        )

    # ========================================================== recalibration
    def _build_recalibration_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        button = QPushButton("Run the quarterly check")
        button.clicked.connect(self.run_recalibration)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.recal_view = QTextBrowser()
        self.recal_view.setHtml(
            "<p style='color:#5f6b7a'>Once a quarter, compare the adopted rule version with "
            "what happened to the deals closed since it took effect: press Run the quarterly "
            "check. It reads the file and changes nothing.</p>"
        )
        layout.addWidget(self.recal_view, 1)
        self.tabs.addTab(tab, "Recalibration")

    def run_recalibration(self) -> None:
        self._run(
            "Checking the rule version against outcomes",
            ops.recalibration_check,
            on_success=self.show_recalibration,
        )

    def show_recalibration(self, report) -> None:
        lines = [f"<p><b>{escape(asof.dates_in(report.verdict))}</b></p>"]
        if report.n_closed_since:
            lines.append(
                f"<p>{report.n_closed_since:,} deals closed since {asof.day(report.effective_from)} "
                f"({report.n_recorded:,} scored at the time, {report.n_reconstructed:,} scored "
                f"as of their snapshot): AUC {_fmt(report.auc)}, Brier "
                f"{_fmt(report.brier, '{:.3f}')}.</p><ul>"
            )
            for b in report.bands:
                share = "" if b.share is None else f": {b.share:.0%} lost or slipped"
                lines.append(f"<li>{b.band}: {b.count:,} deals{share}</li>")
            lines.append("</ul>")
        if report.changes and report.changes.changes:
            lines.append(f"<p>Changes from version {report.changes.from_version}:</p><ul>")
            lines += [
                f"<li>{escape(c.signal)}: {escape(c.change)}</li>" for c in report.changes.changes
            ]
            lines.append("</ul>")
        lines += [f"<p style='color:#5f6b7a'>{escape(asof.dates_in(n))}</p>" for n in report.notes]
        self.recal_view.setHtml("".join(lines))

    # ================================================================= plumbing
    def _run(self, title: str, fn, *args, writes: bool = False, on_success=None) -> None:
        try:
            self.context.runner.run(title, fn, *args, writes=writes, on_success=on_success)
        except WorkbenchError as exc:
            show_error(self, exc)

    def prepare_screenshot(self) -> None:
        """Score and calibrate on the GUI connection so the screenshot shows results."""
        eng = self.context.engagement
        scored = ops.latest_scores(eng)
        calibrated = ops.latest_calibration(eng)
        if scored is not None:
            self.show_pipeline(*scored)
        if calibrated is not None:
            self.show_calibration(calibrated[0], run=calibrated[1])


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
