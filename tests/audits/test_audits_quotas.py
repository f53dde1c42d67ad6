"""Quotas (issue 12 item 5): a quota sheet per rep and period, attainment per rep,
team and quarter, and pipeline coverage (pipeline forecast to close in the quarter /
quota; for the quarter in progress: open pipeline / quota not yet won)."""

from __future__ import annotations

import pytest
from audits_loaders import insert_rows

from workbench.audits.baselines import run_baselines
from workbench.importers import import_file

Q3, Q4 = "FY2025-Q3", "FY2025-Q4"


@pytest.fixture
def team(new_engagement):
    new_engagement.set_setting("as_of_date", "2026-02-15")
    insert_rows(new_engagement, "users", [
        {"crm_id": "005A", "name": "Ann Lee", "email": "ann@acme.com", "team": "East"},
        {"crm_id": "005B", "name": "Ben Ode", "email": "ben@acme.com", "team": "East"},
        {"crm_id": "005C", "name": "Cy Park", "email": "cy@acme.com", "team": "West"},
    ])  # fmt: skip

    def deal(crm_id, owner, created, close, amount, *, closed=True, won=True):
        return {"crm_id": crm_id, "owner_crm_id": owner, "stage": "x", "amount": amount,
                "created_date": created, "close_date": close, "is_closed": int(closed),
                "is_won": int(won)}  # fmt: skip

    insert_rows(new_engagement, "opportunities", [
        deal("d1", "005A", "2025-09-01", "2025-11-10", 600),  # Ann won 600 in Q4
        deal("d2", "005A", "2025-09-01", "2025-12-10", 400, won=False),  # Ann lost 400
        deal("d3", "005B", "2025-09-01", "2025-10-20", 300),  # Ben won 300 in Q4
        deal("d4", "005C", "2025-06-01", "2025-08-15", 900),  # Cy won 900 in Q3
        # The quarter in progress (FY2026-Q1): Ann won 200, 1,500 open closing in it.
        deal("d5", "005A", "2025-12-01", "2026-01-20", 200),
        deal("d6", "005A", "2025-12-01", "2026-03-20", 1000, closed=False, won=False),
        deal("d7", "005C", "2025-12-01", "2026-02-28", 500, closed=False, won=False),
    ])  # fmt: skip
    return new_engagement


def test_quota_sheet_names_reps_by_name_email_or_id_and_rejects_unknown_ones(team, tmp_path):
    sheet = tmp_path / "Quotas FY2025.csv"
    sheet.write_text(
        "Rep,Period,Quota\n"
        "Ann Lee,FY2025-Q4,1000\n"
        "ben@acme.com,2025-Q4,500\n"
        "005C,Q3 2025,1000\n"
        "Dee Unknown,FY2025-Q4,800\n"
        "Ann Lee,next year,100\n"
        "Ann Lee,2026-01,400\n"
        "Ann Lee,2026-02,400\n"
        "Cy Park,2026-01-01,1200\n",
        encoding="utf-8",
    )
    result = import_file(team, sheet)
    assert (result.entity, result.rows_imported, result.rows_rejected) == ("quotas", 6, 2)
    assert [(r.row, r.column, r.value) for r in result.rejects] == [
        (5, "Rep", "Dee Unknown"),
        (6, "Period", "next year"),
    ]
    assert "no user 'Dee Unknown' in the engagement" in result.rejects[0].reason
    assert team.conn.execute(
        "SELECT owner_crm_id, period, amount FROM quotas ORDER BY id"
    ).fetchall() == [
        ("005A", "FY2025-Q4", 1000.0), ("005B", "2025-Q4", 500.0), ("005C", "Q3 2025", 1000.0),
        ("005A", "2026-01", 400.0), ("005A", "2026-02", 400.0), ("005C", "2026-01-01", 1200.0),
    ]  # fmt: skip

    result = run_baselines(team, record=False)
    ann = result.row(Q4, "owner", "005A")
    assert (ann.quota, ann.attainment) == (1000.0, 0.6)
    assert result.row(Q4, "owner", "005B").attainment == 0.6  # 300 / 500
    east = result.row(Q4, "team", "East")
    assert (east.quota, east.attainment) == (1500.0, 0.6)  # (600 + 300) / 1,500
    total = result.row(Q4)
    assert total.attainment == pytest.approx(900 / 1500)
    # Coverage of Q4 as of its start: d1, d2 and d3 were open with a Q4 close date.
    assert total.coverage == pytest.approx((600 + 400 + 300) / 1500)
    assert result.row(Q3).attainment == pytest.approx(0.9)  # Cy: 900 / 1,000
    four = result.row("ALL")
    assert four.attainment == pytest.approx((900 + 900) / 2500)
    # The quarter in progress: quota 400 + 400 + 1,200, won 200, open 1,500.
    assert result.coverage_now == {
        "quarter": "FY2026-Q1", "quota": 2000.0, "won": 200.0, "remaining_quota": 1800.0,
        "open_pipeline": 1500.0, "coverage": pytest.approx(1500 / 1800),
    }  # fmt: skip
    assert result.quota["by_quarter"][Q4]["attainment"] == pytest.approx(0.6)


def test_without_quotas_there_is_no_attainment(team):
    result = run_baselines(team, record=False)
    assert result.row(Q4).attainment is None and result.coverage_now == {}


def test_dashboard_specifications_say_whether_quotas_and_which_calendar(team, tmp_path):
    from docx import Document

    from workbench.reports.package import build_package

    def quotas_line(folder):
        result = build_package(team, folder, only=["dashboard-specs"])
        path = next(f.path for f in result.files if f.document == "dashboard-specs")
        doc = Document(str(path))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return cells[cells.index("Quotas") + 1], cells[cells.index("Fiscal calendar") + 1]

    quotas, calendar = quotas_line(tmp_path / "before")
    assert quotas.startswith("not yet imported: a quota sheet (Rep, Period, Quota)")
    assert calendar == "calendar quarters, the fiscal year starting in January"
    sheet = tmp_path / "quota.csv"
    sheet.write_text("Rep,Period,Quota\nAnn Lee,FY2025-Q4,1000\nCy Park,FY2025-Q4,900\n", "utf-8")
    import_file(team, sheet)
    team.set_setting("fiscal_calendar", {"pattern": "4-4-5"})
    quotas, calendar = quotas_line(tmp_path / "after")
    assert quotas.startswith("2 quota rows for 2 reps imported")
    assert calendar.startswith("4-4-5 weeks per quarter, the fiscal year starting on the Sunday")
