"""A small hand-built engagement whose every audit figure is known in advance.

Acme Corp, as of Sunday 2026-03-15, fiscal year = calendar year, so the four
baseline quarters are FY2025-Q1..Q4. The comments give the figures the tests expect.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from audits_loaders import insert_rows  # noqa: E402

STAGES = [
    {"name": "Prospecting", "probability": 10, "forecast_category": "Pipeline"},
    {"name": "Qualification", "probability": 10, "forecast_category": "Pipeline"},
    {"name": "Negotiation/Review", "probability": 90, "forecast_category": "Commit"},
    {"name": "Closed Won", "probability": 100, "forecast_category": "Closed",
     "is_closed": True, "is_won": True},
    {"name": "Closed Lost", "probability": 0, "forecast_category": "Omitted",
     "is_closed": True, "is_won": False},
]  # fmt: skip


def _opp(crm_id, owner, account, stage, amount, created, close, *, closed, won, prob,
         category, next_step=None, last_activity=None, extra=None):  # fmt: skip
    return {
        "crm_id": crm_id, "name": f"Deal {crm_id}", "owner_crm_id": owner,
        "account_crm_id": account, "stage": stage, "amount": amount, "created_date": created,
        "close_date": close, "is_closed": int(closed), "is_won": int(won), "probability": prob,
        "forecast_category": category, "next_step": next_step,
        "last_activity_date": last_activity, "pipeline": "Sales",
        "extra": json.dumps(extra or {}),
    }  # fmt: skip


def build_acme(eng) -> None:
    """Write the Acme test data into ``eng`` (see the module docstring)."""
    eng.set_setting("as_of_date", "2026-03-15")
    eng.set_setting("audits.stage_definitions", STAGES)
    insert_rows(eng, "users", [
        {"crm_id": "m1", "name": "Maggie Manager", "email": "maggie@northwind.com",
         "role": "Sales Manager", "team": "East", "segment": "SMB", "is_active": 1},
        {"crm_id": "u1", "name": "Alice", "email": "alice@northwind.com", "role": "AE",
         "manager_crm_id": "m1", "team": "East", "segment": "SMB", "is_active": 1},
        {"crm_id": "u2", "name": "Bob", "email": "bob@northwind.com", "role": "AE",
         "manager_crm_id": "m1", "team": "West", "segment": "Enterprise", "is_active": 1},
        {"crm_id": "u3", "name": "Carol", "email": "carol@northwind.com", "role": "AE",
         "team": "East", "segment": "SMB", "is_active": 0},
    ])  # fmt: skip
    insert_rows(eng, "accounts", [
        # a1/a2: one company (same name after normalising, same domain).
        {"crm_id": "a1", "name": "Acme Inc", "website": "https://www.acme.com/about",
         "industry": "Tech", "segment": "SMB", "owner_crm_id": "u1"},
        {"crm_id": "a2", "name": "ACME, Inc.", "website": "acme.com", "industry": "Tech",
         "segment": "SMB", "owner_crm_id": "u2"},
        # a3/a4: a dropped letter inside a word ("Globx"), no website on the copy.
        {"crm_id": "a3", "name": "Globex Corporation", "website": "globex.com",
         "industry": "Energy", "segment": "Enterprise", "owner_crm_id": "u2"},
        {"crm_id": "a4", "name": "Globx Corp", "industry": "Energy", "segment": "Enterprise",
         "owner_crm_id": "u2"},
        # a5/a6: two companies (a substituted letter makes another word).
        {"crm_id": "a5", "name": "Hill Medical", "website": "hillmedical.com",
         "industry": "Health", "segment": "SMB", "owner_crm_id": "u1"},
        {"crm_id": "a6", "name": "Hall Medical", "industry": "Health", "segment": "SMB",
         "owner_crm_id": "u1"},
        {"crm_id": "a7", "name": "Initech", "owner_crm_id": "u1"},
    ])  # fmt: skip
    insert_rows(eng, "contacts", [
        {"crm_id": "c1", "account_crm_id": "a1", "first_name": "John", "last_name": "Smith",
         "email": "john.smith@acme.com"},
        {"crm_id": "c2", "account_crm_id": "a1", "first_name": "John", "last_name": "Smith",
         "email": "JOHN.SMITH+crm@acme.com"},
        {"crm_id": "c3", "account_crm_id": "a3", "first_name": "Jane", "last_name": "Roe",
         "email": "jane@globex.com"},
        {"crm_id": "c4", "first_name": "Pat", "last_name": "Doe", "email": "pat@example.org"},
        {"crm_id": "c5", "account_crm_id": "a3", "first_name": "Joe", "last_name": "Bloggs",
         "email": "joe@globex.com"},
        {"crm_id": "c6", "account_crm_id": "a3", "first_name": "Ann", "last_name": "Lee",
         "email": "ann@globex.com"},
    ])  # fmt: skip
    won = {"closed": True, "won": True, "prob": 100, "category": "Closed"}
    lost = {"closed": True, "won": False, "prob": 0, "category": "Omitted"}
    insert_rows(eng, "opportunities", [
        # Closed in FY2025: won 4, lost 3; won cycles 40, 60, 90, 10 days.
        _opp("o1", "u1", "a1", "Closed Won", 10000, "2025-01-10", "2025-02-19", **won,
             extra={"Champion__c": "John"}),
        _opp("o2", "u1", "a1", "Closed Lost", 5000, "2025-01-05", "2025-03-01", **lost),
        _opp("o3", "u1", "a5", "Closed Won", 20000, "2025-04-01", "2025-05-31", **won),
        _opp("o4", "u2", "a3", "Closed Won", 50000, "2025-06-01", "2025-08-30", **won),
        _opp("o5", "u2", "a3", "Closed Lost", 30000, "2025-07-01", "2025-09-15", **lost),
        _opp("o6", "u2", "a3", "Closed Lost", 7000, "2025-08-01", "2025-11-20", **lost),
        _opp("o7", "u2", "a3", "Closed Won", None, "2025-10-01", "2025-10-11", **won),
        # Open on 2026-03-15.
        _opp("o8", "u1", "a1", "Negotiation/Review", 40000, "2025-12-01", "2026-03-01",
             closed=False, won=False, prob=90, category="Commit", next_step="",
             last_activity="2026-03-10", extra={"Champion__c": "John"}),
        _opp("o9", "u2", "a3", "Prospecting", 15000, "2026-01-01", "2026-06-30",
             closed=False, won=False, prob=10, category="Pipeline", next_step="Demo"),
        _opp("o10", "u3", "a3", "Prospecting", 9000, "2026-03-01", "2026-05-01",
             closed=False, won=False, prob=20, category="Pipeline", next_step="Call"),
        _opp("o11", "uX", "aX", "On Hold", 3000, "2026-03-10", "2026-04-30",
             closed=False, won=False, prob=50, category="Pipeline", next_step="Wait"),
        _opp("o12", "u1", "a1", "Closed Won", 8000, "2026-03-01", "2026-03-20",
             closed=False, won=False, prob=100, category="Closed", next_step="Sign"),
    ])  # fmt: skip
    insert_rows(eng, "opportunity_history", [
        # o4 was planned for Q2 (created with a 25 June close) and slipped to 30 August.
        {"opportunity_crm_id": "o4", "changed_at": "2025-06-01T09:00:00",
         "stage": "Prospecting", "close_date": "2025-06-25", "amount": 40000},
        {"opportunity_crm_id": "o4", "changed_at": "2025-06-20T09:00:00",
         "close_date": "2025-08-30"},
        {"opportunity_crm_id": "o4", "changed_at": "2025-08-30T09:00:00",
         "stage": "Closed Won", "amount": 50000},
        {"opportunity_crm_id": "o5", "changed_at": "2025-07-01T09:00:00",
         "stage": "Prospecting"},
        {"opportunity_crm_id": "o5", "changed_at": "2025-08-01T09:00:00",
         "stage": "Negotiation/Review"},
    ])  # fmt: skip
    insert_rows(eng, "opportunity_contact_roles", [
        {"crm_id": "r1", "opportunity_crm_id": "o8", "contact_crm_id": "c1"},
        {"crm_id": "r2", "opportunity_crm_id": "o9", "contact_crm_id": "c3"},
        {"crm_id": "r3", "opportunity_crm_id": "o9", "contact_crm_id": "c5"},
        {"crm_id": "r4", "opportunity_crm_id": "o9", "contact_crm_id": "c6"},
    ])  # fmt: skip
    insert_rows(eng, "activities", [
        # act1 matches recorded meeting m1; act2 matches unrecorded phone call m5; act3
        # and act6 match nothing; act4 (a task) and act5 (internal) are not counted.
        {"crm_id": "act1", "kind": "event", "owner_crm_id": "u1", "account_crm_id": "a1",
         "opportunity_crm_id": "o8", "contact_crm_id": "c2",
         "activity_date": "2026-03-12", "started_at": "2026-03-12T15:00:00"},
        {"crm_id": "act2", "kind": "call", "owner_crm_id": "u1", "account_crm_id": "a1",
         "activity_date": "2026-03-02", "started_at": "2026-03-02T10:00:00"},
        {"crm_id": "act3", "kind": "event", "owner_crm_id": "u2", "account_crm_id": "a3",
         "activity_date": "2026-02-20"},
        {"crm_id": "act4", "kind": "task", "owner_crm_id": "u2", "account_crm_id": "a3",
         "activity_date": "2026-02-21"},
        {"crm_id": "act5", "kind": "event", "owner_crm_id": "u2",
         "activity_date": "2026-02-22", "started_at": "2026-02-22T10:00:00"},
        {"crm_id": "act6", "kind": "event", "owner_crm_id": "u2", "account_crm_id": "a3",
         "activity_date": "2026-03-05", "started_at": "2026-03-05T09:00:00"},
    ])  # fmt: skip

    def meeting(crm_id, channel, host, started, recorded, *, external=1, reason=None,
                account=None, opp=None, emails=None):  # fmt: skip
        return {
            "crm_id": crm_id, "kind": "call" if channel == "phone" else "meeting",
            "channel": channel, "host_crm_id": host, "started_at": started,
            "is_recorded": recorded, "is_external": external, "skip_reason": reason,
            "account_crm_id": account, "opportunity_crm_id": opp,
            "host_email": f"{'alice' if host == 'u1' else 'bob'}@northwind.com",
            "participant_emails": emails,
        }  # fmt: skip

    insert_rows(eng, "meetings", [
        # External, in the 90 days to 2026-03-15: 10 conversations, 7 recorded.
        meeting("m1", "zoom", "u1", "2026-03-12T15:05:00", 1, account="a1", opp="o8",
                emails="alice@northwind.com; jane@globex.com; new.person@acme.com"),
        meeting("m2", "Zoom", "u1", "2026-02-02T10:00:00", 1),
        meeting("m3", "zoom", "u1", "2026-01-12T10:00:00", 1),
        meeting("m4", "zoom", "u1", "2026-01-13T10:00:00", 0, reason="customer declined consent"),
        meeting("m5", "phone", "u1", "2026-03-02T10:10:00", 0,
                reason="dialer not connected", account="a1"),
        meeting("m6", "phone", "u1", "2026-03-03T10:10:00", 0),
        meeting("m7", "teams", "u2", "2026-03-05T13:00:00", 1, account="a3"),
        meeting("m8", "teams", "u2", "2026-03-06T13:00:00", 1),
        meeting("m9", "teams", "u2", "2026-03-09T13:00:00", 1),
        meeting("m10", "teams", "u2", "2026-03-10T13:00:00", 1),
        # Internal, and one outside the window.
        meeting("m11", "zoom", "u2", "2026-03-10T09:00:00", 0, external=0),
        meeting("m12", "zoom", "u2", "2026-03-11T09:00:00", 0, external=0),
        meeting("m13", "zoom", "u1", "2025-10-01T09:00:00", 0),
    ])  # fmt: skip
    commit = "Commit"
    insert_rows(eng, "forecast_submissions", [
        # Alice FY2025-Q1: latest Commit 12,000 vs actual 10,000 -> accuracy 0.8, bias +0.2.
        {"crm_id": "f1", "period": "FY2025-Q1", "owner_crm_id": "u1", "category": commit,
         "amount": 8000, "submitted_at": "2025-01-06T09:00:00"},
        {"crm_id": "f2", "period": "FY2025-Q1", "owner_crm_id": "u1", "category": commit,
         "amount": 12000, "submitted_at": "2025-03-03T09:00:00"},
        {"crm_id": "f3", "period": "FY2025-Q1", "owner_crm_id": "u1", "category": commit,
         "amount": 99000, "submitted_at": "2025-04-15T09:00:00"},  # after the quarter
        {"crm_id": "f4", "period": "FY2025-Q1", "owner_crm_id": "u1", "category": "Best Case",
         "amount": 30000, "submitted_at": "2025-03-03T09:00:00"},
        # Maggie's roll-up for her team: actual = her reports' won (10,000) -> accuracy 0.
        {"crm_id": "f5", "period": "FY2025-Q1", "owner_crm_id": "m1", "category": commit,
         "amount": 25000, "submitted_at": "2025-03-03T09:00:00"},
        # Alice FY2025-Q2: 15,000 vs 20,000 -> 0.75, bias -0.25.
        {"crm_id": "f6", "period": "FY2025-Q2", "owner_crm_id": "u1", "category": "commit",
         "amount": 15000, "submitted_at": "2025-04-07T09:00:00"},
        # Bob FY2025-Q3: 60,000 vs 50,000 -> 0.8, bias +0.2. Q4: 0 vs 0 -> not measurable.
        {"crm_id": "f7", "period": "2025-Q3", "owner_crm_id": "u2", "category": commit,
         "amount": 60000, "submitted_at": "2025-07-07T09:00:00"},
        {"crm_id": "f8", "period": "FY2025-Q4", "owner_crm_id": "u2", "category": commit,
         "amount": 0, "submitted_at": "2025-10-06T09:00:00"},
    ])  # fmt: skip


@pytest.fixture
def acme(new_engagement):
    """The Acme engagement (open for writing) with the known data."""
    build_acme(new_engagement)
    return new_engagement
