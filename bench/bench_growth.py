"""Benchmark: how import and audit figures grow with the size of the CRM (1x, 2x, 5x).

For each factor of a base size (default 20,000 opportunities, 2,000 accounts, three
history rows and 2.1 activities and meetings per opportunity, from ``gen_scale``),
measures in child processes: the import of the shuffled opportunity export against
the ``sqlite3 .import`` floor of the same file, and the whole audit suite on the
generated engagement against reading its opportunities into pandas. Time and peak
memory per size go to bench/out/results.jsonl; docs/architecture.md ("Where one
laptop is not enough") reads the growth from them.

    python -m bench.bench_growth [--base 20000] [--factors 1 2 5]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for entry in (REPO / "src", REPO):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from bench.bench_audits import _floor as audit_floor  # noqa: E402
from bench.bench_import import _floor as import_floor  # noqa: E402
from bench.bench_import import _workbench_import  # noqa: E402
from bench.harness import OUT, Result, report, run_in_child  # noqa: E402


def _generate(folder: str, opportunities: int) -> dict:
    from bench.gen_scale import generate

    return generate(
        Path(folder),
        opportunities=opportunities,
        accounts=max(100, opportunities // 10),
        engagement=True,
        shuffle=True,
        log=lambda *_: None,
    )


def _audits(path: str) -> dict:
    import time

    from workbench.audits import run_audits
    from workbench.models import Engagement

    with Engagement.open(path) as eng:
        start = time.perf_counter()
        run = run_audits(eng)
        counts = eng.counts()
    return {"total": time.perf_counter() - start, "seconds": run.seconds, "counts": counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=20_000)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 2, 5])
    args = parser.parse_args(argv)
    for factor in args.factors:
        n = args.base * factor
        folder = OUT / f"growth-{n}"
        shutil.rmtree(folder, ignore_errors=True)
        run_in_child(_generate, str(folder), n)
        source = folder / "opportunities.csv"
        floor, _ = import_floor(source, folder)
        target = folder / "import.engagement"
        from workbench.models import Engagement, EngagementMeta

        Engagement.create(target, EngagementMeta(customer="Growth")).close()
        seconds, peak_mb, _ = run_in_child(_workbench_import, str(target), str(source))
        report(
            Result(f"growth {factor}x: import {n:,} shuffled opportunities", seconds,
                   "sqlite3 .import", floor, peak_mb)
        )  # fmt: skip
        engagement = str(folder / "scale.engagement")
        _, read_s, _ = audit_floor(engagement)
        seconds, peak_mb, value = run_in_child(_audits, engagement)
        counts = value["counts"]
        report(
            Result(
                f"growth {factor}x: all audits", value["total"], "read opportunities into pandas",
                read_s, peak_mb,
                {"opportunities": counts["opportunities"], "accounts": counts["accounts"],
                 "history": counts.get("opportunity_history"),
                 "activities+meetings": counts.get("activities", 0) + counts.get("meetings", 0),
                 "per audit": {k: round(v, 2) for k, v in value["seconds"].items()}},
            )
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
