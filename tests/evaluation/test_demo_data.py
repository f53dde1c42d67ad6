"""The demo evaluation: complete, seeded, with pilot, TCO and a few disagreements."""

from __future__ import annotations

from workbench.evaluation import load_matrix, summarise
from workbench.evaluation.demo_data import populate_demo


def test_demo_evaluation_is_complete_and_reproducible(new_engagement, tmp_path):
    populate_demo(new_engagement, seed=7)
    first = summarise(load_matrix(new_engagement), draws=1000)
    assert first.weights_ok and first.results.complete
    assert [e.name for e in first.matrix.evaluators][-1] == "Pilot"
    assert all(t.has_costs for t in first.tco)
    dual = next(t for t in first.tco if t.vendor == "Gong + Clari")
    assert dual.total > max(t.total for t in first.tco if t.vendor in ("Gong", "Clari"))
    assert 1 <= len(first.results.disagreements) <= 10
    populate_demo(new_engagement, seed=7)  # a second evaluation with the same seed
    second = summarise(load_matrix(new_engagement), draws=1000)
    assert [(v.name, round(v.total, 9)) for v in second.results.vendors] == [
        (v.name, round(v.total, 9)) for v in first.results.vendors
    ]
