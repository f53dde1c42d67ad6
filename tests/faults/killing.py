"""Killing a child process at the N-th SQL statement of an operation, and checking after.

The child runs one operation (the real command-line code, in process) with a trace
callback on every engagement connection that prints one line per SQL statement. The
parent counts the lines and sends SIGKILL at the chosen statement: no sleeps, no
timing, and the kill points spread over the whole operation (reading, writing,
committing). A first, unkilled run counts the operation's statements.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .conftest import SRC

CHILD = """
import sys
import workbench.models.engagement as engagement_module

_connect = engagement_module._connect


def traced(path, *, read_only):
    conn = _connect(path, read_only=read_only)
    conn.set_trace_callback(lambda sql: sys.stdout.write("SQL\\n") or sys.stdout.flush())
    return conn


engagement_module._connect = traced
from workbench.cli import main

sys.exit(main(sys.argv[1:]))
"""


@dataclass
class Outcome:
    statements: int  # statements seen before the kill (or in all, if it finished)
    killed: bool
    returncode: int
    stderr: str


def run_child(args: list[str], kill_at: int | None = None, timeout: float = 300) -> Outcome:
    """Run ``workbench ARGS`` in a child; SIGKILL it at statement ``kill_at`` if given."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CHILD), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    seen = 0
    killed = False
    for line in proc.stdout:
        if line == b"SQL\n":
            seen += 1
            if kill_at is not None and seen >= kill_at:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    proc.stdout.close()
    err = proc.stderr.read().decode(errors="replace")
    proc.wait(timeout=timeout)
    return Outcome(seen, killed, proc.returncode, err)


def kill_points(total: int, count: int) -> list[int]:
    """``count`` statement numbers spread evenly over 1..total (the last one inside it)."""
    if total <= 1:
        return [1]
    step = total / (count + 1)
    return sorted({max(1, min(total - 1, round(step * (i + 1)))) for i in range(count)})


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def table_digests(path: Path) -> dict[str, str]:
    """Each table's rows, hashed in key order (a fingerprint of every committed change)."""
    conn = _read_only(path)
    try:
        out = {}
        for name in _tables(conn):
            digest = hashlib.sha256()
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid'):
                digest.update(repr(row).encode())
            out[name] = digest.hexdigest()
        return out
    finally:
        conn.close()


def table_counts(path: Path) -> dict[str, int]:
    conn = _read_only(path)
    try:
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in _tables(conn)}
    finally:
        conn.close()
