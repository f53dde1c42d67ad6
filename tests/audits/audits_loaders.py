"""Test helpers: insert rows into an engagement, and load the real public Salesforce seeds.

The importer capability is built in parallel; these tests load the Fivetran
Salesforce seeds in ../shared/data with a few lines of pandas instead, mapping the
columns the audits read onto the core tables.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from workbench.models import Engagement


def insert_rows(eng: Engagement, table: str, rows: list[dict]) -> None:
    """Insert ``rows`` (dicts of column -> value) into ``table`` in one transaction."""
    if not rows:
        return
    columns = sorted({k for r in rows for k in r})
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with eng.atomic() as conn:
        conn.executemany(sql, [tuple(r.get(c) for c in columns) for r in rows])


def _flag(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    return 1 if value.strip().lower() == "true" else 0


def _day(value: object) -> str | None:
    return value[:10] if isinstance(value, str) and value.strip() else None


def _moment(value: object) -> str | None:
    return value[:19].replace(" ", "T") if isinstance(value, str) and value.strip() else None


def _clean(frame: pd.DataFrame) -> list[dict]:
    return [
        {k: (None if (isinstance(v, float) and v != v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def read_sf(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"sf_{name}_data.csv", dtype=str, keep_default_na=False, na_values=[""]
    )


def load_salesforce_seeds(eng: Engagement, folder: Path) -> None:
    """Load the Fivetran Salesforce seeds (opportunities, accounts, users, history, ...)."""
    opp = read_sf(folder, "opportunity")
    insert_rows(
        eng,
        "opportunities",
        _clean(
            pd.DataFrame(
                {
                    "crm_id": opp["id"],
                    "name": opp["name"],
                    "account_crm_id": opp["account_id"],
                    "owner_crm_id": opp["owner_id"],
                    "stage": opp["stage_name"],
                    "amount": pd.to_numeric(opp["amount"]),
                    "close_date": opp["close_date"].map(_day),
                    "created_date": opp["created_date"].map(_day),
                    "probability": pd.to_numeric(opp["probability"]),
                    "forecast_category": opp["forecast_category"],
                    "next_step": opp["next_step"],
                    "last_activity_date": opp["last_activity_date"].map(_day),
                    "is_closed": opp["is_closed"].map(_flag),
                    "is_won": opp["is_won"].map(_flag),
                    "type": opp["type"],
                    "lead_source": opp["lead_source"],
                }
            )
        ),
    )
    acc = read_sf(folder, "account")
    insert_rows(
        eng,
        "accounts",
        _clean(
            pd.DataFrame(
                {
                    "crm_id": acc["id"],
                    "name": acc["name"],
                    "website": acc["website"],
                    "industry": acc["industry"],
                    "owner_crm_id": acc["owner_id"],
                    "employees": pd.to_numeric(acc["number_of_employees"]),
                }
            )
        ),
    )
    users = read_sf(folder, "user")
    insert_rows(
        eng,
        "users",
        _clean(
            pd.DataFrame(
                {
                    "crm_id": users["id"],
                    "name": users["name"],
                    "email": users["email"],
                    "title": users["title"],
                    "manager_crm_id": users["manager_id"],
                    "is_active": users["is_active"].map(_flag),
                }
            )
        ),
    )
    contacts = read_sf(folder, "contact")
    insert_rows(
        eng,
        "contacts",
        _clean(
            pd.DataFrame(
                {
                    "crm_id": contacts["id"],
                    "account_crm_id": contacts["account_id"],
                    "first_name": contacts["first_name"],
                    "last_name": contacts["last_name"],
                    "email": contacts["email"],
                    "title": contacts["title"],
                    "phone": contacts["phone"],
                    "owner_crm_id": contacts["owner_id"],
                }
            )
        ),
    )
    hist = read_sf(folder, "opportunity_history")
    insert_rows(
        eng,
        "opportunity_history",
        _clean(
            pd.DataFrame(
                {
                    "crm_id": hist["id"] + "@" + hist["_fivetran_start"],
                    "opportunity_crm_id": hist["id"],
                    "changed_at": hist["_fivetran_start"].map(_moment),
                    "stage": hist["stage_name"],
                    "amount": pd.to_numeric(hist["amount"]),
                    "close_date": hist["close_date"].map(_day),
                    "probability": pd.to_numeric(hist["probability"]),
                    "forecast_category": hist["forecast_category"],
                }
            )
        ),
    )
    tasks = read_sf(folder, "task")
    events = read_sf(folder, "event")
    rows = []
    for frame, kind_of in (
        (tasks, lambda r: "call" if r.get("task_subtype") == "Call" else "task"),
        (events, lambda r: "event"),
    ):
        for r in _clean(frame):
            what = r.get("what_id") or ""
            who = r.get("who_id") or ""
            rows.append(
                {
                    "crm_id": r["id"],
                    "kind": kind_of(r),
                    "subject": r.get("subject"),
                    "status": r.get("status"),
                    "owner_crm_id": r.get("owner_id"),
                    "account_crm_id": r.get("account_id"),
                    "opportunity_crm_id": what if what.startswith("006") else None,
                    "contact_crm_id": who if who.startswith("003") else None,
                    "activity_date": _day(r.get("activity_date")),
                    "started_at": _moment(r.get("start_date_time")),
                    "duration_min": float(r["duration_in_minutes"])
                    if r.get("duration_in_minutes")
                    else None,
                    "extra": json.dumps({"type": r.get("type")}),
                }
            )
    insert_rows(eng, "activities", rows)
