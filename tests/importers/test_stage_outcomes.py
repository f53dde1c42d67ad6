"""Closed and won read from the stage when an export has no such columns (issue 12 item 3):
the org's stage list (Salesforce OpportunityStage, HubSpot stage metadata), else the
stage names' usual meanings, with a note; a stage sheet corrects the reading."""

from __future__ import annotations

from workbench.importers import import_file

REPORT = (
    "Opportunity ID,Opportunity Name,Stage,Amount,Close Date\n"
    "0061,A,Closed Won,100,1/15/2024\n"
    "0062,B,Closed Lost,200,1/16/2024\n"
    "0063,C,Prospecting,300,1/17/2024\n"
    "0064,D,Closed,400,1/18/2024\n"
    "0065,E,Signed Contract,500,1/19/2024\n"
    "0066,F,Deal Abandoned,600,1/20/2024\n"
)


def flags(eng) -> list[tuple]:
    return eng.conn.execute(
        "SELECT crm_id, stage, is_closed, is_won FROM opportunities ORDER BY crm_id"
    ).fetchall()


def test_stage_names_give_closed_and_won_with_a_note(new_engagement, tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(REPORT, encoding="utf-8")
    result = import_file(new_engagement, path)
    assert flags(new_engagement) == [
        ("0061", "Closed Won", 1, 1),
        ("0062", "Closed Lost", 1, 0),
        ("0063", "Prospecting", 0, 0),
        ("0064", "Closed", None, None),  # won or lost? the name does not say
        ("0065", "Signed Contract", 1, 1),
        ("0066", "Deal Abandoned", 0, 0),  # an unusual word: read as open, and said so
    ]
    note = next(n for n in result.notes if "read from the stage" in n)
    assert (
        "from the stage name: Closed Lost (lost), Closed Won (won), Deal Abandoned (open), "
        "Prospecting (open), Signed Contract (won)" in note
    )
    assert "not readable, left blank: Closed (" in note


SF_STAGES = (
    "Id,ApiName,MasterLabel,IsActive,IsClosed,IsWon,SortOrder,DefaultProbability,"
    "ForecastCategoryName\n"
    "01J1,Prospecting,Prospecting,true,false,false,1,10,Pipeline\n"
    "01J2,Closed,Closed,true,true,true,2,100,Closed\n"
    "01J3,Deal Abandoned,Deal Abandoned,true,true,false,3,0,Omitted\n"
    "01J4,Closed Won,Closed Won,true,true,true,4,100,Closed\n"
    "01J5,Closed Lost,Closed Lost,true,true,false,5,0,Omitted\n"
    "01J6,Signed Contract,Signed Contract,true,true,true,6,100,Closed\n"
)


def test_salesforce_stage_list_decides_before_and_after_the_deals(new_engagement, tmp_path):
    deals = tmp_path / "report.csv"
    deals.write_text(REPORT, encoding="utf-8")
    stages = tmp_path / "OpportunityStage.csv"
    stages.write_text(SF_STAGES, encoding="utf-8")
    import_file(new_engagement, deals)
    listed = import_file(new_engagement, stages)
    assert (listed.entity, listed.rows_imported) == ("pipeline_stages", 6)
    expected = [
        ("0061", "Closed Won", 1, 1),
        ("0062", "Closed Lost", 1, 0),
        ("0063", "Prospecting", 0, 0),
        ("0064", "Closed", 1, 1),
        ("0065", "Signed Contract", 1, 1),
        ("0066", "Deal Abandoned", 1, 0),
    ]
    assert flags(new_engagement) == expected
    again = import_file(new_engagement, deals)  # deals imported after the stage list
    assert flags(new_engagement) == expected
    note = next(n for n in again.notes if "read from the stage" in n)
    assert "from the imported stage list: Closed (won), Closed Lost (lost)" in note
    assert "from the stage name" not in note


def test_hubspot_stage_metadata_and_internal_ids(new_engagement, tmp_path):
    stages = tmp_path / "deal_pipeline_stages.csv"
    stages.write_text(
        "stage_id,label,pipeline_id,metadata.isClosed,metadata.probability,display_order\n"
        "appointmentscheduled,Appointment Scheduled,default,false,0.2,0\n"
        "contractsent,Contract Sent,default,false,0.9,1\n"
        "closedwon,Closed Won,default,true,1.0,2\n"
        "closedlost,Closed Lost,default,true,0.0,3\n",
        encoding="utf-8",
    )
    assert import_file(new_engagement, stages).entity == "pipeline_stages"
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Record ID,Deal Name,Deal Stage,Amount\n1,A,closedwon,10\n2,B,contractsent,20\n"
        "3,C,closedlost,30\n",
        encoding="utf-8",
    )
    import_file(new_engagement, deals)
    assert flags(new_engagement) == [
        ("1", "Closed Won", 1, 1),
        ("2", "Contract Sent", 0, 0),
        ("3", "Closed Lost", 1, 0),
    ]


def test_a_stage_sheet_corrects_the_reading(new_engagement, tmp_path):
    deals = tmp_path / "report.csv"
    deals.write_text(REPORT, encoding="utf-8")
    import_file(new_engagement, deals)
    sheet = tmp_path / "stage meanings.csv"
    sheet.write_text("Stage,Closed,Won\nClosed,yes,no\nDeal Abandoned,yes,no\n", encoding="utf-8")
    fixed = import_file(new_engagement, sheet, entity="pipeline_stages")
    assert fixed.rows_imported == 2
    assert [r[2:] for r in flags(new_engagement)] == [
        (1, 1),
        (1, 0),
        (0, 0),
        (1, 0),  # Closed: lost, as the consultant says
        (1, 1),
        (1, 0),  # Deal Abandoned: lost
    ]


def test_a_deal_whose_stage_moved_takes_the_new_reading(new_engagement, tmp_path):
    path = tmp_path / "report.csv"
    path.write_text(REPORT, encoding="utf-8")
    import_file(new_engagement, path)
    path.write_text(REPORT.replace("C,Prospecting", "C,Closed Won"), encoding="utf-8")
    import_file(new_engagement, path)
    assert flags(new_engagement)[2] == ("0063", "Closed Won", 1, 1)


def test_export_flags_are_kept_when_present(new_engagement, tmp_path):
    path = tmp_path / "api.csv"
    path.write_text(
        "Id,Name,StageName,IsClosed,IsWon\n0061,A,Closed Won,false,false\n", encoding="utf-8"
    )
    result = import_file(new_engagement, path)
    assert flags(new_engagement) == [("0061", "Closed Won", 0, 0)]
    assert not any("read from the stage" in n for n in result.notes)
