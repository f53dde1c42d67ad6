"""Fixtures of the evaluation tests: an engagement with a scored evaluation."""

from __future__ import annotations

import pytest

from workbench.evaluation import create_evaluation, edit, load_matrix

# Scores per evaluator for the conversation-intelligence template, vendor order
# Gong, Chorus (ZoomInfo), Clari Copilot, Jiminny; criteria in template order.
SCORES = {
    "RevOps": [
        [5, 4, 3, 4],
        [5, 4, 3, 3],
        [4, 4, 3, 4],
        [4, 4, 3, 3],
        [3, 3, 4, 4],
        [4, 4, 4, 3],
        [2, 3, 4, 5],
    ],
    "Sales manager": [
        [4, 4, 3, 3],
        [5, 3, 3, 3],
        [5, 3, 4, 4],
        [4, 5, 3, 3],
        [3, 3, 4, 5],
        [4, 5, 4, 4],
        [2, 3, 4, 5],
    ],
    "IT/security": [
        [5, 3, 3, 3],
        [4, 4, 3, 3],
        [4, 3, 3, 3],
        [5, 5, 2, 3],
        [3, 4, 4, 4],
        [5, 4, 4, 2],
        [3, 3, 4, 4],
    ],
}


@pytest.fixture
def scored(new_engagement):
    """The test engagement with a fully scored conversation-intelligence evaluation and TCO."""
    eng = new_engagement
    create_evaluation(eng, "conversation-intelligence")
    m = load_matrix(eng)
    with eng.atomic():
        for evaluator, rows in SCORES.items():
            for c, row in zip(m.criteria, rows, strict=True):
                for v, value in zip(m.vendors, row, strict=True):
                    edit.set_score(
                        eng,
                        m,
                        v.name,
                        c.name,
                        value,
                        evaluator,
                        f"{evaluator} saw the {v.name} demo",
                    )
        edit.set_tco(eng, m, "*", "seats.Rep", 40)
        edit.set_tco(eng, m, "*", "seats.Manager", 6)
        edit.set_tco(eng, m, "*", "seats.Admin", 2)
        for v, (rep, mgr, impl) in zip(
            m.vendors,
            [(1600, 2000, 30000), (1400, 1800, 25000), (1100, 1500, 15000), (900, 1200, 10000)],
            strict=True,
        ):
            edit.set_tco(eng, m, v.name, "price.Rep", rep)
            edit.set_tco(eng, m, v.name, "price.Manager", mgr)
            edit.set_tco(eng, m, v.name, "price.Admin", mgr)
            edit.set_tco(eng, m, v.name, "implementation", impl)
            edit.set_tco(eng, m, v.name, "training", 5000)
        edit.set_tco(eng, m, "Gong", "discount", 15)
    return eng
