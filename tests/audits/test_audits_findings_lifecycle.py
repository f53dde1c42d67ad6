"""Findings start ASSUMED; a confirmed finding keeps its status when the audit re-runs."""

from __future__ import annotations

from workbench.audits import run_crm_hygiene
from workbench.models.findings import finding_history, list_findings, set_status


def test_rerun_on_changed_data_keeps_status_and_grows_history(acme):
    run_crm_hygiene(acme)
    stored = {f.key: f for f in list_findings(acme, "crm-hygiene")}
    assert {f.status for f in stored.values()} == {"ASSUMED"}
    next_steps = stored["crm-hygiene.next_steps.missing"]
    set_status(acme, next_steps.id, "CONFIRMED", "RevOps agrees", meeting_id=7)

    # New data: another open deal without a next step; and o12 gets fixed.
    with acme.atomic() as conn:
        conn.execute(
            "INSERT INTO opportunities (crm_id, owner_crm_id, account_crm_id, stage, "
            "close_date, created_date, is_closed, is_won, probability) VALUES "
            "('o13', 'u1', 'a1', 'Prospecting', '2026-06-01', '2026-03-14', 0, 0, 10)"
        )
        conn.execute("UPDATE opportunities SET stage='Prospecting', probability=10, "
                     "forecast_category='Pipeline' WHERE crm_id='o12'")  # fmt: skip
    run_crm_hygiene(acme)

    again = {f.key: f for f in list_findings(acme, "crm-hygiene", current_only=False)}
    updated = again["crm-hygiene.next_steps.missing"]
    assert (updated.id, updated.status, updated.meeting_id) == (next_steps.id, "CONFIRMED", 7)
    assert updated.affected_count == 2
    assert updated.affected_ids == ["o13", "o8"]
    events = [h.event for h in finding_history(acme, updated.id)]
    assert events == ["found", "status", "measured again"]
    gone = again["crm-hygiene.stages.closed_not_flagged"]
    assert not gone.is_current
    assert [h.event for h in finding_history(acme, gone.id)][-1] == "no longer found"
