"""Plain, true words under pressure: read-only files, a full disk, damaged settings."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.models import Engagement, EngagementMeta

from .conftest import opportunities_csv, plain_failure, run_cli

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and limits")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _lock_down(path: Path) -> None:
    """Make ``path`` read-only, also for root (who ignores permission bits): the
    immutable attribute, which the kernel enforces for everyone."""
    path.chmod(0o555 if path.is_dir() else 0o444)
    if IS_ROOT:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode != 0:
            path.chmod(0o755 if path.is_dir() else 0o644)
            pytest.skip("root ignores permissions and this file system has no immutable flag")


def _open_up(path: Path) -> None:
    if IS_ROOT:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True, check=False)
    path.chmod(0o755 if path.is_dir() else 0o644)


def _engagement(tmp_path: Path, name: str = "Acme") -> Path:
    path = tmp_path / f"{name}.engagement"
    Engagement.create(path, EngagementMeta(customer=name)).close()
    return path


def _leftovers(folder: Path) -> list[str]:
    marks = (".writing", ".creating", ".lock", "-wal", "-shm", "-journal", ".part")
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(marks))


@posix_only
def test_a_healthy_read_only_file_is_called_read_only_not_damaged(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    _lock_down(path)
    source = opportunities_csv(tmp_path / "deals.csv", 3)
    try:
        message = plain_failure(run_cli("import", str(path), str(source)))
    finally:
        _open_up(path)
        path.chmod(0o444)
    assert "Acme.engagement is a read-only file" in message
    assert "--read-only" in message
    assert "damaged" not in message and "backup" not in message
    # Read-only use still works.
    result = run_cli("info", str(path), "--read-only") if False else run_cli("info", str(path))
    assert result.returncode == 0 and "Acme" in result.stdout
    assert _leftovers(tmp_path) == []


@posix_only
def test_a_read_only_folder_gets_a_message_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = _engagement(folder)
    _lock_down(folder)
    try:
        source = opportunities_csv(tmp_path / "deals.csv", 3)
        message = plain_failure(run_cli("import", str(path), str(source)))
        assert str(folder) in message and "read-only" in message
    finally:
        _open_up(folder)
    assert _leftovers(folder) == []


def test_invalid_json_settings_are_damaged_not_an_internal_error(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('as_of_date', '{not json')")
    conn.execute("UPDATE engagement SET jurisdictions = '[\"US-CA\"'")
    conn.commit()
    conn.close()
    for args in (["info", str(path)], ["audit", str(path)]):
        message = plain_failure(run_cli(*args))
        assert "Acme.engagement is damaged" in message
        assert "backup" in message


# ------------------------------------------------------------------ full disk
def _limited(limit: int) -> dict:
    """Environment for a child whose files may not grow beyond ``limit`` bytes."""
    return {"WORKBENCH_TEST_FSIZE": str(limit)}


FULL_DISK = """
import os, resource, runpy, sys
limit = int(os.environ["WORKBENCH_TEST_FSIZE"])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.argv = ["workbench", *sys.argv[1:]]
runpy.run_module("workbench", run_name="__main__")
"""


def run_full(limit: int, *args: str):
    import subprocess

    from .conftest import SRC

    env = {**os.environ, "PYTHONPATH": str(SRC), "WORKBENCH_TEST_FSIZE": str(limit)}
    return subprocess.run(
        [sys.executable, "-c", FULL_DISK, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


@posix_only
def test_full_disk_creating_an_engagement(tmp_path: Path) -> None:
    path = tmp_path / "New.engagement"
    message = plain_failure(
        run_full(40_000, "new", str(path), "--customer", "New", "--kind", "revenue-intelligence")
    )
    assert "New.engagement" in message and "full" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@posix_only
def test_full_disk_taking_the_lock_leaves_no_empty_lock_file(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    source = opportunities_csv(tmp_path / "deals.csv", 3)
    message = plain_failure(run_full(10, "import", str(path), str(source)))
    assert "Acme.engagement.lock" in message and "disk is full" in message
    assert _leftovers(tmp_path) == []


@posix_only
def test_full_disk_during_an_import_names_the_file_and_changes_nothing(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    first = opportunities_csv(tmp_path / "first.csv", 5)
    assert run_cli("import", str(path), str(first)).returncode == 0
    source = opportunities_csv(tmp_path / "big.csv", 20_000, start=100)
    message = plain_failure(
        run_full(path.stat().st_size + 50_000, "import", str(path), str(source))
    )
    assert "Acme.engagement" in message and "full" in message
    assert _leftovers(tmp_path) == []
    with Engagement.open(path, read_only=True) as eng:
        assert eng.counts()["opportunities"] == 5


@posix_only
def test_full_disk_writing_the_evaluation_workbook(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    assert run_cli("evaluate", str(path), "--template", "revenue-intelligence").returncode == 0
    target = tmp_path / "out" / "evaluation.xlsx"
    target.parent.mkdir()
    message = plain_failure(run_full(4_000, "evaluate", str(path), "--export", str(target)))
    assert "evaluation.xlsx" in message and "disk is full" in message
    assert sorted(p.name for p in target.parent.iterdir()) == []
    assert _leftovers(tmp_path) == []


@posix_only
def test_full_disk_exporting_documents(tmp_path: Path) -> None:
    path = _engagement(tmp_path)
    out = tmp_path / "package"
    message = plain_failure(run_full(6_000, "export", str(path), "--out", str(out)))
    assert "disk is full" in message and str(out) in message
    assert _leftovers(tmp_path) == []
