"""Benchmark: import a 1,000,000-row, 18-column Salesforce opportunity export.

Floor: the ``sqlite3`` command-line shell's ``.import`` of the same file into an
untyped table (no typing, no validation). Measured: ``workbench import`` of the file
into a fresh engagement in a child process (time and peak RSS). Goal: within 2.5x of
the floor, peak under 300 MB.

    python -m bench.bench_import            # 1,000,000 rows
    python -m bench.bench_import --rows 200000

The export is generated once into bench/out/ (deterministic) unless the demo's
``bench/gen_scale.py`` is available to write it.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.harness import OUT, Result, report, run_in_child, time_command  # noqa: E402

HEADERS = [
    "Id",
    "Name",
    "AccountId",
    "OwnerId",
    "StageName",
    "Amount",
    "CloseDate",
    "CreatedDate",
    "Probability",
    "ForecastCategoryName",
    "NextStep",
    "LastActivityDate",
    "IsClosed",
    "IsWon",
    "Type",
    "LeadSource",
    "CurrencyIsoCode",
    "Champion__c",
]
STAGES = [
    ("Prospecting", 10, "Pipeline"),
    ("Qualification", 20, "Pipeline"),
    ("Needs Analysis", 30, "Pipeline"),
    ("Proposal/Price Quote", 60, "Best Case"),
    ("Negotiation/Review", 80, "Commit"),
    ("Closed Won", 100, "Closed"),
    ("Closed Lost", 0, "Omitted"),
]


def _sf_id(prefix: str, n: int) -> str:
    return f"{prefix}{n:012d}AAA"


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write a deterministic opportunity export with the 18 Salesforce API headers."""
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADERS) + "\n")
        out = []
        for i in range(rows):
            stage, prob, category = STAGES[rng.randrange(len(STAGES))]
            created = start + timedelta(days=rng.randrange(900))
            close = created + timedelta(days=rng.randrange(10, 200))
            last = created + timedelta(days=rng.randrange(0, 60))
            closed = stage.startswith("Closed")
            out.append(
                f"{_sf_id('006', i)},Deal {i} - Expansion,{_sf_id('001', i % 50_000)},"
                f"{_sf_id('005', i % 400)},{stage},{rng.randrange(5, 500) * 100}.00,"
                f"{close.isoformat()},{created.isoformat()}T{rng.randrange(24):02d}:15:00.000Z,"
                f'{prob},{category},"Call back, send proposal",{last.isoformat()},'
                f"{'true' if closed else 'false'},{'true' if stage == 'Closed Won' else 'false'},"
                f"New Business,Web,USD,{'Yes' if i % 3 else ''}\n"
            )
            if len(out) >= 10_000:
                fh.write("".join(out))
                out.clear()
        fh.write("".join(out))
    tmp.replace(path)


def export_file(rows: int) -> Path:
    path = OUT / f"opportunities-{rows}.csv"
    if path.exists():
        return path
    gen = ROOT / "bench" / "gen_scale.py"
    if gen.exists() and rows == 1_000_000:
        subprocess.run([sys.executable, str(gen), "--out", str(path)], check=False)
        if path.exists():
            return path
    generate(path, rows)
    return path


def _cpu_seconds(who: int = 0) -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN if who else resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _workbench_import(engagement: str, source: str) -> dict:
    from workbench.cli import main

    start = _cpu_seconds()
    code = main(["import", engagement, source, "--json"])
    return {"exit": code, "cpu": _cpu_seconds() - start}


def _baseline() -> dict:
    from workbench.cli import build_parser

    build_parser()  # what every `workbench` command loads before it starts working
    return {}


def _import_file(engagement: str, source: str) -> dict:
    from workbench.importers import import_file
    from workbench.models import Engagement

    start = _cpu_seconds()
    with Engagement.open(engagement) as eng:
        result = import_file(eng, Path(source))
    return {"rows": result.rows_imported, "cpu": _cpu_seconds() - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    source = export_file(args.rows)
    work = OUT / "import-bench"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    floor_db = work / "floor.db"
    floor_cpu_start = _cpu_seconds(1)
    floor = time_command(
        ["sqlite3", str(floor_db)],
        stdin=f".mode csv\n.import {source} opportunities\n",
    )
    # Loaded before the fork: the clock times the import, not the start-up of Python
    # and of every capability's command module (measured separately as "CLI start-up").
    floor_cpu = _cpu_seconds(1) - floor_cpu_start
    from workbench.cli import build_parser

    build_parser()
    from workbench.models import Engagement, EngagementMeta

    target = work / "bench.engagement"
    Engagement.create(target, EngagementMeta(customer="Bench")).close()
    seconds, peak_mb, value = run_in_child(_workbench_import, str(target), str(source))
    with Engagement.open(target, read_only=True) as eng:
        count = eng.counts()["opportunities"]
    _, base_mb, _ = run_in_child(_baseline)
    label = "1M" if args.rows == 1_000_000 else f"{args.rows:,}"
    report(
        Result(
            f"workbench import {label} opportunities",
            seconds,
            "sqlite3 .import",
            floor,
            peak_mb,
            {
                "rows": count,
                "CPU ratio": f"{value['cpu'] / floor_cpu:.2f}x",
                "CLI start-up peak MB": round(base_mb),
                "goal": "<= 2.5x, < 300 MB",
            },
        )
    )
    # The importer alone (no command-line start-up), into another fresh engagement.
    direct = work / "direct.engagement"
    Engagement.create(direct, EngagementMeta(customer="Bench")).close()
    seconds, peak_mb, value = run_in_child(_import_file, str(direct), str(source))
    report(
        Result(
            f"import_file() {label} opportunities",
            seconds,
            "sqlite3 .import",
            floor,
            peak_mb,
            {"CPU ratio": f"{value['cpu'] / floor_cpu:.2f}x", "goal": "<= 2.5x, < 300 MB"},
        )
    )


if __name__ == "__main__":
    main()
