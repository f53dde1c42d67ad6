"""Weekly forecast submissions and daily platform usage.

Each AE submits Commit / Best Case / Pipeline / Omitted every Monday of the
quarter. The Commit call is the rep's real outcome for the quarter (won amount;
for the current quarter, won so far plus open Commit deals) times the rep's
forecasting habit (four reps sandbag, four over-forecast, two skip submissions)
times the quarter's optimism (committed deals that slipped out late).
Early weeks are noisier than late ones. Managers override some Commit calls,
mostly haircutting the over-forecasters.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from datetime import date, timedelta

from workbench.demodata.common import insert, sf_id, stream
from workbench.demodata.deals import Deal
from workbench.demodata.org import Rep
from workbench.models.fiscal import FiscalQuarter, fiscal_quarter, last_quarters

FORECAST_COLUMNS = (
    "crm_id",
    "period",
    "owner_crm_id",
    "category",
    "amount",
    "submitted_at",
    "manager_override_amount",
)
USAGE_COLUMNS = (
    "crm_id",
    "user_crm_id",
    "user_email",
    "day",
    "logins",
    "calls_reviewed",
    "comments",
    "dashboard_views",
)
USAGE_DAYS = 42


def forecast_quarters(as_of: date, start_month: int) -> list[FiscalQuarter]:
    """The last four complete fiscal quarters and the current one, oldest first."""
    return last_quarters(as_of, 5, start_month, include_current=True)


def build_forecasts(
    conn: sqlite3.Connection,
    seed: int,
    as_of: date,
    start_month: int,
    reps: list[Rep],
    deals: list[Deal],
) -> int:
    """Write weekly submissions per AE and quarter; return the row count."""
    rng = stream(seed, "forecasts")
    quarters = forecast_quarters(as_of, start_month)
    labels = {q.label for q in quarters}
    won: dict[tuple[str, str], float] = defaultdict(float)
    lost: dict[tuple[str, str], float] = defaultdict(float)
    open_commit: dict[tuple[str, str], float] = defaultdict(float)
    open_other: dict[tuple[str, str], float] = defaultdict(float)
    for deal in deals:
        label = fiscal_quarter(deal.close_date, start_month).label
        if label not in labels:
            continue
        key = (deal.owner.crm_id, label)
        if deal.is_closed and deal.is_won:
            won[key] += deal.amount
        elif deal.is_closed:
            lost[key] += deal.amount
        elif deal.forecast_category == "Commit":
            open_commit[key] += deal.amount
        else:
            open_other[key] += deal.amount

    rows: list[tuple] = []
    number = 0
    aes = [r for r in reps if r.carries_quota]
    # Each quarter some committed deals slip out late: the whole team's Commit calls
    # run optimistic by a quarter-specific margin (what keeps the org-level accuracy
    # believable at 70-90% even though individual biases partly cancel out).
    optimism = [rng.uniform(1.0, 1.28) for _ in quarters]
    for q_index, quarter in enumerate(quarters):
        mondays = [
            quarter.start + timedelta(days=(7 - quarter.start.weekday()) % 7 + 7 * w)
            for w in range(14)
        ]
        mondays = [m for m in mondays if m <= quarter.end and m <= as_of]
        for rep in aes:
            termination = rep.extra.get("Termination_Date__c")
            if termination and date.fromisoformat(termination) < quarter.end:
                continue
            if rep.misses_forecasts and q_index == 2:
                continue  # skipped a whole quarter
            key = (rep.crm_id, quarter.label)
            current = quarter.contains(as_of)
            truth = won[key] + (0.75 * open_commit[key] if current else 0.0)
            pipeline = won[key] + lost[key] + open_commit[key] + open_other[key]
            for week, monday in enumerate(mondays):
                if rng.random() < (0.45 if rep.misses_forecasts else 0.03):
                    continue
                late = week / max(1, len(mondays) - 1)
                noise = rng.gauss(0.0, 0.18 * (1 - 0.7 * late))
                commit = max(0.0, truth * rep.forecast_bias * optimism[q_index] * (1 + noise))
                best = commit + max(0.0, (pipeline - truth) * rng.uniform(0.15, 0.35))
                pipe = max(best, pipeline * rng.uniform(0.9, 1.1))
                omitted = pipeline * rng.uniform(0.03, 0.1)
                hour = rng.randint(15, 23)
                sent = monday + timedelta(days=1 if rng.random() < 0.1 else 0)
                stamp = f"{sent.isoformat()}T{hour:02d}:{rng.randint(0, 59):02d}:00"
                override = None
                if rep.forecast_bias > 1.3 and rng.random() < 0.5:
                    override = round(commit * rng.uniform(0.7, 0.85), -2)
                elif rng.random() < 0.08:
                    override = round(commit * rng.uniform(0.9, 1.1), -2)
                for category, amount in (
                    ("Commit", commit),
                    ("Best Case", best),
                    ("Pipeline", pipe),
                    ("Omitted", omitted),
                ):
                    number += 1
                    rows.append(
                        (
                            sf_id("0Fi", 800_000 + number),
                            quarter.label,
                            rep.crm_id,
                            category,
                            round(amount, -2),
                            stamp,
                            override if category == "Commit" else None,
                        )
                    )
    return insert(conn, "forecast_submissions", FORECAST_COLUMNS, rows)


def build_usage(conn: sqlite3.Connection, seed: int, as_of: date, reps: list[Rep]) -> int:
    """Write daily platform usage for the six weeks since go-live; return the row count."""
    rng = stream(seed, "usage")
    rows: list[tuple] = []
    number = 0
    start = as_of - timedelta(days=USAGE_DAYS)
    for rep in reps:
        if not rep.is_active:
            continue
        engaged = rng.uniform(0.55, 0.95) * (0.5 if rep.recording_factor < 0.6 else 1.0)
        for offset in range(USAGE_DAYS):
            day = start + timedelta(days=offset)
            weekend = day.weekday() >= 5
            ramp = 0.55 + 0.45 * offset / USAGE_DAYS  # adoption grows after go-live
            active = rng.random() < engaged * ramp * (0.08 if weekend else 1.0)
            if weekend and not active:
                continue
            logins = calls = comments = views = 0
            if active:
                logins = 1 + int(rng.random() < 0.4)
                if rep.carries_quota:
                    calls = _count(rng, 1.8 * rep.activity_level)
                    comments = _count(rng, 0.4)
                    views = _count(rng, 1.0 * rep.dashboard_habit)
                else:
                    calls = _count(rng, 2.5 if rep.role == "Sales Manager" else 0.8)
                    comments = _count(rng, 1.5 if rep.role == "Sales Manager" else 0.3)
                    views = _count(rng, 3.0 * rep.dashboard_habit)
            number += 1
            rows.append(
                (
                    f"U-{number:07d}",
                    rep.crm_id,
                    rep.email,
                    day.isoformat(),
                    logins,
                    calls,
                    comments,
                    views,
                )
            )
    return insert(conn, "platform_usage", USAGE_COLUMNS, rows)


def _count(rng: random.Random, mean: float) -> int:
    """A small non-negative count around ``mean`` (geometric-ish, cheap)."""
    if mean <= 0:
        return 0
    n = 0
    p = mean / (1 + mean)
    while rng.random() < p and n < 40:
        n += 1
    return n
