"""Recalibration: the current version's scores at set time against outcomes since."""

from __future__ import annotations

import pytest
from sklearn.metrics import roc_auc_score

from workbench.scoring import (
    default_rule_set,
    recalibration_report,
    save_rule_set,
    score_pipeline,
)


def test_recorded_scores_are_compared_with_what_happened_since(synthetic):
    v1 = save_rule_set(
        synthetic,
        default_rule_set(),
        author="Workbench default",
        rationale="starting point",
        effective_from="2026-06-01",
    )
    rs = default_rule_set()
    rs.rules[0].threshold = 21
    v2 = save_rule_set(
        synthetic,
        rs,
        author="Alex",
        rationale="longer silence allowed",
        effective_from="2026-11-20",
    )
    result = score_pipeline(synthetic, rule_set=v2, record=True)
    # A quarter later: half of the open deals closed; the riskiest ones were lost.
    deals = result.deals
    closed = deals[::2]
    with synthetic.atomic() as conn:
        for i, d in enumerate(closed):
            lost = i < len(closed) // 2
            # Closed on the date they carried, so the won ones did not slip.
            conn.execute(
                "UPDATE opportunities SET is_closed = 1, is_won = ? WHERE crm_id = ?",
                (int(not lost), d.opportunity_crm_id),
            )
    synthetic.set_setting("as_of_date", "2027-02-20")
    report = recalibration_report(synthetic)
    assert report.rule_set_version == v2.version and report.effective_from == "2026-11-20"
    assert report.n_closed_since == len(closed) == report.n_recorded
    assert report.n_reconstructed == 0
    y = [1 if i < len(closed) // 2 else 0 for i in range(len(closed))]
    s = [d.score for d in closed]
    assert report.auc == pytest.approx(roc_auc_score(y, s))
    assert sum(b.count for b in report.bands) == len(closed)
    assert report.brier is None and report.notes  # v2 has no probability mapping
    assert {c.signal for c in report.changes.changes} == {"days_since_activity"}
    assert report.changes.from_version == v1.version
    assert report.verdict


def test_no_deal_closed_since_says_check_again(synthetic):
    save_rule_set(synthetic, default_rule_set(), author="A", rationale="R")
    report = recalibration_report(synthetic)
    assert report.n_closed_since == 0
    assert "No deal has closed since" in report.verdict
