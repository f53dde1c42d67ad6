"""Field completion against the engagement's list of required fields.

The required fields live in the setting ``audits.required_fields`` (a JSON object:
entity -> list of field names). A field is a core column (``next_step``) or a key
of the record's ``extra`` JSON written ``extra.<header>`` (``extra.Metrics__c``), so
MEDDIC fields imported as custom columns can be required too. A value counts as
complete when it is present and not only spaces. Completion is reported per field
overall and by group: opportunities by stage, owner and segment (the account's
segment, else the owner's); accounts by owner and segment; contacts by owner.

Accounts and contacts are counted in SQLite (one pass grouped by every dimension).
Opportunities are counted from the audits' opportunities table, already read for the
other checks, on integer codes per group (``opportunity_cells``): the same grouped pass
over a million deals took 6-7 CPU seconds, most of it joining and sorting text keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
        known = []
        for field in fields:
            if blank_sql(data, entity, field) is None:
                unknown.append(f"{entity}.{field}")
                continue
            known.append(field)
        if not known:
            continue
        # One pass: group by every dimension at once, then add up per dimension.
        dims = GROUPS[entity]
        if entity == "opportunities":
            cells = opportunity_cells(data, known)
        else:
            cells = _sql_cells(data, entity, known)
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


def _sql_cells(data: AuditData, entity: str, known: list[str]) -> pd.DataFrame:
    """Records and blanks per field in each group of ``GROUPS[entity]``, counted in
    SQLite: columns ``*dims``, ``_n`` (records) and ``_f0``.. (blanks of each field)."""
    dims = GROUPS[entity]
    exprs, params = [], []
    for field in known:
        sql, args = blank_sql(data, entity, field)
        exprs.append(f"sum({sql})")
        params += args
    selects, joins = [], ""
    for dim in dims:
        if dim == "segment":
            expr, joins = _SEGMENT_SQL[entity]
        else:
            expr = _GROUP_SQL[dim]
        selects.append(f"{expr} AS g_{dim}")
    return pd.DataFrame(
        data.eng.conn.execute(
            f"SELECT {', '.join(selects)}, count(*), {', '.join(exprs)} "
            f"FROM {entity} t {joins} GROUP BY {', '.join('g_' + d for d in dims)}",
            params,
        ).fetchall(),
        columns=[*dims, "_n", *(f"_f{i}" for i in range(len(known)))],
    )


# Required opportunity fields whose emptiness the audits' opportunities table already
# shows (its text as stored; ``next_step`` as its empty flag). The others are read as
# the ids of the records missing them, which are few.
_FRAME_TEXT = ("stage", "owner_crm_id", "account_crm_id", "forecast_category", "pipeline",
               "type", "record_type")  # fmt: skip


class _Coded:
    """A text column as stored, as integer codes (-1: NULL) and its distinct values, so
    text work runs once per distinct value (categoricals already are this)."""

    def __init__(self, values: pd.Series, factorized: tuple | None = None) -> None:
        if factorized is not None:  # ``AuditData.factorized`` of these values
            self.codes, self.uniques = factorized
        elif isinstance(values.dtype, pd.CategoricalDtype):
            self.codes = values.cat.codes.to_numpy()
            self.uniques = values.cat.categories.to_numpy(dtype=object)
        else:
            self.codes, self.uniques = pd.factorize(values.to_numpy(dtype=object))
            self.uniques = np.asarray(self.uniques, dtype=object)

    def spread(self, per_value: list, missing: object) -> np.ndarray:
        """``per_value[i]`` for each row of distinct value ``i``; ``missing`` for NULL."""
        return np.asarray([*per_value, missing], dtype=object)[self.codes]

    def trimmed(self) -> list[str]:
        """``trim(x)`` of each distinct value (SQLite's trim strips spaces only)."""
        return [str(v).strip(" ") for v in self.uniques]

    def blank(self) -> np.ndarray:
        """SQLite's ``trim(coalesce(x, '')) = ''`` per row."""
        return self.spread([t == "" for t in self.trimmed()], True).astype(bool)

    def label(self, empty: str) -> np.ndarray:
        """``coalesce(nullif(trim(x), ''), empty)`` per row, as integer codes into the
        returned labels."""
        text = np.asarray([*(t or empty for t in self.trimmed()), empty], dtype=object)
        codes, labels = pd.factorize(text)
        return codes[self.codes], labels


def opportunity_cells(data: AuditData, known: list[str]) -> pd.DataFrame:
    """``_sql_cells`` for opportunities, from the audits' opportunities table (read once
    for every audit of a run) rather than a second pass of SQLite over a million deals
    grouped by three text keys, which took 6-7 CPU seconds: here the groups are counted
    on integer codes. The same figures (tests compare both ways on awkward data)."""
    opps = data.table("opportunities")
    n = len(opps)
    coded = {name: _Coded(opps[name]) for name in ("stage", "owner_crm_id")}
    coded["account_crm_id"] = _Coded(
        opps["account_crm_id"], data.factorized("opportunities", "account_crm_id")
    )
    blanks: dict[str, np.ndarray] = {}
    from_sql: list[str] = []
    for field in known:
        if field in _FRAME_TEXT:
            blanks[field] = (coded.get(field) or _Coded(opps[field])).blank()
        elif field == "next_step":
            blanks[field] = opps["next_step_blank"].to_numpy(dtype=bool)
        else:
            from_sql.append(field)
    if from_sql:
        exprs, params = [], []
        for field in from_sql:
            sql, args = blank_sql(data, "opportunities", field)
            exprs.append(sql)
            params += args
        rows = data.eng.conn.execute(
            f"SELECT t.crm_id, {', '.join(exprs)} FROM opportunities t WHERE {' OR '.join(exprs)}",
            params + params,
        ).fetchall()
        # the deals' rows of the few records read: a look-up of the million deal ids in
        # the few (not an index of a million ids to look the few up in)
        row_of = {r[0]: k for k, r in enumerate(rows)}
        ids = opps["crm_id"]
        at = np.flatnonzero(ids.isin(list(row_of)).to_numpy())
        which = np.fromiter((row_of[v] for v in ids.to_numpy(dtype=object)[at]), dtype=np.int64,
                            count=len(at))  # fmt: skip
        for i, field in enumerate(from_sql, start=1):
            flags = np.zeros(n, dtype=bool)
            hit = np.fromiter((bool(r[i]) for r in rows), dtype=bool, count=len(rows))
            flags[at] = hit[which]
            blanks[field] = flags

    # segment: the account's (joined on its id as stored), else the owner's
    def segments(table: str, ids: _Coded) -> list[str]:
        frame = data.table(table)
        segment = _Coded(frame["segment"])
        by_id = dict(zip(frame["crm_id"], segment.spread(segment.trimmed(), ""), strict=True))
        return [by_id.get(v, "") for v in ids.uniques]

    account = coded["account_crm_id"].spread(segments("accounts", coded["account_crm_id"]), "")
    owner = coded["owner_crm_id"].spread(segments("users", coded["owner_crm_id"]), "")
    segment = np.where(account != "", account, owner)
    segment[segment == ""] = "(no segment)"
    keys = {
        "stage": coded["stage"].label("(no stage)"),
        "owner": coded["owner_crm_id"].label("(no owner)"),
        "segment": pd.factorize(segment),
    }
    combined = np.zeros(n, dtype=np.int64)
    for dim in GROUPS["opportunities"]:
        combined = combined * max(len(keys[dim][1]), 1) + keys[dim][0]
    sums = (
        pd.DataFrame(
            {"_n": np.ones(n, dtype=np.int64)}
            | {f"_f{i}": blanks[field].astype(np.int64) for i, field in enumerate(known)}
        )
        .groupby(combined, sort=False)
        .sum()
    )
    cells = {}
    rest = sums.index.to_numpy()
    for dim in reversed(GROUPS["opportunities"]):
        size = max(len(keys[dim][1]), 1)
        cells[dim] = np.asarray(keys[dim][1], dtype=object)[rest % size]
        rest = rest // size
    frame = pd.DataFrame({dim: cells[dim] for dim in GROUPS["opportunities"]})
    for column in sums.columns:
        frame[column] = sums[column].to_numpy()
    return frame


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
