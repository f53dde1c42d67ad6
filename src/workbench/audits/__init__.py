"""Pre-kickoff audits: CRM hygiene, capture gap analysis, baselines, maintenance checks.

Each audit is a plain function ``run_<name>(eng, progress=None, **options)`` returning a
result dataclass with its figures and ``findings`` (recorded in the engagement so
their status and history survive re-runs). ``run_audits`` runs several on one shared
data cache. See docs/audits.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.audits.baselines import BaselinesResult, run_baselines
from workbench.audits.capture import CaptureResult, run_capture
from workbench.audits.common import AuditData
from workbench.audits.crm_hygiene import CrmHygieneResult, run_crm_hygiene
from workbench.audits.maintenance import MaintenanceResult, maintenance_tasks, run_maintenance
from workbench.audits.matching import MatchingResult, run_matching
from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.progress import Progress

# Audit name (as the CLI and the findings table spell it) -> runner.
AUDITS: dict[str, Callable[..., object]] = {
    "crm-hygiene": run_crm_hygiene,
    "capture": run_capture,
    "baselines": run_baselines,
    "maintenance": run_maintenance,
    "matching": run_matching,
}

AUDIT_TITLES = {
    "crm-hygiene": "CRM hygiene",
    "capture": "Capture gap analysis",
    "baselines": "Baselines",
    "maintenance": "Maintenance checks",
    "matching": "Call matching and consent",
}


# The cached tables (``AuditData.table``) each audit reads. After an audit, the tables
# no audit still to run reads are let go, so the suite's peak is not the sum of every
# table at once. A table left out here by mistake is only read again (same figures).
TABLES_READ: dict[str, frozenset[str]] = {
    "crm-hygiene": frozenset({"accounts", "contacts", "opportunities", "users", "roles",
                              "activity_last", "activity_contacts", "meetings"}),
    "capture": frozenset({"meetings", "users"}),
    "baselines": frozenset({"opportunities", "accounts", "users", "submissions"}),
    # the owners of open deals are kept once worked out (``AuditData.open_deal_owners``):
    # maintenance does not hold the whole opportunities table through baselines
    "maintenance": frozenset({"users", "usage", "submissions", "imports", "rejects"}),
    "matching": frozenset(),
}  # fmt: skip


@dataclass
class AuditRun:
    """The results of one ``run_audits`` call, by audit name, with seconds per audit."""

    results: dict[str, object]
    seconds: dict[str, float]


def run_audits(
    eng: Engagement,
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    record: bool = True,
) -> AuditRun:
    """Run the named audits (all when none) on one shared data cache; record findings.

    ``record=False`` measures without touching the findings (a read-only look).
    """
    import time

    progress = progress or Progress.none()
    names = list(names or AUDITS)
    unknown = [n for n in names if n not in AUDITS]
    if unknown:
        raise WorkbenchError(
            f"Unknown audit {', '.join(unknown)}; choose from {', '.join(AUDITS)}."
        )
    data = AuditData(eng)
    results: dict[str, object] = {}
    seconds: dict[str, float] = {}
    for i, name in enumerate(names):
        part = progress.span(i / len(names), (i + 1) / len(names))
        start = time.perf_counter()
        still_needed = set().union(*(TABLES_READ.get(n, set()) for n in names[i + 1 :]))
        data.read_later = frozenset(still_needed)
        if name == "maintenance":
            results[name] = run_maintenance(
                eng,
                part,
                data=data,
                baselines=results.get("baselines"),
                capture=results.get("capture"),
                record=record,
            )
        else:
            results[name] = AUDITS[name](eng, part, data=data, record=record)
        seconds[name] = time.perf_counter() - start
        data.release(keep=still_needed)
    return AuditRun(results, seconds)


__all__ = [
    "AUDITS",
    "AUDIT_TITLES",
    "AuditData",
    "AuditRun",
    "BaselinesResult",
    "CaptureResult",
    "CrmHygieneResult",
    "MaintenanceResult",
    "MatchingResult",
    "maintenance_tasks",
    "run_audits",
    "run_baselines",
    "run_capture",
    "run_crm_hygiene",
    "run_maintenance",
    "run_matching",
]
