"""Deliverables page: choose documents and branding, export the package, open the folder.

Each document shows its status (DRAFT or FINAL, as the package computed it) and when
it was last exported; the page says when and where the package was last written and
opens that folder. Both are read from the engagement (``workbench.ui.exports``
records each export there), so they survive closing the file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.models.runs import RUN_TITLES, list_runs
from workbench.reports.exports import LastExport, last_export, record_export
from workbench.reports.files import safe_filename
from workbench.reports.package import PackageResult, available_documents, build_package
from workbench.reports.preferences import (
    BrandingPreferences,
    load_preferences,
    save_preferences,
)
from workbench.ui import asof
from workbench.ui.dialogs import show_error
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page


class Page(BasePage):
    title = "Deliverables"
    subtitle = (
        "The customer-ready documentation package: Word, Excel and calendar files "
        "built from this engagement's data."
    )
    topics = ()

    def __init__(self, context) -> None:
        super().__init__(context)
        self.last_result: PackageResult | None = None
        self.last: LastExport | None = None
        # what this session exported, for a read-only file where it cannot be recorded
        self._session_export: LastExport | None = None
        self.export_button = self.add_action("Export package", self.export, primary=True)
        self.open_button = self.add_action(
            "Open folder", self.open_folder, tooltip="Open the folder of the last export"
        )
        self.open_button.setEnabled(False)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.body.addWidget(split, 1)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Documents")
        heading.setObjectName("sectionTitle")
        lv.addWidget(heading)
        # One row per document: tick to export it; its status and time of the last export.
        self.doc_list = QTreeWidget()
        self.doc_list.setRootIsDecorated(False)
        self.doc_list.setHeaderLabels(["Document", "Status", "Exported"])
        self.doc_list.setUniformRowHeights(True)
        header = self.doc_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        lv.addWidget(self.doc_list, 1)
        row = QHBoxLayout()
        for text, state in (("Select all", True), ("Select none", False)):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, s=state: self.select_all(s))
            row.addWidget(b)
        row.addStretch(1)
        lv.addLayout(row)
        split.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(12, 0, 0, 0)
        heading = QLabel("Branding and options")
        heading.setObjectName("sectionTitle")
        rv.addWidget(heading)
        form = QFormLayout()
        self.consultancy = QLineEdit()
        self.consultancy.setPlaceholderText("Your consultancy's name, printed on every title page")
        form.addRow("Consultancy", self.consultancy)
        self.logo = QLineEdit()
        form.addRow(
            "Logo", self._with_browse(self.logo, "Choose a logo", "Images (*.png *.jpg *.jpeg)")
        )
        self.template = QLineEdit()
        self.template.setPlaceholderText("Workbench's own template")
        form.addRow(
            "Word template",
            self._with_browse(
                self.template, "Choose your Word template", "Word templates (*.dotx *.docx)"
            ),
        )
        self.version = QLineEdit("1.0")
        form.addRow("Version", self.version)
        self.status = QComboBox()
        self.status.addItems(["Automatic (DRAFT while data is missing)", "DRAFT", "FINAL"])
        form.addRow("Status", self.status)
        self.anonymize = QCheckBox("Anonymise reps and contacts (stable pseudonyms)")
        form.addRow("", self.anonymize)
        self.zip_output = QCheckBox("Also write a single .zip")
        form.addRow("", self.zip_output)
        self.out_dir = QLineEdit()
        form.addRow(
            "Output folder", self._with_browse(self.out_dir, "Choose the output folder", None)
        )
        rv.addLayout(form)
        self.runs_note = QLabel()
        self.runs_note.setWordWrap(True)
        rv.addWidget(self.runs_note)
        heading = QLabel("Last export")
        heading.setObjectName("sectionTitle")
        rv.addWidget(heading)
        self.summary = QLabel("Not exported yet.")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        rv.addWidget(self.summary)
        self.results = QTableWidget(0, 3)
        self.results.setHorizontalHeaderLabels(["File", "Status", "Waiting for"])
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # What a DRAFT waits for is a sentence or two: wrapped in its column, each row as
        # tall as its text (cut to one line it could only be read in the tooltip).
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.results.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        # Rows are measured at the column's width of that moment: measure again when
        # the window (and so the stretched column) changes width.
        header.sectionResized.connect(lambda *_: self.results.resizeRowsToContents())
        rv.addWidget(self.results, 1)
        split.addWidget(right)
        split.setSizes([520, 480])
        self._load_preferences()

    def _with_browse(self, edit: QLineEdit, caption: str, filt: str | None) -> QWidget:
        box = QWidget()
        h = QHBoxLayout(box)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(edit, 1)
        b = QPushButton("Browse...")

        def browse() -> None:
            if filt is None:
                path = QFileDialog.getExistingDirectory(self, caption, edit.text())
            else:
                path, _ = QFileDialog.getOpenFileName(self, caption, edit.text(), filt)
            if path:
                edit.setText(path)

        b.clicked.connect(browse)
        h.addWidget(b)
        return box

    # ------------------------------------------------------------------ state
    def _load_preferences(self) -> None:
        prefs = load_preferences()
        self.consultancy.setText(prefs.consultancy)
        self.logo.setText(prefs.logo)
        self.template.setText(prefs.template)

    def as_of_text(self) -> str:
        eng = self.context.engagement
        when = f"Last exported {asof.moment(self.last.at)}. " if self.last else "Not exported yet. "
        return when + asof.runs_text(
            eng,
            asof.AUDIT_KINDS + ("calibration", "scoring"),
            missing=f"Data as of {asof.day(eng.as_of())}; no stored audit or scoring run yet.",
        )

    def refresh(self) -> None:
        eng = self.context.engagement
        meta = eng.meta()
        self.last = last_export(eng)
        if self.context.read_only and self._session_export is not None:
            self.last = self._session_export
        self.runs_note.setText(runs_note(eng))
        selected = set(self.selected_documents()) if self.doc_list.topLevelItemCount() else None
        self.doc_list.clear()
        docs = self.last.documents if self.last else {}
        for spec in available_documents(meta.project_kind):
            done = docs.get(spec.name)
            item = QTreeWidgetItem(
                [
                    f"{spec.title}  ({', '.join(spec.formats)})",
                    done.status if done else "not exported",
                    asof.moment(done.at) if done else "",
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, spec.name)
            item.setToolTip(0, spec.description)
            if done is not None:
                why = "; ".join(done.waiting_for())
                item.setToolTip(
                    1,
                    f"DRAFT at the last export: {why}"
                    if done.status == "DRAFT" and why
                    else f"{done.status} at the last export",
                )
                item.setToolTip(2, f"Written to {done.out_dir}")
                if done.status == "DRAFT":
                    item.setForeground(1, Qt.GlobalColor.darkRed)
            checked = selected is None or spec.name in selected
            item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if spec.name == "index":
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setToolTip(0, "The index is always written: it lists what the folder holds.")
            self.doc_list.addTopLevelItem(item)
        if not self.consultancy.text():
            self.consultancy.setText(meta.consultancy)
        if not self.out_dir.text():
            self.out_dir.setText(
                self.last.out_dir
                if self.last
                else str(
                    Path(eng.path).resolve().parent / safe_filename(f"{meta.customer} package")
                )
            )
        self._show_last()

    def _show_last(self) -> None:
        """The last export's time, folder and files (from the engagement's record)."""
        last = self.last
        if last is None:
            self.summary.setText("Not exported yet.")
            self.open_button.setEnabled(False)
            return
        drafts = last.drafts()
        files = sum(len(d.files) for d in last.documents.values() if d.at == last.at)
        text = f"{asof.moment(last.at)}: {files} files written to {last.out_dir}"
        if last.zip:
            text += f" and {Path(last.zip).name}"
        text += f"; {drafts} documents still DRAFT." if drafts else "; every document FINAL."
        if last.skipped:
            text += " Not built: " + "; ".join(last.skipped.values())
        if not Path(last.out_dir).is_dir():
            text += " The folder is no longer there."
        self.summary.setText(text)
        rows = [d for d in last.documents.values() if d.at == last.at]
        self.results.setRowCount(sum(len(d.files) for d in rows))
        r = 0
        for d in rows:
            for name in d.files:
                file_item = QTableWidgetItem(name)
                file_item.setToolTip(str(Path(d.out_dir) / name))
                self.results.setItem(r, 0, file_item)
                self.results.setItem(r, 1, QTableWidgetItem(d.status))
                why = "; ".join(d.waiting_for())
                waiting = QTableWidgetItem(why)
                waiting.setToolTip(why)
                self.results.setItem(r, 2, waiting)
                r += 1
        # The file names take what they need up to about 24 characters (a longer name
        # wraps); the rest of the width goes to what each DRAFT waits for.
        self.results.resizeColumnToContents(0)
        limit = self.results.fontMetrics().horizontalAdvance("0" * 24)
        if self.results.columnWidth(0) > limit:
            self.results.setColumnWidth(0, limit)
        self.open_button.setEnabled(Path(last.out_dir).is_dir())

    def document_items(self) -> list[QTreeWidgetItem]:
        return [self.doc_list.topLevelItem(i) for i in range(self.doc_list.topLevelItemCount())]

    def select_all(self, state: bool) -> None:
        for item in self.document_items():
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(0, Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)

    def check(self, names: list[str]) -> None:
        """Tick exactly ``names`` (and the index, always written)."""
        for item in self.document_items():
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                name = item.data(0, Qt.ItemDataRole.UserRole)
                on = name in names
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def selected_documents(self) -> list[str]:
        return [
            item.data(0, Qt.ItemDataRole.UserRole)
            for item in self.document_items()
            if item.checkState(0) == Qt.CheckState.Checked
        ]

    def document_status(self, name: str) -> tuple[str, str]:
        """(status, exported) as the page shows them for document ``name``."""
        for item in self.document_items():
            if item.data(0, Qt.ItemDataRole.UserRole) == name:
                return item.text(1), item.text(2)
        raise KeyError(name)

    # ----------------------------------------------------------------- export
    def export(self) -> None:
        names = [n for n in self.selected_documents() if n != "index"]
        if not names:
            show_error(self, WorkbenchError("Choose at least one document to export."))
            return
        all_names = [
            s.name
            for s in available_documents(self.context.engagement.meta().project_kind)
            if s.name != "index"
        ]
        template = Path(self.template.text()) if self.template.text().strip() else None
        logo = self.logo.text().strip()
        for label, value in (("Word template", template), ("logo", logo)):
            if value and not Path(value).is_file():
                show_error(self, WorkbenchError(f"The {label} file {value} does not exist."))
                return
        save_preferences(
            BrandingPreferences(
                self.consultancy.text().strip(), logo, str(template) if template else ""
            )
        )
        status = self.status.currentText()
        branding = {
            "consultancy": self.consultancy.text().strip(),
            "logo": logo or None,
            "version": self.version.text().strip() or "1.0",
            "status": status if status in ("DRAFT", "FINAL") else None,
        }
        out = Path(self.out_dir.text().strip())
        try:
            self.context.runner.run(
                "Exporting the documentation package",
                build_package,
                out,
                only=None if set(names) == set(all_names) else names,
                anonymize=self.anonymize.isChecked(),
                template=template,
                zip_output=self.zip_output.isChecked(),
                branding=branding,
                writes=False,
                on_success=self.show_result,
            )
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        self.export_button.setEnabled(False)
        self.context.runner.finished.connect(self._reenable)

    def _reenable(self, _outcome=None) -> None:
        self.export_button.setEnabled(True)
        try:
            self.context.runner.finished.disconnect(self._reenable)
        except (RuntimeError, TypeError):
            pass

    def show_result(self, result: PackageResult) -> None:
        """Record the export in the engagement and show it (statuses, time, folder)."""
        self.last_result = result
        try:
            self._session_export = record_export(self.context.engagement, result)
        except Exception as exc:  # the files are written; say the record was not kept
            show_error(self, WorkbenchError(f"The package was written, but not recorded: {exc}"))
        self.refresh()
        self.update_as_of()

    def open_folder(self) -> None:
        if self.last is not None:
            folder = Path(self.last.out_dir)
        elif self.last_result is not None:
            folder = self.last_result.out_dir
        else:
            folder = Path(self.out_dir.text())
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def runs_note(eng) -> str:
    """What the package will show: the stored runs, and which are stale and how to refresh."""
    latest: dict = {}
    for run in list_runs(eng):
        latest.setdefault(run.kind, run)
    if not latest:
        return "No figures are stored yet: the export runs the audits once and stores them."
    stale = [r for r in latest.values() if r.stale]
    if not stale:
        n = len(latest)
        return f"The package shows {n} stored result{'' if n == 1 else 's'}, all current."
    return (
        "Some stored figures are older than the data: "
        + "; ".join(f"{RUN_TITLES.get(r.kind, r.kind)}, run #{r.id} ({r.refresh})" for r in stale)
        + ". The package shows them as they are."
    )


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
