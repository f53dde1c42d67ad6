"""The engagement lifecycle: phases and gates, intake, ASSUMED to CONFIRMED, meetings,
definitions, success criteria, hypercare and adoption, handoff and reminders.

Reading: ``checklist``, ``intake``, ``intake_value``, ``definitions``, ``criteria``,
``meetings``, ``item_history``, ``gates``, ``current_phase``, ``adoption_report``,
``maintenance_owner``, ``refinement_triggers``, ``reminders``, ``engagement_status``.
Changing (each undoable through ``stack_for(eng)``): ``set_checklist_item``,
``set_intake``, ``set_definition``, ``set_criterion``, ``add_criterion``,
``record_meeting``, ``set_go_live``, ``set_checkin``, ``set_phase_override``;
``apply_record`` applies a JSON record file.
"""

from workbench.lifecycle.adoption import AdoptionReport, adoption_report
from workbench.lifecycle.edits import (
    MEETING_KINDS,
    add_criterion,
    record_meeting,
    set_checkin,
    set_checklist_item,
    set_criterion,
    set_definition,
    set_go_live,
    set_intake,
    set_phase_override,
)
from workbench.lifecycle.gates import Gate, current_phase, gates, selected_platform
from workbench.lifecycle.handoff import (
    Reminder,
    TriggerResult,
    checkin_date,
    maintenance_owner,
    refinement_triggers,
    reminders,
)
from workbench.lifecycle.records import apply_record
from workbench.lifecycle.status import EngagementStatus, engagement_status
from workbench.lifecycle.store import (
    checklist,
    criteria,
    definitions,
    ensure_lifecycle,
    intake,
    intake_value,
    item_history,
    meetings,
)
from workbench.models.undo import CommandStack, stack_for

__all__ = [
    "MEETING_KINDS",
    "AdoptionReport",
    "CommandStack",
    "EngagementStatus",
    "Gate",
    "Reminder",
    "TriggerResult",
    "add_criterion",
    "adoption_report",
    "apply_record",
    "checkin_date",
    "checklist",
    "criteria",
    "current_phase",
    "definitions",
    "engagement_status",
    "ensure_lifecycle",
    "gates",
    "intake",
    "intake_value",
    "item_history",
    "maintenance_owner",
    "meetings",
    "record_meeting",
    "refinement_triggers",
    "reminders",
    "selected_platform",
    "set_checkin",
    "set_checklist_item",
    "set_criterion",
    "set_definition",
    "set_go_live",
    "set_intake",
    "set_phase_override",
    "stack_for",
]
