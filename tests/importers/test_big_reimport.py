"""A big file re-imported (every row an update) rebuilds the secondary indexes once
instead of updating them row by row, even when the row estimate is a little low; a
small file into a big table keeps them. Records and indexes end up the same either way.
The deals have no secondary index to rebuild (migration 13 dropped three that no query
used): only their record-id index is kept up to date.
"""

from __future__ import annotations

from pathlib import Path

from workbench.importers import engine, import_file
from workbench.models import Engagement, EngagementMeta

HEADER = "Id,Name,AccountId,OwnerId,StageName,Amount,CloseDate"
TASKS = "Id,WhatId,AccountId,ActivityDate,Subject,TaskSubtype"


def export(path: Path, ids: range, amount: int = 1000) -> Path:
    lines = [HEADER] + [
        f"006{i:012d}AAA,Deal {i},001{i % 97:012d}AAA,005{i % 7:012d}AAA,Qualification,"
        f"{amount + i},2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        for i in ids
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tasks(path: Path, ids: range, subject: str = "Call") -> Path:
    lines = [TASKS] + [
        f"00T{i:012d}AAA,006{i % 50:012d}AAA,001{i % 9:012d}AAA,"
        f"2024-{1 + i % 12:02d}-{1 + i % 28:02d},{subject} {i},Call"
        for i in ids
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_tracing(path: Path, source: Path) -> tuple[object, list[str]]:
    with Engagement.open(path) as eng:
        statements: list[str] = []
        eng.conn.set_trace_callback(statements.append)
        result = import_file(eng, source)
        eng.conn.set_trace_callback(None)
    return result, [s for s in statements if "INDEX" in s.upper()]


def indexes(path: Path, table: str = "activities") -> list[str]:
    with Engagement.open(path, read_only=True) as eng:
        return sorted(
            r[0]
            for r in eng.conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
                " AND sql IS NOT NULL",
                (table,),
            )
        )


def test_reimport_of_a_big_file_rebuilds_the_indexes_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)  # every file counts as big
    # The estimate of a file's rows is a little low (as for a real export whose first
    # rows are longer than average): it must still count as the whole table again.
    monkeypatch.setattr(engine, "_estimated_rows", lambda path, layout: 2_400)
    path = tmp_path / "big.engagement"
    Engagement.create(path, EngagementMeta(customer="Big")).close()
    fresh = indexes(path)
    assert fresh == [
        "CREATE INDEX activities_account ON activities(account_crm_id)",
        "CREATE INDEX activities_opportunity ON activities(opportunity_crm_id, activity_date)",
    ]
    first, _ = import_tracing(path, tasks(tmp_path / "Task.csv", range(2_500)))
    assert (first.entity, first.rows_imported) == ("activities", 2_500)
    again, traced = import_tracing(path, tasks(tmp_path / "Task2.csv", range(2_500), "Email"))
    assert (again.rows_imported, again.rows_updated) == (0, 2_500)
    dropped = [s for s in traced if s.upper().startswith("DROP INDEX")]
    assert sorted(s.split()[-1] for s in dropped) == [
        "activities_account",
        "activities_opportunity",
    ]
    assert indexes(path) == fresh
    with Engagement.open(path, read_only=True) as eng:
        assert eng.conn.execute(
            "SELECT subject, account_crm_id, opportunity_crm_id FROM activities "
            "WHERE crm_id = '00T000000000100AAA'"
        ).fetchone() == ("Email 100", "001000000000001AAA", "006000000000000AAA")
        # The rebuilt index answers a lookup like the one scoring makes.
        plan = " ".join(
            r[-1]
            for r in eng.conn.execute(
                "EXPLAIN QUERY PLAN SELECT count(*) FROM activities "
                "WHERE opportunity_crm_id = '006000000000007AAA'"
            )
        )
        assert "activities_opportunity" in plan
        assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_big_deal_file_has_no_secondary_index_to_rebuild(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)
    monkeypatch.setattr(engine, "_estimated_rows", lambda path, layout: 2_400)
    path = tmp_path / "big.engagement"
    Engagement.create(path, EngagementMeta(customer="Big")).close()
    assert indexes(path, "opportunities") == []  # only the record id's own (UNIQUE) index
    first, _ = import_tracing(path, export(tmp_path / "first.csv", range(2_500)))
    again, traced = import_tracing(path, export(tmp_path / "again.csv", range(2_500), amount=5))
    assert (first.rows_imported, again.rows_imported, again.rows_updated) == (2_500, 0, 2_500)
    assert not [s for s in traced if s.upper().startswith(("DROP INDEX", "CREATE INDEX"))]
    with Engagement.open(path, read_only=True) as eng:
        assert eng.conn.execute(
            "SELECT amount, account_crm_id FROM opportunities WHERE crm_id = '006000000000100AAA'"
        ).fetchone() == (105.0, "001000000000003AAA")
        assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_small_file_into_a_big_table_keeps_the_indexes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)
    path = tmp_path / "big.engagement"
    Engagement.create(path, EngagementMeta(customer="Big")).close()
    import_tracing(path, tasks(tmp_path / "Task.csv", range(2_000)))
    small, traced = import_tracing(path, tasks(tmp_path / "Small.csv", range(100), "Email"))
    assert (small.rows_imported, small.rows_updated) == (0, 100)
    assert not [s for s in traced if s.upper().startswith("DROP INDEX")]
