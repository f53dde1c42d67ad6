"""The platform evaluation's user actions as typed operations.

- ``start_evaluation``: one evaluation per engagement unless a new one is asked for;
- ``add_vendor``: a candidate platform with its deployment option;
- ``analyse``: sensitivity and Monte Carlo of the current evaluation, stored as the
  ``evaluation:sensitivity`` and ``evaluation:monte-carlo`` runs (with the seed and
  the number of draws);
- ``evaluation_summary``: the summary every face shows, whose sensitivity and Monte
  Carlo come from the latest stored runs (analysed first when none is current).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.evaluation import edit
from workbench.evaluation.matrix import compute_results
from workbench.evaluation.model import Matrix
from workbench.evaluation.sensitivity import (
    DEFAULT_CONCENTRATION,
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    CriterionSensitivity,
    MonteCarloResult,
)
from workbench.evaluation.store import create_evaluation, current_evaluation_id, load_matrix
from workbench.evaluation.summary import EvaluationSummary, recommendation, summarise
from workbench.evaluation.templates import TEMPLATE_NAMES
from workbench.models import Engagement
from workbench.models.runs import Run, from_jsonable, latest_run, save_run
from workbench.models.undo import RowScope, SnapshotCommand, stack_for
from workbench.progress import Progress

MONTE_CARLO = "evaluation:monte-carlo"
SENSITIVITY = "evaluation:sensitivity"
MAX_DRAWS = 1_000_000


@dataclass
class StartEvaluation:
    template: str
    new: bool = False  # start another evaluation although one exists (it is kept)
    name: str | None = None


def start_evaluation(
    eng: Engagement, request: StartEvaluation, *, progress: Progress | None = None
) -> int:
    """Create the engagement's evaluation from a template; return its id."""
    if request.template not in TEMPLATE_NAMES:
        raise WorkbenchError(
            f"There is no evaluation template {request.template!r}; choose from "
            f"{', '.join(TEMPLATE_NAMES)}."
        )
    if current_evaluation_id(eng) is not None and not request.new:
        raise WorkbenchError(
            "This engagement already has a platform evaluation; ask for a new one "
            "(--new) to start another (the current one is kept)."
        )
    with eng.atomic():
        eid = create_evaluation(eng, request.template, request.name)
        _refresh_runs(eng)
        return eid


@dataclass
class AddVendor:
    name: str
    platform_option: str = ""  # single, dual or crm-native


def add_vendor(eng: Engagement, request: AddVendor, *, progress: Progress | None = None) -> None:
    edit_evaluation(eng, request)


@dataclass
class Analyse:
    """Sensitivity and Monte Carlo parameters."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    concentration: float = DEFAULT_CONCENTRATION


@dataclass
class Analysed:
    summary: EvaluationSummary
    monte_carlo_run: Run | None
    sensitivity_run: Run | None


def analyse(
    eng: Engagement, request: Analyse | None = None, *, progress: Progress | None = None
) -> Analysed:
    """Compute the summary and store its sensitivity and Monte Carlo as runs."""
    request = request or Analyse()
    if not 100 <= int(request.draws) <= MAX_DRAWS:
        raise WorkbenchError(
            f"{request.draws:,} Monte Carlo draws is not usable; give 100 to {MAX_DRAWS:,}."
        )
    if request.concentration <= 0:
        raise WorkbenchError("The Monte Carlo concentration must be above 0.")
    matrix = _matrix(eng)
    summary = summarise(
        matrix, draws=request.draws, seed=request.seed, concentration=request.concentration
    )
    mc_run = sens_run = None
    if summary.monte_carlo is not None and not eng.read_only:
        with eng.atomic():
            params = {"evaluation_id": matrix.id}
            mc_run = save_run(
                eng,
                MONTE_CARLO,
                summary.monte_carlo,
                parameters=params
                | {
                    "draws": request.draws,
                    "seed": request.seed,
                    "concentration": request.concentration,
                },
            )
            sens_run = save_run(eng, SENSITIVITY, summary.sensitivity or [], parameters=params)
    return Analysed(summary, mc_run, sens_run)


def evaluation_summary(
    eng: Engagement, *, store: bool = True, progress: Progress | None = None
) -> tuple[EvaluationSummary, Run | None]:
    """The current evaluation's summary with the stored Monte Carlo and sensitivity.

    When the latest runs belong to this evaluation and its inputs did not change, they
    are shown as stored; otherwise the evaluation is analysed again with the stored
    run's parameters (default: 10,000 draws, seed 0) and stored, when the file is
    writable and ``store`` (the GUI reads with ``store=False``: the seeded draws give
    the same figures the next stored run will hold). Returns the summary and the Monte Carlo run it shows (None when the
    weights do not sum to 100% or nothing is scored yet).
    """
    matrix = _matrix(eng)
    mc = latest_run(eng, MONTE_CARLO)
    sens = latest_run(eng, SENSITIVITY)
    same = (
        mc is not None
        and sens is not None
        and mc.parameters.get("evaluation_id") == matrix.id
        and sens.parameters.get("evaluation_id") == matrix.id
    )
    if same and not mc.stale and not sens.stale:
        results = compute_results(matrix)
        summary = EvaluationSummary(
            matrix,
            results,
            from_jsonable(list[CriterionSensitivity], sens.result),
            from_jsonable(MonteCarloResult, mc.result),
            results.tco,
            "",
        )
        summary.recommendation = recommendation(summary)
        return summary, mc
    request = _same_parameters(mc if same else None)
    if not store or eng.read_only:
        summary = summarise(
            matrix, draws=request.draws, seed=request.seed, concentration=request.concentration
        )
        return summary, None
    done = analyse(eng, request, progress=progress)
    return done.summary, done.monte_carlo_run


# ------------------------------------------------------------------- edits
@dataclass
class SetWeight:
    criterion: str
    pct: float | str


@dataclass
class NormaliseWeights:
    pass


@dataclass
class SetScore:
    vendor: str
    criterion: str
    value: str | int | None  # None clears the score
    evaluator: str | None = None
    evidence: str | None = None


@dataclass
class SetTco:
    vendor: str  # "*" for every vendor
    field: str
    value: str | float


@dataclass
class SetOptions:
    tco_years: int | None = None
    pricing_step_pct: float | None = None
    pricing_from_tco: bool | None = None


@dataclass
class SetPilot:
    vendor: str
    measure: str
    rating: str | int
    measured: str = ""


@dataclass
class ApplyPilot:
    pass


@dataclass
class AddCriterion:
    name: str
    weight: float | str = 0.0


@dataclass
class SelectVendor:
    vendor: str | None  # None clears the selection
    note: str = ""


@dataclass
class ApplyWorkbook:
    path: str


EvaluationEdit = (
    SetWeight
    | NormaliseWeights
    | SetScore
    | SetTco
    | SetOptions
    | SetPilot
    | ApplyPilot
    | AddCriterion
    | AddVendor
    | SelectVendor
    | ApplyWorkbook
)


def edit_evaluation(
    eng: Engagement, change: EvaluationEdit, *, progress: Progress | None = None
) -> object:
    """Apply one edit to the current evaluation and store its fresh Monte Carlo and
    sensitivity runs, in one transaction and one undo step. Returns what the edit returns (the
    evaluator name of a score, the count of pilot scores or workbook changes)."""
    from workbench.evaluation.matrix import normalised_weights
    from workbench.evaluation.workbook_import import apply_changes, read_changes

    _matrix(eng)  # a plain error when there is no evaluation

    def apply(e: Engagement) -> object:
        m = _matrix(e)
        match change:
            case SetWeight(criterion, pct):
                result = edit.set_weights(e, m, {criterion: pct})
            case NormaliseWeights():
                result = edit.set_weights(e, m, normalised_weights(m))
            case SetScore(vendor, criterion, value, evaluator, evidence):
                result = edit.set_score(e, m, vendor, criterion, value, evaluator, evidence)
            case SetTco(vendor, field_name, value):
                result = edit.set_tco(e, m, vendor, field_name, value)
            case SetOptions(years, step, from_tco):
                result = edit.set_evaluation_options(
                    e, m, tco_years=years, pricing_step_pct=step, pricing_from_tco=from_tco
                )
            case SetPilot(vendor, measure, rating, measured):
                result = edit.set_pilot_result(e, m, vendor, measure, rating, measured)
            case ApplyPilot():
                result = edit.apply_pilot(e, m)
            case AddCriterion(name, weight):
                result = edit.add_criterion(e, m, name, weight)
            case AddVendor(name, option):
                result = edit.add_vendor(e, m, name, option)
            case SelectVendor(vendor, note):
                result = edit.select_vendor(e, m, vendor, note)
            case ApplyWorkbook(path):
                result = apply_changes(e, m, read_changes(path, m, customer=e.meta().customer))
            case _:
                raise WorkbenchError(f"{type(change).__name__} is not an evaluation edit.")
        _refresh_runs(e)
        return result

    command = SnapshotCommand(_label(change), lambda _e: list(UNDO_SCOPES), apply)
    return stack_for(eng).do(command, eng)


# Every row an evaluation edit may touch (parents first), for undo and redo.
UNDO_SCOPES = (
    RowScope("evaluations", "1 = 1"),
    RowScope("evaluation_criteria", "1 = 1"),
    RowScope("evaluation_evaluators", "1 = 1"),
    RowScope("evaluation_vendors", "1 = 1"),
    RowScope("evaluation_pilot_metrics", "1 = 1"),
    RowScope("evaluation_scale", "1 = 1", pk="rowid"),
    RowScope("evaluation_scores", "1 = 1", pk="rowid"),
    RowScope("evaluation_pilot_results", "1 = 1", pk="rowid"),
    RowScope("evaluation_tco", "1 = 1", pk="vendor_id"),
    RowScope("evaluation_tco_licences", "1 = 1", pk="rowid"),
    RowScope("settings", "key LIKE 'evaluation.%'", pk="key"),
)


def _label(change: EvaluationEdit) -> str:
    """How the Edit menu names an evaluation edit."""
    match change:
        case SetWeight(criterion, pct):
            return f"Set the weight of {criterion} to {pct}%"
        case NormaliseWeights():
            return "Normalise the weights"
        case SetScore(vendor, criterion, value, _evaluator, _evidence):
            return f"Score {vendor} on {criterion}" + ("" if value is None else f" {value}")
        case SetTco(vendor, field_name, _value):
            return f"Set {field_name} for {vendor}"
        case SetOptions():
            return "Change the evaluation options"
        case SetPilot(vendor, measure, _rating, _measured):
            return f"Record the pilot {measure} for {vendor}"
        case ApplyPilot():
            return "Feed the pilot results into the scores"
        case AddCriterion(name, _weight):
            return f"Add the criterion {name}"
        case AddVendor(name, _option):
            return f"Add the vendor {name}"
        case SelectVendor(vendor, _note):
            return f"Select {vendor}" if vendor else "Clear the selected platform"
        case ApplyWorkbook(_path):
            return "Apply the edited workbook"
    return "Edit the evaluation"


def _refresh_runs(eng: Engagement) -> None:
    """Store the evaluation's Monte Carlo and sensitivity again with the latest
    run's parameters, so every face shows the edited evaluation's figures."""
    analyse(eng, _same_parameters(latest_run(eng, MONTE_CARLO)))


def _same_parameters(mc: Run | None) -> Analyse:
    """The draws, seed and concentration of a stored Monte Carlo run (default: 10,000, 0)."""
    if mc is None:
        return Analyse()
    return Analyse(
        int(mc.parameters.get("draws", DEFAULT_DRAWS)),
        int(mc.parameters.get("seed", DEFAULT_SEED)),
        float(mc.parameters.get("concentration", DEFAULT_CONCENTRATION)),
    )


def _matrix(eng: Engagement) -> Matrix:
    if current_evaluation_id(eng) is None:
        raise WorkbenchError(
            "This engagement has no platform evaluation yet; start one from a template "
            "(Evaluation page, or workbench evaluate FILE --template NAME)."
        )
    return load_matrix(eng)


__all__ = [
    "AddCriterion",
    "ApplyPilot",
    "ApplyWorkbook",
    "EvaluationEdit",
    "NormaliseWeights",
    "SelectVendor",
    "SetOptions",
    "SetPilot",
    "SetScore",
    "SetTco",
    "SetWeight",
    "edit_evaluation",
    "MONTE_CARLO",
    "SENSITIVITY",
    "AddVendor",
    "Analyse",
    "Analysed",
    "StartEvaluation",
    "add_vendor",
    "analyse",
    "evaluation_summary",
    "start_evaluation",
]


def export_evaluation(eng: Engagement, path: str, *, progress: Progress | None = None):
    """Write the evaluation's live-formula workbook; returns its path."""
    from workbench.evaluation.workbook import export_workbook

    return export_workbook(_matrix(eng), path, customer=eng.meta().customer, progress=progress)


def read_workbook_changes(eng: Engagement, path: str, *, progress: Progress | None = None):
    """What an edited evaluation workbook would change (a read; apply with ApplyWorkbook)."""
    from workbench.evaluation.workbook_import import read_changes

    return read_changes(path, _matrix(eng), customer=eng.meta().customer)
