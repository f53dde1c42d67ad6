"""Field completion against the engagement's list of required fields.

The required fields live in the setting ``audits.required_fields`` (a JSON object:
entity -> list of field names). A field is a core column (``next_step``) or a key
of the record's ``extra`` JSON written ``extra.<header>`` (``extra.Metrics__c``), so
MEDDIC fields imported as custom columns can be required too. A value counts as
complete when it is present and not only spaces. Completion is reported per field
overall and by group: opportunities by stage, owner and segment (the account's
segment, else the owner's); accounts by owner and segment; contacts by owner.

SQLite counts it (one pass grouped by stage, owner and segment for all fields): a million
opportunities never have to cross into Python for this.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.audits.common import MAX_AFFECTED_IDS, AuditData, setting

DEFAULT_REQUIRED_FIELDS: dict[str, list[str]] = {
    "opportunities": [
        "amount",
        "close_date",
        "stage",
        "owner_crm_id",
        "account_crm_id",
        "next_step",
        "forecast_category",
    ],
    "accounts": ["name", "website", "industry", "segment", "owner_crm_id"],
    "contacts": ["email", "title", "phone", "account_crm_id"],
}

GROUPS: dict[str, tuple[str, ...]] = {
    "opportunities": ("stage", "owner", "segment"),
    "accounts": ("owner", "segment"),
    "contacts": ("owner",),
}

_GROUP_SQL = {
    "stage": "coalesce(nullif(trim(t.stage), ''), '(no stage)')",
    "owner": "coalesce(nullif(trim(t.owner_crm_id), ''), '(no owner)')",
}
_SEGMENT_SQL = {
    "opportunities": (
        "coalesce(nullif(trim(a.segment), ''), nullif(trim(u.segment), ''), '(no segment)')",
        "LEFT JOIN accounts a ON a.crm_id = t.account_crm_id "
        "LEFT JOIN users u ON u.crm_id = t.owner_crm_id",
    ),
    "accounts": ("coalesce(nullif(trim(t.segment), ''), '(no segment)')", ""),
}


@dataclass
class CompletionRow:
    """Completion of one required field in one group (group ``""`` = all records)."""

    entity: str
    field: str
    group_by: str
    group: str
    complete: int
    total: int

    @property
    def rate(self) -> float | None:
        return None if not self.total else self.complete / self.total


def required_fields(data: AuditData) -> dict[str, list[str]]:
    """The required fields per entity (the setting, else Workbench's default list)."""
    value = setting(data.eng, "required_fields", DEFAULT_REQUIRED_FIELDS)
    if not isinstance(value, dict):
        return DEFAULT_REQUIRED_FIELDS
    return {k: [str(f) for f in v] for k, v in value.items() if k in GROUPS}


def _columns(data: AuditData, entity: str) -> set[str]:
    return {r[1] for r in data.eng.conn.execute(f"PRAGMA table_info({entity})")}


def blank_sql(data: AuditData, entity: str, field: str) -> tuple[str, list[str]] | None:
    """SQL that is 1 where ``field`` is empty on row ``t`` (and its parameters)."""
    if field.startswith("extra."):
        key = field.removeprefix("extra.").replace('"', "")
        return "(trim(coalesce(json_extract(t.extra, ?), '')) = '')", [f'$."{key}"']
    if entity == "accounts" and field == "website":
        return ("(trim(coalesce(t.website, '')) = '' AND trim(coalesce(t.domain, '')) = '')", [])
    if field not in _columns(data, entity) or field in ("id", "extra", "import_id"):
        return None
    return f"(trim(coalesce(t.{field}, '')) = '')", []


def field_completion(data: AuditData) -> tuple[list[CompletionRow], list[str]]:
    """Completion rows per required field and group, and the fields that do not exist."""
    rows: list[CompletionRow] = []
    unknown: list[str] = []
    names = data.user_names()
    for entity, fields in required_fields(data).items():
        total = data.count(entity)
        if not total:
            continue
        exprs, params, known = [], [], []
        for field in fields:
            sql = blank_sql(data, entity, field)
            if sql is None:
                unknown.append(f"{entity}.{field}")
                continue
            exprs.append(f"sum({sql[0]})")
            params += sql[1]
            known.append(field)
        if not known:
            continue
        # One pass: group by every dimension at once, then add up per dimension.
        dims = GROUPS[entity]
        selects, joins = [], ""
        for dim in dims:
            if dim == "segment":
                expr, joins = _SEGMENT_SQL[entity]
            else:
                expr = _GROUP_SQL[dim]
            selects.append(f"{expr} AS g_{dim}")
        cells = pd.DataFrame(
            data.eng.conn.execute(
                f"SELECT {', '.join(selects)}, count(*), {', '.join(exprs)} "
                f"FROM {entity} t {joins} GROUP BY {', '.join('g_' + d for d in dims)}",
                params,
            ).fetchall(),
            columns=[*dims, "_n", *(f"_f{i}" for i in range(len(known)))],
        )
        blanks = [f"_f{i}" for i in range(len(known))]
        for field, col in zip(known, blanks, strict=True):
            rows.append(CompletionRow(entity, field, "", "", total - int(cells[col].sum()), total))
        for dim in dims:
            summed = cells.groupby(dim)[["_n", *blanks]].sum()
            for group, r in summed.iterrows():
                label = names.get(group, group) if dim == "owner" else group
                for field, col in zip(known, blanks, strict=True):
                    rows.append(CompletionRow(entity, field, dim, str(label),
                                              int(r["_n"] - r[col]), int(r["_n"])))  # fmt: skip
    return rows, unknown


def missing_ids(data: AuditData, entity: str, field: str) -> list[str]:
    """Ids of the records missing ``field`` (the first ``MAX_AFFECTED_IDS`` by id)."""
    sql = blank_sql(data, entity, field)
    if sql is None:
        return []
    rows = data.eng.conn.execute(
        f"SELECT t.crm_id FROM {entity} t WHERE {sql[0]} ORDER BY t.crm_id LIMIT ?",
        [*sql[1], MAX_AFFECTED_IDS],
    ).fetchall()
    return [r[0] for r in rows]
