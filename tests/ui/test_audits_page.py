"""The Audits page: run with progress, findings by severity, drill-down, confirm, charts."""

from __future__ import annotations

import re

from workbench.lifecycle.store import meetings as store_meetings
from workbench.models.findings import finding_history, list_findings
from workbench.ui import asof
from workbench.ui.pages.audits import Page

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _a_meeting(eng) -> int:
    """The id of a meeting recorded in the engagement (one is recorded if there is none)."""
    from workbench.lifecycle import operations as lifecycle_ops
    from workbench.lifecycle import store

    found = store.meetings(eng)
    if found:
        return found[0].id
    return lifecycle_ops.change(
        eng, lifecycle_ops.RecordMeeting("kickoff", "2026-11-10", {"title": "Kickoff"})
    ).id


def _capture_finding_shown(qtbot, context) -> Page:
    """The page after running the capture audit, its first finding selected."""
    page = Page(context)
    qtbot.addWidget(page)
    page.show()
    page.which.setCurrentIndex(page.which.findData("capture"))
    _run(qtbot, context, page)
    page.table.selectRow(0)
    return page


def _run(qtbot, context, page):
    with qtbot.waitSignal(context.runner.finished, timeout=120000) as done:
        page.run_audits()
    assert done.args[0].ok, done.args[0].details
    page.refresh()


def test_running_the_audits_lists_findings_most_severe_first(qtbot, demo_context):
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    _run(qtbot, demo_context, page)
    stored = list_findings(demo_context.engagement)
    assert page.table.rowCount() == len(stored) > 10
    assert [page.table.item(i, 1).text() for i in range(3)] == [f.title for f in stored[:3]]
    page.severity_filter.setCurrentText("high")
    highs = [f for f in stored if f.severity == "high"]
    assert page.table.rowCount() == len(highs)
    assert {page.table.item(i, 0).text() for i in range(page.table.rowCount())} == {"high"}
    # The chart of the run is drawn.
    page.tabs.setCurrentIndex(1)
    assert page.chart.figure is not None


def test_selecting_a_finding_drills_down_to_its_records(qtbot, demo_context):
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    page.which.setCurrentIndex(page.which.findData("crm-hygiene"))
    _run(qtbot, demo_context, page)
    row = next(i for i in range(page.table.rowCount())
               if page.table.item(i, 1).text().endswith("duplicate account clusters"))  # fmt: skip
    page.table.selectRow(row)
    finding = page.current
    assert finding.key == "crm-hygiene.duplicate_accounts"
    model = page.records.model
    assert model.table == "accounts"
    assert model.rowCount() == finding.affected_count == len(finding.affected_ids)
    ids = {model.row_dict(i)["crm_id"] for i in range(model.rowCount())}
    assert ids == set(finding.affected_ids)


def test_confirming_a_finding_keeps_note_meeting_and_history(qtbot, demo_context):
    meeting = _a_meeting(demo_context.engagement)
    page = _capture_finding_shown(qtbot, demo_context)
    target = page.current
    page.status_combo.setCurrentText("CORRECTED")
    page.note_edit.setText("Phone is 70%, not 65%: mobile calls are out of scope")
    page.meeting_combo.setCurrentIndex(page.meeting_combo.findData(meeting))
    with qtbot.waitSignal(demo_context.runner.finished, timeout=30000) as done:
        page.save_status()
    assert done.args[0].ok
    page.refresh()
    stored = next(f for f in list_findings(demo_context.engagement) if f.id == target.id)
    assert (stored.status, stored.meeting_id) == ("CORRECTED", meeting)
    assert stored.status_note.startswith("Phone is 70%")
    events = [h.event for h in finding_history(demo_context.engagement, target.id)]
    assert events == ["found", "status"]
    assert page.current.id == target.id
    assert any("CORRECTED" in page.history.item(i).text() for i in range(page.history.count()))
    # Dates read as the page's as-of line says them: moments at local time, days in words.
    history = finding_history(demo_context.engagement, target.id)
    shown = [page.history.item(i).text() for i in range(page.history.count())]
    assert [t.split(" · ")[0] for t in shown] == [asof.moment(h.at) for h in history]
    assert page.summary.text().endswith("still ASSUMED. As of 16 Nov 2026.")
    assert f"data as of 16 Nov 2026, first recorded {asof.moment(target.first_seen_at)}" in (
        page.detail_meta.text()
    )
    assert not any(ISO_DAY.search(t) for t in [page.summary.text(), page.detail_meta.text(), *shown])


def test_the_page_shows_the_latest_stored_runs_and_says_which(qtbot, demo_context):
    from workbench.audits.operations import RunAudits, run_audits_op

    done = run_audits_op(demo_context.engagement, RunAudits(["capture"]))
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(demo_context.runner.finished, timeout=60000) as finished:
        page.measure()
    assert finished.args[0].ok, finished.args[0].details
    run = done.outcomes["capture"].run
    assert (
        f"Capture gap analysis: run #{run.id} of {asof.moment(run.created_at)}, "
        f"as of {asof.day(run.as_of)}"
    ) in page.chart_note.text()
    assert not ISO_DAY.search(page.chart_note.text())
    assert page.results["capture"].rate == done.outcomes["capture"].result.rate
    page.chart_combo.setCurrentIndex(page.chart_combo.findData("capture_by_channel"))
    assert page.chart.figure is not None


def test_an_engagement_never_audited_says_to_run_the_audits(qtbot, page_context):
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page_context.runner.finished, timeout=60000) as done:
        page.measure()
    assert done.args[0].ok
    assert "No audit has run" in page.chart_note.text()
    assert list_findings(page_context.engagement) == []


def test_the_status_editor_opens_on_the_findings_own_status(qtbot, demo_context, messages):
    """An ASSUMED finding shows ASSUMED: one click on Save must not confirm it by mistake."""
    meeting = _a_meeting(demo_context.engagement)
    page = _capture_finding_shown(qtbot, demo_context)
    assert page.current.status == "ASSUMED"
    assert page.status_combo.currentText() == "ASSUMED"
    assert page.meeting_combo.currentText() == "No meeting"
    assert not page.save_button.isEnabled()  # nothing to save yet
    # Meetings are picked from the recorded ones, by date and title.
    titles = [page.meeting_combo.itemText(i) for i in range(page.meeting_combo.count())]
    recorded = next(m for m in store_meetings(demo_context.engagement) if m.id == meeting)
    assert f"{asof.day(recorded.held_on)}: {recorded.title}" in titles
    if recorded.held_on == "2026-11-10":  # the one recorded here: in words as on the page
        assert "10 Nov 2026: Kickoff" in titles
    # The button says what it will change.
    page.status_combo.setCurrentText("CONFIRMED")
    assert page.save_button.isEnabled()
    assert page.save_button.text() == "Change ASSUMED to CONFIRMED"
    page.status_combo.setCurrentText("ASSUMED")
    assert not page.save_button.isEnabled()
    page.note_edit.setText("checked with RevOps")
    assert page.save_button.text() == "Save the note"


def test_with_no_finding_selected_the_editor_is_disabled(qtbot, demo_context):
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert page.current is None
    for widget in (page.status_combo, page.note_edit, page.meeting_combo, page.save_button):
        assert not widget.isEnabled()


def test_a_ten_thousand_character_note_is_refused_and_nothing_saved(qtbot, demo_context, messages):
    page = _capture_finding_shown(qtbot, demo_context)
    target = page.current
    page.status_combo.setCurrentText("CONFIRMED")
    page.note_edit.setText("x" * 10_000)
    page.save_status()
    assert messages == [
        "A note holds at most 2,000 characters and this one has 10,000; shorten it (the full "
        "text belongs in the meeting notes) and save again."
    ]
    assert not demo_context.runner.is_busy()
    stored = next(f for f in list_findings(demo_context.engagement) if f.id == target.id)
    assert (stored.status, stored.status_note) == ("ASSUMED", target.status_note)
    assert [h.event for h in finding_history(demo_context.engagement, target.id)] == ["found"]


def test_the_finding_line_says_which_date_is_which():
    from workbench.models.findings import StoredFinding
    from workbench.ui.pages.audits import finding_meta

    f = StoredFinding.__new__(StoredFinding)
    f.__dict__.update(id=8, severity="critical", status="ASSUMED", audit="crm-hygiene",
                      affected_count=4200, metric=0.0028, first_seen_at="2026-12-03T07:18:30")
    assert finding_meta(f, "16 Nov 2026") == (
        "#8 · critical · ASSUMED · CRM hygiene · 4,200 affected · measured value 0.0028 · "
        f"data as of 16 Nov 2026, first recorded {asof.moment('2026-12-03T07:18:30')}"
    )
