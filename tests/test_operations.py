"""The capabilities' operations: a bad request is one plain sentence and changes nothing;
the field-mapping workbook shows an import's mapping the right way round."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from workbench.audits import operations as audits
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.evaluation import operations as evaluation
from workbench.importers import operations as importers
from workbench.lifecycle import operations as lifecycle
from workbench.models import Engagement
from workbench.scoring import operations as scoring

DATA = Path(__file__).parent / "data" / "import"


def _snapshot(eng: Engagement) -> str:
    """Every row of every table, hashed: equal before and after means unchanged."""
    h = hashlib.sha256()
    tables = [
        r[0]
        for r in eng.conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    ]
    for table in tables:
        for row in eng.conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            h.update(repr(row).encode())
    return h.hexdigest()


def _refused(eng: Engagement, op, request, match: str) -> None:
    before = _snapshot(eng)
    with pytest.raises(WorkbenchError, match=match) as caught:
        op(eng, request)
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert _snapshot(eng) == before


@pytest.fixture(scope="module")
def story_demo(tmp_path_factory) -> Path:
    """The demo with its runs, findings and story (no package), built once."""
    from workbench.demo import build_demo

    out = tmp_path_factory.mktemp("story-demo")
    return Path(build_demo(out, with_package=False, with_story=True)["engagement"])


@pytest.fixture
def demo_copy(story_demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / story_demo.name
    shutil.copy2(story_demo, target)
    return target


@pytest.fixture
def demo_eng(demo_copy):
    with Engagement.open(demo_copy) as eng:
        yield eng


def test_audits_refuse_an_unknown_audit_and_an_unknown_finding(demo_eng) -> None:
    _refused(demo_eng, audits.run_audits_op, audits.RunAudits(["pipeline"]), "no audit called")
    _refused(
        demo_eng,
        audits.set_finding_status,
        audits.SetFindingStatus(999_999, "CONFIRMED"),
        "no finding number 999999",
    )
    finding = demo_eng.conn.execute("SELECT id FROM findings LIMIT 1").fetchone()[0]
    _refused(
        demo_eng,
        audits.set_finding_status,
        audits.SetFindingStatus(finding, "CORRECTED"),
        "correction needs a note",
    )


def test_scoring_refuses_bad_horizon_version_and_rule(demo_eng) -> None:
    _refused(
        demo_eng, scoring.calibrate_rules, scoring.CalibrateRequest(horizon_days=0), "horizon of 0"
    )
    _refused(demo_eng, scoring.score, scoring.ScoreRequest(version=99), "version 99 does not exist")
    _refused(
        demo_eng,
        scoring.edit_rules,
        scoring.EditRules("Alex", "test", [scoring.RuleChange("weather", ">", 1, 5)]),
        "no risk signal called 'weather'",
    )
    _refused(
        demo_eng,
        scoring.edit_rules,
        scoring.EditRules("Alex", "test", bands=(70, 30)),
        "do not fit 0-100 in order",
    )


def test_evaluation_refuses_a_second_evaluation_a_bad_option_and_bad_draws(demo_eng) -> None:
    _refused(
        demo_eng,
        evaluation.start_evaluation,
        evaluation.StartEvaluation("revenue-intelligence"),
        "already has a platform evaluation",
    )
    _refused(
        demo_eng,
        evaluation.add_vendor,
        evaluation.AddVendor("Avoma", "triple"),
        "Platform option 'triple' is not",
    )
    _refused(demo_eng, evaluation.analyse, evaluation.Analyse(draws=5), "5 Monte Carlo draws")
    _refused(
        demo_eng,
        evaluation.edit_evaluation,
        evaluation.SetScore("Gong", "Nonexistent criterion", 4, "Alex Morgan"),
        "Nonexistent criterion",
    )


def test_lifecycle_refuses_unknown_fields_and_items(demo_eng) -> None:
    _refused(
        demo_eng,
        lifecycle.change,
        lifecycle.ChecklistChange("1a.kickoff", {"colour": "red"}),
        "colour cannot be changed here",
    )
    _refused(
        demo_eng,
        lifecycle.change,
        lifecycle.FindingStatus(999_999, "CONFIRMED"),
        "no finding number 999999",
    )


def test_importers_refuse_a_missing_file(demo_eng, tmp_path: Path) -> None:
    _refused(
        demo_eng,
        importers.import_data,
        importers.ImportRequest(tmp_path / "nope.csv"),
        "is not a file that can be read",
    )


def test_the_cli_prints_the_operations_error_and_exits_1(demo_copy, capsys) -> None:
    with pytest.raises(SystemExit) as code:
        main(["calibrate", str(demo_copy), "--horizon", "0"])
    assert code.value.code == 1
    assert capsys.readouterr().err.startswith("error: A horizon of 0 days is not usable")
    with pytest.raises(SystemExit) as code:
        main(["evaluate", str(demo_copy), "--add-vendor", "Avoma=triple"])
    assert code.value.code == 1
    assert "error: Platform option 'triple' is not" in capsys.readouterr().err


def test_a_finding_status_change_is_undone_and_redone_with_its_label(demo_eng) -> None:
    from workbench.models.undo import stack_for

    row = demo_eng.conn.execute(
        "SELECT id, status FROM findings WHERE status = 'ASSUMED' LIMIT 1"
    ).fetchone()
    lifecycle.change(demo_eng, lifecycle.FindingStatus(row[0], "CONFIRMED", "agreed"))
    stack = stack_for(demo_eng)
    assert stack.undo_label.startswith("Undo Confirmed finding: ")
    status = "SELECT status FROM findings WHERE id = ?"
    assert demo_eng.conn.execute(status, (row[0],)).fetchone()[0] == "CONFIRMED"
    assert lifecycle.undo(demo_eng).startswith("Confirmed finding: ")
    assert demo_eng.conn.execute(status, (row[0],)).fetchone()[0] == "ASSUMED"
    lifecycle.redo(demo_eng)
    assert demo_eng.conn.execute(status, (row[0],)).fetchone()[0] == "CONFIRMED"


def test_field_mapping_workbook_shows_crm_column_then_workbench_field(
    new_engagement, tmp_path: Path
) -> None:
    from workbench.reports.package import build_package

    source = tmp_path / "opportunities.csv"
    shutil.copy(DATA / "sf_classic_report_footer.csv", source)
    done = importers.import_data(
        new_engagement, importers.ImportRequest(source, entity="opportunities")
    )
    assert done.rows_imported > 0
    mapping = importers.mapping_rows(new_engagement).rows
    by_field = {m.workbench_field: m.crm_column for m in mapping}
    assert by_field["crm_id"] == "Opportunity ID" and by_field["stage"] == "Stage"
    result = build_package(new_engagement, tmp_path / "out", only=["field-mapping"])
    path = next(f.path for f in result.files if f.document == "field-mapping")
    wb = openpyxl.load_workbook(path)
    rows = list(wb["Import mappings"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Entity")
    assert rows[header][1:3] == ("Salesforce column", "Field")
    body = {r[2]: r for r in rows[header + 1 :] if r[0]}
    assert body["CRM record ID"][1] == "Opportunity ID"
    assert body["Amount"][1] == "Amount"
    assert body["CRM record ID"][4] == "opportunities.csv"
    core = list(wb["Core fields"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(core) if r[0] == "Object")
    status = {(r[0], r[1]): r[7] for r in core[start + 1 :] if r[0]}
    opp = next(k[0] for k in status if k[1] == "CRM record ID")
    assert status[(opp, "CRM record ID")] == "Mapped in an import"
    assert status[(opp, "Stage")] == "Mapped in an import"
    # a field no import mapped is not claimed to be mapped
    assert status[(opp, "Next step")] != "Mapped in an import"


def _cli_json(capsys, *argv: str) -> dict:
    import json

    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_an_older_stored_run_is_shown_by_its_number(demo_copy, capsys) -> None:
    """Capture runs before and after the Google Meet calls are removed: `--run N`
    shows the first run's figures (now stale), the latest shows the second's."""
    file = str(demo_copy)
    first = _cli_json(capsys, "audit", file, "capture", "--json")["capture"]
    meet = next(g for g in first["by_channel"] if g["key"] == "meet")
    with Engagement.open(demo_copy) as eng, eng.atomic() as conn:
        conn.execute("DELETE FROM meetings WHERE channel = 'meet'")
    second = _cli_json(capsys, "audit", file, "capture", "--json")["capture"]
    assert second["total"] == first["total"] - meet["total"]
    assert second["recorded"] == first["recorded"] - meet["recorded"]
    old_id, new_id = first["run"]["id"], second["run"]["id"]
    shown = _cli_json(capsys, "audit", file, "--run", str(old_id), "--json")
    assert list(shown) == ["capture"]  # the run's own audit, found from its number
    old = shown["capture"]
    assert (old["total"], old["recorded"], old["rate"]) == (
        first["total"], first["recorded"], first["rate"]
    )  # fmt: skip
    assert old["run"]["id"] == old_id and old["run"]["stale"] is True
    latest = _cli_json(capsys, "audit", file, "capture", "--latest", "--json")["capture"]
    assert latest["total"] == second["total"] and latest["run"]["stale"] is False
    # The text output names the run shown.
    assert main(["audit", file, "capture", "--run", str(old_id)]) == 0
    out = capsys.readouterr().out
    assert f"run #{old_id} of " in out and "the data changed since" in out
    assert f"of {first['total']:,} conversations" in out
    # `workbench runs` lists both, newest first, the older one stale.
    runs = _cli_json(capsys, "runs", file, "--kind", "capture", "--json")["runs"]
    assert [r["id"] for r in runs][:2] == [new_id, old_id]
    assert [r["stale"] for r in runs][:2] == [False, True]
    assert {r["title"] for r in runs} == {"Capture gap analysis"}
    with Engagement.open(demo_copy) as eng:
        stored = [
            r[0]
            for r in eng.conn.execute(
                "SELECT id FROM runs WHERE kind = 'audit:capture' ORDER BY id DESC"
            )
        ]
    assert [r["id"] for r in runs] == stored
    assert main(["runs", file]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["run", "kind", "title"]
    row = next(line for line in table if line.strip().startswith(f"#{old_id} "))
    assert "audit:capture" in row and "Capture gap analysis" in row and "stale:" in row


def test_score_and_calibrate_show_a_stored_run_by_number(demo_copy, capsys) -> None:
    file = str(demo_copy)
    scored = _cli_json(capsys, "score", file, "--json")
    shown = _cli_json(capsys, "score", file, "--run", str(scored["run"]["id"]), "--json")
    assert shown["counts"] == scored["counts"] and shown["amounts"] == scored["amounts"]
    assert shown["run"]["id"] == scored["run"]["id"] and shown["n_open"] == scored["n_open"]
    calibrated = _cli_json(capsys, "calibrate", file, "--json")
    again = _cli_json(capsys, "calibrate", file, "--run", str(calibrated["run"]["id"]), "--json")
    assert again["summary"] == calibrated["summary"] and again["run"] == calibrated["run"]


def test_a_run_number_that_is_not_stored_names_the_ones_that_are(demo_copy, capsys) -> None:
    file = str(demo_copy)
    capture = _cli_json(capsys, "audit", file, "capture", "--json")["capture"]["run"]["id"]
    scoring = _cli_json(capsys, "score", file, "--json")["run"]["id"]
    with Engagement.open(demo_copy) as eng:
        captures = [
            r[0]
            for r in eng.conn.execute(
                "SELECT id FROM runs WHERE kind = 'audit:capture' ORDER BY id DESC"
            )
        ]
    assert captures[0] == capture
    # A scoring run asked for as a capture run: what it is, and the capture runs stored.
    with pytest.raises(SystemExit) as code:
        main(["audit", file, "capture", "--run", str(scoring)])
    assert code.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: There is no stored audit:capture run number {scoring} ")
    assert f"(run #{scoring} is the Open pipeline risk scores, kind scoring)" in err
    assert "the stored ones are " + ", ".join(f"#{i}" for i in captures) in err
    # Without an audit named, the run's own kind must be an audit's.
    with pytest.raises(SystemExit):
        main(["audit", file, "--run", str(scoring)])
    assert f"Run #{scoring} is the Open pipeline risk scores (kind scoring), not an audit's" in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit):
        main(["score", file, "--run", "999999"])
    err = capsys.readouterr().err
    assert "no stored scoring run number 999999;" in err and f"#{scoring}" in err
    with pytest.raises(SystemExit):
        main(["runs", file, "--kind", "weather"])
    assert "no kind of run called 'weather'" in capsys.readouterr().err
