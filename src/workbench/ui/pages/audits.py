"""Audits page: run the pre-kickoff audits, review findings, confirm them, see charts.

Findings are listed most severe first; selecting one shows what was found, its
history, the affected records (drill-down into the CRM table they live in) and a
form to confirm, correct, resolve or dismiss it with a note and the meeting where
that was agreed. The Charts tab draws the audit charts from the latest results
(computed read-only on demand when the audits were not run in this session).
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.audits import AUDIT_TITLES, AUDITS
from workbench.audits import operations as ops
from workbench.audits.charts import CHARTS
from workbench.errors import WorkbenchError
from workbench.lifecycle import operations as lifecycle_ops
from workbench.lifecycle import store as lifecycle_store
from workbench.models.findings import (
    SEVERITIES,
    STATUSES,
    StoredFinding,
    finding_history,
    list_findings,
    status_counts,
)
from workbench.models.runs import Run
from workbench.ui import asof
from workbench.ui.charts import ChartView
from workbench.ui.dialogs import show_error
from workbench.ui.models.sql_table import SqlTableModel
from workbench.ui.pages.base import BasePage
from workbench.ui.pages.baselines_tab import BaselinesTab
from workbench.ui.pages.duplicates_tab import DuplicatesTab
from workbench.ui.preview import preview_page
from workbench.ui.tables import LazyTable

ALL = "All"
NOTE_LIMIT = 2_000  # characters in a status note; a longer one is refused, nothing saved
CHART_TITLES = {
    "capture_by_channel": "Capture by channel",
    "capture_by_rep": "Capture by rep",
    "forecast_accuracy_trend": "Forecast accuracy trend",
    "slippage": "Slippage by quarter",
    "completion_heatmap": "Required fields filled (heatmap)",
    "duplicate_cluster_sizes": "Duplicate account clusters",
}
SEVERITY_COLOURS = {"critical": "#8e0000", "high": "#c62828", "medium": "#ef6c00",
                    "low": "#607d8b", "info": "#2e7d32"}  # fmt: skip


class Page(BasePage):
    title = "Audits"
    subtitle = (
        "CRM hygiene, capture gaps, baselines and maintenance checks, with findings to confirm."
    )
    topics = ("findings", "imports")

    def __init__(self, context) -> None:
        super().__init__(context)
        self.results: dict[str, object] = {}
        self.runs: dict[str, Run] = {}
        self.findings: list[StoredFinding] = []
        self.current: StoredFinding | None = None

        self.which = QComboBox()
        self.which.addItem("All audits", None)
        for name in AUDITS:
            self.which.addItem(AUDIT_TITLES[name], name)
        self.actions_row.addWidget(self.which)
        self.run_button = self.add_action("Run", self.run_audits, primary=True, writes=True,
                                          tooltip="Run the chosen audits and record findings")  # fmt: skip

        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_findings_tab(), "Findings")
        self.tabs.addTab(self._build_charts_tab(), "Charts")
        self.duplicates = DuplicatesTab(context)
        self.tabs.addTab(self.duplicates, "Duplicates")
        self.baselines = BaselinesTab(context)
        self.tabs.addTab(self.baselines, "Baselines by segment")

    # ---------------------------------------------------------------- building
    def _build_findings_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.severity_filter = QComboBox()
        self.severity_filter.addItems([ALL, *SEVERITIES])
        self.audit_filter = QComboBox()
        self.audit_filter.addItem(ALL, None)
        for name in AUDITS:
            self.audit_filter.addItem(AUDIT_TITLES[name], name)
        self.status_filter = QComboBox()
        self.status_filter.addItems([ALL, *STATUSES])
        for label, combo in (("Severity", self.severity_filter), ("Audit", self.audit_filter),
                             ("Status", self.status_filter)):  # fmt: skip
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
            combo.currentIndexChanged.connect(self._fill_table)
        filters.addStretch(1)
        layout.addLayout(filters)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Severity", "Finding", "Affected", "Status", "Audit"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setColumnWidth(1, 420)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        splitter.addWidget(self.table)

        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(12, 0, 0, 0)
        self.detail_title = QLabel("Select a finding")
        self.detail_title.setObjectName("sectionTitle")
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setObjectName("muted")
        self.detail_meta.setWordWrap(True)
        self.detail_text = QLabel()
        self.detail_text.setWordWrap(True)
        self.detail_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dl.addWidget(self.detail_title)
        dl.addWidget(self.detail_meta)
        dl.addWidget(self.detail_text)
        self.records_label = QLabel("Affected records")
        self.records_label.setObjectName("sectionTitle")
        dl.addWidget(self.records_label)
        self.records = LazyTable(noun="records")
        self.records.setMinimumHeight(130)  # a few rows even on a laptop screen
        dl.addWidget(self.records, 3)

        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(STATUSES))
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("What the customer said, or the corrected figure")
        self.meeting_combo = QComboBox()
        self.meeting_combo.setToolTip("The meeting where the customer agreed this")
        self.save_button = QPushButton("Save status")
        self.save_button.clicked.connect(self.save_status)
        self.status_combo.currentIndexChanged.connect(self._form_changed)
        self.note_edit.textChanged.connect(self._form_changed)
        self.meeting_combo.currentIndexChanged.connect(self._form_changed)
        form.addRow("Status", self.status_combo)
        form.addRow("Note", self.note_edit)
        form.addRow("Meeting", self.meeting_combo)
        form.addRow("", self.save_button)
        self._form_widgets = (self.status_combo, self.note_edit, self.meeting_combo)
        dl.addWidget(form_box)
        history_label = QLabel("History")
        history_label.setObjectName("sectionTitle")
        dl.addWidget(history_label)
        self.history = QListWidget()
        self.history.setMaximumHeight(110)
        dl.addWidget(self.history, 1)
        splitter.addWidget(detail)
        # Half and half: at 125% scaling the detail's meeting choice needs the room;
        # the findings table scrolls inside itself.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        return tab

    def _build_charts_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.chart_combo = QComboBox()
        for key, title in CHART_TITLES.items():
            self.chart_combo.addItem(title, key)
        self.chart_combo.currentIndexChanged.connect(self._draw_chart)
        self.measure_button = QPushButton("Show latest runs")
        self.measure_button.setToolTip("Show the figures of the latest stored audit runs")
        self.measure_button.clicked.connect(self.measure)
        self.chart_note = QLabel("Run the audits (or Measure now) to draw the charts.")
        self.chart_note.setObjectName("muted")
        top.addWidget(self.chart_combo)
        top.addWidget(self.measure_button)
        top.addWidget(self.chart_note, 1)
        layout.addLayout(top)
        self.chart = ChartView()
        layout.addWidget(self.chart, 1)
        return tab

    # ----------------------------------------------------------------- reading
    def as_of_text(self) -> str:
        return asof.runs_text(self.context.engagement, asof.AUDIT_KINDS)

    def refresh(self) -> None:
        eng = self.context.engagement
        self.findings = list_findings(eng)
        counts = status_counts(eng)
        sev = ", ".join(f"{n} {s}" for s, n in counts["by_severity"].items() if n)
        done = sum(n for s, n in counts["by_status"].items() if s != "ASSUMED")
        if self.findings:
            self.summary.setText(
                f"{len(self.findings)} current findings ({sev}); {done} confirmed or settled, "
                f"{counts['by_status']['ASSUMED']} still ASSUMED. As of {asof.day(eng.as_of())}."
            )
        else:
            self.summary.setText("No findings yet. Choose the audits and press Run; every "
                                 "finding starts ASSUMED until the customer confirms it.")  # fmt: skip
        self._fill_meetings()
        self._fill_table()

    def _visible(self) -> list[StoredFinding]:
        severity = self.severity_filter.currentText()
        audit = self.audit_filter.currentData()
        status = self.status_filter.currentText()
        return [f for f in self.findings
                if (severity == ALL or f.severity == severity)
                and (audit is None or f.audit == audit)
                and (status == ALL or f.status == status)]  # fmt: skip

    def _fill_table(self) -> None:
        keep = self.current.id if self.current else None
        rows = self._visible()
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        select = -1
        for i, f in enumerate(rows):
            cells = [f.severity, f.title, f"{f.affected_count:,}", f.status,
                     AUDIT_TITLES.get(f.audit, f.audit)]  # fmt: skip
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, f.id)
                if j == 0:
                    item.setForeground(Qt.GlobalColor.white)
                    item.setBackground(_colour(SEVERITY_COLOURS.get(f.severity, "#607d8b")))
                self.table.setItem(i, j, item)
            if f.id == keep:
                select = i
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.table.resizeColumnToContents(3)
        if rows:
            select = max(select, 0)
            self.table.selectRow(select)
        self.table.blockSignals(False)
        # Re-read the shown finding even when the same row stays selected (its status
        # or history may just have changed).
        self._show(rows[select] if rows else None)

    def _show_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        finding_id = items[0].data(Qt.ItemDataRole.UserRole)
        self._show(next((f for f in self.findings if f.id == finding_id), None))

    def _show(self, f: StoredFinding | None) -> None:
        self.current = f
        self.history.clear()
        # The editor always opens on the finding's own values: nothing changes until
        # the consultant picks another status, note or meeting.
        for widget in self._form_widgets:
            widget.blockSignals(True)
        if f is None:
            self.detail_title.setText("Select a finding")
            self.detail_meta.setText("")
            self.detail_text.setText("")
            self.records.set_model(None)
            self.note_edit.clear()
            self.meeting_combo.setCurrentIndex(0)
        else:
            self.status_combo.setCurrentText(f.status)
            self.note_edit.setText(f.status_note)
            self.meeting_combo.setCurrentIndex(max(0, self.meeting_combo.findData(f.meeting_id)))
        for widget in self._form_widgets:
            widget.blockSignals(False)
        self._form_changed()
        if f is None:
            return
        title = asof.dates_in(f.title)
        self.detail_title.setText(title)
        self.detail_title.setToolTip(title)
        self.detail_meta.setText(finding_meta(f, asof.day(self.context.engagement.as_of())))
        self.detail_text.setText(
            asof.dates_in(f.detail) + (f"\n\nNote: {f.status_note}" if f.status_note else "")
        )
        for h in finding_history(self.context.engagement, f.id):
            parts = [asof.moment(h.at), h.event]
            if h.status:
                parts.append(h.status)
            if h.affected_count is not None and h.event != "status":
                parts.append(f"{h.affected_count:,} affected")
            if h.note:
                parts.append(f"“{h.note}”")
            if h.meeting_id:
                parts.append(self._meeting_names().get(h.meeting_id, f"meeting #{h.meeting_id}"))
            self.history.addItem(" · ".join(parts))
        self._show_records(f)

    def _fill_meetings(self) -> None:
        keep = self.meeting_combo.currentData()
        self.meeting_combo.blockSignals(True)
        self.meeting_combo.clear()
        self.meeting_combo.addItem("No meeting", None)
        for m in lifecycle_store.meetings(self.context.engagement):
            self.meeting_combo.addItem(f"{asof.day(m.held_on)}: {m.title}", m.id)
        self.meeting_combo.setCurrentIndex(max(0, self.meeting_combo.findData(keep)))
        self.meeting_combo.blockSignals(False)

    def _meeting_names(self) -> dict[int, str]:
        return {
            self.meeting_combo.itemData(i): self.meeting_combo.itemText(i)
            for i in range(1, self.meeting_combo.count())
        }

    def _pending_change(self) -> str:
        """What Save would change on the shown finding, in words ("" for nothing)."""
        f = self.current
        if f is None:
            return ""
        status = self.status_combo.currentText()
        if status != f.status:
            return f"Change {f.status} to {status}"
        if self.note_edit.text().strip() != (f.status_note or "").strip():
            return "Save the note"
        if self.meeting_combo.currentData() != f.meeting_id:
            return "Save the meeting"
        return ""

    def _form_changed(self) -> None:
        editable = self.current is not None and not self.context.read_only
        for widget in self._form_widgets:
            widget.setEnabled(editable)
        change = self._pending_change() if editable else ""
        self.save_button.setText(change or "Save status")
        self.save_button.setEnabled(bool(change))
        self.save_button.setToolTip(
            "The engagement is open read-only." if self.context.read_only
            else "Pick another status, or write a note, to change this finding."
            if self.current is not None and not change else ""
        )

    def _show_records(self, f: StoredFinding) -> None:
        table = f.affected_entity
        tables = {r[0] for r in self.context.engagement.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'")}  # fmt: skip
        if not table or table not in tables or not f.affected_ids:
            self.records_label.setText("Affected records: none to list for this finding")
            self.records.set_model(None)
            return
        shown = len(f.affected_ids)
        more = f" (first {shown:,} of {f.affected_count:,})" if shown < f.affected_count else ""
        self.records_label.setText(f"Affected {table}{more}")
        model = SqlTableModel(
            self.context.engagement.conn, table, hidden=("id", "extra", "import_id"),
            where="crm_id IN (SELECT value FROM json_each(?))",
            params=[json.dumps(f.affected_ids)],
        )  # fmt: skip
        self.records.set_model(model)

    # ----------------------------------------------------------------- actions
    def run_audits(self) -> None:
        name = self.which.currentData()
        try:
            self.context.runner.run(
                f"Running {'the audits' if name is None else AUDIT_TITLES[name]}",
                ops.run_audits_op, ops.RunAudits([name] if name else ()), writes=True,
                on_success=self._ran,
            )  # fmt: skip
        except WorkbenchError as exc:
            show_error(self, exc)

    def _ran(self, done) -> None:
        self._show_runs({n: (o.result, o.run) for n, o in done.outcomes.items()})

    def measure(self) -> None:
        """Show the latest stored run of every audit (the figures every document shows)."""
        self.context.runner.run("Reading the latest audit runs", ops.latest_audits,
                                on_success=self._show_runs)  # fmt: skip

    def _show_runs(self, found: dict) -> None:
        self.results.update({n: result for n, (result, _run) in found.items()})
        self.runs.update({n: run for n, (_result, run) in found.items()})
        if "crm-hygiene" in self.results:
            self.duplicates.show_result(self.results["crm-hygiene"])
        if not self.runs:
            self.chart_note.setText("No audit has run on this engagement yet: press Run.")
        else:
            self.chart_note.setText("; ".join(
                f"{AUDIT_TITLES[n]}: {asof.run_label(r)}" for n, r in self.runs.items()
            ))  # fmt: skip
        self._draw_chart()

    def _draw_chart(self) -> None:
        key = self.chart_combo.currentData()
        audit, build = CHARTS[key]
        result = self.results.get(audit)
        self.chart.set_figure(build(result) if result is not None else None)

    def save_status(self) -> None:
        if self.current is None:
            return
        status = self.status_combo.currentText()
        note = self.note_edit.text().strip()
        if status == "CORRECTED" and not note:
            show_error(self, WorkbenchError("A correction needs a note saying what the right "
                                            "figure or fact is."))  # fmt: skip
            return
        if not self._pending_change():
            return
        if len(note) > NOTE_LIMIT:
            show_error(self, WorkbenchError(
                f"A note holds at most {NOTE_LIMIT:,} characters and this one has {len(note):,}; "
                "shorten it (the full text belongs in the meeting notes) and save again."))  # fmt: skip
            return
        meeting = self.meeting_combo.currentData()
        try:
            self.context.runner.run(
                "Saving the finding", lifecycle_ops.change,
                lifecycle_ops.FindingStatus(self.current.id, status, note, meeting), writes=True,
            )  # fmt: skip
        except WorkbenchError as exc:
            show_error(self, exc)

    def close_page(self) -> None:
        self.records.set_model(None)

    def prepare_screenshot(self) -> None:
        """For the screenshot: the audits run (recorded unless read-only), first finding shown."""
        eng = self.context.engagement
        if not self.context.read_only and not list_findings(eng):
            ops.run_audits_op(eng)
        self._show_runs(ops.latest_audits(eng))
        self.refresh()
        if self.findings:
            self.table.selectRow(0)


def finding_meta(f: StoredFinding, as_of: str) -> str:
    """The line under a finding's title: number, severity, status, audit, counts, dates.

    The data's "as of" day (``as_of``, in words) is the day the CRM export describes;
    "recorded" is when the audit ran on this computer, which is usually later: both are
    said plainly, as the page's as-of line says them.
    """
    parts = [f"#{f.id}", f.severity, f.status, AUDIT_TITLES.get(f.audit, f.audit),
             f"{f.affected_count:,} affected"]  # fmt: skip
    if f.metric is not None:
        parts.append(f"measured value {f.metric:.3g}")
    parts.append(f"data as of {as_of}, first recorded {asof.moment(f.first_seen_at)}")
    return " · ".join(parts)


def _colour(hex_code: str):
    from PySide6.QtGui import QColor

    return QColor(hex_code)


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
