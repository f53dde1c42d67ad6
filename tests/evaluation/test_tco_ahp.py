"""TCO arithmetic, the pricing rule, and AHP weights on a textbook matrix."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.errors import WorkbenchError
from workbench.evaluation.ahp import ahp_weights, matrix_from_pairs, rounded_percentages
from workbench.evaluation.matrix import compute_results
from workbench.evaluation.model import Licence, TcoInput
from workbench.evaluation.tco import pricing_score, tco_table, vendor_tco

from .helpers import make_matrix


def test_tco_arithmetic_by_hand():
    tco = TcoInput(
        1,
        [Licence("Rep", 40, 1200.0), Licence("Manager", 5, 1800.0)],
        implementation=25_000,
        integration=10_000,
        training=5_000,
        discount_pct=10,
    )
    r = vendor_tco(tco, "Gong", years=3)
    # licences/year = 40*1200 + 5*1800 = 48,000 + 9,000 = 57,000
    assert r.licences_per_year == pytest.approx(57_000)
    # over 3 years less 10%: 57,000 * 3 * 0.9 = 153,900
    assert r.licences_term == pytest.approx(153_900)
    # plus one-offs 25,000 + 10,000 + 5,000 = 40,000 -> 193,900
    assert r.total == pytest.approx(193_900)
    assert r.seats == 45
    assert r.per_seat == pytest.approx(193_900 / 45)  # 4,308.89
    assert r.per_seat_year == pytest.approx(193_900 / 45 / 3)  # 1,436.30


def test_pricing_rule_cheapest_five_minus_one_per_step():
    assert pricing_score(100, 100, 20) == 5
    assert pricing_score(120, 100, 20) == pytest.approx(4)  # 20% dearer
    assert pricing_score(150, 100, 20) == pytest.approx(2.5)  # 50% dearer
    assert pricing_score(190, 100, 20) == 1  # floor at 1
    assert pricing_score(110, 100, 10) == pytest.approx(4)


def test_tco_sets_the_pricing_score_in_the_consensus():
    m = make_matrix(
        {"CRM": 95, "Pricing": 5},
        {
            "A": {"CRM": [4], "Pricing": [1]},
            "B": {"CRM": [4], "Pricing": [5]},
            "C": {"CRM": [4], "Pricing": [3]},
        },
        derived={"Pricing": "tco"},
    )
    a, b, c = m.vendors
    m.tco[a.id] = TcoInput(a.id, [Licence("Rep", 10, 1000)])  # 30,000 over 3 years
    m.tco[b.id] = TcoInput(b.id, [Licence("Rep", 10, 1300)])  # 39,000 = 30% dearer -> 3.5
    # C has no costs: keeps the evaluators' pricing score 3
    rows = {t.vendor: t for t in tco_table(m)}
    assert rows["A"].total == 30_000 and rows["A"].pricing_score == 5
    assert rows["B"].pricing_score == pytest.approx(3.5)
    assert rows["C"].pricing_score is None
    r = compute_results(m)
    cells = {(x.vendor, x.criterion): x for x in r.consensus}
    assert cells[("A", "Pricing")].source == "tco" and cells[("A", "Pricing")].score == 5
    assert cells[("C", "Pricing")].source == "evaluators" and cells[("C", "Pricing")].score == 3
    totals = {v.name: v.total for v in r.vendors}
    assert totals["B"] == pytest.approx(0.95 * 4 + 0.05 * 3.5)
    m.pricing_from_tco = False
    assert {v.name: v.total for v in compute_results(m).vendors}["B"] == pytest.approx(
        0.95 * 4 + 0.05 * 5
    )


def test_ahp_textbook_three_by_three():
    # Saaty-style textbook matrix; published results: w = (0.637, 0.258, 0.105),
    # lambda_max = 3.039, CI = 0.019, CR = CI / 0.58 = 0.033 (acceptable).
    a = np.array([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    r = ahp_weights(["Cost", "Quality", "Support"], a)
    assert r.weights_pct == pytest.approx([63.70, 25.83, 10.47], abs=0.01)
    assert r.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert r.consistency_index == pytest.approx(0.0193, abs=1e-4)
    assert r.consistency_ratio == pytest.approx(0.0332, abs=1e-4)
    assert r.acceptable


def test_ahp_inconsistent_matrix_is_not_acceptable():
    a = np.array([[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]])
    r = ahp_weights(list("ABCD"), a)
    # lambda_max 4.391 -> CI 0.130 -> CR 0.130 / 0.90 = 0.145 >= 0.10
    assert r.consistency_ratio == pytest.approx(0.1447, abs=1e-3)
    assert not r.acceptable
    assert "too inconsistent" in r.message


def test_ahp_pairs_build_a_reciprocal_matrix_and_weights_round_to_100():
    a = matrix_from_pairs(["A", "B", "C"], {("A", "B"): 3, ("A", "C"): 5, ("B", "C"): 3})
    assert a[1, 0] == pytest.approx(1 / 3)
    rounded = rounded_percentages(ahp_weights(["A", "B", "C"], a).weights_pct)
    assert rounded == [63.7, 25.8, 10.5] and sum(rounded) == pytest.approx(100)
    with pytest.raises(WorkbenchError, match="outside"):
        matrix_from_pairs(["A", "B"], {("A", "B"): 12})
