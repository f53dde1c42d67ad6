"""Benchmark: the full audit suite on the 1,000,000-opportunity scale engagement.

    python bench/gen_scale.py --out bench/out --engagement     # once: bench/out/scale.engagement
    python bench/bench_audits.py [--engagement bench/out/scale.engagement]

The issue's size: ``gen_scale.py --out DIR --engagement --activities-per-opportunity 10``
(1M opportunities, 100k accounts, 3M history rows, 10M activities and meetings).

Prints seconds per audit and in total (and the CPU seconds and load average: the
machine is shared), against a floor measured in the same run:
reading the opportunities table into pandas (``SELECT *`` through
``pandas.read_sql_query``), the least any pandas audit of a million deals has to do.
Peak memory is measured in a child process. Duplicate detection is scored against the
planted pairs (setting ``demo.planted_duplicate_accounts``): precision and recall over
the pairs implied by the clusters. Goal: all audits under a minute, precision and
recall at least 0.95 at 100,000 accounts.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sqlite3
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.harness import OUT, Result, report, run_in_child  # noqa: E402


def _floor(path: str) -> tuple[float, float, int]:
    """Seconds for ``SELECT count(*)`` and for reading opportunities into pandas."""
    import pandas as pd

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        start = time.perf_counter()
        n = conn.execute("SELECT count(*) FROM opportunities").fetchone()[0]
        count_s = time.perf_counter() - start
        start = time.perf_counter()
        frame = pd.read_sql_query("SELECT * FROM opportunities", conn)
        read_s = time.perf_counter() - start
        assert len(frame) == n
    finally:
        conn.close()
    return count_s, read_s, int(n)


def _suite(path: str) -> dict:
    """Run every audit (recording findings) and score duplicate detection."""
    from workbench.audits import run_audits
    from workbench.models import Engagement

    eng = Engagement.open(path)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        run = run_audits(eng)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
        planted = {tuple(sorted(p)) for p in eng.setting("demo.planted_duplicate_accounts", [])}
        found = set()
        for cluster in run.results["crm-hygiene"].duplicate_accounts:
            found.update(itertools.combinations(sorted(cluster.ids), 2))
        hits = len(planted & found)
        counts = eng.counts()
        accounts = counts["accounts"]
        activities = counts["activities"] + counts["meetings"]
    finally:
        eng.close()
    return {
        "seconds": run.seconds,
        "total": total,
        "cpu": cpu,
        "planted": len(planted),
        "found": len(found),
        "precision": hits / len(found) if found else None,
        "recall": hits / len(planted) if planted else None,
        "accounts": accounts,
        "activities": activities,
    }


def _load() -> float | None:
    """The one-minute load average (the machine is shared: it says how loaded)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagement", default=str(OUT / "scale.engagement"))
    args = parser.parse_args(argv)
    path = Path(args.engagement)
    if not path.exists():
        print(f"{path} does not exist; build it first:\n"
              "  python bench/gen_scale.py --out bench/out --engagement")  # fmt: skip
        return 1
    count_s, floor_s, n = _floor(str(path))
    print(f"floor: SELECT count(*) of {n:,} opportunities {count_s:.2f} s; "
          f"read into pandas {floor_s:.2f} s")  # fmt: skip
    seconds, peak_mb, value = run_in_child(_suite, str(path))
    for name, s in value["seconds"].items():
        report(Result(f"audit {name}", s, "read opportunities into pandas", floor_s))
    report(Result(
        "audits: full suite", value["total"], "read opportunities into pandas", floor_s,
        peak_mb=peak_mb,
        extra={"opportunities": n, "accounts": value["accounts"],
               "activities and meetings": value["activities"],
               "cpu seconds": round(value["cpu"], 1), "load average": _load()},
    ))  # fmt: skip
    report(Result(
        "duplicate accounts vs planted pairs", value["seconds"]["crm-hygiene"],
        extra={"planted": value["planted"], "found pairs": value["found"],
               "precision": round(value["precision"] or 0, 4),
               "recall": round(value["recall"] or 0, 4)},
    ))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
