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
        return create_evaluation(eng, request.template, request.name)


@dataclass
class AddVendor:
    name: str
    platform_option: str = ""  # single, dual or crm-native


def add_vendor(eng: Engagement, request: AddVendor, *, progress: Progress | None = None) -> None:
    with eng.atomic():
        edit.add_vendor(eng, _matrix(eng), request.name, request.platform_option)


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
    eng: Engagement, *, progress: Progress | None = None
) -> tuple[EvaluationSummary, Run | None]:
    """The current evaluation's summary with the stored Monte Carlo and sensitivity.

    When the latest runs belong to this evaluation and its inputs did not change, they
    are shown as stored; otherwise the evaluation is analysed again with the stored
    run's parameters (default: 10,000 draws, seed 0) and stored, when the file is
    writable. Returns the summary and the Monte Carlo run it shows (None when the
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
    request = Analyse()
    if same and mc is not None:
        request = Analyse(
            int(mc.parameters.get("draws", DEFAULT_DRAWS)),
            int(mc.parameters.get("seed", DEFAULT_SEED)),
            float(mc.parameters.get("concentration", DEFAULT_CONCENTRATION)),
        )
    done = analyse(eng, request, progress=progress)
    return done.summary, done.monte_carlo_run or (mc if same else None)


def _matrix(eng: Engagement) -> Matrix:
    if current_evaluation_id(eng) is None:
        raise WorkbenchError(
            "This engagement has no platform evaluation yet; start one from a template "
            "(Evaluation page, or workbench evaluate FILE --template NAME)."
        )
    return load_matrix(eng)


__all__ = [
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
