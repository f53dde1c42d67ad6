"""Every change to the lifecycle, each one undoable and each one a transaction.

The functions here validate their input first (unknown key, bad date, bad status:
a ``WorkbenchError`` that names the value and what is expected, and nothing is
written), then run the change as a ``SnapshotCommand`` on the engagement's undo
stack, and record it in the item's history.
"""

from __future__ import annotations

import difflib
import functools
import json
from datetime import date
from typing import Any

from workbench.errors import WorkbenchError
from workbench.lifecycle import store
from workbench.models import Engagement, now_iso
from workbench.models import findings as findings_model
from workbench.models.undo import RowScope, SnapshotCommand, max_id, stack_for

MEETING_KINDS = (
    "kickoff",
    "alignment",
    "vendor-demo",
    "config-plan",
    "compliance-review",
    "sign-off",
    "engineering-handoff",
    "training",
    "office-hours",
    "check-in",
    "handoff",
    "refinement-check-in",
    "other",
)
ITEM_TYPES = ("finding", "intake", "definition", "criterion")
CRITERION_FIELDS = ("baseline", "target", "current")

_UNSET: Any = object()


def _one_transaction(fn):
    """Seed, validate and change in one transaction: a refused edit leaves no trace,
    not even the seeding it needed."""

    @functools.wraps(fn)
    def wrapper(eng: Engagement, *args: Any, **kwargs: Any) -> Any:
        with eng.atomic():
            return fn(eng, *args, **kwargs)

    return wrapper


# ------------------------------------------------------------------ parsing
def parse_date(value: str | date | None, what: str = "date") -> str | None:
    """ISO 'YYYY-MM-DD' text for ``value``; a plain error for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise WorkbenchError(
            f"The {what} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20."
        ) from None


_LISTED_BY = {
    "checklist item": "workbench lifecycle FILE",
    "intake item": "workbench intake FILE",
    "definition term": "workbench define FILE",
    "success criterion": "workbench criteria FILE",
}


def unknown_key_error(kind: str, key: str, known: list[str]) -> WorkbenchError:
    """'There is no intake item 'crn'... Did you mean crm?' with where to list them."""
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return WorkbenchError(
        f"There is no {kind} {key!r} in this engagement.{hint} "
        f"'{_LISTED_BY.get(kind, 'workbench lifecycle FILE')}' lists them."
    )


def parse_intake_value(item: store.IntakeItem, raw: Any) -> Any:
    """Turn text typed by a consultant (or JSON) into the item's value type."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and raw.strip()[:1] in "[{":
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            pass
    kind = item.type
    if kind == "list":
        if isinstance(raw, str):
            return [part.strip() for part in raw.split(",") if part.strip()]
        if isinstance(raw, list):
            return [str(v).strip() for v in raw if str(v).strip()]
    elif kind == "counts":
        if isinstance(raw, dict):
            pairs = raw.items()
        elif isinstance(raw, str) and "=" in raw:
            pairs = [p.split("=", 1) for p in raw.split(",") if p.strip()]
        else:
            pairs = None
        if pairs is not None:
            try:
                return {str(k).strip(): int(str(v).strip()) for k, v in pairs}
            except ValueError:
                pass
        raise WorkbenchError(
            f"{item.label}: {raw!r} is not a list of role counts; write it like "
            "reps=40, managers=6, executives=3."
        )
    elif kind == "choice":
        text = str(raw).strip()
        for choice in item.choices:
            if choice.lower() == text.lower():
                return choice
        raise WorkbenchError(
            f"{item.label}: {text!r} is not one of the choices ({', '.join(item.choices)})."
        )
    elif kind == "number":
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise WorkbenchError(f"{item.label}: {raw!r} is not a number.") from None
    return str(raw).strip() if not isinstance(raw, (list, dict)) else raw


def _number(value: Any, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).strip().rstrip("%"))
    except ValueError:
        raise WorkbenchError(f"The {what} {value!r} is not a number.") from None


def _status(value: str, allowed: tuple[str, ...], what: str) -> str:
    norm = value.strip()
    norm = norm.upper() if allowed[0].isupper() else norm.lower()
    if norm not in allowed:
        raise WorkbenchError(f"Unknown {what} {value!r}; use one of: {', '.join(allowed)}.")
    return norm


def _history(
    conn,
    item_type: str,
    ref: str,
    event: str,
    status: str | None,
    value: Any,
    note: str = "",
    meeting_id: int | None = None,
) -> None:
    conn.execute(
        "INSERT INTO lc_item_history (item_type, item_ref, at, event, status, value, note, "
        "meeting_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            item_type,
            ref,
            now_iso(),
            event,
            status,
            None if value is None else json.dumps(value),
            note,
            meeting_id,
        ),
    )


def _run(eng: Engagement, label: str, scopes: list[RowScope], apply) -> Any:
    store.ensure_lifecycle(eng)
    history_from = max_id(eng, "lc_item_history")
    all_scopes = [*scopes, RowScope("lc_item_history", "id > ?", (history_from,))]
    return stack_for(eng).do(SnapshotCommand(label, lambda _eng: all_scopes, apply), eng)


# ------------------------------------------------------------------ checklist
@_one_transaction
def set_checklist_item(
    eng: Engagement,
    key: str,
    *,
    status: str | None = None,
    owner: str | None = None,
    due_date: str | date | None = _UNSET,
    done_date: str | date | None = _UNSET,
    note: str | None = None,
) -> store.ChecklistItem:
    """Change a checklist item's status, owner, due/done dates or note (undoable).

    Marking an item done without a done date stamps the engagement's as-of date;
    moving it back out of done clears the done date.
    """
    store.ensure_lifecycle(eng)
    items = {i.key: i for i in store.checklist(eng)}
    if key not in items:
        raise unknown_key_error("checklist item", key, list(items))
    item = items[key]
    new_status = _status(status, store.CHECKLIST_STATUSES, "status") if status else item.status
    due = item.due_date if due_date is _UNSET else parse_date(due_date, "due date")
    done = item.done_date if done_date is _UNSET else parse_date(done_date, "done date")
    if new_status == "done" and done is None:
        done = eng.as_of().isoformat()
    if new_status != "done" and done_date is _UNSET:
        done = None
    new_owner = item.owner if owner is None else owner.strip()
    new_note = item.note if note is None else note
    if status and new_status != item.status:
        label = f'Mark "{item.title}" {new_status}'
    else:
        label = f'Edit "{item.title}"'

    def apply(eng: Engagement) -> None:
        eng.conn.execute(
            "UPDATE lc_checklist_items SET status=?, owner=?, due_date=?, done_date=?, note=?, "
            "updated_at=? WHERE key=?",
            (new_status, new_owner, due, done, new_note, now_iso(), key),
        )
        _history(
            eng.conn,
            "checklist",
            key,
            "edited",
            new_status,
            {"owner": new_owner, "due_date": due, "done_date": done},
            new_note,
        )

    _run(eng, label, [RowScope("lc_checklist_items", "key = ?", (key,))], apply)
    return next(i for i in store.checklist(eng) if i.key == key)


# --------------------------------------------------------------------- intake
@_one_transaction
def set_intake(
    eng: Engagement,
    key: str,
    value: Any = _UNSET,
    *,
    status: str | None = None,
    source: str | None = None,
    note: str | None = None,
    meeting_id: int | None = None,
) -> store.IntakeItem:
    """Set an intake item's value (text is parsed to its type), status and source."""
    store.ensure_lifecycle(eng)
    items = {i.key: i for i in store.intake(eng)}
    if key not in items:
        raise unknown_key_error("intake item", key, list(items))
    item = items[key]
    new_value = item.value if value is _UNSET else parse_intake_value(item, value)
    new_status = _status(status, store.INPUT_STATUSES, "status") if status else item.status
    if source is not None:
        new_source = source
    elif value is not _UNSET and new_value != item.value:
        new_source = "entered"
    else:
        new_source = item.source
    new_note = item.note if note is None else note
    label = f'Set intake "{item.label}"'

    def apply(eng: Engagement) -> None:
        _write_intake(eng, key, new_value, new_status, new_source, new_note, meeting_id, "edited")

    _run(eng, label, [RowScope("lc_intake_items", "key = ?", (key,))], apply)
    return store.intake_item(eng, key)  # type: ignore[return-value]


def _write_intake(eng, key, value, status, source, note, meeting_id, event) -> None:
    eng.conn.execute(
        "UPDATE lc_intake_items SET value=?, status=?, source=?, note=?, meeting_id=?, "
        "updated_at=? WHERE key=?",
        (
            None if value is None else json.dumps(value),
            status,
            source,
            note,
            meeting_id,
            now_iso(),
            key,
        ),
    )
    _history(eng.conn, "intake", key, event, status, value, note, meeting_id)


# ---------------------------------------------------------------- definitions
def find_definition(eng: Engagement, key_or_term: str) -> store.Definition:
    """A definition by its key or its term (case-insensitive); a plain error if none."""
    defs = store.definitions(eng)
    wanted = key_or_term.strip().lower()
    for d in defs:
        if wanted in (d.key, d.term.lower()):
            return d
    raise unknown_key_error("definition term", key_or_term, [d.key for d in defs])


@_one_transaction
def set_definition(
    eng: Engagement,
    term: str,
    *,
    definition: str | None = None,
    approved: bool | None = None,
    approver: str | None = None,
    approved_on: str | date | None = _UNSET,
    note: str | None = None,
    meeting_id: int | None = None,
) -> store.Definition:
    """Edit a definition's wording or record its approval (by key or by term)."""
    store.ensure_lifecycle(eng)
    d = find_definition(eng, term)
    text = d.definition if definition is None else definition.strip()
    ok = d.approved if approved is None else bool(approved)
    who = d.approver if approver is None else approver.strip()
    on = d.approved_on if approved_on is _UNSET else parse_date(approved_on, "approval date")
    if ok and on is None:
        on = eng.as_of().isoformat()
    if not ok and approved is False:
        who, on = (who if approver is not None else ""), None
    status = "CONFIRMED" if ok else ("CORRECTED" if definition is not None else d.status)
    new_note = d.note if note is None else note
    if approved is True and not d.approved:
        label = f'Approve "{d.term}"'
    elif approved is False and d.approved:
        label = f'Withdraw approval of "{d.term}"'
    else:
        label = f'Edit definition "{d.term}"'

    def apply(eng: Engagement) -> None:
        eng.conn.execute(
            "UPDATE lc_definitions SET definition=?, approved=?, approver=?, approved_on=?, "
            "note=?, status=?, meeting_id=coalesce(?, meeting_id), updated_at=? WHERE key=?",
            (text, int(ok), who, on, new_note, status, meeting_id, now_iso(), d.key),
        )
        _history(
            eng.conn,
            "definition",
            d.key,
            "approved" if ok else "edited",
            status,
            {"definition": text, "approver": who, "approved_on": on},
            new_note,
            meeting_id,
        )

    _run(eng, label, [RowScope("lc_definitions", "key = ?", (d.key,))], apply)
    return find_definition(eng, d.key)


# ------------------------------------------------------------------- criteria
@_one_transaction
def set_criterion(
    eng: Engagement,
    key: str,
    *,
    baseline: Any = _UNSET,
    baseline_source: str | None = None,
    target: Any = _UNSET,
    current: Any = _UNSET,
    current_on: str | date | None = _UNSET,
    included: bool | None = None,
    status: str | None = None,
    note: str | None = None,
) -> store.Criterion:
    """Set a success criterion's baseline, target, current value or inclusion."""
    store.ensure_lifecycle(eng)
    crits = {c.key: c for c in store.criteria(eng)}
    if key not in crits:
        raise unknown_key_error("success criterion", key, list(crits))
    c = crits[key]
    row = eng.conn.execute(
        "SELECT baseline, baseline_source, target, current, current_on FROM lc_criteria "
        "WHERE key = ?",
        (key,),
    ).fetchone()
    base, source, tgt, cur, cur_on = row
    if baseline is not _UNSET:
        base = _number(baseline, "baseline")
        source = baseline_source if baseline_source is not None else "entered"
    elif baseline_source is not None:
        source = baseline_source
    if target is not _UNSET:
        tgt = _number(target, "target")
    if current is not _UNSET:
        cur = _number(current, "current value")
        cur_on = eng.as_of().isoformat() if current_on is _UNSET else parse_date(current_on)
    elif current_on is not _UNSET:
        cur_on = parse_date(current_on)
    new_status = _status(status, store.INPUT_STATUSES, "status") if status else c.status
    inc = c.included if included is None else bool(included)
    new_note = c.note if note is None else note
    label = f'Set success criterion "{c.kpi}"'

    def apply(eng: Engagement) -> None:
        eng.conn.execute(
            "UPDATE lc_criteria SET baseline=?, baseline_source=?, target=?, current=?, "
            "current_on=?, included=?, status=?, note=?, updated_at=? WHERE key=?",
            (base, source or "", tgt, cur, cur_on, int(inc), new_status, new_note, now_iso(), key),
        )
        _history(
            eng.conn,
            "criterion",
            key,
            "edited",
            new_status,
            {"baseline": base, "target": tgt, "current": cur, "included": inc},
            new_note,
        )

    _run(eng, label, [RowScope("lc_criteria", "key = ?", (key,))], apply)
    return next(x for x in store.criteria(eng) if x.key == key)


@_one_transaction
def add_criterion(
    eng: Engagement, key: str, kpi: str, unit: str = "", direction: str = "up"
) -> store.Criterion:
    """Add a success criterion of the customer's own (not in the playbook)."""
    store.ensure_lifecycle(eng)
    key = key.strip()
    if not key or not kpi.strip():
        raise WorkbenchError("A new success criterion needs a key and a KPI name.")
    if any(c.key == key for c in store.criteria(eng)):
        raise WorkbenchError(f"There is already a success criterion {key!r}.")
    direction = _status(direction, ("up", "down"), "direction")
    position = int(
        eng.conn.execute("SELECT coalesce(max(position), 0) + 1 FROM lc_criteria").fetchone()[0]
    )

    def apply(eng: Engagement) -> None:
        eng.conn.execute(
            "INSERT INTO lc_criteria (key, kpi, unit, direction, position) VALUES (?, ?, ?, ?, ?)",
            (key, kpi.strip(), unit.strip(), direction, position),
        )
        _history(eng.conn, "criterion", key, "added", "ASSUMED", {"kpi": kpi})

    _run(
        eng,
        f'Add success criterion "{kpi.strip()}"',
        [RowScope("lc_criteria", "key = ?", (key,))],
        apply,
    )
    return next(x for x in store.criteria(eng) if x.key == key)


# ------------------------------------------------------------------- meetings
def parse_item_ref(ref: str) -> tuple[str, str, str | None]:
    """'finding:12', 'intake:team_sizes', 'criterion:win_rate.target' -> (type, key, field)."""
    if ":" not in ref:
        raise WorkbenchError(
            f"{ref!r} does not name an item; write TYPE:KEY, e.g. finding:12, "
            "intake:competitors, definition:deal_risk_score, criterion:win_rate."
        )
    item_type, key = (part.strip() for part in ref.split(":", 1))
    if item_type not in ITEM_TYPES:
        raise WorkbenchError(
            f"Unknown item type {item_type!r} in {ref!r}; use one of: {', '.join(ITEM_TYPES)}."
        )
    field_name = None
    if item_type == "criterion" and "." in key:
        key, field_name = key.split(".", 1)
        if field_name not in CRITERION_FIELDS:
            raise WorkbenchError(
                f"{ref!r}: a criterion's field is one of {', '.join(CRITERION_FIELDS)}."
            )
    return item_type, key, field_name


@_one_transaction
def record_meeting(
    eng: Engagement,
    kind: str,
    held_on: str | date,
    *,
    title: str = "",
    attendees: list[str] | None = None,
    notes: str = "",
    confirms: list[str] | None = None,
    corrections: list[tuple[str, Any]] | None = None,
) -> store.Meeting:
    """Record a meeting and what it confirmed or corrected, all in one undoable step.

    ``confirms`` are item references ('finding:12', 'intake:crm', 'definition:tracker',
    'criterion:win_rate'); ``corrections`` pairs a reference with the right value (for
    a finding: the note saying what is right; for intake: the value; for a definition:
    its new wording; for a criterion: the number, for its baseline unless the
    reference names ``.target`` or ``.current``). Each item moves to CONFIRMED or
    CORRECTED with the meeting id, and its history keeps the change.
    """
    store.ensure_lifecycle(eng)
    kind = _status(kind, MEETING_KINDS, "meeting kind")
    day = parse_date(held_on, "meeting date")
    if day is None:
        raise WorkbenchError("A meeting needs a date (YYYY-MM-DD).")
    people = [a.strip() for a in (attendees or []) if a and a.strip()]
    actions: list[tuple[str, str, str | None, str, Any]] = []
    for ref in confirms or []:
        t, k, f = parse_item_ref(ref)
        actions.append((t, k, f, "confirmed", None))
    for ref, value in corrections or []:
        t, k, f = parse_item_ref(ref)
        actions.append((t, k, f, "corrected", value))
    plan = [_plan_action(eng, *a) for a in actions]  # validates everything before writing

    meetings_from = max_id(eng, "lc_meetings")
    history_from = max_id(eng, "finding_history")
    finding_ids = sorted({int(p["key"]) for p in plan if p["type"] == "finding"})
    scopes = [
        RowScope("lc_meetings", "id > ?", (meetings_from,)),
        RowScope("lc_meeting_items", "meeting_id > ?", (meetings_from,)),
        RowScope("finding_history", "id > ?", (history_from,)),
    ]
    if finding_ids:
        marks = ",".join("?" for _ in finding_ids)
        scopes.insert(0, RowScope("findings", f"id IN ({marks})", tuple(finding_ids)))
    for table, item_type in (
        ("lc_intake_items", "intake"),
        ("lc_definitions", "definition"),
        ("lc_criteria", "criterion"),
    ):
        keys = sorted({p["key"] for p in plan if p["type"] == item_type})
        if keys:
            marks = ",".join("?" for _ in keys)
            scopes.append(RowScope(table, f"key IN ({marks})", tuple(keys)))

    def apply(eng: Engagement) -> int:
        cur = eng.conn.execute(
            "INSERT INTO lc_meetings (kind, held_on, title, attendees, notes, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (kind, day, title.strip(), json.dumps(people), notes, now_iso()),
        )
        meeting_id = int(cur.lastrowid)
        for p in plan:
            _apply_action(eng, meeting_id, p)
        return meeting_id

    label = f"Record {kind} meeting of {day}"
    meeting_id = _run(eng, label, scopes, apply)
    return next(m for m in store.meetings(eng) if m.id == meeting_id)


def _plan_action(
    eng: Engagement, item_type: str, key: str, field_name: str | None, action: str, value: Any
) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "type": item_type,
        "key": key,
        "field": field_name,
        "action": action,
        "value": value,
    }
    if item_type == "finding":
        try:
            finding_id = int(key)
        except ValueError:
            raise WorkbenchError(f"finding:{key} is not a finding number.") from None
        findings_model.get_finding(eng, finding_id)  # raises a plain error when missing
        if action == "corrected" and not str(value or "").strip():
            raise WorkbenchError(
                f"The correction of finding {finding_id} needs the right figure "
                "or fact as its value."
            )
    elif item_type == "intake":
        item = store.intake_item(eng, key)
        if item is None:
            raise unknown_key_error("intake item", key, [i.key for i in store.intake(eng)])
        if action == "corrected":
            plan["value"] = parse_intake_value(item, value)
        elif not item.is_filled:
            raise WorkbenchError(
                f"intake:{key} has no value to confirm yet; record the right "
                f"value as a correction (intake:{key}=VALUE)."
            )
    elif item_type == "definition":
        plan["key"] = find_definition(eng, key).key
        if action == "corrected" and not str(value or "").strip():
            raise WorkbenchError(f"The correction of definition {key!r} needs the agreed wording.")
    elif item_type == "criterion":
        if key not in {c.key for c in store.criteria(eng)}:
            raise unknown_key_error("success criterion", key, [c.key for c in store.criteria(eng)])
        if action == "corrected":
            plan["value"] = _number(value, f"value for criterion {key}")
        else:
            crit = next(c for c in store.criteria(eng) if c.key == key)
            if crit.baseline is None and crit.target is None:
                raise WorkbenchError(
                    f"criterion:{key} has no baseline or target to confirm yet; record the "
                    f"agreed figure as a correction (criterion:{key}.target=VALUE)."
                )
    return plan


def _apply_action(eng: Engagement, meeting_id: int, p: dict[str, Any]) -> None:
    conn = eng.conn
    status = "CONFIRMED" if p["action"] == "confirmed" else "CORRECTED"
    note = f"{p['action']} in meeting {meeting_id}"
    if p["type"] == "finding":
        findings_model.set_status(
            eng,
            int(p["key"]),
            status,
            str(p["value"] or "") if status == "CORRECTED" else "",
            meeting_id,
        )
    elif p["type"] == "intake":
        item = store.intake_item(eng, p["key"])
        value = item.value if status == "CONFIRMED" else p["value"]
        source = item.source if status == "CONFIRMED" else f"meeting {meeting_id}"
        _write_intake(
            eng,
            p["key"],
            value,
            status,
            source or f"meeting {meeting_id}",
            item.note,
            meeting_id,
            p["action"],
        )
    elif p["type"] == "definition":
        # Wording confirmed or corrected in a meeting is wording the customer approved
        # there: the attendees are the approvers, the meeting date the approval date.
        d = find_definition(eng, p["key"])
        text = d.definition if status == "CONFIRMED" else str(p["value"]).strip()
        held_on, attendees = conn.execute(
            "SELECT held_on, attendees FROM lc_meetings WHERE id = ?", (meeting_id,)
        ).fetchone()
        approver = (
            d.approver
            if d.approved
            else (", ".join(json.loads(attendees)) or f"meeting {meeting_id}")
        )
        approved_on = d.approved_on if d.approved else held_on
        conn.execute(
            "UPDATE lc_definitions SET definition=?, approved=1, approver=?, approved_on=?, "
            "status=?, meeting_id=?, updated_at=? WHERE key=?",
            (text, approver, approved_on, status, meeting_id, now_iso(), d.key),
        )
        _history(
            conn,
            "definition",
            d.key,
            p["action"],
            status,
            {"definition": text, "approver": approver, "approved_on": approved_on},
            note,
            meeting_id,
        )
    elif p["type"] == "criterion":
        if status == "CORRECTED":
            column = p["field"] or "baseline"
            extra = ", baseline_source = ?" if column == "baseline" else ""
            params: list[Any] = [p["value"]]
            if extra:
                params.append(f"meeting {meeting_id}")
            conn.execute(
                f"UPDATE lc_criteria SET {column} = ?{extra}, status=?, meeting_id=?, "
                "updated_at=? WHERE key=?",
                (*params, status, meeting_id, now_iso(), p["key"]),
            )
        else:
            # Confirming a baseline that came from the audits pins it in the file.
            c = next(x for x in store.criteria(eng) if x.key == p["key"])
            conn.execute(
                "UPDATE lc_criteria SET baseline = coalesce(baseline, ?), "
                "baseline_source = CASE WHEN baseline IS NULL THEN ? ELSE baseline_source END, "
                "status=?, meeting_id=?, updated_at=? WHERE key=?",
                (c.baseline, c.baseline_source, status, meeting_id, now_iso(), p["key"]),
            )
        c = next(x for x in store.criteria(eng) if x.key == p["key"])
        _history(
            conn,
            "criterion",
            p["key"],
            p["action"],
            status,
            {"baseline": c.baseline, "target": c.target, "current": c.current},
            note,
            meeting_id,
        )
    conn.execute(
        "INSERT INTO lc_meeting_items (meeting_id, item_type, item_ref, action, value, note) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            meeting_id,
            p["type"],
            p["key"] + (f".{p['field']}" if p["field"] else ""),
            p["action"],
            None if p["value"] is None else json.dumps(p["value"]),
            "",
        ),
    )


# ------------------------------------------------------------------- settings
PHASE_OVERRIDE = "lifecycle.phase_override"
GO_LIVE = "lifecycle.go_live"
CHECKIN = "lifecycle.checkin_date"


def _set_setting(eng: Engagement, key: str, value: Any, label: str) -> None:
    def apply(eng: Engagement) -> None:
        if value is None:
            eng.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            eng.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    _run(eng, label, [RowScope("settings", "key = ?", (key,), pk="key")], apply)


@_one_transaction
def set_phase_override(eng: Engagement, phase: int | None) -> None:
    """Pin the current phase by hand (None: back to the phase the gates compute)."""
    if phase is not None and phase not in (1, 2, 3, 4):
        raise WorkbenchError(f"Phase {phase!r} does not exist; use 1, 2, 3 or 4.")
    _set_setting(
        eng,
        PHASE_OVERRIDE,
        phase,
        "Clear the phase override" if phase is None else f"Set the phase to {phase}",
    )


@_one_transaction
def set_go_live(eng: Engagement, day: str | date | None) -> None:
    """The go-live date: hypercare starts here, the refinement check-in counts from it."""
    _set_setting(eng, GO_LIVE, parse_date(day, "go-live date"), "Set the go-live date")


@_one_transaction
def set_checkin(eng: Engagement, day: str | date | None) -> None:
    """The refinement check-in date agreed at handoff (None: computed from go-live)."""
    _set_setting(eng, CHECKIN, parse_date(day, "check-in date"), "Set the refinement check-in")
