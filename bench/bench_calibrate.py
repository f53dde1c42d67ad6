"""Benchmark: calibrate deal risk weights on 100,000 closed deals; score 100,000 open deals.

Builds (once, cached in bench/out/) a synthetic engagement of 100,000 closed deals
with their history and activities (~6 history rows and ~9 activities per deal), then
times ``calibrate`` end to end: reading the records, placing snapshots, computing
every signal as of each snapshot, the time-ordered split, the regularised logistic
regression, the metrics and the recommendation. The floor is reading the same raw
rows from SQLite into pandas (``pd.read_sql_query`` of the three tables), which any
calibration must do at least once.

Scoring builds a second engagement (1,000 closed and ``--open`` open deals, same
generator) and times ``score_pipeline`` (every open deal's signals as of today, the
rules, the reasons; goal under 5 s for 100,000) against the same floor on its rows.
Scoring no longer reads the activities row by row (SQLite sums them up per deal), so
that floor is more than it must read; a second line compares it with this design's
own floor: the opportunities and the history read into pandas plus the activities'
per-deal totals in SQL, alone. Each prints its ratio and appends to
bench/out/results.jsonl.

    python bench/bench_calibrate.py [--deals 100000] [--open 100000] [--rebuild]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

import pandas as pd  # noqa: E402

from bench.harness import OUT, Result, report, run_in_child, time_call  # noqa: E402
from workbench.models import Engagement, EngagementMeta  # noqa: E402
from workbench.scoring.rules import default_rule_set  # noqa: E402
from workbench.scoring.synthetic import fill_synthetic_history  # noqa: E402


def build(path: Path, deals: int, open_deals: int = 1000) -> None:
    path.unlink(missing_ok=True)
    eng = Engagement.create(path, EngagementMeta(customer="Bench Co"))
    try:
        fill_synthetic_history(eng, n_closed=deals, n_open=open_deals, seed=11, span_days=900)
    finally:
        eng.close()


def floor(path: str) -> int:
    eng = Engagement.open(path, read_only=True)
    try:
        n = 0
        for table in ("opportunities", "opportunity_history", "activities"):
            n += len(pd.read_sql_query(f"SELECT * FROM {table}", eng.conn))
        return n
    finally:
        eng.close()


def floor_summed(path: str) -> int:
    """What scoring the open pipeline must read at least: the opportunities and the
    history into pandas, and the activities' totals per deal from SQLite."""
    from workbench.scoring.aggregates import activity_totals

    eng = Engagement.open(path, read_only=True)
    try:
        n = 0
        for table in ("opportunities", "opportunity_history"):
            n += len(pd.read_sql_query(f"SELECT * FROM {table}", eng.conn))
        return n + len(activity_totals(eng, pd.Timestamp(eng.as_of())))
    finally:
        eng.close()


def calibrate_once(path: str) -> dict:
    from workbench.scoring.calibration import calibrate

    eng = Engagement.open(path, read_only=True)
    try:
        r = calibrate(eng, rule_set=default_rule_set())
        return {"auc": round(r.auc or 0, 3), "n_train": r.n_train, "n_test": r.n_test}
    finally:
        eng.close()


def score_once(path: str) -> dict:
    from workbench.scoring.pipeline import score_pipeline

    eng = Engagement.open(path, read_only=True)
    try:
        cpu = time.process_time()
        result = score_pipeline(eng, rule_set=default_rule_set())
        cpu = time.process_time() - cpu
        return {"cpu_s": round(cpu, 2), "scored": len(result.deals), "bands": result.band_counts()}
    finally:
        eng.close()


def cpu_call(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process) and the value of ``fn()``: on a shared
    machine the CPU seconds move much less with the load than the wall time."""
    cpu = time.process_time()
    seconds, value = time_call(fn)
    return seconds, time.process_time() - cpu, value


def _engagement(name: str, rebuild: bool, deals: int, open_deals: int) -> Path:
    path = OUT / name
    if rebuild or not path.exists():
        start = time.perf_counter()
        build(path, deals, open_deals)
        print(f"built {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=100_000, help="open deals to score (0: skip)")
    parser.add_argument("--skip-calibration", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    if args.open:
        path = _engagement(f"score-{args.open}.engagement", args.rebuild, 1000, args.open)
        floor_s, floor_cpu, rows = cpu_call(lambda: floor(str(path)))
        summed_s, summed_cpu, summed = cpu_call(lambda: floor_summed(str(path)))
        seconds, peak_mb, info = run_in_child(score_once, str(path))
        report(Result(
            name=f"score {args.open:,} open deals", seconds=seconds,
            floor_name=f"read {rows:,} raw rows into pandas", floor_seconds=floor_s,
            peak_mb=peak_mb, extra={**info, "floor_cpu_s": round(floor_cpu, 2),
                                    "cpu_ratio": round(info["cpu_s"] / floor_cpu, 2)},
        ))  # fmt: skip
        report(Result(
            name=f"score {args.open:,} open deals (this design's floor)", seconds=seconds,
            floor_name=f"opportunities and history into pandas, activities summed in SQL: "
            f"{summed:,} rows", floor_seconds=summed_s, peak_mb=peak_mb,
            extra={"cpu_s": info["cpu_s"], "floor_cpu_s": round(summed_cpu, 2),
                   "cpu_ratio": round(info["cpu_s"] / summed_cpu, 2)},
        ))  # fmt: skip
    if args.skip_calibration:
        return 0
    path = _engagement(f"calibrate-{args.deals}.engagement", args.rebuild, args.deals, 1000)
    floor_s, rows = time_call(lambda: floor(str(path)))
    seconds, peak_mb, info = run_in_child(calibrate_once, str(path))
    report(
        Result(
            name=f"calibrate {args.deals:,} closed deals",
            seconds=seconds,
            floor_name=f"read {rows:,} raw rows into pandas",
            floor_seconds=floor_s,
            peak_mb=peak_mb,
            extra=info,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
