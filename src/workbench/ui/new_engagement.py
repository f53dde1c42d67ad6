"""The New engagement dialog: the metadata a consultant gives before anything else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.models import ENGAGEMENT_TYPES, METHODOLOGIES, PROJECT_KINDS, EngagementMeta

KIND_LABELS = {
    "revenue-intelligence": "Revenue intelligence (forecasting, pipeline, deal scoring)",
    "conversation-intelligence": "Conversation intelligence (call capture, coaching)",
}
TYPE_LABELS = {
    "single-project": "Single project",
    "dedicated": "Dedicated (ongoing engagement)",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "JPY", "INR", "SGD")


class NewEngagementDialog(QDialog):
    """Ask for customer, kind, type, methodology, jurisdictions, currency, fiscal start."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New engagement")
        self.setMinimumWidth(560)
        self._folder = folder or Path.home()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        heading = QLabel("New engagement")
        heading.setObjectName("pageTitle")
        intro = QLabel(
            "One file per customer. Everything you import, audit and decide "
            "is saved in it as you go."
        )
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setSpacing(10)
        self.customer = QLineEdit()
        self.customer.setPlaceholderText("e.g. Northwind Robotics")
        self.kind = QComboBox()
        for key in PROJECT_KINDS:
            self.kind.addItem(KIND_LABELS.get(key, key), key)
        self.engagement_type = QComboBox()
        for key in ENGAGEMENT_TYPES:
            self.engagement_type.addItem(TYPE_LABELS.get(key, key), key)
        self.methodology = QComboBox()
        for key in METHODOLOGIES:
            self.methodology.addItem(key, key)
        self.jurisdictions = QLineEdit()
        self.jurisdictions.setPlaceholderText("e.g. US-CA, US-NY, GB, DE (recording consent)")
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(CURRENCIES)
        self.fiscal_start = QComboBox()
        for number, name in enumerate(MONTHS, start=1):
            self.fiscal_start.addItem(name, number)
        file_row = QHBoxLayout()
        self.file_edit = QLineEdit()
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._choose_file)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        form.addRow("Customer", self.customer)
        form.addRow("Project kind", self.kind)
        form.addRow("Engagement type", self.engagement_type)
        form.addRow("Sales methodology", self.methodology)
        form.addRow("Jurisdictions", self.jurisdictions)
        form.addRow("Currency", self.currency)
        form.addRow("Fiscal year starts", self.fiscal_start)
        form.addRow("Save as", file_row)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setObjectName("primary")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.customer.textChanged.connect(self._suggest_file)
        self._file_touched = False
        self.file_edit.textEdited.connect(lambda _t: setattr(self, "_file_touched", True))

    def _suggest_file(self, customer: str) -> None:
        if not self._file_touched:
            name = "".join(c for c in customer.strip() if c not in '\\/:*?"<>|') or "Untitled"
            self.file_edit.setText(str(self._folder / f"{name}.engagement"))

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the engagement as",
            self.file_edit.text() or str(self._folder),
            "Engagements (*.engagement)",
        )
        if path:
            self._file_touched = True
            self.file_edit.setText(path)

    def meta(self) -> EngagementMeta:
        """The metadata as entered (validated when the file is created)."""
        codes = [c.strip().upper() for c in self.jurisdictions.text().replace(";", ",").split(",")]
        return EngagementMeta(
            customer=self.customer.text().strip(),
            project_kind=self.kind.currentData(),
            engagement_type=self.engagement_type.currentData(),
            methodology=self.methodology.currentData(),
            jurisdictions=[c for c in codes if c],
            currency=self.currency.currentText().strip().upper(),
            fiscal_year_start_month=int(self.fiscal_start.currentData()),
        )

    def path(self) -> Path:
        path = Path(self.file_edit.text().strip())
        return path if path.suffix == ".engagement" else path.with_name(path.name + ".engagement")

    def _accept(self) -> None:
        from workbench.errors import WorkbenchError

        try:
            self.meta().validate()
            if not self.file_edit.text().strip():
                raise WorkbenchError("Choose where to save the engagement file.")
        except WorkbenchError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()
