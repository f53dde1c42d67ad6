"""Fixtures for the scoring tests: a synthetic won/lost history and a tiny hand-built one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.models import Engagement, EngagementMeta
from workbench.scoring.synthetic import fill_synthetic_history


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 closed and 150 open synthetic deals (built once; copy before writing)."""
    path = tmp_path_factory.mktemp("scoring") / "Synthetic.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Synthetic Co"))
    fill_synthetic_history(eng, n_closed=1200, n_open=150, seed=7)
    eng.close()
    return path


@pytest.fixture
def synthetic(synthetic_file: Path, tmp_path: Path):
    """A private, writable copy of the synthetic engagement, open."""
    target = tmp_path / synthetic_file.name
    shutil.copy2(synthetic_file, target)
    eng = Engagement.open(target)
    yield eng
    eng.close()
