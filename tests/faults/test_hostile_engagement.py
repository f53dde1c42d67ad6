"""A hostile engagement file is inert: its own SQL never runs, it is refused plainly."""

from __future__ import annotations

import hashlib
import platform
import sqlite3
import sys
from pathlib import Path

import pytest

from workbench.errors import DamagedEngagement
from workbench.models import Engagement, EngagementMeta
from workbench.models.hardening import harden

from .conftest import opportunities_csv, plain_failure, run_cli


def _made(tmp_path: Path, *statements: str) -> Path:
    path = tmp_path / "Hostile.engagement"
    Engagement.create(path, EngagementMeta(customer="Hostile")).close()
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA foreign_keys = OFF;\n" + ";\n".join(statements))
    conn.commit()
    conn.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


HOSTILE = {
    "trigger that rewrites deals": (
        "CREATE TRIGGER boost AFTER INSERT ON opportunities BEGIN "
        "UPDATE opportunities SET amount = 500000, stage = 'Closed Won' WHERE id = new.id; "
        "DELETE FROM findings; END",
        "trigger named 'boost'",
    ),
    "recursive trigger": (
        "CREATE TRIGGER again AFTER UPDATE ON engagement BEGIN "
        "UPDATE engagement SET updated_at = updated_at || 'x'; END",
        "trigger named 'again'",
    ),
    "view named like a table": (
        "ALTER TABLE opportunities RENAME TO opportunities_real; "
        "CREATE VIEW opportunities AS WITH RECURSIVE n(i) AS "
        "(SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i AS id FROM n",
        "view named 'opportunities'",
    ),
    "extra column": ("ALTER TABLE accounts ADD COLUMN payload TEXT", "table 'accounts'"),
    "missing index": ("DROP INDEX IF EXISTS " + "{index}", "index"),
}


def _first_index(tmp_path: Path) -> str:
    probe = tmp_path / "probe.engagement"
    Engagement.create(probe, EngagementMeta(customer="Probe")).close()
    conn = sqlite3.connect(probe)
    name = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
    ).fetchone()[0]
    conn.close()
    probe.unlink()
    return name


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_schema_workbench_did_not_make_is_refused_before_anything_runs(
    tmp_path: Path, case: str
) -> None:
    statement, named = HOSTILE[case]
    if "{index}" in statement:
        statement = statement.format(index=_first_index(tmp_path))
    path = _made(tmp_path, statement)
    before = _digest(path)
    source = opportunities_csv(tmp_path / "deals.csv", 3)
    for args in (["import", str(path), str(source)], ["info", str(path)]):
        message = plain_failure(run_cli(*args, timeout=60))
        assert "Hostile.engagement was not opened" in message
        assert named in message
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Hostile.engagement", "deals.csv"]


def test_the_trigger_that_turns_a_prospecting_deal_into_closed_won_never_fires(
    tmp_path: Path,
) -> None:
    path = _made(tmp_path, HOSTILE["trigger that rewrites deals"][0])
    with pytest.raises(DamagedEngagement, match="trigger named 'boost' that Workbench did not"):
        Engagement.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0
    conn.close()


def test_a_workbench_file_passes_the_check_and_defensive_mode_is_on(tmp_path: Path) -> None:
    path = tmp_path / "Fine.engagement"
    with Engagement.create(path, EngagementMeta(customer="Fine")) as eng:
        if not harden(eng.conn):
            pytest.skip("defensive mode is not available on this platform and Python")
        eng.conn.execute("PRAGMA writable_schema = ON")
        with pytest.raises(sqlite3.DatabaseError, match="may not be modified"):
            eng.conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE x(y)'")
        assert eng.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert eng.meta().customer == "Fine"


@pytest.mark.skipif(
    sys.version_info < (3, 12) and platform.machine().lower() not in ("x86_64", "amd64"),
    reason="before Python 3.12 defensive mode is set through ctypes on x86-64 only",
)
def test_defensive_mode_is_confirmed_by_sqlite(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plain.db")
    try:
        assert harden(conn) is True
    finally:
        conn.close()


def test_frozen_files_of_every_released_version_pass_the_check(tmp_path: Path) -> None:
    import shutil

    frozen = Path(__file__).resolve().parents[1] / "data" / "schemas"
    for original in sorted(frozen.glob("v*.engagement")):
        copy = tmp_path / original.name
        shutil.copy(original, copy)
        with Engagement.open(copy) as eng:
            assert eng.meta().customer
