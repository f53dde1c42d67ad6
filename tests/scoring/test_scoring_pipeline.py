"""Open pipeline scores with reasons; single-deal explanations; recorded scores."""

from __future__ import annotations

import pytest

from workbench.scoring import ensure_rule_set, explain_deal, score_pipeline


def test_every_open_deal_is_scored_riskiest_first_with_reasons_summing_to_the_score(synthetic):
    result = score_pipeline(synthetic)
    open_count = synthetic.conn.execute(
        "SELECT count(*) FROM opportunities WHERE coalesce(is_closed, 0) = 0"
    ).fetchone()[0]
    assert len(result.deals) == open_count == 150
    scores = [d.score for d in result.deals]
    assert scores == sorted(scores, reverse=True)
    for d in result.deals:
        assert sum(r.points for r in d.reasons) == pytest.approx(d.score)
        assert [r.points for r in d.reasons] == sorted((r.points for r in d.reasons), reverse=True)
        assert d.band == result.deals[0].band if d.score == result.deals[0].score else True
    counts = result.band_counts()
    assert sum(counts.values()) == 150 and counts["high"] > 0 and counts["low"] > 0
    top = result.deals[0]
    assert top.top_reasons(2) == top.reasons[:2]
    # Open deals see current-state signals: next step and MEDDIC fields are available.
    assert top.signals["next_step_missing"] is not None
    assert top.signals["champion_missing"] is not None


def test_a_reason_names_the_signal_value_and_rule(synthetic):
    deal = next(d for d in score_pipeline(synthetic).deals if d.reasons)
    reason = deal.reasons[0]
    assert reason.rule and reason.label and reason.points > 0
    assert deal.signals[reason.signal] == reason.value


def test_explaining_a_closed_deal_uses_its_snapshot_before_close(synthetic):
    crm_id = synthetic.conn.execute(
        "SELECT crm_id FROM opportunities WHERE is_closed = 1 AND is_won = 0 LIMIT 1"
    ).fetchone()[0]
    close = synthetic.conn.execute(
        "SELECT close_date FROM opportunities WHERE crm_id = ?", (crm_id,)
    ).fetchone()[0]
    deal = explain_deal(synthetic, crm_id)
    assert deal.as_of < close
    assert deal.signals["next_step_missing"] is None  # current-state: not for closed deals
    assert sum(r.points for r in deal.reasons) == pytest.approx(deal.score)


def test_recording_scores_stores_one_row_per_deal_and_day(synthetic):
    rules = ensure_rule_set(synthetic)
    score_pipeline(synthetic, rule_set=rules, record=True)
    score_pipeline(synthetic, rule_set=rules, record=True)  # same day again: replaced
    n = synthetic.conn.execute(
        "SELECT count(*) FROM scoring_scores WHERE rule_set_version = ?", (rules.version,)
    ).fetchone()[0]
    assert n == 150


def test_riskiest_first_orders_by_score_then_amount_then_id():
    from workbench.scoring.pipeline import DealScore, _riskiest_first

    def deal(crm_id: str, score: float, amount: float | None) -> DealScore:
        return DealScore(crm_id, None, None, amount, None, None, "2026-06-30", score, "low",
                         None, [])  # fmt: skip

    deals = [deal("B", 40.0, None), deal("A", 40.0, 0.0), deal("C", 70.0, 10.0),
             deal("D", 40.0, 500.0), deal("É", 40.0, 500.0), deal("E", 0.0, None)]  # fmt: skip
    assert [d.opportunity_crm_id for d in _riskiest_first(deals)] == ["C", "D", "É", "A", "B", "E"]
    # an id with a NUL (numpy would drop it at the end) sorts as Python sorts it
    odd = [deal("A\x00", 10.0, 1.0), deal("A", 10.0, 1.0)]
    assert [d.opportunity_crm_id for d in _riskiest_first(odd)] == ["A", "A\x00"]
