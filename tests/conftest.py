"""Test configuration shared by every test folder.

Qt tests run offscreen (set here, before anything imports Qt). Core tests never
import Qt. ``shared_data`` points at the real public exports copied into
tests/data/real (with their sources and licences; see its README.md).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# Remembered branding and recent files go to a throw-away folder, never the user's own.
os.environ.setdefault("WORKBENCH_CONFIG_DIR", tempfile.mkdtemp(prefix="workbench-test-config-"))

from workbench.models import Engagement, EngagementMeta  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO / "tests" / "data" / "real"


@pytest.fixture
def shared_data() -> Path:
    """The folder of real public CRM exports and transcripts (tests/data/real)."""
    return SHARED_DATA


@pytest.fixture
def new_engagement(tmp_path: Path):
    """A fresh, empty revenue-intelligence engagement, open for writing."""
    eng = Engagement.create(
        tmp_path / "Acme.engagement",
        EngagementMeta(customer="Acme Corp", jurisdictions=["US-CA"], fiscal_year_start_month=1),
    )
    yield eng
    eng.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo engagement, built once per test session (do not write to it; copy it)."""
    from workbench.demo import build_demo

    out = tmp_path_factory.mktemp("demo")
    result = build_demo(out, with_package=False)
    return Path(result["engagement"])


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo engagement a test may change."""
    target = tmp_path / demo_file.name
    shutil.copy2(demo_file, target)
    return target


@pytest.fixture(scope="session")
def demo_story_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo engagement with its story (intake, meetings, evaluation, checklist), as
    ``workbench demo`` builds it, without the package (do not write to it; copy it)."""
    from workbench.demo import build_demo

    out = tmp_path_factory.mktemp("demo-story")
    result = build_demo(out, with_package=False, with_story=True)
    return Path(result["engagement"])
