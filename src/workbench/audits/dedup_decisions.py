"""The consultant's same/different decisions on duplicate pairs, kept in the engagement.

A decision is stored by the two CRM ids (sorted) and survives re-imports and re-runs:
the next run asserts a pair decided "same" (and learns from it), and never asserts a
pair decided "different".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.models.engagement import now_iso
from workbench.progress import Progress


@dataclass
class PairDecision:
    """One decision: the two CRM ids, same or not, who and why."""

    crm_id_a: str
    crm_id_b: str
    same: bool
    decided_by: str = ""
    note: str = ""
    entity: str = "accounts"


def record_decision(
    eng: Engagement, decision: PairDecision, *, progress: Progress | None = None
) -> PairDecision:
    """Store (or replace) a decision on a pair; both ids must be records of the engagement.

    A typed operation: the CLI (``workbench decide``) and the Duplicates tab call it.
    """
    a, b = sorted((decision.crm_id_a.strip(), decision.crm_id_b.strip()))
    if not a or a == b:
        raise WorkbenchError("A decision needs two different CRM ids.")
    table = "accounts" if decision.entity == "accounts" else "contacts"
    known = {
        row[0]
        for row in eng.conn.execute(f"SELECT crm_id FROM {table} WHERE crm_id IN (?, ?)", (a, b))
    }
    missing = [x for x in (a, b) if x not in known]
    if missing:
        raise WorkbenchError(f"No {table[:-1]} has the CRM id {missing[0]}.")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO duplicate_decisions (entity, crm_id_a, crm_id_b, same, decided_by, note, "
            "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity, crm_id_a, crm_id_b) "
            "DO UPDATE SET same = excluded.same, decided_by = excluded.decided_by, "
            "note = excluded.note, decided_at = excluded.decided_at",
            (decision.entity, a, b, int(decision.same), decision.decided_by, decision.note,
             now_iso()),
        )  # fmt: skip
    return PairDecision(a, b, decision.same, decision.decided_by, decision.note, decision.entity)


def load_decisions(eng: Engagement, entity: str = "accounts") -> pd.DataFrame:
    """Decisions as a frame: crm_id_a, crm_id_b, same (0/1)."""
    try:
        rows = eng.conn.execute(
            "SELECT crm_id_a, crm_id_b, same FROM duplicate_decisions WHERE entity = ?", (entity,)
        ).fetchall()
    except Exception:  # an engagement from before the table existed (read-only)
        rows = []
    return pd.DataFrame(rows, columns=["crm_id_a", "crm_id_b", "same"])


def account_extra(eng: Engagement) -> pd.DataFrame:
    """crm_id and the unmapped export columns (JSON) of every account: city, phone, parent."""
    return pd.read_sql_query("SELECT crm_id, extra FROM accounts", eng.conn)
