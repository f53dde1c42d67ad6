"""The audit, findings and confirm commands (run in-process through workbench.cli.main)."""

from __future__ import annotations

import json

import pytest

from workbench.cli import main
from workbench.models import Engagement


@pytest.fixture
def acme_file(acme):
    path = acme.path
    acme.close()
    return path


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_audit_json_has_the_documented_shapes(acme_file, capsys):
    out = _json(capsys, ["audit", str(acme_file), "--json"])
    assert set(out) == {
        "crm-hygiene", "capture", "baselines", "maintenance", "matching", "seconds",
    }  # fmt: skip
    hygiene = out["crm-hygiene"]
    assert [c["crm_ids"] for c in hygiene["duplicate_account_clusters"]] == [
        ["a1", "a2"], ["a3", "a4"],
    ]  # fmt: skip
    assert hygiene["health_score"] == hygiene["health"]["score"]
    base = out["baselines"]
    assert base["win_rate"]["overall"]["n"] == 7
    assert base["win_rate"]["by_owner"]["u1"]["won"] == 2
    assert (base["cycle_days"]["mean"], base["cycle_days"]["median"]) == (50.0, 50.0)
    assert base["cycle_days"]["by_owner"]["u2"]["n"] == 2
    owner_q = base["forecast_accuracy"]["by_owner"]["u1"]["by_quarter"]["FY2025-Q1"]
    assert (owner_q["accuracy"], owner_q["n"]) == (0.8, 1)
    assert out["capture"]["by_channel"][0]["key"] == "phone"


def test_audit_runs_only_the_named_audits(acme_file, capsys):
    out = _json(capsys, ["audit", str(acme_file), "capture", "baselines", "--json"])
    assert set(out) == {"capture", "baselines", "seconds"}
    assert main(["audit", str(acme_file), "capture"]) == 0
    text = capsys.readouterr().out
    assert "Capture gap analysis" in text and "70.0%" in text


def test_unknown_audit_is_a_usage_error(acme_file, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(acme_file), "hygiene"])
    assert exc.value.code == 2
    assert "unknown audit 'hygiene'" in capsys.readouterr().err


def test_findings_and_confirm_with_note_and_meeting(acme_file, capsys):
    main(["audit", str(acme_file), "crm-hygiene"])
    capsys.readouterr()
    found = _json(capsys, ["findings", str(acme_file), "--json"])
    assert found and {f["status"] for f in found} == {"ASSUMED"}
    target = next(f for f in found if f["key"] == "crm-hygiene.duplicate_accounts")
    out = _json(capsys, ["confirm", str(acme_file), str(target["id"]), "--status", "corrected",
                         "--note", "a3/a4 are one company, a1/a2 too", "--meeting", "4",
                         "--json"])  # fmt: skip
    assert (out["status"], out["meeting_id"]) == ("CORRECTED", 4)
    history = _json(capsys, ["findings", str(acme_file), "--json", "--history"])
    events = next(f for f in history if f["id"] == target["id"])["history"]
    assert [e["event"] for e in events] == ["found", "status"]
    with Engagement.open(acme_file, read_only=True) as eng:
        assert eng.counts()["findings"] == len(found)


def test_confirm_refuses_a_correction_without_note_and_an_unknown_finding(acme_file, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["confirm", str(acme_file), "1", "--status", "CORRECTED"])
    assert exc.value.code == 1
    assert "needs a note" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["confirm", str(acme_file), "999"])
    assert "no finding number 999" in capsys.readouterr().err
