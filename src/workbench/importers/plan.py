"""Deciding how a file will be imported: entity, profile, mapping, date order.

Shared by ``detect`` (which shows the plan to the user) and ``import_file`` (which
carries it out), so the preview and the import never disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.importers import values as V
from workbench.importers.entities import ENTITIES, PROFILES, EntitySpec
from workbench.importers.library import find_mapping, validate_mapping
from workbench.importers.profiles import _other_object, build_mapping, guess
from workbench.models import Engagement
from workbench.models.vocabulary import plural

MAPPING_HELP = (
    "Write a mapping file (JSON) naming, for each Workbench field, the column of your "
    'file that holds it, e.g. {"entity": "opportunities", "mapping": {"crm_id": '
    '"Deal Number", "name": "Deal", "stage": "Phase", "amount": "Value", "close_date": '
    '"Expected Close"}}, and pass it with --mapping FILE.json. Fields of each entity: '
    "'workbench import-fields'."
)


@dataclass
class Plan:
    spec: EntitySpec
    profile: str
    mapping: dict[str, str]
    order: V.DateOrder
    index: dict[str, int]  # target field -> column position
    extra_columns: list[tuple[str, int]]  # unmapped columns kept in ``extra``
    ignored_columns: list[str]  # other objects' report columns
    missing_required: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def crm_id_built(self) -> bool:
        return "crm_id" not in self.mapping


def _problem_columns(columns: list[str], mapping: dict[str, str]) -> list[str]:
    return [h for h in mapping.values() if h not in columns]


def make_plan(
    eng: Engagement | None,
    columns: list[str],
    head: list[list[str]],
    source_name: str,
    *,
    entity: str | None = None,
    profile: str = "auto",
    mapping: dict[str, str] | None = None,
    fallback_order: str = "MDY",
    strict: bool = True,
) -> Plan:
    """The plan for importing a file with these columns (raises on unknown headers)."""
    if entity is not None and entity not in ENTITIES:
        raise WorkbenchError(f"Unknown entity {entity!r}; use one of: {', '.join(ENTITIES)}.")
    notes: list[str] = []
    profile = profile or "auto"
    saved_mapping: dict[str, str] | None = None
    if profile not in ("auto", *PROFILES):
        if eng is None:
            raise WorkbenchError(f"Profile {profile!r} is a saved mapping; open an engagement.")
        saved = find_mapping(eng, profile)
        if entity and saved.entity != entity:
            raise WorkbenchError(
                f"The saved mapping {profile!r} is for {saved.entity}, not {entity}."
            )
        entity = saved.entity
        saved_mapping = saved.mapping
    if mapping is not None or saved_mapping is not None:
        chosen = dict(saved_mapping or {})
        chosen.update(mapping or {})
        if entity is None:
            entity = guess(columns, source_name).entity
        validate_mapping(entity, chosen)
        missing_cols = _problem_columns(columns, chosen)
        if missing_cols:
            raise WorkbenchError(
                f"The mapping names {plural('column', len(missing_cols))} {', '.join(repr(c) for c in missing_cols)} that "
                f"{source_name} does not have. Its columns are: "
                f"{', '.join(repr(c) for c in columns)}."
            )
        spec = ENTITIES[entity]
        used_profile = profile if profile != "auto" else "custom"
        final = chosen
    else:
        g = guess(columns, source_name, entity)
        spec = ENTITIES[g.entity]
        if profile != "auto":
            final = build_mapping(spec, profile, columns)
            used_profile = profile
        else:
            final = g.mapping
            used_profile = g.profile
    index = {f: columns.index(h) for f, h in final.items()}
    missing = [f.name for f in spec.fields if f.required and f.name not in final]
    if "crm_id" in missing and _can_build_id(spec, final):
        missing.remove("crm_id")
        keys = ", ".join(final[k] for k in spec.natural_key if k in final)
        if spec.natural_key:
            notes.append(
                f"The file has no record id column; records are identified by {keys}. "
                "Add the id column to the export for exact updates on re-import."
            )
    if spec.name == "opportunity_history" and "changed_at" in missing:
        pass
    if strict and missing:
        raise WorkbenchError(_unknown_message(source_name, spec, columns, missing, final))
    if strict and not final:
        raise WorkbenchError(_unknown_message(source_name, spec, columns, ["crm_id"], final))
    mapped_headers = set(final.values())
    ignored = [c for c in columns if c not in mapped_headers and _other_object(c, spec)]
    extra = (
        [(c, i) for i, c in enumerate(columns) if c not in mapped_headers and c not in ignored]
        if spec.has_extra
        else []
    )
    if ignored:
        notes.append(
            f"Columns of other objects are not kept with {spec.name}: {', '.join(ignored)}."
        )
    if used_profile == "salesforce-report":
        refs = [
            final[f]
            for f in ("account_crm_id", "owner_crm_id")
            if f in final and not final[f].lower().endswith("id")
        ]
        if refs:
            notes.append(
                f"{', '.join(refs)} hold names, not record ids; they are kept as given "
                "(matching accounts and users imported from reports by name)."
            )
    order = decide_order(spec, final, columns, head, fallback_order)
    if order.ambiguous:
        notes.append(
            f"Dates such as 03/04/2024 are ambiguous in this file ({order.evidence}); "
            f"read as {'month/day' if order.order == 'MDY' else 'day/month'} (the "
            "engagement's date order setting)."
        )
    elif order.evidence:
        notes.append(
            f"Dates read as {'day/month' if order.order == 'DMY' else 'month/day'}/year: "
            f"{order.evidence}."
        )
    return Plan(spec, used_profile, final, order, index, extra, ignored, missing, notes)


def _can_build_id(spec: EntitySpec, mapping: dict[str, str]) -> bool:
    if spec.name == "opportunity_history":
        return "opportunity_crm_id" in mapping and "changed_at" in mapping
    if spec.name == "activities" or spec.name == "meetings":
        return False
    return bool(spec.natural_key) and any(k in mapping for k in spec.natural_key)


def decide_order(
    spec: EntitySpec,
    mapping: dict[str, str],
    columns: list[str],
    head: list[list[str]],
    fallback: str,
) -> V.DateOrder:
    """M/D or D/M for this file, from the sampled date values of its date columns."""
    positions = [
        columns.index(h)
        for f, h in mapping.items()
        if spec.field(f).type in ("date", "moment") and h in columns
    ]
    samples = [row[i] for row in head for i in positions if i < len(row)]
    return V.decide_date_order(samples, fallback)


def _unknown_message(
    source_name: str,
    spec: EntitySpec,
    columns: list[str],
    missing: list[str],
    mapping: dict[str, str],
) -> str:
    shown = ", ".join(repr(c) for c in columns[:40])
    if len(columns) > 40:
        shown += f" and {len(columns) - 40} more"
    found = f" Recognised so far: {json.dumps(mapping, ensure_ascii=False)}." if mapping else ""
    return (
        f"{source_name}: Workbench does not recognise enough of its columns to import it as "
        f"{spec.name} (missing: {', '.join(missing)}). The file's columns are: {shown}."
        f"{found} {MAPPING_HELP}"
    )


def resolve_mapping_arg(mapping_path: str | None) -> tuple[str | None, dict[str, str] | None]:
    """Entity and mapping from a --mapping file (or nothing)."""
    if not mapping_path:
        return None, None
    from workbench.importers.library import load_mapping_file

    return load_mapping_file(Path(mapping_path))
