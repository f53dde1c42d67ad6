"""Apply a lifecycle record file: checklist ticks, intake, definitions, criteria, meetings.

The file format (JSON; documented in docs/lifecycle.md) lets a consultant write up a
meeting offline, or a script feed the lifecycle, and apply it with
``workbench lifecycle FILE --apply record.json``. The whole file is applied in one
transaction: one bad entry and nothing of it is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.lifecycle import edits
from workbench.models import Engagement
from workbench.models.undo import stack_for

SECTIONS = ("checklist", "intake", "definitions", "criteria", "meetings", "go_live", "checkin")


def load_record(path: str | Path) -> dict[str, Any]:
    """Read and shape-check a record file; a plain error names what is wrong."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"The record file {path} does not exist.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{path.name} is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise WorkbenchError(
            f"{path.name} must hold one JSON object with sections {', '.join(SECTIONS)}."
        )
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise WorkbenchError(
            f"{path.name}: unknown section(s) {', '.join(unknown)}; use {', '.join(SECTIONS)}."
        )
    for name in ("checklist", "intake", "definitions", "criteria", "meetings"):
        entries = data.get(name, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise WorkbenchError(f"{path.name}: '{name}' must be a list of objects.")
    return data


def _take(entry: dict[str, Any], where: str, allowed: set[str]) -> dict[str, Any]:
    extra = sorted(set(entry) - allowed)
    if extra:
        raise WorkbenchError(
            f"{where}: unknown field(s) {', '.join(extra)}; use {', '.join(sorted(allowed))}."
        )
    return entry


def apply_record(eng: Engagement, data: dict[str, Any]) -> dict[str, int]:
    """Apply a record (as ``load_record`` returns it); return counts per section."""
    stack = stack_for(eng)
    mark = stack.mark()
    counts = dict.fromkeys(("checklist", "intake", "definitions", "criteria", "meetings"), 0)
    try:
        with eng.atomic():
            for i, e in enumerate(data.get("checklist", []), 1):
                e = _take(
                    e,
                    f"checklist entry {i}",
                    {"key", "status", "owner", "due_date", "done_date", "note"},
                )
                if "key" not in e:
                    raise WorkbenchError(f"checklist entry {i} has no 'key'.")
                kw = {k: e[k] for k in ("status", "owner", "note") if k in e}
                kw.update({k: e[k] for k in ("due_date", "done_date") if k in e})
                edits.set_checklist_item(eng, e["key"], **kw)
                counts["checklist"] += 1
            for i, e in enumerate(data.get("intake", []), 1):
                e = _take(e, f"intake entry {i}", {"key", "value", "status", "source", "note"})
                if "key" not in e:
                    raise WorkbenchError(f"intake entry {i} has no 'key'.")
                kw = {k: e[k] for k in ("status", "source", "note") if k in e}
                if "value" in e:
                    kw["value"] = e["value"]
                edits.set_intake(eng, e["key"], **kw)
                counts["intake"] += 1
            for i, e in enumerate(data.get("definitions", []), 1):
                e = _take(
                    e,
                    f"definitions entry {i}",
                    {"term", "definition", "approved", "approver", "approved_on", "note"},
                )
                if "term" not in e:
                    raise WorkbenchError(f"definitions entry {i} has no 'term'.")
                kw = {k: e[k] for k in ("definition", "approved", "approver", "note") if k in e}
                if "approved_on" in e:
                    kw["approved_on"] = e["approved_on"]
                edits.set_definition(eng, e["term"], **kw)
                counts["definitions"] += 1
            for i, e in enumerate(data.get("criteria", []), 1):
                e = _take(
                    e,
                    f"criteria entry {i}",
                    {
                        "key",
                        "kpi",
                        "unit",
                        "direction",
                        "baseline",
                        "baseline_source",
                        "target",
                        "current",
                        "current_on",
                        "included",
                        "status",
                        "note",
                    },
                )
                if "key" not in e:
                    raise WorkbenchError(f"criteria entry {i} has no 'key'.")
                if "kpi" in e and e["key"] not in {c.key for c in edits.store.criteria(eng)}:
                    edits.add_criterion(
                        eng, e["key"], e["kpi"], e.get("unit", ""), e.get("direction", "up")
                    )
                kw = {
                    k: e[k]
                    for k in (
                        "baseline",
                        "baseline_source",
                        "target",
                        "current",
                        "current_on",
                        "included",
                        "status",
                        "note",
                    )
                    if k in e
                }
                if kw:
                    edits.set_criterion(eng, e["key"], **kw)
                counts["criteria"] += 1
            for i, e in enumerate(data.get("meetings", []), 1):
                e = _take(
                    e,
                    f"meetings entry {i}",
                    {"kind", "date", "title", "attendees", "notes", "confirm", "correct"},
                )
                if "kind" not in e or "date" not in e:
                    raise WorkbenchError(f"meetings entry {i} needs 'kind' and 'date'.")
                corrections = []
                for c in e.get("correct", []):
                    if not isinstance(c, dict) or "item" not in c or "value" not in c:
                        raise WorkbenchError(
                            f"meetings entry {i}: each 'correct' entry is "
                            '{"item": "intake:team_sizes", "value": ...}.'
                        )
                    corrections.append((c["item"], c["value"]))
                edits.record_meeting(
                    eng,
                    e["kind"],
                    e["date"],
                    title=e.get("title", ""),
                    attendees=list(e.get("attendees", [])),
                    notes=e.get("notes", ""),
                    confirms=list(e.get("confirm", [])),
                    corrections=corrections,
                )
                counts["meetings"] += 1
            if "go_live" in data:
                edits.set_go_live(eng, data["go_live"])
            if "checkin" in data:
                edits.set_checkin(eng, data["checkin"])
    except BaseException:
        stack.discard_since(mark)
        raise
    return counts
