"""Importing the real public exports in ../shared/data, with their real quirks."""

from __future__ import annotations

import json

from workbench.importers import detect, import_file, import_history


def one(eng, sql: str, *params):
    return eng.conn.execute(sql, params).fetchone()


def test_salesforce_sync_tool_opportunities_land_with_typed_values(new_engagement, shared_data):
    result = import_file(new_engagement, shared_data / "sf-fivetran-seeds/sf_opportunity_data.csv")
    assert (result.entity, result.profile) == ("opportunities", "salesforce-api")
    assert (result.rows_read, result.rows_imported, result.rows_rejected) == (10, 10, 0)
    row = one(
        new_engagement,
        "SELECT name, amount, close_date, created_date, probability, is_won, is_closed, "
        "currency, extra FROM opportunities WHERE crm_id = ?",
        "006q000000HddohAAB",
    )
    assert row[:8] == ("$1m deal", 24120000.0, "2018-12-19", "2018-12-19", 1000.0, 1, 1, "USD")
    extra = json.loads(row[8])
    assert extra["fiscal_year"] == "2018" and extra["_fivetran_active"] == "true"
    # probability 1000 is a real quirk of this org: kept, and said.
    assert any("probability above 100" in n for n in result.notes)
    lost = one(
        new_engagement,
        "SELECT amount, is_won, probability FROM opportunities WHERE crm_id = ?",
        "006q000000HK8jdAAD",
    )
    assert lost == (200000.0, 0, 0.0)
    blank_amount = one(
        new_engagement, "SELECT amount FROM opportunities WHERE crm_id = '006q000000HdPzpAAF'"
    )
    assert blank_amount == (None,)


def test_reimporting_the_same_export_updates_instead_of_duplicating(new_engagement, shared_data):
    source = shared_data / "sf-fivetran-seeds/sf_opportunity_data.csv"
    first = import_file(new_engagement, source)
    second = import_file(new_engagement, source)
    assert (first.rows_imported, first.rows_updated) == (10, 0)
    assert (second.rows_imported, second.rows_updated) == (0, 10)
    assert new_engagement.counts()["opportunities"] == 10
    history = import_history(new_engagement)
    assert [h.import_id for h in history] == [second.import_id, first.import_id]
    assert history[0].sha256 == history[1].sha256 and len(history[0].sha256) == 64
    assert history[0].rows_updated == 10 and history[0].finished_at


def test_salesforce_accounts_users_contacts(new_engagement, shared_data):
    base = shared_data / "sf-fivetran-seeds"
    accounts = import_file(new_engagement, base / "sf_account_data.csv")
    users = import_file(new_engagement, base / "sf_user_data.csv")
    contacts = import_file(new_engagement, base / "sf_contact_data.csv")
    assert (accounts.entity, accounts.rows_imported) == ("accounts", 10)
    assert (users.entity, users.rows_imported) == ("users", 10)
    assert (contacts.entity, contacts.rows_imported) == ("contacts", 4)
    assert one(new_engagement, "SELECT name FROM accounts WHERE crm_id = '0015500000Xyy06AAB'") == (
        "Eric's Test",
    )
    assert one(
        new_engagement, "SELECT name, is_active FROM users WHERE crm_id = '0051G000005Mx8dQAC'"
    ) == ("Eric Welsh", 1)
    assert one(
        new_engagement,
        "SELECT account_crm_id, first_name, last_name, phone FROM contacts "
        "WHERE crm_id = '0031G00000q9jPQAQ'",
    ) == ("0011G00000eM9wvQAC", "x", "G", "(555) 555-5555")


def test_salesforce_tasks_and_events_become_activities(new_engagement, shared_data):
    base = shared_data / "sf-fivetran-seeds"
    tasks = import_file(new_engagement, base / "sf_task_data.csv")
    events = import_file(new_engagement, base / "sf_event_data.csv")
    assert (tasks.entity, tasks.rows_imported, events.rows_imported) == ("activities", 10, 10)
    task = one(
        new_engagement,
        "SELECT kind, opportunity_crm_id, contact_crm_id, account_crm_id, activity_date, status "
        "FROM activities WHERE crm_id = '00T1G00003Ufap9UAB'",
    )
    assert task == (
        "task",
        "0061G00000N38JZQAZ",
        "0031G00001S3ckZQAR",
        "0011G00000jWVWoQAO",
        "2019-11-11",
        "Completed",
    )
    event = one(
        new_engagement,
        "SELECT kind, duration_min, started_at, opportunity_crm_id, account_crm_id "
        "FROM activities WHERE crm_id = '00U1G00000DEaypUAD'",
    )
    # WhatId 001... is an account, not an opportunity.
    assert event == ("event", 15.0, "2019-11-11T17:23:34", None, "0011G00000eLwuWQAS")


def test_salesforce_history_snapshots_key_rows_by_opportunity_and_time(new_engagement, shared_data):
    result = import_file(
        new_engagement, shared_data / "sf-fivetran-seeds/sf_opportunity_history_data.csv"
    )
    assert (result.entity, result.rows_imported) == ("opportunity_history", 10)
    row = one(
        new_engagement,
        "SELECT changed_at, amount, close_date FROM opportunity_history "
        "WHERE opportunity_crm_id = '006q000000HddohAAB'",
    )
    assert row == ("2019-10-17T21:10:19", 24120000.0, "2018-12-19")
    again = import_file(
        new_engagement, shared_data / "sf-fivetran-seeds/sf_opportunity_history_data.csv"
    )
    assert (again.rows_imported, again.rows_updated) == (0, 10)


def test_salesforce_report_with_bom_and_short_rows(new_engagement, shared_data):
    source = shared_data / "sf-lwc-recipes/Accounts-Contacts.csv"
    found = detect(source)
    assert (found.entity, found.profile) == ("contacts", "salesforce-report")
    assert found.columns[0] == "Account: Account Name"  # BOM removed
    contacts = import_file(new_engagement, source)
    # 14 rows: 6 name a contact; 8 are accounts without contacts (short rows).
    assert (contacts.rows_read, contacts.rows_imported, contacts.rows_rejected) == (14, 6, 8)
    assert contacts.rejects[0].row == 8
    amy = one(
        new_engagement,
        "SELECT account_crm_id, first_name, last_name, title, phone FROM contacts "
        "WHERE email = 'amy@demo.net'",
    )
    assert amy == ("Alpha Dynamics", "Amy", "Taylor", "VP of Engineering", "4152568563")
    accounts = import_file(new_engagement, source, entity="accounts")
    assert (accounts.rows_imported, accounts.rows_updated) == (10, 4)
    extra = json.loads(
        one(new_engagement, "SELECT extra FROM accounts WHERE name = 'GenePoint'")[0]
    )
    assert extra == {"Account: Type": "Customer - Direct", "Account: Phone": "7819662255"}


def test_hubspot_sync_tool_exports(new_engagement, shared_data):
    base = shared_data / "hubspot-fivetran-seeds"
    deals = import_file(new_engagement, base / "deal_data.csv")
    assert (deals.entity, deals.profile, deals.rows_imported) == ("opportunities", "hubspot", 44)
    assert any("HubSpot deal stages" in n for n in deals.notes)
    assert one(
        new_engagement,
        "SELECT owner_crm_id, created_date, name FROM opportunities WHERE crm_id = '2392872971'",
    ) == ("35252170", "2020-07-09", "3299bfc43f7022de0c9b160b8514217a")
    companies = import_file(new_engagement, base / "company_data.csv")
    assert (companies.entity, companies.rows_imported) == ("accounts", 24)
    assert one(
        new_engagement, "SELECT country, annual_revenue FROM accounts WHERE crm_id = '2182162682'"
    ) == ("United States", 10000000.0)
    contacts = import_file(new_engagement, base / "contact_data.csv")
    assert (contacts.entity, contacts.rows_imported) == ("contacts", 22)
    owners = import_file(new_engagement, base / "owner_data.csv")
    assert (owners.entity, owners.rows_imported) == ("users", 100)
    assert one(new_engagement, "SELECT email FROM users WHERE crm_id = '44023296'") == (
        "PsO4E5YPnpbcBSOq3aGKtQ==",
    )


def test_hubspot_stage_history_and_engagements(new_engagement, shared_data):
    base = shared_data / "hubspot-fivetran-seeds"
    stages = import_file(new_engagement, base / "deal_stage_data.csv")
    assert (stages.entity, stages.rows_imported) == ("opportunity_history", 14)
    assert one(
        new_engagement,
        "SELECT changed_at, stage FROM opportunity_history WHERE opportunity_crm_id = '3954699413'",
    ) == ("2021-01-07T06:49:18", "f66ca9bc5a02c2f1513ce83f0a0e117d")
    calls = import_file(new_engagement, base / "engagement_call_data.csv")
    meetings = import_file(new_engagement, base / "engagement_meeting_data.csv")
    assert (calls.rows_imported, meetings.rows_imported) == (1, 100)
    assert one(
        new_engagement, "SELECT kind, activity_date FROM activities WHERE crm_id = '19732910159'"
    ) == ("call", "2014-08-27")
    assert one(
        new_engagement,
        "SELECT kind, started_at, duration_min FROM activities WHERE crm_id = '3416212491'",
    ) == ("meeting", "2019-09-26T13:00:00", 90.0)
    roles = import_file(new_engagement, base / "deal_contact_data.csv")
    assert (roles.entity, roles.rows_imported) == ("opportunity_contact_roles", 11)
    property_history = import_file(new_engagement, base / "deal_property_history_data.csv")
    # Its property names are hashed: none is a field Workbench tracks, so all are skipped.
    assert (property_history.rows_imported, property_history.rows_skipped) == (0, 100)


def test_zoom_recordings_list_becomes_recorded_meetings(new_engagement, shared_data):
    result = import_file(
        new_engagement, shared_data / "zoom-vtt-real/zoomus_recordings__20240124.csv"
    )
    assert (result.entity, result.profile, result.rows_imported) == ("meetings", "zoom", 4)
    rows = new_engagement.conn.execute(
        "SELECT crm_id, channel, is_recorded, started_at FROM meetings ORDER BY started_at"
    ).fetchall()
    # The recurring meeting 960 8322 8914 appears twice, on two dates: two meetings.
    assert [r[0] for r in rows].count("960 8322 8914@2024-01-18T18:26:14") == 1
    assert len({r[0] for r in rows}) == 4
    assert rows[-1] == ("996 6354 4011@2024-01-24T12:25:59", "zoom", 1, "2024-01-24T12:25:59")


def test_hubspot_stage_ids_become_labels_once_pipeline_stages_are_imported(
    new_engagement, shared_data, tmp_path
):
    real = import_file(
        new_engagement, shared_data / "hubspot-fivetran-seeds/deal_pipeline_stage_data.csv"
    )
    assert (real.entity, real.rows_imported) == ("pipeline_stages", 71)
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "deal_id,property_dealname,deal_pipeline_stage_id,property_amount\n"
        "1,A,appointmentscheduled,10\n2,B,closedwon,20\n",
        encoding="utf-8",
    )
    stages = tmp_path / "deal_pipeline_stage_data.csv"
    stages.write_text(
        "stage_id,label,pipeline_id,probability,is_closed,closed_won,display_order\n"
        "appointmentscheduled,Appointment Scheduled,default,0.2,false,false,0\n"
        "closedwon,Closed Won,default,1.0,true,true,6\n",
        encoding="utf-8",
    )
    first = import_file(new_engagement, deals)
    assert any("kept as given" in n for n in first.notes)
    later = import_file(new_engagement, stages)
    assert any("now show stage labels" in n for n in later.notes)
    expected = [("1", "Appointment Scheduled", 0, 0), ("2", "Closed Won", 1, 1)]
    query = "SELECT crm_id, stage, is_closed, is_won FROM opportunities ORDER BY crm_id"
    assert new_engagement.conn.execute(query).fetchall() == expected
    again = import_file(new_engagement, deals)
    assert any("replaced by their labels" in n for n in again.notes)
    assert new_engagement.conn.execute(query).fetchall() == expected
