"""Salesforce pulls through simple-salesforce against the fake org over HTTPS."""

from __future__ import annotations

import json

import pytest
from tests.pulls.fake_salesforce import PASSWORD, TOKEN, USERNAME

from workbench.importers.pulls import credentials as C
from workbench.importers.pulls.fetched import PullError
from workbench.importers.pulls.operations import (
    SalesforcePullRequest,
    field_value_as_of,
    last_pulls,
    pull_salesforce,
)


def _connect(eng, name="salesforce"):
    conn = C.save_connection(eng, name, "salesforce", "password", username=USERNAME, domain="login")
    C.set_secrets(conn, {"password": PASSWORD, "security_token": TOKEN})
    return conn


def test_password_pull_lands_like_an_import(new_engagement, salesforce, memory_keyring):
    eng = new_engagement
    _connect(eng)
    result = pull_salesforce(eng, SalesforcePullRequest(), session=salesforce.session)
    by = {o.object: o for o in result.objects}
    # every object the fake org has, each with rows pulled == rows the org reported
    assert set(by) == {
        "User",
        "OpportunityStage",
        "RecordType",
        "Account",
        "Contact",
        "Opportunity",
        "OpportunityContactRole",
        "OpportunityHistory",
        "OpportunityFieldHistory",
        "Task",
        "Event",
        "ForecastingItem",
    }
    for name, n in {
        "Opportunity": 5,
        "Account": 3,
        "Contact": 4,
        "User": 2,
        "Task": 3,
        "Event": 1,
        "OpportunityFieldHistory": 4,
        "OpportunityHistory": 2,
    }.items():
        assert (by[name].rows_pulled, by[name].rows_reported) == (n, n), name
    assert by["Opportunity"].method == "rest"
    assert result.mode == "full"
    c = eng.conn
    row = c.execute(
        "SELECT name, account_crm_id, stage, amount, close_date, is_won, next_step, extra "
        "FROM opportunities WHERE crm_id = '006A4'"
    ).fetchone()
    assert row[:7] == ("Deal 4", "001A2", "Closed Won", 4000.5, "2024-03-14", 1, "Call 4")
    assert json.loads(row[7])["Champion__c"] == "Champion 4"
    # custom fields found by describe are offered for mapping, with their labels
    custom = {f["name"]: f["label"] for f in by["Opportunity"].custom_fields}
    assert custom == {
        "Champion__c": "Champion",
        "Economic_Buyer__c": "Economic Buyer",
        "Metrics__c": "Metrics",
    }
    # same records table, same import record as a file import, marked as a pull
    imp = c.execute(
        "SELECT source_kind, source_name, profile, rows_read, rows_imported FROM imports "
        "WHERE id = ?",
        (by["Opportunity"].import_id,),
    ).fetchone()
    assert imp == ("pull", "salesforce (salesforce): Opportunity", "salesforce-api", 5, 5)
    assert c.execute("SELECT count(*) FROM users").fetchone()[0] == 2
    assert c.execute(
        "SELECT label, is_closed, is_won FROM pipeline_stages WHERE crm_id = '01JB'"
    ).fetchone() == ("Closed Won", 1, 1)
    assert c.execute("SELECT count(*) FROM opportunity_history").fetchone()[0] == 2
    assert c.execute(
        "SELECT kind, duration_min, opportunity_crm_id FROM activities WHERE crm_id = '00TA1'"
    ).fetchone() == ("call", 10.0, "006A1")
    assert c.execute("SELECT period, category, amount FROM forecast_submissions").fetchall() == [
        ("0260000001", "Commit", 5000.0)
    ]
    assert (
        json.loads(
            c.execute("SELECT data FROM crm_objects WHERE object = 'RecordType'").fetchone()[0]
        )["Name"]
        == "New Business"
    )
    # provenance per object: pulled vs reported
    po = c.execute(
        "SELECT rows_pulled, rows_reported, method FROM pull_objects WHERE object = 'Contact'"
    ).fetchone()
    assert po == (4, 4, "rest")
    # nextRecordsUrl paging: 5 opportunities in pages of 2 -> query + 2 query_more
    assert sum(1 for x in salesforce.calls if "/query/01gACME" in x) >= 2


def test_field_history_gives_meddic_and_next_step_as_of_a_date(
    new_engagement, salesforce, memory_keyring
):
    eng = new_engagement
    _connect(eng)
    pull_salesforce(
        eng,
        SalesforcePullRequest(objects=("Opportunity", "OpportunityFieldHistory")),
        session=salesforce.session,
    )
    assert eng.conn.execute("SELECT count(*) FROM field_history").fetchone()[0] == 4
    # next step of Deal 1: blank until Jan 6, 'Demo' until Jan 20, then 'Call 1'
    assert field_value_as_of(eng, "006A1", "NextStep", "2024-01-05T00:00:00") is None
    assert field_value_as_of(eng, "006A1", "NextStep", "2024-01-10T00:00:00") == "Demo"
    assert field_value_as_of(eng, "006A1", "NextStep", "2024-01-21T00:00:00") == "Call 1"
    assert field_value_as_of(eng, "006A1", "Champion__c", "2024-01-09T00:00:00") == "Champion 1"
    assert field_value_as_of(eng, "006A1", "Champion__c", "2024-01-07T00:00:00") is None


def test_incremental_pull_asks_only_for_changes_since_the_last(
    new_engagement, salesforce, memory_keyring
):
    eng = new_engagement
    _connect(eng)
    first = pull_salesforce(
        eng, SalesforcePullRequest(objects=("Opportunity",)), session=salesforce.session
    )
    assert first.objects[0].watermark == "2024-01-15T10:00:00.000+0000"  # Deal 5's stamp
    salesforce.records["Opportunity"][0]["Amount"] = 777.0
    salesforce.records["Opportunity"][0]["SystemModstamp"] = "2024-01-30T10:00:00.000+0000"
    second = pull_salesforce(
        eng, SalesforcePullRequest(objects=("Opportunity",)), session=salesforce.session
    )
    o = second.objects[0]
    assert second.mode == "incremental"
    assert o.since == "2024-01-15T10:00:00.000+0000"
    # >= the mark: Deal 5 again (same second) and the changed Deal 1
    assert (o.rows_pulled, o.rows_reported, o.rows_imported, o.rows_updated) == (2, 2, 0, 2)
    assert o.watermark == "2024-01-30T10:00:00.000+0000"
    assert (
        eng.conn.execute("SELECT amount FROM opportunities WHERE crm_id = '006A1'").fetchone()[0]
        == 777.0
    )
    (last,) = last_pulls(eng)
    assert (last.object, last.watermark, last.rows_pulled) == (
        "Opportunity",
        "2024-01-30T10:00:00.000+0000",
        2,
    )


def test_bulk_api_for_large_objects_and_the_count_check(new_engagement, salesforce, memory_keyring):
    eng = new_engagement
    _connect(eng)
    result = pull_salesforce(
        eng,
        SalesforcePullRequest(objects=("Opportunity",), bulk_threshold=3),
        session=salesforce.session,
    )
    o = result.objects[0]
    assert (o.method, o.rows_pulled, o.rows_reported, o.rows_imported) == ("bulk", 5, 5, 5)
    assert any(x.startswith("POST /services/data/v59.0/jobs/query") for x in salesforce.calls)
    assert eng.conn.execute(
        "SELECT amount, is_won FROM opportunities WHERE crm_id = '006A2'"
    ).fetchone() == (2000.5, 1)


def test_bulk_results_that_stop_early_are_refused(new_engagement, salesforce, memory_keyring):
    eng = new_engagement
    _connect(eng)
    salesforce.bulk_stops_early = True
    with pytest.raises(
        PullError, match="reported 5 Opportunity record.* but sent 4 through the Bulk API"
    ):
        pull_salesforce(
            eng,
            SalesforcePullRequest(objects=("Opportunity",), bulk_threshold=3),
            session=salesforce.session,
        )
    assert eng.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0
    assert eng.conn.execute("SELECT count(*) FROM pulls").fetchone()[0] == 0


def test_jwt_bearer_sign_in(new_engagement, salesforce, memory_keyring, tmp_path):
    from tests.pulls.conftest import write_rsa_key

    key_file = tmp_path / "server.key"
    salesforce.jwt_public_key = write_rsa_key(key_file)
    result = pull_salesforce(
        new_engagement,
        SalesforcePullRequest(
            username=USERNAME,
            consumer_key=salesforce.consumer_key,
            key_file=str(key_file),
            objects=("Account",),
        ),
        session=salesforce.session,
    )
    assert result.objects[0].rows_pulled == 3
    assert "POST /services/oauth2/token" in salesforce.calls
    conn = C.get_connection(new_engagement, "salesforce")
    assert (conn.auth, conn.consumer_key) == ("jwt", salesforce.consumer_key)


def test_session_id_sign_in(new_engagement, salesforce, memory_keyring):
    eng = new_engagement
    sid = salesforce._new_session()
    conn = C.save_connection(eng, "cli", "salesforce", "session", instance_url=salesforce.url)
    C.set_secrets(conn, {"session_id": sid})
    result = pull_salesforce(
        eng, SalesforcePullRequest(connection="cli", objects=("User",)), session=salesforce.session
    )
    assert result.objects[0].rows_pulled == 2
    assert not any("Soap" in x for x in salesforce.calls)  # no sign-in: the session was used


def test_too_many_custom_fields_for_a_rest_url_are_left_out_and_said(
    new_engagement, salesforce, memory_keyring, monkeypatch
):
    from workbench.importers.pulls import salesforce as S

    eng = new_engagement
    _connect(eng)
    monkeypatch.setattr(S, "MAX_SOQL", 220)  # as if the org had hundreds of custom fields
    result = pull_salesforce(
        eng,
        SalesforcePullRequest(
            objects=("Opportunity",), mapping={"Opportunity": {"next_step": "Champion__c"}}
        ),
        session=salesforce.session,
    )
    (o,) = result.objects
    assert o.notes[0].startswith(
        "2 custom fields of Opportunity were left out because the query would not fit in a "
        "URL: Economic_Buyer__c, Metrics__c."
    )
    # the mapped custom field was kept
    assert eng.conn.execute(
        "SELECT next_step FROM opportunities WHERE crm_id = '006A3'"
    ).fetchone() == ("Champion 3",)
