"""Maintenance checks and the maintenance task library."""

from __future__ import annotations

import pytest

from workbench.audits import maintenance_tasks, run_capture, run_maintenance


def test_library_lists_the_monthly_and_quarterly_tasks_of_each_project_kind():
    ri = maintenance_tasks("revenue-intelligence", "single-project")
    assert [t.task for t in ri.monthly] == [
        "Recording coverage audit",
        "Deal scoring accuracy check",
        "Dashboard usage audit",
        "Forecast submission compliance",
        "Integration health check",
    ]
    assert len(ri.quarterly) == 4
    assert (ri.owner, ri.handed_off_at) == ("Customer", "4c External Handoff")
    assert ri.monthly[0].threshold == 0.90 and ri.monthly[0].target == 0.95
    ci = maintenance_tasks("conversation-intelligence", "dedicated")
    assert ci.owner == "Architect"
    assert {t.id: t.threshold for t in ci.monthly}["tracker_accuracy"] == 0.30
    assert any(t.trigger == "Adoption decline" for t in ci.refinement_triggers)
    with pytest.raises(ValueError):
        maintenance_tasks("sales-enablement")


def _usage(eng):
    from audits_loaders import insert_rows

    rows = []
    # Four whole weeks before Sunday 2026-03-15: 16 Feb - 15 Mar. Maggie (manager) opens
    # dashboards on 1 day a week; Alice logs in every weekday of the first two weeks.
    for week in range(4):
        day = 16 + 7 * week
        month, dom = (2, day) if day <= 28 else (3, day - 28)
        rows.append({"crm_id": f"g{week}", "user_crm_id": "m1", "day": f"2026-{month:02d}-{dom:02d}",
                     "logins": 1, "dashboard_views": 3, "calls_reviewed": 2})  # fmt: skip
    for i, dom in enumerate((16, 17, 18, 23, 24)):
        rows.append({"crm_id": f"a{i}", "user_crm_id": "u1", "day": f"2026-02-{dom:02d}",
                     "logins": 2, "dashboard_views": 0})  # fmt: skip
    rows.append({"crm_id": "b0", "user_email": "BOB@northwind.com", "day": "2026-01-05",
                 "logins": 1})  # fmt: skip
    insert_rows(eng, "platform_usage", rows)


def test_checks_are_measured_against_their_red_flags(acme):
    _usage(acme)
    checks = {c.task_id: c for c in run_maintenance(acme).checks}
    coverage = checks["recording_coverage"]
    capture = run_capture(acme, record=False)  # the same figure the Gap Analysis shows
    assert (coverage.value, coverage.n) == (capture.rate, capture.total)
    assert (coverage.value, coverage.n, coverage.status) == (pytest.approx(7 / 10), 10, "red flag")
    dashboards = checks["dashboard_usage"]
    assert (dashboards.value, dashboards.status) == (1.0, "red flag")  # 1 day a week < 2
    assert checks["scoring_spot_check"].status == "not measurable"
    assert "calibrate the deal scoring" in checks["scoring_spot_check"].detail
    assert checks["benchmark_refresh"].status == "manual"


def test_thresholds_are_editable_per_engagement(acme):
    _usage(acme)
    acme.set_setting("audits.maintenance_thresholds", {"manager_dashboard_usage": 1.0,
                                                      "recording_coverage": 0.5})  # fmt: skip
    checks = {c.task_id: c for c in run_maintenance(acme).checks}
    assert checks["dashboard_usage"].status == "ok"
    assert checks["recording_coverage"].status == "ok"
    assert checks["recording_coverage"].threshold == 0.5


def test_conversation_intelligence_checks_adoption_and_says_trackers_need_labels(acme):
    _usage(acme)
    acme.update_meta(project_kind="conversation-intelligence")
    result = run_maintenance(acme)
    checks = {c.task_id: c for c in result.checks}
    # Licensed = users seen in the usage export: m1, u1, u2 (by e-mail). Weekly active:
    # weeks 1-2: m1 and u1, weeks 3-4: m1 only -> mean (2+2+1+1)/4/3 = 0.5.
    adoption = checks["adoption"]
    assert (adoption.value, adoption.n, adoption.status) == (pytest.approx(0.5), 3, "red flag")
    assert checks["tracker_accuracy"].status == "not measurable"
    assert "marked relevant or noise" in checks["tracker_accuracy"].detail
    # Active CRM users never seen in the usage export: none (Carol is inactive).
    assert checks["user_provisioning"].value == 0.0


def test_forecast_compliance_counts_rep_weeks_with_a_submission(acme):
    from audits_loaders import insert_rows

    insert_rows(acme, "forecast_submissions", [
        {"crm_id": f"w{i}", "period": "FY2026-Q1", "owner_crm_id": "u1", "category": "Commit",
         "amount": 1, "submitted_at": f"2026-{day}T09:00:00"}
        for i, day in enumerate(("02-16", "02-23", "03-02", "03-09"))
    ])  # fmt: skip
    # Open-deal owners who are active reps: Alice (u1) and Bob (u2); Alice every week.
    check = {c.task_id: c for c in run_maintenance(acme).checks}["forecast_compliance"]
    assert (check.value, check.n, check.status) == (0.5, 8, "red flag")


def test_sync_errors_come_from_recent_import_rejects(acme):
    with acme.atomic() as conn:
        conn.execute(
            "INSERT INTO imports (id, entity, source_name, profile, started_at) "
            "VALUES (1, 'opportunities', 'opps.csv', 'salesforce', '2026-03-01T10:00:00')"
        )
        conn.executemany(
            "INSERT INTO import_rejects (import_id, row_number, reason) VALUES (1, ?, 'bad date')",
            [(n,) for n in range(7)],
        )
    acme.update_meta(project_kind="conversation-intelligence")
    check = {c.task_id: c for c in run_maintenance(acme).checks}["crm_sync_health"]
    assert (check.value, check.status) == (7.0, "red flag")
    assert "opps.csv: 7" in check.detail


def test_scoring_spot_check_reads_the_latest_calibration_run(acme):
    from workbench.models.runs import save_run

    # the share the calibration measured (its own way) is the one the check shows
    report = {"low_risk_lost_share": 0.5, "hand_set": {"low_risk_count": 4}}
    with acme.atomic():
        run = save_run(acme, "calibration", report)
    check = {c.task_id: c for c in run_maintenance(acme).checks}["scoring_spot_check"]
    assert (check.value, check.n, check.status) == (0.5, 4, "red flag")
    assert f"calibration run #{run.id}" in check.detail
    quarterly = {c.task_id: c for c in run_maintenance(acme).checks}["scoring_recalibration"]
    assert (quarterly.value, quarterly.status) == (0.5, "red flag")


def test_a_suite_lets_the_deals_go_in_baselines_and_maintenance_counts_the_same(acme):
    """In a suite, baselines let the opportunities go once their deal frame is built
    (maintenance reads no more than the owners of open deals, kept); every figure equals
    the audits run one by one, and run alone baselines keep the table."""
    from audits_loaders import insert_rows

    from workbench.audits import run_audits, run_baselines
    from workbench.audits.common import AuditData

    insert_rows(acme, "forecast_submissions", [
        {"crm_id": f"w{i}", "period": "FY2026-Q1", "owner_crm_id": "u1", "category": "Commit",
         "amount": 1, "submitted_at": f"2026-{day}T09:00:00"}
        for i, day in enumerate(("02-16", "02-23", "03-02", "03-09"))
    ])  # fmt: skip
    alone = AuditData(acme)
    run_baselines(acme, data=alone, record=False)
    assert "opportunities" in alone._frames  # on its own: nothing let go early

    seen: dict[str, bool] = {}
    original = AuditData.done_with

    def watching(self, *names):
        original(self, *names)
        seen["deals loaded after done_with"] = "opportunities" in self._frames

    AuditData.done_with = watching
    try:
        run = run_audits(acme, ["baselines", "maintenance"], record=False)
    finally:
        AuditData.done_with = original
    assert seen == {"deals loaded after done_with": False}
    suite = {c.task_id: c for c in run.results["maintenance"].checks}["forecast_compliance"]
    # Open-deal owners who are active reps: Alice (u1) and Bob (u2); Alice every week.
    assert (suite.value, suite.n, suite.status) == (0.5, 8, "red flag")
    open_owners = {
        r[0]
        for r in acme.conn.execute(
            "SELECT DISTINCT owner_crm_id FROM opportunities WHERE is_closed = 0 "
            "AND owner_crm_id IS NOT NULL"
        )
    }
    assert AuditData(acme).open_deal_owners() == open_owners
