"""Forecast submissions, platform usage, contact roles and field-history layouts."""

from __future__ import annotations

from pathlib import Path

from workbench.importers import detect, import_file


def rows(eng, sql: str) -> list[tuple]:
    return eng.conn.execute(sql).fetchall()


def test_forecast_submissions_without_ids(new_engagement, tmp_path: Path):
    path = tmp_path / "forecast_calls.csv"
    path.write_text(
        "Period,Owner,Category,Amount,Submitted At,Manager Override\n"
        'FY2026-Q1,Dana Scully,Commit,"$250,000",2026-01-09 17:00,"$240,000"\n'
        'FY2026-Q1,Dana Scully,Best Case,"$400,000",2026-01-09 17:00,\n'
        "FY2026-Q1,Fox Mulder,Commit,120000,2026-01-09 16:30,\n"
        "FY2026-Q1,,Commit,5,2026-01-09 16:30,\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.entity, result.rows_imported, result.rows_rejected) == (
        "forecast_submissions",
        3,
        1,
    )
    assert result.rejects[0].row == 5 and "owner" in result.rejects[0].reason
    assert rows(
        new_engagement,
        "SELECT period, owner_crm_id, category, amount, submitted_at, "
        "manager_override_amount FROM forecast_submissions ORDER BY amount",
    ) == [
        ("FY2026-Q1", "Fox Mulder", "Commit", 120000.0, "2026-01-09T16:30:00", None),
        ("FY2026-Q1", "Dana Scully", "Commit", 250000.0, "2026-01-09T17:00:00", 240000.0),
        ("FY2026-Q1", "Dana Scully", "Best Case", 400000.0, "2026-01-09T17:00:00", None),
    ]
    again = import_file(new_engagement, path)
    assert (again.rows_imported, again.rows_updated) == (0, 3)


def test_platform_usage(new_engagement, tmp_path: Path):
    path = tmp_path / "usage.csv"
    path.write_text(
        "User Email,Date,Logins,Calls Reviewed,Comments,Dashboard Views\n"
        "Dana@Example.com,2026-02-02,3,5,1,7\n"
        "fox@example.com,2026-02-02,0,0,0,0\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.entity, result.rows_imported) == ("platform_usage", 2)
    assert rows(
        new_engagement,
        "SELECT crm_id, user_email, day, logins, calls_reviewed, "
        "comments, dashboard_views FROM platform_usage ORDER BY user_email",
    ) == [
        ("dana@example.com | 2026-02-02", "dana@example.com", "2026-02-02", 3, 5, 1, 7),
        ("fox@example.com | 2026-02-02", "fox@example.com", "2026-02-02", 0, 0, 0, 0),
    ]


def test_salesforce_contact_roles(new_engagement, tmp_path: Path):
    path = tmp_path / "OpportunityContactRole.csv"
    path.write_text(
        "Id,OpportunityId,ContactId,Role,IsPrimary\n"
        "00K1,0061,0031,Economic Buyer,true\n00K2,0061,0032,Champion,false\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.entity, result.rows_imported) == ("opportunity_contact_roles", 2)
    assert rows(
        new_engagement,
        "SELECT crm_id, opportunity_crm_id, contact_crm_id, role, "
        "is_primary FROM opportunity_contact_roles ORDER BY crm_id",
    ) == [("00K1", "0061", "0031", "Economic Buyer", 1), ("00K2", "0061", "0032", "Champion", 0)]


def test_salesforce_field_history_sets_the_changed_column(new_engagement, tmp_path: Path):
    path = tmp_path / "OpportunityFieldHistory.csv"
    path.write_text(
        "Id,OpportunityId,CreatedDate,CreatedById,Field,OldValue,NewValue\n"
        "017A,0061,2024-01-05T10:00:00.000+0000,0051,StageName,Prospecting,Qualification\n"
        "017B,0061,2024-02-01T09:00:00.000+0000,0051,Amount,1000,2500\n"
        "017C,0061,2024-02-03T09:00:00.000+0000,0051,CloseDate,2024-03-31,2024-06-30\n"
        "017D,0061,2024-02-04T09:00:00.000+0000,0051,Description,a,b\n"
        "017E,0061,2024-02-05T09:00:00.000+0000,0051,Amount,2500,a lot\n",
        encoding="utf-8",
    )
    found = detect(path)
    assert found.entity == "opportunity_history"
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_skipped, result.rows_rejected) == (3, 1, 1)
    assert result.rejects[0].row == 6 and result.rejects[0].column == "NewValue"
    assert rows(
        new_engagement,
        "SELECT crm_id, changed_at, stage, amount, close_date, "
        "changed_by_crm_id FROM opportunity_history ORDER BY changed_at",
    ) == [
        ("017A", "2024-01-05T10:00:00", "Qualification", None, None, "0051"),
        ("017B", "2024-02-01T09:00:00", None, 2500.0, None, "0051"),
        ("017C", "2024-02-03T09:00:00", None, None, "2024-06-30", "0051"),
    ]


def test_hubspot_ui_export_of_deals(new_engagement, tmp_path: Path):
    path = tmp_path / "hubspot-crm-exports-all-deals-2024-03-20.csv"
    path.write_text(
        "Record ID,Deal Name,Deal Stage,Close Date,Amount,Deal owner,Pipeline,Create Date,"
        "Associated Company IDs (Primary),Associated Contact IDs,Deal Type,Deal probability\n"
        "9001,Robot cell,Contract Sent,2024-04-30 17:00,50000,Dana Scully,Sales Pipeline,"
        "2024-01-02 09:15,7001,8001;8002,newbusiness,0.6\n"
        "9002,Spares,Closed Won,2024-02-29 10:00,,Fox Mulder,Sales Pipeline,2024-01-05 11:00,"
        "7002,,existingbusiness,1\n",
        encoding="utf-8",
    )
    found = detect(path)
    assert (found.entity, found.profile) == ("opportunities", "hubspot")
    assert found.unmapped_columns == ["Associated Contact IDs"]
    result = import_file(new_engagement, path)
    assert result.rows_imported == 2
    assert rows(new_engagement, "SELECT probability FROM opportunities ORDER BY crm_id") == [
        (60.0,),
        (100.0,),
    ]
    assert rows(
        new_engagement,
        "SELECT crm_id, name, stage, close_date, amount, owner_crm_id, "
        "pipeline, created_date, account_crm_id, type, extra FROM opportunities "
        "ORDER BY crm_id",
    ) == [
        (
            "9001",
            "Robot cell",
            "Contract Sent",
            "2024-04-30",
            50000.0,
            "Dana Scully",
            "Sales Pipeline",
            "2024-01-02",
            "7001",
            "newbusiness",
            '{"Associated Contact IDs":"8001;8002"}',
        ),
        (
            "9002",
            "Spares",
            "Closed Won",
            "2024-02-29",
            None,
            "Fox Mulder",
            "Sales Pipeline",
            "2024-01-05",
            "7002",
            "existingbusiness",
            None,
        ),
    ]
