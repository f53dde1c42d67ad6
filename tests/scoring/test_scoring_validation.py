"""Sample validation with sales leadership: stratified pick, expectations, kappa."""

from __future__ import annotations

import pytest
from sklearn.metrics import cohen_kappa_score

from workbench.errors import WorkbenchError
from workbench.scoring import record_expectation, select_sample, validation_report


def test_sample_is_spread_across_the_bands(synthetic):
    picked = select_sample(synthetic, size=15)
    assert len(picked) == 15
    bands = [d.band for d in picked]
    assert {"low", "medium", "high"} <= set(bands)
    assert max(bands.count(b) for b in set(bands)) <= 7
    report = validation_report(synthetic)
    assert report.n_sample == 15 and report.n_reviewed == 0 and report.agreement is None


def test_agreement_and_kappa_deal_by_deal(synthetic):
    picked = select_sample(synthetic, size=12, pool="both")
    expected = {}
    for i, d in enumerate(picked):
        # Leadership agrees on two deals in three and calls the rest one band riskier.
        band = d.band if i % 3 else {"low": "medium", "medium": "high", "high": "high"}[d.band]
        expected[d.opportunity_crm_id] = band
        record_expectation(synthetic, d.opportunity_crm_id, band.upper(), reviewer="VP Sales")
    report = validation_report(synthetic)
    assert report.n_reviewed == 12
    rows = {r.opportunity_crm_id: r for r in report.rows}
    for crm_id, band in expected.items():
        assert rows[crm_id].expected_band == band
        assert rows[crm_id].agrees == (band == rows[crm_id].band)
        assert rows[crm_id].top_reasons is not None
    agree = sum(r.agrees for r in report.rows) / 12
    assert report.agreement == pytest.approx(agree)
    kappa = cohen_kappa_score(
        [r.expected_band for r in report.rows],
        [r.band for r in report.rows],
        labels=["low", "medium", "high"],
    )
    assert report.kappa == pytest.approx(kappa)
    assert sum(sum(v.values()) for v in report.confusion.values()) == 12


def test_sample_size_and_unknown_deals_are_refused(synthetic):
    with pytest.raises(WorkbenchError, match="10 to 20"):
        select_sample(synthetic, size=30)
    select_sample(synthetic, size=10)
    with pytest.raises(WorkbenchError, match="not in the validation sample"):
        record_expectation(synthetic, "NOPE", "low", reviewer="VP")
    with pytest.raises(WorkbenchError, match="not one of low, medium, high"):
        record_expectation(synthetic, "NOPE", "red", reviewer="VP")
