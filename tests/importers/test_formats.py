"""Every encoding and layout customers' admins really export."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from workbench.errors import WorkbenchError
from workbench.importers import detect, import_file, import_rejects

REPORT_HEADER = [
    "Opportunity ID",
    "Opportunity Name",
    "Account Name",
    "Stage",
    "Close Date",
    "Amount",
    "Opportunity Owner",
]


def rows_of(eng, sql: str) -> list[tuple]:
    return eng.conn.execute(sql).fetchall()


def test_utf16_tab_delimited_report_export(new_engagement, tmp_path: Path):
    lines = [
        "\t".join(REPORT_HEADER),
        "0061\tRoboter für Müller\tMüller GmbH\tProspecting\t3/15/2024\t1234.5\tJürgen",
        "0062\tZweite Chance\tÖl AG\tClosed Won\t12/31/2023\t99\tJürgen",
    ]
    path = tmp_path / "export.xls.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))  # Excel "Unicode text": BOM + LE
    found = detect(path)
    assert (found.encoding, found.delimiter, found.profile) == ("utf-16", "\t", "salesforce-report")
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (2, 0)
    assert rows_of(
        new_engagement,
        "SELECT crm_id, name, account_crm_id, close_date, amount "
        "FROM opportunities ORDER BY crm_id",
    ) == [
        ("0061", "Roboter für Müller", "Müller GmbH", "2024-03-15", 1234.5),
        ("0062", "Zweite Chance", "Öl AG", "2023-12-31", 99.0),
    ]


def test_windows_1252_export_with_umlauts_and_euro(new_engagement, tmp_path: Path):
    text = (
        "Id,Name,AccountId,StageName,Amount,CloseDate\r\n"
        "006A,Müller Erweiterung,001A,Qualification,€1.234,50,2024-02-01\r\n"
    )
    # The amount is quoted because it contains the delimiter.
    text = text.replace("€1.234,50", '"€1.234,50"')
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    result = import_file(new_engagement, path)
    assert result.encoding == "cp1252"
    assert any("cp1252" in n for n in result.notes)
    assert rows_of(new_engagement, "SELECT name, amount, currency FROM opportunities") == [
        ("Müller Erweiterung", 1234.5, "EUR")
    ]


def test_semicolon_day_month_export_with_european_amounts(new_engagement, fixtures: Path):
    result = import_file(new_engagement, fixtures / "semicolon_dmy_eur.csv")
    assert (result.rows_imported, result.rows_rejected) == (3, 0)
    assert any("day/month" in n for n in result.notes)
    assert rows_of(
        new_engagement,
        "SELECT name, amount, close_date, currency FROM opportunities ORDER BY crm_id",
    ) == [
        ("Maschinenbau Nord", 1234.5, "2024-01-31", "EUR"),
        ("Lagerhalle Süd", 12000.0, "2024-02-05", "EUR"),
        ("Service 2024", 980.0, "2024-12-13", "EUR"),
    ]


def test_salesforce_classic_export_footer_is_skipped_and_counted(new_engagement, fixtures: Path):
    result = import_file(new_engagement, fixtures / "sf_classic_report_footer.csv")
    assert result.profile == "salesforce-report"
    # 3 deals; the Total row and 5 footer lines are decoration.
    assert (result.rows_imported, result.rows_rejected, result.rows_skipped) == (3, 0, 6)
    assert result.rows_read == 9
    assert rows_of(
        new_engagement,
        "SELECT crm_id, name, amount, close_date, owner_crm_id FROM opportunities ORDER BY crm_id",
    ) == [
        ("0065g00000AbCdEAAZ", "Big Robot Deal", 125000.0, "2024-03-15", "Dana Scully"),
        ("0065g00000AbCdFAAZ", "Conveyor Upgrade", 48500.0, "2023-12-01", "Fox Mulder"),
        ("0065g00000AbCdGAAZ", "Spare Parts, 2024", 9999.5, "2025-01-31", "Dana Scully"),
    ]
    assert not rows_of(new_engagement, "SELECT 1 FROM opportunities WHERE name LIKE '%Copyright%'")


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes.append(["This workbook was exported for the kickoff."])
    sheet = book.create_sheet("Pipeline")
    sheet.append(["Northwind Robotics - Open Pipeline"])
    sheet.append(["As of 2024-03-31"])
    sheet.append([])
    sheet.append(REPORT_HEADER)
    from datetime import datetime

    sheet.append(
        [
            "006X1",
            "Arm Retrofit",
            "Acme",
            "Proposal/Price Quote",
            datetime(2024, 5, 31),
            50000,
            "Dana Scully",
        ]
    )
    sheet.append(
        [
            "006X2",
            "Cell Line",
            "Globex",
            "Negotiation/Review",
            datetime(2024, 6, 15),
            72500.25,
            "Fox Mulder",
        ]
    )
    sheet.append(
        ["006X3", "Bad Date Deal", "Initech", "Prospecting", "31/02/2024", 10, "Dana Scully"]
    )
    sheet.append(["Subtotal", None, None, None, None, 122510.25, None])
    sheet.append([])
    sheet.append(["Grand Totals (3 records)", None, None, None, None, 122510.25, None])
    sheet.append(["Confidential Information - Do Not Distribute"])
    sheet.append(["Generated By: Dana Scully 4/1/2024 9:14 AM"])
    sheet.append(["Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."])
    book.save(path)
    return path


def test_xlsx_with_title_rows_totals_and_footer(new_engagement, tmp_path: Path):
    path = _xlsx(tmp_path / "pipeline.xlsx")
    found = detect(path)
    assert found.sheets == ["Read me", "Pipeline"]
    assert (found.sheet, found.header_row, found.entity) == ("Pipeline", 3, "opportunities")
    assert found.preview_rows[0][:2] == ["006X1", "Arm Retrofit"]
    assert any('"31/02/2024" is not a date' in p and "row 7" in p for p in found.problems)
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected, result.rows_skipped) == (2, 1, 5)
    assert result.rejects[0].row == 7 and result.rejects[0].column == "Close Date"
    assert result.rejects[0].value == "31/02/2024"
    assert any("title row" in n for n in result.notes)
    assert rows_of(
        new_engagement, "SELECT crm_id, close_date, amount FROM opportunities ORDER BY crm_id"
    ) == [("006X1", "2024-05-31", 50000.0), ("006X2", "2024-06-15", 72500.25)]


def test_xlsx_sheet_can_be_chosen_and_a_missing_sheet_is_named(new_engagement, tmp_path: Path):
    path = _xlsx(tmp_path / "pipeline.xlsx")
    with pytest.raises(WorkbenchError, match="no sheet named 'Deals'.*Read me, Pipeline"):
        import_file(new_engagement, path, sheet="Deals")
    result = import_file(new_engagement, path, sheet="Pipeline")
    assert result.sheet == "Pipeline" and result.rows_imported == 2


def test_header_not_on_first_row_in_csv(new_engagement, tmp_path: Path):
    path = tmp_path / "titled.csv"
    path.write_text(
        "Pipeline report\nRun 2024-04-01\n\nId,Name,StageName,CloseDate\n"
        "006Q,Quest,Prospecting,2024-07-01\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert result.rows_imported == 1
    assert rows_of(new_engagement, "SELECT crm_id, stage FROM opportunities") == [
        ("006Q", "Prospecting")
    ]


def test_values_dates_money_percent_booleans_and_placeholders(new_engagement, tmp_path: Path):
    path = tmp_path / "values.csv"
    path.write_text(
        "Id,Name,Amount,CloseDate,CreatedDate,Probability,IsWon,IsClosed,CurrencyIsoCode\n"
        '1,A,"USD 1,234.50",2024-03-01,2024-03-01T23:30:00-05:00,45%,TRUE,Yes,USD\n'
        '2,B,"$1,234",9999-12-31,3/5/2024 10:15 PM,0.5,1,no,\n'
        '3,C,"1.234,50 EUR",,2024-01-02 03:04:05,,false,0,\n'
        "4,D,(500.00),12/31/2024,,100,yes,true,GBP\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (4, 0)
    assert any("placeholder" in n for n in result.notes)
    got = rows_of(
        new_engagement,
        "SELECT crm_id, amount, currency, close_date, created_date, "
        "probability, is_won, is_closed FROM opportunities ORDER BY crm_id",
    )
    assert got == [
        ("1", 1234.5, "USD", "2024-03-01", "2024-03-01", 45.0, 1, 1),
        ("2", 1234.0, "USD", None, "2024-03-05", 0.5, 1, 0),
        ("3", 1234.5, "EUR", None, "2024-01-02", None, 0, 0),
        ("4", -500.0, "GBP", "2024-12-31", None, 100.0, 1, 1),
    ]


def test_moments_with_zones_are_stored_in_utc(new_engagement, tmp_path: Path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "Meeting ID,Channel,Start Time,Duration (Minutes),Recorded,Skip Reason,Host Email\n"
        "m1,Zoom,2024-03-01T23:30:00-05:00,30,yes,,Dana@Example.com\n"
        "m2,Microsoft Teams,2024-03-02 08:00:00Z,45,no,consent not given,fox@example.com\n"
        "m3,Aircall,03/04/2024 14:00,12,,,\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.entity, result.rows_imported) == ("meetings", 3)
    assert rows_of(
        new_engagement,
        "SELECT crm_id, channel, started_at, duration_min, is_recorded, "
        "skip_reason, host_email FROM meetings ORDER BY crm_id",
    ) == [
        ("m1", "zoom", "2024-03-02T04:30:00", 30.0, 1, None, "dana@example.com"),
        ("m2", "teams", "2024-03-02T08:00:00", 45.0, 0, "consent not given", "fox@example.com"),
        ("m3", "phone", "2024-03-04T14:00:00", 12.0, None, None, None),
    ]


def test_ambiguous_dates_follow_the_engagement_and_are_reported(new_engagement, tmp_path: Path):
    new_engagement.update_meta(date_order="DMY")
    path = tmp_path / "ambiguous.csv"
    path.write_text("Id,Name,CloseDate\n1,A,03/04/2024\n2,B,05/06/2024\n", encoding="utf-8")
    found = detect(path, eng=new_engagement)
    assert (found.date_order, found.date_order_ambiguous) == ("DMY", True)
    result = import_file(new_engagement, path)
    assert any("ambiguous" in n for n in result.notes)
    assert rows_of(new_engagement, "SELECT close_date FROM opportunities ORDER BY crm_id") == [
        ("2024-04-03",),
        ("2024-06-05",),
    ]


def test_bad_values_are_rejected_with_row_column_value_and_reason(new_engagement, tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "Id,Name,Amount,CloseDate,NextStep\n"
        '1,Good,100,2024-01-01,"call\nthem back"\n'
        "2,Bad date,100,2024-02-31,\n"
        "3,Bad amount,lots,2024-01-01,\n"
        ",No id,5,2024-01-01,\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected, result.rows_read) == (1, 3, 4)
    stored = import_rejects(new_engagement, result.import_id)
    # Row numbers count the header as row 1 and a quoted two-line value as one row.
    assert [(r.row, r.column, r.value) for r in stored] == [
        (3, "CloseDate", "2024-02-31"),
        (4, "Amount", "lots"),
        (5, "Id", None),
    ]
    assert stored[0].reason == '"2024-02-31" is not a date'
    assert "not an amount" in stored[1].reason
    assert rows_of(new_engagement, "SELECT next_step FROM opportunities") == [("call\nthem back",)]
    raw = new_engagement.conn.execute(
        "SELECT raw FROM import_rejects WHERE row_number = 4"
    ).fetchone()
    assert json.loads(raw[0])["Name"] == "Bad amount"


def test_ragged_rows_are_padded_or_rejected(new_engagement, tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text(
        "Id,Name,StageName\n1,Short\n2,Long,Prospecting,surprise\n3,Fine,Won\n\n"
        "4,After blank,Lost\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (3, 1)
    assert result.rejects[0].row == 3 and "4 values" in result.rejects[0].reason
    assert rows_of(new_engagement, "SELECT crm_id, stage FROM opportunities ORDER BY crm_id") == [
        ("1", None),
        ("3", "Won"),
        ("4", "Lost"),
    ]


def test_unknown_headers_are_refused_with_columns_and_mapping_format(new_engagement, tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("Foo,Bar,Baz\n1,2,3\n", encoding="utf-8")
    before = new_engagement.counts()
    with pytest.raises(WorkbenchError) as info:
        import_file(new_engagement, path)
    message = str(info.value)
    assert "'Foo', 'Bar', 'Baz'" in message and '"mapping": {' in message
    assert new_engagement.counts() == before


def test_report_without_id_column_keys_records_by_account_and_name(new_engagement, tmp_path):
    path = tmp_path / "no_ids.csv"
    path.write_text(
        "Opportunity Name,Account Name,Stage,Amount,Close Date\n"
        "Robot Arm,Acme,Prospecting,100,1/2/2024\n"
        "Robot Arm,Globex,Closed Won,200,1/3/2024\n",
        encoding="utf-8",
    )
    first = import_file(new_engagement, path)
    assert any("no record id column" in n for n in first.notes)
    assert rows_of(new_engagement, "SELECT crm_id, amount FROM opportunities ORDER BY crm_id") == [
        ("Acme | Robot Arm", 100.0),
        ("Globex | Robot Arm", 200.0),
    ]
    path.write_text(path.read_text(encoding="utf-8").replace("100", "150"), encoding="utf-8")
    second = import_file(new_engagement, path)
    assert (second.rows_imported, second.rows_updated) == (0, 2)
    assert rows_of(new_engagement, "SELECT amount FROM opportunities ORDER BY crm_id") == [
        (150.0,),
        (200.0,),
    ]
