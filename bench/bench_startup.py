"""Benchmark: start-up of ``workbench --help``, ``--version`` and ``info FILE``.

Floor: the same interpreter starting and exiting (``python -c pass``), timed in the
same run. Each command runs as a user runs it, in a fresh process, best of 5 (the
machine is shared; the best run is the least disturbed one). The goal is under 0.5 s.
Run: ``PYTHONPATH=src python -m bench.bench_startup``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Result, report

SRC = Path(__file__).resolve().parents[1] / "src"
REPEAT = 5


def best_of(cmd: list[str], env: dict[str, str]) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        path = Path(work) / "acme.engagement"
        subprocess.run(
            [sys.executable, "-m", "workbench", "new", str(path), "--customer", "Acme",
             "--kind", "revenue-intelligence"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        floor = best_of([sys.executable, "-c", "pass"], env)
        for args in (["--help"], ["--version"], ["info", str(path)]):
            seconds = best_of([sys.executable, "-m", "workbench", *args], env)
            label = "info FILE" if args[0] == "info" else args[0]
            report(
                Result(
                    f"start-up: workbench {label}",
                    seconds,
                    "python -c pass",
                    floor,
                    extra={"goal": "under 0.5 s", "met": seconds < 0.5},
                )
            )


if __name__ == "__main__":
    main()
