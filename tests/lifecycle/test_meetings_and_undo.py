"""Meetings move items from ASSUMED to CONFIRMED/CORRECTED; every edit can be undone."""

from __future__ import annotations

import pytest

import workbench.lifecycle as lc
from workbench.errors import WorkbenchError
from workbench.models.findings import Finding, finding_history, get_finding, record_findings


@pytest.fixture
def with_findings(ri_engagement):
    record_findings(
        ri_engagement,
        "crm_hygiene",
        [
            Finding(
                "dup-accounts",
                "crm_hygiene",
                "critical",
                "412 duplicate accounts",
                affected_count=412,
            ),
            Finding(
                "no-next-step",
                "crm_hygiene",
                "high",
                "38% of open deals lack a next step",
                metric=0.38,
            ),
        ],
    )
    lc.ensure_lifecycle(ri_engagement)
    return ri_engagement


def _finding_id(eng, key):
    return eng.conn.execute("SELECT id FROM findings WHERE key = ?", (key,)).fetchone()[0]


def test_kickoff_confirms_a_finding_and_corrects_an_input_with_history(with_findings):
    eng = with_findings
    dup = _finding_id(eng, "dup-accounts")
    nns = _finding_id(eng, "no-next-step")
    lc.set_intake(eng, "competitors", "Acme, Globex")
    meeting = lc.record_meeting(
        eng,
        "kickoff",
        "2026-11-20",
        title="Kickoff",
        attendees=["Dana Lee (CRO)", "Sam (RevOps)"],
        notes="Gap analysis accepted.",
        confirms=[f"finding:{dup}", "intake:competitors", "definition:Deal Risk Score"],
        corrections=[
            (f"finding:{nns}", "31% after excluding renewals"),
            ("intake:team_sizes", "reps=52, managers=6"),
            ("criterion:win_rate.target", "27"),
        ],
    )
    assert meeting.attendees == ["Dana Lee (CRO)", "Sam (RevOps)"]
    assert [(i.item_type, i.item_ref, i.action) for i in meeting.items] == [
        ("finding", str(dup), "confirmed"),
        ("intake", "competitors", "confirmed"),
        ("definition", "deal_risk_score", "confirmed"),
        ("finding", str(nns), "corrected"),
        ("intake", "team_sizes", "corrected"),
        ("criterion", "win_rate.target", "corrected"),
    ]

    f = get_finding(eng, dup)
    assert (f.status, f.meeting_id) == ("CONFIRMED", meeting.id)
    last = finding_history(eng, dup)[-1]
    assert (last.event, last.status, last.meeting_id) == ("status", "CONFIRMED", meeting.id)
    f = get_finding(eng, nns)
    assert (f.status, f.status_note) == ("CORRECTED", "31% after excluding renewals")

    team = next(i for i in lc.intake(eng) if i.key == "team_sizes")
    assert (team.value, team.status, team.source) == (
        {"reps": 52, "managers": 6},
        "CORRECTED",
        f"meeting {meeting.id}",
    )
    comp = next(i for i in lc.intake(eng) if i.key == "competitors")
    assert (comp.value, comp.status) == (["Acme", "Globex"], "CONFIRMED")
    history = lc.item_history(eng, "intake", "competitors")
    assert [(e.event, e.status, e.meeting_id) for e in history] == [
        ("edited", "ASSUMED", None),
        ("confirmed", "CONFIRMED", meeting.id),
    ]
    win = next(c for c in lc.criteria(eng) if c.key == "win_rate")
    assert (win.target, win.status) == (27.0, "CORRECTED")
    d = next(d for d in lc.definitions(eng) if d.key == "deal_risk_score")
    assert (d.status, d.meeting_id, d.approved) == ("CONFIRMED", meeting.id, True)
    assert (d.approver, d.approved_on) == ("Dana Lee (CRO), Sam (RevOps)", "2026-11-20")


@pytest.mark.parametrize(
    "refs, message",
    [
        (["finding:999"], "no finding number 999"),
        (["intake:team_size"], "no intake item 'team_size'"),
        (["definition:nonsense"], "no definition term"),
        (["criterion:win_rate.baseline_x"], "a criterion's field"),
        (["opportunity:1"], "Unknown item type"),
        (["intake:competitors"], "has no value to confirm"),
        (["criterion:win_rate"], "no baseline or target to confirm"),
    ],
)
def test_a_bad_reference_records_nothing(with_findings, refs, message, dump):
    before = dump(with_findings)
    with pytest.raises(WorkbenchError, match=message):
        lc.record_meeting(with_findings, "kickoff", "2026-11-20", confirms=refs)
    assert dump(with_findings) == before
    assert not lc.stack_for(with_findings).can_undo


def test_bad_meeting_kind_and_date_are_refused(ri_engagement):
    with pytest.raises(WorkbenchError, match="Unknown meeting kind"):
        lc.record_meeting(ri_engagement, "party", "2026-11-20")
    with pytest.raises(WorkbenchError, match="not a date"):
        lc.record_meeting(ri_engagement, "kickoff", "20/11/2026")


def test_undo_and_redo_restore_the_exact_state(with_findings, dump):
    eng = with_findings
    stack = lc.stack_for(eng)
    lc.ensure_lifecycle(eng)
    states = [dump(eng)]
    dup = _finding_id(eng, "dup-accounts")
    lc.set_checklist_item(eng, "1b", status="done", owner="Alex")
    states.append(dump(eng))
    assert stack.undo_label == 'Undo Mark "Kickoff call held" done'
    lc.set_intake(eng, "crm", "Salesforce")
    states.append(dump(eng))
    lc.record_meeting(
        eng,
        "kickoff",
        "2026-11-20",
        confirms=[f"finding:{dup}", "intake:crm"],
        corrections=[("intake:team_sizes", "reps=52")],
    )
    states.append(dump(eng))
    lc.set_definition(eng, "deal_risk_score", approved=True, approver="Dana")
    states.append(dump(eng))
    assert stack.undo_label == 'Undo Approve "Deal Risk Score"'
    lc.set_criterion(eng, "win_rate", baseline=21, target=25)
    states.append(dump(eng))
    lc.set_go_live(eng, "2026-12-01")
    states.append(dump(eng))

    for expected in reversed(states[:-1]):
        assert stack.undo() is not None
        assert dump(eng) == expected
    assert not stack.can_undo and stack.undo_label == "Undo"
    assert stack.redo_label == 'Redo Mark "Kickoff call held" done'
    for expected in states[1:]:
        assert stack.redo() is not None
        assert dump(eng) == expected
    assert not stack.can_redo
    # A new edit after an undo drops the redo history.
    stack.undo()
    lc.set_checklist_item(eng, "1c", note="waiting on IT")
    assert not stack.can_redo
    assert (
        stack.undo_label
        == 'Undo Edit "Alignment loop done: platform chosen, scoring rules defined"'
    )


def test_undo_listeners_hear_every_change(ri_engagement):
    calls = []
    stack = lc.stack_for(ri_engagement)
    stack.add_listener(lambda: calls.append(stack.undo_label))
    lc.set_checklist_item(ri_engagement, "1a", status="in-progress")
    stack.undo()
    stack.redo()
    assert calls == [
        'Undo Mark "Pre-kickoff done: customer homework and architect prep" in-progress',
        "Undo",
        'Undo Mark "Pre-kickoff done: customer homework and architect prep" in-progress',
    ]


def test_checklist_edit_validation(ri_engagement):
    with pytest.raises(WorkbenchError, match="Did you mean 1d-scoring"):
        lc.set_checklist_item(ri_engagement, "1d-scorin", status="done")
    with pytest.raises(WorkbenchError, match="Unknown status"):
        lc.set_checklist_item(ri_engagement, "1b", status="finished")
    with pytest.raises(WorkbenchError, match="not a date"):
        lc.set_checklist_item(ri_engagement, "1b", due_date="next friday")
    item = lc.set_checklist_item(ri_engagement, "1b", status="done", done_date="2026-11-20")
    assert item.done_date == "2026-11-20"
    item = lc.set_checklist_item(ri_engagement, "1b", status="in-progress")
    assert item.done_date is None


def test_intake_round_trip_by_type(ri_engagement):
    eng = ri_engagement
    lc.set_intake(eng, "video_platforms", "Zoom, Microsoft Teams", source="intake form")
    lc.set_intake(eng, "team_sizes", "reps=40, managers=6, executives=3")
    lc.set_intake(eng, "crm", "salesforce")
    lc.set_intake(eng, "competitors", ["Acme", " Globex "])
    lc.set_intake(eng, "coaching_practice", "Monthly 1:1s, no call reviews")
    assert lc.intake_value(eng, "video_platforms") == ["Zoom", "Microsoft Teams"]
    assert lc.intake_value(eng, "team_sizes") == {"reps": 40, "managers": 6, "executives": 3}
    assert lc.intake_value(eng, "crm") == "Salesforce"
    assert lc.intake_value(eng, "competitors") == ["Acme", "Globex"]
    assert lc.intake_value(eng, "dialer", default=[]) == []
    item = next(i for i in lc.intake(eng) if i.key == "video_platforms")
    assert (item.status, item.source) == ("ASSUMED", "intake form")
    with pytest.raises(WorkbenchError, match="not one of the choices"):
        lc.set_intake(eng, "crm", "Pipedrive CRM")
    with pytest.raises(WorkbenchError, match="role counts"):
        lc.set_intake(eng, "team_sizes", "about fifty")


def test_undo_leaves_changes_made_since_by_other_work_alone(with_findings):
    eng = with_findings
    dup = _finding_id(eng, "dup-accounts")
    lc.record_meeting(eng, "kickoff", "2026-11-20", confirms=[f"finding:{dup}"])
    # The audit runs again afterwards: new count, a "measured again" history entry.
    record_findings(
        eng,
        "crm_hygiene",
        [
            Finding(
                "dup-accounts",
                "crm_hygiene",
                "critical",
                "398 duplicate accounts",
                affected_count=398,
            ),
            Finding(
                "no-next-step",
                "crm_hygiene",
                "high",
                "38% of open deals lack a next step",
                metric=0.38,
            ),
        ],
    )
    lc.stack_for(eng).undo()
    f = get_finding(eng, dup)
    assert (f.status, f.meeting_id) == ("ASSUMED", None)  # the meeting's change is undone
    assert (f.title, f.affected_count) == ("398 duplicate accounts", 398)  # the audit's stays
    events = [e.event for e in finding_history(eng, dup)]
    assert events == ["found", "measured again"]
    assert lc.meetings(eng) == []


def test_redo_after_an_audit_reused_history_ids(with_findings):
    eng = with_findings
    dup = _finding_id(eng, "dup-accounts")
    stack = lc.stack_for(eng)
    lc.record_meeting(eng, "kickoff", "2026-11-20", confirms=[f"finding:{dup}"])
    stack.undo()
    record_findings(
        eng,
        "crm_hygiene",
        [
            Finding(
                "dup-accounts",
                "crm_hygiene",
                "critical",
                "398 duplicate accounts",
                affected_count=398,
            )
        ],
    )  # takes the history id the meeting had used
    stack.redo()
    assert get_finding(eng, dup).status == "CONFIRMED"
    assert [e.event for e in finding_history(eng, dup)] == ["found", "measured again", "status"]
    stack.undo()
    assert get_finding(eng, dup).status == "ASSUMED"
    assert [e.event for e in finding_history(eng, dup)] == ["found", "measured again"]
