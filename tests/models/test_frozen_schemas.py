"""One frozen file per released schema version opens (and upgrades) in this Workbench."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from workbench.models import LATEST_VERSION, Engagement

FROZEN = Path(__file__).resolve().parents[1] / "data" / "schemas"


def frozen_versions() -> list[int]:
    return sorted(int(p.stem.removeprefix("v")) for p in FROZEN.glob("v*.engagement"))


def test_there_is_a_frozen_file_for_the_latest_schema() -> None:
    assert frozen_versions()[-1] == LATEST_VERSION


@pytest.mark.parametrize("version", frozen_versions())
def test_frozen_file_opens_upgraded_with_its_data_intact(tmp_path: Path, version: int) -> None:
    path = tmp_path / f"v{version}.engagement"
    shutil.copy(FROZEN / path.name, path)
    raw = sqlite3.connect(path)
    before = {
        table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for (table,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    raw.close()
    with Engagement.open(path) as eng:
        assert eng.version == LATEST_VERSION
        assert (eng.backup_path is not None) == (version < LATEST_VERSION)
        for table, n in before.items():
            if table != "_sqlite_migrations":
                assert eng.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == n, table
        assert eng.meta().customer
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()


def test_latest_frozen_file_answers_status_and_info(tmp_path: Path) -> None:
    from workbench.lifecycle import engagement_status

    path = tmp_path / "latest.engagement"
    shutil.copy(FROZEN / f"v{LATEST_VERSION}.engagement", path)
    with Engagement.open(path, read_only=True) as eng:
        counts = eng.counts()
        assert counts["opportunities"] == 450 and counts["findings"] == 43
        status = engagement_status(eng)
        assert status.gates
