"""The detail hanging off each deal: contact roles, MEDDIC fields and CRM activities.

Each helper takes whether the deal is (or is destined to be) won, because the
difference between winners and losers is the signal the scoring calibration
learns: winners are multi-threaded, have their MEDDIC fields filled in and stay
busy until the close; losers are often single-threaded and go quiet.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from workbench.demodata.common import PREFIX, sf_id, weighted
from workbench.demodata.companies import Account
from workbench.demodata.org import Rep
from workbench.demodata.vocab import ACTIVITY_SUBJECTS, CONTACT_ROLES

if TYPE_CHECKING:  # deals imports this module
    from workbench.demodata.deals import DealPlan

ROLE_COLUMNS = ("crm_id", "opportunity_crm_id", "contact_crm_id", "role", "is_primary")
ACTIVITY_COLUMNS = (
    "crm_id",
    "kind",
    "subject",
    "status",
    "owner_crm_id",
    "account_crm_id",
    "opportunity_crm_id",
    "contact_crm_id",
    "activity_date",
    "started_at",
    "duration_min",
    "extra",
)


def write_roles(
    rng: random.Random,
    crm_id: str,
    account: Account,
    won: bool,
    rows: list[tuple],
    counters: dict[str, int],
) -> list[int]:
    """Contact roles: winners are multi-threaded, losers often single-threaded."""
    pool = list(range(len(account.contacts)))
    if not pool:
        return []
    weights = (0.07, 0.2, 0.33, 0.25, 0.15) if won else (0.42, 0.3, 0.18, 0.07, 0.03)
    n = rng.choices((1, 2, 3, 4, 5), weights=weights, k=1)[0]
    if rng.random() < 0.04:
        n = 0  # no contact roles at all
    picked = rng.sample(pool, min(n, len(pool)))
    for k, idx in enumerate(picked):
        counters["role"] += 1
        role = "Champion" if k == 1 else rng.choice(CONTACT_ROLES)
        rows.append(
            (
                sf_id(PREFIX["contact_role"], 700_000 + counters["role"]),
                crm_id,
                account.contacts[idx],
                role,
                int(k == 0),
            )
        )
    return picked


def meddic_fields(rng: random.Random, won: bool, account: Account, contacts: list[int]) -> dict:
    """MEDDIC custom fields as the reps filled them in (often not at all on losing deals)."""

    def filled(p_won: float, p_lost: float) -> bool:
        return rng.random() < (p_won if won else p_lost)

    names = [account.contact_names[i] for i in contacts] or account.contact_names[:1]
    extra: dict[str, object] = {}
    extra["Metrics__c"] = (
        rng.choice(
            (
                "Cut pick errors by 30%",
                "Payback under 18 months",
                "Two extra shifts without new hires",
                "Throughput +25% on line 3",
                "Reduce overtime cost $400k/yr",
            )
        )
        if filled(0.8, 0.45)
        else None
    )
    extra["Economic_Buyer__c"] = rng.choice(names) if names and filled(0.82, 0.4) else None
    extra["Decision_Criteria__c"] = (
        rng.choice(
            (
                "Integrates with WMS; safety certification",
                "TCO over 5 years; uptime SLA",
                "Payback period; ease of redeployment",
            )
        )
        if filled(0.7, 0.4)
        else None
    )
    extra["Decision_Process__c"] = (
        rng.choice(
            (
                "Ops VP sign-off, then procurement",
                "Capex committee meets monthly",
                "Pilot, then CFO approval",
            )
        )
        if filled(0.65, 0.35)
        else None
    )
    extra["Identify_Pain__c"] = (
        rng.choice(
            (
                "Labour shortage on night shift",
                "Mis-picks causing returns",
                "Injury rate on palletising",
                "Can't meet peak season volume",
            )
        )
        if filled(0.85, 0.55)
        else None
    )
    extra["Champion__c"] = (
        (names[1] if len(names) > 1 else names[0]) if names and filled(0.85, 0.38) else None
    )
    return extra


def write_activities(
    rng: random.Random,
    crm_id: str,
    account: Account,
    owner: Rep,
    created: date,
    plan: DealPlan,
    horizon: int,
    is_open: bool,
    won: bool,
    contacts: list[int],
    as_of: date,
    rows: list[tuple],
    counters: dict[str, int],
    crm_meetings: list[tuple],
    since: date,
) -> date | None:
    """Tasks, e-mails, calls and events logged against the deal; returns the last date."""
    last_day = min(horizon, plan.quiet_after) if not (is_open and won) else horizon
    if is_open and not won and rng.random() < 0.5:
        last_day = min(last_day, horizon - rng.randint(15, 70))
    last_day = max(0, last_day)
    latest: date | None = None
    n = plan.n_acts
    if is_open:
        n = max(1, round(n * min(1.0, horizon / plan.final)))
    kinds = (("email", 0.4), ("call", 0.17), ("event", 0.24), ("task", 0.19))
    for _ in range(n):
        day = rng.randint(0, last_day)
        when = created + timedelta(days=day)
        if when.weekday() >= 5:
            when -= timedelta(days=when.weekday() - 4)
        if when > as_of or when < created:
            continue
        kind = str(weighted(rng, kinds))
        contact = (
            account.contacts[rng.choice(contacts)]
            if contacts
            else (account.contacts[0] if account.contacts else None)
        )
        started = duration = None
        extra = None
        if kind in ("event", "call"):
            hour = rng.randint(13, 22)  # US-led customer base; moments are UTC
            started = f"{when.isoformat()}T{hour:02d}:{rng.choice((0, 0, 30, 15)):02d}:00"
            duration = float(
                rng.choice((30, 30, 45, 60)) if kind == "event" else rng.choice((5, 10, 15, 20, 30))
            )
        if kind == "event":
            counters["event"] += 1
            act_id = sf_id(PREFIX["event"], 4_000_000 + counters["event"])
        else:
            counters["task"] += 1
            act_id = sf_id(PREFIX["task"], 3_000_000 + counters["task"])
            extra = json.dumps(
                {"TaskSubtype": {"email": "Email", "call": "Call"}.get(kind, "Task")}
            )
        subject = rng.choice(ACTIVITY_SUBJECTS[kind])
        rows.append(
            (
                act_id,
                kind,
                subject,
                "Completed",
                owner.crm_id,
                account.crm_id,
                crm_id,
                contact,
                when.isoformat(),
                started,
                duration,
                extra,
            )
        )
        if started and when >= since:
            crm_meetings.append(
                (
                    act_id,
                    kind,
                    subject,
                    owner.crm_id,
                    account.crm_id,
                    crm_id,
                    contact,
                    started,
                    duration,
                )
            )
        latest = when if latest is None or when > latest else latest
    return latest
