"""Nothing is left behind: no temporary copy of the customer's data after a killed import,
no ``-wal``/``-shm`` files or WAL mode on a file refused as damaged."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.errors import DamagedEngagement
from workbench.importers import import_file
from workbench.importers.workdir import private_root
from workbench.models import Engagement, EngagementMeta

from .conftest import SRC, opportunities_csv

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_a_killed_import_leaves_no_temporary_copy_after_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "Acme.engagement"
    Engagement.create(path, EngagementMeta(customer="Acme")).close()
    source = tmp_path / "cafe.csv"  # cp1252: transcoded to a temporary UTF-8 copy
    rows = ["Id,Name,StageName,Amount,CloseDate"]
    rows += [f"006C{i:010d},Caf\xe9 {i},Prospecting,{i},2024-01-02" for i in range(60_000)]
    source.write_bytes("\n".join(rows).encode("cp1252"))
    script = f"""
        from workbench.importers import import_file
        from workbench.models import Engagement
        from workbench.progress import Progress
        eng = Engagement.open({str(path)!r})
        def show(fraction, status):
            print("progress", status, flush=True)
        import_file(eng, {str(source)!r}, progress=Progress(show))
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "rows imported" in line or "Importing" in line or "Reading" in line:
            folders = [p for p in private_root().iterdir() if p.name.startswith("import-")]
            if folders and any(f.iterdir() for f in folders):
                os.kill(proc.pid, signal.SIGKILL)
                break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    left = [p for p in private_root().iterdir() if p.name.startswith(f"import-{proc.pid}-")]
    assert left, "the killed import had a temporary folder"
    assert oct(private_root().stat().st_mode & 0o777) == "0o700"
    # The next import (the next start) removes it.
    with Engagement.open(path) as eng:
        import_file(eng, opportunities_csv(tmp_path / "small.csv", 3))
        assert eng.counts()["opportunities"] == 3
    assert [p for p in private_root().iterdir() if p.name.startswith("import-")] == []


def _damage_engagement_table(path: Path) -> None:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'engagement'").fetchone()[
        0
    ]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * page_size)


def test_a_damaged_file_is_left_in_rollback_mode_with_nothing_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "Broken.engagement"
    Engagement.create(path, EngagementMeta(customer="Broken")).close()
    _damage_engagement_table(path)
    with pytest.raises(DamagedEngagement, match="Broken.engagement is damaged"):
        Engagement.open(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Broken.engagement"]
    header = path.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01"  # rollback journal, not WAL (2, 2)
