"""The Audits page: run with progress, findings by severity, drill-down, confirm, charts."""

from __future__ import annotations

from workbench.models.findings import finding_history, list_findings
from workbench.ui.pages.audits import Page


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
    page = Page(demo_context)
    qtbot.addWidget(page)
    page.show()
    page.which.setCurrentIndex(page.which.findData("capture"))
    _run(qtbot, demo_context, page)
    page.table.selectRow(0)
    target = page.current
    page.status_combo.setCurrentText("CORRECTED")
    page.note_edit.setText("Phone is 70%, not 65%: mobile calls are out of scope")
    page.meeting_spin.setValue(3)
    with qtbot.waitSignal(demo_context.runner.finished, timeout=30000) as done:
        page.save_status()
    assert done.args[0].ok
    page.refresh()
    stored = next(f for f in list_findings(demo_context.engagement) if f.id == target.id)
    assert (stored.status, stored.meeting_id) == ("CORRECTED", 3)
    assert stored.status_note.startswith("Phone is 70%")
    events = [h.event for h in finding_history(demo_context.engagement, target.id)]
    assert events == ["found", "status"]
    assert page.current.id == target.id
    assert any("CORRECTED" in page.history.item(i).text() for i in range(page.history.count()))


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
    assert f"Capture gap analysis: run #{run.id} of" in page.chart_note.text()
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
