"""Gates are computed from what the engagement holds, and flip as the data changes."""

from __future__ import annotations

import workbench.lifecycle as lc
from workbench.models.findings import Finding, list_findings, record_findings, set_status


def _gate(eng, subphase):
    return next(g for g in lc.gates(eng) if g.subphase == subphase)


def _condition(eng, subphase, key):
    return next(c for c in _gate(eng, subphase).conditions if c.key == key)


def _tick_manual(eng, subphase):
    """Tick the gate's manual checkpoints and the milestones before it."""
    letter = subphase[1]
    for item in lc.checklist(eng):
        if item.phase == int(subphase[0]) and (
            (item.kind == "milestone" and item.subphase[1] < letter)
            or (item.subphase == subphase and item.kind == "checkpoint" and not item.computed)
        ):
            lc.set_checklist_item(eng, item.key, status="done")


def test_strategic_sign_off_flips_as_each_condition_is_met(ri_engagement):
    eng = ri_engagement
    gate = _gate(eng, "1d")
    assert not gate.met and gate.name == "Strategic sign-off"
    _tick_manual(eng, "1d")

    # Definitions approved.
    assert not _condition(eng, "1d", "1d-definitions").met
    for d in lc.definitions(eng):
        if d.required:
            lc.set_definition(eng, d.key, approved=True, approver="Dana Lee (CRO)")
    assert _condition(eng, "1d", "1d-definitions").reason == "all 6 required terms approved"

    # Baselines documented: a baselines audit finding is enough.
    assert not _condition(eng, "1d", "1d-baselines").met
    record_findings(
        eng,
        "baselines",
        [
            Finding(
                "baselines:forecast_accuracy",
                "baselines",
                "info",
                "Forecast accuracy 62%",
                metric=0.62,
            )
        ],
    )
    assert _condition(eng, "1d", "1d-baselines").met

    # Platform: no evaluation yet -> an evaluation -> its selected vendor.
    cond = _condition(eng, "1d", "1d-platform")
    assert (cond.met, cond.reason) == (False, "no evaluation yet")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluations (name, template, created_at, updated_at) "
            "VALUES ('Shortlist', 'revenue-intelligence', '2026-11-10T09:00:00', "
            "'2026-11-10T09:00:00')"
        )
    assert _condition(eng, "1d", "1d-platform").reason == "evaluation run but no vendor selected"
    with eng.atomic() as conn:
        conn.execute("UPDATE evaluations SET selected_vendor = 'Gong'")
    cond = _condition(eng, "1d", "1d-platform")
    assert cond.met and cond.reason.startswith("Gong selected")

    # Consent: the legal review approved and confirmed.
    lc.set_intake(eng, "consent_review", "approved")
    assert not _condition(eng, "1d", "1d-consent").met  # still ASSUMED
    lc.set_intake(eng, "consent_review", status="CONFIRMED")
    assert _condition(eng, "1d", "1d-consent").met

    # Success criteria: baseline and target for each included criterion.
    cond = _condition(eng, "1d", "1d-criteria")
    assert not cond.met and "Win rate (baseline)" in cond.reason
    values = {
        "forecast_accuracy": (None, 77),
        "win_rate": (21, 25),
        "slippage_rate": (30, 21),
        "cycle_days": (94, 80),
        "ramp_days": (120, 96),
        "recording_coverage": (40, 95),
    }
    for key, (base, target) in values.items():
        kw = {"target": target} if base is None else {"baseline": base, "target": target}
        lc.set_criterion(eng, key, **kw)
    assert _condition(eng, "1d", "1d-criteria").reason == "6 criteria with baseline and target"

    # No critical input left ASSUMED: intake and critical findings.
    record_findings(
        eng,
        "crm_hygiene",
        [
            Finding(
                "dup-accounts",
                "crm_hygiene",
                "critical",
                "412 duplicate accounts",
                affected_count=412,
            )
        ],
    )
    cond = _condition(eng, "1d", "1d-confirmed")
    assert "1 critical findings ASSUMED" in cond.reason and "critical intake items" in cond.reason
    samples = {"text": "as described by RevOps", "list": "Zoom, Teams", "counts": "reps=40"}
    for item in lc.intake(eng):
        if item.critical and item.status == "ASSUMED":
            value = (
                item.value
                if item.is_filled
                else (item.choices[-2] if item.type == "choice" else samples[item.type])
            )
            lc.set_intake(eng, item.key, value, status="CONFIRMED")
    assert "critical intake" not in _condition(eng, "1d", "1d-confirmed").reason
    assert not _gate(eng, "1d").met
    dup = next(f for f in list_findings(eng) if f.key == "dup-accounts")
    set_status(eng, dup.id, "CONFIRMED")

    gate = _gate(eng, "1d")
    assert gate.met, gate.reasons
    assert any(r.startswith("Platform selected") for r in gate.reasons)
    assert lc.current_phase(eng).number == 2


def test_current_phase_can_be_pinned_and_released(ri_engagement):
    lc.set_phase_override(ri_engagement, 3)
    phase = lc.current_phase(ri_engagement)
    assert (phase.number, phase.name, phase.overridden) == (3, "Enablement", True)
    lc.set_phase_override(ri_engagement, None)
    assert lc.current_phase(ri_engagement).number == 1


def test_marking_a_computed_checkpoint_not_applicable_accepts_it(ri_engagement):
    cond = _condition(ri_engagement, "1d", "1d-platform")
    assert not cond.met
    lc.set_checklist_item(ri_engagement, "1d-platform", status="n-a", note="Gong already procured")
    cond = _condition(ri_engagement, "1d", "1d-platform")
    assert (cond.met, cond.reason) == (True, "marked not applicable")


def test_platform_chosen_before_the_engagement_counts_once_confirmed(ci_engagement):
    lc.set_intake(ci_engagement, "selected_platform", "Gong (already procured)")
    cond = _condition(ci_engagement, "1d", "1d-platform")
    assert not cond.met and "still ASSUMED" in cond.reason
    lc.set_intake(ci_engagement, "selected_platform", status="CONFIRMED")
    assert _condition(ci_engagement, "1d", "1d-platform").met


def test_ci_access_and_roster_conditions(ci_engagement):
    eng = ci_engagement
    assert not _condition(eng, "1d", "1d-crm-access").met
    lc.set_intake(eng, "crm_admin_access", "granted", status="CONFIRMED")
    lc.set_intake(eng, "video_admin_access", "Tested", status="CONFIRMED")
    assert _condition(eng, "1d", "1d-crm-access").met
    lc.set_intake(eng, "team_sizes", "reps=40, managers=6, executives=3", status="CONFIRMED")
    cond = _condition(eng, "1d", "1d-user-list")
    assert (cond.met, cond.reason) == (True, "roster confirmed (49 users by role)")


def test_handoff_gate_needs_current_values_and_a_booked_check_in(ci_engagement):
    eng = ci_engagement
    _tick_manual(eng, "4d")
    gate = _gate(eng, "4d")
    assert not gate.met
    assert any("book the refinement check-in" in r for r in gate.reasons)
    for c in lc.criteria(eng):
        lc.set_criterion(eng, c.key, current=50)
    lc.set_checkin(eng, "2027-03-01")
    gate = _gate(eng, "4d")
    assert gate.met, gate.reasons
    assert any("Architect owns maintenance" in r for r in gate.reasons)


def test_open_critical_issue_blocks_the_enablement_gate(ri_engagement):
    record_findings(
        ri_engagement,
        "capture",
        [Finding("zoom-sync", "capture", "critical", "Zoom recordings not syncing")],
    )
    cond = _condition(ri_engagement, "3d", "3d-no-critical")
    assert not cond.met and "Zoom recordings not syncing" in cond.reason
    finding = list_findings(ri_engagement)[0]
    set_status(ri_engagement, finding.id, "RESOLVED", "fixed the OAuth app")
    assert _condition(ri_engagement, "3d", "3d-no-critical").met


def test_a_hand_ticked_condition_says_plainly_why_it_is_open(ri_engagement):
    """An open manual checkpoint reads "not ticked" (no internal status code), and says
    when work on it has started."""
    eng = ri_engagement
    manual = next(
        c for c in _gate(eng, "2d").conditions if c.title == "Built system matches the tech spec"
    )
    assert manual.reason == "not ticked"
    lc.set_checklist_item(eng, manual.key, status="in-progress")
    assert _condition(eng, "2d", manual.key).reason == "not ticked (in progress)"
    lc.set_checklist_item(eng, manual.key, status="done")
    assert _condition(eng, "2d", manual.key).reason.startswith("ticked done on ")
