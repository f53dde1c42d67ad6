"""SIGKILL at many points of every long write: the file always survives with every
committed change.

Each scenario is first run to the end to count its SQL statements and see which
tables it changes; then a fresh copy is killed at statements spread evenly over that
count (``KILLS`` per scenario by default, ``SLOW_KILLS`` with ``-m slow``). After each
kill: ``PRAGMA integrity_check`` is ok; every table the operation does not change is
byte-for-byte as before; every table it changes holds either all of its change or
none of it (its row count before or after; for audits, which commit one audit at a
time, a count between the two); the file opens for writing again; and an
export killed midway leaves only complete documents in the output folder.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.models import LATEST_VERSION, Engagement, EngagementMeta

from .conftest import opportunities_csv
from .killing import integrity, kill_points, run_child, table_counts, table_digests

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

# Kill points per scenario in the default run (18 kills; the demo-sized audit and
# calibration take ~10 s a run) and with ``-m slow`` (25 each, 150 kills).
KILLS = {
    "import": 4,
    "migration": 4,
    "audit": 2,
    "calibration": 2,
    "export": 3,
    "evaluation-round-trip": 3,
}
SLOW_KILLS = 25
SCENARIOS = list(KILLS)
# Operations that commit their whole change at once (the others commit step by step).
ONE_TRANSACTION = {"import", "calibration", "evaluation-round-trip"}
FROZEN_V1 = Path(__file__).resolve().parents[1] / "data" / "schemas" / "v1.engagement"


def _prepare(scenario: str, folder: Path, demo_file: Path) -> tuple[Path, list[str]]:
    """A template engagement for ``scenario`` in ``folder`` and the command to kill."""
    path = folder / "template.engagement"
    if scenario == "import":
        Engagement.create(path, EngagementMeta(customer="Kill Import")).close()
        from workbench.importers import import_file

        with Engagement.open(path) as eng:
            import_file(eng, opportunities_csv(folder / "first.csv", 5))
        big = opportunities_csv(folder / "big.csv", 8_000, start=100)
        return path, ["import", "{file}", str(big)]
    if scenario == "migration":
        shutil.copy(FROZEN_V1, path)
        return path, ["audit", "{file}"]
    shutil.copy(demo_file, path)
    if scenario == "audit":
        return path, ["audit", "{file}"]
    if scenario == "calibration":
        return path, ["calibrate", "{file}"]
    if scenario == "export":
        return path, ["export", "{file}", "--out", "{out}", "--only", "gap-analysis", "faq"]
    assert scenario == "evaluation-round-trip"
    from workbench.cli import main

    xlsx = folder / "evaluation.xlsx"
    assert main(["evaluate", str(path), "--template", "conversation-intelligence"]) == 0
    assert main(["evaluate", str(path), "--export", str(xlsx)]) == 0
    wb = load_workbook(xlsx)
    wb["Matrix"]["B5"] = 0.3
    wb["Matrix"]["B7"] = 0.1
    wb.save(xlsx)
    return path, ["evaluate", "{file}", "--import", str(xlsx), "--apply"]


def _args(template: list[str], file: Path, out: Path) -> list[str]:
    return [a.format(file=file, out=out) for a in template]


def _complete_documents(out: Path) -> None:
    """Every document in the output folder is a whole file (a zip that reads)."""
    if not out.exists():
        return
    for doc in out.iterdir():
        if doc.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(doc) as zf:
                assert zf.testzip() is None, doc


def _kill_scenario(scenario: str, kills: int, tmp_path: Path, demo_file: Path) -> int:
    template, command = _prepare(scenario, tmp_path, demo_file)
    before_digests = table_digests(template)
    before_counts = table_counts(template)
    # The reference run: how many statements, which tables change, to what counts.
    reference = tmp_path / "reference.engagement"
    shutil.copy(template, reference)
    done = run_child(_args(command, reference, tmp_path / "reference-out"))
    assert done.returncode == 0, done.stderr[-3000:]
    after_digests = table_digests(reference)
    after_counts = table_counts(reference)
    changed = {t for t in after_digests if before_digests.get(t) != after_digests[t]}
    if scenario not in ("migration", "export"):  # an export writes documents, not records
        assert changed, f"{scenario} changed nothing; the check would be empty"
    points = kill_points(done.statements, kills)
    for n, point in enumerate(points):
        work = tmp_path / f"kill-{n}"
        work.mkdir()
        path = work / "engagement.engagement"
        shutil.copy(template, path)
        out = work / "out"
        outcome = run_child(_args(command, path, out), kill_at=point)
        assert outcome.killed, (scenario, point, outcome.stderr[-2000:])
        assert integrity(path) == "ok", (scenario, point)
        if scenario == "migration":
            with Engagement.open(path) as eng:  # finishes the upgrade
                assert eng.version == LATEST_VERSION
                assert eng.counts()["opportunities"] == 50
                assert eng.meta().customer == "Frozen Customer v1"
        else:
            digests, counts = table_digests(path), table_counts(path)
            for table, digest in before_digests.items():
                if table not in changed:
                    assert digests[table] == digest, (scenario, point, table)
                elif scenario in ONE_TRANSACTION:
                    assert counts[table] in (before_counts[table], after_counts[table]), (
                        scenario,
                        point,
                        table,
                        counts[table],
                    )
                else:  # one transaction per step (per audit): complete steps are kept
                    low, high = sorted((before_counts[table], after_counts[table]))
                    assert low <= counts[table] <= high, (scenario, point, table)
            with Engagement.open(path) as eng:
                assert eng.meta().customer
        _complete_documents(out)
        assert integrity(path) == "ok"
    return len(points)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sigkill_at_spread_points(scenario: str, tmp_path: Path, demo_file: Path) -> None:
    assert _kill_scenario(scenario, KILLS[scenario], tmp_path, demo_file) == KILLS[scenario]


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sigkill_at_many_points(scenario: str, tmp_path: Path, demo_file: Path) -> None:
    assert _kill_scenario(scenario, SLOW_KILLS, tmp_path, demo_file) >= SLOW_KILLS - 2
