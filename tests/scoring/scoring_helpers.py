"""Builders for small hand-made engagements in the scoring tests."""

from __future__ import annotations

from datetime import date

import pandas as pd

from workbench.models import Engagement


def add_opp(
    eng: Engagement,
    crm_id: str,
    *,
    created: str,
    close: str,
    closed: bool = False,
    won: bool | None = None,
    stage: str = "Proposal",
    amount: float = 1000.0,
    next_step: str | None = "Call",
    extra: str | None = None,
    last_activity: str | None = None,
) -> None:
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO opportunities (crm_id, name, stage, amount, close_date, created_date, "
            "is_closed, is_won, next_step, extra, last_activity_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                crm_id,
                f"Deal {crm_id}",
                stage,
                amount,
                close,
                created,
                int(closed),
                None if won is None else int(won),
                next_step,
                extra,
                last_activity,
            ),
        )


def add_history(eng: Engagement, opp: str, at: str, **values: object) -> None:
    with eng.atomic() as conn:
        n = conn.execute("SELECT count(*) FROM opportunity_history").fetchone()[0]
        cols = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.execute(
            f"INSERT INTO opportunity_history (crm_id, opportunity_crm_id, changed_at, {cols}) "
            f"VALUES (?, ?, ?, {marks})",
            (f"H{n + 1}", opp, at + "T09:00:00", *values.values()),
        )


def add_activity(
    eng: Engagement,
    opp: str,
    day: str,
    *,
    kind: str = "email",
    contact: str | None = None,
    extra: str | None = None,
) -> None:
    with eng.atomic() as conn:
        n = conn.execute("SELECT count(*) FROM activities").fetchone()[0]
        conn.execute(
            "INSERT INTO activities (crm_id, kind, opportunity_crm_id, contact_crm_id, "
            "activity_date, extra) VALUES (?, ?, ?, ?, ?, ?)",
            (f"A{n + 1}", kind, opp, contact, day, extra),
        )


def snapshot(day: str, *opps: str) -> pd.Series:
    return pd.Series(pd.Timestamp(day), index=list(opps))


AS_OF = date(2026, 6, 30)
