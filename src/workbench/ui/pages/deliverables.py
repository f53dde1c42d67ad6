"""Deliverables page: choose documents and branding, export the package, open the folder."""

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
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.models.runs import RUN_TITLES, list_runs
from workbench.reports.files import safe_filename
from workbench.reports.package import PackageResult, available_documents, build_package
from workbench.reports.preferences import (
    BrandingPreferences,
    load_preferences,
    save_preferences,
)
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
        self.export_button = self.add_action("Export package", self.export, primary=True)
        self.open_button = self.add_action("Open folder", self.open_folder)
        self.open_button.setEnabled(False)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.body.addWidget(split, 1)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Documents")
        heading.setObjectName("sectionTitle")
        lv.addWidget(heading)
        self.doc_list = QListWidget()
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
        self.summary = QLabel("Nothing exported in this session yet.")
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        rv.addWidget(self.summary)
        self.results = QTableWidget(0, 3)
        self.results.setHorizontalHeaderLabels(["File", "Status", "Waiting for"])
        self.results.verticalHeader().setVisible(False)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        rv.addWidget(self.results, 1)
        split.addWidget(right)
        split.setSizes([380, 620])
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

    def refresh(self) -> None:
        eng = self.context.engagement
        meta = eng.meta()
        self.runs_note.setText(runs_note(eng))
        selected = set(self.selected_documents()) if self.doc_list.count() else None
        self.doc_list.clear()
        for spec in available_documents(meta.project_kind):
            item = QListWidgetItem(f"{spec.title}  ({', '.join(spec.formats)})")
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            item.setToolTip(spec.description)
            checked = selected is None or spec.name in selected
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            if spec.name == "index":
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
                item.setToolTip("The index is always written: it lists what the folder holds.")
            self.doc_list.addItem(item)
        if not self.consultancy.text():
            self.consultancy.setText(meta.consultancy)
        if not self.out_dir.text():
            self.out_dir.setText(
                str(Path(eng.path).resolve().parent / safe_filename(f"{meta.customer} package"))
            )

    def select_all(self, state: bool) -> None:
        for i in range(self.doc_list.count()):
            item = self.doc_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)

    def selected_documents(self) -> list[str]:
        names = []
        for i in range(self.doc_list.count()):
            item = self.doc_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                names.append(item.data(Qt.ItemDataRole.UserRole))
        return names

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
        self.last_result = result
        drafts = sum(1 for f in result.files if f.status == "DRAFT")
        text = f"{len(result.files)} files written to {result.out_dir}"
        if result.zip_path:
            text += f" and {result.zip_path.name}"
        text += f"; {drafts} still DRAFT." if drafts else "; all FINAL."
        if result.skipped:
            text += " Not built: " + "; ".join(result.skipped.values())
        self.summary.setText(text)
        self.results.setRowCount(len(result.files))
        for r, f in enumerate(result.files):
            self.results.setItem(r, 0, QTableWidgetItem(f.path.name))
            self.results.setItem(r, 1, QTableWidgetItem(f.status))
            self.results.setItem(r, 2, QTableWidgetItem("; ".join(f.missing)))
        self.open_button.setEnabled(True)

    def open_folder(self) -> None:
        folder = self.last_result.out_dir if self.last_result else Path(self.out_dir.text())
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
