"""Deal scoring's user actions as typed operations (the seam the CLI, GUI and reports use).

- ``score`` scores the open pipeline with a rule version and stores the scores as a
  ``scoring`` run (and, for the quarterly recalibration, per deal);
- ``calibrate_rules`` fits the weights on won/lost history, stores the report as a
  ``calibration`` run and, when asked, saves the recommendation as the next version
  (calibrate-then-save is one transaction);
- ``edit_rules`` builds and saves the next rule version from rule changes;
- ``latest_scores`` / ``latest_calibration`` read a stored run back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.models.runs import Run, from_jsonable, latest_run, save_run
from workbench.models.undo import RowScope, SnapshotCommand, max_id, stack_for
from workbench.progress import Progress
from workbench.scoring.calibration import CalibrationReport, calibrate
from workbench.scoring.pipeline import PipelineScores, score_pipeline
from workbench.scoring.rules import Rule as _Rule
from workbench.scoring.rules import RuleSet, ensure_rule_set, get_rule_set, save_rule_set
from workbench.scoring.runs import save_calibration_run, save_recommended_version
from workbench.scoring.signals import SIGNALS

SCORING = "scoring"
CALIBRATION = "calibration"
OPERATORS = (">", ">=", "<", "<=", "==", "!=")
TRUSTABLE = ("next_step_missing", "champion_missing", "economic_buyer_missing", "contact_roles")


@dataclass
class ScoreRequest:
    """Score the open pipeline with rule version ``version`` (default: the current one)."""

    version: int | None = None
    record: bool = True  # keep each deal's score for the quarterly recalibration check


@dataclass
class Scored:
    scores: PipelineScores
    run: Run


def score(
    eng: Engagement, request: ScoreRequest | None = None, *, progress: Progress | None = None
) -> Scored:
    """Score every open deal and store the result as a run."""
    request = request or ScoreRequest()
    rule_set = _rule_set(eng, request.version)
    with eng.atomic():
        if rule_set.version is None:
            rule_set = ensure_rule_set(eng)
        scores = score_pipeline(eng, rule_set=rule_set, progress=progress, record=request.record)
        run = save_run(
            eng,
            SCORING,
            scores,
            parameters={"rule_set_version": scores.rule_set_version},
        )
    return Scored(scores, run)


def latest_scores(eng: Engagement, run_id: int | None = None) -> tuple[PipelineScores, Run] | None:
    """The latest (or the named) stored pipeline scores and their run; None if never scored."""
    run = latest_run(eng, SCORING, run_id)
    return None if run is None else (from_jsonable(PipelineScores, run.result), run)


@dataclass
class CalibrateRequest:
    """Calibrate the current rules on closed deals; optionally save the recommendation."""

    horizon_days: int | None = None
    trusted: tuple[str, ...] = ()
    save_as_version: bool = False
    author: str = ""
    rationale: str = ""


@dataclass
class Calibrated:
    report: CalibrationReport
    run: Run
    saved: RuleSet | None = None


def calibrate_rules(
    eng: Engagement, request: CalibrateRequest | None = None, *, progress: Progress | None = None
) -> Calibrated:
    """Fit, store the report as a run and (when asked) save the recommended version."""
    request = request or CalibrateRequest()
    if request.horizon_days is not None and not 1 <= int(request.horizon_days) <= 365:
        raise WorkbenchError(
            f"A horizon of {request.horizon_days} days is not usable; give 1 to 365 days."
        )
    unknown = [t for t in request.trusted if t not in TRUSTABLE]
    if unknown:
        raise WorkbenchError(
            f"{', '.join(unknown)} cannot be trusted on closed deals; choose from "
            f"{', '.join(TRUSTABLE)}."
        )
    if request.save_as_version and (not request.author.strip() or not request.rationale.strip()):
        raise WorkbenchError(
            "Saving the recommendation as a version needs the author's name and a rationale."
        )
    with eng.atomic():
        report = calibrate(
            eng,
            horizon_days=request.horizon_days,
            progress=progress,
            trusted=tuple(request.trusted) or None,
        )
        save_calibration_run(eng, report)
        run = save_run(
            eng,
            CALIBRATION,
            report.to_dict(),
            parameters={
                "horizon_days": request.horizon_days,
                "trusted": list(request.trusted),
                "rule_set_version": report.rule_set_version,
                "calibration_run_id": report.run_id,
            },
        )
        saved = None
        if request.save_as_version:
            saved = save_recommended_version(
                eng, report, author=request.author, rationale=request.rationale
            )
    return Calibrated(report, run, saved)


def latest_calibration(
    eng: Engagement, run_id: int | None = None
) -> tuple[CalibrationReport, Run] | None:
    """The latest (or the named) stored calibration report and its run."""
    run = latest_run(eng, CALIBRATION, run_id)
    return None if run is None else (CalibrationReport.from_dict(run.result), run)


@dataclass
class RuleChange:
    """Add or change the rule on ``signal``: fires when value OPERATOR threshold."""

    signal: str
    operator: str
    threshold: float
    points: float


@dataclass
class EditRules:
    """The next rule version: changed rules, rules switched off, new band limits."""

    author: str
    rationale: str
    changes: list[RuleChange] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    enable: list[str] = field(default_factory=list)
    bands: tuple[float, float] | None = None  # (low below, high from)


def edit_rules(
    eng: Engagement, request: EditRules, *, progress: Progress | None = None
) -> RuleSet:
    """Build the next rule version from the current one and save it."""
    if not request.author.strip() or not request.rationale.strip():
        raise WorkbenchError("A new rule version needs the author's name and a rationale.")
    for change in request.changes:
        if change.signal not in SIGNALS:
            raise WorkbenchError(f"There is no risk signal called {change.signal!r}.")
        if change.operator not in OPERATORS:
            raise WorkbenchError(
                f"{change.operator!r} is not a comparison; use one of {' '.join(OPERATORS)}."
            )
        try:
            float(change.threshold), float(change.points)
        except (TypeError, ValueError):
            raise WorkbenchError(
                f"The rule on {change.signal}: threshold and points must be numbers."
            ) from None
    if request.bands is not None:
        low, high = (float(b) for b in request.bands)
        if not 0 <= low <= high <= 100:
            raise WorkbenchError(
                f"Bands low below {low:g} and high from {high:g} do not fit 0-100 in order."
            )
    def apply(eng: Engagement) -> RuleSet:
        base = ensure_rule_set(eng)
        rules = [replace(r) for r in base.rules]
        for change in request.changes:
            new = _Rule(
                change.signal, change.operator, float(change.threshold), float(change.points)
            )
            old = next((r for r in rules if r.signal == change.signal), None)
            if old:
                rules[rules.index(old)] = replace(new, note=old.note)
            else:
                rules.append(new)
        for signal, enabled in [(s, False) for s in request.disable] + [
            (s, True) for s in request.enable
        ]:
            old = next((r for r in rules if r.signal == signal), None)
            if old is None:
                raise WorkbenchError(f"There is no rule on the signal {signal!r}.")
            rules[rules.index(old)] = replace(old, enabled=enabled)
        low, high = request.bands if request.bands else (base.low_max, base.high_min)
        edited = replace(
            base,
            rules=rules,
            low_max=float(low),
            high_min=float(high),
            source="manual",
            version=None,
            calibration_run_id=None,
        )
        return save_rule_set(eng, edited, author=request.author, rationale=request.rationale)

    return _undoable(eng, "Save a new rule version", _rule_scopes(eng), apply)


def _rule_scopes(eng: Engagement) -> list[RowScope]:
    return [
        RowScope("scoring_rule_sets", "id > ?", (max_id(eng, "scoring_rule_sets"),)),
        RowScope("scoring_rules", "id > ?", (max_id(eng, "scoring_rules"),)),
    ]


def _undoable(eng: Engagement, label: str, scopes: list[RowScope], apply) -> Any:
    """Run ``apply(eng)`` as one transaction and one step of the engagement's undo stack."""
    return stack_for(eng).do(SnapshotCommand(label, lambda _e: scopes, apply), eng)


def _rule_set(eng: Engagement, version: int | None) -> RuleSet:
    return get_rule_set(eng, version)  # a plain error names the saved versions


__all__ = [
    "AdoptRecommendation",
    "PickSample",
    "RecordExpectations",
    "SaveRules",
    "adopt_recommendation",
    "explain",
    "pick_sample",
    "recalibration_check",
    "record_expectations",
    "save_rules",
    "CALIBRATION",
    "SCORING",
    "CalibrateRequest",
    "Calibrated",
    "EditRules",
    "RuleChange",
    "ScoreRequest",
    "Scored",
    "calibrate_rules",
    "edit_rules",
    "latest_calibration",
    "latest_scores",
    "score",
]


@dataclass
class SaveRules:
    """Save an edited rule set (the Scoring page's rule table) as the next version."""

    rule_set: RuleSet
    author: str
    rationale: str


def save_rules(eng: Engagement, request: SaveRules, *, progress: Progress | None = None) -> RuleSet:
    if not request.author.strip() or not request.rationale.strip():
        raise WorkbenchError("A new rule version needs the author's name and a rationale.")
    def apply(eng: Engagement) -> RuleSet:
        ensure_rule_set(eng)  # the hand-set default stays version 1 of the history
        return save_rule_set(
            eng, request.rule_set, author=request.author, rationale=request.rationale
        )

    return _undoable(eng, "Save the edited rules as a new version", _rule_scopes(eng), apply)


@dataclass
class AdoptRecommendation:
    """Save a stored calibration's recommended weights and bands as the next version."""

    author: str
    rationale: str
    run_id: int | None = None  # the calibration run (default: the latest)


def adopt_recommendation(
    eng: Engagement, request: AdoptRecommendation, *, progress: Progress | None = None
) -> RuleSet:
    if not request.author.strip() or not request.rationale.strip():
        raise WorkbenchError("Saving the recommendation needs the author's name and a rationale.")
    found = latest_calibration(eng, request.run_id)
    if found is None:
        raise WorkbenchError("Calibrate first: there is no recommendation to save yet.")
    report, run = found
    report.run_id = run.parameters.get("calibration_run_id") or report.run_id
    return _undoable(
        eng,
        "Save the calibration's recommendation as a new version",
        _rule_scopes(eng),
        lambda e: save_recommended_version(
            e, report, author=request.author, rationale=request.rationale
        ),
    )


@dataclass
class PickSample:
    size: int = 15
    pool: str = "both"  # open, closed or both


def pick_sample(eng: Engagement, request: PickSample, *, progress: Progress | None = None) -> int:
    """Pick the validation sample sales leadership reviews; returns its size."""
    from workbench.scoring.validation import select_sample

    if not 5 <= int(request.size) <= 50:
        raise WorkbenchError(f"A sample of {request.size} deals is not usable; pick 5 to 50.")
    if request.pool not in ("open", "closed", "both"):
        raise WorkbenchError(f"Pick the sample from open, closed or both, not {request.pool!r}.")
    return _undoable(
        eng,
        f"Pick a validation sample of {request.size} deals",
        [RowScope("scoring_validation", "1 = 1")],
        lambda e: len(select_sample(e, size=request.size, pool=request.pool)),
    )


@dataclass
class RecordExpectations:
    expectations: dict[str, str]  # opportunity id -> expected band
    reviewer: str


def record_expectations(
    eng: Engagement, request: RecordExpectations, *, progress: Progress | None = None
) -> int:
    """Record the bands sales leadership expects for sample deals (one transaction)."""
    from workbench.scoring.validation import record_expectation

    if not request.reviewer.strip():
        raise WorkbenchError("Name the reviewer from sales leadership.")
    def apply(e: Engagement) -> int:
        for crm_id, band in request.expectations.items():
            record_expectation(e, crm_id, band, reviewer=request.reviewer)
        return len(request.expectations)

    return _undoable(
        eng,
        f"Record {len(request.expectations)} expected bands from {request.reviewer}",
        [RowScope("scoring_validation", "1 = 1")],
        apply,
    )


def explain(eng: Engagement, crm_id: str, *, progress: Progress | None = None):
    """One deal (open or closed) scored in full with its reasons (a read)."""
    from workbench.scoring.pipeline import explain_deal

    if not str(crm_id).strip():
        raise WorkbenchError("Give the opportunity's CRM id.")
    return explain_deal(eng, str(crm_id).strip())


def recalibration_check(eng: Engagement, *, progress: Progress | None = None):
    """The quarterly check of the current rules against outcomes since (a read)."""
    from workbench.scoring.recalibration import recalibration_report

    return recalibration_report(eng)
