"""Baselines filtered and split the way the customer runs the business (issue 12 item 4):
opportunity type, record type and pipeline, imported from a report and used by
``run_baselines(where=..., by=...)`` and ``workbench baselines``."""

from __future__ import annotations

import pytest

from workbench.audits.baselines import run_baselines
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.importers import import_file
from workbench.models.findings import list_findings

REPORT = (
    "Opportunity ID,Opportunity Name,Stage,Amount,Close Date,Created Date,Type,"
    "Opportunity Record Type,Pipeline\n"
    "0061,A,Closed Won,100,2025-02-10,2025-01-10,New Business,Direct,Main\n"
    "0062,B,Closed Lost,200,2025-02-11,2025-01-10,New Business,Direct,Main\n"
    "0063,C,Closed Lost,300,2025-05-12,2025-04-10,New Business,Partner,Main\n"
    "0064,D,Closed Won,400,2025-05-13,2025-04-10,Renewal,Renewal,Renewals\n"
    "0065,E,Closed Won,500,2025-08-14,2025-07-10,Renewal,Renewal,Renewals\n"
    "0066,F,Closed Lost,600,2025-11-15,2025-10-10,Renewal,Renewal,Renewals\n"
)


@pytest.fixture
def segmented(new_engagement, tmp_path):
    new_engagement.set_setting("as_of_date", "2026-01-15")
    path = tmp_path / "Closed deals.csv"
    path.write_text(REPORT, encoding="utf-8")
    assert import_file(new_engagement, path).rows_imported == 6
    return new_engagement


def test_record_type_type_and_pipeline_are_imported(segmented):
    rows = segmented.conn.execute(
        "SELECT type, record_type, pipeline FROM opportunities WHERE crm_id = '0063'"
    ).fetchall()
    assert rows == [("New Business", "Partner", "Main")]


def test_where_keeps_one_segment_and_records_no_findings(segmented):
    result = run_baselines(segmented, where={"type": "renewal"})
    total = result.row("ALL")
    assert (total.won, total.lost, total.won_amount) == (2, 1, 900.0)
    assert total.forecast_accuracy is None
    assert any("opportunity type 'renewal': 3 of 6" in n for n in result.notes)
    assert list_findings(segmented) == []


def test_by_splits_every_quarter_and_the_four_quarter_totals(segmented):
    result = run_baselines(segmented, by="record_type", record=False)
    split = {r.key: (r.won, r.lost) for r in result.rows if r.scope == "record_type"
             and r.quarter == "ALL"}  # fmt: skip
    assert split == {"Direct": (1, 1), "Partner": (0, 1), "Renewal": (2, 1)}
    q2 = result.row("FY2025-Q2", "record_type", "Renewal")
    assert (q2.won, q2.lost, q2.win_rate) == (1, 0, 1.0)
    pipelines = run_baselines(segmented, by="pipeline", record=False)
    assert pipelines.row("ALL", "pipeline", "Main").win_rate == pytest.approx(1 / 3)


def test_unknown_field_or_value_is_a_plain_error(segmented):
    with pytest.raises(WorkbenchError, match="cannot be filtered or split by 'region'"):
        run_baselines(segmented, by="region")
    with pytest.raises(WorkbenchError) as info:
        run_baselines(segmented, where={"pipeline": "Upsell"})
    assert str(info.value) == "No deal has pipeline 'Upsell'; the values are: Main, Renewals."


def test_cli_baselines_where_and_by(segmented, capsys):
    path = str(segmented.path)
    segmented.close()
    assert main(["baselines", path, "--where", "pipeline=Main", "--by", "record_type"]) == 0
    out = capsys.readouterr().out
    assert "ALL        win rate 33.3% (1/3)" in out
    assert "Partner" in out and "note: Only the deals with pipeline 'Main': 3 of 6." in out
    with pytest.raises(SystemExit) as info:
        main(["baselines", path, "--where", "pipeline"])
    assert info.value.code == 1
    assert "is not FIELD=VALUE" in capsys.readouterr().err
