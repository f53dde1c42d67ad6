"""An import that fails, is cancelled or is killed leaves the engagement as it was."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from workbench.errors import Cancelled, WorkbenchError
from workbench.importers import columns as columns_module
from workbench.importers import import_file
from workbench.models import Engagement, EngagementMeta
from workbench.progress import CancelToken, Progress

ROWS = 16_000  # about 1.2 MB: more than one block of the streaming reader


def write_opportunities_csv(path: Path, rows: int, *, start: int = 0) -> Path:
    lines = ["Id,Name,AccountId,StageName,Amount,CloseDate,Champion__c"]
    lines += [
        f"006{i:012d}AAA,Deal {i},001{i % 97:012d}AAA,Qualification,{1000 + i}.50,"
        f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},Jane {i % 5}"
        for i in range(start, start + rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _baseline(eng: Engagement, tmp_path: Path) -> dict[str, int]:
    write_opportunities_csv(tmp_path / "first.csv", 5)
    import_file(eng, tmp_path / "first.csv")
    return eng.counts()


def test_cancel_mid_import_commits_nothing(new_engagement, tmp_path: Path):
    before = _baseline(new_engagement, tmp_path)
    source = write_opportunities_csv(tmp_path / "big.csv", ROWS, start=100)
    token = CancelToken()
    seen: list[float] = []

    def listener(fraction: float, status: str) -> None:
        seen.append(fraction)
        if "rows imported" in status:
            token.cancel()  # after the first block was written

    with pytest.raises(Cancelled):
        import_file(new_engagement, source, progress=Progress(listener, token))
    assert new_engagement.counts() == before
    assert new_engagement.conn.execute("SELECT count(*) FROM import_rejects").fetchone()[0] == 0
    assert not new_engagement.conn.in_transaction
    # The engagement keeps working afterwards.
    assert import_file(new_engagement, source).rows_imported == ROWS


def test_an_error_in_a_later_block_commits_nothing(new_engagement, tmp_path: Path, monkeypatch):
    before = _baseline(new_engagement, tmp_path)
    source = write_opportunities_csv(tmp_path / "big.csv", ROWS, start=100)
    real = columns_module.convert_column
    calls = {"n": 0}

    def failing(raw, ftype, order):
        calls["n"] += 1
        if calls["n"] > 7:  # the second block
            raise WorkbenchError("disk trouble while importing")
        return real(raw, ftype, order)

    monkeypatch.setattr("workbench.importers.writer.convert_column", failing)
    with pytest.raises(WorkbenchError, match="disk trouble"):
        import_file(new_engagement, source)
    assert new_engagement.counts() == before


def _import_and_die(path: str, source: str) -> None:
    eng = Engagement.open(path)

    def listener(fraction: float, status: str) -> None:
        if "rows imported" in status:
            os.kill(os.getpid(), signal.SIGKILL)  # killed mid-import, rows already written

    import_file(eng, source, progress=Progress(listener))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_import_leaves_the_file_as_it_was(tmp_path: Path):
    path = tmp_path / "Kill.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Kill Test"))
    before = _baseline(eng, tmp_path)
    eng.close()
    source = write_opportunities_csv(tmp_path / "big.csv", ROWS, start=100)
    ctx = mp.get_context("fork")
    child = ctx.Process(target=_import_and_die, args=(str(path), str(source)))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    eng = Engagement.open(path)
    try:
        assert eng.counts() == before
        assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert eng.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 1
    finally:
        eng.close()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 5
    raw.close()


def test_progress_rises_to_the_end_with_a_status(new_engagement, tmp_path: Path):
    source = write_opportunities_csv(tmp_path / "big.csv", ROWS)
    seen: list[tuple[float, str]] = []
    import_file(new_engagement, source, progress=Progress(lambda f, s: seen.append((f, s))))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(s.endswith("rows imported") for _, s in seen)
    assert seen[-1][1] == "Imported big.csv"
