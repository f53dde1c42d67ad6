"""Data page: import CRM exports, review the import history, browse every record."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.models import ENTITY_TABLES
from workbench.models.vocabulary import profile_words
from workbench.ui import asof, importing
from workbench.ui.context import PageContext
from workbench.ui.models.sql_table import SqlTableModel
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.tables import LazyTable
from workbench.ui.words import entity_word

IMPORTABLE = "Exports (*.csv *.tsv *.txt *.xlsx *.xlsm);;All files (*)"
HISTORY_COLUMNS = [
    "id",
    "started_at",
    "entity",
    "source_name",
    "profile",
    "rows_read",
    "rows_imported",
    "rows_updated",
    "rows_rejected",
    "rows_skipped",
]
HISTORY_HEADERS = {
    "id": "#",
    "started_at": "When",
    "entity": "Records",
    "source_name": "File",
    "profile": "Columns read as",
    "rows_read": "Read",
    "rows_imported": "New",
    "rows_updated": "Updated",
    "rows_rejected": "Rejected",
    "rows_skipped": "Skipped",
}
REJECT_COLUMNS = ["row_number", "column_name", "value", "reason"]
REJECT_HEADERS = {
    "row_number": "Row",
    "column_name": "Column",
    "value": "Value",
    "reason": "Why it was rejected",
}
HIDDEN_COLUMNS = ("id", "import_id")


class Page(BasePage):
    """Import wizard, import history and a browser over every entity."""

    title = "Data"
    subtitle = (
        "Bring in the customer's CRM exports, see what each import did, and browse "
        "every record. Drop files here to import them."
    )
    topics = ("imports",)

    def __init__(self, context: PageContext) -> None:
        super().__init__(context)
        self.setAcceptDrops(True)
        self.import_button = self.add_action(
            "Import files...",
            self.choose_files,
            primary=True,
            writes=True,
            tooltip="CSV or Excel exports from Salesforce, HubSpot, dialers, meeting tools",
        )
        if not importing.importers_available() and not context.read_only:
            self.import_button.setEnabled(False)
            self.import_button.setToolTip("Importing arrives with issue 3.")
        self.pull_button = self.add_action(
            "Pull from CRM...",
            self.open_pull_dialog,
            writes=True,
            tooltip="Pull live from Salesforce or HubSpot (credentials stay in the keychain)",
        )
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.body.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_records_tab(), "Records")
        self.tabs.addTab(self._build_history_tab(), "Import history")

    # ------------------------------------------------------------------ tabs
    def _build_records_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 12, 0, 0)
        self.records = LazyTable(noun="records", empty_text="No records yet.")
        self.entity_combo = QComboBox()
        self.entity_combo.setMinimumWidth(260)
        self.entity_combo.setToolTip("Which records to show")
        self.entity_combo.activated.connect(
            lambda _i: self.show_entity(self.entity_combo.currentData())
        )
        self.records.toolbar.insertWidget(0, self.entity_combo)
        self.records.toolbar.insertSpacing(1, 8)
        layout.addWidget(self.records, 1)
        return tab

    def _build_history_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 12, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.history = LazyTable(
            noun="imports",
            empty_text="No imports yet. Use Import files... or drop "
            "exports on this page; every import is recorded here with its counts.",
        )
        splitter.addWidget(self.history)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 8, 0, 0)
        self.rejects_label = QLabel("Select an import to see its rejected rows.")
        self.rejects_label.setObjectName("sectionTitle")
        lower_layout.addWidget(self.rejects_label)
        self.rejects = LazyTable(
            noun="rejected rows", empty_text="No rejected rows for this import."
        )
        lower_layout.addWidget(self.rejects, 1)
        splitter.addWidget(lower)
        splitter.setSizes([380, 300])
        layout.addWidget(splitter, 1)
        return tab

    # --------------------------------------------------------------- refresh
    def as_of_text(self) -> str:
        return asof.imports_text(self.context.engagement)

    def refresh(self) -> None:
        counts = self.context.engagement.counts()
        current = self.entity_combo.currentData() or self._first_entity_with_rows(counts)
        self.entity_combo.clear()
        for entity in ENTITY_TABLES:
            n = counts.get(entity, 0)
            self.entity_combo.addItem(f"{entity_word(entity)}  ({n:,})", entity)
        self.entity_combo.setCurrentIndex(max(0, self.entity_combo.findData(current)))
        self.show_entity(self.entity_combo.currentData())
        conn = self.context.engagement.conn
        history = SqlTableModel(
            conn,
            "imports",
            columns=HISTORY_COLUMNS,
            headers=HISTORY_HEADERS,
            # at local time, as the as-of line says it; the entity and profile in words
            shown={"started_at": asof.moment, "entity": entity_word, "profile": profile_words},
        )
        history.sort(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.history.set_model(history)
        self.history.view.selectionModel().currentRowChanged.connect(self._import_selected)
        self.rejects.set_model(None)
        self.rejects_label.setText("Rejected rows of the selected import")
        if history.rowCount():
            self.history.view.selectRow(0)

    @staticmethod
    def _first_entity_with_rows(counts: dict[str, int]) -> str:
        return next((e for e in ENTITY_TABLES if counts.get(e)), "opportunities")

    def show_entity(self, entity: str | None) -> None:
        """Show the records of ``entity`` in the lazy table."""
        if not entity:
            return
        model = SqlTableModel(
            self.context.engagement.conn, ENTITY_TABLES[entity], hidden=HIDDEN_COLUMNS
        )
        self.records.noun = entity_word(entity).lower()
        self.records.empty_text = (
            f"No {self.records.noun} in this engagement yet.\nImport an export with "
            "Import files... or drop the file on this page."
        )
        self.records.set_model(model)

    def _import_selected(self, current, _previous=None) -> None:
        model = self.history.model
        if model is None or not current.isValid():
            return
        row = model.row_dict(current.row())
        rejects = SqlTableModel(
            self.context.engagement.conn,
            "import_rejects",
            columns=REJECT_COLUMNS,
            headers=REJECT_HEADERS,
            where="import_id = ?",
            params=[row["id"]],
        )
        self.rejects.set_model(rejects)
        self.rejects_label.setText(
            f"Rejected rows of import #{row['id']} ({row['source_name']}): {rejects.rowCount():,}"
        )

    def close_page(self) -> None:
        for table in (self.records, self.history, self.rejects):
            table.set_model(None)

    # ---------------------------------------------------------------- import
    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import exports", str(Path.home()), IMPORTABLE
        )
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, files: list[Path]) -> None:
        """Open the import wizard on ``files`` (it runs the imports through the runner)."""
        from workbench.ui.import_wizard import ImportWizard

        self.wizard = ImportWizard(self.context, files, parent=self)
        self.wizard.exec()

    def open_pull_dialog(self) -> None:
        """The live-pull dialog (connection, pull with progress and Cancel, last pulls)."""
        from workbench.ui.pull_dialog import PullDialog

        self.pull_dialog = PullDialog(self.context, parent=self)
        self.pull_dialog.exec()

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and not self.context.read_only:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        files = [f for f in files if f.suffix.lower() != ".engagement"]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    def prepare_screenshot(self) -> None:
        self.tabs.setCurrentIndex(0)


def preview() -> int:
    """Open the Data page alone on the demo engagement."""
    return preview_page(__name__)
