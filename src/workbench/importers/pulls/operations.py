"""The live pulls' user actions: ``pull_salesforce`` and ``pull_hubspot``.

``op(engagement, request, *, progress) -> PullResult``. A pull downloads every object
first (``salesforce``/``hubspot`` into a temporary folder), then lands them like
imports, through the same importer (``import_file``: the same value parsing, the same
upsert by CRM id, rejects kept), all in ONE transaction together with its provenance
(``pulls``, ``pull_objects``: the connection, each object, the rows pulled against the
count the CRM reported) and the new high-water marks. A failure or a cancel at any
point leaves the engagement exactly as it was; the next pull starts cleanly from the
last committed marks.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.importers.engine import import_file
from workbench.importers.entities import ENTITIES, PROFILES
from workbench.importers.profiles import build_mapping
from workbench.importers.pulls import credentials as C
from workbench.importers.pulls import salesforce as S
from workbench.importers.pulls.fetched import FetchedObject, PullError
from workbench.importers.values import DateOrder, parse_moment
from workbench.models import Engagement, now_iso
from workbench.progress import Progress

FETCH_SHARE = 0.8  # of the progress bar: downloading; the rest is writing


@dataclass
class SalesforcePullRequest:
    connection: str = "salesforce"
    auth: str | None = None  # password | jwt | session (default: the connection's)
    username: str | None = None
    domain: str | None = None  # login | test | a My Domain prefix
    consumer_key: str | None = None
    key_file: str | None = None
    instance_url: str | None = None
    objects: tuple[str, ...] | None = None
    full: bool = False  # ignore the marks of earlier pulls
    bulk_threshold: int = 50_000
    max_api_share: float = 0.5
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    allow_insecure_keyring: bool = False


@dataclass
class HubSpotPullRequest:
    connection: str = "hubspot"
    base_url: str | None = None
    objects: tuple[str, ...] | None = None
    full: bool = False  # ignore the marks of earlier pulls
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    allow_insecure_keyring: bool = False


@dataclass
class PulledObject:
    object: str
    entity: str | None
    method: str
    rows_pulled: int
    rows_reported: int | None
    rows_imported: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    import_id: int | None = None
    since: str | None = None
    watermark: str | None = None
    custom_fields: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class PullResult:
    pull_id: int
    connection: str
    crm: str
    mode: str
    objects: list[PulledObject]
    api_used: int | None = None
    api_allowance: int | None = None


@dataclass
class LastPull:
    connection: str
    crm: str
    object: str
    last_pulled_at: str
    watermark: str | None
    rows_pulled: int


# ------------------------------------------------------------------- Salesforce
def pull_salesforce(
    eng: Engagement,
    request: SalesforcePullRequest,
    *,
    progress: Progress | None = None,
    session=None,
) -> PullResult:
    """Pull the org named by the request's connection into ``eng`` (all or nothing)."""
    progress = progress or Progress.none()
    conn = salesforce_connection(eng, request)
    login = S.SalesforceLogin(
        auth=conn.auth,
        username=conn.username,
        domain=conn.domain or "login",
        consumer_key=conn.consumer_key,
        key_file=conn.key_file,
        instance_url=conn.instance_url,
    )
    allow = request.allow_insecure_keyring
    if conn.auth == "password":
        login.password = C.require_secret(conn, "password", allow_insecure=allow)
        login.security_token = C.get_secret(conn, "security_token", allow_insecure=allow) or ""
    elif conn.auth == "session":
        login.session_id = C.require_secret(conn, "session_id", allow_insecure=allow)
    objects = request.objects or S.OBJECT_NAMES
    since = {} if request.full else _marks(eng, conn)
    mapping = merged_mapping(conn, request.mapping)
    plan = S.SalesforcePlan(
        objects=tuple(objects),
        since=since,
        bulk_threshold=request.bulk_threshold,
        max_api_share=request.max_api_share,
        mapping=mapping,
    )
    fetch = progress.span(0.0, FETCH_SHARE)
    fetch.update(0.0, f"Signing in to Salesforce ({login.host})")
    session = session or _session()
    with tempfile.TemporaryDirectory(prefix="workbench-pull-") as folder:
        sf = S.sign_in(login, session)
        puller = S.SalesforcePuller(sf, login, plan, Path(folder), fetch)
        fetched = puller.pull()
        usage = puller.usage
        return _land(
            eng,
            conn,
            fetched,
            "salesforce-api",
            "incremental" if since else "full",
            progress.span(FETCH_SHARE, 1.0),
            api=(usage.used, usage.allowance) if usage else (None, None),
            mapping=mapping,
        )


@dataclass
class ConnectAndPull:
    """The Pull dialog's action: save a connection (its settings in the engagement, its
    secrets in the system keyring) and pull from it."""

    crm: str  # salesforce | hubspot
    name: str
    auth: str
    settings: dict[str, str | None] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)


def connect_and_pull(
    eng: Engagement, request: ConnectAndPull, *, progress: Progress | None = None
) -> PullResult:
    """Save the connection and its secrets, then pull (the typed operation the GUI calls)."""
    conn = C.save_connection(eng, request.name, request.crm, request.auth, **request.settings)
    C.set_secrets(conn, {k: v for k, v in request.secrets.items() if v})
    if request.crm == "hubspot":
        return pull_hubspot(eng, HubSpotPullRequest(connection=request.name), progress=progress)
    return pull_salesforce(eng, SalesforcePullRequest(connection=request.name), progress=progress)


def salesforce_connection(eng: Engagement, request: SalesforcePullRequest) -> C.Connection:
    existing = C.get_connection(eng, request.connection)
    auth = request.auth
    if auth is None:
        if request.instance_url:
            auth = "session"
        elif request.key_file or request.consumer_key:
            auth = "jwt"
        elif request.username:
            auth = "password"
        elif existing is not None:
            auth = existing.auth
        else:
            raise WorkbenchError(
                f"The engagement has no Salesforce connection '{request.connection}' yet; give "
                "--username (with --domain), --consumer-key and --jwt-key, or --instance-url."
            )
    settings = {
        "username": request.username,
        "domain": request.domain,
        "consumer_key": request.consumer_key,
        "key_file": str(Path(request.key_file).resolve()) if request.key_file else None,
        "instance_url": request.instance_url,
    }
    if existing is None or any(v is not None for v in settings.values()) or auth != existing.auth:
        conn = C.save_connection(eng, request.connection, "salesforce", auth, **settings)
    else:
        conn = existing
    if conn.auth in ("password", "jwt") and not conn.username:
        raise WorkbenchError("Salesforce sign-in needs the user name (--username).")
    if conn.auth == "jwt" and not (conn.consumer_key and conn.key_file):
        raise WorkbenchError(
            "The JWT sign-in needs the connected app's consumer key (--consumer-key) and the "
            "private key file (--jwt-key)."
        )
    if conn.auth == "session" and not conn.instance_url:
        raise WorkbenchError("A session sign-in needs the instance URL (--instance-url).")
    return conn


# ---------------------------------------------------------------------- HubSpot
def pull_hubspot(
    eng: Engagement,
    request: HubSpotPullRequest,
    *,
    progress: Progress | None = None,
    session=None,
) -> PullResult:
    """Pull the HubSpot portal of the request's connection into ``eng`` (all or nothing)."""
    from workbench.importers.pulls import hubspot as H

    progress = progress or Progress.none()
    existing = C.get_connection(eng, request.connection)
    if existing is None or request.base_url:
        conn = C.save_connection(
            eng, request.connection, "hubspot", "token", base_url=request.base_url
        )
    else:
        conn = existing
    token = C.require_secret(conn, "token", allow_insecure=request.allow_insecure_keyring)
    fetch = progress.span(0.0, FETCH_SHARE)
    client = H.HubSpotClient(session or _session(), token, conn.base_url or H.DEFAULT_BASE_URL)
    mapping = merged_mapping(conn, request.mapping)
    since = {} if request.full else _marks(eng, conn)
    plan = H.HubSpotPlan(objects=tuple(request.objects or H.OBJECTS), mapping=mapping, since=since)
    with tempfile.TemporaryDirectory(prefix="workbench-pull-") as folder:
        fetched = H.HubSpotPuller(client, plan, Path(folder)).pull(fetch)
        return _land(
            eng,
            conn,
            fetched,
            "hubspot",
            "incremental" if since else "full",
            progress.span(FETCH_SHARE, 1.0),
            mapping=mapping,
        )


def merged_mapping(
    conn: C.Connection, changes: dict[str, dict[str, str]]
) -> dict[str, dict[str, str]]:
    """The connection's kept mappings with this pull's changes (an empty column removes
    a mapping)."""
    merged = conn.mapping
    for obj, fields in changes.items():
        current = merged.setdefault(obj, {})
        for target, column in fields.items():
            if column:
                current[target] = column
            else:
                current.pop(target, None)
        if not current:
            del merged[obj]
    return merged


def _session():
    """A requests session; requests itself honours REQUESTS_CA_BUNDLE and proxy settings."""
    import requests

    return requests.Session()


# ---------------------------------------------------------------------- landing
def _land(
    eng: Engagement,
    conn: C.Connection,
    fetched: list[FetchedObject],
    profile: str,
    mode: str,
    progress: Progress,
    *,
    api: tuple[int | None, int | None] = (None, None),
    mapping: dict[str, dict[str, str]] | None = None,
) -> PullResult:
    started = now_iso()
    results: list[PulledObject] = []
    with eng.atomic() as db:
        pull_id = int(
            db.execute(
                "INSERT INTO pulls (connection_id, mode, started_at, finished_at, api_used, "
                "api_allowance) VALUES (?, ?, ?, ?, ?, ?)",
                (conn.id, mode, started, started, *api),
            ).lastrowid
        )
        for i, obj in enumerate(fetched):
            part = progress.span(i / max(len(fetched), 1), (i + 1) / max(len(fetched), 1))
            part.update(0.0, f"Storing {obj.object}")
            result = PulledObject(
                obj.object,
                obj.entity,
                obj.method,
                obj.rows,
                obj.reported,
                since=obj.since,
                watermark=obj.watermark,
                custom_fields=obj.custom_fields,
                notes=list(obj.notes),
            )
            if obj.entity in ENTITIES:
                _land_entity(eng, conn, obj, profile, result, part)
                if obj.also_field_history:
                    _land_field_history(db, obj)
            elif obj.entity == "field_history":
                result.rows_imported, result.rows_updated = _land_field_history(db, obj)
            elif obj.entity == "crm_objects":
                result.rows_imported, result.rows_updated = _land_crm_objects(db, obj, pull_id)
            db.execute(
                "INSERT INTO pull_objects (pull_id, object, entity, import_id, method, "
                "rows_pulled, rows_reported, since, watermark, custom_fields) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pull_id,
                    obj.object,
                    obj.entity,
                    result.import_id,
                    obj.method,
                    obj.rows,
                    obj.reported,
                    obj.since,
                    obj.watermark,
                    json.dumps(obj.custom_fields, ensure_ascii=False),
                ),
            )
            db.execute(
                "INSERT INTO pull_state (connection_id, object, watermark, last_pull_id, "
                "last_pulled_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (connection_id, object) "
                "DO UPDATE SET watermark = excluded.watermark, last_pull_id = "
                "excluded.last_pull_id, last_pulled_at = excluded.last_pulled_at",
                (conn.id, obj.object, obj.watermark, pull_id, started),
            )
            results.append(result)
        db.execute("UPDATE pulls SET finished_at = ? WHERE id = ?", (now_iso(), pull_id))
        if mapping is not None:  # mappings chosen for this pull stay for the next ones
            db.execute(
                "UPDATE connections SET mapping = ? WHERE id = ?",
                (json.dumps(mapping, ensure_ascii=False, sort_keys=True), conn.id),
            )
        eng.touch()
        progress.update(1.0, "Pull stored")
    return PullResult(pull_id, conn.name, conn.crm, mode, results, *api)


def _land_entity(eng, conn, obj: FetchedObject, profile: str, result: PulledObject, part) -> None:
    """Through the importer, exactly like a file import, then marked as a pull."""
    spec = ENTITIES[obj.entity]
    mapping = None
    if obj.mapping:
        _check_overrides(obj, spec)
        mapping = build_mapping(spec, profile, obj.columns)
        mapping = {k: v for k, v in mapping.items() if v not in obj.mapping.values()}
        mapping.update(obj.mapping)
    assert profile in PROFILES
    imported = import_file(
        eng, obj.path, entity=obj.entity, profile=profile, mapping=mapping, progress=part
    )
    eng.conn.execute(
        "UPDATE imports SET source_kind = 'pull', source_name = ? WHERE id = ?",
        (f"{conn.name} ({conn.crm}): {obj.object}", imported.import_id),
    )
    result.import_id = imported.import_id
    result.rows_imported = imported.rows_imported
    result.rows_updated = imported.rows_updated
    result.rows_rejected = imported.rows_rejected
    result.notes.extend(imported.notes)


def _check_overrides(obj: FetchedObject, spec) -> None:
    for target, column in obj.mapping.items():
        if target not in {f.name for f in spec.fields}:
            raise WorkbenchError(
                f"{obj.object}: {target!r} is not a field of {spec.name}; see 'workbench "
                "import-fields'."
            )
        if column not in obj.columns:
            raise WorkbenchError(
                f"{obj.object} has no field {column!r} to map to {target}; its custom fields "
                f"are: {', '.join(f['name'] for f in obj.custom_fields) or 'none'}."
            )


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


# Columns of a field-history download: Salesforce OpportunityFieldHistory, and the
# property history of HubSpot deals.
FIELD_HISTORY_LAYOUTS = {
    "OpportunityFieldHistory": ("Opportunity", *S.FIELD_HISTORY_FIELDS[1:7]),
    "deal_history": (
        "deal",
        "deal_id",
        "name",
        "old_value",
        "value",
        "timestamp",
        "source_id",
    ),
}


def _land_field_history(db, obj: FetchedObject) -> tuple[int, int]:
    """A field-history download into the dated field-history table (any field)."""
    order = DateOrder("MDY")
    kind, record, field_, old, new, when, who = FIELD_HISTORY_LAYOUTS[obj.object]
    before = db.execute("SELECT count(*) FROM field_history").fetchone()[0]
    batch = []
    for row in _rows(obj.path):
        if not row.get(record) or not row.get(when):
            continue
        changed_at = parse_moment(row[when], order)
        crm_id = row.get("Id") or f"{row[record]}@{changed_at}#{row.get(field_)}"
        batch.append(
            (
                crm_id,
                kind,
                row[record],
                row.get(field_) or "",
                row.get(old) or None,
                row.get(new) or None,
                changed_at,
                row.get(who) or None,
            )
        )
    db.executemany(
        "INSERT INTO field_history (crm_id, object, record_crm_id, field, old_value, "
        "new_value, changed_at, changed_by_crm_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (crm_id) DO UPDATE SET old_value = excluded.old_value, new_value = "
        "excluded.new_value, changed_at = excluded.changed_at",
        batch,
    )
    new = db.execute("SELECT count(*) FROM field_history").fetchone()[0] - before
    return new, len(batch) - new


def _land_crm_objects(db, obj: FetchedObject, pull_id: int) -> tuple[int, int]:
    before = db.execute(
        "SELECT count(*) FROM crm_objects WHERE object = ?", (obj.object,)
    ).fetchone()[0]
    rows = [
        (obj.object, r["Id"], json.dumps({k: v for k, v in r.items() if v != ""}), pull_id)
        for r in _rows(obj.path)
        if r.get("Id")
    ]
    db.executemany(
        "INSERT INTO crm_objects (object, crm_id, data, pull_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (object, crm_id) DO UPDATE SET data = excluded.data, "
        "pull_id = excluded.pull_id",
        rows,
    )
    after = db.execute(
        "SELECT count(*) FROM crm_objects WHERE object = ?", (obj.object,)
    ).fetchone()[0]
    return after - before, len(rows) - (after - before)


# ----------------------------------------------------------------------- reading
def _marks(eng: Engagement, conn: C.Connection) -> dict[str, str]:
    rows = eng.conn.execute(
        "SELECT object, watermark FROM pull_state WHERE connection_id = ? AND watermark "
        "IS NOT NULL",
        (conn.id,),
    )
    return dict(rows.fetchall())


def last_pulls(eng: Engagement) -> list[LastPull]:
    """When each object of each connection was last pulled, and up to which change."""
    rows = eng.conn.execute(
        "SELECT c.name, c.crm, s.object, s.last_pulled_at, s.watermark, "
        "coalesce(o.rows_pulled, 0) FROM pull_state s JOIN connections c ON c.id = "
        "s.connection_id LEFT JOIN pull_objects o ON o.pull_id = s.last_pull_id AND "
        "o.object = s.object ORDER BY c.name, s.object"
    )
    return [LastPull(*r) for r in rows]


def field_value_as_of(
    eng: Engagement, record_crm_id: str, field_name: str, moment: str
) -> str | None:
    """The value a tracked field had at ``moment`` (UTC ISO), from the field history."""
    row = eng.conn.execute(
        "SELECT new_value FROM field_history WHERE record_crm_id = ? AND field = ? AND "
        "changed_at <= ? ORDER BY changed_at DESC, id DESC LIMIT 1",
        (record_crm_id, field_name, moment),
    ).fetchone()
    if row is not None:
        return row[0]
    first = eng.conn.execute(
        "SELECT old_value FROM field_history WHERE record_crm_id = ? AND field = ? "
        "ORDER BY changed_at, id LIMIT 1",
        (record_crm_id, field_name),
    ).fetchone()
    return first[0] if first else None


__all__ = [
    "HubSpotPullRequest",
    "LastPull",
    "PullError",
    "PullResult",
    "PulledObject",
    "SalesforcePullRequest",
    "field_value_as_of",
    "last_pulls",
    "pull_hubspot",
    "pull_salesforce",
    "salesforce_connection",
]
