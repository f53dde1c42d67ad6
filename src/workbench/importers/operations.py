"""Bringing data in as typed operations (the seam the CLI, GUI and reports use).

``import_data`` imports one CSV/XLSX export (one transaction: a failed, cancelled
or killed import commits nothing); its request names the file, the entity, the
profile and an optional mapping. ``mapping_rows`` is the import mapping in the
orientation every face shows it: the CRM's column, then the Workbench field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.importers.engine import import_file
from workbench.importers.records import ImportResult
from workbench.models import Engagement
from workbench.progress import Progress


@dataclass
class ImportRequest:
    path: Path | str
    entity: str | None = None
    profile: str = "auto"
    mapping: dict[str, str] | None = None  # {Workbench field: CRM column}
    sheet: str | None = None


def import_data(
    eng: Engagement, request: ImportRequest, *, progress: Progress | None = None
) -> ImportResult:
    """Import one export into the engagement and return what happened."""
    path = Path(request.path)
    if not path.is_file():
        raise WorkbenchError(f"{path} is not a file that can be read; check the path.")
    if request.mapping is not None and not all(
        isinstance(k, str) and isinstance(v, str) for k, v in request.mapping.items()
    ):
        raise WorkbenchError("The mapping must pair Workbench field names with column headers.")
    return import_file(
        eng,
        path,
        entity=request.entity,
        profile=request.profile,
        mapping=request.mapping,
        sheet=request.sheet,
        progress=progress,
    )


@dataclass
class SaveMapping:
    """Save a named mapping ({Workbench field: CRM column}) for reuse."""

    name: str
    entity: str
    mapping: dict[str, str]


def save_mapping(eng: Engagement, request: SaveMapping, *, progress: Progress | None = None) -> str:
    """Save the mapping in the engagement and the user's library; returns its name."""
    from workbench.importers.library import save_mapping as save

    return save(eng, request.name, request.entity, request.mapping).name


@dataclass
class MappingRow:
    """One mapped column of one recorded import: CRM column -> Workbench field."""

    entity: str
    crm_column: str
    workbench_field: str
    profile: str
    source_file: str


@dataclass
class ImportMappings:
    rows: list[MappingRow] = field(default_factory=list)


def mapping_rows(eng: Engagement) -> ImportMappings:
    """The mapping each recorded import used (latest import per entity and file), then
    the saved mapping profiles for fields no import mapped; CRM column first."""
    out: list[MappingRow] = []
    seen: set[tuple[str, str]] = set()
    for entity, profile, filename, text in eng.conn.execute(
        "SELECT entity, profile, source_name, mapping FROM imports ORDER BY id DESC"
    ):
        if (entity, filename) in seen:
            continue
        seen.add((entity, filename))
        try:
            mapping = json.loads(text or "{}")
        except ValueError:
            mapping = {}
        for target, header in sorted(mapping.items()):
            if header:
                out.append(MappingRow(entity, str(header), str(target), profile or "", filename))
    used = {(r.entity, r.workbench_field) for r in out}
    for name, entity, text in eng.conn.execute(
        "SELECT name, entity, mapping FROM mappings ORDER BY name"
    ):
        try:
            mapping = json.loads(text or "{}")
        except ValueError:
            mapping = {}
        for target, header in sorted(mapping.items()):
            if header and (entity, target) not in used:
                out.append(MappingRow(entity, str(header), str(target), f"saved profile {name}", ""))
    out.sort(key=lambda r: (r.entity, r.source_file == "", r.source_file, r.crm_column.casefold()))
    return ImportMappings(out)


__all__ = [
    "ImportMappings",
    "ImportRequest",
    "MappingRow",
    "SaveMapping",
    "import_data",
    "mapping_rows",
    "save_mapping",
]
