"""The Scoring page: pipeline with reasons, rule editing, calibration, validation."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from workbench.scoring import get_rule_set, list_rule_sets
from workbench.scoring.synthetic import fill_synthetic_history
from workbench.ui import asof
from workbench.ui.pages.scoring import Page

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def page(qtbot, page_context):
    fill_synthetic_history(page_context.engagement, n_closed=600, n_open=40, seed=5)
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    return page


def _wait(qtbot, page, action, timeout=60000):
    with qtbot.waitSignal(page.context.runner.finished, timeout=timeout) as done:
        action()
    assert done.args[0].ok, done.args[0].error
    return done.args[0].result


def test_scoring_the_pipeline_lists_open_deals_with_reasons(qtbot, page):
    done = _wait(qtbot, page, page.score)
    result = done.scores
    assert page.pipeline_table.rowCount() == 40 == len(result.deals)
    first = result.deals[0]
    assert page.pipeline_table.item(0, 2).text() == first.opportunity_crm_id
    assert page.pipeline_table.item(0, 0).text() == f"{first.score:.1f}"
    assert first.opportunity_crm_id in page.deal_view.toPlainText()
    assert "Why" in page.deal_view.toPlainText()
    assert "40 open deals" in page.pipeline_summary.text()
    # Dates as the page's as-of line says them: the day in words, the run at local time.
    summary = page.pipeline_summary.text()
    assert f"40 open deals as of {asof.day(result.as_of)}, rule version " in summary
    run = done.run
    assert f" Scoring run #{run.id} of {asof.moment(run.created_at)}, as of " in summary
    assert not ISO_DAY.search(summary)
    assert page.pipeline_table.item(0, 6).text() == asof.day(first.close_date)
    assert not ISO_DAY.search(page.deal_view.toPlainText())


def test_inspecting_a_closed_deal_shows_its_score_before_close(qtbot, page):
    crm_id = page.context.engagement.conn.execute(
        "SELECT crm_id FROM opportunities WHERE is_closed = 1 LIMIT 1"
    ).fetchone()[0]
    page.deal_id.setText(crm_id)
    deal = _wait(qtbot, page, page.inspect_deal)
    text = page.deal_view.toPlainText()
    assert crm_id in text and f"as of {asof.day(deal.as_of)}" in text
    assert "Next step missing\tnot available" in text or "not available" in text


def _says_the_calibration_once(page, report) -> None:
    """AUC and Brier said once, with thousands separators; intervals only when measured."""
    text = page.metrics_label.text()
    assert f"AUC {report.auc:.2f}" in text
    assert text.count("Brier") == 1 and "Fitted model: AUC" not in text
    assert f"Fitted on {report.n_train:,} deals" in text
    assert page.weights_table.isColumnHidden(3) == all(
        w.coefficient_ci is None for w in report.weights
    )


def test_calibration_shows_metrics_weights_lift_and_the_reliability_diagram(qtbot, page, messages):
    done = _wait(qtbot, page, page.run_calibration)
    report = done.report
    _says_the_calibration_once(page, report)
    # The summary and the run say their dates in words (the command line keeps ISO).
    text = page.metrics_label.text()
    assert f"deals closed up to {asof.day(report.train_until)}, tested on " in text
    assert (
        f"Calibration run #{done.run.id} of {asof.moment(done.run.created_at)}, "
        f"as of {asof.day(done.run.as_of)}."
    ) in text
    assert not ISO_DAY.search(text)
    assert page.weights_table.rowCount() == len(report.weights)
    assert page.lift_table.rowCount() == 10
    assert page.chart.figure is not None and len(page.chart.figure.axes) == 2
    assert page.save_rec_button.isEnabled()
    page.rec_author.setText("Alex Morgan")
    page.rec_rationale.setText("Adopt the fitted weights")
    _wait(qtbot, page, page.save_recommendation)
    assert messages[-1] == "Saved rule version 2."
    page.refresh()
    assert page.version_combo.currentData() == 2
    assert get_rule_set(page.context.engagement).source == "calibration"


def test_editing_a_rule_saves_a_new_version_and_compare_shows_the_change(qtbot, page, messages):
    page.refresh()
    row = next(
        i
        for i in range(page.rules_table.rowCount())
        if page.rules_table.item(i, 1).data(Qt.ItemDataRole.UserRole) == "days_since_activity"
    )
    page.rules_table.item(row, 3).setText("21")
    page.author_edit.setText("Dana (VP Sales)")
    page.rationale_edit.setPlainText("Three weeks of silence is normal for us.")
    _wait(qtbot, page, page.save_rules)
    eng = page.context.engagement
    assert [v.version for v in list_rule_sets(eng)] == [1, 2]
    assert get_rule_set(eng, 2).rule("days_since_activity").threshold == 21
    assert get_rule_set(eng, 2).author == "Dana (VP Sales)"
    page.refresh()
    page.compare_combo.setCurrentIndex(page.compare_combo.findData(1))
    assert "threshold > 14 -> > 21" in page.diff_label.text()


def test_a_bad_number_in_the_rules_table_is_refused(qtbot, page, messages):
    page.refresh()
    page.rules_table.item(0, 4).setText("lots")
    page.save_rules()
    assert "must be numbers" in messages[-1]


def test_validation_sample_records_leadership_expectations(qtbot, page):
    page.sample_size.setValue(10)
    page.sample_pool.setCurrentText("both")
    _wait(qtbot, page, page.pick_sample)
    page.refresh()
    assert page.validation_table.rowCount() == 10
    for i in range(10):
        band = page.validation_table.item(i, 1).text()
        page.validation_table.cellWidget(i, 5).setCurrentText(band if i % 2 else "high")
    page.reviewer_edit.setText("VP Sales")
    _wait(qtbot, page, page.save_expectations)
    page.refresh()
    assert "10 of 10 reviewed" in page.agreement_label.text()
    assert "Cohen's kappa" in page.agreement_label.text()


def test_recalibration_check_reports_a_verdict(qtbot, page):
    assert "press Run the quarterly check" in page.recal_view.toPlainText()  # not a blank tab
    report = _wait(qtbot, page, page.run_recalibration)
    assert asof.dates_in(report.verdict) in page.recal_view.toPlainText()
    assert not ISO_DAY.search(page.recal_view.toPlainText())


def test_the_last_stored_calibration_is_shown_when_the_page_opens(qtbot, page_context):
    from workbench.scoring.operations import calibrate_rules

    fill_synthetic_history(page_context.engagement, n_closed=600, n_open=40, seed=5)
    done = calibrate_rules(page_context.engagement)
    report = done.report
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.report is not None and page.report.run_id == report.run_id
    assert page.calibration_run.id == done.run.id
    assert f"run #{done.run.id}" in page.metrics_label.text()
    _says_the_calibration_once(page, report)
    assert page.weights_table.rowCount() == len(report.weights)
    assert page.chart.figure is not None
