"""The audits' user actions as typed operations (the seam the CLI, GUI and reports use).

``run_audits_op`` runs the named audits on one data cache, records their findings and
stores each result as a run (``audit:capture``, ``audit:crm-hygiene``,
``audit:baselines``, ``audit:maintenance``, ``audit:matching``) in one transaction. ``latest_audit`` reads a
stored run back as the audit's own result dataclass; every face shows that run.
``set_finding_status`` confirms, corrects, resolves or dismisses a finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.audits import AUDITS, run_audits
from workbench.audits.baselines import BaselinesResult
from workbench.audits.capture import CaptureResult
from workbench.audits.crm_hygiene import CrmHygieneResult
from workbench.audits.maintenance import MaintenanceResult
from workbench.audits.matching import MatchingResult
from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.models.findings import StoredFinding, set_status
from workbench.models.runs import Run, from_jsonable, latest_run, save_run
from workbench.progress import Progress

RESULT_TYPES: dict[str, type] = {
    "crm-hygiene": CrmHygieneResult,
    "capture": CaptureResult,
    "baselines": BaselinesResult,
    "maintenance": MaintenanceResult,
    "matching": MatchingResult,
}


def run_kind(name: str) -> str:
    """The stored run kind of an audit: ``capture`` -> ``audit:capture``."""
    return f"audit:{name}"


@dataclass
class RunAudits:
    """Which audits to run (all when empty); ``record=False`` stores the runs but
    leaves the findings as they are (the export's first look at an engagement)."""

    names: Sequence[str] = ()
    record: bool = True


@dataclass
class AuditOutcome:
    """One audit's result and the run it was stored as."""

    name: str
    result: object
    run: Run


@dataclass
class AuditsRun:
    outcomes: dict[str, AuditOutcome]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def results(self) -> dict[str, object]:
        return {name: o.result for name, o in self.outcomes.items()}


def _check_names(names: Sequence[str]) -> list[str]:
    wanted = [str(n).strip().lower().replace("_", "-") for n in names] or list(AUDITS)
    unknown = [n for n in wanted if n not in AUDITS]
    if unknown:
        raise WorkbenchError(
            f"There is no audit called {', '.join(unknown)}; choose from {', '.join(AUDITS)}."
        )
    return list(dict.fromkeys(wanted))


def run_audits_op(
    eng: Engagement, request: RunAudits | None = None, *, progress: Progress | None = None
) -> AuditsRun:
    """Run the audits, record their findings and store each result as a run."""
    request = request or RunAudits()
    names = _check_names(request.names)
    if "maintenance" in names and "capture" not in names:
        # the maintenance recording checks read the capture audit of the same run
        names.insert(names.index("maintenance"), "capture")
    with eng.atomic():
        done = run_audits(eng, names, progress=progress, record=request.record)
        outcomes = {
            name: AuditOutcome(
                name,
                result,
                save_run(eng, run_kind(name), result, as_of=getattr(result, "as_of", None)),
            )
            for name, result in done.results.items()
        }
    return AuditsRun(outcomes, done.seconds)


@dataclass
class SegmentBaselines:
    """The baselines of one segment (``where``: {field: value}) and/or split by one
    field (``by``). Without either this is the whole-pipeline baselines audit."""

    where: dict[str, str] = field(default_factory=dict)
    by: str | None = None


@dataclass
class SegmentOutcome:
    result: BaselinesResult
    run: Run


def segment_baselines(
    eng: Engagement, request: SegmentBaselines, *, progress: Progress | None = None
) -> SegmentOutcome:
    """Compute segmented baselines once and store them as a run every face reads.

    The whole pipeline is the baselines audit (findings recorded, ``audit:baselines``);
    a segment or a split is stored as ``audit:baselines-segment`` with its request as the
    run's parameters, and records no findings (they describe the whole pipeline).
    """
    if not request.where and not request.by:
        done = run_audits_op(eng, RunAudits(["baselines"]), progress=progress)
        o = done.outcomes["baselines"]
        return SegmentOutcome(o.result, o.run)  # type: ignore[arg-type]
    from workbench.audits.baselines import run_baselines

    with eng.atomic():
        result = run_baselines(eng, progress, where=request.where, by=request.by, record=False)
        run = save_run(
            eng,
            run_kind("baselines-segment"),
            result,
            parameters={"where": request.where, "by": request.by},
            as_of=getattr(result, "as_of", None),
        )
    return SegmentOutcome(result, run)


def latest_audit(
    eng: Engagement, name: str, run_id: int | None = None
) -> tuple[object, Run] | None:
    """The latest (or the named) stored run of one audit as its result dataclass and
    the run; None when that audit never ran on this engagement."""
    (name,) = _check_names([name])
    run = latest_run(eng, run_kind(name), run_id)
    if run is None:
        return None
    return from_jsonable(RESULT_TYPES[name], run.result), run


def latest_audits(
    eng: Engagement, *, progress: Progress | None = None
) -> dict[str, tuple[object, Run]]:
    """The latest stored run of every audit that ran on this engagement (a read)."""
    found = {}
    for i, name in enumerate(AUDITS):
        if progress is not None:
            progress.update(i / len(AUDITS), f"Reading the latest {name} run")
        hit = latest_audit(eng, name)
        if hit is not None:
            found[name] = hit
    return found


def ensure_audits(
    eng: Engagement, names: Sequence[str] = (), *, progress: Progress | None = None
) -> dict[str, tuple[object, Run]]:
    """The latest run of each audit, running (and storing) only the audits never run.

    Running them here stores their runs but leaves the findings alone (exporting
    never changes them). A stale run is returned as it is (``run.stale`` says so);
    the documents show it with the way to refresh it rather than computing again.
    """
    wanted = _check_names(names)
    found = {n: latest_audit(eng, n) for n in wanted}
    missing = [n for n, v in found.items() if v is None]
    if missing and not eng.read_only:
        done = run_audits_op(eng, RunAudits(missing, record=False), progress=progress)
        for n, o in done.outcomes.items():
            found[n] = (o.result, o.run)
    elif missing:
        # read-only: measure without storing (the run says it was not stored)
        done = run_audits(eng, missing, progress=progress, record=False)
        for n, result in done.results.items():
            run = Run(0, run_kind(n), now_iso(), eng.as_of().isoformat(), "", {}, None)
            found[n] = (result, run)
    return {n: v for n, v in found.items() if v is not None}


@dataclass
class SetFindingStatus:
    """Move a finding to CONFIRMED, CORRECTED, RESOLVED or DISMISSED."""

    finding_id: int
    status: str
    note: str = ""
    meeting_id: int | None = None


def set_finding_status(
    eng: Engagement, request: SetFindingStatus, *, progress: Progress | None = None
) -> StoredFinding:
    """Change a finding's status, keeping the change in its history (the status and
    the note a correction needs are checked by the findings store)."""
    return set_status(
        eng, request.finding_id, request.status.strip(), request.note, request.meeting_id
    )


__all__ = [
    "RESULT_TYPES",
    "AuditOutcome",
    "AuditsRun",
    "RunAudits",
    "SetFindingStatus",
    "ensure_audits",
    "latest_audit",
    "latest_audits",
    "run_audits_op",
    "run_kind",
    "set_finding_status",
]
