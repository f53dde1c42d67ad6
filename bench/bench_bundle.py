"""The Linux bundle: its size and its start time to the first window.

Run after ``installers/build_linux.sh``: ``PYTHONPATH=src:. python bench/bench_bundle.py``

Measured, each in a fresh process, offscreen (``QT_QPA_PLATFORM=offscreen``), with
private settings folders:

- cold start to the first window: ``dist/workbench/workbench gui --smoke-exit`` from
  launch until the process has shown the main window (start page) and quit, after
  evicting every file of the bundle from the page cache (``posix_fadvise
  DONTNEED``, file by file: no root needed, nothing else on the machine is touched).
  System libraries (libc, libGL, fonts) stay cached, as after any earlier program
  used them. Median of ``COLD_RUNS``.
- warm start to the first window: the same, median of ``RUNS`` launches.
- first window on the demo engagement (pages, charts): the same with the file.
- floor: ``dist/workbench/workbench --version``, the bundle's own start-up (bootloader,
  Python, no Qt), so the ratio is what Qt and the window add.
- the same first window from the Python installation (``python -m workbench``),
  for comparison.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Result, report

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "workbench"
EXE = BUNDLE / ("workbench.exe" if sys.platform == "win32" else "workbench")
RUNS = 7
COLD_RUNS = 3


def evict(folder: Path) -> None:
    """Drop ``folder``'s files from the page cache, so the next read comes from disk."""
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def _cold(cmd: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(COLD_RUNS):
        evict(BUNDLE)
        times.append(_launch(cmd, env))
    return statistics.median(times)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        MPLCONFIGDIR=str(home / "mpl"),
    )
    env.pop("PYTHONPATH", None)
    return env


def _launch(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _median(cmd: list[str], env: dict[str, str]) -> float:
    return statistics.median(_launch(cmd, env) for _ in range(RUNS))


def main() -> None:
    if not EXE.exists():
        sys.exit(f"{EXE} not found: build it first (installers/build_linux.sh)")
    size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    size_mib = round(size / 2**20)
    files = sum(1 for p in BUNDLE.rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(home)
        cold = _cold([str(EXE), "gui", "--smoke-exit"], env)
        floor = _median([str(EXE), "--version"], env)
        window = _median([str(EXE), "gui", "--smoke-exit"], env)
        subprocess.run(
            [str(EXE), "demo", "--no-gui", "--out", str(home / "demo")],
            env=env,
            check=True,
            capture_output=True,
        )
        demo = str(home / "demo" / "Northwind Robotics.engagement")
        window_demo = _median([str(EXE), "gui", "--smoke-exit", demo], env)
        source_env = {**env, "PYTHONPATH": str(ROOT / "src")}
        source = _median([sys.executable, "-m", "workbench", "gui", "--smoke-exit"], source_env)
    extra = {"size_mib": size_mib, "files": files}
    report(
        Result("bundle cold start to first window", cold, "bundle --version", floor, None, extra)
    )
    report(Result("bundle first window (median)", window, "bundle --version", floor))
    report(Result("bundle first window on the demo (median)", window_demo, "first window", window))
    report(Result("python -m workbench first window (median)", source, "bundle", window))


if __name__ == "__main__":
    main()
