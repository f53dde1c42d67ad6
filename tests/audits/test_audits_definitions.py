"""The definitions a CRO checks (issue 12 item 8), on a hand-made quarter: slippage
counts deals that moved out of the quarter or stayed open after it, and is not
measurable without history; forecast accuracy is shown pooled and per rep."""

from __future__ import annotations

from audits_loaders import insert_rows

from workbench.audits.baselines import run_baselines

Q4 = "FY2025-Q4"  # October to December 2025 (fiscal year starts in January)


def deal(crm_id, owner, created, close, *, closed, won, amount=100.0):
    return {"crm_id": crm_id, "name": crm_id, "owner_crm_id": owner, "stage": "x",
            "amount": amount, "created_date": created, "close_date": close,
            "is_closed": int(closed), "is_won": int(won)}  # fmt: skip


def build(eng, *, history: bool = True) -> None:
    eng.set_setting("as_of_date", "2026-01-15")
    insert_rows(eng, "users", [
        {"crm_id": "u1", "name": "Ann", "is_active": 1},
        {"crm_id": "u2", "name": "Ben", "is_active": 1},
    ])  # fmt: skip
    insert_rows(eng, "opportunities", [
        # Forecast in Q4 (open at its start with a Q4 close date, or created in it):
        deal("d1", "u1", "2025-09-01", "2025-11-10", closed=True, won=True, amount=200),
        deal("d2", "u1", "2025-09-01", "2026-02-15", closed=False, won=False),  # moved out
        deal("d3", "u2", "2025-09-01", "2025-12-15", closed=False, won=False),  # still open
        deal("d4", "u2", "2025-10-05", "2025-11-30", closed=True, won=False),  # lost in Q4
        deal("d5", "u2", "2025-10-01", "2025-12-01", closed=True, won=True, amount=200),
    ])  # fmt: skip
    if history:
        insert_rows(eng, "opportunity_history", [
            {"opportunity_crm_id": "d2", "changed_at": "2025-09-01T09:00:00",
             "close_date": "2025-12-01"},
            {"opportunity_crm_id": "d2", "changed_at": "2025-12-20T09:00:00",
             "close_date": "2026-02-15"},
        ])  # fmt: skip
    insert_rows(eng, "forecast_submissions", [
        # Ann forecast 100 and won 200; Ben forecast 300 and won 200: the pooled
        # forecast (400) equals the pooled actual (400) though each rep was 50% off.
        {"crm_id": "f1", "period": Q4, "owner_crm_id": "u1", "category": "Commit",
         "amount": 100, "submitted_at": "2025-10-02T00:00:00"},
        {"crm_id": "f2", "period": Q4, "owner_crm_id": "u2", "category": "Commit",
         "amount": 300, "submitted_at": "2025-10-02T00:00:00"},
    ])  # fmt: skip


def test_slippage_counts_moved_and_still_open_deals(new_engagement):
    build(new_engagement)
    result = run_baselines(new_engagement, record=False)
    q4 = result.slippage["by_quarter"][Q4]
    # d1..d5 were forecast in Q4; d2 moved to February and d3 is still open after Q4.
    assert (q4["slipped"], q4["forecast_in_quarter"], q4["rate"]) == (2, 5, 0.4)
    finding = next(f for f in result.findings if f.key == f"baselines.slippage.{Q4}")
    assert "2 of 5 deals" in finding.detail and "still open after it" in finding.detail


def test_slippage_without_history_is_not_measurable(new_engagement):
    build(new_engagement, history=False)
    result = run_baselines(new_engagement, record=False)
    q4 = result.slippage["by_quarter"][Q4]
    assert q4["rate"] is None and result.slippage["overall"]["rate"] is None
    assert not any(".slippage." in f.key for f in result.findings)
    assert any("slippage is not measurable" in n for n in result.notes)


def test_forecast_accuracy_pooled_and_per_rep(new_engagement):
    build(new_engagement)
    result = run_baselines(new_engagement, record=False)
    q4 = result.forecast_accuracy["by_quarter"][Q4]
    assert q4["accuracy"] == 1.0  # 1 - |400 - 400| / 400
    # Each rep: 1 - |200 - 100| / 200 = 0.5 and 1 - |200 - 300| / 200 = 0.5.
    assert q4["reps"] == {"mean": 0.5, "median": 0.5, "lowest": 0.5, "highest": 0.5, "n": 2}
    finding = next(f for f in result.findings if f.key == f"baselines.forecast_accuracy.{Q4}")
    assert finding.title == f"{Q4}: forecast accuracy 100.0% pooled"
    assert "The reps' own accuracies: mean 50.0%" in finding.detail


def test_each_definition_is_written_once_the_same_in_docs_and_document():
    from pathlib import Path

    from workbench.audits.baselines import DEFINITIONS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "audits.md").read_text("utf-8")
    for name, text in DEFINITIONS.items():
        assert f"- **{name}**: {text}" in docs.replace("\n", " ").replace("  ", " ") or (
            f"- **{name}**: {text}" in docs
        ), name


def test_gate_blocking_findings_are_critical_and_gates_1d_and_3d_list_them(acme):
    from workbench.audits import run_audits
    from workbench.lifecycle.gates import gates
    from workbench.models.findings import list_findings

    run_audits(acme, ["crm-hygiene"])
    found = {f.key: f for f in list_findings(acme)}
    # o12 sits in "Closed Won" (agreed as closed) without the closed flag: a stage
    # definition conflict, critical by rule; a stage outside the list stays high.
    conflict = found["crm-hygiene.stages.closed_not_flagged"]
    assert conflict.severity == "critical"
    assert found["crm-hygiene.stages.outside_list"].severity == "high"
    by_sub = {g.subphase: g for g in gates(acme)}
    for sub, key in (("1d", "1d-confirmed"), ("3d", "3d-no-critical")):
        condition = next(c for c in by_sub[sub].conditions if c.key == key)
        assert not condition.met
        assert conflict.title in condition.reason, (sub, condition.reason)


def test_missing_forecast_baseline_is_critical(new_engagement):
    build(new_engagement)
    new_engagement.conn.execute("DELETE FROM forecast_submissions")
    result = run_baselines(new_engagement, record=False)
    missing = next(f for f in result.findings if f.key == "baselines.forecast_accuracy.missing")
    assert missing.severity == "critical"
