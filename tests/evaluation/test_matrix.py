"""Consensus, weighted totals, ranking, weight checks and disagreement flags, by hand."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.evaluation.matrix import (
    check_weights,
    competition_ranks,
    compute_results,
    normalised_weights,
    require_weights,
)

from .helpers import make_matrix


def three_by_three():
    # Two evaluators; Gong is scored (5,4) on CRM -> mean 4.5, etc.
    return make_matrix(
        {"CRM": 50, "AI": 30, "Admin": 20},
        {
            "Gong": {"CRM": [5, 4], "AI": [4, 4], "Admin": [2, 3]},
            "Chorus": {"CRM": [3, 3], "AI": [5, 5], "Admin": [4, 4]},
            "Jiminny": {"CRM": [4, 2], "AI": [3, 3], "Admin": [5, 5]},
        },
        evaluators=("RevOps", "Sales manager"),
    )


def test_weighted_totals_equal_the_hand_arithmetic():
    r = compute_results(three_by_three())
    totals = {v.name: v.total for v in r.vendors}
    # Gong:    0.5*4.5 + 0.3*4 + 0.2*2.5 = 2.25 + 1.2 + 0.5 = 3.95
    # Chorus:  0.5*3   + 0.3*5 + 0.2*4   = 1.5  + 1.5 + 0.8 = 3.80
    # Jiminny: 0.5*3   + 0.3*3 + 0.2*5   = 1.5  + 0.9 + 1.0 = 3.40
    assert totals["Gong"] == pytest.approx(3.95)
    assert totals["Chorus"] == pytest.approx(3.80)
    assert totals["Jiminny"] == pytest.approx(3.40)
    assert [v.name for v in r.vendors] == ["Gong", "Chorus", "Jiminny"]
    assert [v.rank for v in r.vendors] == [1, 2, 3]
    assert r.winner == "Gong" and r.runner_up == "Chorus"
    assert r.margin == pytest.approx(0.15)
    assert r.margin_pct == pytest.approx(3.0)  # 0.15 of 5 points = 3 percentage points
    assert r.vendors[0].total_pct == pytest.approx(79.0)  # 3.95 / 5
    assert r.vendors[0].contributions["CRM"] == pytest.approx(2.25)
    assert r.complete


def test_evaluators_two_points_apart_are_flagged():
    r = compute_results(three_by_three())
    flagged = {(c.vendor, c.criterion): c.spread for c in r.disagreements}
    # Jiminny CRM: 4 vs 2 -> spread 2 (flagged); Gong CRM 5 vs 4 -> 1 (not flagged)
    assert flagged == {("Jiminny", "CRM"): 2}
    cell = next(c for c in r.consensus if (c.vendor, c.criterion) == ("Jiminny", "CRM"))
    assert cell.by_evaluator == {"RevOps": 4, "Sales manager": 2}
    assert cell.score == pytest.approx(3.0)


def test_missing_scores_count_as_zero_and_are_listed():
    m = make_matrix(
        {"CRM": 60, "AI": 40}, {"Gong": {"CRM": [5]}, "Chorus": {"CRM": [3], "AI": [4]}}
    )
    r = compute_results(m)
    gong = next(v for v in r.vendors if v.name == "Gong")
    assert gong.total == pytest.approx(3.0)  # 0.6*5 + 0.4*0
    assert gong.missing == ["AI"]
    assert not r.complete


def test_weights_not_summing_to_100_are_named_with_their_sum_and_ranking_is_withheld():
    m = make_matrix({"CRM": 50, "AI": 30, "Admin": 15}, {"Gong": {"CRM": [5]}, "Chorus": {}})
    check = check_weights(m)
    assert not check.ok and check.total_pct == pytest.approx(95)
    assert "sum to 95%" in check.message
    assert "CRM 50%" in check.message and "Admin 15%" in check.message
    assert "add 5 points" in check.message
    r = compute_results(m)
    assert r.winner is None and all(v.rank == 0 for v in r.vendors)
    with pytest.raises(WorkbenchError, match="95%"):
        require_weights(m)


def test_normalising_is_proportional():
    m = make_matrix({"CRM": 50, "AI": 30, "Admin": 20 * 1.25}, {"Gong": {}})
    # 50 + 30 + 25 = 105 -> 47.619, 28.571, 23.810
    w = normalised_weights(m)
    assert sum(w.values()) == pytest.approx(100)
    assert w["CRM"] == pytest.approx(50 * 100 / 105)


def test_equal_totals_share_a_rank_like_spreadsheet_rank():
    assert competition_ranks([3.0, 4.0, 3.0, 2.0]) == [2, 1, 2, 4]
