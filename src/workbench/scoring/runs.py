"""Calibration runs kept in the engagement file, and adopting a recommendation.

Every run is stored with its headline figures and the whole report as JSON, so the
GUI, the quarterly check and the scoring rules document read the last run back
(``load_calibration_report``) without fitting again.
"""

from __future__ import annotations

import json

from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.scoring.calibration import CalibrationReport
from workbench.scoring.rules import RuleSet, ensure_rule_set, save_rule_set


def save_calibration_run(eng: Engagement, report: CalibrationReport) -> int:
    """Record the run (headline figures and the full report) and return its id."""
    with eng.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO scoring_calibration_runs (run_at, as_of, rule_set_version, "
            "train_until, test_quarter, n_train, n_test, n_won, n_lost, gate_passed, auc, "
            "brier, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now_iso(),
                report.as_of,
                report.rule_set_version or 0,
                report.train_until,
                report.test_quarter,
                report.n_train,
                report.n_test,
                report.gate.n_won,
                report.gate.n_lost,
                int(report.gate.passed),
                report.auc,
                report.brier,
                json.dumps(_jsonable(report.to_dict())),
            ),
        )
        report.run_id = int(cur.lastrowid)
    return report.run_id


def _jsonable(obj: object) -> object:
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "item"):
        return obj.item()
    return obj


def save_recommended_version(
    eng: Engagement, report: CalibrationReport, *, author: str, rationale: str
) -> RuleSet:
    """Save the recommended weights and bands as the next rule version."""
    if report.auc is None:
        raise WorkbenchError(
            "This calibration could not measure accuracy (see its notes), so there is no "
            "recommendation to save; keep the current version."
        )
    if report.run_id is None:
        save_calibration_run(eng, report)
    current = ensure_rule_set(eng)
    recommended = report.recommended_rule_set(current)
    text = rationale.strip() + "\n\nCalibration: " + report.summary()
    return save_rule_set(eng, recommended, author=author, rationale=text)


def list_calibration_runs(eng: Engagement) -> list[dict]:
    """Saved runs, newest first: id, day, version, split, sizes, gate, AUC, Brier."""
    rows = eng.conn.execute(
        "SELECT id, run_at, as_of, rule_set_version, train_until, test_quarter, n_train, "
        "n_test, n_won, n_lost, gate_passed, auc, brier FROM scoring_calibration_runs "
        "ORDER BY id DESC"
    ).fetchall()
    keys = (
        "id",
        "run_at",
        "as_of",
        "rule_set_version",
        "train_until",
        "test_quarter",
        "n_train",
        "n_test",
        "n_won",
        "n_lost",
        "gate_passed",
        "auc",
        "brier",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def last_calibration_run(eng: Engagement, run_id: int | None = None) -> dict | None:
    """The stored report of a run (default: the latest) as ``to_dict()`` gave it, plus
    ``run_id`` and ``run_at``; None when calibration never ran on this file."""
    sql = "SELECT id, run_at, report FROM scoring_calibration_runs "
    row = (
        eng.conn.execute(sql + "WHERE id = ?", (run_id,)).fetchone()
        if run_id is not None
        else eng.conn.execute(sql + "ORDER BY id DESC LIMIT 1").fetchone()
    )
    if row is None:
        return None
    data = json.loads(row[2])
    data["run_id"], data["run_at"] = row[0], row[1]
    return data


def load_calibration_report(eng: Engagement, run_id: int | None = None) -> CalibrationReport | None:
    """A stored run (default: the latest) as a ``CalibrationReport``; None if none ran."""
    data = last_calibration_run(eng, run_id)
    return None if data is None else CalibrationReport.from_dict(data)
