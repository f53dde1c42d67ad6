"""`workbench import / imports / rejects` and named custom mappings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.importers import import_file, list_mappings, save_mapping
from workbench.models import Engagement, EngagementMeta

REPO = Path(__file__).resolve().parents[2]
CUSTOM = "Deal Number;Deal;Phase;Value;Expected Close;Meddic Champion\nD-1;Alpha;Won;1.500,00;31.01.2024;Jane\nD-2;Beta;Open;oops;01.02.2024;\n"


def make_engagement(path: Path) -> Path:
    Engagement.create(path, EngagementMeta(customer="Acme")).close()
    return path


def run_json(capsys, *argv: str) -> dict | list:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_import_json_reports_counts_and_first_rejects(tmp_path, capsys, fixtures):
    eng = make_engagement(tmp_path / "Acme.engagement")
    custom = tmp_path / "custom.csv"
    custom.write_text(CUSTOM, encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {
                "entity": "opportunities",
                "mapping": {
                    "crm_id": "Deal Number",
                    "name": "Deal",
                    "stage": "Phase",
                    "amount": "Value",
                    "close_date": "Expected Close",
                },
            }
        ),
        encoding="utf-8",
    )
    out = run_json(
        capsys,
        "import",
        str(eng),
        str(custom),
        "--mapping",
        str(mapping),
        "--json",
        "--save-mapping",
        "Acme deals",
    )
    assert {
        k: out[k]
        for k in (
            "entity",
            "profile",
            "rows_read",
            "rows_imported",
            "rows_updated",
            "rows_rejected",
            "rows_skipped",
        )
    } == {
        "entity": "opportunities",
        "profile": "custom",
        "rows_read": 2,
        "rows_imported": 1,
        "rows_updated": 0,
        "rows_rejected": 1,
        "rows_skipped": 0,
    }
    assert out["rejected"] == [
        {"row": 3, "column": "Value", "value": "oops", "reason": '"oops" is not an amount'}
    ]
    with Engagement.open(eng, read_only=True) as opened:
        row = opened.conn.execute(
            "SELECT amount, close_date, extra FROM opportunities WHERE crm_id = 'D-1'"
        ).fetchone()
    assert row[:2] == (1500.0, "2024-01-31")
    assert json.loads(row[2]) == {"Meddic Champion": "Jane"}
    history = run_json(capsys, "imports", str(eng), "--json")
    assert history[0]["rows_rejected"] == 1 and history[0]["source_name"] == "custom.csv"
    rejects = run_json(capsys, "rejects", str(eng), str(out["import_id"]), "--json")
    assert rejects == [
        {"row": 3, "column": "Value", "value": "oops", "reason": '"oops" is not an amount'}
    ]


def test_saved_mapping_is_reused_in_another_engagement(tmp_path, capsys, private_library):
    first = make_engagement(tmp_path / "First.engagement")
    custom = tmp_path / "custom.csv"
    custom.write_text(CUSTOM, encoding="utf-8")
    with Engagement.open(first) as eng:
        save_mapping(
            eng,
            "Acme deals",
            "opportunities",
            {
                "crm_id": "Deal Number",
                "name": "Deal",
                "stage": "Phase",
                "amount": "Value",
                "close_date": "Expected Close",
            },
        )
        assert [(m.name, m.where) for m in list_mappings(eng)] == [("Acme deals", "both")]
    assert (private_library / "mappings" / "Acme_deals.json").exists()
    second = make_engagement(tmp_path / "Second.engagement")
    out = run_json(capsys, "import", str(second), str(custom), "--profile", "Acme deals", "--json")
    assert (out["profile"], out["rows_imported"]) == ("Acme deals", 1)
    with Engagement.open(second, read_only=True) as eng:
        assert [(m.name, m.where) for m in list_mappings(eng)] == [("Acme deals", "library")]


def test_unknown_headers_exit_1_with_columns_and_mapping_help(tmp_path, capsys):
    eng = make_engagement(tmp_path / "Acme.engagement")
    custom = tmp_path / "custom.csv"
    custom.write_text(CUSTOM, encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["import", str(eng), str(custom)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: custom.csv:") and "'Deal Number'" in err
    assert '{"entity": "opportunities", "mapping": {' in err and "--mapping" in err
    assert "Traceback" not in err


def test_bad_input_gets_plain_messages(tmp_path, capsys):
    eng = make_engagement(tmp_path / "Acme.engagement")
    cases = {
        "missing.csv": None,
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 20,
        "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "fake.xlsx": b"Id,Name\n1,A\n",
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(SystemExit) as info:
            main(["import", str(eng), str(path)])
        err = capsys.readouterr().err
        assert info.value.code == 1, (name, err)
        assert err.startswith("error: ") and name in err and "Traceback" not in err
    bad_map = tmp_path / "bad.json"
    bad_map.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["import", str(eng), str(tmp_path / "binary.csv"), "--mapping", str(bad_map)])
    assert "not valid JSON (line 1" in capsys.readouterr().err
    with Engagement.open(eng, read_only=True) as opened:
        assert opened.counts()["imports"] == 0


def test_mapping_to_unknown_field_or_column_is_refused(new_engagement, tmp_path):
    custom = tmp_path / "custom.csv"
    custom.write_text(CUSTOM, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="names field champion that"):
        import_file(
            new_engagement,
            custom,
            entity="opportunities",
            mapping={"crm_id": "Deal Number", "champion": "Meddic Champion"},
        )
    with pytest.raises(WorkbenchError, match="names column 'Deal No' that.*'Deal Number'"):
        import_file(new_engagement, custom, entity="opportunities", mapping={"crm_id": "Deal No"})


def test_command_line_runs_as_a_process(tmp_path, shared_data, capsys):
    eng = make_engagement(tmp_path / "Acme.engagement")
    source = shared_data / "sf-fivetran-seeds/sf_user_data.csv"
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "import", str(eng), str(source), "--json"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(REPO / "src"), "PATH": ""},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows_imported"] == 10
    assert main(["imports", str(eng)]) == 0
    listing = capsys.readouterr().out
    assert "sf_user_data.csv" in listing and "new 10" in listing
