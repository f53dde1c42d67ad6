"""The lifecycle's user actions as typed operations (the seam the CLI and GUI use).

Every edit a consultant makes in the GUI goes through ``change(eng, request)``: the
checklist, the intake form, definitions, success criteria, meetings, the go-live and
check-in dates, and the status of an audit finding (ASSUMED to CONFIRMED...). Each
is one transaction and one entry of the engagement's undo stack, with its label;
``undo`` and ``redo`` are operations too (the main window's Edit menu calls them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError
from workbench.lifecycle import edits
from workbench.models import Engagement
from workbench.models.findings import get_finding, set_status
from workbench.models.undo import RowScope, SnapshotCommand, max_id, stack_for
from workbench.progress import Progress


@dataclass
class ChecklistChange:
    key: str
    fields: dict[str, Any] = field(default_factory=dict)  # status, owner, due_date, done_date, note


@dataclass
class IntakeChange:
    key: str
    value: Any = None
    fields: dict[str, Any] = field(default_factory=dict)  # status, source, note, meeting_id


@dataclass
class DefinitionChange:
    term: str
    fields: dict[str, Any] = field(default_factory=dict)  # definition, approved, approver...


@dataclass
class CriterionChange:
    key: str
    fields: dict[str, Any] = field(default_factory=dict)  # baseline, target, current...


@dataclass
class RecordMeeting:
    kind: str
    held_on: str
    fields: dict[str, Any] = field(default_factory=dict)  # title, attendees, notes, confirms...


@dataclass
class SetGoLive:
    day: str | None


@dataclass
class SetCheckin:
    day: str | None


@dataclass
class FindingStatus:
    """Move an audit finding from ASSUMED to CONFIRMED, CORRECTED, RESOLVED or DISMISSED."""

    finding_id: int
    status: str
    note: str = ""
    meeting_id: int | None = None


LifecycleChange = (
    ChecklistChange
    | IntakeChange
    | DefinitionChange
    | CriterionChange
    | RecordMeeting
    | SetGoLive
    | SetCheckin
    | FindingStatus
)

_ALLOWED = {
    ChecklistChange: {"status", "owner", "due_date", "done_date", "note"},
    IntakeChange: {"status", "source", "note", "meeting_id"},
    DefinitionChange: {
        "definition",
        "approved",
        "approver",
        "approved_on",
        "note",
        "meeting_id",
    },
    CriterionChange: {
        "baseline",
        "baseline_source",
        "target",
        "current",
        "current_on",
        "included",
        "status",
        "note",
    },
    RecordMeeting: {"title", "attendees", "notes", "confirms", "corrections"},
}


def change(eng: Engagement, request: LifecycleChange, *, progress: Progress | None = None) -> Any:
    """Apply one lifecycle edit (one transaction, one undo step) and return the record."""
    allowed = _ALLOWED.get(type(request))
    extra = set(getattr(request, "fields", {})) - (allowed or set())
    if extra:
        raise WorkbenchError(
            f"{', '.join(sorted(extra))} cannot be changed here; the fields that can are "
            f"{', '.join(sorted(allowed or ()))}."
        )
    match request:
        case ChecklistChange(key, fields):
            return edits.set_checklist_item(eng, key, **fields)
        case IntakeChange(key, value, fields):
            return edits.set_intake(eng, key, value, **fields)
        case DefinitionChange(term, fields):
            return edits.set_definition(eng, term, **fields)
        case CriterionChange(key, fields):
            return edits.set_criterion(eng, key, **fields)
        case RecordMeeting(kind, held_on, fields):
            return edits.record_meeting(eng, kind, held_on, **fields)
        case SetGoLive(day):
            return edits.set_go_live(eng, day)
        case SetCheckin(day):
            return edits.set_checkin(eng, day)
        case FindingStatus():
            return _finding_status(eng, request)
    raise WorkbenchError(f"{type(request).__name__} is not a lifecycle change.")


def _finding_status(eng: Engagement, request: FindingStatus):
    status = (request.status or "").strip().upper()
    found = get_finding(eng, request.finding_id)  # a plain error for an unknown number
    history_from = max_id(eng, "finding_history")
    scopes = [
        RowScope("findings", "id = ?", (request.finding_id,)),
        RowScope("finding_history", "id > ?", (history_from,)),
    ]
    label = f"{status.title()} finding: {found.title[:40]}"
    return stack_for(eng).do(
        SnapshotCommand(
            label,
            lambda _eng: scopes,
            lambda e: set_status(
                e, request.finding_id, status, request.note, request.meeting_id
            ),
        ),
        eng,
    )


def undo(eng: Engagement, *, progress: Progress | None = None) -> str | None:
    """Undo the engagement's last GUI edit; returns its label (None: nothing to undo)."""
    return stack_for(eng).undo(eng)


def redo(eng: Engagement, *, progress: Progress | None = None) -> str | None:
    """Redo the last undone edit; returns its label (None: nothing to redo)."""
    return stack_for(eng).redo(eng)


__all__ = [
    "ChecklistChange",
    "CriterionChange",
    "DefinitionChange",
    "FindingStatus",
    "IntakeChange",
    "LifecycleChange",
    "RecordMeeting",
    "SetCheckin",
    "SetGoLive",
    "change",
    "redo",
    "undo",
]
