"""The demo engagement's story: lifecycle and evaluation filled, package documents complete.

One build per module at scale 0.2 with the audits, the story and the package; every
test reads it (read-only) through the capabilities' public APIs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import workbench.lifecycle as lc
from workbench.audits import run_baselines, run_capture
from workbench.demo import AS_OF, build_demo
from workbench.demodata import story
from workbench.demodata import story_evaluation as chosen
from workbench.evaluation import load_matrix, summarise
from workbench.models import Engagement
from workbench.models.findings import finding_history, list_findings


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return build_demo(tmp_path_factory.mktemp("demo_story"), scale=0.2, with_package=True)


@pytest.fixture(scope="module")
def eng(built: dict) -> Iterator[Engagement]:
    e = Engagement.open(Path(built["engagement"]), read_only=True)
    yield e
    e.close()


def test_every_story_step_ran_without_a_failure_note(built: dict) -> None:
    assert built["notes"] == []
    assert built["package"] is not None


def test_strategic_sign_off_is_met_and_the_engagement_sits_in_engineering(
    eng: Engagement,
) -> None:
    gates = {g.subphase: g for g in lc.gates(eng)}
    assert gates["1d"].met, gates["1d"].reasons
    assert not gates["2d"].met
    assert any("2c Build done" in r for r in gates["2d"].reasons)
    phase = lc.current_phase(eng)
    assert (phase.number, phase.name, phase.overridden) == (2, "Engineering", False)


def test_checklist_phase_one_done_and_phase_two_part_way_with_owners_and_dates(
    eng: Engagement,
) -> None:
    items = lc.checklist(eng)
    phase1 = [i for i in items if i.phase == 1 and not i.computed]
    assert phase1 and all(i.status == "done" and i.done_date and i.owner for i in phase1)
    assert all(i.done_date < AS_OF.isoformat() for i in phase1)
    phase2 = {i.key: i for i in items if i.phase == 2}
    assert phase2["2b"].status == "done"
    assert phase2["2c-recording"].status == "done"
    assert phase2["2c-scoring"].status == "in-progress"
    assert phase2["2c"].status == "todo" and phase2["2c"].due_date > AS_OF.isoformat()


def test_intake_holds_the_stack_roster_competitors_and_methodology(eng: Engagement) -> None:
    items = {i.key: i for i in lc.intake(eng)}
    assert items["crm"].value == "Salesforce"
    assert items["video_platforms"].value == ["Zoom", "Microsoft Teams", "Google Meet"]
    assert items["dialer"].value == [story.DIALER]
    assert items["methodology"].value == "MEDDIC"
    assert items["competitors"].value == ["Kinemax", "Tessellate Automation"]
    roles = dict(
        eng.conn.execute(
            "SELECT role, count(*) FROM users WHERE is_active = 1 GROUP BY role"
        ).fetchall()
    )
    assert items["team_sizes"].value == {
        "reps": roles["Account Executive"],
        "managers": roles["Sales Manager"],
        "executives": roles["VP Sales"],
        "revops": roles["RevOps Admin"],
    }
    assert items["team_sizes"].value["reps"] == 40
    assert items["consent_review"].value == "approved"
    assert items["consent_review"].status == "CORRECTED"
    statuses = [i.status for i in items.values() if i.is_filled]
    assert statuses.count("ASSUMED") in range(2, 6)
    assert statuses.count("CONFIRMED") > 2 * statuses.count("ASSUMED")
    critical = [i for i in items.values() if i.critical]
    assert all(i.status != "ASSUMED" for i in critical)


def test_meetings_before_the_as_of_date_confirm_findings_and_correct_one(
    eng: Engagement,
) -> None:
    meetings = lc.meetings(eng)
    held = [m for m in meetings if m.held_on < AS_OF.isoformat()]
    kinds = [m.kind for m in held]
    assert kinds[0] == "kickoff" and kinds.count("alignment") == 2
    vp = eng.conn.execute("SELECT name FROM users WHERE role = 'VP Sales'").fetchone()[0]
    assert any(vp in a for a in held[0].attendees) and held[0].notes
    findings = list_findings(eng)
    by_status: dict[str, list] = {}
    for f in findings:
        by_status.setdefault(f.status, []).append(f)
    assert len(by_status["CONFIRMED"]) >= 8
    assert [f.key for f in by_status["CORRECTED"]] == ["crm-hygiene.stages.outside_list"]
    last = finding_history(eng, by_status["CORRECTED"][0].id)[-1]
    assert "Verbal Commit" in last.note and last.meeting_id is not None
    assert by_status["ASSUMED"], "the audits' other findings stay ASSUMED"


def test_definitions_all_required_approved_and_one_deferred(eng: Engagement) -> None:
    defs = lc.definitions(eng)
    approved = [d for d in defs if d.approved]
    assert len(approved) == len(defs) - 1 == 6
    assert all(
        d.approver.endswith("VP Sales") and d.approved_on == story.SIGN_OFF for d in approved
    )
    pending = [d for d in defs if not d.approved]
    assert [d.key for d in pending] == ["pipeline_analytics"] and not pending[0].required
    scorecard = next(d for d in defs if d.key == "coaching_scorecard")
    assert "MEDDIC" in scorecard.definition


def test_success_criteria_baselines_equal_the_audit_figures(eng: Engagement) -> None:
    base = run_baselines(eng, record=False).row("ALL")
    capture = run_capture(eng, record=False)
    expected = {
        "forecast_accuracy": round(base.forecast_accuracy * 100, 1),
        "win_rate": round(base.win_rate * 100, 1),
        "slippage_rate": round(base.slippage_rate * 100, 1),
        "cycle_days": round(base.cycle_mean_days),
        "recording_coverage": round(capture.rate * 100, 1),
    }
    crits = {c.key: c for c in lc.criteria(eng)}
    assert {k for k, c in crits.items() if c.included} == set(expected)
    for key, value in expected.items():
        assert crits[key].baseline == pytest.approx(value), key
        assert crits[key].target is not None and crits[key].status != "ASSUMED"
    assert crits["recording_coverage"].target == 95
    assert crits["forecast_accuracy"].target == pytest.approx(expected["forecast_accuracy"] + 15)
    assert not crits["ramp_days"].included


def test_evaluation_ranks_and_selects_gong_with_pilot_tco_and_a_disagreement(
    eng: Engagement,
) -> None:
    summary = summarise(load_matrix(eng))
    m, r = summary.matrix, summary.results
    assert r.winner == m.selected_vendor == chosen.SELECTED and m.decision_note
    assert [v.name for v in m.vendors] == list(chosen.SCORES)
    people = [e for e in m.evaluators if e.name != "Pilot"]
    assert len(people) == 3
    cells = {(s.evaluator_id, s.vendor_id, s.criterion_id) for s in m.scores}
    assert all((e.id, v.id, c.id) in cells for e in people for v in m.vendors for c in m.criteria)
    assert all(s.evidence for s in m.scores)
    assert any(c.disagreement and c.spread >= 2 for c in r.consensus)
    piloted = {m.vendor(p.vendor_id).name for p in m.pilot_results}
    assert piloted == set(chosen.FINALISTS)
    reps = eng.conn.execute(
        "SELECT count(*) FROM users WHERE role = 'Account Executive' AND is_active = 1"
    ).fetchone()[0]
    for tco in m.tco.values():
        seats = {lic.role: lic.seats for lic in tco.licences}
        assert seats["Rep"] == reps
    assert all(t.total and t.total > 0 for t in summary.tco)


def test_reminders_include_the_refinement_check_in_and_booked_meeting(
    eng: Engagement,
) -> None:
    reminders = lc.reminders(eng)
    days = {r.date for r in reminders}
    assert date.fromisoformat(story.CHECKIN) in days
    assert date.fromisoformat(story.BUILD_REVIEW) in days


def _docx_text(path: Path) -> list[str]:
    from docx import Document

    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return lines


def _section(lines: list[str], start: str, stop_words: tuple[str, ...]) -> list[str]:
    """Lines from the first one starting with ``start`` up to the next heading-like stop."""
    begin = next(i for i, line in enumerate(lines) if line.strip().startswith(start))
    out = []
    for line in lines[begin + 1 :]:
        if any(line.strip().startswith(w) for w in stop_words):
            break
        out.append(line)
    return out


def test_package_documents_have_content_not_not_yet_available(built: dict) -> None:
    package = Path(built["package"])
    files = {p.name: p for p in package.rglob("*.docx")}
    checked = 0
    for name, path in files.items():
        text = "\n".join(_docx_text(path))
        low = name.lower()
        if "definition" in low:
            # The one deferred term may be called out; nothing else may be missing.
            notes = [line for line in text.splitlines() if "Not yet available" in line]
            assert all("1 of 7 terms not yet approved" in line for line in notes), notes
            assert text.count("Signed at the strategic sign-off") == 6
            checked += 1
        if "success" in low or "criteria" in low:
            assert "Not yet available" not in text, name
            checked += 1
        if "evaluation" in low:
            assert "Not yet available" not in text, name
            assert chosen.SELECTED in text
            checked += 1
    assert checked >= 3, sorted(files)


def test_the_story_step_that_fails_becomes_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("no evaluation tables")

    monkeypatch.setattr(story, "tell_evaluation", broken)
    result = build_demo(tmp_path, scale=0.03, with_package=False, with_story=True)
    assert result["notes"] == [
        "The demo story step 'platform evaluation' could not be recorded (no evaluation tables)."
    ]
    conn = sqlite3.connect(f"{Path(result['engagement']).as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM lc_meetings").fetchone()[0] == 7
    finally:
        conn.close()
