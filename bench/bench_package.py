"""Benchmark: the full documentation package for the demo engagement.

Floor: opening the base Word template and saving it empty once per .docx of the
package, and saving an empty workbook once per .xlsx (what python-docx/openpyxl
cost with no content at all). Run: ``PYTHONPATH=src python -m bench.bench_package``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.harness import Result, report, run_in_child


def _package(engagement: str, out: str) -> dict:
    from workbench.models import Engagement
    from workbench.reports.package import build_package

    eng = Engagement.open(engagement, read_only=True)
    cpu = os.times()
    try:
        result = build_package(eng, Path(out), zip_output=True)
    finally:
        eng.close()
    done = os.times()
    return {
        "docx": sum(f.format == "docx" for f in result.files),
        "xlsx": sum(f.format == "xlsx" for f in result.files),
        "ics": sum(f.format == "ics" for f in result.files),
        "drafts": sum(f.status == "DRAFT" for f in result.files),
        # CPU seconds (with any child process's): on a shared machine, steadier than wall time
        "cpu s": round(sum(done[:4]) - sum(cpu[:4]), 2),
    }


# The computations a package must never redo: it reads their stored runs.
RECOMPUTATIONS = {
    ("audits/__init__.py", "run_audits"),
    ("audits/crm_hygiene.py", "run_crm_hygiene"),
    ("audits/capture.py", "run_capture"),
    ("audits/baselines.py", "run_baselines"),
    ("audits/maintenance.py", "run_maintenance"),
    ("audits/matching.py", "run_matching"),
    ("scoring/calibration.py", "calibrate"),
    ("scoring/pipeline.py", "score_pipeline"),
    ("coaching/operations.py", "run_coaching"),
    ("coaching/operations.py", "run_trackers"),
}


def _recomputed(engagement: str, out: str) -> dict:
    """Build the package under a profiler and list any audit, calibration or scoring
    function it called (there should be none: exporting reads the stored runs)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    _package(engagement, out)
    profiler.disable()
    called = {}
    for (filename, _line, func), (_cc, calls, *_rest) in pstats.Stats(profiler).stats.items():
        where = filename.replace("\\", "/").split("/workbench/")[-1]
        if (where, func) in RECOMPUTATIONS:
            called[f"{where}:{func}"] = calls
    return called


def _floor(out: str, docx: int, xlsx: int) -> float:
    from docx import Document
    from openpyxl import Workbook

    from workbench.reports.template import default_template_path

    start = time.perf_counter()
    for i in range(docx):
        Document(str(default_template_path())).save(f"{out}/floor{i}.docx")
    for i in range(xlsx):
        Workbook().save(f"{out}/floor{i}.xlsx")
    return time.perf_counter() - start


def main() -> None:
    from workbench.demo import build_demo

    work = Path(tempfile.mkdtemp(prefix="bench-package-"))
    try:
        # As a consultant exports it: the audits, calibration and scoring have run and
        # their runs are stored (with_story); the package only reads them.
        demo = build_demo(work / "demo", with_package=False, with_story=True)
        seconds, peak_mb, counts = run_in_child(_package, demo["engagement"], str(work / "pkg"))
        _, _, recomputed = run_in_child(_recomputed, demo["engagement"], str(work / "pkg2"))
        counts["recomputed"] = ", ".join(recomputed) or "none"
        (work / "floor").mkdir()
        floor = _floor(str(work / "floor"), counts["docx"], counts["xlsx"])
        report(
            Result(
                "documentation package (demo, all documents + zip)",
                seconds,
                "empty template save per file",
                floor,
                peak_mb,
                counts,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
