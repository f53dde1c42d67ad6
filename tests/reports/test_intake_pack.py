"""The Intake Pack and its workbook, and the workbook's way back (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench import lifecycle
from workbench.errors import WorkbenchError
from workbench.lifecycle import intake_pack, store
from workbench.lifecycle.intake_roundtrip import IntakeImport, import_intake
from workbench.lifecycle.operations import undo
from workbench.reports.package import build_package

from .conftest import docx_text


def _built(result, fmt: str) -> Path:
    return next(f.path for f in result.files if f.document == "intake-pack" and f.format == fmt)


def _fill(path: Path, sheet: str, answers: dict[str, tuple[str, str]], out: Path) -> Path:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = next(
        r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in ("Section", "Topic")
    )
    cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(header + 1, ws.max_row + 1):
        ref = ws.cell(r, cols["Reference"]).value
        if ref in answers:
            ws.cell(r, cols["Your answer"]).value, ws.cell(r, cols["Answered by"]).value = answers[
                ref
            ]
    wb.save(out)
    return out


def test_pack_is_prefilled_from_the_engagement(engagement, tmp_path) -> None:
    lifecycle.set_intake(engagement, "crm", "Salesforce", status="ASSUMED")
    lifecycle.set_intake(engagement, "dialer", "Aircall")
    lifecycle.set_intake(engagement, "team_sizes", "reps=4, managers=1")
    result = build_package(engagement, tmp_path / "out", only=["intake-pack"])
    text = docx_text(_built(result, "docx"))
    # the form: pre-filled answers with their status
    assert "Salesforce" in text and "To confirm" in text
    # roster from the CRM users (3 Account Executives in team East) beside the intake's 4
    roster = intake_pack.roster(engagement)
    assert roster.counts["reps"] == 3 and roster.stated["reps"] == 4
    assert [(t.team, t.reps) for t in roster.teams] == [("East", 3)]
    assert "check" in text
    # compliance: California is all-party; the four jurisdictions of the fixture
    assert "California" in text and "all-party" in text
    # access checklist: the dialer named on the intake form gets its own row
    systems = [a.system for a in intake_pack.access_checklist(engagement)]
    assert systems[:1] == ["Salesforce"] and "Aircall" in systems
    # questions: the exports the fixture lacks (no forecast submissions, no quotas), not meetings
    keys = {q.key for q in intake_pack.questions(engagement)}
    assert {"data:forecast_submissions", "data:quotas", "intake:consent_review"} <= keys
    assert "data:meetings" not in keys and "data:opportunities" not in keys
    assert "intake:crm" in keys  # critical and still ASSUMED
    for word in ("team_sizes", "(s)", "consent_review"):
        assert word not in text


def test_multiple_choice_answers_have_a_drop_down(engagement, tmp_path) -> None:
    result = build_package(engagement, tmp_path / "out", only=["intake-pack"])
    ws = load_workbook(_built(result, "xlsx"))["Intake form"]
    row = {ws.cell(r, 7).value: r for r in range(1, ws.max_row + 1)}
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"E{row['methodology']}"] == '"MEDDIC,MEDDPICC,BANT,SPICED,custom"'
    assert lists[f"E{row['consent_review']}"] == '"not started,in review,approved,rejected"'
    assert f"E{row['competitors']}" not in lists  # a free list, no drop-down


def test_empty_engagement_still_builds_and_says_who_provides(new_engagement, tmp_path) -> None:
    result = build_package(new_engagement, tmp_path / "out", only=["intake-pack"])
    text = docx_text(_built(result, "docx"))
    assert "Not yet available: Intake answers" in text
    assert "Not yet available: Team roster" in text and "RevOps exports the CRM users" in text
    built = next(f for f in result.files if f.document == "intake-pack" and f.format == "docx")
    assert built.status == "DRAFT"
    index = docx_text(next(f.path for f in result.files if f.document == "index"))
    assert "Intake Pack" in index and "Team roster" in index


def test_workbook_round_trip_confirms_with_source(engagement, tmp_path) -> None:
    lifecycle.set_intake(engagement, "crm", "Salesforce", status="ASSUMED")
    result = build_package(engagement, tmp_path / "out", only=["intake-pack"])
    xlsx = _built(result, "xlsx")
    filled = _fill(
        xlsx,
        "Intake form",
        {"crm": ("Salesforce", "Dana Lee"), "team_sizes": ("reps 5, managers 1", "")},
        tmp_path / "filled.xlsx",
    )
    filled = _fill(filled, "Questions", {"compliance:retention": ("24 months", "Legal")}, filled)
    preview = import_intake(engagement, IntakeImport(filled))
    assert not preview.applied
    by_ref = {a.reference: a for a in preview.answers}
    assert set(by_ref) == {"intake:crm", "intake:team_sizes", "compliance:retention"}
    assert not by_ref["intake:crm"].changed and by_ref["intake:crm"].status_before == "ASSUMED"
    assert by_ref["intake:team_sizes"].after == "reps 5, managers 1"
    assert store.intake_item(engagement, "crm").status == "ASSUMED"  # preview wrote nothing

    done = import_intake(engagement, IntakeImport(filled, apply=True))
    assert done.applied
    crm = store.intake_item(engagement, "crm")
    assert crm.status == "CONFIRMED" and "answered by Dana Lee" in crm.source
    assert "filled.xlsx" in crm.source
    sizes = store.intake_item(engagement, "team_sizes")
    assert sizes.value == {"reps": 5, "managers": 1} and sizes.status == "CONFIRMED"
    assert intake_pack.stored_answers(engagement)["compliance:retention"]["answer"] == "24 months"
    ticked = next(c for c in lifecycle.checklist(engagement) if c.key == "1a-intake-form")
    assert ticked.status == "done" and ticked.note == "returned as filled.xlsx"
    again = import_intake(engagement, IntakeImport(filled))
    assert again.answers == [] and again.unchanged == 3
    # one undo step takes the whole import back
    assert undo(engagement).startswith("Import intake workbook")
    assert store.intake_item(engagement, "crm").status == "ASSUMED"
    assert store.intake_item(engagement, "team_sizes").value is None
    assert intake_pack.stored_answers(engagement) == {}
    assert (
        next(c for c in lifecycle.checklist(engagement) if c.key == "1a-intake-form").status
        == "todo"
    )


def test_bad_answer_names_file_row_column_value_and_writes_nothing(engagement, tmp_path) -> None:
    result = build_package(engagement, tmp_path / "out", only=["intake-pack"])
    filled = _fill(
        _built(result, "xlsx"),
        "Intake form",
        {"crm": ("HubSpot", ""), "methodology": ("Sandler", "")},
        tmp_path / "bad.xlsx",
    )
    with pytest.raises(WorkbenchError) as err:
        import_intake(engagement, IntakeImport(filled, apply=True))
    message = str(err.value)
    row = next(
        r
        for r, values in enumerate(
            load_workbook(filled)["Intake form"].iter_rows(values_only=True), 1
        )
        if values[-1] == "methodology"
    )
    assert f"bad.xlsx, sheet Intake form, row {row}, column Your answer: 'Sandler'" in message
    assert store.intake_item(engagement, "crm").value is None  # the good row was not kept either


def test_intake_import_command(engagement, tmp_path, capsys) -> None:
    from workbench.cli import main

    result = build_package(engagement, tmp_path / "out", only=["intake-pack"])
    filled = _fill(
        _built(result, "xlsx"), "Intake form", {"crm": ("HubSpot", "Dana")}, tmp_path / "f.xlsx"
    )
    path = str(engagement.path)
    engagement.close()
    assert main(["intake-import", path, str(filled)]) == 0
    assert "Would record 1 answers" in capsys.readouterr().out
    assert main(["intake-import", path, str(filled), "--apply"]) == 0
    assert "Recorded 1 answers" in capsys.readouterr().out
    with pytest.raises(SystemExit) as code:
        main(["intake-import", path, str(tmp_path / "nope.xlsx")])
    assert code.value.code == 1
    assert "does not exist" in capsys.readouterr().err
