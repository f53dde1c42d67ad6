"""Two and six processes contending for the writer lock: never two holders at once.

Each process takes the lock, marks itself as holder in a shared counter, yields the
processor, unmarks itself and lets go, many times over. The counter is checked at
every mark: with a correct lock it is never above one.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from pathlib import Path

import pytest

from workbench.errors import EngagementLocked
from workbench.models.lockfile import WriterLock, lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork start method")

HOLDS_PER_PROCESS = 400


def _contend(path: str, holders, doubles, holds, start) -> None:
    lock = WriterLock(Path(path))
    start.wait()
    done = 0
    while done < HOLDS_PER_PROCESS:
        try:
            lock.acquire()
        except EngagementLocked:
            os.sched_yield()
            continue
        with holders.get_lock():
            holders.value += 1
            if holders.value > 1:
                with doubles.get_lock():
                    doubles.value += 1
        os.sched_yield()
        with holders.get_lock():
            holders.value -= 1
        lock.release()
        done += 1
    with holds.get_lock():
        holds.value += done


def contend(tmp_path: Path, processes: int) -> tuple[int, int]:
    """Run ``processes`` contenders; return (double holders seen, holds completed)."""
    ctx = mp.get_context("fork")
    path = tmp_path / "contended.engagement"
    path.write_bytes(b"")
    holders, doubles, holds = ctx.Value("i", 0), ctx.Value("i", 0), ctx.Value("i", 0)
    start = ctx.Barrier(processes)
    workers = [
        ctx.Process(target=_contend, args=(str(path), holders, doubles, holds, start))
        for _ in range(processes)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
        assert w.exitcode == 0
    assert not lock_path(path).exists()  # the last holder removed it
    return doubles.value, holds.value


@pytest.mark.parametrize("processes", [2, 6])
def test_contending_processes_never_hold_the_lock_together(tmp_path: Path, processes: int):
    doubles, holds = contend(tmp_path, processes)
    assert holds == processes * HOLDS_PER_PROCESS
    assert doubles == 0
