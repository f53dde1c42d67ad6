"""Platform evaluation: criteria templates, matrix, TCO, sensitivity. See docs/evaluation.md.

The public API (for the reports, the command line and the GUI):

- ``load_matrix(eng)`` / ``create_evaluation(eng, template)``: read or start one;
- ``summarise(matrix)`` -> ``EvaluationSummary`` (results, ranking, margin,
  sensitivity, Monte Carlo, TCO, recommendation); ``summary_dict`` for JSON;
- ``totals_figure(results)`` / ``win_probability_figure(mc)``: matplotlib Figures;
- ``export_workbook`` / ``read_changes`` + ``apply_changes``: the Excel round trip;
- ``edit``: every change (weights, scores, TCO, vendors, pilot, selection).
"""

from typing import Any

from workbench.evaluation import edit
from workbench.evaluation.ahp import AhpResult, ahp_weights, matrix_from_pairs
from workbench.evaluation.matrix import Results, VendorResult, check_weights, compute_results
from workbench.evaluation.model import Matrix
from workbench.evaluation.sensitivity import (
    CriterionSensitivity,
    MonteCarloResult,
    monte_carlo,
    sensitivity,
)
from workbench.evaluation.store import create_evaluation, current_evaluation_id, load_matrix
from workbench.evaluation.summary import EvaluationSummary, summarise, summary_dict
from workbench.evaluation.tco import TcoResult, tco_table
from workbench.evaluation.templates import TEMPLATE_NAMES

# matplotlib and openpyxl take most of a second to import: load them only when used,
# so `workbench evaluate FILE` stays quick.
_LAZY = {
    "totals_figure": "workbench.evaluation.charts",
    "win_probability_figure": "workbench.evaluation.charts",
    "export_workbook": "workbench.evaluation.workbook",
    "ImportDiff": "workbench.evaluation.workbook_import",
    "apply_changes": "workbench.evaluation.workbook_import",
    "read_changes": "workbench.evaluation.workbook_import",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'workbench.evaluation' has no attribute {name!r}")


__all__ = [
    "TEMPLATE_NAMES",
    "AhpResult",
    "CriterionSensitivity",
    "EvaluationSummary",
    "ImportDiff",
    "Matrix",
    "MonteCarloResult",
    "Results",
    "TcoResult",
    "VendorResult",
    "ahp_weights",
    "apply_changes",
    "check_weights",
    "compute_results",
    "create_evaluation",
    "current_evaluation_id",
    "edit",
    "export_workbook",
    "load_matrix",
    "matrix_from_pairs",
    "monte_carlo",
    "read_changes",
    "sensitivity",
    "summarise",
    "summary_dict",
    "tco_table",
    "totals_figure",
    "win_probability_figure",
]
