"""Field completion against the engagement's list of required fields.

The required fields live in the setting ``audits.required_fields`` (a JSON object:
entity -> list of field names). A field is a core column (``next_step``) or a key
of the record's ``extra`` JSON written ``extra.<header>`` (``extra.Metrics__c``), so
MEDDIC fields imported as custom columns can be required too. A value counts as
complete when it is present and not only spaces. Completion is reported per field
overall and by group: opportunities by stage, owner and segment (the account's
segment, else the owner's); accounts by owner and segment; contacts by owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.audits.common import AuditData, blank, setting

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

_TABLE_COLUMNS = {
    "opportunities": set(
        AuditData._QUERIES["opportunities"]
        .split("FROM")[0]
        .replace("SELECT", "")
        .replace(" ", "")
        .split(",")
    ),
    "accounts": set(
        AuditData._QUERIES["accounts"]
        .split("FROM")[0]
        .replace("SELECT", "")
        .replace(" ", "")
        .split(",")
    ),
    "contacts": set(
        AuditData._QUERIES["contacts"]
        .split("FROM")[0]
        .replace("SELECT", "")
        .replace(" ", "")
        .split(",")
    ),
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


def _extra_values(data: AuditData, entity: str, key: str) -> pd.Series:
    path = '$."' + key.replace('"', "") + '"'
    frame = pd.read_sql_query(
        f"SELECT crm_id, json_extract(extra, ?) AS value FROM {entity}",
        data.eng.conn,
        params=(path,),
    )
    return frame.set_index("crm_id")["value"]


def missing_mask(data: AuditData, entity: str, frame: pd.DataFrame, field: str) -> pd.Series:
    """True for records of ``frame`` where ``field`` is empty."""
    if field.startswith("extra."):
        values = _extra_values(data, entity, field.removeprefix("extra."))
        return blank(frame["crm_id"].map(values))
    if entity == "accounts" and field == "website":
        return blank(frame["website"]) & blank(frame["domain"])
    if field not in _TABLE_COLUMNS[entity]:
        raise KeyError(field)
    return blank(frame[field])


def _group_columns(data: AuditData, entity: str, frame: pd.DataFrame) -> dict[str, pd.Series]:
    names = data.user_names()
    owner = frame["owner_crm_id"].map(lambda x: names.get(str(x), str(x)) if x else "(no owner)")
    groups = {"owner": owner.fillna("(no owner)")}
    if entity == "opportunities":
        groups["stage"] = frame["stage"].where(~blank(frame["stage"]), "(no stage)")
        accounts = data.table("accounts").set_index("crm_id")["segment"]
        owners = data.owner_attributes().set_index("owner_crm_id")["owner_segment"]
        segment = frame["account_crm_id"].map(accounts)
        segment = segment.where(~blank(segment), frame["owner_crm_id"].map(owners))
        groups["segment"] = segment.where(~blank(segment), "(no segment)")
    if entity == "accounts":
        groups["segment"] = frame["segment"].where(~blank(frame["segment"]), "(no segment)")
    return groups


def field_completion(
    data: AuditData,
) -> tuple[list[CompletionRow], dict[str, pd.Series], list[str]]:
    """Completion rows, the per-field missing masks (``entity.field``) and unknown fields."""
    rows: list[CompletionRow] = []
    masks: dict[str, pd.Series] = {}
    unknown: list[str] = []
    for entity, fields in required_fields(data).items():
        frame = data.table(entity)
        if frame.empty:
            continue
        groups = _group_columns(data, entity, frame)
        for field in fields:
            try:
                missing = missing_mask(data, entity, frame, field)
            except KeyError:
                unknown.append(f"{entity}.{field}")
                continue
            masks[f"{entity}.{field}"] = missing
            total = len(frame)
            rows.append(CompletionRow(entity, field, "", "", int(total - missing.sum()), total))
            complete = ~missing
            for group_by in GROUPS[entity]:
                key = groups[group_by].astype(str)
                agg = pd.DataFrame({"g": key, "c": complete}).groupby("g")["c"].agg(["sum", "size"])
                for group, row in agg.iterrows():
                    rows.append(
                        CompletionRow(
                            entity, field, group_by, str(group), int(row["sum"]), int(row["size"])
                        )
                    )
    return rows, masks, unknown
