"""Hypercare decisions from synthetic usage; maintenance owner; triggers; reminders."""

from __future__ import annotations

from datetime import date, timedelta

import workbench.lifecycle as lc


def _users(eng, managers: int, reps: int, team: str = "West") -> tuple[list[str], list[str]]:
    mids = [f"M{i}" for i in range(managers)]
    rids = [f"R{i}" for i in range(reps)]
    with eng.atomic() as conn:
        for uid in mids:
            conn.execute(
                "INSERT INTO users (crm_id, name, role, team, is_active) "
                "VALUES (?, ?, 'Sales Manager', ?, 1)",
                (uid, uid, team),
            )
        for uid in rids:
            conn.execute(
                "INSERT INTO users (crm_id, name, role, team, is_active) "
                "VALUES (?, ?, 'Account Executive', ?, 1)",
                (uid, uid, team),
            )
    return mids, rids


def _usage(eng, uid: str, day: date, logins=1, reviewed=0, comments=0, views=0) -> None:
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO platform_usage (crm_id, user_crm_id, day, logins, calls_reviewed, "
            "comments, dashboard_views) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (f"{uid}-{day}", uid, day.isoformat(), logins, reviewed, comments, views),
        )


def _ci_sprint(eng, active_per_week: list[int], manager_comments: int = 1) -> None:
    """20 licensed users (4 managers, 16 reps); week n has active_per_week[n-1] active."""
    mids, rids = _users(eng, 4, 16)
    start = date(2026, 10, 19)
    lc.set_go_live(eng, start)
    everyone = mids + rids
    for week, active in enumerate(active_per_week):
        monday = start + timedelta(days=7 * week)
        for uid in everyone:
            # Every user appears in the export (zero logins when inactive).
            is_active = uid in mids or everyone.index(uid) < active
            if uid in mids:
                _usage(eng, uid, monday, 1, reviewed=4, comments=manager_comments, views=1)
            else:
                _usage(eng, uid, monday, 1 if is_active else 0, reviewed=2 if is_active else 0)


def test_ci_sprint_meeting_the_weekly_ladder_proceeds_to_handoff(ci_engagement):
    eng = ci_engagement
    eng.set_setting("as_of_date", "2026-11-16")
    _ci_sprint(eng, [13, 15, 16, 17])
    report = lc.adoption_report(eng)
    assert report.complete and report.planned_weeks == 4
    wau = [next(k for k in w.kpis if k.key == "weekly_active_users") for w in report.weeks[:4]]
    assert [k.value for k in wau] == [65.0, 75.0, 80.0, 85.0]
    assert [k.target for k in wau] == [60, 70, 75, 80]
    assert all(k.met for k in wau)
    assert report.decision == "proceed-to-handoff"
    assert report.red_flags == []
    gate = next(g for g in lc.gates(eng) if g.subphase == "3d")
    adoption = next(c for c in gate.conditions if c.key == "3d-adoption")
    hypercare = next(c for c in gate.conditions if c.key == "3d-hypercare")
    assert adoption.met and hypercare.met


def test_ci_sprint_below_target_and_silent_managers_extends_hypercare(ci_engagement):
    eng = ci_engagement
    eng.set_setting("as_of_date", "2026-11-16")
    _ci_sprint(eng, [10, 11, 12, 12], manager_comments=0)
    report = lc.adoption_report(eng)
    assert report.decision == "extend-hypercare"
    week4 = {k.key: k for k in report.weeks[3].kpis}
    assert week4["weekly_active_users"].value == 60.0  # 4 managers + 8 reps of 20 licensed
    assert week4["weekly_active_users"].red_flag  # below the 70% floor
    assert week4["managers_coaching"].value == 0 and week4["managers_coaching"].red_flag
    assert any(r.startswith("Weekly active users is 60%, target 80%") for r in report.reasons)
    assert any(r.startswith("Managers leaving coaching comments is 0") for r in report.reasons)
    assert any(f == "Week 4: Weekly active users 60% (red flag)" for f in report.red_flags)


def test_sprint_in_progress_says_how_long_is_left(ci_engagement):
    eng = ci_engagement
    eng.set_setting("as_of_date", "2026-10-30")
    _ci_sprint(eng, [13, 15])
    report = lc.adoption_report(eng)
    assert report.decision == "in-progress"
    assert report.reasons == [
        "Hypercare runs 4 weeks from 2026-10-19; 1 full week done, 16 days to go."
    ]


def _ri_hypercare(eng, recorded_of_20: int) -> None:
    mids, rids = _users(eng, 3, 10)
    start = date(2026, 11, 2)
    lc.set_go_live(eng, start)
    eng.set_setting("as_of_date", "2026-11-16")
    with eng.atomic() as conn:
        for week in range(2):
            monday = start + timedelta(days=7 * week)
            for n in range(20):
                conn.execute(
                    "INSERT INTO meetings (crm_id, channel, is_external, started_at, "
                    "is_recorded) VALUES (?, 'zoom', 1, ?, ?)",
                    (
                        f"m{week}-{n}",
                        f"{monday + timedelta(days=n % 5)}T15:00:00",
                        int(n < recorded_of_20),
                    ),
                )
            for i, rid in enumerate(rids[:9]):
                conn.execute(
                    "INSERT INTO forecast_submissions (crm_id, period, owner_crm_id, category, "
                    "amount, submitted_at) VALUES (?, 'FY2027-Q1', ?, 'Commit', 1000, ?)",
                    (f"f{week}-{i}", rid, f"{monday + timedelta(days=4)}T17:00:00"),
                )
    for week in range(2):
        monday = start + timedelta(days=7 * week)
        for mid in mids:
            for d in range(3):
                _usage(eng, mid, monday + timedelta(days=d), views=2)
        for rid in rids:
            _usage(eng, rid, monday, reviewed=1)


def test_ri_two_week_hypercare_proceeds_when_all_four_kpis_meet_target(ri_engagement):
    _ri_hypercare(ri_engagement, recorded_of_20=19)
    report = lc.adoption_report(ri_engagement)
    final = {k.key: k for k in report.weeks[1].kpis}
    assert final["recording_coverage"].value == 95.0
    assert final["manager_dashboard_access"].value == 3.0
    assert final["forecast_compliance"].value == 90.0
    assert final["rep_self_review"].value == 1.0
    assert report.decision == "proceed-to-handoff"


def test_ri_low_recording_coverage_extends_hypercare_unless_a_lower_level_is_agreed(ri_engagement):
    _ri_hypercare(ri_engagement, recorded_of_20=17)
    report = lc.adoption_report(ri_engagement)
    assert report.decision == "extend-hypercare"
    assert report.reasons == [
        "Call recording coverage is 85%, target 95% (17 of 20 external meetings recorded)"
    ]
    # The customer agreed 85% as acceptable (the playbook allows an agreed threshold).
    lc.set_criterion(ri_engagement, "recording_coverage", target=85)
    assert lc.adoption_report(ri_engagement).decision == "proceed-to-handoff"


def test_maintenance_owner_follows_the_engagement_type(ri_engagement, ci_engagement):
    single = lc.maintenance_owner(ri_engagement)
    assert (single.owner, single.handed_off_at) == ("Customer", "4c")
    assert single.retention_path[0] == "Offer managed services (retainer)"
    dedicated = lc.maintenance_owner(ci_engagement)
    assert (dedicated.owner, dedicated.handed_off_at) == ("Architect", "4b")
    ri_engagement.update_meta(engagement_type="dedicated")
    assert lc.maintenance_owner(ri_engagement).owner == "Architect"


def test_reminders_put_the_prep_two_weeks_before_the_check_in(ci_engagement):
    eng = ci_engagement
    lc.set_go_live(eng, "2026-12-01")
    reminders = {r.title: r.date for r in lc.reminders(eng)}
    checkin = reminders["Refinement check-in with Beta Inc"]
    assert checkin == date(2026, 12, 1) + timedelta(days=91)
    assert reminders["Prepare the Beta Inc refinement check-in"] == checkin - timedelta(days=14)
    lc.set_checkin(eng, "2027-03-10")
    reminders = {r.title: r.date for r in lc.reminders(eng)}
    assert reminders["Refinement check-in with Beta Inc"] == date(2027, 3, 10)
    assert reminders["Prepare the Beta Inc refinement check-in"] == date(2027, 2, 24)
    assert reminders["30-day follow-up with Beta Inc"] == date(2026, 12, 31)
    assert reminders["Beta Inc: hypercare ends"] == date(2026, 12, 28)


def test_single_project_has_no_check_in_but_booked_meetings_and_due_items(ri_engagement):
    lc.record_meeting(
        ri_engagement, "sign-off", "2026-12-04", title="Strategic sign-off", attendees=["Dana"]
    )
    lc.set_checklist_item(ri_engagement, "1d-scoring", due_date="2026-12-01", owner="Dana")
    titles = [(r.date.isoformat(), r.title) for r in lc.reminders(ri_engagement)]
    assert titles == [
        ("2026-12-01", "Due: 1d Deal scoring criteria approved by sales leadership"),
        ("2026-12-04", "Strategic sign-off with Acme Corp"),
    ]


def test_refinement_triggers_from_data(ci_engagement, ri_engagement):
    # Conversation intelligence: adoption and manager coaching over the last weeks.
    eng = ci_engagement
    _ci_sprint(eng, [13, 15, 8, 8, 8], manager_comments=0)  # weeks to 2026-11-22
    triggers = {t.key: t for t in lc.refinement_triggers(eng)}
    assert triggers["adoption_decline"].state == "triggered"
    assert triggers["adoption_decline"].reason.startswith("40% weekly active")
    assert triggers["manager_coaching_stopped"].state == "clear"  # 4 reviews/manager/week
    assert triggers["methodology_change"].state == "clear"
    lc.set_intake(eng, "methodology", "MEDDIC", status="CONFIRMED")
    assert {t.key: t for t in lc.refinement_triggers(eng)}[
        "methodology_change"
    ].state == "triggered"
    assert triggers["crm_sync_broken"].state == "unknown"
    lc.set_intake(eng, "teams", "East")
    new_team = {t.key: t for t in lc.refinement_triggers(eng)}["new_team_rollout"]
    assert (new_team.state, new_team.reason) == ("triggered", "new in the roster: West (20 users)")

    # Revenue intelligence: forecast accuracy against its peak.
    lc.set_criterion(ri_engagement, "forecast_accuracy", baseline=62)
    lc.set_criterion(ri_engagement, "forecast_accuracy", current=80)
    t = {t.key: t for t in lc.refinement_triggers(ri_engagement)}["forecast_accuracy_decline"]
    assert t.state == "clear"
    lc.set_criterion(ri_engagement, "forecast_accuracy", current=68)
    t = {t.key: t for t in lc.refinement_triggers(ri_engagement)}["forecast_accuracy_decline"]
    assert (t.state, t.reason) == ("triggered", "now 68%, peak 80% (12 points below)")


def test_criterion_baseline_comes_from_the_baselines_audit(ri_engagement):
    from workbench.models.findings import Finding, record_findings

    record_findings(
        ri_engagement,
        "baselines",
        [
            Finding("baselines.win_rate", "baselines", "info", "Win rate", metric=0.214),
            Finding("baselines.cycle_days", "baselines", "info", "Cycle", metric=93.6),
            Finding("baselines.forecast_accuracy.FY2026-Q1", "baselines", "low", "FA", metric=0.58),
            Finding("baselines.forecast_accuracy.FY2026-Q2", "baselines", "low", "FA", metric=0.64),
            Finding("baselines.forecast_accuracy.FY2025-Q4", "baselines", "low", "FA", metric=0.61),
            Finding("baselines.forecast_accuracy.FY2026-Q3", "baselines", "low", "FA", metric=0.63),
            Finding("baselines.slippage.FY2026-Q3", "baselines", "medium", "Slip", metric=0.3),
        ],
    )
    crits = {c.key: c for c in lc.criteria(ri_engagement)}
    assert (crits["win_rate"].baseline, crits["win_rate"].baseline_source) == (
        21.4,
        "baselines audit (baselines.win_rate)",
    )
    assert crits["cycle_days"].baseline == 93.6  # days stay days
    fa = crits["forecast_accuracy"]
    assert (fa.baseline, fa.baseline_source) == (
        61.5,
        "baselines audit (mean of 4 quarters, FY2025-Q4 to FY2026-Q3)",
    )
    assert fa.suggested_target == 76.5  # 15 points better
    assert crits["slippage_rate"].suggested_target == 21.0  # 30% fewer
    # Recording coverage comes from the capture audit's overall rate.
    record_findings(
        ri_engagement,
        "capture",
        [Finding("capture.overall", "capture", "high", "Capture 78.4%", metric=0.7838)],
    )
    cov = next(c for c in lc.criteria(ri_engagement) if c.key == "recording_coverage")
    assert (cov.baseline, cov.baseline_source) == (78.38, "capture audit (capture.overall)")
    # An entered baseline wins over the audit's.
    lc.set_criterion(ri_engagement, "win_rate", baseline=23, baseline_source="CRO's own figure")
    crit = next(c for c in lc.criteria(ri_engagement) if c.key == "win_rate")
    assert (crit.baseline, crit.baseline_source) == (23.0, "CRO's own figure")


def test_a_suggested_percentage_target_never_exceeds_100(ri_engagement):
    lc.set_criterion(ri_engagement, "forecast_accuracy", baseline=92)
    crit = next(c for c in lc.criteria(ri_engagement) if c.key == "forecast_accuracy")
    assert crit.suggested_target == 100.0
