"""The scoring commands: score, calibrate, rules, validate-sample, recalibration."""

from __future__ import annotations

import json
import shutil

import pytest

from workbench.cli import main


@pytest.fixture
def file(synthetic_file, tmp_path):
    target = tmp_path / synthetic_file.name
    shutil.copy2(synthetic_file, target)
    return str(target)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # user and usage errors
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def test_calibrate_json_has_the_contract_keys(file, capsys, tmp_path):
    png = tmp_path / "reliability.png"
    code, out, _ = run(capsys, "calibrate", file, "--json", "--figure", str(png))
    assert code == 0
    data = json.loads(out)
    for key in (
        "auc",
        "brier",
        "n_train",
        "n_test",
        "train_until",
        "weights",
        "gate",
        "low_risk_lost_share",
        "lift",
        "reliability",
    ):
        assert key in data
    assert data["train_until"] == "2026-06-30" and data["gate"]["passed"] is True
    assert 0.5 < data["auc"] <= 1 and 0 < data["brier"] < 0.25
    assert len(data["lift"]) == 10 and len(data["reliability"]) == 10
    assert {"signal", "hand_points", "coefficient", "recommended_points"} <= set(data["weights"][0])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_calibrate_can_save_the_recommendation_as_a_version(file, capsys):
    code, _, err = run(capsys, "calibrate", file, "--save-as-version")
    assert code == 1 and "needs the author's name and a rationale" in err
    code, out, _ = run(
        capsys,
        "calibrate",
        file,
        "--save-as-version",
        "--author",
        "Alex Morgan",
        "--rationale",
        "Fitted on FY2025-FY2026 history",
    )
    assert code == 0 and "Saved as rule version 2." in out
    code, out, _ = run(capsys, "rules", file, "--json")
    versions = json.loads(out)["versions"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["author"] == "Alex Morgan" and versions[1]["source"] == "calibration"
    code, out, _ = run(capsys, "rules", file, "--diff", "1", "2")
    assert code == 0 and "bands:" in out


def test_score_json_lists_open_deals_with_reasons(file, capsys):
    code, out, _ = run(capsys, "score", file, "--json", "--top", "5")
    assert code == 0
    data = json.loads(out)
    assert data["n_open"] == 150 and len(data["deals"]) == 5
    first = data["deals"][0]
    assert first["score"] == pytest.approx(sum(r["points"] for r in first["reasons"]))
    assert {"signal", "label", "value", "rule", "points"} <= set(first["reasons"][0])
    code, out, _ = run(capsys, "score", file, "--deal", first["opportunity_crm_id"])
    assert code == 0 and first["opportunity_crm_id"] in out and "signals:" in out


def test_rules_edit_saves_a_new_version_and_refuses_bad_input(file, capsys):
    code, _, err = run(
        capsys,
        "rules",
        file,
        "--set",
        "days_since_activity",
        ">",
        "21",
        "15",
        "--author",
        "Dana",
        "--rationale",
        "Long cycles",
    )
    assert code == 0
    code, out, _ = run(capsys, "rules", file, "--show", "2", "--json")
    rule = next(
        r for r in json.loads(out)["versions"][0]["rules"] if r["signal"] == "days_since_activity"
    )
    assert rule["threshold"] == 21 and rule["points"] == 15
    code, _, err = run(
        capsys, "rules", file, "--set", "nope", ">", "1", "1", "--author", "D", "--rationale", "R"
    )
    assert code == 1 and err.startswith("error: ") and "no risk signal called 'nope'" in err


def test_validate_sample_pick_expect_and_report(file, capsys):
    code, out, _ = run(capsys, "validate-sample", file, "--pick", "10", "--json")
    assert code == 0
    rows = json.loads(out)["rows"]
    assert len(rows) == 10
    first = rows[0]
    code, out, _ = run(
        capsys,
        "validate-sample",
        file,
        "--expect",
        f"{first['opportunity_crm_id']}={first['band']}",
        "--reviewer",
        "VP Sales",
        "--json",
    )
    data = json.loads(out)
    assert data["n_reviewed"] == 1 and data["agreement"] == 1.0
    code, _, err = run(capsys, "validate-sample", file, "--expect", "X=low")
    assert code == 1 and "--reviewer" in err


def test_recalibration_command_reports(file, capsys):
    run(capsys, "score", file, "--record")
    code, out, _ = run(capsys, "recalibration", file, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rule_set_version"] == 1 and data["n_closed_since"] == 0


def test_validate_sample_round_trips_through_a_spreadsheet(file, capsys, tmp_path):
    import csv

    sheet = tmp_path / "sample.csv"
    code, out, _ = run(capsys, "validate-sample", file, "--pick", "12", "--export-csv", str(sheet))
    assert code == 0 and "Wrote 12 sample deals" in out
    with sheet.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12 and rows[0]["expected_band"] == ""
    for i, row in enumerate(rows):
        row["expected_band"] = row["band"] if i < 9 else ""  # leadership filled in 9
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, _ = run(
        capsys,
        "validate-sample",
        file,
        "--import-csv",
        str(sheet),
        "--reviewer",
        "VP Sales",
        "--json",
    )
    data = json.loads(out)
    assert data["n_reviewed"] == 9 and data["agreement"] == 1.0
    rows[0]["expected_band"] = "red"
    with sheet.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, _, err = run(
        capsys, "validate-sample", file, "--import-csv", str(sheet), "--reviewer", "VP Sales"
    )
    assert code == 1 and "sample.csv, row 2" in err and "'red'" in err
