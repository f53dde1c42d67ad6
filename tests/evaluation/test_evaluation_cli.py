"""``workbench evaluate``: JSON shape, actions, Excel round trip and bad input."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.evaluation import load_matrix
from workbench.models import Engagement


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def file(new_engagement):
    path = str(new_engagement.path)
    new_engagement.close()
    return path


def test_template_then_scores_and_json_shape(file, capsys):
    code, out, _ = run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    assert code == 0 and "Started a conversation-intelligence evaluation." in out
    code, out, _ = run(
        capsys,
        "evaluate",
        file,
        "--score",
        "Gong:CRM=5",
        "--score",
        "Jiminny:CRM=3",
        "--evaluator",
        "RevOps",
        "--evidence",
        "demo",
        "--json",
    )
    data = json.loads(out)
    assert data["weights_ok"] is True
    assert [(c["name"], c["weight"]) for c in data["criteria"]][:2] == [
        ("CRM native integration", 25.0),
        ("AI insight quality", 20.0),
    ]
    gong = next(v for v in data["vendors"] if v["name"] == "Gong")
    assert gong["total"] == pytest.approx(1.25) and gong["rank"] == 1  # 0.25 * 5
    assert {"name", "total", "rank", "total_pct", "tco"} <= set(gong)
    assert len(data["sensitivity"]) == 7
    assert set(data["sensitivity"][0]) >= {
        "criterion",
        "weight_pct",
        "up_to_pct",
        "down_to_pct",
        "up_new_leader",
        "down_new_leader",
    }
    # CRM is the only scored criterion: first place flips only if its weight drops to
    # where Jiminny (3 on CRM) could catch up, which never happens before 0% -> holds.
    assert data["monte_carlo"]["win_probability"]["Gong"] == 1.0
    assert data["tco"][0]["vendor"] == "Gong"
    assert data["winner"] == "Gong" and data["margin"] == pytest.approx(0.5)


def test_without_actions_prints_the_matrix(file, capsys):
    run(capsys, "evaluate", file, "--template", "revenue-intelligence")
    code, out, _ = run(capsys, "evaluate", file)
    assert code == 0
    assert "Pipeline analytics and forecasting" in out and "Weighted total (1-5)" in out
    assert "No scores yet" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--score", "Zoom:CRM=3"], "Unknown vendor 'Zoom'"),
        (["--score", "Gong:Colour=3"], "Unknown criterion 'Colour'"),
        (["--score", "Gong:CRM=7"], "Score '7'"),
        (["--set-weight", "CRM=abc"], "'abc' is not a number"),
        (["--set-weight", "CRM"], "not in the form CRITERION=PCT"),
        (["--tco", "Gong:seats.Rep=-4"], "must be between 0"),
        (["--select", "Nobody"], "Unknown vendor 'Nobody'"),
    ],
)
def test_bad_values_exit_1_with_a_plain_message_and_change_nothing(file, capsys, args, message):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    # a good change placed before the bad one must be rolled back too
    code, out, err = run(capsys, "evaluate", file, "--set-weight", "Coaching=30", *args)
    assert code == 1
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    with Engagement.open(file, read_only=True) as eng:
        m = load_matrix(eng)
        assert [c.weight for c in m.criteria] == [25, 20, 15, 15, 10, 10, 5]
        assert m.scores == [] and m.selected_vendor is None


def test_weights_off_are_reported_and_ranking_withheld_until_normalised(file, capsys):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    code, out, _ = run(
        capsys, "evaluate", file, "--set-weight", "Coaching=25", "--score", "Gong:CRM=4", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["weights_ok"] is False and data["weights_sum"] == 110
    assert "sum to 110%" in data["weights_message"]
    assert all(v["rank"] is None for v in data["vendors"]) and data["sensitivity"] == []
    code, out, _ = run(capsys, "evaluate", file, "--normalise", "--json")
    data = json.loads(out)
    assert data["weights_ok"] is True
    assert data["criteria"][0]["weight"] == pytest.approx(25 * 100 / 110)


def test_tco_select_and_export_import_round_trip(file, capsys, tmp_path):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    code, out, _ = run(
        capsys,
        "evaluate",
        file,
        "--tco",
        "*:seats.Rep=10",
        "--tco",
        "Gong:price.Rep=1000",
        "--tco",
        "Jiminny:price.Rep=800",
        "--tco",
        "Gong:implementation=6,000",
        "--select",
        "gong",
        "--note",
        "CRM fit",
        "--json",
    )
    data = json.loads(out)
    tco = {t["vendor"]: t for t in data["tco"]}
    assert tco["Gong"]["total"] == pytest.approx(10 * 1000 * 3 + 6000)  # 36,000
    assert tco["Jiminny"]["total"] == pytest.approx(10 * 800 * 3)  # 24,000 (cheapest)
    assert tco["Gong"]["pricing_score"] == pytest.approx(5 - 50 / 20)  # 50% dearer -> 2.5
    assert data["evaluation"]["selected_vendor"] == "Gong"
    xlsx = tmp_path / "out.xlsx"
    code, out, _ = run(capsys, "evaluate", file, "--export", str(xlsx))
    assert code == 0 and f"Exported {xlsx}" in out
    wb = load_workbook(xlsx)
    wb["Matrix"]["B5"] = 0.3
    wb["Matrix"]["B7"] = 0.1
    wb.save(xlsx)
    code, out, _ = run(capsys, "evaluate", file, "--import", str(xlsx))
    assert "CRM native integration: 25 -> 30" in out and "run again with --apply" in out
    with Engagement.open(file, read_only=True) as eng:
        assert load_matrix(eng).criteria[0].weight == 25
    code, out, _ = run(capsys, "evaluate", file, "--import", str(xlsx), "--apply", "--json")
    data = json.loads(out)
    assert data["import"]["applied"] is True and len(data["import"]["changes"]) == 2
    assert data["criteria"][0]["weight"] == 30 and data["weights_ok"] is True


def test_ahp_shows_weights_and_applies_only_when_consistent(file, capsys):
    run(
        capsys,
        "evaluate",
        file,
        "--template",
        "conversation-intelligence",
        "--remove-criterion",
        "Video",
        "--remove-criterion",
        "Ease",
        "--remove-criterion",
        "Security",
        "--remove-criterion",
        "Pricing",
    )
    pairs = ["--ahp", "CRM/AI=3", "--ahp", "CRM/Coaching=5", "--ahp", "AI/Coaching=3"]
    code, out, _ = run(capsys, "evaluate", file, *pairs, "--apply", "--json")
    data = json.loads(out)
    assert data["ahp"]["consistency_ratio"] == pytest.approx(0.0332, abs=1e-4)
    assert [c["weight"] for c in data["criteria"]] == [63.7, 25.8, 10.5]
    code, _, err = run(
        capsys,
        "evaluate",
        file,
        "--ahp",
        "CRM/AI=9",
        "--ahp",
        "AI/Coaching=9",
        "--ahp",
        "Coaching/CRM=9",
        "--apply",
    )
    assert code == 1 and "too inconsistent" in err


def test_a_second_template_needs_new(file, capsys):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    code, _, err = run(capsys, "evaluate", file, "--template", "revenue-intelligence")
    assert code == 1 and "--new" in err
    code, out, _ = run(capsys, "evaluate", file, "--template", "revenue-intelligence", "--new")
    assert code == 0 and "Pipeline analytics" in out


def test_pilot_ratings_feed_scores_from_the_command_line(file, capsys):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    code, out, _ = run(
        capsys,
        "evaluate",
        file,
        "--pilot",
        "Gong:CRM sync=4@98% synced",
        "--pilot",
        "Gong:Recording=5",
        "--apply-pilot",
        "--json",
    )
    data = json.loads(out)
    cell = next(
        c
        for c in data["consensus"]
        if (c["vendor"], c["criterion"]) == ("Gong", "CRM native integration")
    )
    assert cell["by_evaluator"] == {"Pilot": 4}


def test_renames_subcriteria_and_scale_are_editable(file, capsys):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence", "--select", "Jiminny")
    code, out, _ = run(
        capsys,
        "evaluate",
        file,
        "--rename-vendor",
        "Jiminny=Jiminny (EU)",
        "--rename-criterion",
        "Coaching=Coaching and scorecards",
        "--add-subcriterion",
        "CRM=Duplicate contact handling",
        "--remove-subcriterion",
        "CRM=Sync latency",
        "--set-scale",
        "3=Meets:Does what was asked, no more",
        "--json",
    )
    data = json.loads(out)
    assert code == 0
    assert data["evaluation"]["selected_vendor"] == "Jiminny (EU)"
    assert data["criteria"][2]["name"] == "Coaching and scorecards"
    subs = data["criteria"][0]["subcriteria"]
    assert subs[-1] == "Duplicate contact handling" and not any("latency" in s for s in subs)
    assert data["scale"][2] == {
        "level": 3,
        "label": "Meets",
        "description": "Does what was asked, no more",
    }


def test_every_changing_option_opens_the_file_for_writing():
    from workbench.cli import build_parser
    from workbench.commands.evaluation import ACTIONS

    parser = build_parser()
    evaluate = parser._subparsers._group_actions[0].choices["evaluate"]
    dests = {a.dest for a in evaluate._actions} - {"help", "file", "json", "handler"}
    read_only = {"new", "evaluator", "evidence", "note", "apply", "draws", "seed", "export"}
    assert dests - read_only == set(ACTIONS)


def test_an_engagement_without_evaluation_says_how_to_start_one(file, capsys):
    code, _, err = run(capsys, "evaluate", file, "--json")
    assert code == 1 and "no platform evaluation yet" in err and "--template" in err


def test_a_qualifier_without_its_option_is_refused(file, capsys):
    run(capsys, "evaluate", file, "--template", "conversation-intelligence")
    code, _, err = run(capsys, "evaluate", file, "--evidence", "seen in demo")
    assert code == 1 and "--evidence goes with --score" in err
    code, _, err = run(capsys, "evaluate", file, "--apply")
    assert code == 1 and "--apply goes with --import or --ahp" in err
