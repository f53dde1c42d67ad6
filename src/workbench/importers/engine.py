"""Importing one file into the engagement: one transaction, streamed in blocks.

Every block of rows is converted column by column (``columns.convert_column``),
rows with a value that cannot be read are set aside as rejects (with row, column,
value and reason), and the good rows are written with one ``executemany`` upsert
keyed on ``crm_id``: a re-import updates records instead of duplicating them. The
whole import, its ``imports`` record and its rejects commit together or not at all;
a cancel, an error or a killed process leaves the engagement as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from workbench.importers import staging
from workbench.importers.plan import Plan, make_plan
from workbench.importers.profiles import known_names
from workbench.importers.records import ImportResult
from workbench.importers.sources import (
    NeedsSlowPath,
    make_workdir,
    open_source,
)
from workbench.importers.writer import REJECTS_RETURNED, Counts, Writer
from workbench.models import Engagement, now_iso
from workbench.models.vocabulary import count as plural_count
from workbench.progress import Progress

BIG_FILE_BYTES = 16 << 20
# 64 MB holds the record-id index of a million deals: a file in report order (ids at
# random places in that index) then costs 0.7 times what it did with 16 MB, and the
# import still peaks under 300 MB (bench/bench_import.py).
IMPORT_CACHE_KB = 64 * 1024


def sha256_of(path: Path, stop: threading.Event | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            if stop is not None and stop.is_set():
                return ""
            digest.update(chunk)
    return digest.hexdigest()


class _Digest:
    """The file's SHA-256, worked out in a helper thread while the import reads the
    file (hashlib lets go of the GIL); closing stops it early when the import fails."""

    def __init__(self, path: Path) -> None:
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-digest")
        self._future = self._pool.submit(sha256_of, path, self._stop)

    def result(self) -> str:
        return self._future.result()

    def close(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)


def import_file(
    eng: Engagement,
    source: Path | str,
    *,
    entity: str | None = None,
    profile: str = "auto",
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one CSV/XLSX export into ``eng`` and return what happened.

    ``profile`` is 'auto', a built-in profile or the name of a saved mapping;
    ``mapping`` ({target field: source header}) overrides field by field. Raises
    ``WorkbenchError`` (plain message, nothing changed) when the file cannot be read
    or its headers are not understood, and ``Cancelled`` when cancelled.
    """
    progress = progress or Progress.none()
    path = Path(source)
    progress.update(0.0, f"Reading {path.name}")
    meta = eng.meta()
    with make_workdir() as tmp:
        src = open_source(path, Path(tmp), set(known_names()), sheet)
        try:
            layout = src.layout()
            plan = make_plan(
                eng,
                layout.columns,
                layout.head,
                path.name,
                entity=entity,
                profile=profile,
                mapping=mapping,
                fallback_order=meta.date_order,
            )
            digest = _Digest(path)
            try:
                return _run(eng, src, layout, plan, path, digest, meta.currency, progress)
            finally:
                digest.close()
        finally:
            close = getattr(src, "close", None)
            if close:
                close()


def _run(
    eng, src, layout, plan: Plan, path: Path, digest: _Digest, currency: str, progress: Progress
) -> ImportResult:
    notes = list(plan.notes)
    if layout.title_rows:
        notes.append(
            f"{plural_count(layout.title_rows, 'title row')} above the header "
            f"(row {layout.header_row + 1}) {_were(layout.title_rows)} not imported."
        )
    if layout.encoding not in ("utf-8", "xlsx"):
        notes.append(f"The file was read as {layout.encoding} text.")
    big = _estimated_rows(path, layout) if path.stat().st_size > BIG_FILE_BYTES else 0
    old_cache = eng.conn.execute("PRAGMA cache_size").fetchone()[0]
    # A larger page cache keeps the id and secondary indexes in memory while a big file
    # streams in (bounded: IMPORT_CACHE_KB); restored afterwards.
    eng.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
    try:
        return _run_transaction(
            eng, src, layout, plan, path, digest, currency, progress, notes, big, int(old_cache)
        )
    finally:
        eng.conn.execute(f"PRAGMA cache_size = {int(old_cache)}")


def _estimated_rows(path: Path, layout) -> int:
    """Rows in a big file, estimated from the size of its first rows."""
    sample = layout.head[:50]
    if not sample:
        return 0
    per_row = max(1, sum(len(",".join(r).encode("utf-8")) + 1 for r in sample) // len(sample))
    return path.stat().st_size // per_row


def _secondary_indexes(conn, table: str) -> list[tuple[str, str]]:
    return [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]


def _last_rowid(conn, table: str) -> int:
    return int(conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0)


@contextlib.contextmanager
def _staging(big: int):
    """(folder, writers) of one import: a big file's rows are staged in files of the
    import's private folder (workbench.importers.staging); the writers' staging files
    are detached once the import's transaction has ended, then the folder is removed."""
    writers: list[Writer] = []
    with contextlib.ExitStack() as stack:
        stage_dir = (
            Path(stack.enter_context(make_workdir())) if big and staging.available() else None
        )
        try:
            yield stage_dir, writers
        finally:
            for writer in writers:
                writer.detach()


def _run_transaction(
    eng,
    src,
    layout,
    plan: Plan,
    path: Path,
    digest: _Digest,
    currency: str,
    progress: Progress,
    notes: list[str],
    big: int,
    sort_cache: int,
) -> ImportResult:
    table = plan.spec.table
    with _staging(big) as (stage_dir, writers), eng.atomic() as conn:
        # New rows take the next rowid (one above the largest), and an update keeps its
        # row's: the rows this import added are the growth of the largest rowid. (Two
        # lookups instead of counting a large table before and after.)
        before = _last_rowid(conn, table)
        # Building secondary indexes once after a bulk load is much faster than updating
        # them row by row; the drop and rebuild are part of the same transaction.
        # (Only when the file brings at least a quarter as many rows as the table holds:
        # rebuilding a large table's indexes for a small file would cost more than it
        # saves. The row count is estimated, so re-importing the same file, every row an
        # update, must not depend on the estimate landing above the exact count.)
        dropped = _secondary_indexes(conn, table) if big and big * 4 >= before else []
        for name, _ in dropped:
            conn.execute(f"DROP INDEX {name}")
        cur = conn.execute(
            "INSERT INTO imports (entity, source_name, source_kind, profile, mapping, "
            "encoding, sheet, started_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?)",
            (
                plan.spec.name,
                path.name,
                plan.profile,
                json.dumps(plan.mapping, ensure_ascii=False),
                layout.encoding,
                layout.sheet,
                now_iso(),
            ),
        )
        import_id = int(cur.lastrowid)

        def attempt(fast: bool, stage: Path | None) -> Counts:
            writer = Writer(
                conn, plan, import_id, currency, layout.columns, path.name,
                stage_dir=stage, estimated_rows=big,
            )  # fmt: skip
            writers.append(writer)
            with eng.atomic():
                return writer.load(src.blocks(fast=fast), progress)

        try:
            try:
                counts = attempt(True, stage_dir)
            except staging.StagingUnsuitable:
                if staging.required():
                    raise
                counts = attempt(True, None)  # rows bound one by one instead
        except NeedsSlowPath:
            counts = attempt(False, None)
        if dropped:
            import pyarrow as pa

            pa.default_memory_pool().release_unused()  # room for the index sorts
            # The index sorts run with the ordinary small page cache, on this core:
            # SQLite then sorts runs that fit the processor's cache and merges them, at
            # half the CPU time of one large sort in memory (or of helper-thread sorts)
            # for a million rows (measured for bench/bench_import.py).
            conn.execute(f"PRAGMA cache_size = {sort_cache}")
        for _, sql in dropped:
            progress.update(0.98, "Indexing")
            conn.execute(sql)
        after = _last_rowid(conn, table)
        counts.skipped += getattr(src, "footer_rows", 0)
        new = after - before
        updated = counts.written - new
        notes.extend(_count_notes(plan, counts))
        notes.extend(getattr(src, "notes", []))
        if getattr(src, "footer_rows", 0):
            notes.append(
                f"{plural_count(src.footer_rows, 'footer row')} after the data (totals, copyright, "
                "confidentiality, generated-by lines) "
                f"{_were(src.footer_rows)} recognised and skipped."
            )
        read = counts.written + counts.rejected + counts.skipped
        if read == 0:
            notes.append("The file has no data rows below its header.")
        conn.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_updated = ?, "
            "rows_rejected = ?, rows_skipped = ?, notes = ?, finished_at = ?, sha256 = ? "
            "WHERE id = ?",
            (
                read,
                new,
                updated,
                counts.rejected,
                counts.skipped,
                json.dumps(notes, ensure_ascii=False),
                now_iso(),
                digest.result(),
                import_id,
            ),
        )
        eng.touch()
        progress.update(1.0, f"Imported {path.name}")
    return ImportResult(
        import_id=import_id,
        entity=plan.spec.name,
        profile=plan.profile,
        source_name=path.name,
        sha256=digest.result(),
        encoding=layout.encoding,
        sheet=layout.sheet,
        mapping=plan.mapping,
        rows_read=read,
        rows_imported=new,
        rows_updated=updated,
        rows_rejected=counts.rejected,
        rows_skipped=counts.skipped,
        rejects=counts.rejects[:REJECTS_RETURNED],
        notes=notes,
    )


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _count_notes(plan: Plan, counts: Counts) -> list[str]:
    notes = []
    for name, n in counts.placeholders.items():
        notes.append(
            f"{plural_count(n, 'value')} of {plan.mapping.get(name, name)} {_were(n)} placeholder "
            f"{'date' if n == 1 else 'dates'} (such as 9999-12-31) and {_were(n)} left blank."
        )
    if counts.other_fields:
        notes.append(
            f"{plural_count(counts.other_fields, 'history row')} changed fields Workbench does not track "
            "(only stage, amount, close date, probability and forecast category) and "
            f"{_were(counts.other_fields)} skipped."
        )
    if counts.relabelled:
        notes.append(
            f"{plural_count(counts.relabelled, 'deal or history row', 'deals and history rows')} "
            "already imported now show stage labels instead of stage ids."
        )
    if counts.stage_readings:
        notes.append(stage_reading_note(counts.stage_readings))
    if counts.over_100:
        notes.append(
            f"{plural_count(counts.over_100, 'row')} {'has' if counts.over_100 == 1 else 'have'} "
            "a probability above 100 (kept as given; check the export)."
        )
    if counts.translated:
        notes.append(
            f"{plural_count(counts.translated, 'stage id')} {_were(counts.translated)} replaced by "
            "their labels from the imported pipeline stages."
        )
    elif plan.profile == "hubspot" and "stage" in plan.mapping:
        notes.append(
            "HubSpot deal stages are kept as given (internal stage ids unless the export "
            "used labels); import the pipeline stages to translate them."
        )
    return notes


def stage_reading_note(readings: dict[str, tuple[str, int | None, int | None]]) -> str:
    """Which stages were read as open, won or lost, and from what."""

    def word(closed, won) -> str:
        return "open" if not closed else ("won" if won else "lost")

    parts = []
    for how, said in (
        ("stage list", "from the imported stage list"),
        ("stage name", "from the stage name"),
    ):
        named = sorted((s, r) for s, r in readings.items() if r[0] == how)
        if named:
            parts.append(f"{said}: " + ", ".join(f"{s} ({word(r[1], r[2])})" for s, r in named))
    unknown = sorted(s for s, r in readings.items() if r[0] == "unknown")
    if unknown:
        parts.append(
            "not readable, left blank: " + ", ".join(unknown) + " (import a stage sheet with "
            "the columns Stage, Closed and Won as pipeline stages to say what they mean)"
        )
    return (
        "The file does not say which deals are closed or won; it was read from the stage, "
        + "; ".join(parts)
        + ". To correct a reading, import a stage sheet (Stage, Closed, Won) as pipeline stages."
    )
