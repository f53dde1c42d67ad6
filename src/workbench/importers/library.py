"""Named custom mappings (engagement and user library), import history and rejects.

A mapping saved by name goes into the engagement's ``mappings`` table and into the
user's mapping library, a folder of JSON files (``<user data dir>/mappings``; the
``WORKBENCH_DATA_DIR`` environment variable moves the whole data folder, which tests
use), so the same mapping can be picked in the next customer's engagement.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.importers.entities import ENTITIES
from workbench.importers.records import ImportRecord, Reject, SavedMapping
from workbench.locations import data_dir
from workbench.models import Engagement, now_iso
from workbench.models.vocabulary import plural


def library_dir(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "mappings"


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "mapping"


def validate_mapping(entity: str, mapping: dict[str, str], origin: str = "The mapping") -> None:
    """Refuse a mapping naming fields the entity does not have, or non-text headers."""
    if entity not in ENTITIES:
        raise WorkbenchError(
            f"{origin} is for entity {entity!r}, which Workbench does not import; use one of: "
            f"{', '.join(ENTITIES)}."
        )
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        raise WorkbenchError(f'{origin} must be a JSON object of "field": "column header" pairs.')
    known = {f.name for f in ENTITIES[entity].fields}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise WorkbenchError(
            f"{origin} names {plural('field', len(unknown))} {', '.join(unknown)} that {entity} does not have; "
            f"its fields are: {', '.join(sorted(known))}."
        )


def save_mapping(
    eng: Engagement, name: str, entity: str, mapping: dict[str, str], *, library: Path | None = None
) -> SavedMapping:
    """Save a named mapping in the engagement and in the user's library folder."""
    name = name.strip()
    if not name:
        raise WorkbenchError("Give the mapping a name.")
    validate_mapping(entity, mapping)
    stamp = now_iso()
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO mappings (name, entity, mapping, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET entity = excluded.entity, "
            "mapping = excluded.mapping, updated_at = excluded.updated_at",
            (name, entity, json.dumps(mapping, ensure_ascii=False), stamp, stamp),
        )
    folder = library_dir(library)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{_safe_name(name)}.json"
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(
            json.dumps(
                {"name": name, "entity": entity, "mapping": mapping}, indent=2, ensure_ascii=False
            ),
            encoding="utf-8",
        )
        tmp.replace(target)
    except OSError as exc:
        raise WorkbenchError(
            f"The mapping was saved in the engagement but not in your library folder "
            f"{folder} ({exc.strerror or exc})."
        ) from None
    return SavedMapping(name, entity, mapping, "both")


def _library_mappings(library: Path | None) -> dict[str, SavedMapping]:
    out: dict[str, SavedMapping] = {}
    folder = library_dir(library)
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            name, entity, mapping = data["name"], data["entity"], data["mapping"]
            validate_mapping(entity, mapping)
        except (OSError, ValueError, KeyError, TypeError, WorkbenchError):
            continue  # a damaged library file must not block imports
        out[name] = SavedMapping(name, entity, mapping, "library")
    return out


def list_mappings(eng: Engagement, *, library: Path | None = None) -> list[SavedMapping]:
    """Named mappings of this engagement and of the user's library, by name."""
    found = _library_mappings(library)
    for name, entity, text in eng.conn.execute(
        "SELECT name, entity, mapping FROM mappings ORDER BY name"
    ):
        where = "both" if name in found else "engagement"
        found[name] = SavedMapping(name, entity, json.loads(text), where)
    return [found[k] for k in sorted(found)]


def find_mapping(eng: Engagement, name: str, *, library: Path | None = None) -> SavedMapping:
    """The named mapping (engagement first, then library) or a plain error."""
    for saved in list_mappings(eng, library=library):
        if saved.name == name:
            return saved
    names = [m.name for m in list_mappings(eng, library=library)]
    raise WorkbenchError(
        f"There is no saved mapping named {name!r}. "
        + (f"Saved mappings: {', '.join(names)}." if names else "No mappings are saved yet.")
        + " Profiles: auto, salesforce-api, salesforce-report, hubspot, zoom, generic."
    )


def load_mapping_file(path: Path) -> tuple[str | None, dict[str, str]]:
    """Read a mapping file: {"field": "header"} or {"entity": E, "mapping": {...}}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise WorkbenchError(f"The mapping file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"The mapping file {path} cannot be read ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise WorkbenchError(
            f"The mapping file {path} is not valid JSON (line {exc.lineno}, column "
            f"{exc.colno}: {exc.msg})."
        ) from None
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        entity = data.get("entity")
        return (entity if isinstance(entity, str) else None), data["mapping"]
    if isinstance(data, dict):
        return None, data
    raise WorkbenchError(f'The mapping file {path} must hold a JSON object of "field": "header".')


def import_history(eng: Engagement) -> list[ImportRecord]:
    """Every import into this engagement, newest first."""
    rows = eng.conn.execute(
        "SELECT id, entity, source_name, source_kind, sha256, profile, mapping, encoding, "
        "sheet, rows_read, rows_imported, rows_updated, rows_rejected, rows_skipped, notes, "
        "started_at, finished_at FROM imports ORDER BY id DESC"
    ).fetchall()
    out = []
    for r in rows:
        values = list(r)
        values[6] = json.loads(values[6] or "{}")
        values[14] = json.loads(values[14] or "[]")
        out.append(ImportRecord(*values))
    return out


def import_rejects(eng: Engagement, import_id: int, limit: int | None = None) -> list[Reject]:
    """The rejected values of one import, in file order."""
    exists = eng.conn.execute("SELECT 1 FROM imports WHERE id = ?", (import_id,)).fetchone()
    if not exists:
        raise WorkbenchError(
            f"There is no import number {import_id} in {eng.path.name}; "
            "'workbench imports FILE' lists them."
        )
    sql = (
        "SELECT row_number, column_name, value, reason FROM import_rejects "
        "WHERE import_id = ? ORDER BY row_number, id"
    )
    params: tuple = (import_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (import_id, int(limit))
    return [Reject(*r) for r in eng.conn.execute(sql, params)]
