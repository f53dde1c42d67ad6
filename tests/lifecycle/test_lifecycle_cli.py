"""The lifecycle commands: JSON shapes, changes, and bad input that changes nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.models import Engagement, EngagementMeta
from workbench.models.findings import Finding, record_findings


@pytest.fixture
def eng_file(tmp_path: Path) -> Path:
    path = tmp_path / "Gamma.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Gamma", engagement_type="dedicated"))
    try:
        eng.set_setting("as_of_date", "2026-11-23")
        record_findings(
            eng,
            "crm_hygiene",
            [
                Finding("dup", "crm_hygiene", "critical", "Duplicate accounts", affected_count=9),
                Finding("stage", "crm_hygiene", "medium", "Stages skipped", affected_count=3),
            ],
        )
        with eng.atomic() as conn:
            conn.execute(
                "INSERT INTO imports (entity, source_name, profile, started_at, finished_at) "
                "VALUES ('opportunities', 'opps.csv', 'salesforce', '2026-11-20T10:00:00', "
                "'2026-11-20T10:00:05')"
            )
    finally:
        eng.close()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(path: Path) -> dict:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'lc_%' "
                "OR name IN ('findings', 'finding_history', 'settings')"
            )
        ]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables}
    finally:
        conn.close()


def test_status_json_shape(eng_file, capsys):
    code, out, _ = run(capsys, "status", str(eng_file), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["phase"] == {"number": 1, "name": "Strategy", "overridden": False, "closed": False}
    assert [g["name"] for g in data["gates"]] == [
        "Strategic sign-off",
        "Engineering sign-off",
        "Hypercare exit and enablement sign-off",
        "Handoff and project close",
    ]
    assert set(data["gates"][0]) >= {"name", "met", "reasons"}
    assert data["gates"][0]["met"] is False and data["gates"][0]["reasons"]
    assert data["findings"]["by_status"]["ASSUMED"] == 2
    assert data["findings"]["by_severity"] == {
        "critical": 1,
        "high": 0,
        "medium": 1,
        "low": 0,
        "info": 0,
    }
    assert data["checklist"][0] == {
        "phase": 1,
        "name": "Strategy",
        "done": 0,
        "total": 32,
        "subphases": {"1a": [0, 13], "1b": [0, 5], "1c": [0, 3], "1d": [0, 11]},
    }
    assert data["freshness"] == [
        {
            "entity": "opportunities",
            "last_import": "2026-11-20T10:00:05",
            "source": "opps.csv",
            "imports": 1,
        }
    ]
    assert data["next_meeting"] is None
    assert data["maintenance_owner"] == "Architect"


def test_check_meeting_intake_define_criteria_round_trip(eng_file, capsys):
    f = str(eng_file)
    code, out, _ = run(
        capsys,
        "check",
        f,
        "1b",
        "--status",
        "done",
        "--owner",
        "Alex",
        "--note",
        "held onsite",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["done_date"] == "2026-11-23"
    code, out, _ = run(
        capsys,
        "intake",
        f,
        "--set",
        "competitors=Acme, Globex",
        "--set",
        "crm=Salesforce",
        "--source",
        "intake form",
        "--json",
    )
    items = {i["key"]: i for i in json.loads(out)}
    assert items["competitors"]["value"] == ["Acme", "Globex"]
    assert items["crm"]["source"] == "intake form"
    code, out, _ = run(
        capsys,
        "meeting",
        f,
        "--kind",
        "kickoff",
        "--date",
        "2026-11-20",
        "--attendee",
        "Dana Lee (CRO)",
        "--confirm",
        "finding:1",
        "--confirm",
        "intake:competitors",
        "--correct",
        "intake:team_sizes=reps=52, managers=6",
        "--notes",
        "Gaps accepted",
        "--json",
    )
    assert code == 0
    meeting = json.loads(out)
    assert meeting["kind"] == "kickoff" and len(meeting["items"]) == 3
    code, out, _ = run(
        capsys, "define", f, "Deal Risk Score", "--approve", "--approver", "Dana Lee", "--json"
    )
    assert json.loads(out)[0]["approved"] is True
    code, out, _ = run(
        capsys, "criteria", f, "win_rate", "--baseline", "21", "--target", "25", "--json"
    )
    assert json.loads(out)[0]["baseline"] == 21.0
    code, out, _ = run(capsys, "meeting", f, "--kind", "sign-off", "--date", "2026-12-04")
    code, out, _ = run(capsys, "status", f, "--json")
    data = json.loads(out)
    assert data["findings"]["by_status"]["CONFIRMED"] == 1
    assert data["next_meeting"]["date"] == "2026-12-04"
    assert data["inputs"]["intake"]["CORRECTED"] == 1
    code, out, _ = run(capsys, "status", f)
    assert "Next meeting: 2026-12-04 sign-off" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["check", "{f}", "1z", "--status", "done"], "no checklist item '1z'"),
        (["check", "{f}", "1b", "--due", "2026-02-30"], "not a date"),
        (["meeting", "{f}", "--kind", "kickoff", "--date", "tomorrow"], "not a date"),
        (
            [
                "meeting",
                "{f}",
                "--kind",
                "kickoff",
                "--date",
                "2026-11-20",
                "--confirm",
                "finding:1",
                "--confirm",
                "intake:nope",
            ],
            "no intake item 'nope'",
        ),
        (
            [
                "meeting",
                "{f}",
                "--kind",
                "kickoff",
                "--date",
                "2026-11-20",
                "--correct",
                "intake:crm",
            ],
            "TYPE:KEY=VALUE",
        ),
        (["intake", "{f}", "--set", "crm=Salesforce", "--set", "team_sizes=lots"], "role counts"),
        (["define", "{f}", "no_such_term", "--approve"], "no definition term"),
        (["criteria", "{f}", "win_rate", "--baseline", "twenty"], "not a number"),
        (["lifecycle", "{f}", "--go-live", "2026/12/01"], "not a date"),
    ],
)
def test_bad_input_exits_1_with_a_plain_message_and_changes_nothing(
    eng_file, capsys, argv, message
):
    before = snapshot(eng_file)
    code, out, err = run(capsys, *[a.replace("{f}", str(eng_file)) for a in argv])
    assert code == 1
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert err.count("\n") == 1
    assert snapshot(eng_file) == before


def test_apply_record_file(eng_file, tmp_path, capsys):
    record = {
        "checklist": [
            {"key": "1a", "status": "done", "done_date": "2026-11-18"},
            {"key": "1d-scoring", "owner": "Dana", "due_date": "2026-12-01"},
        ],
        "intake": [
            {"key": "dialer", "value": ["Aircall"], "status": "CONFIRMED", "source": "IT call"}
        ],
        "definitions": [
            {
                "term": "multi_threading",
                "approved": True,
                "approver": "Dana",
                "approved_on": "2026-11-20",
            }
        ],
        "criteria": [
            {"key": "win_rate", "baseline": 21, "target": 25},
            {
                "key": "nrr",
                "kpi": "Net revenue retention",
                "unit": "%",
                "baseline": 104,
                "target": 110,
            },
        ],
        "meetings": [
            {
                "kind": "alignment",
                "date": "2026-11-27",
                "title": "Platform alignment",
                "attendees": ["Sam (RevOps)", "IT"],
                "confirm": ["finding:2"],
                "correct": [{"item": "finding:1", "value": "7 duplicates, not 9"}],
            }
        ],
        "go_live": "2027-01-11",
        "checkin": "2027-04-12",
    }
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    code, out, _ = run(capsys, "lifecycle", str(eng_file), "--apply", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["applied"] == {
        "checklist": 2,
        "intake": 1,
        "definitions": 1,
        "criteria": 2,
        "meetings": 1,
    }
    assert {c["key"] for c in data["criteria"]} >= {"nrr"}
    assert [r["title"] for r in data["reminders"] if r["date"] == "2027-03-29"] == [
        "Prepare the Gamma refinement check-in"
    ]
    assert data["maintenance"]["owner"] == "Architect"

    # One bad entry: nothing of the file is applied.
    before = snapshot(eng_file)
    record["checklist"].append({"key": "9z", "status": "done"})
    path.write_text(json.dumps(record))
    code, _, err = run(capsys, "lifecycle", str(eng_file), "--apply", str(path))
    assert code == 1 and "no checklist item '9z'" in err
    assert snapshot(eng_file) == before
    path.write_text('{"meetings": {"kind": "kickoff"}}')
    code, _, err = run(capsys, "lifecycle", str(eng_file), "--apply", str(path))
    assert code == 1 and "'meetings' must be a list of objects" in err


def test_history_of_a_finding_and_an_input(eng_file, capsys):
    f = str(eng_file)
    run(capsys, "intake", f, "--set", "crm=HubSpot")
    run(
        capsys,
        "meeting",
        f,
        "--kind",
        "kickoff",
        "--date",
        "2026-11-20",
        "--confirm",
        "finding:1",
        "--correct",
        "intake:crm=Salesforce",
    )
    code, out, _ = run(capsys, "history", f, "intake:crm", "--json")
    events = json.loads(out)
    assert [(e["event"], e["status"], e["value"], e["meeting_id"]) for e in events] == [
        ("edited", "ASSUMED", "HubSpot", None),
        ("corrected", "CORRECTED", "Salesforce", 1),
    ]
    code, out, _ = run(capsys, "history", f, "finding:1", "--json")
    assert [(e["event"], e["status"], e["meeting_id"]) for e in json.loads(out)] == [
        ("found", "ASSUMED", None),
        ("status", "CONFIRMED", 1),
    ]
    code, _, err = run(capsys, "history", f, "intake:crn")
    assert code == 1 and "Did you mean crm" in err
