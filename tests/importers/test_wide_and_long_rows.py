"""Awkward shapes a large customer's export can have: 500 columns, a 1 MB cell.

Both import cleanly (streamed in blocks like any file): the columns Workbench does
not know are kept with each record, and a long text is stored whole.
"""

from __future__ import annotations

import json
from pathlib import Path

from workbench.importers import import_file
from workbench.models import Engagement, EngagementMeta

KNOWN = ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate", "NextStep"]


def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "wide.engagement"
    Engagement.create(path, EngagementMeta(customer="Wide")).close()
    return path


def row(i: int, next_step: str = "Call back") -> list[str]:
    return [f"006{i:012d}AAA", f"Deal {i}", f"001{i % 9:012d}AAA", "Prospecting",
            str(1000 + i), "2024-01-05", next_step]  # fmt: skip


def test_a_file_with_500_columns_keeps_every_column(tmp_path: Path) -> None:
    custom = [f"Custom_{j}__c" for j in range(500 - len(KNOWN))]
    lines = [",".join(KNOWN + custom)]
    lines += [",".join(row(i) + [f"v{i}_{j}" for j in range(len(custom))]) for i in range(300)]
    source = tmp_path / "wide.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = engagement(tmp_path)
    with Engagement.open(path) as eng:
        result = import_file(eng, source)
        assert (result.rows_imported, result.rows_rejected) == (300, 0)
        name, amount, extra = eng.conn.execute(
            "SELECT name, amount, extra FROM opportunities WHERE crm_id = '006000000000123AAA'"
        ).fetchone()
    assert (name, amount) == ("Deal 123", 1123.0)
    kept = json.loads(extra)
    assert len(kept) == 493
    assert kept["Custom_0__c"] == "v123_0"
    assert kept["Custom_492__c"] == "v123_492"


def test_a_row_of_one_megabyte_is_stored_whole(tmp_path: Path) -> None:
    long_text = "Call notes " + "x" * (1 << 20)
    lines = [",".join(KNOWN)]
    lines += [",".join(row(i, long_text if i == 10 else "Call back")) for i in range(50)]
    source = tmp_path / "long.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = engagement(tmp_path)
    with Engagement.open(path) as eng:
        result = import_file(eng, source)
        assert (result.rows_imported, result.rows_rejected) == (50, 0)
        stored = eng.conn.execute(
            "SELECT next_step FROM opportunities WHERE crm_id = '006000000000010AAA'"
        ).fetchone()[0]
        short = eng.conn.execute(
            "SELECT next_step FROM opportunities WHERE crm_id = '006000000000011AAA'"
        ).fetchone()[0]
    assert stored == long_text
    assert short == "Call back"
