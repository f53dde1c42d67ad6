"""A synthetic won/lost history with behaviour that predicts the outcome.

Used by the tests, the calibration benchmark (100,000 closed deals) and the Scoring
page's preview. Each deal has a hidden risk; a risky deal tends to be pushed, cut,
single-threaded and quiet before close, and tends to be lost. The opportunity row
also carries "leaky" values a careless model would love (final stage, last activity
on the close day, next step cleared on lost deals), so tests can prove they are not
used. Deterministic for a given seed.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np

from workbench.models import Engagement

STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")


def _iso(day: date) -> str:
    return day.isoformat()


def fill_synthetic_history(
    eng: Engagement,
    *,
    n_closed: int = 1200,
    n_open: int = 150,
    as_of: date = date(2026, 11, 20),
    seed: int = 7,
    span_days: int = 720,
    with_meddic: bool = True,
) -> None:
    """Write ``n_closed`` closed and ``n_open`` open deals with history and activities."""
    rng = np.random.default_rng(seed)
    opps, hist, acts = [], [], []
    hist_id = act_id = 0
    total = n_closed + n_open
    for i in range(total):
        is_open = i >= n_closed
        risk = float(rng.normal())
        p_risk = 1 / (1 + np.exp(-1.6 * risk))
        cycle = int(rng.integers(45, 160))
        if is_open:
            created = as_of - timedelta(days=int(rng.integers(20, 150)))
            close = as_of + timedelta(days=int(rng.integers(5, 90)))
        else:
            close = as_of - timedelta(days=int(rng.integers(1, span_days)))
            created = close - timedelta(days=cycle)
        snapshot = close - timedelta(days=30) if not is_open else as_of
        lost = (not is_open) and rng.random() < 1 / (1 + np.exp(-(2.4 * risk + 0.4)))
        slipped = (not is_open) and not lost and rng.random() < 0.12 * p_risk * 2
        opp = f"OPP{i:07d}"
        amount = float(round(rng.lognormal(10, 0.6), -2))
        first_close = close - timedelta(days=75) if slipped else close
        n_push = int(rng.poisson(0.2 + 2.2 * p_risk))
        initial_close = first_close - timedelta(days=int(20 * n_push))
        hist_rows = [(created, "Prospecting", amount, initial_close)]
        # Stage progress before the snapshot.
        span = max((min(snapshot, close) - created).days - 2, 4)
        n_stages = 1 + int(rng.integers(1, 4))
        for k in range(1, n_stages):
            day = created + timedelta(days=int(span * k / n_stages))
            hist_rows.append((day, STAGES[k], None, None))
        current_close = initial_close
        for k in range(n_push):
            day = created + timedelta(days=int(span * (k + 1) / (n_push + 2)))
            current_close = current_close + timedelta(days=20)
            hist_rows.append((day, None, None, current_close))
        if rng.random() < 0.6 * p_risk:
            day = created + timedelta(days=int(span * 0.7))
            hist_rows.append((day, None, round(amount * float(rng.uniform(0.5, 0.8)), -2), None))
        if slipped:
            hist_rows.append((close - timedelta(days=5), None, None, close))
        if not is_open:
            final = "Closed Lost" if lost else "Closed Won"
            hist_rows.append((close, final, None, close))
        for day, stage, amt, cd in sorted(hist_rows, key=lambda r: r[0]):
            hist_id += 1
            hist.append(
                (
                    f"H{hist_id:08d}",
                    opp,
                    _iso(day) + "T10:00:00",
                    stage,
                    amt,
                    _iso(cd) if cd else None,
                )
            )
        # Activities: fewer contacts and a longer silence before the snapshot when risky.
        n_contacts = max(1, int(round(4.5 - 3.0 * p_risk + rng.normal(0, 0.8))))
        gap = int(rng.exponential(3 + 25 * p_risk))
        last_day = snapshot - timedelta(days=gap)
        n_acts = int(rng.integers(4, 12))
        for k in range(n_acts):
            day = created + timedelta(days=int((last_day - created).days * k / max(n_acts - 1, 1)))
            if day > last_day:
                day = last_day
            act_id += 1
            kind = ("email", "call", "meeting", "task")[k % 4]
            acts.append(
                (f"A{act_id:08d}", kind, opp, f"C{i:07d}-{k % n_contacts}", _iso(max(day, created)))
            )
        if not is_open:
            # After close: activity that only a leaky model could use.
            act_id += 1
            acts.append((f"A{act_id:08d}", "email", opp, f"C{i:07d}-9", _iso(close)))
        extra = None
        if with_meddic:
            champion = "" if (lost and rng.random() < 0.7) or rng.random() < 0.1 else "J. Smith"
            extra = json.dumps(
                {
                    "MEDDIC_Champion__c": champion,
                    "MEDDIC_Economic_Buyer__c": "CFO" if rng.random() > 0.3 else "",
                }
            )
        stage_now = (
            ("Closed Lost" if lost else "Closed Won") if not is_open else STAGES[n_stages - 1]
        )
        opps.append(
            (
                opp,
                f"Deal {i}",
                "ACC1",
                "U1",
                stage_now,
                amount,
                _iso(close),
                _iso(created),
                None if is_open else int(not lost),
                int(not is_open),
                "" if (lost or (is_open and rng.random() < 0.4 * p_risk * 2)) else "Send proposal",
                _iso(close) if not is_open else _iso(last_day),
                extra,
            )
        )
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, name, account_crm_id, owner_crm_id, stage, "
            "amount, close_date, created_date, is_won, is_closed, next_step, "
            "last_activity_date, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            opps,
        )
        conn.executemany(
            "INSERT INTO opportunity_history (crm_id, opportunity_crm_id, changed_at, stage, "
            "amount, close_date) VALUES (?, ?, ?, ?, ?, ?)",
            hist,
        )
        conn.executemany(
            "INSERT INTO activities (crm_id, kind, opportunity_crm_id, contact_crm_id, "
            "activity_date) VALUES (?, ?, ?, ?, ?)",
            acts,
        )
    eng.set_setting("as_of_date", as_of.isoformat())
