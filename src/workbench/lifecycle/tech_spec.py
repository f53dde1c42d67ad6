"""The technical specification's approval: a version, who approved it, and its inputs.

The approval (phase 2b) stores, beside the version, approver and date, a fingerprint
of every input the specification is built from (intake answers, field mappings,
deal scoring rules and calibration, trackers, scorecards, definitions, roster,
jurisdictions, platform choice). ``spec_state`` compares them with the engagement
now: any input changed after approval makes the approved version stale and names
what changed, so the document goes back to DRAFT until it is approved again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.lifecycle import edits, store
from workbench.models import Engagement
from workbench.progress import Progress

APPROVAL_SETTING = "lifecycle.tech_spec_approval"

# What the specification reads, by the name the customer sees: the SQL that reads it.
INPUTS: dict[str, tuple[str, ...]] = {
    "intake answers": ("SELECT key, value FROM lc_intake_items ORDER BY key",),
    "CRM field mapping": (
        "SELECT name, entity, mapping FROM mappings ORDER BY name",
        "SELECT entity, profile, mapping FROM imports ORDER BY id",
    ),
    "deal scoring rules": (
        "SELECT version, low_max, high_min, calibration_run_id FROM scoring_rule_sets ORDER BY version",
        "SELECT * FROM scoring_rules ORDER BY rowid",
    ),
    "deal scoring calibration": (
        "SELECT id, fingerprint FROM runs WHERE kind = 'calibration' ORDER BY id DESC LIMIT 1",
    ),
    "trackers": (
        "SELECT key, label, category, phrases, side, alert_to, is_active FROM trackers ORDER BY key",
    ),
    "coaching scorecards": (
        "SELECT name, methodology, scale_min, scale_max FROM scorecard_rubrics ORDER BY name",
        "SELECT rubric_id, key, label, weight FROM scorecard_criteria ORDER BY rubric_id, key",
    ),
    "definitions": ("SELECT key, definition, approved FROM lc_definitions ORDER BY key",),
    "team roster": (
        "SELECT crm_id, role, team, manager_crm_id, is_active FROM users ORDER BY crm_id",
    ),
    "engagement settings": (
        "SELECT project_kind, methodology, jurisdictions, currency, fiscal_year_start_month "
        "FROM engagement",
    ),
}


@dataclass
class ApproveSpec:
    """Approve the technical specification as it reads now (a new version)."""

    approver: str
    approved_on: str | None = None  # YYYY-MM-DD; today when empty
    note: str = ""


@dataclass
class SpecApproval:
    version: int
    approver: str
    approved_on: str
    note: str = ""
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass
class SpecState:
    """The latest approval (None: never approved) and what changed since."""

    approval: SpecApproval | None
    changed: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.approval and self.changed)

    @property
    def next_version(self) -> int:
        return 1 if self.approval is None else self.approval.version + 1

    def describe(self) -> str:
        if self.approval is None:
            return f"Draft version {self.next_version}, not approved yet"
        a = self.approval
        text = f"Version {a.version}, approved by {a.approver} on {a.approved_on}"
        if self.changed:
            text += "; changed since: " + ", ".join(self.changed)
        return text


def input_fingerprints(eng: Engagement) -> dict[str, str]:
    """A short hash of each input of the specification."""
    out = {}
    for name, queries in INPUTS.items():
        h = hashlib.sha256()
        for sql in queries:
            for row in eng.conn.execute(sql):
                h.update(repr(tuple(row)).encode())
            h.update(b"|")
        out[name] = h.hexdigest()[:16]
    return out


def _stored(eng: Engagement) -> SpecApproval | None:
    data = eng.setting(APPROVAL_SETTING)
    if not isinstance(data, dict) or "version" not in data:
        return None
    return SpecApproval(
        int(data["version"]),
        str(data.get("approver", "")),
        str(data.get("approved_on", "")),
        str(data.get("note", "")),
        dict(data.get("inputs") or {}),
    )


def spec_state(eng: Engagement) -> SpecState:
    """The approval and the inputs that changed after it."""
    approval = _stored(eng)
    if approval is None:
        return SpecState(None)
    now = input_fingerprints(eng)
    changed = [name for name in INPUTS if approval.inputs.get(name) != now.get(name)]
    return SpecState(approval, changed)


def approve_spec(
    eng: Engagement, request: ApproveSpec, *, progress: Progress | None = None
) -> SpecState:
    """Record the approval of the specification as it reads now (one undoable step)."""
    who = (request.approver or "").strip()
    if not who:
        raise WorkbenchError(
            "Say who approves the technical specification (the customer's approver, e.g. "
            "--by 'Noah Kowalski, RevOps')."
        )
    day = edits.parse_date(request.approved_on, "approval date") or dt.date.today().isoformat()
    with eng.atomic():
        store.ensure_lifecycle(eng)  # the intake answers are read as the file will hold them
        state = spec_state(eng)
        if state.approval is not None and not state.changed and state.approval.approver == who:
            return state  # approving the same inputs again changes nothing
        approval = SpecApproval(state.next_version, who, day, request.note, input_fingerprints(eng))
        edits._set_setting(
            eng,
            APPROVAL_SETTING,
            {
                "version": approval.version,
                "approver": approval.approver,
                "approved_on": approval.approved_on,
                "note": approval.note,
                "inputs": approval.inputs,
            },
            f"Approve technical specification version {approval.version}",
        )
    return SpecState(approval)
