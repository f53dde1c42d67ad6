"""A big file's rows go through staging files (importers/staging.py): the engagement
must end up exactly as when every row is bound one by one, for a first import and a
re-import, with rejects, skipped decoration rows, values only the careful parsers read,
ids repeated across staging files, and more files than SQLite lets a connection attach.
A cancel or a failure leaves nothing behind; a block that cannot be staged makes the
import bind its rows instead.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from workbench.errors import Cancelled
from workbench.importers import engine, import_file, sources, staging, workdir
from workbench.importers import writer as writer_module
from workbench.models import Engagement, EngagementMeta
from workbench.progress import CancelToken, Progress

pytestmark = pytest.mark.skipif(not staging.available(), reason="ADBC SQLite driver missing")

HEADER = "Id,Name,AccountId,OwnerId,StageName,Amount,CloseDate,Probability,Champion__c"
STAGES = ["Prospecting", "Negotiation/Review", "Closed Won", "Closed Lost", "Verbal Commit"]


def deals(path: Path, ids: range, *, amount: int = 0, repeat_every: int = 0) -> Path:
    """An export with the hard cases planted among ordinary rows."""
    lines = [HEADER]
    for i in ids:
        crm_id = f"006{i:012d}AAA"
        if repeat_every and i % repeat_every == 7:
            crm_id = f"006{i % 50:012d}AAA"  # the same deal again, in a later block
        value = f"{1000 + i + amount}.50"
        close = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}"
        champion = f"Jane {i % 5}"
        if i % 97 == 3:
            value = f'"${1000 + i:,}"'  # only the careful money parser reads it
        if i % 89 == 5:
            close = f"{1 + i % 12}/{1 + i % 28}/2026"  # a slash date
        if i % 211 == 9:
            close = "2026-02-30"  # no such day: rejected
        if i % 173 == 11:
            close = "1900-01-01"  # a placeholder: blank
        if i % 151 == 2:
            champion = '"Line one\x01 with a control, a ""quote"" and a \\ backslash"'
        if i % 307 == 4:
            crm_id = ""  # no record id: rejected
        probability = "150" if i % 401 == 6 else str(10 * (i % 11))
        lines.append(
            f"{crm_id},Deal {i},001{i % 97:012d}AAA,005{i % 7:012d}AAA,{STAGES[i % 5]},"
            f"{value},{close},{probability},{champion}"
        )
        if i % 997 == 500:
            lines.append("Subtotal,,,,,,,,")  # report decoration: skipped
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def contents(path: Path) -> dict[str, list]:
    """Every stored value with its SQLite type, and what each import recorded."""
    conn = sqlite3.connect(path)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(opportunities)")]
        typed = ", ".join(f"{c}, typeof({c})" for c in cols)
        return {
            "opportunities": conn.execute(
                f"SELECT {typed} FROM opportunities ORDER BY id"
            ).fetchall(),
            "rejects": conn.execute(
                "SELECT import_id, row_number, column_name, value, reason, raw "
                "FROM import_rejects ORDER BY id"
            ).fetchall(),
            "imports": conn.execute(
                "SELECT entity, rows_read, rows_imported, rows_updated, rows_rejected, "
                "rows_skipped, notes FROM imports ORDER BY id"
            ).fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture
def small_chunks(monkeypatch):
    """Every file counts as big, and staging files hold about 100 rows: a 3,000-row
    export then needs more files than may be attached, so the last takes the rest."""
    monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)
    monkeypatch.setattr(engine, "_estimated_rows", lambda path, layout: 800)
    monkeypatch.setattr(staging, "MIN_CHUNK_ROWS", 100)
    monkeypatch.setattr(sources, "BLOCK_BYTES", 8 << 10)  # blocks of about 90 rows
    files: list[int] = []
    real = staging.StageFile.__init__

    def counting(self, path, columns):
        files.append(1)
        real(self, path, columns)

    monkeypatch.setattr(staging.StageFile, "__init__", counting)
    return files


def engagement(path: Path) -> Path:
    Engagement.create(path, EngagementMeta(customer="Staging")).close()
    return path


def run(path: Path, source: Path):
    with Engagement.open(path) as eng:
        result = import_file(eng, source)
        attached = [r[1] for r in eng.conn.execute("PRAGMA database_list")]
    return result, attached


def test_staged_import_equals_binding_row_by_row(tmp_path: Path, small_chunks, monkeypatch):
    first = deals(tmp_path / "first.csv", range(3_000), repeat_every=400)
    again = deals(tmp_path / "again.csv", range(1_500, 4_000), amount=7, repeat_every=300)
    staged, bound = (
        engagement(tmp_path / "staged.engagement"),
        engagement(tmp_path / "b.engagement"),
    )

    results = {}
    for name, path in (("staged", staged), ("bound", bound)):
        if name == "bound":
            monkeypatch.setattr(staging, "available", lambda: False)
        one, attached = run(path, first)
        two, attached_again = run(path, again)
        assert attached == attached_again == ["main"]  # staging files detached afterwards
        results[name] = (one, two)
    assert len(small_chunks) == 2 * staging.MAX_FILES  # the cap held: the last took the rest
    assert contents(staged) == contents(bound)
    (one, two), (b_one, b_two) = results["staged"], results["bound"]
    for r, b in ((one, b_one), (two, b_two)):
        assert (r.rows_imported, r.rows_updated, r.rows_rejected, r.rows_skipped) == (
            b.rows_imported, b.rows_updated, b.rows_rejected, b.rows_skipped,
        )  # fmt: skip
        assert r.rejects == b.rejects and r.notes == b.notes
    # The figures themselves (so that equal does not mean equally wrong).
    assert (one.rows_rejected, one.rows_skipped) == (25, 3)  # 10 blank ids, 15 bad days
    assert one.rows_imported == 3_000 - 25 - 7  # rows 407, 807 ... 2807 update deal 7
    data = contents(staged)["opportunities"]
    by_id = {row[2]: row for row in data}
    assert by_id["006000000000003AAA"][12:14] == (1003.0, "real")  # "$1,003" read
    # Row 2's unmapped column holds a control character, a quote and a backslash: the
    # list path writes it, compact like every other row.
    assert by_id["006000000000002AAA"][38:40] == (
        '{"Champion__c":"Line one\\u0001 with a control, a \\"quote\\" and a \\\\ backslash"}',
        "text",
    )


def test_a_block_that_cannot_be_staged_is_bound_row_by_row(
    tmp_path: Path, small_chunks, monkeypatch
):
    source = deals(tmp_path / "first.csv", range(2_000))
    bound = engagement(tmp_path / "bound.engagement")
    with monkeypatch.context() as m:
        m.setattr(staging, "available", lambda: False)
        run(bound, source)
    real = staging.as_arrow
    calls = {"n": 0}

    def sometimes(values):
        calls["n"] += 1
        if calls["n"] == 9:  # a later block: some staging files are already upserted
            raise staging.StagingUnsuitable("a column mixes text and numbers")
        return real(values)

    monkeypatch.setattr(writer_module.staging, "as_arrow", sometimes)
    path = engagement(tmp_path / "retried.engagement")
    result, attached = run(path, source)
    assert calls["n"] >= 9 and attached == ["main"]
    assert result.rows_imported == 2_000 - 17  # 7 blank ids, 10 bad days
    assert contents(path) == contents(bound)


def test_a_cancelled_staged_import_leaves_nothing(tmp_path: Path, small_chunks):
    path = engagement(tmp_path / "kept.engagement")
    run(path, deals(tmp_path / "first.csv", range(500)))
    before = contents(path)
    token = CancelToken()
    written: list[str] = []

    def listener(fraction: float, status: str) -> None:
        written.append(status)
        if status.endswith(" written") and not status.endswith(" 0 written"):
            token.cancel()  # once the first staging file is in the engagement

    with Engagement.open(path) as eng:
        with pytest.raises(Cancelled):
            import_file(
                eng, deals(tmp_path / "big.csv", range(3_000), amount=3),
                progress=Progress(listener, token),
            )  # fmt: skip
        assert [r[1] for r in eng.conn.execute("PRAGMA database_list")] == ["main"]
        assert not eng.conn.in_transaction
    assert contents(path) == before
    assert not [t for t in threading.enumerate() if t.name.startswith("import-")]
    assert not list(workdir.private_root().rglob("stage-*.db"))  # the staging files went
    assert any(s.endswith(" written") and " 0 written" not in s for s in written)


def test_the_bundle_smoke_test_can_require_staging(tmp_path: Path, small_chunks, monkeypatch):
    """WORKBENCH_REQUIRE_STAGING=1 (installers/build_linux.sh) turns the quiet fallback
    into a failure, so a bundle without a working driver does not pass its smoke test."""
    monkeypatch.setenv("WORKBENCH_REQUIRE_STAGING", "1")

    def unsuitable(values):
        raise staging.StagingUnsuitable("the staging driver failed: no library")

    monkeypatch.setattr(writer_module.staging, "as_arrow", unsuitable)
    path = engagement(tmp_path / "required.engagement")
    with pytest.raises(staging.StagingUnsuitable):
        run(path, deals(tmp_path / "first.csv", range(300)))
    assert contents(path)["opportunities"] == []


@pytest.mark.parametrize("staged", [True, False])
def test_columns_no_field_takes_are_merged_on_a_reimport(tmp_path: Path, monkeypatch, staged):
    """Unmapped columns land in ``extra``: a re-import keeps what the new file does not
    carry and takes what it does; the text is compact JSON either way (a value with a
    control character included)."""
    if staged:
        monkeypatch.setattr(engine, "BIG_FILE_BYTES", 0)
    else:
        monkeypatch.setattr(staging, "available", lambda: False)
    path = engagement(tmp_path / "extra.engagement")
    first = tmp_path / "first.csv"
    first.write_text(
        "Id,Name,Champion__c,Region__c\n"
        "006A,Alpha,Jane,EMEA\n"
        "006B,Beta,,\n"
        '006C,Gamma,"Ctl\x01 one",APAC\n'
        "006D,Delta,Ann,NA\n",
        encoding="utf-8",
    )
    again = tmp_path / "again.csv"
    again.write_text(
        'Id,Name,Champion__c\n006A,Alpha,Joe\n006B,Beta,Kim\n006C,Gamma,"Ctl\x01 one"\n'
        "006D,Delta,\n",
        encoding="utf-8",
    )
    run(path, first)
    with Engagement.open(path, read_only=True) as eng:
        stored = dict(eng.conn.execute("SELECT crm_id, extra FROM opportunities"))
    assert stored == {
        "006A": '{"Champion__c":"Jane","Region__c":"EMEA"}',
        "006B": None,
        "006C": '{"Champion__c":"Ctl\\u0001 one","Region__c":"APAC"}',
        "006D": '{"Champion__c":"Ann","Region__c":"NA"}',
    }
    run(path, again)
    with Engagement.open(path, read_only=True) as eng:
        stored = dict(eng.conn.execute("SELECT crm_id, extra FROM opportunities"))
    assert stored == {
        "006A": '{"Champion__c":"Joe","Region__c":"EMEA"}',  # merged: new value, old kept
        "006B": '{"Champion__c":"Kim"}',  # nothing before: the new text itself
        "006C": '{"Champion__c":"Ctl\\u0001 one","Region__c":"APAC"}',
        "006D": '{"Champion__c":"Ann","Region__c":"NA"}',  # blank: nothing to merge
    }


def test_the_staging_files_shrink_towards_the_end():
    """Six files of a seventh of the estimate, one of a twelfth, then the last takes
    the rest (a few percent): little is left to upsert once the whole file is read."""
    sizes = staging.file_rows(1_000_000)
    assert sizes == [142_858] * 6 + [83_334]
    assert len(sizes) == staging.MAX_FILES - 1
    assert 1_000_000 - sum(sizes) == 59_518  # the last file (6%), when the estimate is right
    assert staging.file_rows(10_000) == [staging.MIN_CHUNK_ROWS] * 7
