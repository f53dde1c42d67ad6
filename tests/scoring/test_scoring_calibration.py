"""Calibration: time split, metrics equal scikit-learn's, gate, recommendation, saving."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import brier_score_loss, roc_auc_score

from workbench.errors import WorkbenchError
from workbench.models import Engagement, EngagementMeta
from workbench.scoring.calibration import calibrate, gate_for
from workbench.scoring.data import load_deal_data
from workbench.scoring.history import closed_deals
from workbench.scoring.rules import apply_rules, get_rule_set
from workbench.scoring.runs import (
    last_calibration_run,
    list_calibration_runs,
    load_calibration_report,
    save_calibration_run,
    save_recommended_version,
)
from workbench.scoring.synthetic import fill_synthetic_history


def test_metrics_equal_scikit_learn_on_the_same_predictions(synthetic):
    report = calibrate(synthetic)
    preds = report.test_predictions
    assert len(preds) == report.n_test > 50
    assert report.auc == pytest.approx(roc_auc_score(preds["bad"], preds["predicted"]))
    assert report.brier == pytest.approx(brier_score_loss(preds["bad"], preds["predicted"]))
    # Reliability bins and lift deciles are counts over the same predictions.
    assert sum(b.count for b in report.reliability) == report.n_test
    for b in report.reliability:
        inside = preds[
            (preds["predicted"] >= b.low)
            & ((preds["predicted"] < b.high) | ((b.high == 1.0) & (preds["predicted"] <= 1.0)))
        ]
        assert b.count == len(inside)
        if b.count:
            assert b.observed_rate == pytest.approx(inside["bad"].mean())
    assert [r.decile for r in report.lift] == list(range(1, 11))
    assert sum(r.count for r in report.lift) == report.n_test
    assert report.lift[-1].cumulative_capture == pytest.approx(1.0)
    assert report.lift[0].lift > 1.0 > report.lift[-1].lift  # the riskiest tenth is riskier
    assert report.auc > 0.7  # the synthetic behaviour predicts the outcome


def test_time_ordered_split_trains_on_earlier_quarters_and_tests_on_the_latest(synthetic):
    report = calibrate(synthetic)
    data = load_deal_data(synthetic)
    deals = closed_deals(data, pd.Timestamp(synthetic.as_of())).frame
    test = deals.loc[report.test_predictions.index]
    assert report.train_until == "2026-06-30"  # as of 2026-11-20: Q3 is the latest complete
    assert report.test_quarter == "FY2026-Q3"
    assert test["close"].min() > pd.Timestamp(report.train_until)
    assert test["close"].max() <= pd.Timestamp("2026-09-30")
    assert report.left_out["closed in the quarter still in progress"] == int(
        (deals["close"] > pd.Timestamp("2026-09-30")).sum()
    )
    assert report.n_train == int((deals["close"] <= pd.Timestamp(report.train_until)).sum())


def test_report_compares_hand_set_and_fitted_weights_and_recommends_points(synthetic):
    report = calibrate(synthetic)
    rules = get_rule_set(synthetic)
    assert [w.signal for w in report.weights] == [r.signal for r in rules.active()]
    fitted = [w for w in report.weights if w.coefficient is not None]
    assert {w.signal for w in fitted} >= {
        "engaged_contacts",
        "amount_cut_pct",
        "days_since_activity",
    }
    assert all(w.coefficient > 0 for w in fitted if w.signal == "engaged_contacts")
    assert sum(w.recommended_points for w in report.weights) == pytest.approx(100, abs=0.5)
    kept = [w for w in report.weights if w.status.startswith("kept")]
    assert all(w.recommended_points == w.hand_points for w in kept)
    assert report.hand_set.auc == pytest.approx(
        roc_auc_score(
            report.test_predictions["bad"],
            apply_rules(rules, _test_values(synthetic, report)).scores,
        )
    )
    assert report.recommended_low_max < report.recommended_high_min
    assert report.low_risk_lost_share == report.hand_set.low_risk_lost_share
    assert report.low_risk_red_flag == (report.low_risk_lost_share > 0.30)
    fig = report.reliability_figure()
    assert isinstance(fig, Figure) and len(fig.axes) == 2


def _test_values(eng, report):
    from workbench.scoring.signals import compute_signals

    data = load_deal_data(eng)
    deals = closed_deals(data, pd.Timestamp(eng.as_of())).frame.loc[report.test_predictions.index]
    return compute_signals(
        data, deals["snapshot"], historical=True, norms=report.stage_norms
    ).values


def test_saving_the_recommendation_makes_a_calibrated_version(synthetic):
    report = calibrate(synthetic)
    run_id = save_calibration_run(synthetic, report)
    v2 = save_recommended_version(
        synthetic,
        report,
        author="Alex Morgan",
        rationale="Weights from two years of won/lost deals.",
    )
    assert v2.version == 2 and v2.source == "calibration" and v2.calibration_run_id == run_id
    assert "Weights from two years" in v2.rationale and "AUC" in v2.rationale
    assert v2.low_max == report.recommended_low_max
    assert v2.prob_slope is not None and v2.prob_slope > 0
    assert list_calibration_runs(synthetic)[0]["auc"] == pytest.approx(report.auc)
    stored = last_calibration_run(synthetic)
    assert stored["run_id"] == run_id and stored["auc"] == pytest.approx(report.auc)
    assert stored["weights"][0]["signal"] == report.weights[0].signal
    again = load_calibration_report(synthetic)
    assert again.run_id == run_id and again.auc == report.auc
    assert again.weights == report.weights and again.lift == report.lift
    assert again.reliability == report.reliability and again.gate == report.gate
    assert again.recommended_rule_set(get_rule_set(synthetic, 1)).rules == (
        report.recommended_rule_set(get_rule_set(synthetic, 1)).rules
    )


def test_gate_rules():
    assert gate_for(200, 200).passed
    assert gate_for(50, 150).passed
    assert gate_for(199, 1000).passed  # the 50 won + 150 lost rule
    assert not gate_for(45, 1000).passed
    assert not gate_for(300, 149).passed
    below = gate_for(40, 90)
    assert not below.passed
    assert "Not enough closed history" in below.message and "40 won and 90 lost" in below.message


def test_below_the_gate_it_says_so_and_shows_bootstrap_intervals(tmp_path):
    eng = Engagement.create(tmp_path / "Small.engagement", EngagementMeta(customer="Small"))
    fill_synthetic_history(eng, n_closed=160, n_open=5, seed=3)
    report = calibrate(eng, bootstrap_rounds=60)
    assert not report.gate.passed
    assert report.gate.n_won + report.gate.n_lost == 160
    assert report.auc_ci is not None and report.auc_ci[0] <= report.auc_ci[1]
    fitted = [w for w in report.weights if w.coefficient is not None]
    assert fitted and all(w.coefficient_ci is not None for w in fitted)
    assert all(w.coefficient_ci[0] <= w.coefficient_ci[1] for w in fitted)
    assert any("bootstrap" in n for n in report.notes)
    assert "below the minimum-data gate" in report.summary().lower() or (
        "Not enough closed history" in report.summary()
    )
    eng.close()


def test_with_almost_no_history_nothing_is_fitted_and_the_report_says_why(new_engagement):
    fill_synthetic_history(new_engagement, n_closed=6, n_open=2, seed=1)
    report = calibrate(new_engagement)
    assert report.auc is None and report.brier is None
    assert not report.gate.passed
    assert any("No model could be fitted" in n for n in report.notes)
    assert all(w.recommended_points == w.hand_points for w in report.weights)
    with pytest.raises(WorkbenchError, match="no recommendation"):
        save_recommended_version(new_engagement, report, author="A", rationale="R")


def test_to_dict_is_json_ready(synthetic):
    from workbench.commandline import to_json

    data = calibrate(synthetic).to_dict()
    assert "test_predictions" not in data
    text = to_json(data)
    assert '"auc"' in text and "NaN" not in text
    assert math.isfinite(data["brier"])
    assert np.isclose(sum(w["recommended_points"] for w in data["weights"]), 100, atol=0.5)


def test_current_state_signals_are_used_only_when_the_consultant_trusts_them(synthetic):
    plain = calibrate(synthetic)
    assert "next_step_missing" in plain.excluded_signals
    row = next(w for w in plain.weights if w.signal == "next_step_missing")
    assert row.coefficient is None and row.status.startswith("kept at hand-set points")
    trusted = calibrate(synthetic, trusted=("next_step_missing",))
    assert "next_step_missing" not in trusted.excluded_signals
    assert trusted.trusted_signals == ["next_step_missing"]
    row = next(w for w in trusted.weights if w.signal == "next_step_missing")
    assert row.coefficient is not None and row.coefficient > 0
    assert any("assurance" in n for n in trusted.notes)
    with pytest.raises(WorkbenchError, match="cannot be trusted"):
        calibrate(synthetic, trusted=("days_since_activity",))


def test_suggested_thresholds_are_the_best_separating_cut_on_training_deals(synthetic):
    from workbench.scoring.signals import compute_signals

    report = calibrate(synthetic)
    row = next(w for w in report.weights if w.signal == "days_since_activity")
    assert row.suggested_threshold is not None and row.separation > 0
    data = load_deal_data(synthetic)
    deals = closed_deals(data, pd.Timestamp(synthetic.as_of())).frame
    train = deals[deals["close"] <= pd.Timestamp(report.train_until)]
    x = (
        compute_signals(data, train["snapshot"], historical=True, norms=report.stage_norms)
        .values["days_since_activity"]
        .to_numpy()
    )
    y = train["bad"].to_numpy()
    fired = x > row.suggested_threshold
    assert row.separation == pytest.approx(fired[y == 1].mean() - fired[y == 0].mean())
    flags = [w for w in report.weights if w.signal == "next_step_missing"]
    assert flags[0].suggested_threshold is None  # yes/no signals have no cut to tune
