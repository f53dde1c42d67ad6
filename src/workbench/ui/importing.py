"""The GUI's view of the importers API: background task functions and small helpers.

The wizard and the Data page call the importers only through here, so the shape of
their records (Detection, ImportResult, EntitySpec) is read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from workbench import importers
from workbench.errors import WorkbenchError
from workbench.models import ENTITY_TABLES, Engagement
from workbench.progress import Progress
from workbench.ui.models.sql_table import column_label

NOT_MAPPED = "(not imported)"


def api() -> ModuleType:
    """``workbench.importers``, the capability every import goes through."""
    return importers


def importers_available() -> bool:
    try:
        api()
    except (WorkbenchError, ImportError):
        return False
    return True


@dataclass(frozen=True)
class TargetField:
    """A field of an entity that a source column can be mapped to."""

    name: str
    label: str
    required: bool = False
    description: str = ""


def entity_names() -> list[str]:
    """The entities files can be imported into (importers' list, else the core tables)."""
    try:
        return list(api().ENTITIES)
    except (WorkbenchError, ImportError, AttributeError):
        return list(ENTITY_TABLES)


def entity_label(entity: str) -> str:
    """How the importers name ``entity`` for people ("Opportunities / deals")."""
    try:
        return str(api().ENTITIES[entity].label)
    except (WorkbenchError, ImportError, AttributeError, KeyError):
        return entity.replace("_", " ").capitalize()


def target_fields(entity: str) -> list[TargetField]:
    """The fields of ``entity`` a mapping can fill, in the importers' order.

    Fields whose name starts with ``_`` are helpers (first/last name, duration) the
    importer combines into stored columns; they are mapped like any other.
    """
    spec = api().ENTITIES[entity]
    return [
        TargetField(
            f.name,
            column_label(f.name.lstrip("_")),
            bool(f.required),
            str(getattr(f, "description", "")),
        )
        for f in spec.fields
    ]


def preview_table(detection: Any, limit: int = 50) -> tuple[list[str], list[list[str]]]:
    """Headers and the first rows of a Detection, as text."""
    columns = [str(c) for c in (getattr(detection, "columns", None) or [])]
    rows: list[list[str]] = []
    for raw in list(getattr(detection, "preview_rows", None) or [])[:limit]:
        if isinstance(raw, dict):
            if not columns:
                columns = [str(k) for k in raw]
            values = [raw.get(c) for c in columns]
        else:
            values = list(raw)
        rows.append(["" if v is None else str(v) for v in values])
    return columns, rows


def mapped_preview(
    detection: Any, mapping: dict[str, str | None], fields: list[TargetField], limit: int = 30
) -> tuple[list[str], list[list[str]]]:
    """The preview rows seen through ``mapping``: one column per mapped target field."""
    columns, rows = preview_table(detection, limit)
    position = {name: i for i, name in enumerate(columns)}
    shown = [f for f in fields if mapping.get(f.name) in position]
    out = []
    for row in rows:
        out.append(
            [
                row[position[mapping[f.name]]] if position[mapping[f.name]] < len(row) else ""
                for f in shown
            ]
        )
    return [f.label for f in shown], out


def problems(detection: Any) -> list[str]:
    return [str(p) for p in (getattr(detection, "problems", None) or [])]


# ------------------------------------------------------------ background tasks
def detect_task(
    eng: Engagement | None,
    path: Path,
    entity: str | None,
    sheet: str | None,
    profile: str = "auto",
    mapping: dict[str, str] | None = None,
    *,
    progress: Progress,
) -> Any:
    """Read the head of ``path`` and say how it would be imported (entity, mapping...).

    With the engagement, ambiguous dates follow its date-order setting; with
    ``mapping``, the problems listed are those of that mapping.
    """
    progress.update(0.1, f"Reading {path.name}")
    return api().detect(path, entity=entity, sheet=sheet, eng=eng, profile=profile, mapping=mapping)


def import_task(
    eng: Engagement,
    path: Path,
    entity: str | None,
    profile: str,
    mapping: dict[str, str] | None,
    sheet: str | None,
    *,
    progress: Progress,
) -> Any:
    """Import ``path`` into the engagement (one transaction; Cancel rolls it back)."""
    from workbench.importers.operations import ImportRequest, import_data

    return import_data(eng, ImportRequest(path, entity, profile, mapping, sheet), progress=progress)


def saved_mappings(eng: Engagement, entity: str | None = None) -> dict[str, dict[str, str]]:
    """Saved named mappings (engagement and user library; for ``entity`` if given)."""
    return {
        m.name: dict(m.mapping)
        for m in api().list_mappings(eng)
        if entity is None or m.entity == entity
    }
