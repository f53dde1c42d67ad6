"""Phases page: edit the checklists, intake, definitions, success criteria and meetings.

Every change runs as a writing task through the lifecycle's edit functions, so it is
validated, is one transaction, and lands on the engagement's undo stack; Undo and
Redo (Ctrl+Z, Ctrl+Shift+Z) name the change they will reverse. The Hypercare tab
shows the weekly adoption KPIs against the playbook's targets, the suggested
decision, the refinement triggers and the reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench import lifecycle as lc
from workbench.errors import WorkbenchError
from workbench.lifecycle import operations as ops
from workbench.lifecycle.adoption import fmt_value
from workbench.lifecycle.store import CHECKLIST_STATUSES, INPUT_STATUSES
from workbench.ui import asof
from workbench.ui.dialogs import show_error
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.tables import readable_headers

KEY_ROLE = Qt.ItemDataRole.UserRole
# The customer's words for a checklist item's status (the file keeps the short codes).
STATUS_WORDS = {"todo": "To do", "in-progress": "In progress", "done": "Done",
                "n-a": "Not applicable"}  # fmt: skip
GOOD, BAD = QColor("#2e7d4f"), QColor("#b3261e")


# ------------------------------------------------------------------ widgets
def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    readable_headers(table)
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, list[str]]]) -> None:
    """Refill ``table`` with (key, cells) rows, keeping the selected key selected."""
    selected = _selected_key(table)
    table.setRowCount(len(rows))
    for r, (key, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(KEY_ROLE, key)
            item.setToolTip(text)
            table.setItem(r, c, item)
        if key == selected:
            table.selectRow(r)


def _selected_key(table: QTableWidget) -> str | None:
    items = table.selectedItems()
    return items[0].data(KEY_ROLE) if items else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _form_box(form: QFormLayout, *buttons: QPushButton) -> QWidget:
    box = QWidget()
    box.setMinimumWidth(320)
    outer = QVBoxLayout(box)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addLayout(form)
    row = QHBoxLayout()
    row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    outer.addLayout(row)
    outer.addStretch(1)
    return box


def _history_label() -> QLabel:
    label = QLabel()
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def _history_text(eng, item_type: str, key: str) -> str:
    """The item's last changes, newest first, for the form's history line."""
    events = lc.item_history(eng, item_type, key)[-5:]
    lines = [
        f"{asof.moment(e.at)} {e.event} {e.status or ''}".rstrip()
        + (f" (meeting {e.meeting_id})" if e.meeting_id else "")
        for e in reversed(events)
    ]
    return "History: " + ("; ".join(lines) if lines else "no changes yet")


def _combo(values: tuple[str, ...] | list[str], words: dict[str, str] | None = None) -> QComboBox:
    """A combo box of ``values``, shown in ``words`` when given (``currentData`` is the value)."""
    combo = QComboBox()
    for value in values:
        combo.addItem((words or {}).get(value, value), value)
    return combo


def _select(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(max(0, combo.findData(value)))


def kind_word(kind: str) -> str:
    """A meeting kind in words: "vendor-demo" reads "Vendor demo"."""
    return kind.replace("-", " ").capitalize()


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def confirmable(eng) -> list[tuple[str, str]]:
    """(reference, words) of every input a meeting can confirm: open findings and
    intake items and definitions not yet confirmed, in that order."""
    from workbench.models.findings import list_findings

    out = [(f"finding:{f.id}", f"Finding #{f.id}: {f.title}")
           for f in list_findings(eng) if f.status == "ASSUMED"]  # fmt: skip
    out += [(f"intake:{i.key}", f"Intake: {i.label}")
            for i in lc.intake(eng) if i.status == "ASSUMED"]  # fmt: skip
    out += [(f"definition:{d.key}", f"Definition: {d.term}")
            for d in lc.definitions(eng) if d.status == "ASSUMED"]  # fmt: skip
    return out


@dataclass(frozen=True)
class Correctable:
    """One thing a meeting can correct: its reference for the lifecycle, how a person
    reads it, its current value as text, what the right value looks like, and whether
    the value is a number."""

    ref: str
    words: str
    current: str
    hint: str
    number: bool = False
    choices: tuple[str, ...] = ()


COUNTS_HINT = "role counts, e.g. reps=40, managers=6"
CRITERION_FIELDS = (("", "baseline"), (".target", "target"), (".current", "current value"))


def correctable(eng) -> list[Correctable]:
    """Everything a meeting can correct, each with its current value: current findings
    (the value is what is right), intake items, definitions (the agreed wording) and
    each success criterion's baseline, target and current value (numbers)."""
    from workbench.models.findings import list_findings

    out = [Correctable(f"finding:{f.id}", f"Finding #{f.id}: {f.title}", "",
                       "what is right: the corrected figure or fact")
           for f in list_findings(eng) if f.status not in ("RESOLVED", "DISMISSED")]  # fmt: skip
    for i in lc.intake(eng):
        hint = COUNTS_HINT if i.type == "counts" else (i.hint or f"the {i.label.lower()}")
        if i.type == "list" and not i.hint:
            hint = "comma-separated"
        if i.choices:
            hint = "one of " + ", ".join(i.choices)
        out.append(Correctable(f"intake:{i.key}", f"Intake: {i.label}", _text(i.value), hint,
                               choices=tuple(i.choices)))  # fmt: skip
    for d in lc.definitions(eng):
        out.append(Correctable(f"definition:{d.key}", f"Definition: {d.term}", d.definition,
                               "the wording agreed in the meeting"))  # fmt: skip
    for c in lc.criteria(eng):
        for suffix, name in CRITERION_FIELDS:
            value = {"baseline": c.baseline, "target": c.target}.get(name, c.current)
            unit = f" ({c.unit})" if c.unit else ""
            out.append(Correctable(f"criterion:{c.key}{suffix}",
                                   f"Success criterion: {c.kpi}, {name}", _text(value),
                                   f"a number{unit}", number=True))  # fmt: skip
    return out


class Page(BasePage):
    title = "Phases"
    subtitle = (
        "Checklists 1a-4d, intake, definitions, success criteria and meetings. "
        "Every change can be undone."
    )
    topics = ()

    def __init__(self, context) -> None:
        super().__init__(context)
        self.undo_button = self.add_action("Undo", self.undo, writes=True)
        self.redo_button = self.add_action("Redo", self.redo, writes=True)
        # Ctrl+Z / Ctrl+Shift+Z belong to the main window's Edit menu (every page's edits).

        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self._build_checklist()
        self._build_intake()
        self._build_definitions()
        self._build_criteria()
        self._build_meetings()
        self._build_hypercare()
        self._editors = {
            "checklist": [self.check_status, self.check_owner, self.check_due, self.check_note,
                          self.check_save, self.check_done],
            "intake": [self.intake_value, self.intake_status, self.intake_source,
                       self.intake_save],
            "definitions": [self.def_text, self.def_approved, self.def_approver, self.def_save],
            "criteria": [self.crit_baseline, self.crit_source, self.crit_target,
                         self.crit_current, self.crit_included, self.crit_save],
        }  # fmt: skip
        for name in self._editors:
            self._enable_editor(name, False)
        if context.read_only:
            for button in self.findChildren(QPushButton):
                if button.property("writes"):
                    button.setEnabled(False)

    # ------------------------------------------------------------- editors
    def _enable_editor(self, name: str, selected: bool) -> None:
        """An editor's fields and buttons work only while one of its rows is selected."""
        for widget in self._editors[name]:
            widget.setEnabled(selected and not self.context.read_only)
            if not selected and isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.clear()

    # ------------------------------------------------------------- writing
    def _button(self, text: str, slot: Callable[[], None], primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setProperty("writes", True)
        if primary:
            button.setObjectName("primary")
        button.clicked.connect(slot)
        return button

    def write(self, task_title: str, request: ops.LifecycleChange, on_success=None) -> None:
        """Run a lifecycle edit as a writing task; errors are shown in plain words."""
        try:
            self.context.runner.run(
                task_title,
                ops.change,
                request,
                writes=True,
                on_failure=self._failed,
                on_success=on_success,
            )
        except WorkbenchError as exc:
            show_error(self, exc)

    def _failed(self, outcome) -> None:
        show_error(self, outcome.error, outcome.details)

    def undo(self) -> None:
        stack = lc.stack_for(self.context.engagement)
        if stack.can_undo and not self.context.read_only:
            try:
                self.context.runner.run(
                    stack.undo_label, ops.undo, writes=True, on_failure=self._failed
                )
            except WorkbenchError as exc:
                show_error(self, exc)

    def redo(self) -> None:
        stack = lc.stack_for(self.context.engagement)
        if stack.can_redo and not self.context.read_only:
            try:
                self.context.runner.run(
                    stack.redo_label, ops.redo, writes=True, on_failure=self._failed
                )
            except WorkbenchError as exc:
                show_error(self, exc)

    # ------------------------------------------------------------- refresh
    def as_of_text(self) -> str:
        # success criteria baselines and the hypercare figures come from the audits
        return asof.runs_text(self.context.engagement, ("audit:baselines", "audit:maintenance"))

    def refresh(self) -> None:
        eng = self.context.engagement
        stack = lc.stack_for(eng)
        writable = not self.context.read_only
        self.undo_button.setText(stack.undo_label)
        self.redo_button.setText(stack.redo_label)
        self.undo_button.setEnabled(writable and stack.can_undo)
        self.redo_button.setEnabled(writable and stack.can_redo)
        self._refresh_checklist(eng)
        self._refresh_intake(eng)
        self._refresh_definitions(eng)
        self._refresh_criteria(eng)
        self._refresh_meetings(eng)
        self._refresh_hypercare(eng)
        self._checklist_selected()
        self._intake_selected()
        self._definition_selected()
        self._criterion_selected()

    # ----------------------------------------------------------- checklist
    def _build_checklist(self) -> None:
        split = QSplitter()
        self.checklist = QTreeWidget()
        self.checklist.setHeaderLabels(["Item", "Status", "Owner", "Due", "Done", "Note"])
        for column, width in enumerate((360, 110, 150, 95, 95)):
            self.checklist.setColumnWidth(column, width)
        self.checklist.setAlternatingRowColors(True)
        self.checklist.itemSelectionChanged.connect(self._checklist_selected)
        split.addWidget(self.checklist)
        form = QFormLayout()
        self.check_title = QLabel("Select an item.")
        self.check_title.setWordWrap(True)
        self.check_status = _combo(CHECKLIST_STATUSES, STATUS_WORDS)
        self.check_owner = QLineEdit()
        self.check_due = QLineEdit()
        self.check_due.setPlaceholderText("YYYY-MM-DD")
        self.check_note = QLineEdit()
        form.addRow(self.check_title)
        form.addRow("Status", self.check_status)
        form.addRow("Owner", self.check_owner)
        form.addRow("Due", self.check_due)
        form.addRow("Note", self.check_note)
        self.check_history = _history_label()
        form.addRow(self.check_history)
        self.check_save = self._button("Save", self.save_checklist_item, primary=True)
        self.check_done = self._button("Mark done", self.mark_done)
        split.addWidget(_form_box(form, self.check_done, self.check_save))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.tabs.addTab(split, "Checklist")

    def _refresh_checklist(self, eng) -> None:
        selected = self._checklist_key()
        pb = lc.store.book(eng)
        items = lc.checklist(eng)
        # Computed checkpoints show what the data says, not a tick.
        computed = {c.key: c for g in lc.gates(eng) for c in g.conditions if c.computed}
        self.checklist.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for item in items:
            if item.subphase not in groups:
                mine = [i for i in items if i.subphase == item.subphase]
                # A condition the data shows as met counts as done, like a ticked item.
                done = sum(
                    computed[i.key].met if i.key in computed else i.status in ("done", "n-a")
                    for i in mine
                )
                head = QTreeWidgetItem(
                    [f"{item.subphase}  {pb.subphase_name(item.subphase)}", f"{done}/{len(mine)}"]
                )
                font = head.font(0)
                font.setBold(True)
                head.setFont(0, font)
                self.checklist.addTopLevelItem(head)
                head.setExpanded(done < len(mine))
                groups[item.subphase] = head
            status = status_word(item.status)
            cond = computed.get(item.key)
            if cond is not None:
                status = "met (data)" if cond.met else "open (data)"
            row = QTreeWidgetItem(
                [
                    item.title,
                    status,
                    item.owner,
                    asof.day(item.due_date),
                    asof.day(item.done_date),
                    item.note,
                ]
            )
            row.setData(0, KEY_ROLE, item.key)
            row.setToolTip(0, item.title)
            if cond is not None:
                row.setToolTip(1, asof.dates_in(cond.reason))
                row.setForeground(1, QBrush(GOOD if cond.met else BAD))
            elif item.status == "done":
                row.setForeground(1, QBrush(GOOD))
            groups[item.subphase].addChild(row)
            if item.key == selected:
                self.checklist.setCurrentItem(row)

    def _checklist_key(self) -> str | None:
        current = self.checklist.currentItem()
        return current.data(0, KEY_ROLE) if current is not None else None

    def _checklist_selected(self) -> None:
        key = self._checklist_key()
        item = next((i for i in lc.checklist(self.context.engagement) if i.key == key), None)
        self._enable_editor("checklist", item is not None)
        if item is None:
            self.check_title.setText("Select an item.")
            self.check_history.setText("")
            return
        self.check_title.setText(f"{item.subphase} {item.title}")
        _select(self.check_status, item.status)
        self.check_owner.setText(item.owner)
        self.check_due.setText(item.due_date or "")
        self.check_note.setText(item.note)
        self.check_history.setText(_history_text(self.context.engagement, "checklist", key))

    def save_checklist_item(self) -> None:
        key = self._checklist_key()
        if not key:
            return
        self.write(
            f"Saving {key}",
            ops.ChecklistChange(
                key,
                {
                    "status": self.check_status.currentData(),
                    "owner": self.check_owner.text(),
                    "due_date": self.check_due.text().strip() or None,
                    "note": self.check_note.text(),
                },
            ),
        )

    def mark_done(self) -> None:
        key = self._checklist_key()
        if key:
            self.write(f"Marking {key} done", ops.ChecklistChange(key, {"status": "done"}))

    # -------------------------------------------------------------- intake
    def _build_intake(self) -> None:
        split = QSplitter()
        self.intake = _table(["Section", "Item", "Value", "Status", "Source"])
        self.intake.setColumnWidth(1, 230)
        self.intake.setColumnWidth(2, 260)
        self.intake.itemSelectionChanged.connect(self._intake_selected)
        split.addWidget(self.intake)
        form = QFormLayout()
        self.intake_label = QLabel("Select an item.")
        self.intake_label.setWordWrap(True)
        self.intake_value = QLineEdit()
        self.intake_status = _combo(INPUT_STATUSES)
        self.intake_source = QLineEdit()
        self.intake_source.setPlaceholderText("e.g. intake form, kickoff")
        form.addRow(self.intake_label)
        form.addRow("Value", self.intake_value)
        form.addRow("Status", self.intake_status)
        form.addRow("Source", self.intake_source)
        self.intake_history = _history_label()
        form.addRow(self.intake_history)
        self.intake_save = self._button("Save", self.save_intake, primary=True)
        split.addWidget(_form_box(form, self.intake_save))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.tabs.addTab(split, "Intake")

    def _refresh_intake(self, eng) -> None:
        self._intake_items = {i.key: i for i in lc.intake(eng)}
        _fill(
            self.intake,
            [
                (
                    i.key,
                    [
                        i.section,
                        i.label + (" *" if i.critical else ""),
                        _text(i.value),
                        i.status,
                        asof.dates_in(i.source),
                    ],
                )
                for i in self._intake_items.values()
            ],
        )

    def _intake_selected(self) -> None:
        item = self._intake_items.get(_selected_key(self.intake) or "")
        self._enable_editor("intake", item is not None)
        if item is None:
            self.intake_label.setText("Select an item.")
            self.intake_history.setText("")
            return
        hint = (
            f" ({', '.join(item.choices)})"
            if item.choices
            else (f" ({item.hint})" if item.hint else "")
        )
        self.intake_label.setText(item.label + hint)
        self.intake_value.setText(_text(item.value))
        self.intake_status.setCurrentText(item.status)
        self.intake_source.setText(item.source)
        self.intake_history.setText(_history_text(self.context.engagement, "intake", item.key))

    def save_intake(self) -> None:
        key = _selected_key(self.intake)
        if key:
            self.write(
                f"Saving intake {key}",
                ops.IntakeChange(
                    key,
                    self.intake_value.text(),
                    {
                        "status": self.intake_status.currentText(),
                        "source": self.intake_source.text(),
                    },
                ),
            )

    # --------------------------------------------------------- definitions
    def _build_definitions(self) -> None:
        split = QSplitter()
        self.definitions = _table(["Term", "Definition", "Approved", "Approver", "On", "Status"])
        self.definitions.setColumnWidth(0, 170)
        self.definitions.setColumnWidth(1, 420)
        self.definitions.itemSelectionChanged.connect(self._definition_selected)
        split.addWidget(self.definitions)
        form = QFormLayout()
        self.def_text = QPlainTextEdit()
        self.def_text.setMaximumHeight(110)
        self.def_approved = QCheckBox("Approved by the customer")
        self.def_approver = QLineEdit()
        self.def_approver.setPlaceholderText("e.g. Dana Lee (CRO)")
        form.addRow("Definition", self.def_text)
        form.addRow("", self.def_approved)
        form.addRow("Approver", self.def_approver)
        self.def_history = _history_label()
        form.addRow(self.def_history)
        self.def_save = self._button("Save", self.save_definition, primary=True)
        split.addWidget(_form_box(form, self.def_save))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.tabs.addTab(split, "Definitions")

    def _refresh_definitions(self, eng) -> None:
        self._definitions = {d.key: d for d in lc.definitions(eng)}
        _fill(
            self.definitions,
            [
                (
                    d.key,
                    [
                        d.term + ("" if d.required else " (optional)"),
                        d.definition,
                        "yes" if d.approved else "no",
                        d.approver,
                        asof.day(d.approved_on),
                        d.status,
                    ],
                )
                for d in self._definitions.values()
            ],
        )

    def _definition_selected(self) -> None:
        d = self._definitions.get(_selected_key(self.definitions) or "")
        self._enable_editor("definitions", d is not None)
        if d is None:
            self.def_approved.setChecked(False)
            self.def_history.setText("")
            return
        self.def_text.setPlainText(d.definition)
        self.def_approved.setChecked(d.approved)
        self.def_approver.setText(d.approver)
        self.def_history.setText(_history_text(self.context.engagement, "definition", d.key))

    def save_definition(self) -> None:
        key = _selected_key(self.definitions)
        d = self._definitions.get(key or "")
        if d is None:
            return
        text = self.def_text.toPlainText().strip()
        kwargs: dict[str, Any] = {
            "approved": self.def_approved.isChecked(),
            "approver": self.def_approver.text(),
        }
        if text != d.definition:
            kwargs["definition"] = text
        self.write(f"Saving definition {d.term}", ops.DefinitionChange(key, kwargs))

    # ------------------------------------------------------------ criteria
    def _build_criteria(self) -> None:
        split = QSplitter()
        self.criteria = _table(
            [
                "KPI",
                "Unit",
                "Baseline",
                "Baseline from",
                "Target",
                "Playbook target",
                "Current",
                "Included",
                "Status",
            ]
        )
        self.criteria.setColumnWidth(0, 260)
        self.criteria.itemSelectionChanged.connect(self._criterion_selected)
        split.addWidget(self.criteria)
        form = QFormLayout()
        self.crit_baseline = QLineEdit()
        self.crit_source = QLineEdit()
        self.crit_target = QLineEdit()
        self.crit_current = QLineEdit()
        self.crit_included = QCheckBox("Part of the success criteria")
        form.addRow("Baseline", self.crit_baseline)
        form.addRow("Baseline from", self.crit_source)
        form.addRow("Target", self.crit_target)
        form.addRow("Current", self.crit_current)
        form.addRow("", self.crit_included)
        self.crit_history = _history_label()
        form.addRow(self.crit_history)
        self.crit_save = self._button("Save", self.save_criterion, primary=True)
        split.addWidget(_form_box(form, self.crit_save))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.tabs.addTab(split, "Success criteria")

    def _refresh_criteria(self, eng) -> None:
        self._criteria = {c.key: c for c in lc.criteria(eng)}
        _fill(
            self.criteria,
            [
                (
                    c.key,
                    [
                        c.kpi,
                        c.unit,
                        _text(c.baseline),
                        asof.dates_in(c.baseline_source),
                        _text(c.target),
                        _text(c.suggested_target)
                        + (f" ({c.target_note})" if c.target_note else ""),
                        _text(c.current),
                        "yes" if c.included else "no",
                        c.status,
                    ],
                )
                for c in self._criteria.values()
            ],
        )

    def _criterion_selected(self) -> None:
        c = self._criteria.get(_selected_key(self.criteria) or "")
        self._enable_editor("criteria", c is not None)
        if c is None:
            self.crit_included.setChecked(False)
            self.crit_history.setText("")
            return
        self.crit_baseline.setText(_text(c.baseline))
        self.crit_source.setText(c.baseline_source)
        self.crit_target.setText(_text(c.target))
        self.crit_current.setText(_text(c.current))
        self.crit_included.setChecked(c.included)
        self.crit_history.setText(_history_text(self.context.engagement, "criterion", c.key))

    def save_criterion(self) -> None:
        key = _selected_key(self.criteria)
        c = self._criteria.get(key or "")
        if c is None:
            return
        kwargs: dict[str, Any] = {
            "target": self.crit_target.text().strip() or None,
            "current": self.crit_current.text().strip() or None,
            "included": self.crit_included.isChecked(),
        }
        if (
            self.crit_baseline.text().strip() != _text(c.baseline)
            or self.crit_source.text() != c.baseline_source
        ):
            kwargs["baseline"] = self.crit_baseline.text().strip() or None
            kwargs["baseline_source"] = self.crit_source.text().strip() or "entered"
        if kwargs["current"] is None and c.current is None:
            del kwargs["current"]  # do not stamp an empty current value
        self.write(f"Saving criterion {c.kpi}", ops.CriterionChange(key, kwargs))

    # ------------------------------------------------------------ meetings
    def _build_meetings(self) -> None:
        split = QSplitter()
        self.meetings = _table(
            ["Date", "Kind", "Title", "Attendees", "Confirmed", "Corrected", "Notes"]
        )
        self.meetings.setColumnWidth(2, 200)
        self.meetings.setColumnWidth(3, 220)
        split.addWidget(self.meetings)
        form = QFormLayout()
        self.meet_kind = _combo(lc.MEETING_KINDS, {k: kind_word(k) for k in lc.MEETING_KINDS})
        self.meet_date = QLineEdit()
        self.meet_date.setPlaceholderText("YYYY-MM-DD (a future date books it)")
        self.meet_title = QLineEdit()
        self.meet_attendees = QLineEdit()
        self.meet_attendees.setPlaceholderText("comma-separated")
        # What the meeting confirmed: ticked in a list of the open inputs, not typed.
        self.meet_confirm = QListWidget()
        self.meet_confirm.setMaximumHeight(120)
        self.meet_confirm.setToolTip("Tick what the customer confirmed in this meeting")
        # What the meeting corrected: pick the item from a list, type the right value
        # in a field that opens on the current one, add it; as many as needed.
        self.fix_items = QListWidget()
        self.fix_items.setMaximumHeight(110)
        self.fix_items.setToolTip("Pick what the customer corrected")
        self.fix_items.currentItemChanged.connect(self._fix_picked)
        self.fix_value = QLineEdit()
        self.fix_value.setEnabled(False)
        self.fix_value.setPlaceholderText("Pick an item above")
        self.fix_value.returnPressed.connect(self.add_correction)
        self.fix_choice = QComboBox()  # instead of the field when the item has choices
        self.fix_choice.setVisible(False)
        self.fix_add = self._button("Add correction", self.add_correction)
        self.fix_add.setEnabled(False)
        value_row = QWidget()
        row = QHBoxLayout(value_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.fix_value, 1)
        row.addWidget(self.fix_choice, 1)
        row.addWidget(self.fix_add)
        self.meet_corrections = QListWidget()
        self.meet_corrections.setMaximumHeight(70)
        self.meet_corrections.setToolTip("The corrections this meeting records")
        self.fix_remove = self._button("Remove", self.remove_correction)
        corrections_row = QWidget()
        row = QHBoxLayout(corrections_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.meet_corrections, 1)
        row.addWidget(self.fix_remove, 0, Qt.AlignmentFlag.AlignTop)
        self.meet_notes = QPlainTextEdit()
        self.meet_notes.setMaximumHeight(80)
        form.addRow("Kind", self.meet_kind)
        form.addRow("Date", self.meet_date)
        form.addRow("Title", self.meet_title)
        form.addRow("Attendees", self.meet_attendees)
        form.addRow("Confirmed", self.meet_confirm)
        form.addRow("Corrected", self.fix_items)
        form.addRow("Right value", value_row)
        form.addRow("", corrections_row)
        form.addRow("Notes", self.meet_notes)
        self.meet_save = self._button("Record meeting", self.record_meeting, primary=True)
        split.addWidget(_form_box(form, self.meet_save))
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.tabs.addTab(split, "Meetings")

    def _refresh_meetings(self, eng) -> None:
        self._fill_confirmable(eng)
        self._fill_correctable(eng)
        _fill(
            self.meetings,
            [
                (
                    str(m.id),
                    [
                        asof.day(m.held_on),
                        kind_word(m.kind),
                        m.title,
                        ", ".join(m.attendees),
                        str(sum(i.action == "confirmed" for i in m.items)),
                        str(sum(i.action == "corrected" for i in m.items)),
                        m.notes,
                    ],
                )
                for m in reversed(lc.meetings(eng))
            ],
        )

    def _fill_correctable(self, eng) -> None:
        keep = self.fix_items.currentItem()
        keep_ref = keep.data(KEY_ROLE).ref if keep is not None else None
        self.fix_items.blockSignals(True)
        self.fix_items.clear()
        for c in correctable(eng):
            item = QListWidgetItem(c.words + (f"  (now {c.current})" if c.current else ""))
            item.setData(KEY_ROLE, c)
            item.setToolTip(f"{c.words}; now: {c.current or 'empty'}")
            self.fix_items.addItem(item)
            if c.ref == keep_ref:
                self.fix_items.setCurrentItem(item)
        self.fix_items.blockSignals(False)
        self._fix_picked(self.fix_items.currentItem())

    def _fix_picked(self, item, _previous=None) -> None:
        """Open the value field on the picked item's current value (numbers only for a
        success criterion)."""
        c: Correctable | None = item.data(KEY_ROLE) if item is not None else None
        writable = not self.context.read_only
        self.fix_value.setEnabled(c is not None and writable)
        self.fix_add.setEnabled(c is not None and writable)
        self.fix_choice.setVisible(bool(c and c.choices))
        self.fix_value.setVisible(not (c and c.choices))
        if c is None:
            self.fix_value.clear()
            self.fix_value.setPlaceholderText("Pick an item above")
            return
        if c.choices:
            self.fix_choice.clear()
            self.fix_choice.addItems(list(c.choices))
            self.fix_choice.setCurrentIndex(max(0, self.fix_choice.findText(c.current)))
            self.fix_choice.setEnabled(writable)
            return
        if c.number:
            validator = QDoubleValidator(self.fix_value)
            validator.setLocale(QLocale.c())
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            self.fix_value.setValidator(validator)
        else:
            self.fix_value.setValidator(None)
        self.fix_value.setText(c.current)
        self.fix_value.setPlaceholderText(c.hint)
        self.fix_value.setToolTip(c.hint)

    def pick_correction(self, ref: str) -> None:
        """Select ``ref`` in the list of correctable items (KeyError when absent)."""
        for i in range(self.fix_items.count()):
            if self.fix_items.item(i).data(KEY_ROLE).ref == ref:
                self.fix_items.setCurrentRow(i)
                return
        raise KeyError(ref)

    def add_correction(self) -> None:
        item = self.fix_items.currentItem()
        if item is None or not self.fix_add.isEnabled():
            return
        c: Correctable = item.data(KEY_ROLE)
        value = (self.fix_choice.currentText() if c.choices else self.fix_value.text()).strip()
        if not value:
            show_error(self, WorkbenchError(f"Type the right value for {c.words} ({c.hint})."))
            return
        for i in range(self.meet_corrections.count()):
            if self.meet_corrections.item(i).data(KEY_ROLE)[0] == c.ref:
                self.meet_corrections.takeItem(i)  # a second value replaces the first
                break
        added = QListWidgetItem(f"{c.words}: {value}")
        added.setData(KEY_ROLE, (c.ref, value))
        added.setToolTip(f"{c.words}: was {c.current or 'empty'}, now {value}")
        self.meet_corrections.addItem(added)

    def remove_correction(self) -> None:
        row = self.meet_corrections.currentRow()
        if row >= 0:
            self.meet_corrections.takeItem(row)

    def corrections(self) -> list[tuple[str, str]]:
        """(reference, right value) of each correction the meeting will record."""
        return [
            self.meet_corrections.item(i).data(KEY_ROLE)
            for i in range(self.meet_corrections.count())
        ]

    def _fill_confirmable(self, eng) -> None:
        ticked = set(self.confirmed_refs())
        self.meet_confirm.clear()
        for ref, words in confirmable(eng):
            item = QListWidgetItem(words)
            item.setData(KEY_ROLE, ref)
            item.setToolTip(words)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ref in ticked else Qt.CheckState.Unchecked)
            self.meet_confirm.addItem(item)

    def confirmed_refs(self) -> list[str]:
        """The references of the ticked inputs (finding:12, intake:crm, ...)."""
        return [
            self.meet_confirm.item(i).data(KEY_ROLE)
            for i in range(self.meet_confirm.count())
            if self.meet_confirm.item(i).checkState() == Qt.CheckState.Checked
        ]

    def tick(self, ref: str) -> None:
        """Tick ``ref`` in the Confirmed list (raises KeyError when it is not open)."""
        for i in range(self.meet_confirm.count()):
            if self.meet_confirm.item(i).data(KEY_ROLE) == ref:
                self.meet_confirm.item(i).setCheckState(Qt.CheckState.Checked)
                return
        raise KeyError(ref)

    def record_meeting(self) -> None:
        confirms = self.confirmed_refs()
        corrections = [(str(ref), str(value)) for ref, value in self.corrections()]
        attendees = [a.strip() for a in self.meet_attendees.text().split(",") if a.strip()]
        self.write(
            "Recording the meeting",
            ops.RecordMeeting(
                self.meet_kind.currentData(),
                self.meet_date.text().strip(),
                {
                    "title": self.meet_title.text(),
                    "attendees": attendees,
                    "notes": self.meet_notes.toPlainText(),
                    "confirms": confirms,
                    "corrections": corrections,
                },
            ),
            on_success=lambda _result: self.meet_corrections.clear(),  # recorded: not twice
        )

    # ----------------------------------------------------------- hypercare
    def _build_hypercare(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        dates = QHBoxLayout()
        self.go_live = QLineEdit()
        self.go_live.setPlaceholderText("YYYY-MM-DD")
        self.checkin = QLineEdit()
        self.checkin.setPlaceholderText("YYYY-MM-DD")
        dates.addWidget(QLabel("Go-live"))
        dates.addWidget(self.go_live)
        dates.addWidget(self._button("Set", self.save_go_live))
        dates.addSpacing(24)
        dates.addWidget(QLabel("Refinement check-in"))
        dates.addWidget(self.checkin)
        dates.addWidget(self._button("Set", self.save_checkin))
        dates.addStretch(1)
        layout.addLayout(dates)
        self.decision = QLabel()
        self.decision.setObjectName("sectionTitle")
        self.decision.setWordWrap(True)
        layout.addWidget(self.decision)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        layout.addWidget(self.reasons)
        self.adoption = _table(["KPI"])
        layout.addWidget(self.adoption, 2)
        self.maintenance = QLabel()
        self.maintenance.setObjectName("muted")
        self.maintenance.setWordWrap(True)
        layout.addWidget(self.maintenance)
        self.triggers = _table(["Refinement trigger", "State", "Why", "Response"])
        self.triggers.setColumnWidth(0, 240)
        self.triggers.setColumnWidth(2, 420)
        layout.addWidget(self.triggers, 1)
        self.reminders = QLabel()
        self.reminders.setObjectName("muted")
        self.reminders.setWordWrap(True)
        layout.addWidget(self.reminders)
        self.tabs.addTab(page, "Hypercare and handoff")

    def _refresh_hypercare(self, eng) -> None:
        report = lc.adoption_report(eng)
        labels = {
            "proceed-to-handoff": "Suggested: proceed to handoff",
            "extend-hypercare": "Suggested: extend hypercare",
            "in-progress": "Hypercare in progress",
            "not-started": "Hypercare not started",
            "no-data": "No adoption data yet",
        }
        self.decision.setText(
            labels[report.decision]
            + (f" (go-live {asof.day(report.start)})" if report.start else "")
        )
        self.reasons.setText(
            "\n".join(f"- {asof.dates_in(r)}" for r in report.reasons + report.red_flags)
        )
        weeks = report.weeks
        self.adoption.setColumnCount(1 + len(weeks))
        self.adoption.setHorizontalHeaderLabels(
            ["KPI"] + [f"Week {w.week}" + ("" if w.complete else " (so far)") for w in weeks]
        )
        readable_headers(self.adoption)
        specs = lc.store.book(eng).adoption
        self.adoption.setRowCount(len(specs))
        for r, spec in enumerate(specs):
            label = QTableWidgetItem(f"{spec.kpi}: target {fmt_value(spec.target, spec.unit)}")
            label.setToolTip(label.text())
            self.adoption.setItem(r, 0, label)
            for c, week in enumerate(weeks, start=1):
                k = week.kpis[r]
                text = (
                    "-"
                    if k.value is None
                    else f"{k.value:.1f}".removesuffix(".0") + ("%" if k.unit == "%" else "")
                )
                if spec.weekly_targets and k.value is not None:
                    text += f" / {fmt_value(k.target, k.unit)}"
                cell = QTableWidgetItem(text)
                cell.setToolTip(
                    f"{fmt_value(k.value, k.unit)}, target "
                    f"{fmt_value(k.target, k.unit)}: {asof.dates_in(k.detail)}"
                )
                if k.value is not None and week.complete:
                    colour = BAD if k.red_flag else GOOD if k.met else QColor("#a07a00")
                    cell.setForeground(QBrush(colour))
                self.adoption.setItem(r, c, cell)
        self.adoption.setColumnWidth(0, 380)
        m = lc.maintenance_owner(eng)
        self.maintenance.setText(
            f"Maintenance: {m.owner} owns it ({m.how}). Next: "
            + "; then ".join(m.retention_path)
            + "."
        )
        _fill(
            self.triggers,
            [
                (t.key, [t.name, t.state, asof.dates_in(t.reason), t.response])
                for t in lc.refinement_triggers(eng)
            ],
        )
        for r in range(self.triggers.rowCount()):
            state = self.triggers.item(r, 1)
            state.setForeground(
                QBrush(
                    BAD
                    if state.text() == "triggered"
                    else GOOD
                    if state.text() == "clear"
                    else QColor("#5f6b7a")
                )
            )
        reminders = lc.reminders(eng)
        self.reminders.setText(
            "Reminders: "
            + ("; ".join(f"{asof.day(r.date)} {r.title}" for r in reminders[:8]) or "none yet")
        )
        if not self.go_live.hasFocus():
            self.go_live.setText(eng.setting(lc.edits.GO_LIVE) or "")
        if not self.checkin.hasFocus():
            self.checkin.setText(eng.setting(lc.edits.CHECKIN) or "")

    def save_go_live(self) -> None:
        self.write("Setting the go-live date", ops.SetGoLive(self.go_live.text().strip() or None))

    def save_checkin(self) -> None:
        self.write(
            "Setting the refinement check-in", ops.SetCheckin(self.checkin.text().strip() or None)
        )

    def prepare_screenshot(self) -> None:
        """Show the checklist with the first open sub-phase expanded."""
        self.tabs.setCurrentIndex(0)


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
