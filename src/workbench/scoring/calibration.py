"""Calibrate the rule weights on the customer's own won/lost history.

The features are the rules of the current version (each 1 when it fired on the
deal's snapshot day, 0 when not or when the signal was not available), standardised
and fed to a regularised logistic regression. The split is by time: train on deals
closed before the latest fiscal quarter, test on that quarter. The report puts the
hand-set and the fitted weights side by side and recommends points (the fitted
log-odds of each rule, scaled to 0-100) and band thresholds (a 30% and a 70% chance
of lost-or-slipped, the 30% being the playbook's red flag for "low risk" deals).
Below the minimum-data gate it says so and shows bootstrap intervals instead.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.models.fiscal import FiscalCalendar, quarter_by_label
from workbench.progress import Progress
from workbench.scoring import metrics
from workbench.scoring.data import DealData, load_deal_data
from workbench.scoring.history import (
    DEFAULT_HORIZON_DAYS,
    ClosedDeals,
    closed_deals,
    quarter_index,
    quarter_label,
)
from workbench.scoring.rules import (
    OPERATORS,
    RuleSet,
    apply_rules,
    ensure_rule_set,
)
from workbench.scoring.signals import SIGNALS, compute_signals, stage_norms

RED_FLAG_LOW_RISK_SHARE = 0.30
HIGH_RISK_PROBABILITY = 0.70
MIN_AVAILABLE_SHARE = 0.05
# Vendors' minimum history before a model is trusted: 200 won and 200 lost deals, or
# at least 50 won and 150 lost. Both are settings (scoring.gate_*).
DEFAULT_GATES = ((200, 200), (50, 150))
BOOTSTRAP_ROUNDS = 200


@dataclass
class Gate:
    """Whether there is enough closed history to trust a fitted model."""

    passed: bool
    n_won: int
    n_lost: int
    requirement: str
    message: str


@dataclass
class WeightRow:
    """One rule: hand-set points, fitted coefficient and recommended points."""

    signal: str
    label: str
    rule: str
    hand_points: float
    status: str  # fitted | kept: <why not fitted>
    coefficient: float | None = None  # log-odds per firing (unstandardised)
    coefficient_ci: tuple[float, float] | None = None
    odds_ratio: float | None = None
    fired_share: float | None = None  # share of training deals where it fired
    available_share: float | None = None
    bad_rate_fired: float | None = None
    bad_rate_not_fired: float | None = None
    recommended_points: float = 0.0
    suggested_threshold: float | None = None  # best-separating cut on the training deals
    separation: float | None = None  # Youden's J of that cut (TPR - FPR for lost/slipped)


@dataclass
class ModelMetrics:
    """How one way of scoring did on the test quarter."""

    name: str
    auc: float | None
    brier: float | None
    low_risk_lost_share: float | None
    low_risk_count: int


@dataclass
class CalibrationReport:
    """Everything a calibration found; ``to_dict`` is the ``--json`` shape."""

    rule_set_version: int | None
    as_of: str
    horizon_days: int
    gate: Gate
    n_closed: int
    n_train: int
    n_test: int
    train_until: str | None
    test_quarter: str | None
    base_rate_test: float | None
    auc: float | None
    brier: float | None
    auc_ci: tuple[float, float] | None
    low_risk_lost_share: float | None
    low_risk_red_flag: bool | None
    weights: list[WeightRow]
    hand_set: ModelMetrics | None
    recommended: ModelMetrics | None
    recommended_low_max: float | None
    recommended_high_min: float | None
    reliability: list[metrics.ReliabilityBin]
    lift: list[metrics.LiftRow]
    excluded_signals: dict[str, str]
    trusted_signals: list[str]
    left_out: dict[str, int]
    notes: list[str]
    stage_norms: dict[str, float]
    run_id: int | None = None
    prob_intercept: float | None = None
    prob_slope: float | None = None
    test_predictions: pd.DataFrame | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """The report as plain JSON-ready values (test predictions left out)."""
        data = asdict(replace(self, test_predictions=None))
        data.pop("test_predictions", None)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CalibrationReport:
        """Rebuild a report from ``to_dict()`` output (a stored run)."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["gate"] = Gate(**data["gate"])
        values["weights"] = [
            WeightRow(
                **{
                    **w,
                    "coefficient_ci": tuple(w["coefficient_ci"])
                    if w.get("coefficient_ci")
                    else None,
                }
            )
            for w in data["weights"]
        ]
        for key in ("hand_set", "recommended"):
            values[key] = ModelMetrics(**data[key]) if data.get(key) else None
        values["reliability"] = [metrics.ReliabilityBin(**b) for b in data["reliability"]]
        values["lift"] = [metrics.LiftRow(**r) for r in data["lift"]]
        values["auc_ci"] = tuple(data["auc_ci"]) if data.get("auc_ci") else None
        values["test_predictions"] = None
        return cls(**values)

    def reliability_figure(self) -> Figure:
        """The reliability diagram of the fitted model on the test quarter."""
        subtitle = (
            f"test quarter {self.test_quarter}, {self.n_test:,} deals"
            if self.test_quarter
            else "no test quarter"
        )
        if not self.gate.passed:
            subtitle += " (below the minimum-data gate)"
        return metrics.reliability_figure(self.reliability, subtitle=subtitle)

    def recommended_rule_set(self, current: RuleSet) -> RuleSet:
        """``current`` with the recommended points and band thresholds."""
        rules = []
        for r in current.rules:
            row = next((w for w in self.weights if w.signal == r.signal), None)
            points = row.recommended_points if row is not None else r.points
            rules.append(replace(r, points=round(points, 1)))
        return replace(
            current,
            rules=rules,
            version=None,
            source="calibration",
            low_max=self.recommended_low_max
            if self.recommended_low_max is not None
            else current.low_max,
            high_min=self.recommended_high_min
            if self.recommended_high_min is not None
            else current.high_min,
            calibration_run_id=self.run_id,
            prob_intercept=self.prob_intercept,
            prob_slope=self.prob_slope,
        )

    def summary(self) -> str:
        """One paragraph in words for the rationale and the rules document."""
        if self.auc is None:
            return (
                f"Calibration on {self.n_closed:,} closed deals could not measure accuracy: "
                "there is too little closed history (see the notes)."
            )
        text = (
            f"Fitted on {self.n_train:,} deals closed up to {self.train_until}, tested on "
            f"{self.n_test:,} deals closed in {self.test_quarter}: AUC {self.auc:.2f}, "
            f"Brier {self.brier:.3f}."
        )
        if self.low_risk_lost_share is not None:
            text += (
                f" {self.low_risk_lost_share:.0%} of deals the current rules called low "
                "risk were lost or slipped."
            )
        if not self.gate.passed:
            text += " " + self.gate.message
        return text


def gate_for(n_won: int, n_lost: int, gates: tuple[tuple[int, int], ...] = DEFAULT_GATES) -> Gate:
    """Check the closed history against the vendors' minimum-data rules."""
    requirement = " or ".join(f"{w} won + {lost} lost" for w, lost in gates)
    passed = any(n_won >= w and n_lost >= lost for w, lost in gates)
    if passed:
        message = f"{n_won:,} won and {n_lost:,} lost deals meet the minimum history ({requirement})."
    else:
        message = (
            f"Not enough closed history to trust a fitted model: {n_won:,} won and {n_lost:,} "
            f"lost deals, where scoring vendors ask for {requirement}. Keep the hand-set "
            "weights until more deals close."
        )
    return Gate(passed, n_won, n_lost, requirement, message)


def _gates(eng: Engagement) -> tuple[tuple[int, int], ...]:
    value = eng.setting("scoring.gates")
    if isinstance(value, list) and value:
        return tuple((int(w), int(lost)) for w, lost in value)
    return DEFAULT_GATES


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, object]:
    """Regularised logistic regression on standardised features.

    Returns the coefficients and intercept on the original 0/1 scale (log-odds per
    firing), and the fitted pipeline for predictions.
    """
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    model.fit(x, y)
    scaler, lr = model[0], model[1]
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    coef = lr.coef_[0] / scale
    intercept = float(lr.intercept_[0] - np.sum(lr.coef_[0] * scaler.mean_ / scale))
    return coef, intercept, model


def _platt(score: np.ndarray, y: np.ndarray) -> tuple[float, float] | None:
    """Map a 0-100 score to a probability (logistic on the score), fitted on training."""
    if len(np.unique(y)) < 2:
        return None
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(score.reshape(-1, 1) / 100.0, y)
    return float(lr.intercept_[0]), float(lr.coef_[0][0] / 100.0)


def _prob(mapping: tuple[float, float] | None, score: np.ndarray) -> np.ndarray | None:
    if mapping is None:
        return None
    return 1.0 / (1.0 + np.exp(-(mapping[0] + mapping[1] * score)))


def _score_metrics(
    name: str,
    rule_set: RuleSet,
    train_values: pd.DataFrame,
    y_train: np.ndarray,
    test_values: pd.DataFrame,
    y_test: np.ndarray,
) -> tuple[ModelMetrics, tuple[float, float] | None]:
    train = apply_rules(rule_set, train_values)
    test = apply_rules(rule_set, test_values)
    mapping = _platt(train.scores.to_numpy(), y_train)
    s_test = test.scores.to_numpy()
    p_test = _prob(mapping, s_test)
    low = (test.bands == "low").to_numpy()
    return ModelMetrics(
        name,
        metrics.auc(y_test, s_test),
        metrics.brier(y_test, p_test) if p_test is not None else None,
        float(y_test[low].mean()) if low.any() else None,
        int(low.sum()),
    ), mapping


def _thresholds(mapping: tuple[float, float] | None) -> tuple[float, float] | None:
    """Scores where the fitted chance of lost-or-slipped reaches 30% and 70%."""
    if mapping is None or mapping[1] <= 0:
        return None

    def at(p: float) -> float:
        return (np.log(p / (1 - p)) - mapping[0]) / mapping[1]

    low, high = at(RED_FLAG_LOW_RISK_SHARE), at(HIGH_RISK_PROBABILITY)
    low, high = float(np.clip(low, 1, 98)), float(np.clip(high, 2, 99))
    if high <= low:
        return None
    return round(low, 1), round(high, 1)


def calibrate(
    eng: Engagement,
    *,
    rule_set: RuleSet | None = None,
    horizon_days: int | None = None,
    progress: Progress | None = None,
    data: DealData | None = None,
    bootstrap_rounds: int = BOOTSTRAP_ROUNDS,
    signals: dict | None = None,
    seed: int = 0,
    trusted: tuple[str, ...] | None = None,
) -> CalibrationReport:
    """Fit the rule weights on closed deals and report how well they predict.

    ``rule_set`` defaults to the current version. ``signals`` replaces the signal
    catalogue (tests use it to show a leaking signal is refused). ``trusted`` names
    current-state signals to use on closed deals anyway (default: the setting
    ``scoring.trusted_current_signals``), for a CRM where the consultant checked that
    those fields are not edited at or after close.
    """
    progress = progress or Progress.none()
    catalogue = SIGNALS if signals is None else signals
    if trusted is None:
        trusted = tuple(eng.setting("scoring.trusted_current_signals", []) or [])
    for key in trusted:
        if key not in catalogue or catalogue[key].history_safe:
            current_state = [k for k, s in catalogue.items() if not s.history_safe]
            raise WorkbenchError(
                f"{key!r} cannot be trusted: only current-state signals need it ("
                + ", ".join(current_state)
                + ")."
            )
    rule_set = rule_set or ensure_rule_set(eng)
    horizon = int(horizon_days or eng.setting("scoring.horizon_days", DEFAULT_HORIZON_DAYS))
    as_of = pd.Timestamp(eng.as_of())
    data = data or load_deal_data(eng, progress.span(0.0, 0.3))
    progress.update(0.3, "Placing snapshots before each close")
    deals = closed_deals(data, as_of, horizon)
    gate = gate_for(deals.n_won, deals.n_lost, _gates(eng))
    notes: list[str] = []
    split = _split(deals, data.fiscal_start_month, as_of)
    train_until, test_q, train_idx, test_idx = split
    cutoff = (pd.Timestamp(train_until) + pd.Timedelta(days=1)) if train_until else None
    norms = stage_norms(data, cutoff)
    progress.update(0.35, "Computing signals as of each snapshot")
    sig_frame = compute_signals(
        data,
        deals.frame["snapshot"],
        historical=True,
        norms=norms,
        signals=signals,
        trusted=tuple(trusted),
    )
    for key in trusted:
        notes.append(
            f"{catalogue[key].label}: the current value was used for closed deals on the "
            "consultant's assurance that this field is not edited at or after close."
        )
    values = sig_frame.values
    frame = deals.frame
    y = frame["bad"].to_numpy()
    progress.update(0.6, "Fitting")
    report = CalibrationReport(
        rule_set_version=rule_set.version,
        as_of=as_of.date().isoformat(),
        horizon_days=horizon,
        gate=gate,
        n_closed=len(frame),
        n_train=len(train_idx),
        n_test=len(test_idx),
        train_until=train_until,
        test_quarter=test_q,
        base_rate_test=float(y[test_idx].mean()) if len(test_idx) else None,
        auc=None,
        brier=None,
        auc_ci=None,
        low_risk_lost_share=None,
        low_risk_red_flag=None,
        weights=[],
        hand_set=None,
        recommended=None,
        recommended_low_max=None,
        recommended_high_min=None,
        reliability=[],
        lift=[],
        excluded_signals=dict(sig_frame.excluded),
        trusted_signals=list(trusted),
        left_out=deals.left_out,
        notes=notes,
        stage_norms=norms,
    )
    active = rule_set.active()
    fired = pd.DataFrame({r.signal: r.fires(values[r.signal]) for r in active}, index=values.index)
    x_all = fired.fillna(0.0)
    tr = np.asarray(train_idx)
    te = np.asarray(test_idx)
    fit_cols: list[str] = []
    for r in active:
        sig = SIGNALS.get(r.signal)
        row = WeightRow(
            r.signal, sig.label if sig else r.signal, r.describe(), r.points, status="fitted"
        )
        if r.signal in sig_frame.excluded:
            row.status = "kept at hand-set points: " + sig_frame.excluded[r.signal]
        elif len(tr):
            avail = float(fired[r.signal].iloc[tr].notna().mean())
            share = float(x_all[r.signal].iloc[tr].mean())
            row.available_share, row.fired_share = avail, share
            f = x_all[r.signal].iloc[tr].to_numpy() == 1
            row.bad_rate_fired = float(y[tr][f].mean()) if f.any() else None
            row.bad_rate_not_fired = float(y[tr][~f].mean()) if (~f).any() else None
            if avail < MIN_AVAILABLE_SHARE:
                row.status = (
                    f"kept at hand-set points: the signal was available for only "
                    f"{avail:.0%} of training deals"
                )
            elif share in (0.0, 1.0):
                row.status = (
                    "kept at hand-set points: it fired on "
                    + ("no" if share == 0.0 else "every")
                    + " training deal"
                )
            else:
                fit_cols.append(r.signal)
        else:
            row.status = "kept at hand-set points: no training deals"
        report.weights.append(row)
    # Built-in current-state signals are explained in the weights table when they have a
    # rule; a signal added to the catalogue (a custom one) gets a note of its own.
    extra_excluded = {
        k: v for k, v in sig_frame.excluded.items() if k not in fired.columns and k not in SIGNALS
    }
    for key in extra_excluded:
        notes.append(f"Signal {key!r} was not used: {extra_excluded[key]}.")

    can_fit = len(tr) >= 10 and len(np.unique(y[tr])) == 2 and fit_cols
    if not can_fit:
        notes.append(
            "No model could be fitted: it needs at least 10 closed training deals with both "
            f"outcomes and one usable rule (have {len(tr)} training deals, "
            f"{int(y[tr].sum()) if len(tr) else 0} lost or slipped). " + gate.message
        )
        for row in report.weights:
            row.recommended_points = row.hand_points
        report.low_risk_lost_share = _low_share(rule_set, values, y, te)
        progress.update(1.0, "Calibration done (not enough data to fit)")
        return report

    x_tr = x_all[fit_cols].to_numpy()[tr]
    x_te = x_all[fit_cols].to_numpy()[te] if len(te) else np.empty((0, len(fit_cols)))
    coef, intercept, model = _fit(x_tr, y[tr])
    for name, c in zip(fit_cols, coef, strict=True):
        row = next(w for w in report.weights if w.signal == name)
        row.coefficient, row.odds_ratio = float(c), float(np.exp(c))
    _recommend_points(report.weights, fit_cols)
    _suggest_thresholds(report.weights, rule_set, values.iloc[tr], y[tr])
    progress.update(0.7, "Measuring on the test quarter")
    if len(te):
        p_test = model.predict_proba(x_te)[:, 1]
        report.auc = metrics.auc(y[te], p_test)
        report.brier = metrics.brier(y[te], p_test)
        report.reliability = metrics.reliability(y[te], p_test)
        report.lift = metrics.lift_by_decile(y[te], p_test)
        report.test_predictions = pd.DataFrame(
            {"opp": frame.index[te], "predicted": p_test, "bad": y[te]}
        ).set_index("opp")
        tr_vals, te_vals = values.iloc[tr], values.iloc[te]
        report.hand_set, _ = _score_metrics(
            "hand-set (current version)", rule_set, tr_vals, y[tr], te_vals, y[te]
        )
        recommended = report.recommended_rule_set(rule_set)
        rec_train = apply_rules(recommended, tr_vals).scores.to_numpy()
        mapping = _platt(rec_train, y[tr])
        bands = _thresholds(mapping)
        if bands:
            report.recommended_low_max, report.recommended_high_min = bands
        else:
            notes.append(
                "Band thresholds were not changed: the recommended score does not "
                "separate outcomes on the training deals."
            )
        if mapping:
            report.prob_intercept, report.prob_slope = mapping
        recommended = report.recommended_rule_set(rule_set)
        report.recommended, _ = _score_metrics(
            "recommended", recommended, tr_vals, y[tr], te_vals, y[te]
        )
        report.low_risk_lost_share = report.hand_set.low_risk_lost_share
        if report.low_risk_lost_share is not None:
            report.low_risk_red_flag = report.low_risk_lost_share > RED_FLAG_LOW_RISK_SHARE
    if not gate.passed:
        progress.update(0.75, "Bootstrapping (below the minimum-data gate)")
        _bootstrap(
            report,
            x_tr,
            y[tr],
            x_te,
            y[te] if len(te) else np.empty(0),
            fit_cols,
            bootstrap_rounds,
            seed,
            progress.span(0.75, 1.0),
        )
    progress.update(1.0, "Calibration done")
    return report


def _low_share(
    rule_set: RuleSet, values: pd.DataFrame, y: np.ndarray, te: np.ndarray
) -> float | None:
    if not len(te):
        return None
    bands = apply_rules(rule_set, values.iloc[te]).bands.to_numpy()
    low = bands == "low"
    return float(y[te][low].mean()) if low.any() else None


def _recommend_points(weights: list[WeightRow], fit_cols: list[str]) -> None:
    """Fitted rules share what the unfitted ones leave of 100, by positive log-odds."""
    kept = sum(w.hand_points for w in weights if w.signal not in fit_cols)
    budget = max(100.0 - kept, 0.0)
    positive = {w.signal: max(w.coefficient or 0.0, 0.0) for w in weights if w.signal in fit_cols}
    total = sum(positive.values())
    for w in weights:
        if w.signal in fit_cols:
            w.recommended_points = round(budget * positive[w.signal] / total, 1) if total else 0.0
            if (w.coefficient or 0.0) <= 0:
                w.status = "fitted: does not raise risk in this history (0 points recommended)"
        else:
            w.recommended_points = w.hand_points


def _suggest_thresholds(
    weights: list[WeightRow], rule_set: RuleSet, values: pd.DataFrame, y: np.ndarray
) -> None:
    """For numeric signals, the cut (same direction as the rule) that best separates
    lost-or-slipped from won-on-time training deals (Youden's J), from the deciles of
    the signal's values. A suggestion to review, not applied automatically."""
    if len(np.unique(y)) < 2:
        return
    for w in weights:
        rule = rule_set.rule(w.signal)
        sig = SIGNALS.get(w.signal)
        if rule is None or sig is None or sig.unit == "yes/no" or w.signal not in values:
            continue
        col = values[w.signal].to_numpy(dtype=float)
        known = ~np.isnan(col)
        if known.sum() < 20:
            continue
        x, yy = col[known], y[known]
        best = (None, -1.0)
        for cut in np.unique(np.quantile(x, np.linspace(0.1, 0.9, 9))):
            fired = OPERATORS[rule.operator](x, cut)
            tpr = fired[yy == 1].mean()
            fpr = fired[yy == 0].mean()
            if tpr - fpr > best[1]:
                best = (float(cut), float(tpr - fpr))
        w.suggested_threshold, w.separation = best if best[0] is not None else (None, None)


def _bootstrap(
    report: CalibrationReport,
    x_tr: np.ndarray,
    y_tr: np.ndarray,
    x_te: np.ndarray,
    y_te: np.ndarray,
    fit_cols: list[str],
    rounds: int,
    seed: int,
    progress: Progress,
) -> None:
    """Refit on resampled training deals: 95% intervals for the test AUC and each weight.

    When the test quarter has only one outcome, the AUC of each round is measured on
    the training deals left out of that round's resample (out of bag).
    """
    rng = np.random.default_rng(seed)
    aucs, coefs = [], []
    n = len(y_tr)
    for i in range(rounds):
        if i % 10 == 0:
            progress.update(i / rounds, "Bootstrapping (below the minimum-data gate)")
        pick = rng.integers(0, n, n)
        if len(np.unique(y_tr[pick])) < 2:
            continue
        coef, _, model = _fit(x_tr[pick], y_tr[pick])
        coefs.append(coef)
        if len(np.unique(y_te)) == 2:
            aucs.append(metrics.auc(y_te, model.predict_proba(x_te)[:, 1]))
        else:
            oob = np.setdiff1d(np.arange(n), pick)
            if len(oob) and len(np.unique(y_tr[oob])) == 2:
                aucs.append(metrics.auc(y_tr[oob], model.predict_proba(x_tr[oob])[:, 1]))
    if aucs:
        report.auc_ci = (float(np.percentile(aucs, 2.5)), float(np.percentile(aucs, 97.5)))
    if coefs:
        lo, hi = np.percentile(np.array(coefs), [2.5, 97.5], axis=0)
        for name, a, b in zip(fit_cols, lo, hi, strict=True):
            row = next(w for w in report.weights if w.signal == name)
            row.coefficient_ci = (float(a), float(b))
    report.notes.append(
        f"Below the minimum-data gate: {len(coefs)} bootstrap refits of the {n} training "
        "deals give 95% intervals for the AUC and each weight. Wide intervals (or ones that "
        "cross zero) mean the history cannot tell those weights apart yet."
    )


def _split(
    deals: ClosedDeals, start_month: int | FiscalCalendar, as_of: pd.Timestamp
) -> tuple[str | None, str | None, list[int], list[int]]:
    """Time-ordered split: test on the latest complete fiscal quarter with closed deals,
    train on every earlier quarter. Deals closed in the quarter still in progress are
    left out (a part quarter is not comparable); with no complete quarter before it,
    the part quarter is the test quarter."""
    frame = deals.frame
    if frame.empty:
        return None, None, [], []
    quarters = frame["quarter"].to_numpy()
    current = float(quarter_index(pd.Series([as_of]), start_month).iloc[0])
    complete = np.unique(quarters[quarters < current])
    if len(complete):
        latest = float(complete.max())
        in_progress = int((quarters >= current).sum())
        if in_progress:
            deals.left_out["closed in the quarter still in progress"] = in_progress
    else:
        latest = float(np.nanmax(quarters))
    test = np.flatnonzero(quarters == latest).tolist()
    train = np.flatnonzero(quarters < latest).tolist()
    label = quarter_label(latest, start_month)
    q_start = quarter_by_label(label, start_month).start  # months or a week calendar
    train_until = (q_start - timedelta(days=1)).isoformat()
    return train_until, label, train, test
