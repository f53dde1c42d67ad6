"""The playbook's items are copied into the engagement once, per project kind."""

from __future__ import annotations

import workbench.lifecycle as lc
from workbench.lifecycle.catalog import playbook


def test_revenue_intelligence_checklist_is_seeded_with_every_playbook_item(ri_engagement):
    assert lc.ensure_lifecycle(ri_engagement) is True
    items = lc.checklist(ri_engagement)
    assert len(items) == 89
    milestones = [i.key for i in items if i.kind == "milestone"]
    # The playbook's phase checklist: four sub-phases in each of four phases.
    assert milestones == [f"{p}{s}" for p in "1234" for s in "abcd"]
    assert {i.status for i in items} == {"todo"}
    by_phase = {p: sum(1 for i in items if i.phase == p) for p in (1, 2, 3, 4)}
    assert by_phase == {1: 32, 2: 24, 3: 19, 4: 14}
    checkpoints_1d = [i.key for i in items if i.subphase == "1d" and i.kind == "checkpoint"]
    assert len(checkpoints_1d) == 10  # the ten lines of the 1d validation checkpoint


def test_conversation_intelligence_has_pilot_and_30_day_sprint(ci_engagement):
    items = lc.checklist(ci_engagement)
    assert len(items) == 100
    titles = {i.key: i.title for i in items}
    assert "10-15" in titles["3b"] and "30-day" in titles["3c"]
    assert [k for k in titles if k.startswith("3c-week")] == [f"3c-week{n}" for n in (1, 2, 3, 4)]
    assert sum(1 for i in items if i.key.startswith("2c-")) == 13  # thirteen build components
    assert playbook("conversation-intelligence").hypercare_weeks == 4
    assert playbook("revenue-intelligence").hypercare_weeks == 2


def test_definitions_criteria_and_intake_follow_the_project_kind(ri_engagement, ci_engagement):
    ri_terms = [d.term for d in lc.definitions(ri_engagement)]
    ci_terms = [d.term for d in lc.definitions(ci_engagement)]
    assert len(ri_terms) == 7 and "Deal Risk Score" in ri_terms and "Multi-Threading" in ri_terms
    assert len(ci_terms) == 10 and "Tracker" in ci_terms and "Recording Consent" in ci_terms
    assert sum(d.required for d in lc.definitions(ri_engagement)) == 6
    assert [c.key for c in lc.criteria(ci_engagement)] == [
        "manager_call_reviews",
        "weekly_active_users",
        "win_rate",
        "ramp_days",
        "empty_next_steps",
    ]
    assert (
        next(c for c in lc.criteria(ci_engagement) if c.key == "weekly_active_users").target == 80
    )
    assert len(lc.intake(ri_engagement)) == 22 and len(lc.intake(ci_engagement)) == 21
    # Methodology is pre-filled from the engagement settings but stays ASSUMED.
    item = next(i for i in lc.intake(ci_engagement) if i.key == "methodology")
    assert (item.value, item.status, item.source) == ("SPICED", "ASSUMED", "engagement settings")


def test_seeding_again_keeps_every_edit(ri_engagement):
    lc.set_checklist_item(ri_engagement, "1b", status="done", owner="Alex", note="held onsite")
    lc.set_intake(ri_engagement, "crm", "Salesforce", status="CONFIRMED")
    assert lc.ensure_lifecycle(ri_engagement) is False
    item = next(i for i in lc.checklist(ri_engagement) if i.key == "1b")
    assert (item.status, item.owner, item.note, item.done_date) == (
        "done",
        "Alex",
        "held onsite",
        "2026-11-23",
    )
    assert lc.intake_value(ri_engagement, "crm") == "Salesforce"
    assert ri_engagement.conn.execute("SELECT count(*) FROM lc_checklist_items").fetchone()[0] == 89


def test_read_only_file_never_seeded_reads_the_catalog(tmp_path):
    from workbench.models import Engagement, EngagementMeta

    path = tmp_path / "ro.engagement"
    Engagement.create(path, EngagementMeta(customer="Ro")).close()
    eng = Engagement.open(path, read_only=True)
    try:
        assert len(lc.checklist(eng)) == 89
        assert lc.intake_value(eng, "methodology") == "MEDDIC"
        assert lc.current_phase(eng).number == 1
        assert eng.conn.execute("SELECT count(*) FROM lc_checklist_items").fetchone()[0] == 0
    finally:
        eng.close()
