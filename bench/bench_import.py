"""Benchmark: import a 1,000,000-row, 18-column Salesforce opportunity export.

The export comes from ``bench/gen_scale.py --shuffle``: rows in random order with
respect to every indexed column (record id, account, owner, close date), as a report
sorted by something else arrives. Floor: the ``sqlite3`` command-line shell's
``.import`` of the same file into an untyped table (no typing, no validation, no
index), timed just before and just after the imports (their mean is the floor; the
machine is shared). Measured, each in a child process (time and peak RSS):
``workbench import`` into a fresh engagement, then the same file again into the same
engagement (every row an update). Goals: first import at most 2.0x the floor, peak
under 300 MB; re-import at most 3x.

    python -m bench.bench_import            # 1,000,000 rows
    python -m bench.bench_import --rows 200000
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.harness import OUT, Result, report, run_in_child, time_command  # noqa: E402


def export_file(rows: int) -> Path:
    """The shuffled export of ``rows`` opportunities (generated once, deterministic)."""
    folder = OUT / f"shuffled-{rows}"
    path = folder / "opportunities.csv"
    if path.exists():
        return path
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_scale.py"), "--out", str(folder),
         "--opportunities", str(rows), "--accounts", str(max(100, rows // 10)),
         "--no-history", "--shuffle", "--quiet"],
        check=True,
    )  # fmt: skip
    return path


def _cpu_seconds(who: int = 0) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if who else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _workbench_import(engagement: str, source: str) -> dict:
    from workbench.cli import main

    start = _cpu_seconds()
    code = main(["import", engagement, source, "--json"])
    return {"exit": code, "cpu": _cpu_seconds() - start}


def _floor(source: Path, work: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of ``sqlite3 .import`` of ``source`` into a new file."""
    floor_db = work / "floor.db"
    floor_db.unlink(missing_ok=True)
    cpu = _cpu_seconds(1)
    seconds = time_command(
        ["sqlite3", str(floor_db)], stdin=f".mode csv\n.import {source} opportunities\n"
    )
    return seconds, _cpu_seconds(1) - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    source = export_file(args.rows)
    work = OUT / "import-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    before, before_cpu = _floor(source, work)
    # Loaded before the fork: the clock times the import, not the start-up of Python
    # (measured by bench_startup).
    from workbench.cli import _modules_for, build_parser

    build_parser(_modules_for(["import"]))
    from workbench.models import Engagement, EngagementMeta

    target = work / "bench.engagement"
    Engagement.create(target, EngagementMeta(customer="Bench")).close()
    first = run_in_child(_workbench_import, str(target), str(source))
    again = run_in_child(_workbench_import, str(target), str(source))
    with Engagement.open(target, read_only=True) as eng:
        count = eng.counts()["opportunities"]
    after, after_cpu = _floor(source, work)
    floor, floor_cpu = (before + after) / 2, (before_cpu + after_cpu) / 2
    label = "1M" if args.rows == 1_000_000 else f"{args.rows:,}"
    for name, (seconds, peak_mb, value), goal in (
        (f"workbench import {label} shuffled opportunities", first, "<= 2.0x, < 300 MB"),
        (f"re-import of the same {label} (all updates)", again, "<= 3.0x"),
    ):
        report(
            Result(
                name,
                seconds,
                "sqlite3 .import",
                floor,
                peak_mb,
                {
                    "rows": count,
                    "floor before/after": f"{before:.2f}/{after:.2f} s",
                    "CPU ratio": f"{value['cpu'] / floor_cpu:.2f}x",
                    "goal": goal,
                },
            )
        )


if __name__ == "__main__":
    main()
