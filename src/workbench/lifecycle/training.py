"""Training sessions (phase 3b): the three audiences and who attended, against the targets.

The audiences come from the roster (CRM users by role); attendance from the meetings
of kind ``training`` recorded in the engagement (their attendee lists, matched to
the roster by name). Each audience's attendance target follows from the adoption
KPIs it drives: a KPI measured per manager needs every manager trained; the reps'
target is the highest percentage target among the adoption KPIs of the project kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workbench.lifecycle import store
from workbench.lifecycle.intake_pack import role_group
from workbench.models import Engagement

# audience -> (title, minutes, role groups, who)
AUDIENCES: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "leadership": ("Leadership and manager training", "60 min", ("executives", "managers"), "VP Sales, CRO and sales managers"),
    "reps": ("Rep training", "30 min", ("reps",), "Sales reps"),
    "admins": ("Admin training", "60-90 min", ("revops",), "RevOps and Sales Ops admins"),
}  # fmt: skip
# the conversation-intelligence playbook times its sessions differently
CI_DURATION = {
    "leadership": "60 min, plus a 30 min executive briefing",
    "reps": "45 min",
    "admins": "90 min",
}
_NAME = re.compile(r"^\s*([^(,]+)")


@dataclass
class Audience:
    key: str
    title: str
    duration: str
    who: str
    invited: list[str]
    attended: list[str]
    target_pct: float
    target_reason: str
    sessions: list[str] = field(default_factory=list)  # "2026-12-01 Rep training (team East)"

    @property
    def share(self) -> float | None:
        return len(self.attended) / len(self.invited) if self.invited else None

    @property
    def on_target(self) -> bool | None:
        s = self.share
        return None if s is None or not self.sessions else s * 100 >= self.target_pct


def _targets(eng: Engagement) -> dict[str, tuple[float, str]]:
    kpis = store.book(eng).adoption
    pct = [a for a in kpis if a.unit == "%" and "manager" not in a.kpi.lower()]
    best = max(pct, key=lambda a: a.target) if pct else None
    manager_kpis = [a.kpi for a in kpis if "manager" in a.kpi.lower()]
    return {
        "leadership": (
            100.0,
            "every manager: "
            + (", ".join(manager_kpis) if manager_kpis else "managers run the deal reviews")
            + " is measured per manager",
        ),
        "reps": (
            best.target if best else 90.0,
            f"{best.kpi} target {best.target:g}%" if best else "forecast submission compliance",
        ),
        "admins": (100.0, "every admin: the admin runbook hands over to them"),
    }


def training_attendance(eng: Engagement) -> list[Audience]:
    """The three audiences with who was invited (roster) and who attended (training meetings)."""
    people: dict[str, list[str]] = {k: [] for k in AUDIENCES}
    by_name: dict[str, str] = {}
    for name, role in eng.conn.execute(
        "SELECT name, role FROM users WHERE coalesce(is_active, 1) = 1 AND name IS NOT NULL "
        "ORDER BY name"
    ):
        group = role_group(role)
        for key, (_, _, groups, _) in AUDIENCES.items():
            if group in groups:
                people[key].append(name)
                by_name[name.strip().lower()] = key
    attended: dict[str, set[str]] = {k: set() for k in AUDIENCES}
    sessions: dict[str, list[str]] = {k: [] for k in AUDIENCES}
    for m in store.meetings(eng):
        if m.kind != "training":
            continue
        keys_here = set()
        for attendee in m.attendees:
            found = _NAME.match(attendee or "")
            name = found.group(1).strip().lower() if found else ""
            key = by_name.get(name)
            if key:
                attended[key].add(name)
                keys_here.add(key)
        for key in keys_here:
            sessions[key].append(f"{m.held_on} {m.title or 'Training'}")
    targets = _targets(eng)
    ci = eng.meta().project_kind == "conversation-intelligence"
    out = []
    for key, (title, minutes, _, who) in AUDIENCES.items():
        minutes = CI_DURATION[key] if ci else minutes
        names = people[key]
        done = [n for n in names if n.strip().lower() in attended[key]]
        out.append(
            Audience(key, title, minutes, who, names, done, *targets[key], sessions=sessions[key])
        )
    return out
