"""Deal risk scoring: as-of signals, versioned rule sets, calibration on won/lost history.

The public API the CLI, the GUI page and the reports use:

- ``SIGNALS`` (catalogue), ``compute_signals``
- ``RuleSet``, ``Rule``, ``default_rule_set``, ``get_rule_set``, ``list_rule_sets``,
  ``save_rule_set``, ``ensure_rule_set``, ``diff_rule_sets``, ``apply_rules``
- ``calibrate`` -> ``CalibrationReport`` (``.to_dict()``, ``.reliability_figure()``,
  ``.weights``, ``.lift``, ``.recommended_rule_set()``), ``save_calibration_run``,
  ``save_recommended_version``, ``list_calibration_runs``, ``last_calibration_run``,
  ``load_calibration_report`` (a stored run as a ``CalibrationReport``)
- ``score_pipeline`` -> ``PipelineScores`` of ``DealScore`` (with ``reasons``),
  ``explain_deal``, ``score_closed``
- ``select_sample``, ``record_expectation``, ``validation_report``
- ``recalibration_report``
"""

from workbench.scoring.calibration import (
    CalibrationReport,
    Gate,
    ModelMetrics,
    WeightRow,
    calibrate,
)
from workbench.scoring.metrics import LiftRow, ReliabilityBin, reliability_figure
from workbench.scoring.pipeline import (
    DealScore,
    PipelineScores,
    Reason,
    explain_deal,
    score_closed,
    score_pipeline,
)
from workbench.scoring.recalibration import RecalibrationReport, recalibration_report
from workbench.scoring.rules import (
    BANDS,
    Rule,
    RuleSet,
    apply_rules,
    default_rule_set,
    diff_rule_sets,
    ensure_rule_set,
    get_rule_set,
    list_rule_sets,
    save_rule_set,
)
from workbench.scoring.runs import (
    last_calibration_run,
    list_calibration_runs,
    load_calibration_report,
    save_calibration_run,
    save_recommended_version,
)
from workbench.scoring.signals import SIGNALS, SignalDef, compute_signals
from workbench.scoring.validation import (
    ValidationReport,
    export_sample_csv,
    import_expectations_csv,
    record_expectation,
    select_sample,
    validation_report,
)

__all__ = [
    "BANDS",
    "SIGNALS",
    "CalibrationReport",
    "DealScore",
    "Gate",
    "LiftRow",
    "ModelMetrics",
    "PipelineScores",
    "Reason",
    "RecalibrationReport",
    "ReliabilityBin",
    "Rule",
    "RuleSet",
    "SignalDef",
    "ValidationReport",
    "WeightRow",
    "apply_rules",
    "calibrate",
    "compute_signals",
    "default_rule_set",
    "diff_rule_sets",
    "ensure_rule_set",
    "explain_deal",
    "export_sample_csv",
    "get_rule_set",
    "import_expectations_csv",
    "last_calibration_run",
    "list_calibration_runs",
    "list_rule_sets",
    "load_calibration_report",
    "recalibration_report",
    "record_expectation",
    "reliability_figure",
    "save_calibration_run",
    "save_recommended_version",
    "save_rule_set",
    "score_closed",
    "score_pipeline",
    "select_sample",
    "validation_report",
]
