"""Awkward shapes a large customer's export can have: 500 columns, a 1 MB cell.

Both import cleanly (streamed in blocks like any file): the columns Workbench does
not know are kept with each record, and a long text is stored whole, whether the rows
are bound one by one or, as for a file over 16 MB, staged (importers/staging.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.importers import engine, import_file, staging
from workbench.models import Engagement, EngagementMeta

KNOWN = ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate", "NextStep"]


def imported(tmp_path: Path, header: list[str], rows: list[list[str]]) -> tuple[Path, object]:
    """Write the CSV, import it into a new engagement; return the file and the result."""
    source = tmp_path / "export.csv"
    source.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    path = tmp_path / "wide.engagement"
    Engagement.create(path, EngagementMeta(customer="Wide")).close()
    with Engagement.open(path) as eng:
        return path, import_file(eng, source)


@pytest.fixture(params=["bound", "staged"])
def staged(request, monkeypatch) -> bool:
    if request.param == "staged":
        if not staging.available():
            pytest.skip("ADBC SQLite driver missing")
        monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)  # every file counts as big
    return request.param == "staged"


def one(path: Path, sql: str) -> tuple:
    with Engagement.open(path, read_only=True) as eng:
        return eng.conn.execute(sql).fetchone()


def row(i: int, next_step: str = "Call back") -> list[str]:
    return [f"006{i:012d}AAA", f"Deal {i}", f"001{i % 9:012d}AAA", "Prospecting",
            str(1000 + i), "2024-01-05", next_step]  # fmt: skip


def test_a_file_with_500_columns_keeps_every_column(tmp_path: Path, staged: bool) -> None:
    custom = [f"Custom_{j}__c" for j in range(500 - len(KNOWN))]
    rows = [row(i) + [f"v{i}_{j}" for j in range(len(custom))] for i in range(300)]
    path, result = imported(tmp_path, KNOWN + custom, rows)
    assert (result.rows_imported, result.rows_rejected) == (300, 0)
    name, amount, extra = one(
        path, "SELECT name, amount, extra FROM opportunities WHERE crm_id = '006000000000123AAA'"
    )
    assert (name, amount) == ("Deal 123", 1123.0)
    kept = json.loads(extra)
    assert len(kept) == 493
    assert kept["Custom_0__c"] == "v123_0"
    assert kept["Custom_492__c"] == "v123_492"


def test_a_row_of_one_megabyte_is_stored_whole(tmp_path: Path, staged: bool) -> None:
    long_text = "Call notes " + "x" * (1 << 20)
    rows = [row(i, long_text if i == 10 else "Call back") for i in range(50)]
    path, result = imported(tmp_path, KNOWN, rows)
    assert (result.rows_imported, result.rows_rejected) == (50, 0)
    sql = "SELECT next_step FROM opportunities WHERE crm_id = '{}'"
    (stored,) = one(path, sql.format("006000000000010AAA"))
    (short,) = one(path, sql.format("006000000000011AAA"))
    assert stored == long_text
    assert short == "Call back"
