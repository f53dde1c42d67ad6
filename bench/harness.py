"""Benchmark harness: time a task and a floor in the same run and print the ratio.

This machine is shared and noisy, so absolute seconds mean little; the ratio to a
floor measured moments before, on the same data, does. Peak memory is measured in
a child process (``resource.getrusage(RUSAGE_CHILDREN)``) so one benchmark's
allocations do not hide another's.

    from bench.harness import Result, run_in_child, time_call, report
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Result:
    name: str
    seconds: float
    floor_name: str = ""
    floor_seconds: float = 0.0
    peak_mb: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None


def time_call(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls of ``fn`` and the last call's return value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def time_command(cmd: list[str], stdin: str | None = None) -> float:
    """Wall time of an external command (the floors: sqlite3 CLI, cat...)."""
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, text=True, check=True, capture_output=True)
    return time.perf_counter() - start


def _child(target: Callable[..., object], args: tuple, queue: mp.Queue) -> None:
    start = time.perf_counter()
    value = target(*args)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, peak_kb / 1024, value))


def run_in_child(target: Callable[..., object], *args: object) -> tuple[float, float, object]:
    """Run ``target(*args)`` in a fresh process; return (seconds, peak RSS MB, value)."""
    ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, args, queue))
    proc.start()
    seconds, peak_mb, value = queue.get()
    proc.join()
    return seconds, peak_mb, value


def report(result: Result) -> None:
    """Print one line a person reads and append the result to bench/out/results.jsonl."""
    parts = [f"{result.name}: {result.seconds:.2f} s"]
    if result.floor_seconds:
        parts.append(f"floor ({result.floor_name}) {result.floor_seconds:.2f} s")
        parts.append(f"ratio {result.ratio:.2f}x")
    if result.peak_mb is not None:
        parts.append(f"peak {result.peak_mb:.0f} MB")
    for key, value in result.extra.items():
        parts.append(f"{key} {value}")
    print("; ".join(parts), flush=True)
    OUT.mkdir(exist_ok=True)
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({**asdict(result), "ratio": result.ratio}) + "\n")
