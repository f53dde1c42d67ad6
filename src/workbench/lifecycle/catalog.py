"""The playbook catalog: phases, checklists, gates, intake, terms, criteria, targets.

The catalog is data (``resources/lifecycle/*.json``), one file per project kind plus
the intake items both kinds share, written in our own words from the two
implementation playbooks. The engagement gets its own copy of the items the first
time the lifecycle is used (see ``store.ensure_lifecycle``); the catalog keeps what
never changes per engagement (targets, thresholds, trigger wording).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from workbench.locations import read_resource_text

PROJECT_KINDS = ("revenue-intelligence", "conversation-intelligence")


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    subphases: dict[str, str]


@dataclass(frozen=True)
class GateSpec:
    phase: int
    subphase: str
    name: str


@dataclass(frozen=True)
class ChecklistSpec:
    key: str
    subphase: str
    kind: str
    title: str
    owner: str = ""
    computed: str | None = None

    @property
    def phase(self) -> int:
        return int(self.subphase[0])


@dataclass(frozen=True)
class IntakeSpec:
    key: str
    section: str
    label: str
    type: str
    critical: bool
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class DefinitionSpec:
    key: str
    term: str
    text: str
    required: bool


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    kpi: str
    unit: str
    direction: str
    baseline_metric: str | None = None
    target: float | None = None
    target_rule: dict[str, float] = field(default_factory=dict)
    target_note: str = ""
    baseline_findings: tuple[str, ...] = ()

    def suggested_target(self, baseline: float | None) -> float | None:
        """The playbook's target: a fixed value, or one derived from the baseline
        (a percentage never above 100)."""
        if self.target is not None:
            return self.target
        if baseline is None or not self.target_rule:
            return None
        if "add" in self.target_rule:
            value = baseline + self.target_rule["add"]
        elif "multiply" in self.target_rule:
            value = baseline * self.target_rule["multiply"]
        else:
            return None
        return round(min(value, 100.0) if self.unit.startswith("%") else value, 2)


@dataclass(frozen=True)
class AdoptionSpec:
    key: str
    kpi: str
    unit: str
    target: float
    red_flag_below: float | None = None
    red_flag_at_or_below: float | None = None
    weekly_targets: dict[int, float] = field(default_factory=dict)

    def target_for_week(self, week: int) -> float:
        return self.weekly_targets.get(week, self.target)

    weekly_red_flags: dict[int, float] = field(default_factory=dict)

    def red_flag_for_week(self, week: int) -> float | None:
        """The floor below which a week is a red flag (None: no floor that early)."""
        if not self.weekly_red_flags:
            return self.red_flag_below
        if week in self.weekly_red_flags:
            return self.weekly_red_flags[week]
        return self.red_flag_below if week > max(self.weekly_red_flags) else None

    def is_red_flag(self, value: float, week: int = 0) -> bool:
        floor = self.red_flag_for_week(week) if week else self.red_flag_below
        if floor is not None and value < floor:
            return True
        return self.red_flag_at_or_below is not None and value <= self.red_flag_at_or_below


@dataclass(frozen=True)
class TriggerSpec:
    key: str
    name: str
    threshold: str
    response: str


@dataclass(frozen=True)
class Playbook:
    """Everything the catalog says about one project kind."""

    kind: str
    phases: tuple[Phase, ...]
    gates: tuple[GateSpec, ...]
    checklist: tuple[ChecklistSpec, ...]
    intake: tuple[IntakeSpec, ...]
    definitions: tuple[DefinitionSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    hypercare_weeks: int
    office_hours: str
    adoption: tuple[AdoptionSpec, ...]
    maintenance: dict[str, dict[str, str]]
    refinement: dict[str, Any]
    triggers: tuple[TriggerSpec, ...]

    def checklist_spec(self, key: str) -> ChecklistSpec | None:
        return next((c for c in self.checklist if c.key == key), None)

    def intake_spec(self, key: str) -> IntakeSpec | None:
        return next((i for i in self.intake if i.key == key), None)

    def criterion_spec(self, key: str) -> CriterionSpec | None:
        return next((c for c in self.criteria if c.key == key), None)

    def phase_name(self, number: int) -> str:
        return next(p.name for p in self.phases if p.number == number)

    def subphase_name(self, code: str) -> str:
        for p in self.phases:
            if code in p.subphases:
                return p.subphases[code]
        return code


def _load(name: str) -> dict[str, Any]:
    text = read_resource_text("lifecycle", name)
    return json.loads(text)


@lru_cache(maxsize=4)
def playbook(kind: str) -> Playbook:
    """The catalog for ``kind`` ('revenue-intelligence' or 'conversation-intelligence')."""
    if kind not in PROJECT_KINDS:
        raise ValueError(f"unknown project kind {kind!r}")
    data = _load(f"{kind}.json")
    intake = _load("intake.json")
    return Playbook(
        kind=kind,
        phases=tuple(Phase(p["number"], p["name"], dict(p["subphases"])) for p in data["phases"]),
        gates=tuple(GateSpec(**g) for g in data["gates"]),
        checklist=tuple(ChecklistSpec(**c) for c in data["checklist"]),
        intake=tuple(
            IntakeSpec(
                key=i["key"],
                section=i["section"],
                label=i["label"],
                type=i["type"],
                critical=bool(i.get("critical")),
                choices=tuple(i.get("choices", ())),
                hint=i.get("hint", ""),
            )
            for i in intake["items"]
            if kind in i["kinds"]
        ),
        definitions=tuple(DefinitionSpec(**d) for d in data["definitions"]),
        criteria=tuple(
            CriterionSpec(**{**c, "baseline_findings": tuple(c.get("baseline_findings", ()))})
            for c in data["criteria"]
        ),
        hypercare_weeks=int(data["hypercare"]["weeks"]),
        office_hours=data["hypercare"]["office_hours"],
        adoption=tuple(
            AdoptionSpec(
                key=a["key"],
                kpi=a["kpi"],
                unit=a["unit"],
                target=float(a["target"]),
                red_flag_below=a.get("red_flag_below"),
                red_flag_at_or_below=a.get("red_flag_at_or_below"),
                weekly_targets={int(k): float(v) for k, v in a.get("weekly_targets", {}).items()},
                weekly_red_flags={
                    int(k): float(v) for k, v in a.get("weekly_red_flags", {}).items()
                },
            )
            for a in data["adoption"]
        ),
        maintenance=dict(data["maintenance"]),
        refinement=dict(data["refinement"]),
        triggers=tuple(TriggerSpec(**t) for t in data["triggers"]),
    )
