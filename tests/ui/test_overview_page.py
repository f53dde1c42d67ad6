"""The Overview page shows phase, gates, red flags, statuses, meetings and freshness."""

from __future__ import annotations

import workbench.lifecycle as lc
from workbench.models.findings import Finding, record_findings
from workbench.ui import asof
from workbench.ui.pages.overview import Page


def _prepare(eng) -> None:
    eng.set_setting("as_of_date", "2026-11-23")
    record_findings(
        eng,
        "crm_hygiene",
        [
            Finding("dup", "crm_hygiene", "critical", "412 duplicate accounts", affected_count=412),
            Finding("next", "crm_hygiene", "high", "Open deals without next step"),
            Finding("stage", "crm_hygiene", "medium", "Stages skipped"),
        ],
    )
    lc.record_meeting(eng, "kickoff", "2026-11-20", confirms=["finding:2"])
    lc.record_meeting(
        eng, "sign-off", "2026-12-04", title="Strategic sign-off", attendees=["Dana Lee (CRO)"]
    )
    lc.set_checklist_item(eng, "1a", status="done")
    lc.set_checklist_item(eng, "1b", status="done")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO imports (entity, source_name, profile, started_at, finished_at) "
            "VALUES ('opportunities', 'opps.csv', 'salesforce', '2026-11-20T10:00:00', "
            "'2026-11-20T10:00:05')"
        )


def test_overview_shows_the_engagement_at_a_glance(qtbot, page_context):
    _prepare(page_context.engagement)
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.phase_label.text() == "Phase 1 of 4: Strategy"
    assert [t.text() for t in page.phase_texts] == [
        "1. Strategy  2/32",
        "2. Engineering  0/24",
        "3. Enablement  0/19",
        "4. Handoff  0/14",
    ]
    assert page.phase_bars[0].value() == 2
    gates = [page.gates.topLevelItem(i) for i in range(page.gates.topLevelItemCount())]
    assert [(g.text(0), g.text(1)) for g in gates] == [
        ("1d  Strategic sign-off", "not met"),
        ("2d  Engineering sign-off", "not met"),
        ("3d  Hypercare exit and enablement sign-off", "not met"),
        ("4d  Handoff and project close", "not met"),
    ]
    first = gates[0]
    assert first.isExpanded()
    conditions = {
        first.child(i).text(0): (first.child(i).text(1), first.child(i).text(2))
        for i in range(first.childCount())
    }
    assert conditions["Platform selected and procurement started"] == ("open", "no evaluation yet")
    assert conditions["Sub-phases 1a-1c done"][1].startswith("not done: 1c ")
    text = page.severity.text()
    assert "<b>1</b> critical" in text and "<b>1</b> high" in text and "<b>1</b> medium" in text
    assert "Findings: 2 ASSUMED, 1 CONFIRMED, 0 CORRECTED, 0 closed" in page.statuses.text()
    assert page.next_meeting.text() == "4 Dec 2026: Strategic sign-off with Dana Lee (CRO)"
    assert page.freshness.text() == (
        "Data as of 23 Nov 2026.\nOpportunities: last import "
        f"{asof.moment('2026-11-20T10:00:05')} from opps.csv"
    )
    assert page.hypercare.text().startswith("No adoption data yet")


def test_overview_follows_changes(qtbot, page_context):
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.next_meeting.text().startswith("None booked yet")
    lc.set_phase_override(page_context.engagement, 2)
    page_context.notify_changed("phases")
    assert page.phase_label.text() == "Phase 2 of 4: Engineering (set by hand)"


def test_overview_on_the_demo_suggests_extending_hypercare(qtbot, demo_context):
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    assert page.hypercare.text().startswith("Extend hypercare: Call recording coverage is")
    assert page.phase_label.text().startswith("Phase 1 of 4")


def test_freshness_counts_records_that_came_without_an_import():
    """The demo's 15,000 opportunities are not "nothing imported"."""
    from workbench.lifecycle.status import Freshness
    from workbench.ui.asof import moment
    from workbench.ui.words import freshness_lines

    counts = {"opportunities": 15000, "accounts": 3000, "contacts": 0, "transcript_turns": 1024,
              "imports": 1, "findings": 46}  # fmt: skip
    fresh = [Freshness("transcripts", "2026-12-03T07:17:58", "calls", 1)]
    assert freshness_lines(counts, fresh, "16 Nov 2026") == [
        "Data as of 16 Nov 2026.",
        "Opportunities: 15,000 (no import recorded)",
        "Accounts: 3,000 (no import recorded)",
        f"Transcript lines: 1,024 (last import {moment('2026-12-03T07:17:58')} from calls)",
    ]
    # The demo's records were made by the demo: it says so rather than "no import".
    assert freshness_lines(counts, fresh, "16 Nov 2026", demo=True)[1] == (
        "Opportunities: 15,000 (demo data)"
    )
    assert freshness_lines({"opportunities": 0, "imports": 0}, [], "2026-11-16") == [
        "Nothing imported yet."
    ]
