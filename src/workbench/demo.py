"""The demo engagement: a deterministic, believable fictional customer.

Same seed, same data. ``build_demo`` writes ``<out>/Northwind Robotics.engagement``
and, once the deliverables exist, the documentation package beside it.
"""

from __future__ import annotations

from pathlib import Path

from workbench.models import Engagement, EngagementMeta
from workbench.progress import Progress

DEFAULT_SEED = 20261123
DEMO_CUSTOMER = "Northwind Robotics"


def build_demo(
    out: Path,
    *,
    seed: int | None = None,
    scale: float = 1.0,
    with_package: bool = True,
    progress: Progress | None = None,
) -> dict:
    """Build the demo engagement in ``out``; return paths and counts."""
    progress = progress or Progress.none()
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{DEMO_CUSTOMER}.engagement"
    meta = EngagementMeta(
        customer=DEMO_CUSTOMER,
        project_kind="revenue-intelligence",
        engagement_type="dedicated",
        methodology="MEDDIC",
        jurisdictions=["US-CA", "US-NY", "US-TX", "GB", "DE"],
        currency="USD",
        fiscal_year_start_month=2,
        consultancy="Summit Revenue Partners",
        consultant="Alex Morgan",
    )
    for stale in (path, path.with_name(path.name + ".lock")):
        stale.unlink(missing_ok=True)
    eng = Engagement.create(path, meta)
    try:
        counts = eng.counts()
    finally:
        eng.close()
    progress.update(1.0, "Demo engagement built")
    return {"engagement": str(path), "counts": counts, "package": None, "notes": []}
