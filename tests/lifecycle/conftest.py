"""Fixtures for the lifecycle tests: engagements of both kinds and a state dump."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.models import Engagement, EngagementMeta

STATE_TABLES = (
    "lc_checklist_items",
    "lc_intake_items",
    "lc_definitions",
    "lc_criteria",
    "lc_meetings",
    "lc_meeting_items",
    "lc_item_history",
    "findings",
    "finding_history",
    "settings",
)


def dump(eng: Engagement) -> dict[str, list[tuple]]:
    """Every row of the tables the lifecycle writes, for exact before/after comparisons."""
    return {t: eng.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in STATE_TABLES}


@pytest.fixture(name="dump")
def dump_fixture():
    """The ``dump`` function, as a fixture (test folders are not packages)."""
    return dump


@pytest.fixture
def ci_engagement(tmp_path: Path):
    """A fresh conversation-intelligence engagement on a dedicated contract."""
    eng = Engagement.create(
        tmp_path / "Beta.engagement",
        EngagementMeta(
            customer="Beta Inc",
            project_kind="conversation-intelligence",
            engagement_type="dedicated",
            methodology="SPICED",
        ),
    )
    eng.set_setting("as_of_date", "2026-11-23")
    yield eng
    eng.close()


@pytest.fixture
def ri_engagement(new_engagement: Engagement) -> Engagement:
    """The shared fresh revenue-intelligence engagement, with a pinned as-of date."""
    new_engagement.set_setting("as_of_date", "2026-11-23")
    return new_engagement
