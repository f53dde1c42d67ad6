"""The import wizard: check each file, map its columns, import it, see what happened.

Steps per file: (1) what Workbench detected (entity, profile, encoding, columns), the
first rows and the values that will not parse; (2) the mapping, one combo box per
target field, with a live preview and save-as-named-mapping; (3) the import itself
through the task runner, with progress and Cancel, then a summary with the counts
and the first rejected rows. Several files are taken one after another.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.importers import operations as import_ops
from workbench.models.vocabulary import profile_words
from workbench.ui import importing
from workbench.ui.context import PageContext
from workbench.ui.dialogs import show_error
from workbench.ui.tables import make_table_view  # noqa: F401 - same look for tables
from workbench.ui.tasks import TaskOutcome

STEP_TITLES = ("Check the file", "Map the columns", "Import")
REJECTS_SHOWN = 50
CHECK_DELAY_MS = 400


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[str]]) -> None:
    """Put ``rows`` under ``headers`` into a QTableWidget (small, already in memory)."""
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row[: len(headers)]):
            item = QTableWidgetItem(value)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    for c in range(table.columnCount()):
        table.setColumnWidth(c, min(table.columnWidth(c), 260))


def small_table() -> QTableWidget:
    table = QTableWidget()
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    )
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class ImportWizard(QDialog):
    """Import one or more files into the open engagement."""

    def __init__(self, context: PageContext, files: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.files = [Path(f) for f in files]
        self.position = 0
        self.detection: Any = None
        self.saved_name: str | None = None
        self.entity: str | None = None
        self.sheet: str | None = None
        self.mapping: dict[str, str | None] = {}
        self.results: list[Any] = []
        self.task = None
        self._combos: dict[str, QComboBox] = {}
        self.setWindowTitle("Import files")
        self.resize(1100, 760)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.setSpacing(12)
        self.step_label = QLabel()
        self.step_label.setObjectName("pageTitle")
        self.file_label = QLabel()
        self.file_label.setObjectName("muted")
        layout.addWidget(self.step_label)
        layout.addWidget(self.file_label)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_check_step())
        self.stack.addWidget(self._build_mapping_step())
        self.stack.addWidget(self._build_run_step())

        buttons = QHBoxLayout()
        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("primary")
        self.next_button.clicked.connect(self.next)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        self.start_file()

    # ------------------------------------------------------------ step widgets
    def _build_check_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        self.entity_combo = QComboBox()
        for name in importing.entity_names():
            self.entity_combo.addItem(importing.entity_label(name), name)
        self.entity_combo.activated.connect(self._entity_chosen)
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.profile_value = QLabel()
        self.encoding_value = QLabel()
        self.columns_value = QLabel()
        self.columns_value.setWordWrap(True)
        self.unmapped_value = QLabel()
        self.unmapped_value.setWordWrap(True)
        self.dates_value = QLabel()
        self.dates_value.setWordWrap(True)
        self.sheet_label = QLabel("Sheet")
        pairs = [
            ("Records", self.entity_combo),
            ("Detected format", self.profile_value),
            ("Encoding / delimiter", self.encoding_value),
            ("Dates", self.dates_value),
            ("Columns", self.columns_value),
            ("Not mapped", self.unmapped_value),
            (self.sheet_label, self.sheet_combo),
        ]
        for i, (label, widget) in enumerate(pairs):
            row, col = i % 4, (i // 4) * 2
            grid.addWidget(
                label if isinstance(label, QLabel) else QLabel(label),
                row,
                col,
                Qt.AlignmentFlag.AlignVCenter,
            )
            grid.addWidget(widget, row, col + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 2)
        layout.addLayout(grid)
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(section("First rows"))
        self.preview = small_table()
        top_layout.addWidget(self.preview)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 6, 0, 0)
        self.problems_title = section("Values that will not parse")
        bottom_layout.addWidget(self.problems_title)
        self.problems_list = QListWidget()
        bottom_layout.addWidget(self.problems_list)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setSizes([420, 160])
        layout.addWidget(splitter, 1)
        return page

    def _build_mapping_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Saved mapping"))
        self.saved_combo = QComboBox()
        self.saved_combo.setMinimumWidth(220)
        self.saved_combo.activated.connect(self._saved_chosen)
        row.addWidget(self.saved_combo)
        row.addStretch(1)
        self.mapping_hint = QLabel()
        self.mapping_hint.setObjectName("muted")
        row.addWidget(self.mapping_hint)
        self.save_mapping_button = QPushButton("Save mapping as...")
        self.save_mapping_button.clicked.connect(self.save_mapping)
        row.addWidget(self.save_mapping_button)
        layout.addLayout(row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(section("Workbench field \u2190 column in the file"))
        self.mapping_area = QScrollArea()
        self.mapping_area.setWidgetResizable(True)
        left_layout.addWidget(self.mapping_area, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(section("Preview of the mapped rows"))
        self.mapped_preview = small_table()
        right_layout.addWidget(self.mapped_preview, 1)
        self.mapping_problems_title = section("Values that will not parse with this mapping")
        right_layout.addWidget(self.mapping_problems_title)
        self.mapping_problems = QListWidget()
        self.mapping_problems.setMaximumHeight(150)
        right_layout.addWidget(self.mapping_problems)
        # Re-check the values a moment after the last change, not on every click.
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check_mapping)
        self._check_serial = 0
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 640])
        layout.addWidget(splitter, 1)
        return page

    def _build_run_step(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.run_status = QLabel()
        layout.addWidget(self.run_status)
        row = QHBoxLayout()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.rejects_title = section("First rejected rows")
        layout.addWidget(self.rejects_title)
        self.rejects = small_table()
        layout.addWidget(self.rejects, 1)
        layout.addStretch(0)
        return page

    # ------------------------------------------------------------------ flow
    @property
    def current_file(self) -> Path:
        return self.files[self.position]

    def start_file(self, entity: str | None = None, sheet: str | None = None) -> None:
        """Detect the current file (in the background) and show step 1."""
        self._show_step(0)
        self.detection = None
        self.status_label.setText(f"Reading {self.current_file.name}...")
        self.next_button.setEnabled(False)
        self.context.runner.run(
            f"Reading {self.current_file.name}",
            importing.detect_task,
            self.current_file,
            entity,
            sheet,
            on_success=self._detected,
            on_failure=self._detect_failed,
        )

    def _detected(self, detection: Any) -> None:
        self.detection = detection
        self.entity = getattr(detection, "entity", None)
        self.sheet = getattr(detection, "sheet", None)
        self.mapping = dict(getattr(detection, "mapping", None) or {})
        index = self.entity_combo.findData(self.entity)
        self.entity_combo.setCurrentIndex(index)
        self.profile_value.setText(profile_words(getattr(detection, "profile", None)) or "unknown")
        encoding = getattr(detection, "encoding", None) or "-"
        delimiter = getattr(detection, "delimiter", None)
        shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
            delimiter or "", delimiter
        )
        self.encoding_value.setText(f"{encoding} / {shown}" if delimiter else str(encoding))
        sheets = list(getattr(detection, "sheets", None) or [])
        self.sheet_combo.clear()
        self.sheet_combo.addItems([str(s) for s in sheets])
        if self.sheet:
            self.sheet_combo.setCurrentText(str(self.sheet))
        self.sheet_combo.setVisible(bool(sheets))
        self.sheet_label.setVisible(bool(sheets))
        order = getattr(detection, "date_order", "") or ""
        self.dates_value.setText(
            {"MDY": "month/day/year", "DMY": "day/month/year", "YMD": "year-month-day"}.get(
                order, order or "-"
            )
            + (
                " (ambiguous here: the engagement's setting)"
                if getattr(detection, "date_order_ambiguous", False)
                else ""
            )
        )
        headers, rows = importing.preview_table(detection)
        self.columns_value.setText(f"{len(headers)}")
        unmapped = [str(c) for c in (getattr(detection, "unmapped_columns", None) or [])]
        self.unmapped_value.setText(
            (
                ", ".join(unmapped[:8])
                + (f" and {len(unmapped) - 8} more" if len(unmapped) > 8 else "")
            )
            if unmapped
            else "none"
        )
        self.unmapped_value.setToolTip("\n".join(unmapped))
        fill_table(self.preview, headers, rows)
        issues = importing.problems(detection)
        self.problems_list.clear()
        self.problems_list.addItems(issues or ["No problems found in the first rows."])
        self.problems_title.setText(f"Values that will not parse ({len(issues)})")
        notes = [str(n) for n in (getattr(detection, "notes", None) or [])]
        missing = [str(m) for m in (getattr(detection, "missing_required", None) or [])]
        advice = (
            "Check that Workbench recognised the file. If the records are of another "
            "kind, choose it above."
            if self.entity
            else "Workbench could not tell what these records are: choose the kind above."
        )
        if missing:
            advice += (
                " Required fields not found yet: "
                + ", ".join(missing)
                + "; choose their columns in the next step."
            )
        self.status_label.setText(" ".join([advice, *notes]))
        self.next_button.setEnabled(bool(self.entity))

    def _detect_failed(self, outcome: TaskOutcome) -> None:
        self.status_label.setText("")
        show_error(
            self,
            outcome.error or WorkbenchError("Reading failed."),
            outcome.details,
            title=outcome.title,
        )
        self.next_button.setEnabled(False)

    def _entity_chosen(self, _index: int) -> None:
        entity = self.entity_combo.currentData()
        if entity and entity != self.entity:
            self.start_file(entity=entity, sheet=self.sheet)

    def _sheet_chosen(self, _index: int) -> None:
        sheet = self.sheet_combo.currentText()
        if sheet and sheet != self.sheet:
            self.start_file(entity=self.entity, sheet=sheet)

    def show_mapping_step(self) -> None:
        """Step 2: a combo box per target field, preselected with the detected mapping."""
        if self.detection is None or not self.entity:
            return
        fields = importing.target_fields(self.entity)
        headers, _ = importing.preview_table(self.detection)
        holder = QWidget()
        form = QFormLayout(holder)
        form.setContentsMargins(4, 4, 12, 4)
        form.setSpacing(6)
        self._combos = {}
        for field in fields:
            combo = QComboBox()
            combo.setToolTip(field.description)
            combo.addItem(importing.NOT_MAPPED, None)
            for header in headers:
                combo.addItem(header, header)
            chosen = self.mapping.get(field.name)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
            combo.currentIndexChanged.connect(self._mapping_edited)
            label = QLabel(field.label + (" *" if field.required else ""))
            label.setToolTip(field.description)
            form.addRow(label, combo)
            self._combos[field.name] = combo
        self.mapping_area.setWidget(holder)
        self.saved_combo.clear()
        self.saved_combo.addItem("(as detected)", None)
        for name in importing.saved_mappings(self.context.engagement, self.entity):
            self.saved_combo.addItem(name, name)
        self.save_mapping_button.setEnabled(not self.context.read_only)
        self.saved_name = None
        self._mapping_edited()
        # As detected: the detection already lists the problems; no need to look again.
        self._check_timer.stop()
        self._check_serial += 1
        self._mapping_checked(self._check_serial, importing.problems(self.detection))
        self._show_step(1)

    def _mapping_edited(self, _index: int = 0) -> None:
        self.mapping = {name: combo.currentData() for name, combo in self._combos.items()}
        missing = (
            [
                f.label
                for f in importing.target_fields(self.entity)
                if f.required and not self.mapping.get(f.name)
            ]
            if self.entity
            else []
        )
        self.mapping_hint.setText(
            "* required" + (f"; not mapped: {', '.join(missing)}" if missing else "")
        )
        self._refresh_mapped_preview()
        self._check_timer.start()

    def _refresh_mapped_preview(self) -> None:
        fields = importing.target_fields(self.entity) if self.entity else []
        headers, rows = importing.mapped_preview(self.detection, self.mapping, fields)
        fill_table(self.mapped_preview, headers, rows)

    def check_mapping(self) -> None:
        """Look at the first rows again through the edited mapping (in the background)."""
        self._check_timer.stop()
        if self.detection is None or not self.entity:
            return
        self._check_serial += 1
        serial = self._check_serial
        mapping = self.chosen_mapping()
        self.context.runner.run(
            f"Checking {self.current_file.name}",
            importing.detect_task,
            self.current_file,
            self.entity,
            self.sheet,
            "auto",
            mapping or None,
            on_success=lambda d: self._mapping_checked(serial, importing.problems(d)),
            on_failure=lambda o: self._mapping_checked(serial, [str(o.error)]),
        )

    def _mapping_checked(self, serial: int, issues: list[str]) -> None:
        if serial != self._check_serial:
            return  # an older check; a newer one is on its way
        self.mapping_problems.clear()
        self.mapping_problems.addItems(issues or ["No problems in the first rows."])
        self.mapping_problems_title.setText(
            f"Values that will not parse with this mapping ({len(issues)})"
        )

    def _saved_chosen(self, _index: int) -> None:
        name = self.saved_combo.currentData()
        self.saved_name = name
        saved = (
            importing.saved_mappings(self.context.engagement, self.entity).get(name)
            if name
            else dict(getattr(self.detection, "mapping", None) or {})
        )
        for field, combo in self._combos.items():
            header = (saved or {}).get(field)
            combo.setCurrentIndex(max(0, combo.findData(header)) if header else 0)
        self._mapping_edited()

    def chosen_mapping(self) -> dict[str, str]:
        """The mapping as the user left it: target field -> source header."""
        return {k: v for k, v in self.mapping.items() if v}

    def import_choice(self) -> tuple[str, dict[str, str] | None]:
        """(profile, mapping) for ``import_file``.

        Unchanged from detection: ``auto`` and no mapping, so the import records the
        detected profile (e.g. salesforce-api). Unchanged from a saved mapping: that
        mapping's name as the profile. Edited: the full mapping (recorded as custom).
        """
        mapping = self.chosen_mapping()
        detected = {k: v for k, v in (getattr(self.detection, "mapping", None) or {}).items() if v}
        if self.saved_name:
            saved = importing.saved_mappings(self.context.engagement, self.entity).get(
                self.saved_name
            )
            if saved is not None and {k: v for k, v in saved.items() if v} == mapping:
                return self.saved_name, None
        if mapping == detected:
            return "auto", None
        return "auto", mapping

    def save_mapping(self, name: str | None = None) -> None:
        """Save the current mapping under a name, for the next export of the same shape."""
        if name is None:
            name, ok = QInputDialog.getText(self, "Save mapping", "Name for this mapping:")
            if not ok:
                return
        name = (name or "").strip()
        if not name:
            return
        try:
            self.context.runner.run(
                f"Saving mapping {name}",
                import_ops.save_mapping,
                import_ops.SaveMapping(name, self.entity, self.chosen_mapping()),
                writes=True,
                on_success=self._mapping_saved,
                on_failure=lambda o: show_error(self, o.error, o.details, title=o.title),
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def _mapping_saved(self, name: str) -> None:
        if self.saved_combo.findData(name) < 0:
            self.saved_combo.addItem(name, name)
        self.saved_combo.setCurrentIndex(self.saved_combo.findData(name))
        self.saved_name = name

    def start_import(self) -> None:
        """Step 3: run the import in the background with progress and Cancel."""
        self._show_step(2)
        self.summary.setText("")
        self.rejects_title.setVisible(False)
        self.rejects.setVisible(False)
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.run_status.setText(f"Importing {self.current_file.name}...")
        self.next_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self._check_timer.stop()
        profile, mapping = self.import_choice()
        try:
            self.task = self.context.runner.run(
                f"Importing {self.current_file.name}",
                importing.import_task,
                self.current_file,
                self.entity,
                profile,
                mapping,
                self.sheet,
                writes=True,
                on_success=self._imported,
                on_failure=self._import_failed,
            )
        except WorkbenchError as exc:
            self._import_failed(TaskOutcome("Import", False, True, error=exc))
            return
        self.context.runner.progressed.connect(self._on_progress)

    def _on_progress(self, fraction: float, status: str) -> None:
        self.progress_bar.setValue(int(fraction * 1000))
        if status:
            self.run_status.setText(status)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finish_run(self) -> None:
        try:
            self.context.runner.progressed.disconnect(self._on_progress)
        except (RuntimeError, TypeError):
            pass
        self.task = None
        self.cancel_button.setVisible(False)
        self.progress_bar.setVisible(False)
        self.back_button.setEnabled(True)
        last = self.position == len(self.files) - 1
        self.next_button.setText("Done" if last else "Next file")
        self.next_button.setEnabled(True)

    def _imported(self, result: Any) -> None:
        self._finish_run()
        self.results.append(result)
        self.back_button.setEnabled(False)
        n = lambda name: int(getattr(result, name, 0) or 0)  # noqa: E731
        entity = str(getattr(result, "entity", self.entity) or "").replace("_", " ")
        self.run_status.setText(
            f"<b>{getattr(result, 'source_name', self.current_file.name)}</b> imported into "
            f"{entity}."
        )
        notes = [str(x) for x in (getattr(result, "notes", None) or [])]
        self.summary.setText(
            f"<table cellspacing=6><tr><td>Rows read</td><td align=right><b>{n('rows_read'):,}"
            f"</b></td></tr><tr><td>New records</td><td align=right><b>{n('rows_imported'):,}"
            f"</b></td></tr><tr><td>Updated records</td><td align=right>"
            f"<b>{n('rows_updated'):,}</b></td></tr><tr><td>Rejected rows</td>"
            f"<td align=right><b>{n('rows_rejected'):,}</b></td></tr><tr><td>Skipped rows"
            f"</td><td align=right><b>{n('rows_skipped'):,}</b></td></tr></table>"
            + "".join(f"<p>{note}</p>" for note in notes)
        )
        rejects = list(getattr(result, "rejects", None) or [])[:REJECTS_SHOWN]
        rows = [
            [
                str(getattr(r, "row", "")),
                str(getattr(r, "column", "") or ""),
                str(getattr(r, "value", "") or ""),
                str(getattr(r, "reason", "")),
            ]
            for r in rejects
        ]
        fill_table(self.rejects, ["Row", "Column", "Value", "Why it was rejected"], rows)
        self.rejects_title.setText(
            f"First rejected rows ({len(rows)} of {n('rows_rejected'):,}; all are kept in the "
            "import history)"
            if rows
            else "No rows were rejected."
        )
        self.rejects_title.setVisible(True)
        self.rejects.setVisible(bool(rows))

    def _import_failed(self, outcome: TaskOutcome) -> None:
        self._finish_run()
        self.next_button.setEnabled(False)
        self.run_status.setText(str(outcome.error) if outcome.error else "The import failed.")
        self.summary.setText(
            "Nothing from this file was saved."
            if not outcome.cancelled
            else "Import cancelled. Nothing from this file was saved."
        )
        if not outcome.cancelled and outcome.error is not None:
            show_error(self, outcome.error, outcome.details, title=outcome.title)

    # ------------------------------------------------------------ navigation
    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText(f"Step {step + 1} of 3: {STEP_TITLES[step]}")
        count = f" (file {self.position + 1} of {len(self.files)})" if len(self.files) > 1 else ""
        self.file_label.setText(f"{self.current_file}{count}")
        self.back_button.setEnabled(step == 1)
        self.next_button.setText({0: "Next", 1: "Import", 2: "Done"}[step])
        self.next_button.setEnabled(step != 2)

    def next(self) -> None:
        step = self.stack.currentIndex()
        if step == 0:
            self.show_mapping_step()
        elif step == 1:
            self.start_import()
        elif self.position < len(self.files) - 1:
            self.position += 1
            self.start_file()
        else:
            self.accept()

    def back(self) -> None:
        if self.stack.currentIndex() == 1:
            self._show_step(0)
            self.next_button.setEnabled(bool(self.entity))

    def done(self, result: int) -> None:
        self._check_timer.stop()
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self._check_timer.stop()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()  # closing mid-import cancels it; nothing is committed
        super().reject()


def write_sample_export(path: Path) -> Path:
    """A small Salesforce-style opportunity export (with two bad values) for screenshots."""
    rows = [
        [
            "Opportunity ID",
            "Opportunity Name",
            "Account ID",
            "Stage",
            "Amount",
            "Close Date",
            "Owner ID",
            "Forecast Category",
            "Lead Source",
        ],
        [
            "0065g00000AbCdEAA1",
            "Acme - Fleet rollout",
            "0015g00000XyZaBAA1",
            "Proposal",
            "48,000.00",
            "12/15/2026",
            "0055g00000QwErTAA1",
            "Pipeline",
            "Partner",
        ],
        [
            "0065g00000AbCdFAA1",
            "Globex - Renewal FY27",
            "0015g00000XyZaCAA1",
            "Negotiation",
            "125000",
            "11/30/2026",
            "0055g00000QwErTAA1",
            "Commit",
            "Renewal",
        ],
        [
            "0065g00000AbCdGAA1",
            "Initech - Pilot",
            "0015g00000XyZaDAA1",
            "Qualification",
            "twelve k",
            "01/20/2027",
            "0055g00000QwErUAA1",
            "Pipeline",
            "Web",
        ],
        [
            "0065g00000AbCdHAA1",
            "Umbrella - Expansion",
            "0015g00000XyZaEAA1",
            "Closed Won",
            "87,500.00",
            "10/02/2026",
            "0055g00000QwErUAA1",
            "Closed",
            "Outbound",
        ],
        [
            "0065g00000AbCdIAA1",
            "Stark - Analytics add-on",
            "0015g00000XyZaFAA1",
            "Closed Lost",
            "22,000.00",
            "02/30/2026",
            "0055g00000QwErVAA1",
            "Omitted",
            "Event",
        ],
        [
            "0065g00000AbCdJAA1",
            "Wayne - Global deal desk",
            "0015g00000XyZaGAA1",
            "Prospecting",
            "310,000.00",
            "03/31/2027",
            "0055g00000QwErVAA1",
            "Pipeline",
            "Outbound",
        ],
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path
