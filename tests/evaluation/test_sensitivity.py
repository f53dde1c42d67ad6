"""Exact weight thresholds (hand-solved) and the seeded Monte Carlo perturbation."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.evaluation.matrix import compute_results
from workbench.evaluation.sensitivity import monte_carlo, sensitivity

from .helpers import make_matrix


def two_criteria():
    # weights 60/40; A = (5, 2) -> 3.0 + 0.8 = 3.8; B = (3, 4) -> 1.8 + 1.6 = 3.4
    return make_matrix({"Q": 60, "R": 40}, {"A": {"Q": [5], "R": [2]}, "B": {"Q": [3], "R": [4]}})


def test_two_criteria_thresholds_are_solved_exactly():
    by = {s.criterion: s for s in sensitivity(two_criteria())}
    # Q at weight w (R = 1-w): A = 5w + 2(1-w) = 2 + 3w; B = 3w + 4(1-w) = 4 - w.
    # Level when 2 + 3w = 4 - w -> w = 0.5: Q down from 60% to 50% (-10 points) -> B.
    q = by["Q"]
    assert q.leader == "A"
    assert q.down_to_pct == pytest.approx(50.0)
    assert q.down_change_pts == pytest.approx(-10.0)
    assert q.down_new_leader == "B"
    assert q.up_to_pct is None  # raising Q only helps A
    # R at weight w: A = 2w + 5(1-w) = 5 - 3w; B = 4w + 3(1-w) = 3 + w -> w = 0.5 (+10).
    r = by["R"]
    assert r.up_to_pct == pytest.approx(50.0)
    assert r.up_change_pts == pytest.approx(10.0)
    assert r.up_new_leader == "B"
    assert r.down_to_pct is None
    assert q.smallest_change_pts == pytest.approx(10.0)


def three_criteria():
    # weights 50/30/20; A = (4,3,2) -> 2.0+0.9+0.4 = 3.3; B = (3,4,4) -> 1.5+1.2+0.8 = 3.5
    return make_matrix(
        {"Q": 50, "R": 30, "S": 20},
        {"A": {"Q": [4], "R": [3], "S": [2]}, "B": {"Q": [3], "R": [4], "S": [4]}},
    )


def test_three_criteria_thresholds_rescale_the_others_proportionally():
    by = {s.criterion: s for s in sensitivity(three_criteria())}
    assert by["Q"].leader == "B"
    # Q: others rescaled from 0.5. A's rest = (0.9+0.4)/0.5 = 2.6, B's = (1.2+0.8)/0.5 = 4.0.
    # A = 4w + 2.6(1-w), B = 3w + 4(1-w); level at 2.4w = 1.4 -> w = 7/12 = 58.33%.
    assert by["Q"].up_to_pct == pytest.approx(700 / 12)
    assert by["Q"].up_change_pts == pytest.approx(700 / 12 - 50)
    assert by["Q"].up_new_leader == "A"
    assert by["Q"].down_to_pct is None
    # R: rests A = 2.4/0.7, B = 2.3/0.7; B - A = w - (1-w)/7 = 0 -> w = 1/8 = 12.5%.
    assert by["R"].down_to_pct == pytest.approx(12.5)
    assert by["R"].down_change_pts == pytest.approx(-17.5)
    assert by["R"].up_to_pct is None
    # S: rests A = 2.9/0.8 = 3.625, B = 2.7/0.8 = 3.375; B - A = 2.25w - 0.25 -> w = 1/9.
    assert by["S"].down_to_pct == pytest.approx(100 / 9)
    assert by["S"].down_new_leader == "A"


def test_thresholds_match_a_brute_force_rescaling_on_either_side():
    m = three_criteria()
    base = np.array([50.0, 30.0, 20.0])
    for s, i in zip(sensitivity(m), range(3), strict=True):
        for at, moved in ((s.up_to_pct, 1), (s.down_to_pct, -1)):
            if at is None:
                continue
            for delta, expect_flip in ((-1e-6, False), (1e-6, True)):
                w_new = at + moved * delta
                others = base * (100 - w_new) / (100 - base[i])
                others[i] = w_new
                for c, w in zip(m.criteria, others, strict=True):
                    c.weight = float(w)
                winner = compute_results(m).winner
                assert (winner != "B") == expect_flip, (s.criterion, w_new, winner)
            for c, w in zip(m.criteria, base, strict=True):
                c.weight = float(w)


def test_sensitivity_refuses_weights_that_do_not_sum_to_100():
    m = make_matrix({"Q": 60, "R": 30}, {"A": {"Q": [5]}, "B": {"Q": [3]}})
    with pytest.raises(WorkbenchError, match="90%"):
        sensitivity(m)


def test_monte_carlo_is_seeded_and_sums_to_one():
    m = three_criteria()
    first = monte_carlo(m, draws=4000, seed=7)
    again = monte_carlo(m, draws=4000, seed=7)
    assert first.win_probability == again.win_probability
    assert sum(first.win_probability.values()) == pytest.approx(1.0)
    assert first.leader == "B"
    # B leads by 0.2 and only a large Q or a small R/S flips it: B should win most draws.
    assert 0.6 < first.win_probability["B"] < 1.0
    assert first.leader_holds == first.win_probability["B"]


def test_monte_carlo_gives_a_dominant_vendor_certainty():
    m = make_matrix({"Q": 50, "R": 50}, {"A": {"Q": [5], "R": [5]}, "B": {"Q": [1], "R": [2]}})
    assert monte_carlo(m, draws=500).win_probability == {"A": 1.0, "B": 0.0}


def test_monte_carlo_splits_ties():
    m = make_matrix({"Q": 50, "R": 50}, {"A": {"Q": [3], "R": [3]}, "B": {"Q": [3], "R": [3]}})
    assert monte_carlo(m, draws=100).win_probability == {"A": 0.5, "B": 0.5}
