"""Northwind's sales organisation: VP, RevOps, six teams with managers, ~40 AEs.

Each rep carries hidden traits (skill, forecasting bias, recording discipline,
platform habits) that the other generators read so the numbers differ by rep the
way they do in a real team; only the visible columns reach the ``users`` table.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.demodata.common import PREFIX, insert, sf_id, stream
from workbench.demodata.vocab import FIRST_NAMES, LAST_NAMES, TEAM_NAMES

EMAIL_DOMAIN = "northwindrobotics.com"
QUARTERLY_QUOTA = {"Enterprise": 1_000_000.0, "Mid-Market": 600_000.0, "SMB": 350_000.0}
AES_PER_TEAM = (7, 7, 7, 7, 6, 6)  # 40 quota-carrying AEs
INACTIVE_AES = 3  # left the company; their deals were never reassigned

USER_COLUMNS = (
    "crm_id",
    "name",
    "email",
    "role",
    "title",
    "manager_crm_id",
    "team",
    "segment",
    "is_active",
    "extra",
)


@dataclass
class Rep:
    """One person in the sales org, with the hidden traits the generators use."""

    crm_id: str
    name: str
    email: str
    role: str
    title: str
    manager_crm_id: str | None
    team: str | None
    segment: str | None
    is_active: bool
    hire_date: date
    skill: float = 0.0  # shifts the rep's win odds (log-odds)
    forecast_bias: float = 1.0  # >1 over-forecasts, <1 sandbags
    recording_factor: float = 1.0  # multiplies the channel capture rate
    activity_level: float = 1.0  # how much the rep logs in the CRM
    dashboard_habit: float = 1.0  # how often the person opens dashboards
    misses_forecasts: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def carries_quota(self) -> bool:
        return self.role == "Account Executive"


def build_org(seed: int, as_of: date) -> list[Rep]:
    """The whole sales org, VP first, then RevOps, then per team the manager and AEs."""
    rng = stream(seed, "org")
    used: set[str] = set()
    counter = iter(range(1, 10_000))

    def person() -> tuple[str, str, str]:
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            if name not in used:
                used.add(name)
                local = f"{first}.{last}".lower().replace("'", "").replace("ü", "ue")
                return sf_id(PREFIX["user"], next(counter) + 7_000), name, f"{local}@{EMAIL_DOMAIN}"

    def hired(years_back: float) -> date:
        return as_of - timedelta(days=int(rng.uniform(0.3, years_back) * 365))

    reps: list[Rep] = []
    crm_id, name, email = person()
    vp = Rep(
        crm_id,
        name,
        email,
        "VP Sales",
        "VP of Sales",
        None,
        None,
        None,
        True,
        hired(6),
        dashboard_habit=1.4,
    )
    reps.append(vp)
    crm_id, name, email = person()
    reps.append(
        Rep(
            crm_id,
            name,
            email,
            "RevOps Admin",
            "Revenue Operations Manager",
            vp.crm_id,
            None,
            None,
            True,
            hired(4),
            dashboard_habit=1.8,
        )
    )

    # Fixed per-position traits make the story repeatable: who sandbags, who skips
    # recording, who never opens a dashboard. Indexes count AEs across all teams.
    low_recorders = {5, 19, 33}
    sandbaggers = {2, 11, 24, 30}
    over_forecasters = {7, 15, 27, 36}
    missers = {9, 38}
    ae_index = 0
    for team_no, ((team, segment), size) in enumerate(zip(TEAM_NAMES, AES_PER_TEAM, strict=True)):
        crm_id, name, email = person()
        manager = Rep(
            crm_id,
            name,
            email,
            "Sales Manager",
            f"{segment} Sales Manager",
            vp.crm_id,
            team,
            segment,
            True,
            hired(5),
            dashboard_habit=0.15 if team_no in (2, 5) else 1.2,
        )
        reps.append(manager)
        for _ in range(size):
            crm_id, name, email = person()
            senior = rng.random() < 0.4
            rep = Rep(
                crm_id,
                name,
                email,
                "Account Executive",
                ("Senior " if senior else "") + f"{segment} Account Executive",
                manager.crm_id,
                team,
                segment,
                True,
                hired(5 if senior else 2.5),
                skill=rng.gauss(0.25 if senior else -0.1, 0.35),
                forecast_bias=rng.uniform(0.95, 1.15),
                recording_factor=1.0,
                activity_level=rng.uniform(0.75, 1.25),
                dashboard_habit=rng.uniform(0.6, 1.3),
            )
            if ae_index in low_recorders:
                rep.recording_factor = rng.uniform(0.35, 0.5)
            if ae_index in sandbaggers:
                rep.forecast_bias = rng.uniform(0.6, 0.75)
            if ae_index in over_forecasters:
                rep.forecast_bias = rng.uniform(1.35, 1.7)
            rep.misses_forecasts = ae_index in missers
            rep.extra = {
                "Quarterly_Quota__c": QUARTERLY_QUOTA[segment],
                "Hire_Date__c": rep.hire_date.isoformat(),
            }
            reps.append(rep)
            ae_index += 1
    # Former AEs: inactive, still owning open and closed deals nobody reassigned.
    managers = [r for r in reps if r.role == "Sales Manager"]
    for i in range(INACTIVE_AES):
        manager = managers[(i * 2 + 1) % len(managers)]
        crm_id, name, email = person()
        rep = Rep(
            crm_id,
            name,
            email,
            "Account Executive",
            f"{manager.segment} Account Executive",
            manager.crm_id,
            manager.team,
            manager.segment,
            False,
            hired(3),
            skill=rng.gauss(-0.2, 0.3),
            forecast_bias=1.1,
            activity_level=0.6,
            dashboard_habit=0.0,
        )
        rep.extra = {
            "Quarterly_Quota__c": QUARTERLY_QUOTA[manager.segment or "SMB"],
            "Hire_Date__c": rep.hire_date.isoformat(),
            "Termination_Date__c": (as_of - timedelta(days=60 + 45 * i)).isoformat(),
        }
        reps.append(rep)
    return reps


def write_users(conn: sqlite3.Connection, reps: list[Rep]) -> int:
    """Insert the org into ``users``."""
    rows = [
        (
            r.crm_id,
            r.name,
            r.email,
            r.role,
            r.title,
            r.manager_crm_id,
            r.team,
            r.segment,
            int(r.is_active),
            json.dumps(r.extra) if r.extra else None,
        )
        for r in reps
    ]
    return insert(conn, "users", USER_COLUMNS, rows)
