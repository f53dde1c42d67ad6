"""What several technical documents share: the recorded imports, the customer's CRM
and the core fields with their CRM names and completeness."""

from __future__ import annotations

from workbench.importers import ENTITIES
from workbench.models.vocabulary import field_label
from workbench.reports.context import ReportContext


def recorded_imports(ctx: ReportContext) -> list[dict]:
    rows = ctx.eng.conn.execute(
        "SELECT id, entity, source_name, source_kind, profile, mapping, rows_imported, rows_rejected, "
        "finished_at FROM imports ORDER BY id"
    ).fetchall()
    keys = (
        "id",
        "entity",
        "source_name",
        "source_kind",
        "profile",
        "mapping",
        "rows_imported",
        "rows_rejected",
        "finished_at",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def crm_name(ctx: ReportContext) -> str:
    """The customer's CRM: from the import profiles, else recognised from the record ids."""
    profiles = {i["profile"].lower() for i in recorded_imports(ctx)}
    if any("hubspot" in p for p in profiles):
        return "HubSpot"
    if any("salesforce" in p for p in profiles):
        return "Salesforce"
    row = ctx.eng.conn.execute("SELECT crm_id FROM opportunities LIMIT 1").fetchone()
    if row and isinstance(row[0], str):
        crm_id = row[0]
        if len(crm_id) in (15, 18) and crm_id.startswith("006"):
            return "Salesforce"
        if crm_id.isdigit():
            return "HubSpot"
    return "CRM (not yet identified)"


def field_presence(
    ctx: ReportContext, table: str, columns: list[str]
) -> tuple[int, dict[str, int]]:
    """Rows in ``table`` and, per column, how many have a value (one scan, once per
    export: several documents list the same fields)."""
    key = ("field_presence", table, tuple(columns))
    if key not in ctx.cache:
        ctx.cache[key] = _field_presence(ctx, table, columns)
    return ctx.cache[key]


def _field_presence(
    ctx: ReportContext, table: str, columns: list[str]
) -> tuple[int, dict[str, int]]:
    have = {r[1] for r in ctx.eng.conn.execute(f"PRAGMA table_info({table})")}
    cols = [c for c in columns if c in have]
    if not cols:
        return 0, {}
    parts = ", ".join(_PRESENT.format(c=c) for c in cols)
    row = ctx.eng.conn.execute(f"SELECT count(*), {parts} FROM {table}").fetchone()
    return int(row[0]), dict(zip(cols, (int(v) for v in row[1:]), strict=True))


# A value counts when it is not null and not only spaces: ``trim(CAST(c AS TEXT)) <> ''``.
# Trimming every value of a 100,000-row table is most of the scan, so only the values
# that can be blank are trimmed: a number never is (it is below any text), a text only
# when it sorts from '' up to '!' (the first character after the space), and a blob
# (above any text) is checked as before. The same counts, at about half the cost.
_PRESENT = (
    "count({c}) - count(CASE WHEN {c} < '!' AND {c} >= '' AND trim({c}) = '' THEN 1 "
    "WHEN {c} >= x'' AND trim(CAST({c} AS TEXT)) = '' THEN 1 END)"
)


def core_field_rows(ctx: ReportContext, mapped: dict[str, set[str]]) -> list[list[object]]:
    """Every field Workbench and the platform use, with its CRM names and how complete it is."""
    rows: list[list[object]] = []
    for name, spec in ENTITIES.items():
        total, present = field_presence(ctx, spec.table, [f.name for f in spec.fields])
        for f in spec.fields:
            if f.name.startswith("_"):
                continue  # an import helper (first + last name build the name), never stored
            n = present.get(f.name)
            if f.name in mapped.get(name, set()):
                status = "Mapped in an import"
            elif not total:
                status = "Not imported yet"
            elif n:
                status = "Present in the data"
            else:
                status = "No values in the data"
            rows.append(
                [
                    spec.label,
                    field_label(f.name),
                    f.description[:1].upper() + f.description[1:],
                    "Yes" if f.required else "",
                    _readable(f.api),
                    _readable(f.hubspot),
                    (n / total) if total and n is not None else None,
                    status,
                ]
            )
    return rows


def _readable(aliases: tuple[str, ...]) -> str:
    """The CRM's name for a field: its label when one is known, else its API name."""
    for alias in aliases:
        if alias != alias.lower() or " " in alias:
            return alias
    return aliases[0] if aliases else ""
