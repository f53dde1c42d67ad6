"""HubSpot pulls over requests against the fake portal over HTTPS."""

from __future__ import annotations

import json

import pytest
from tests.pulls.fake_hubspot import TOKEN
from tests.pulls.tls import Reply

from workbench.importers.pulls import credentials as C
from workbench.importers.pulls import hubspot as H
from workbench.importers.pulls.fetched import PullError
from workbench.importers.pulls.operations import (
    HubSpotPullRequest,
    field_value_as_of,
    pull_hubspot,
)


@pytest.fixture
def waits(monkeypatch):
    """The back-off waits the client asked for (recorded, not slept)."""
    asked: list[float] = []
    original = H.HubSpotClient.__init__

    def init(self, *args, **kwargs):
        kwargs["wait"] = asked.append
        original(self, *args, **kwargs)

    monkeypatch.setattr(H.HubSpotClient, "__init__", init)
    return asked


def _connect(eng, base_url=None):
    conn = C.save_connection(eng, "hubspot", "hubspot", "token", base_url=base_url)
    C.set_secrets(conn, {"token": TOKEN})
    return conn


def test_pull_lands_deals_companies_contacts_owners_stages_associations(
    new_engagement, hubspot, memory_keyring, waits
):
    eng = new_engagement
    _connect(eng)
    result = pull_hubspot(eng, HubSpotPullRequest(), session=hubspot.session)
    by = {o.object: o for o in result.objects}
    assert [o.object for o in result.objects] == [
        "owners",
        "pipelines",
        "companies",
        "contacts",
        "deals",
        "deal_history",
        "associations",
    ]
    assert (by["deals"].rows_pulled, by["deals"].rows_reported) == (7, 7)
    assert (by["companies"].rows_pulled, by["contacts"].rows_pulled) == (3, 3)
    # after-cursor paging: 7 deals in pages of 3 = 3 list calls
    assert sum(1 for c in hubspot.calls if c.startswith("GET /crm/v3/objects/deals?")) == 3
    c = eng.conn
    # stage ids became labels with closed/won flags from the pipelines pulled first
    assert c.execute(
        "SELECT name, stage, is_closed, is_won, amount, close_date, account_crm_id, "
        "owner_crm_id, probability FROM opportunities WHERE crm_id = '9003'"
    ).fetchone() == ("HS Deal 3", "Closed Won", 1, 1, 1500.0, "2024-04-03", "501", "77", 100.0)
    assert (
        json.loads(
            c.execute("SELECT extra FROM opportunities WHERE crm_id = '9001'").fetchone()[0]
        )["meddic_champion"]
        == "Chris 1"
    )
    assert by["deals"].custom_fields == [
        {"name": "meddic_champion", "label": "MEDDIC Champion", "type": "string"}
    ]
    assert c.execute("SELECT crm_id, name, is_active FROM users ORDER BY crm_id").fetchall() == [
        ("77", "Ana Diaz", 1),
        ("78", "Old Rep", 0),
    ]
    assert c.execute("SELECT account_crm_id FROM contacts WHERE crm_id = '301'").fetchone() == (
        "501",
    )
    # deal 9001 has one contact inline and one more on the v4 associations endpoint
    roles = c.execute(
        "SELECT opportunity_crm_id, contact_crm_id FROM opportunity_contact_roles ORDER BY 1, 2"
    ).fetchall()
    assert ("9001", "302") in roles and ("9001", "303") in roles
    assert len(roles) == 8
    assert c.execute(
        "SELECT source_kind, source_name FROM imports WHERE id = ?", (by["deals"].import_id,)
    ).fetchone() == ("pull", "hubspot (hubspot): deals")
    # deal property history: stage changes into the opportunity history (as labels), every
    # property into the dated field history
    assert c.execute(
        "SELECT changed_at, stage FROM opportunity_history WHERE opportunity_crm_id = '9003' "
        "ORDER BY changed_at"
    ).fetchall() == [
        ("2024-01-02T09:30:00", "Appointment Scheduled"),
        ("2024-01-20T12:00:00", "Closed Won"),
    ]
    assert c.execute("SELECT count(*) FROM opportunity_history").fetchone() == (9,)  # 7 + 2 won
    assert (by["deal_history"].rows_pulled, by["deal_history"].rows_imported) == (16, 9)
    assert c.execute("SELECT count(*) FROM field_history").fetchone() == (16,)
    assert field_value_as_of(eng, "9003", "dealstage", "2024-01-15T00:00:00") == (
        "appointmentscheduled"
    )
    assert field_value_as_of(eng, "9003", "dealstage", "2024-01-21T00:00:00") == "closedwon"
    assert field_value_as_of(eng, "9005", "meddic_champion", "2024-01-09T00:00:00") is None
    assert field_value_as_of(eng, "9005", "meddic_champion", "2024-01-11T00:00:00") == "Chris 5"
    assert c.execute(
        "SELECT old_value FROM field_history WHERE record_crm_id = '9003' AND field = "
        "'dealstage' AND new_value = 'closedwon'"
    ).fetchone() == ("appointmentscheduled",)
    assert waits == []


def test_429_and_5xx_are_retried_honouring_retry_after(
    new_engagement, hubspot, memory_keyring, waits
):
    _connect(new_engagement)
    hubspot.queued["/crm/v3/objects/deals"] = [
        Reply(
            429,
            {
                "status": "error",
                "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT",
                "policyName": "SECONDLY",
            },
            {"Retry-After": "7"},
        ),
        Reply(502, b"<html>Bad gateway</html>", {"Content-Type": "text/html"}),
        Reply(503, {"status": "error", "message": "busy"}),
    ]
    result = pull_hubspot(
        new_engagement, HubSpotPullRequest(objects=("deals",)), session=hubspot.session
    )
    assert result.objects[0].rows_pulled == 7
    assert waits == [7.0, 2.0, 4.0]  # Retry-After, then exponential back-off (attempts 1, 2)


def test_rate_limit_that_never_ends_is_a_plain_error(
    new_engagement, hubspot, memory_keyring, waits
):
    _connect(new_engagement)
    hubspot.queued["/crm/v3/objects/deals"] = [
        Reply(429, {"status": "error", "message": "limit"}, {"Retry-After": "1"}) for _ in range(10)
    ]
    with pytest.raises(PullError, match="rate limit while counting deals, after 5 retries"):
        pull_hubspot(
            new_engagement, HubSpotPullRequest(objects=("deals",)), session=hubspot.session
        )
    assert len(waits) == 5
    assert new_engagement.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0


def test_count_mismatch_is_refused(new_engagement, hubspot, memory_keyring, waits):
    _connect(new_engagement)
    hubspot.search_total_delta = 12_000  # e.g. records above a cap a client did not read
    with pytest.raises(PullError, match="reported 12,007 deals but sent 7"):
        pull_hubspot(
            new_engagement, HubSpotPullRequest(objects=("deals",)), session=hubspot.session
        )


def test_base_url_for_another_data_centre(new_engagement, hubspot, memory_keyring, waits):
    # the EU data centre host; the test session routes it to the fake like any hubapi.com host
    result = None
    _connect(new_engagement, base_url="https://api-eu1.hubapi.com")
    result = pull_hubspot(
        new_engagement, HubSpotPullRequest(objects=("owners",)), session=hubspot.session
    )
    assert result.objects[0].rows_pulled == 2
    assert C.get_connection(new_engagement, "hubspot").base_url == "https://api-eu1.hubapi.com"


def test_incremental_pull_splits_search_windows_under_the_cap(
    new_engagement, hubspot, memory_keyring, waits, monkeypatch
):
    eng = new_engagement
    _connect(eng)
    first = pull_hubspot(eng, HubSpotPullRequest(objects=("deals",)), session=hubspot.session)
    (deals, _) = first.objects
    assert (first.mode, deals.method, deals.watermark) == (
        "full",
        "list",
        "2024-02-07T00:00:00.000Z",
    )
    # two deals change after the mark; the search cap is scaled down to 1 result so that
    # every window holding more than one change must be split
    monkeypatch.setattr(H, "SEARCH_CAP", 1)
    hubspot.search_cap = 1
    for deal, day, amount in (
        (hubspot.deals[1], "03-01", "4242"),
        (hubspot.deals[2], "03-02", "99"),
    ):
        deal["properties"].update(hs_lastmodifieddate=f"2024-{day}T08:00:00.000Z", amount=amount)
    second = pull_hubspot(eng, HubSpotPullRequest(objects=("deals",)), session=hubspot.session)
    (deals, history) = second.objects
    assert (second.mode, deals.method, deals.since) == (
        "incremental",
        "search",
        "2024-02-07T00:00:00.000Z",
    )
    # deal 7 (at the mark itself) and the two changed deals; nothing else
    assert (deals.rows_pulled, deals.rows_reported, deals.rows_updated) == (3, 3, 3)
    assert deals.watermark == "2024-03-02T08:00:00.000Z"
    windows = [w for w in hubspot.searches if w[2] <= 1]
    assert sum(n for _, _, n in windows) >= 3 and any(n > 1 for _, _, n in hubspot.searches)
    c = eng.conn
    assert c.execute(
        "SELECT crm_id, amount FROM opportunities WHERE crm_id IN ('9002', '9003') ORDER BY crm_id"
    ).fetchall() == [("9002", 4242.0), ("9003", 99.0)]
    assert c.execute(
        "SELECT account_crm_id FROM opportunities WHERE crm_id = '9003'"
    ).fetchone() == ("501",)  # associations of changed deals come from the v4 batch endpoint
    assert c.execute("SELECT count(*) FROM opportunities").fetchone() == (7,)
    # --full ignores the marks
    third = pull_hubspot(
        eng, HubSpotPullRequest(objects=("deals",), full=True), session=hubspot.session
    )
    assert (third.mode, third.objects[0].rows_pulled) == ("full", 7)


def test_more_changes_in_one_millisecond_than_the_cap_is_a_plain_error(
    new_engagement, hubspot, memory_keyring, waits, monkeypatch
):
    eng = new_engagement
    _connect(eng)
    pull_hubspot(eng, HubSpotPullRequest(objects=("deals",)), session=hubspot.session)
    monkeypatch.setattr(H, "SEARCH_CAP", 1)
    hubspot.search_cap = 1
    for deal in hubspot.deals[:2]:
        deal["properties"]["hs_lastmodifieddate"] = "2024-03-01T08:00:00.000Z"
    with pytest.raises(
        PullError, match="More than 1 HubSpot deals changed in the same millisecond"
    ):
        pull_hubspot(eng, HubSpotPullRequest(objects=("deals",)), session=hubspot.session)
