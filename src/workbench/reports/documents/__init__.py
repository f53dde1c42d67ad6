"""The package's documents in reading order (the order gives the files their number).

Each document module lists its own ``SPECS``; this list names every document once,
in the order the package is read, so nothing depends on import side effects.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.reports.catalog import DocumentSpec
from workbench.reports.documents import (
    call_library,
    coaching_scorecard,
    consent_plan,
    conversation,
    dashboard_specs,
    field_mapping,
    handoff,
    index,
    intake_pack,
    integration_map,
    platform_config,
    scoring_rules,
    strategy,
    technical_spec,
    tracker_design,
    training,
)

ORDER = (
    "index",
    "intake-pack",
    "gap-analysis",
    "baseline-metrics",
    "definition-alignment",
    "success-criteria",
    "ci-requirements",
    "evaluation-matrix",
    "evaluation-summary",
    "integration-map",
    "consent-plan",
    "field-mapping",
    "scoring-rules",
    "tracker-design",
    "coaching-scorecard",
    "dashboard-specs",
    "ci-dashboards",
    "technical-spec",
    "platform-config",
    "admin-runbook",
    "deal-review-playbook",
    "training-package",
    "forecast-cadence",
    "tracker-guide",
    "coaching-playbook",
    "call-library",
    "sales-call-library",
    "marketing-cs-guide",
    "faq",
    "maintenance-schedule",
    "quick-start",
)

_MODULES = (
    index,
    strategy,
    integration_map,
    consent_plan,
    field_mapping,
    scoring_rules,
    tracker_design,
    coaching_scorecard,
    dashboard_specs,
    platform_config,
    handoff,
    conversation,
    intake_pack,
    technical_spec,
    training,
    call_library,
)
_BY_NAME = {s.name: s for m in _MODULES for s in m.SPECS}
assert set(_BY_NAME) == set(ORDER), "every document is listed once in ORDER"

DOCUMENTS: tuple[DocumentSpec, ...] = tuple(
    replace(_BY_NAME[name], number=i) for i, name in enumerate(ORDER)
)


def documents_for(kind: str) -> list[DocumentSpec]:
    """The deliverables of a project kind, in package order, numbered within the kind
    (a revenue-intelligence package has no gaps where the other kind's documents sit)."""
    return [replace(s, number=i) for i, s in enumerate(s for s in DOCUMENTS if kind in s.kinds)]
