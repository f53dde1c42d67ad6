"""Phase gates: each validation checkpoint computed from what the engagement holds.

A gate (1d strategic sign-off, 2d engineering sign-off, 3d hypercare exit, 4d
handoff) is met when every one of its conditions is met:

- the milestones of the phase's earlier sub-phases are done (or not applicable);
- each checkpoint item of the gate's sub-phase: a *computed* checkpoint is judged
  from the data (definitions approved, baselines documented, platform selected,
  consent approved, success criteria set, no critical input left ASSUMED, hypercare
  complete, adoption targets met...), a manual one by its tick (done or n-a).
  Marking a computed checkpoint n-a accepts it without data.

The current phase is the first phase whose gate is not met, unless the consultant
pinned it (``edits.set_phase_override``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.lifecycle import store
from workbench.lifecycle.adoption import AdoptionReport, adoption_report
from workbench.lifecycle.edits import CHECKIN, PHASE_OVERRIDE
from workbench.lifecycle.handoff import maintenance_owner
from workbench.models import Engagement


@dataclass
class Condition:
    key: str
    title: str
    met: bool
    reason: str
    computed: str | None = None


@dataclass
class Gate:
    phase: int
    subphase: str
    name: str
    met: bool
    reasons: list[str]
    conditions: list[Condition] = field(default_factory=list)


@dataclass
class PhaseState:
    number: int
    name: str
    overridden: bool
    closed: bool


class _Context:
    """Data shared by the conditions of one evaluation (read once)."""

    def __init__(self, eng: Engagement) -> None:
        self.eng = eng
        self.checklist = store.checklist(eng)
        self.intake = {i.key: i for i in store.intake(eng)}
        self.definitions = store.definitions(eng)
        self.criteria = store.criteria(eng)
        self._adoption: AdoptionReport | None = None

    @property
    def adoption(self) -> AdoptionReport:
        if self._adoption is None:
            self._adoption = adoption_report(self.eng)
        return self._adoption


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def definitions_approved(ctx: _Context) -> tuple[bool, str]:
    required = [d for d in ctx.definitions if d.required]
    missing = [d.term for d in required if not d.approved]
    if missing:
        return (
            False,
            f"{len(missing)} of {len(required)} required terms not approved: {_names(missing)}",
        )
    return True, f"all {len(required)} required terms approved"


def baselines_documented(ctx: _Context) -> tuple[bool, str]:
    n = ctx.eng.conn.execute(
        "SELECT count(*) FROM findings WHERE audit = 'baselines' AND is_current = 1"
    ).fetchone()[0]
    included = [c for c in ctx.criteria if c.included]
    with_base = [c for c in included if c.baseline is not None]
    if n:
        return True, f"{n} baseline findings from the baselines audit"
    if included and len(with_base) == len(included):
        return True, f"baselines recorded for all {len(included)} success criteria"
    missing = [c.kpi for c in included if c.baseline is None]
    return False, (
        "no baselines audit run and no baseline for: " + _names(missing)
    ) if missing else "no baselines audit run and no success criteria included"


def selected_platform(eng: Engagement) -> tuple[str | None, str]:
    """The selected vendor and where that came from (evaluation, settings, intake).

    The evaluation helper keeps ``evaluations.selected_vendor``; the newest
    evaluation is the current one. A platform the customer had already bought is an
    intake item (``selected_platform``) and counts once it is CONFIRMED.
    """
    has_table = eng.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evaluations'"
    ).fetchone()
    evaluated = False
    if has_table:
        row = eng.conn.execute(
            "SELECT name, selected_vendor FROM evaluations ORDER BY created_at DESC, id DESC "
            "LIMIT 1"
        ).fetchone()
        if row is not None:
            evaluated = True
            if row[1]:
                return str(row[1]), f"evaluation {row[0]!r}"
    vendor = eng.setting("evaluation.selected_vendor")
    if vendor:
        return str(vendor), "evaluation"
    item = store.intake_item(eng, "selected_platform")
    if item and item.is_filled and item.status != "ASSUMED":
        return str(item.value), "intake (platform chosen before the engagement)"
    if item and item.is_filled:
        return None, f"intake names {item.value!r} but it is still ASSUMED"
    return None, "evaluation run but no vendor selected" if evaluated else "no evaluation yet"


def platform_selected(ctx: _Context) -> tuple[bool, str]:
    vendor, source = selected_platform(ctx.eng)
    return (True, f"{vendor} selected ({source})") if vendor else (False, source)


def consent_approved(ctx: _Context) -> tuple[bool, str]:
    item = ctx.intake.get("consent_review")
    if item and item.value == "approved" and item.status != "ASSUMED":
        return True, f"legal review approved ({item.status.lower()})"
    tick = next((c for c in ctx.checklist if c.key == "consent-approved"), None)
    if tick and tick.status == "done":
        return True, f"consent approval ticked on {tick.done_date}"
    state = (
        f"legal review is {item.value!r} ({item.status})"
        if item and item.is_filled
        else "legal review of recording consent not recorded"
    )
    return False, state


def success_criteria_set(ctx: _Context) -> tuple[bool, str]:
    included = [c for c in ctx.criteria if c.included]
    missing = [
        f"{c.kpi} ({'baseline' if c.baseline is None else 'target'})"
        for c in included
        if not c.is_set
    ]
    if len(included) < 3:
        return False, f"only {len(included)} success criteria included; agree at least 3"
    if missing:
        return False, f"missing {_names(missing)}"
    return True, f"{len(included)} criteria with baseline and target"


def critical_inputs_confirmed(ctx: _Context) -> tuple[bool, str]:
    findings = [
        r[0]
        for r in ctx.eng.conn.execute(
            "SELECT title FROM findings WHERE severity = 'critical' AND status = 'ASSUMED' "
            "AND is_current = 1 ORDER BY id"
        )
    ]
    intake = [
        i.label
        for i in ctx.intake.values()
        if i.critical and (i.status == "ASSUMED" or not i.is_filled)
    ]
    if not findings and not intake:
        return True, "no critical finding or intake item left ASSUMED or empty"
    parts = []
    if findings:
        parts.append(f"{len(findings)} critical findings ASSUMED ({_names(findings, 6)})")
    if intake:
        parts.append(f"{len(intake)} critical intake items ASSUMED or empty ({_names(intake)})")
    return False, "; ".join(parts)


def access_confirmed(ctx: _Context) -> tuple[bool, str]:
    missing = []
    for key in ("crm_admin_access", "video_admin_access"):
        item = ctx.intake.get(key)
        if not item or item.value not in ("granted", "tested") or item.status == "ASSUMED":
            state = f"{item.value or 'not recorded'}, {item.status}" if item else "not recorded"
            missing.append(f"{item.label if item else key} ({state})")
    return (
        (False, "not confirmed: " + ", ".join(missing))
        if missing
        else (True, "CRM and video admin access confirmed")
    )


def roster_confirmed(ctx: _Context) -> tuple[bool, str]:
    item = ctx.intake.get("team_sizes")
    if item and item.is_filled and item.status != "ASSUMED":
        total = sum(item.value.values()) if isinstance(item.value, dict) else item.value
        return True, f"roster confirmed ({total} users by role)"
    return (
        False,
        "team sizes by role not confirmed"
        if item and item.is_filled
        else "team sizes by role not recorded",
    )


def hypercare_complete(ctx: _Context) -> tuple[bool, str]:
    a = ctx.adoption
    if a.complete:
        return True, f"{a.planned_weeks} weeks since go-live {a.start} are over"
    return False, a.reasons[0] if a.reasons else "hypercare not started"


def adoption_targets_met(ctx: _Context) -> tuple[bool, str]:
    a = ctx.adoption
    if a.decision == "proceed-to-handoff":
        return True, "adoption targets met in the last full week"
    if a.decision == "extend-hypercare":
        return False, "extend hypercare: " + "; ".join(a.reasons[:3])
    return False, a.reasons[0] if a.reasons else "no adoption data"


def no_open_critical_issues(ctx: _Context) -> tuple[bool, str]:
    rows = [
        r[0]
        for r in ctx.eng.conn.execute(
            "SELECT title FROM findings WHERE severity = 'critical' AND is_current = 1 "
            "AND status IN ('ASSUMED', 'CONFIRMED', 'CORRECTED') ORDER BY id"
        )
    ]
    if rows:
        return False, f"{len(rows)} critical findings open: {_names(rows, 6)}"
    return True, "no critical finding open"


def criteria_current_recorded(ctx: _Context) -> tuple[bool, str]:
    included = [c for c in ctx.criteria if c.included]
    missing = [c.kpi for c in included if c.current is None]
    if not included:
        return False, "no success criteria included"
    if missing:
        return False, f"no current value for {_names(missing)}"
    return True, f"current values recorded for all {len(included)} criteria"


def maintenance_owner_assigned(ctx: _Context) -> tuple[bool, str]:
    m = maintenance_owner(ctx.eng)
    return (
        True,
        f"{m.owner} owns maintenance ({m.engagement_type}; handed off at {m.handed_off_at})",
    )


def retention_path_set(ctx: _Context) -> tuple[bool, str]:
    eng = ctx.eng
    kinds = {m.kind for m in store.meetings(eng)}
    if eng.meta().engagement_type == "dedicated":
        day = eng.setting(CHECKIN)
        if day or "refinement-check-in" in kinds:
            return True, f"refinement check-in booked{' for ' + day if day else ''}"
        return False, "dedicated engagement: book the refinement check-in (about a quarter out)"
    if kinds & {"check-in", "refinement-check-in"} or any(
        c.key == "4c-followups" and c.status == "done" for c in ctx.checklist
    ):
        return True, "follow-up check-ins booked; single project path: upsell, downsell, retry"
    return False, "single project: book the follow-up check-ins and offer managed services"


CONDITIONS: dict[str, Callable[[_Context], tuple[bool, str]]] = {
    f.__name__: f
    for f in (
        definitions_approved,
        baselines_documented,
        platform_selected,
        consent_approved,
        success_criteria_set,
        critical_inputs_confirmed,
        access_confirmed,
        roster_confirmed,
        hypercare_complete,
        adoption_targets_met,
        no_open_critical_issues,
        criteria_current_recorded,
        maintenance_owner_assigned,
        retention_path_set,
    )
}


def _gate(ctx: _Context, spec) -> Gate:
    conditions: list[Condition] = []
    letter = spec.subphase[1]
    earlier = [
        c
        for c in ctx.checklist
        if c.phase == spec.phase and c.kind == "milestone" and c.subphase[1] < letter
    ]
    open_ = [f"{c.subphase} {c.title}" for c in earlier if c.status not in ("done", "n-a")]
    subs = sorted({c.subphase for c in earlier})
    codes = f"{subs[0]}-{subs[-1]}" if subs else spec.subphase
    conditions.append(
        Condition(
            f"{spec.phase}-milestones",
            f"Sub-phases {codes} done",
            not open_,
            f"not done: {_names(open_)}" if open_ else f"{len(earlier)} sub-phase milestones done",
        )
    )
    for item in ctx.checklist:
        if item.subphase != spec.subphase or item.kind != "checkpoint":
            continue
        if item.status == "n-a":
            conditions.append(
                Condition(item.key, item.title, True, "marked not applicable", item.computed)
            )
        elif item.computed:
            met, reason = CONDITIONS[item.computed](ctx)
            conditions.append(Condition(item.key, item.title, met, reason, item.computed))
        else:
            done = item.status == "done"
            conditions.append(
                Condition(
                    item.key,
                    item.title,
                    done,
                    f"ticked done on {item.done_date}" if done else _not_ticked(item.status),
                )
            )
    met = all(c.met for c in conditions)
    reasons = [f"{c.title}: {c.reason}" for c in conditions if met or not c.met]
    return Gate(spec.phase, spec.subphase, spec.name, met, reasons, conditions)


def gates(eng: Engagement) -> list[Gate]:
    """Every phase gate of the engagement, computed now, with why it is met or not."""
    ctx = _Context(eng)
    return [_gate(ctx, spec) for spec in store.book(eng).gates]


def current_phase(eng: Engagement, computed: list[Gate] | None = None) -> PhaseState:
    """The phase the engagement is in: first gate not met, or the consultant's override."""
    pb = store.book(eng)
    override = eng.setting(PHASE_OVERRIDE)
    if override:
        return PhaseState(int(override), pb.phase_name(int(override)), True, False)
    for gate in computed if computed is not None else gates(eng):
        if not gate.met:
            return PhaseState(gate.phase, pb.phase_name(gate.phase), False, False)
    return PhaseState(4, pb.phase_name(4), False, True)


def _not_ticked(status: str) -> str:
    """Why a hand-ticked condition is open: "not ticked", or "not ticked (in progress)"."""
    word = status.replace("-", " ").replace("_", " ")
    return "not ticked" if status == "todo" else f"not ticked ({word})"
