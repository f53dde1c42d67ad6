"""The engagement at a glance: phase, gates, findings, inputs, freshness, next meeting.

``engagement_status`` is what ``workbench status`` prints and what the GUI's
Overview page shows; both read the same record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.lifecycle import store
from workbench.lifecycle.adoption import adoption_report
from workbench.lifecycle.gates import Gate, PhaseState, current_phase, gates
from workbench.lifecycle.handoff import Reminder, maintenance_owner, reminders
from workbench.models import Engagement
from workbench.models import findings as findings_model


@dataclass
class PhaseProgress:
    phase: int
    name: str
    done: int
    total: int
    subphases: dict[str, list[int]]  # code -> [done, total]

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass
class Freshness:
    entity: str
    last_import: str
    source: str
    imports: int


@dataclass
class MeetingSummary:
    id: int
    kind: str
    date: str
    title: str
    attendees: list[str]


@dataclass
class EngagementStatus:
    customer: str
    project_kind: str
    engagement_type: str
    as_of: str
    phase: PhaseState
    gates: list[Gate]
    findings: dict[str, dict[str, int]]
    inputs: dict[str, dict[str, int]]
    checklist: list[PhaseProgress]
    next_meeting: MeetingSummary | None
    last_meeting: MeetingSummary | None
    freshness: list[Freshness]
    hypercare_decision: str
    hypercare_reasons: list[str]
    maintenance_owner: str
    upcoming: list[Reminder] = field(default_factory=list)


def checklist_progress(eng: Engagement) -> list[PhaseProgress]:
    """Done (or not applicable) items per phase and sub-phase."""
    pb = store.book(eng)
    items = store.checklist(eng)
    out = []
    for phase in pb.phases:
        mine = [i for i in items if i.phase == phase.number]
        subs = {
            code: [
                sum(1 for i in mine if i.subphase == code and i.status in ("done", "n-a")),
                sum(1 for i in mine if i.subphase == code),
            ]
            for code in phase.subphases
        }
        done = sum(1 for i in mine if i.status in ("done", "n-a"))
        out.append(PhaseProgress(phase.number, phase.name, done, len(mine), subs))
    return out


def input_counts(eng: Engagement) -> dict[str, dict[str, int]]:
    """ASSUMED / CONFIRMED / CORRECTED counts of intake items, definitions and criteria."""

    def count(statuses: list[str]) -> dict[str, int]:
        out = dict.fromkeys(store.INPUT_STATUSES, 0)
        for s in statuses:
            out[s] += 1
        return out

    return {
        "intake": count([i.status for i in store.intake(eng)]),
        "definitions": count([d.status for d in store.definitions(eng)]),
        "criteria": count([c.status for c in store.criteria(eng) if c.included]),
    }


def data_freshness(eng: Engagement) -> list[Freshness]:
    """The latest import of each entity (what the figures are based on, and how old)."""
    rows = eng.conn.execute(
        "SELECT entity, coalesce(finished_at, started_at) AS at, source_name, "
        "(SELECT count(*) FROM imports j WHERE j.entity = i.entity) "
        "FROM imports i WHERE id = (SELECT id FROM imports k WHERE k.entity = i.entity "
        "ORDER BY coalesce(finished_at, started_at) DESC, id DESC LIMIT 1) ORDER BY entity"
    ).fetchall()
    return [Freshness(*r) for r in rows]


def _summary(m: store.Meeting) -> MeetingSummary:
    return MeetingSummary(m.id, m.kind, m.held_on, m.title, m.attendees)


def engagement_status(eng: Engagement) -> EngagementStatus:
    """Everything the overview shows, computed now."""
    meta = eng.meta()
    today = eng.as_of().isoformat()
    computed = gates(eng)
    meetings = store.meetings(eng)
    upcoming = [m for m in meetings if m.held_on >= today]
    past = [m for m in meetings if m.held_on < today]
    adoption = adoption_report(eng)
    return EngagementStatus(
        customer=meta.customer,
        project_kind=meta.project_kind,
        engagement_type=meta.engagement_type,
        as_of=today,
        phase=current_phase(eng, computed),
        gates=computed,
        findings=findings_model.status_counts(eng),
        inputs=input_counts(eng),
        checklist=checklist_progress(eng),
        next_meeting=_summary(upcoming[0]) if upcoming else None,
        last_meeting=_summary(past[-1]) if past else None,
        freshness=data_freshness(eng),
        hypercare_decision=adoption.decision,
        hypercare_reasons=adoption.reasons,
        maintenance_owner=maintenance_owner(eng).owner,
        upcoming=[r for r in reminders(eng) if r.date.isoformat() >= today][:5],
    )
