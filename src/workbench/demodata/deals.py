"""Opportunities with their history, contact roles and CRM activities.

Every deal is planned on a relative timeline (day 0 = created): stage moves,
close-date pushes, amount changes, activities. A closed deal's plan is shifted so
that it closes inside the last six fiscal quarters or the current one; an open
deal's plan is cut at the as-of date. The outcome is drawn first (from the rep's
skill and a hidden deal health) and the behaviour before the close follows from
it: deals that end up lost more often slip across quarters, lose amount, stay
single-threaded, go quiet, lack a next step and lack a champion or economic buyer.
That is what makes the scoring calibration find real signal in the demo.
"""

from __future__ import annotations

import json
import math
import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.demodata.common import PREFIX, insert, sf_id, stream, weighted
from workbench.demodata.companies import Account
from workbench.demodata.deal_details import (
    ACTIVITY_COLUMNS,
    ROLE_COLUMNS,
    meddic_fields,
    write_activities,
    write_roles,
)
from workbench.demodata.org import Rep
from workbench.demodata.vocab import (
    LEAD_SOURCES,
    NEXT_STEPS,
    OPPORTUNITY_TYPES,
    PRODUCTS,
)
from workbench.progress import Progress

# (stage, probability %, forecast category); the order is the sales process.
OPEN_STAGES = (
    ("Prospecting", 10.0, "Pipeline"),
    ("Qualification", 10.0, "Pipeline"),
    ("Needs Analysis", 20.0, "Pipeline"),
    ("Value Proposition", 50.0, "Pipeline"),
    ("Id. Decision Makers", 60.0, "Best Case"),
    ("Proposal/Price Quote", 75.0, "Best Case"),
    ("Negotiation/Review", 90.0, "Commit"),
)
WON = ("Closed Won", 100.0, "Closed")
LOST = ("Closed Lost", 0.0, "Omitted")
STAGES = (*OPEN_STAGES, WON, LOST)

CYCLE_DAYS = {"Enterprise": 122.0, "Mid-Market": 88.0, "SMB": 62.0}
MEDIAN_AMOUNT = {"Enterprise": 85_000.0, "Mid-Market": 27_000.0, "SMB": 8_500.0}
DEALS_PER_ACCOUNT = {"Enterprise": 1.0, "Mid-Market": 1.25, "SMB": 1.5}
OPEN_SHARE = 0.16
# Where lost deals die (index into OPEN_STAGES): mostly early.
LOST_AT = ((0, 0.07), (1, 0.2), (2, 0.2), (3, 0.17), (4, 0.14), (5, 0.13), (6, 0.09))
MEETING_WINDOW_DAYS = 91  # the video/dialer logs cover the last 13 weeks
OFF_LIST_STAGES = ("Verbal Commit", "On Hold", "Closed - Duplicate")

OPPORTUNITY_COLUMNS = (
    "crm_id",
    "name",
    "account_crm_id",
    "owner_crm_id",
    "stage",
    "amount",
    "currency",
    "close_date",
    "created_date",
    "probability",
    "forecast_category",
    "next_step",
    "last_activity_date",
    "is_closed",
    "is_won",
    "pipeline",
    "type",
    "lead_source",
    "extra",
)
HISTORY_COLUMNS = (
    "crm_id",
    "opportunity_crm_id",
    "changed_at",
    "stage",
    "amount",
    "close_date",
    "probability",
    "forecast_category",
    "changed_by_crm_id",
)


@dataclass
class Deal:
    """What later generators (meetings, forecasts) need to know about a deal."""

    crm_id: str
    account: Account
    owner: Rep
    segment: str
    created: date
    close_date: date
    amount: float
    is_closed: bool
    is_won: bool
    destined_win: bool
    stage: str
    forecast_category: str


@dataclass
class DealBook:
    deals: list[Deal] = field(default_factory=list)
    crm_meetings: list[tuple] = field(default_factory=list)  # event/call activities
    planted: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    meeting_since: date = date.min


@dataclass
class _Event:
    day: int
    kind: str  # stage | push | amount | activity
    value: object = None
    extra: object = None


@dataclass
class DealPlan:
    """A deal's timeline in days since its creation, before it is placed in the calendar."""

    final: int  # the day it closes (or would close)
    events: list[_Event]
    amount: float  # the amount at creation
    quiet_after: int  # no activity is logged after this day
    n_acts: int  # activities over the whole cycle
    closes: list[tuple[int, int]]  # (day of change, close day) from creation on

    def close_at(self, day: int) -> int:
        """The close day the CRM showed on ``day``."""
        value = self.closes[0][1]
        for at, close in self.closes:
            if at <= day:
                value = close
        return value


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: small lambdas only.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def build_deals(
    conn: sqlite3.Connection,
    seed: int,
    as_of: date,
    window_start: date,
    reps: list[Rep],
    accounts: list[Account],
    count: int,
    activity_target: int,
    progress: Progress,
) -> DealBook:
    """Write ``count`` opportunities and everything hanging off them, in chunks."""
    rng = stream(seed, "deals")
    aes = [r for r in reps if r.carries_quota]
    active_by_segment = {s: [r for r in aes if r.is_active and r.segment == s] for s in CYCLE_DAYS}
    terminated = {
        r.crm_id: date.fromisoformat(r.extra["Termination_Date__c"]) for r in aes if not r.is_active
    }
    by_id = {r.crm_id: r for r in reps}
    weights = [DEALS_PER_ACCOUNT[a.segment] * (0.3 if a.duplicate_of else 1.0) for a in accounts]
    chosen = rng.choices(accounts, weights=weights, k=count)
    book_since = as_of - timedelta(days=MEETING_WINDOW_DAYS)
    # Activities per deal are drawn from a rate tuned so the total lands near the target.
    activity_rate = activity_target / max(count, 1) / 8.2
    book = DealBook(meeting_since=book_since)
    book.planted = {
        "wrong_probability": [],
        "closed_not_flagged": [],
        "stage_off_list": [],
        "forecast_category_mismatch": [],
    }
    buffers: dict[str, list[tuple]] = {
        "opportunities": [],
        "opportunity_history": [],
        "opportunity_contact_roles": [],
        "activities": [],
    }
    counters = {"history": 0, "role": 0, "task": 0, "event": 0}
    span_days = (as_of - window_start).days

    def flush() -> None:
        for table, columns in (
            ("opportunities", OPPORTUNITY_COLUMNS),
            ("opportunity_history", HISTORY_COLUMNS),
            ("opportunity_contact_roles", ROLE_COLUMNS),
            ("activities", ACTIVITY_COLUMNS),
        ):
            book.rows[table] = book.rows.get(table, 0) + insert(
                conn, table, columns, buffers[table]
            )
            buffers[table] = []

    for index, account in enumerate(chosen):
        if index % 500 == 0:
            flush()
            progress.update(index / count, "Writing opportunities, history and activities")
        crm_id = sf_id(PREFIX["opportunity"], 500_000 + index)
        is_open = index % round(1 / OPEN_SHARE) == 0
        owner = by_id[account.owner_crm_id]
        if rng.random() < 0.15 or owner.segment != account.segment:
            owner = rng.choice(active_by_segment[account.segment])
        segment = account.segment
        health = rng.gauss(0.0, 1.0)
        destined_win = rng.random() < _sigmoid(-1.05 + 1.5 * health + owner.skill)
        plan = _plan(rng, segment, destined_win, owner, activity_rate)
        final = plan.final
        if is_open:
            # Open now: created some way into its plan, not yet at its close.
            age = rng.randint(3, max(4, final - 1))
            cutoff = plan.close_at(age)
            if rng.random() < (0.22 if not destined_win else 0.05) and cutoff > age:
                # Forgotten deal: its close date passed weeks ago, nobody pushed it, and
                # nothing has been logged since.
                plan.events = [e for e in plan.events if e.kind != "push" or e.day <= age]
                age = cutoff + rng.randint(8, 75)
                plan.quiet_after = min(plan.quiet_after, cutoff - rng.randint(0, 10))
            created = as_of - timedelta(days=age)
            horizon = age
        else:
            end = window_start + timedelta(days=int(span_days * math.sqrt(rng.random())))
            end = min(end, as_of - timedelta(days=1))
            created = end - timedelta(days=final)
            horizon = final
        if owner.crm_id in terminated and created > terminated[owner.crm_id]:
            owner = rng.choice(active_by_segment[segment])
        deal = _materialise(
            rng,
            crm_id,
            account,
            owner,
            segment,
            created,
            plan,
            horizon,
            is_open,
            destined_win,
            as_of,
            buffers,
            counters,
            book,
        )
        book.deals.append(deal)
    flush()
    progress.update(1.0, "Opportunities written")
    return book


def _plan(
    rng: random.Random, segment: str, won: bool, owner: Rep, activity_rate: float
) -> DealPlan:
    """A deal's timeline relative to its creation day (day 0)."""
    cycle = CYCLE_DAYS[segment] * math.exp(rng.gauss(0.0, 0.28)) * (1.0 if won else 0.85)
    planned = max(14, int(cycle * (rng.uniform(0.8, 1.0) if won else rng.uniform(0.55, 0.85))))
    pushes = min(4, _poisson(rng, 0.35 if won else 1.25))
    events: list[_Event] = []
    close = planned
    closes = [(0, close)]
    last = 1
    for _ in range(pushes):
        at = max(last + 1, close - rng.randint(-2, 12))
        close = max(close, at) + rng.randint(14, 50)
        events.append(_Event(at, "push", close))
        closes.append((at, close))
        last = at
    final = max(last + 2, close + rng.randint(-12, 2), 10)

    # Stage moves: won deals climb to Negotiation/Review; lost ones stall earlier and
    # their moves bunch into the first part of the cycle.
    top = len(OPEN_STAGES) - 1 if won else int(weighted(rng, LOST_AT))  # type: ignore[arg-type]
    visited = [i for i in range(1, top + 1) if i == top or rng.random() > 0.25]
    stretch = 0.85 if won else 0.6
    for k, stage in enumerate(visited):
        frac = (k + 1) / (len(visited) + 1) * stretch + rng.uniform(-0.04, 0.04)
        events.append(_Event(max(1, min(final - 1, int(final * frac))), "stage", stage))

    amount = MEDIAN_AMOUNT[segment] * math.exp(rng.gauss(0.0, 0.55))
    amount = max(1_000.0, round(amount, -2))
    if rng.random() < (0.1 if won else 0.32):
        events.append(_Event(int(final * rng.uniform(0.3, 0.9)), "amount", rng.uniform(0.55, 0.85)))
    elif rng.random() < (0.16 if won else 0.05):
        events.append(_Event(int(final * rng.uniform(0.3, 0.9)), "amount", rng.uniform(1.1, 1.35)))

    # Activity: won deals stay busy to the end; lost deals go quiet well before.
    quiet_gap = rng.randint(0, 8) if won else rng.randint(12, 55)
    quiet_after = max(2, final - quiet_gap)
    rate = (1.15 if won else 0.6) * owner.activity_level * activity_rate
    n_acts = max(1, _poisson(rng, min(60.0, rate * final / 7.0 * 1.0)))

    return DealPlan(final, events, amount, quiet_after, n_acts, closes)


def _materialise(
    rng: random.Random,
    crm_id: str,
    account: Account,
    owner: Rep,
    segment: str,
    created: date,
    plan: DealPlan,
    horizon: int,
    is_open: bool,
    won: bool,
    as_of: date,
    buffers: dict[str, list[tuple]],
    counters: dict[str, int],
    book: DealBook,
) -> Deal:
    final: int = plan.final
    events = sorted(
        (e for e in plan.events if e.day <= horizon and (is_open or e.day < final)),
        key=lambda e: (e.day, e.kind),
    )
    history = buffers["opportunity_history"]
    amount = plan.amount
    stage_i = 0
    close_rel = plan.close_at(0)
    seconds = rng.randrange(8 * 3600, 9 * 3600)

    def stamp(day: int, secs: int) -> str:
        when = created + timedelta(days=day)
        return f"{when.isoformat()}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"

    def add_history(
        day: int,
        stage: str | None,
        amt: float | None,
        close: int | None,
        prob: float | None,
        cat: str | None,
    ) -> None:
        nonlocal seconds, last_day
        if day != last_day:
            seconds = rng.randrange(9 * 3600, 16 * 3600)
            last_day = day
        else:
            seconds = min(seconds + rng.randint(60, 1800), 17 * 3600 - 1)
        counters["history"] += 1
        history.append(
            (
                sf_id(PREFIX["history"], 2_000_000 + counters["history"]),
                crm_id,
                stamp(day, seconds),
                stage,
                amt,
                (created + timedelta(days=close)).isoformat() if close is not None else None,
                prob,
                cat,
                owner.crm_id,
            )
        )

    last_day = 0
    counters["history"] += 1
    history.append(
        (
            sf_id(PREFIX["history"], 2_000_000 + counters["history"]),
            crm_id,
            stamp(0, seconds),
            OPEN_STAGES[0][0],
            amount,
            (created + timedelta(days=close_rel)).isoformat(),
            OPEN_STAGES[0][1],
            OPEN_STAGES[0][2],
            owner.crm_id,
        )
    )
    for event in events:
        if event.kind == "stage":
            stage_i = int(event.value)  # type: ignore[arg-type]
            name, prob, cat = OPEN_STAGES[stage_i]
            add_history(event.day, name, None, None, prob, cat)
        elif event.kind == "push":
            close_rel = int(event.value)  # type: ignore[arg-type]
            add_history(event.day, None, None, close_rel, None, None)
        elif event.kind == "amount":
            amount = max(500.0, round(amount * float(event.value), -2))  # type: ignore[arg-type]
            add_history(event.day, None, amount, None, None, None)

    if is_open:
        stage, prob, cat = OPEN_STAGES[stage_i]
        close_day = created + timedelta(days=close_rel)
        is_closed = is_won = False
    else:
        stage, prob, cat = WON if won else LOST
        close_day = created + timedelta(days=final)
        last_day = -1
        seconds = rng.randrange(16 * 3600, 17 * 3600)
        counters["history"] += 1
        history.append(
            (
                sf_id(PREFIX["history"], 2_000_000 + counters["history"]),
                crm_id,
                stamp(final, seconds),
                stage,
                None,
                close_day.isoformat(),
                prob,
                cat,
                owner.crm_id,
            )
        )
        is_closed, is_won = True, won

    contacts = write_roles(
        rng, crm_id, account, won, buffers["opportunity_contact_roles"], counters
    )
    last_activity = write_activities(
        rng,
        crm_id,
        account,
        owner,
        created,
        plan,
        horizon,
        is_open,
        won,
        contacts,
        as_of,
        buffers["activities"],
        counters,
        book.crm_meetings,
        book.meeting_since,
    )
    extra = meddic_fields(rng, won, account, contacts)

    next_step: str | None = None
    if rng.random() > (0.1 if won else 0.4):
        next_step = rng.choice(NEXT_STEPS)
        if rng.random() < 0.35:
            step_day = created + timedelta(days=min(horizon, max(0, horizon - rng.randint(0, 20))))
            next_step = f"{step_day.month}/{step_day.day} {next_step}"

    # A few records break the stage rules, as real CRMs do (for the hygiene audit).
    probability: float | None = prob
    roll = rng.random()
    if roll < 0.005:
        probability = float(rng.choice([p for p in (10, 30, 50, 70, 90) if p != prob]))
        book.planted["wrong_probability"].append(crm_id)
    elif roll < 0.008 and not is_open:
        is_closed, is_won = False, False
        book.planted["closed_not_flagged"].append(crm_id)
    elif roll < 0.011 and is_open:
        stage = rng.choice(OFF_LIST_STAGES)
        book.planted["stage_off_list"].append(crm_id)
    elif roll < 0.014 and is_open and cat != "Commit":
        cat = "Commit"
        book.planted["forecast_category_mismatch"].append(crm_id)

    product = rng.choice(PRODUCTS)
    short = account.name.split(",")[0]
    name = f"{short} - {product}" + (f" ({rng.randint(2, 40)} units)" if rng.random() < 0.4 else "")
    amount_out: float | None = (
        amount if not (is_open and stage_i == 0 and rng.random() < 0.08) else None
    )
    buffers["opportunities"].append(
        (
            crm_id,
            name,
            account.crm_id,
            owner.crm_id,
            stage,
            amount_out,
            "USD",
            close_day.isoformat(),
            created.isoformat(),
            probability,
            cat,
            next_step,
            last_activity.isoformat() if last_activity else None,
            int(is_closed),
            int(is_won),
            "Sales",
            weighted(
                rng,
                (
                    (OPPORTUNITY_TYPES[0], 0.6),
                    (OPPORTUNITY_TYPES[1], 0.25),
                    (OPPORTUNITY_TYPES[2], 0.15),
                ),
            ),
            rng.choice(LEAD_SOURCES) if rng.random() > 0.07 else None,
            json.dumps(extra),
        )
    )
    return Deal(
        crm_id,
        account,
        owner,
        segment,
        created,
        close_day,
        amount,
        is_closed,
        is_won,
        won,
        stage,
        cat,
    )


def backdate_records(conn: sqlite3.Connection) -> None:
    """Make every account and contact older than the first deal or activity that uses it.

    Accounts and contacts get their creation dates before the deals are planned; a
    CRM never holds a deal created before its account, so those dates are moved back
    (by a deterministic 15-214 days) wherever a deal or activity came first.
    """
    conn.execute("""
        UPDATE accounts SET created_at = date(first.day, '-' || (15 + accounts.id % 200) || ' days')
                                         || 'T00:00:00'
        FROM (SELECT account_crm_id, min(created_date) AS day FROM opportunities
              GROUP BY account_crm_id) AS first
        WHERE first.account_crm_id = accounts.crm_id AND accounts.created_at > first.day""")
    conn.execute("""
        UPDATE contacts SET created_at = date(first.day, '-' || (15 + contacts.id % 200) || ' days')
                                         || 'T00:00:00'
        FROM (SELECT contact_crm_id, min(day) AS day FROM (
                  SELECT r.contact_crm_id, o.created_date AS day
                  FROM opportunity_contact_roles r
                  JOIN opportunities o ON o.crm_id = r.opportunity_crm_id
                  UNION ALL
                  SELECT contact_crm_id, activity_date FROM activities
                  WHERE contact_crm_id IS NOT NULL)
              GROUP BY contact_crm_id) AS first
        WHERE first.contact_crm_id = contacts.crm_id AND contacts.created_at > first.day""")
