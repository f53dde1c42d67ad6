"""Crash safety, proven: SIGKILL a child in the middle of a large write and of a migration.

The child reports its progress on stdout line by line; the parent kills it after it
has written a good part of an uncommitted transaction (no sleeps, no timing). The file
must then pass ``PRAGMA integrity_check`` and hold every change committed before.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.models import LATEST_VERSION, Engagement, EngagementMeta

SRC = Path(__file__).resolve().parents[2] / "src"
FROZEN = Path(__file__).resolve().parents[1] / "data" / "schemas"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def run_until_then_kill(script: str, marker: str) -> None:
    """Run ``script`` in a child Python and SIGKILL it as soon as it prints ``marker``."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.strip() == marker:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, (
        seen[-5:],
        proc.stderr.read() if proc.stderr else "",
    )


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_kill_during_large_write_keeps_earlier_commits(tmp_path: Path) -> None:
    path = tmp_path / "crash.engagement"
    Engagement.create(path, EngagementMeta(customer="Crash Test Dummies")).close()
    script = f"""
        from workbench.models import Engagement
        eng = Engagement.open({str(path)!r})
        with eng.atomic() as conn:
            conn.executemany("INSERT INTO accounts (crm_id, name) VALUES (?, ?)",
                             [(f"001C{{i:014d}}", f"Committed {{i}}") for i in range(5000)])
        print("committed", flush=True)
        with eng.atomic() as conn:
            for batch in range(1000):
                conn.executemany(
                    "INSERT INTO opportunities (crm_id, name, amount) VALUES (?, ?, ?)",
                    [(f"006B{{batch:06d}}{{i:08d}}", "x" * 100, i) for i in range(2000)])
                print(f"batch {{batch}}", flush=True)
        print("never", flush=True)
    """
    run_until_then_kill(script, "batch 40")  # ~80,000 uncommitted rows, cache spilled to disk
    assert integrity(path) == "ok"
    with Engagement.open(path) as eng:
        counts = eng.counts()
        assert counts["accounts"] == 5000
        assert counts["opportunities"] == 0
        assert eng.meta().customer == "Crash Test Dummies"
    assert integrity(path) == "ok"


def test_kill_between_commits_keeps_every_committed_transaction(tmp_path: Path) -> None:
    path = tmp_path / "many.engagement"
    Engagement.create(path, EngagementMeta(customer="Many Commits")).close()
    script = f"""
        from workbench.models import Engagement
        eng = Engagement.open({str(path)!r})
        for n in range(10000):
            with eng.atomic() as conn:
                conn.execute("INSERT INTO users (crm_id, name) VALUES (?, ?)", (f"005U{{n:014d}}", "u"))
            print(f"commit {{n}}", flush=True)
    """
    run_until_then_kill(script, "commit 299")
    with Engagement.open(path) as eng:
        # Every transaction reported committed is there (the child may have committed
        # one or two more between printing and being killed).
        assert eng.counts()["users"] >= 300
    assert integrity(path) == "ok"


def test_kill_during_migration_leaves_the_old_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "upgrade.engagement"
    shutil.copy(FROZEN / "v1.engagement", path)
    # A stand-in for a long migration: the real migrations, then a slow extra one that
    # writes a lot before it is killed.
    script = f"""
        from workbench.models import schema
        def slow(conn):
            conn.execute("CREATE TABLE big (x TEXT)")
            for batch in range(1000):
                conn.executemany("INSERT INTO big VALUES (?)", [("y" * 200,)] * 5000)
                print(f"migrating {{batch}}", flush=True)
        schema.MIGRATIONS.append((schema.LATEST_VERSION + 1, "m9999_slow", slow))
        schema.LATEST_VERSION += 1
        import workbench.models.engagement as engagement_module
        engagement_module.LATEST_VERSION = schema.LATEST_VERSION
        from workbench.models import Engagement
        Engagement.open({str(path)!r})
    """
    run_until_then_kill(script, "migrating 30")
    assert integrity(path) == "ok"
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    # The real migrations committed one by one; the killed one left no trace.
    assert version == LATEST_VERSION
    assert "big" not in tables
    with Engagement.open(path) as eng:
        assert eng.counts()["opportunities"] == 50
        assert eng.meta().customer == "Frozen Customer v1"
    backups = list(tmp_path.glob("upgrade.*.backup.engagement"))
    assert backups, "a backup is taken before migrating"
