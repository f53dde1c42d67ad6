"""The engagement's lifecycle items: seeding from the catalog and reading them back.

``ensure_lifecycle`` copies the catalog's checklist, intake items, definition terms
and success criteria of the engagement's project kind into the file once (and adds
any item a newer catalog introduced); every edit calls it first. Reading never
writes: a file that was never seeded reads the same items straight from the
catalog, so ``workbench status`` works on any file, read-only or not.

Writes live in ``edits`` (every edit goes through the undo stack).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from workbench.lifecycle.catalog import Playbook, playbook
from workbench.models import Engagement, now_iso

SEEDED_SETTING = "lifecycle.seeded"
CHECKLIST_STATUSES = ("todo", "in-progress", "done", "n-a")
INPUT_STATUSES = ("ASSUMED", "CONFIRMED", "CORRECTED")


@dataclass
class ChecklistItem:
    key: str
    phase: int
    subphase: str
    kind: str
    title: str
    computed: str | None
    status: str = "todo"
    owner: str = ""
    due_date: str | None = None
    done_date: str | None = None
    note: str = ""
    updated_at: str | None = None


@dataclass
class IntakeItem:
    key: str
    section: str
    label: str
    type: str
    critical: bool
    value: Any = None
    status: str = "ASSUMED"
    source: str = ""
    note: str = ""
    meeting_id: int | None = None
    updated_at: str | None = None
    choices: list[str] = field(default_factory=list)
    hint: str = ""

    @property
    def is_filled(self) -> bool:
        return self.value not in (None, "", [], {})


@dataclass
class Definition:
    key: str
    term: str
    definition: str
    required: bool
    approved: bool = False
    approver: str = ""
    approved_on: str | None = None
    note: str = ""
    status: str = "ASSUMED"
    meeting_id: int | None = None


@dataclass
class Criterion:
    key: str
    kpi: str
    unit: str
    direction: str
    included: bool = True
    baseline: float | None = None
    baseline_source: str = ""
    target: float | None = None
    target_note: str = ""
    suggested_target: float | None = None
    current: float | None = None
    current_on: str | None = None
    note: str = ""
    status: str = "ASSUMED"
    meeting_id: int | None = None

    @property
    def is_set(self) -> bool:
        return self.baseline is not None and self.target is not None


@dataclass
class MeetingItem:
    item_type: str
    item_ref: str
    action: str
    value: Any = None
    note: str = ""


@dataclass
class Meeting:
    id: int
    kind: str
    held_on: str
    title: str
    attendees: list[str]
    notes: str
    items: list[MeetingItem] = field(default_factory=list)


@dataclass
class ItemEvent:
    at: str
    event: str
    status: str | None
    value: Any
    note: str
    meeting_id: int | None


def book(eng: Engagement) -> Playbook:
    """The catalog of this engagement's project kind."""
    return playbook(eng.meta().project_kind)


def is_seeded(eng: Engagement) -> bool:
    return bool(eng.setting(SEEDED_SETTING))


def ensure_lifecycle(eng: Engagement) -> bool:
    """Seed the engagement's lifecycle items from the catalog; True if anything was added.

    Idempotent: items already present (by key) keep their status, owner, dates and
    notes; only catalog items the file lacks are inserted. Does nothing on a
    read-only file (the readers fall back to the catalog).
    """
    if eng.read_only:
        return False
    pb = book(eng)
    meta = eng.meta()
    stamp = now_iso()
    added = 0
    with eng.atomic() as conn:
        for pos, c in enumerate(pb.checklist):
            added += conn.execute(
                "INSERT OR IGNORE INTO lc_checklist_items (key, phase, subphase, kind, title, "
                "computed, position, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (c.key, c.phase, c.subphase, c.kind, c.title, c.computed, pos, c.owner),
            ).rowcount
        defaults = {"methodology": meta.methodology, "jurisdictions": meta.jurisdictions or None}
        for pos, i in enumerate(pb.intake):
            value = defaults.get(i.key)
            added += conn.execute(
                "INSERT OR IGNORE INTO lc_intake_items (key, section, label, value_type, position, "
                "value, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    i.key,
                    i.section,
                    i.label,
                    i.type,
                    pos,
                    None if value is None else json.dumps(value),
                    "engagement settings" if value is not None else "",
                ),
            ).rowcount
        for pos, d in enumerate(pb.definitions):
            added += conn.execute(
                "INSERT OR IGNORE INTO lc_definitions (key, term, definition, required, position) "
                "VALUES (?, ?, ?, ?, ?)",
                (d.key, d.term, d.text, int(d.required), pos),
            ).rowcount
        for pos, s in enumerate(pb.criteria):
            added += conn.execute(
                "INSERT OR IGNORE INTO lc_criteria (key, kpi, unit, direction, position, target, "
                "target_note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (s.key, s.kpi, s.unit, s.direction, pos, s.target, s.target_note),
            ).rowcount
        if not is_seeded(eng):
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (SEEDED_SETTING, json.dumps({"kind": pb.kind, "at": stamp})),
            )
            added += 1
    return added > 0


def _ready(eng: Engagement) -> bool:
    """True when the file holds the items; else readers use the catalog (never writing:
    the GUI reads on its own thread and writes only through tasks)."""
    return is_seeded(eng)


# ------------------------------------------------------------------ checklist
def checklist(eng: Engagement) -> list[ChecklistItem]:
    """Every checklist item of the engagement in playbook order."""
    if not _ready(eng):
        return [
            ChecklistItem(c.key, c.phase, c.subphase, c.kind, c.title, c.computed, owner=c.owner)
            for c in book(eng).checklist
        ]
    rows = eng.conn.execute(
        "SELECT key, phase, subphase, kind, title, computed, status, owner, due_date, done_date, "
        "note, updated_at FROM lc_checklist_items ORDER BY phase, subphase, position"
    ).fetchall()
    return [ChecklistItem(*r) for r in rows]


# --------------------------------------------------------------------- intake
def intake(eng: Engagement) -> list[IntakeItem]:
    """Every intake item with its value (decoded JSON), status and source."""
    pb = book(eng)
    specs = {i.key: i for i in pb.intake}
    if not _ready(eng):
        meta = eng.meta()
        defaults = {"methodology": meta.methodology, "jurisdictions": meta.jurisdictions or None}
        return [
            IntakeItem(
                i.key,
                i.section,
                i.label,
                i.type,
                i.critical,
                defaults.get(i.key),
                source="engagement settings" if defaults.get(i.key) else "",
                choices=list(i.choices),
                hint=i.hint,
            )
            for i in pb.intake
        ]
    rows = eng.conn.execute(
        "SELECT key, section, label, value_type, value, status, source, note, meeting_id, "
        "updated_at FROM lc_intake_items ORDER BY position"
    ).fetchall()
    items = []
    for key, section, label, vtype, value, status, source, note, meeting_id, updated in rows:
        spec = specs.get(key)
        items.append(
            IntakeItem(
                key,
                section,
                label,
                vtype,
                bool(spec and spec.critical),
                None if value is None else json.loads(value),
                status,
                source,
                note,
                meeting_id,
                updated,
                list(spec.choices) if spec else [],
                spec.hint if spec else "",
            )
        )
    return items


def intake_item(eng: Engagement, key: str) -> IntakeItem | None:
    return next((i for i in intake(eng) if i.key == key), None)


def intake_value(eng: Engagement, key: str, default: Any = None) -> Any:
    """The value of one intake item (e.g. ``competitors`` -> list of names), or ``default``.

    Other capabilities use this for customer facts: the scoring helper's competitor
    list, the capture audit's video platforms and dialer, the roster sizes.
    """
    item = intake_item(eng, key)
    return default if item is None or not item.is_filled else item.value


# ---------------------------------------------------------------- definitions
def definitions(eng: Engagement) -> list[Definition]:
    """The definition-alignment terms with their approval."""
    if not _ready(eng):
        return [Definition(d.key, d.term, d.text, d.required) for d in book(eng).definitions]
    rows = eng.conn.execute(
        "SELECT key, term, definition, required, approved, approver, approved_on, note, status, "
        "meeting_id FROM lc_definitions ORDER BY position"
    ).fetchall()
    return [
        Definition(k, t, d, bool(req), bool(ok), who, on, note, st, mid)
        for k, t, d, req, ok, who, on, note, st, mid in rows
    ]


# ------------------------------------------------------------------- criteria
_QUARTER = r"FY\d{4}-Q[1-4]"


def audit_baseline(
    eng: Engagement, metric: str, unit: str = "", finding_keys: tuple[str, ...] = ()
) -> tuple[float, str] | None:
    """A baseline value for ``metric`` from the audits, with where it came from.

    The setting ``baseline.<metric>`` wins when present. Otherwise the baselines
    audit's current findings: the company-wide one (key ``baselines.<metric>``, e.g.
    win rate over four quarters), else the mean of its per-quarter findings
    (``baselines.<metric>.FY2026-Q3``, e.g. forecast accuracy, slippage). Percent
    KPIs stored as fractions (0.62) are shown as percent (62). Last, the findings of
    other audits named by the criterion (``finding_keys``, e.g. ``capture.overall``).
    """
    value = eng.setting(f"baseline.{metric}")
    if isinstance(value, (int, float)):
        return _as_unit(float(value), unit), f"setting baseline.{metric}"
    rows = eng.conn.execute(
        "SELECT key, metric FROM findings WHERE audit = 'baselines' AND is_current = 1 "
        "AND metric IS NOT NULL AND (key = ? OR key = ? OR key LIKE ? OR key LIKE ?) "
        "ORDER BY key",
        (
            f"baselines.{metric}",
            f"baselines:{metric}",
            f"baselines.{metric}.%",
            f"baselines:{metric}:%",
        ),
    ).fetchall()
    for key, found in rows:
        if key in (f"baselines.{metric}", f"baselines:{metric}"):
            return _as_unit(float(found), unit), f"baselines audit ({key})"
    quarters = [
        (key[len("baselines") + len(metric) + 2 :], float(found))
        for key, found in rows
        if re.fullmatch(rf"baselines[.:]{re.escape(metric)}[.:]{_QUARTER}", key)
    ]
    if not quarters:
        for key in finding_keys:
            row = eng.conn.execute(
                "SELECT metric FROM findings WHERE key = ? AND is_current = 1 "
                "AND metric IS NOT NULL",
                (key,),
            ).fetchone()
            if row is not None:
                return _as_unit(float(row[0]), unit), f"{key.split('.')[0]} audit ({key})"
        return None
    mean = sum(v for _, v in quarters) / len(quarters)
    labels = sorted(q for q, _ in quarters)
    span = labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]}"
    return _as_unit(mean, unit), f"baselines audit (mean of {len(labels)} quarters, {span})"


def _as_unit(value: float, unit: str) -> float:
    if unit.startswith("%") and 0 <= value <= 1:
        return round(value * 100, 2)
    return round(value, 2)


def criteria(eng: Engagement) -> list[Criterion]:
    """Success criteria; a missing baseline is filled from the audits where they have it."""
    pb = book(eng)
    specs = {c.key: c for c in pb.criteria}
    if not _ready(eng):
        rows = [
            (
                c.key,
                c.kpi,
                c.unit,
                c.direction,
                1,
                None,
                "",
                c.target,
                c.target_note,
                None,
                None,
                "",
                "ASSUMED",
                None,
            )
            for c in pb.criteria
        ]
    else:
        rows = eng.conn.execute(
            "SELECT key, kpi, unit, direction, included, baseline, baseline_source, target, "
            "target_note, current, current_on, note, status, meeting_id "
            "FROM lc_criteria ORDER BY position"
        ).fetchall()
    result = []
    for (
        key,
        kpi,
        unit,
        direction,
        included,
        base,
        source,
        target,
        tnote,
        cur,
        cur_on,
        note,
        status,
        mid,
    ) in rows:
        spec = specs.get(key)
        if base is None and spec and spec.baseline_metric:
            found = audit_baseline(eng, spec.baseline_metric, unit, spec.baseline_findings)
            if found:
                base, source = found
        suggested = spec.suggested_target(base) if spec else None
        result.append(
            Criterion(
                key,
                kpi,
                unit,
                direction,
                bool(included),
                base,
                source,
                target,
                tnote,
                suggested,
                cur,
                cur_on,
                note,
                status,
                mid,
            )
        )
    return result


# ------------------------------------------------------------------- meetings
def meetings(eng: Engagement) -> list[Meeting]:
    """The engagement's meetings, oldest first, each with what it confirmed or corrected."""
    items: dict[int, list[MeetingItem]] = {}
    for mid, itype, ref, action, value, note in eng.conn.execute(
        "SELECT meeting_id, item_type, item_ref, action, value, note FROM lc_meeting_items "
        "ORDER BY id"
    ):
        items.setdefault(mid, []).append(
            MeetingItem(itype, ref, action, None if value is None else json.loads(value), note)
        )
    rows = eng.conn.execute(
        "SELECT id, kind, held_on, title, attendees, notes FROM lc_meetings ORDER BY held_on, id"
    ).fetchall()
    return [
        Meeting(mid, kind, held, title, json.loads(att), notes, items.get(mid, []))
        for mid, kind, held, title, att, notes in rows
    ]


def item_history(eng: Engagement, item_type: str, item_ref: str) -> list[ItemEvent]:
    """Every recorded change to one input (intake, definition, criterion, checklist)."""
    rows = eng.conn.execute(
        "SELECT at, event, status, value, note, meeting_id FROM lc_item_history "
        "WHERE item_type = ? AND item_ref = ? ORDER BY id",
        (item_type, item_ref),
    ).fetchall()
    return [
        ItemEvent(at, ev, st, None if v is None else json.loads(v), note, mid)
        for at, ev, st, v, note, mid in rows
    ]
