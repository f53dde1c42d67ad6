"""What the intake pack asks, by project kind, and refusals of a workbook that does not fit."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from workbench import lifecycle
from workbench.errors import WorkbenchError
from workbench.lifecycle.intake_pack import access_checklist, questions, role_group, roster
from workbench.lifecycle.intake_roundtrip import IntakeImport, import_intake


def test_role_groups() -> None:
    assert role_group("Account Executive") == "reps"
    assert role_group("SDR") == "reps"
    assert role_group("Sales Manager") == "managers"
    assert role_group("VP Sales") == "executives"
    assert role_group("RevOps Admin") == "revops"
    assert role_group(None) == "reps"


def test_questions_follow_the_project_kind(new_engagement, ci_engagement) -> None:
    ri = {q.key for q in questions(new_engagement)}
    ci = {q.key for q in questions(ci_engagement)}
    # revenue intelligence asks for forecasts and quotas; conversation intelligence for calls
    assert {"data:forecast_submissions", "data:quotas"} <= ri and "data:transcripts" not in ri
    assert "data:transcripts" in ci and "data:quotas" not in ci
    # on a new file every critical tech-stack answer is unknown, so each is a question
    assert {"intake:crm", "intake:video_platforms", "intake:dialer", "intake:team_sizes"} <= ri
    assert "intake:selected_platform" not in ri  # left empty when the evaluation decides


def test_answers_remove_questions_and_fill_the_checklist(new_engagement) -> None:
    lifecycle.set_intake(new_engagement, "crm", "HubSpot", status="CONFIRMED")
    lifecycle.set_intake(new_engagement, "video_platforms", "Zoom, Google Meet")
    lifecycle.set_intake(new_engagement, "video_admin_access", "granted", status="CONFIRMED")
    keys = {q.key for q in questions(new_engagement)}
    assert "intake:crm" not in keys  # confirmed
    assert "intake:video_platforms" in keys  # answered but still ASSUMED and critical
    rows = {a.system: a for a in access_checklist(new_engagement)}
    assert rows["HubSpot"].status == "not requested"
    assert rows["Zoom"].status == "granted (confirmed)" and "Google Meet" in rows
    assert rows["Phone or dialer system"].blocker is False
    assert roster(new_engagement).empty


def test_a_workbook_that_is_not_the_intake_workbook_is_refused(new_engagement, tmp_path) -> None:
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(WorkbenchError, match="other.xlsx has no sheet 'Intake form'"):
        import_intake(new_engagement, IntakeImport(tmp_path / "other.xlsx"))
    (tmp_path / "text.xlsx").write_text("not a workbook")
    with pytest.raises(WorkbenchError, match="text.xlsx is not an Excel workbook"):
        import_intake(new_engagement, IntakeImport(tmp_path / "text.xlsx"))


def test_an_unknown_reference_names_its_row(new_engagement, tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Intake form"
    ws.append(["Section", "Question", "Your answer", "Answered by", "Reference"])
    ws.append(["Tech stack", "CRM", "Salesforce", "", "crm"])
    ws.append(["Other", "Budget", "100k", "", "budget"])
    wb.create_sheet("Questions").append(["Topic", "Question", "Your answer", "Reference"])
    wb.save(tmp_path / "w.xlsx")
    with pytest.raises(WorkbenchError) as err:
        import_intake(new_engagement, IntakeImport(tmp_path / "w.xlsx", apply=True))
    assert "w.xlsx, sheet Intake form, row 3, column Reference: 'budget'" in str(err.value)
    item = next(i for i in lifecycle.intake(new_engagement) if i.key == "crm")
    assert item.value is None  # row 2 was valid but nothing was written
