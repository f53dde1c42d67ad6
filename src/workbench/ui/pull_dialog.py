"""The live-pull dialog: a CRM connection (secrets to the OS keyring), the pull with
progress and Cancel through the task runner, and when each object was last pulled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.ui import asof
from workbench.ui.context import PageContext
from workbench.ui.tasks import TaskOutcome

SIGN_INS = {
    "salesforce": [
        ("password", "User name, password and security token"),
        ("jwt", "Connected app (JWT: consumer key and private key file)"),
        ("session", "Existing session (instance URL and session id)"),
    ],
    "hubspot": [("token", "Private app access token")],
}
# Which inputs each sign-in shows.
FIELDS = {
    "password": ("username", "domain", "password", "security_token"),
    "jwt": ("username", "domain", "consumer_key", "key_file"),
    "session": ("instance_url", "session_id"),
    "token": ("base_url", "token"),
}
LABELS = {
    "username": "User name",
    "domain": "Domain",
    "password": "Password",
    "security_token": "Security token",
    "consumer_key": "Consumer key",
    "key_file": "Private key file",
    "instance_url": "Instance URL",
    "session_id": "Session id",
    "base_url": "API host",
    "token": "Access token",
}
SECRET_FIELDS = ("password", "security_token", "session_id", "token")


def last_pull_rows(eng) -> list[list[str]]:
    from workbench.importers.pulls.operations import last_pulls

    return [
        [p.connection, p.object, asof.moment(p.last_pulled_at), f"{p.rows_pulled:,}"]
        for p in last_pulls(eng)
    ]


class PullDialog(QDialog):
    """Connect to Salesforce or HubSpot and pull, with progress and Cancel."""

    def __init__(self, context: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.task = None
        self.result: Any = None
        self.setWindowTitle("Pull from a CRM")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Workbench reads the customer's CRM directly. Passwords, tokens and session ids "
            "go to this computer's keychain, never into the engagement file."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.crm = QComboBox()
        self.crm.addItem("Salesforce", "salesforce")
        self.crm.addItem("HubSpot", "hubspot")
        self.name = QLineEdit("salesforce")
        self.sign_in = QComboBox()
        form.addRow("CRM", self.crm)
        form.addRow("Connection name", self.name)
        form.addRow("Sign-in", self.sign_in)
        self.inputs: dict[str, QLineEdit] = {}
        self.rows: dict[str, QWidget] = {}
        for key, label in LABELS.items():
            edit = QLineEdit()
            if key in SECRET_FIELDS:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.inputs[key] = edit
            row: QWidget = edit
            if key == "key_file":
                row = QWidget()
                box = QHBoxLayout(row)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(edit, 1)
                browse = QPushButton("Browse...")
                browse.clicked.connect(self._browse_key)
                box.addWidget(browse)
            self.rows[key] = row
            form.addRow(label, row)
        self.inputs["domain"].setPlaceholderText("login (production), test (sandbox) or My Domain")
        self.inputs["base_url"].setPlaceholderText("https://api.hubapi.com")
        self.form = form
        layout.addLayout(form)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        layout.addWidget(self.progress_bar)
        layout.addWidget(QLabel("Last pull of each object"))
        self.last = QTableWidget(0, 4)
        self.last.setHorizontalHeaderLabels(["Connection", "Object", "Pulled (UTC)", "Rows"])
        self.last.verticalHeader().setVisible(False)
        header = self.last.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.last, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.pull_button = QPushButton("Pull")
        self.pull_button.setObjectName("primary")
        self.pull_button.clicked.connect(self.start_pull)
        self.cancel_button = QPushButton("Cancel pull")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for b in (self.pull_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.crm.currentIndexChanged.connect(self._crm_changed)
        self.sign_in.currentIndexChanged.connect(self._sign_in_changed)
        self.name.editingFinished.connect(self.load_connection)
        self._crm_changed()
        self.load_connection()
        self.show_last_pulls()

    # ----------------------------------------------------------------- inputs
    def _crm_changed(self, _index: int = 0) -> None:
        crm = self.crm.currentData()
        self.sign_in.blockSignals(True)
        self.sign_in.clear()
        for key, label in SIGN_INS[crm]:
            self.sign_in.addItem(label, key)
        self.sign_in.blockSignals(False)
        if self.name.text() in ("salesforce", "hubspot", ""):
            self.name.setText(crm)
        self._sign_in_changed()

    def _sign_in_changed(self, _index: int = 0) -> None:
        shown = FIELDS[self.sign_in.currentData() or "password"]
        for key, row in self.rows.items():
            self.form.setRowVisible(row, key in shown)

    def load_connection(self) -> None:
        """Fill the inputs from the engagement's connection of this name (not its secrets:
        empty secret fields mean "use what the keychain holds")."""
        from workbench.importers.pulls import credentials as C

        try:
            conn = C.get_connection(self.context.engagement, self.name.text().strip())
        except Exception:  # an engagement from before the pulls existed has none
            conn = None
        if conn is None:
            return
        self.crm.setCurrentIndex(self.crm.findData(conn.crm))
        self.sign_in.setCurrentIndex(self.sign_in.findData(conn.auth))
        for key in ("username", "domain", "instance_url", "base_url", "consumer_key", "key_file"):
            self.inputs[key].setText(getattr(conn, key) or "")
        for key in SECRET_FIELDS:
            self.inputs[key].setPlaceholderText(
                "kept in the keychain; type to replace" if key in conn.secret_names else ""
            )

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Private key", str(Path.home()))
        if path:
            self.inputs["key_file"].setText(path)

    def values(self) -> tuple[str, str, str, dict, dict]:
        crm, auth = self.crm.currentData(), self.sign_in.currentData()
        name = self.name.text().strip() or crm
        shown = FIELDS[auth]
        text = {k: self.inputs[k].text().strip() for k in shown}
        settings = {k: v or None for k, v in text.items() if k not in SECRET_FIELDS}
        if settings.get("domain") is None and auth in ("password", "jwt"):
            settings["domain"] = "login"
        secrets = {k: v for k, v in text.items() if k in SECRET_FIELDS}
        return crm, name, auth, settings, secrets

    # ------------------------------------------------------------------- pull
    def start_pull(self) -> None:
        # the pull clients load when a pull starts, not when the window opens
        from workbench.importers.pulls.operations import ConnectAndPull, connect_and_pull

        crm, name, auth, settings, secrets = self.values()
        self.status.setText(f"Pulling from {self.crm.currentText()}...")
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.pull_button.setEnabled(False)
        try:
            self.task = self.context.runner.run(
                f"Pulling from {self.crm.currentText()}",
                connect_and_pull,
                ConnectAndPull(crm, name, auth, settings, secrets),
                writes=True,
                on_success=self._pulled,
                on_failure=self._failed,
            )
        except WorkbenchError as exc:
            self._failed(TaskOutcome("Pull", False, True, error=exc))
            return
        for key in SECRET_FIELDS:  # the keyring has them now; do not keep them on screen
            self.inputs[key].clear()
        self.context.runner.progressed.connect(self._on_progress)

    def _on_progress(self, fraction: float, status: str) -> None:
        self.progress_bar.setValue(int(fraction * 1000))
        if status:
            self.status.setText(status)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finish(self) -> None:
        try:
            self.context.runner.progressed.disconnect(self._on_progress)
        except (RuntimeError, TypeError):
            pass
        self.task = None
        self.progress_bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.pull_button.setEnabled(True)

    def _pulled(self, result: Any) -> None:
        self._finish()
        self.result = result
        rows = sum(o.rows_pulled for o in result.objects)
        self.status.setText(
            f"Pulled {rows:,} records in {len(result.objects)} objects from {result.connection}; "
            "they are in the engagement like an import."
        )
        self.show_last_pulls()

    def _failed(self, outcome: TaskOutcome) -> None:
        self._finish()
        if outcome.cancelled:
            self.status.setText("Pull cancelled; nothing was changed.")
        else:
            self.status.setText(str(outcome.error))

    def show_last_pulls(self) -> None:
        try:
            rows = last_pull_rows(self.context.engagement)
        except Exception:  # an engagement from before the pulls existed cannot have any
            rows = []
        self.last.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.last.setItem(r, c, QTableWidgetItem(value))

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
            return
        super().reject()
