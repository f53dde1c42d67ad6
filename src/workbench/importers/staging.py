"""Staging a big import's typed rows outside Python's sqlite3 module.

Binding a million rows of 18 values one by one through Python's ``sqlite3`` costs more
CPU than the whole ``sqlite3 .import`` of the same file, and it needs the GIL between
every row, so it cannot overlap with reading the next block. For a big file the rows
therefore travel as Arrow blocks: a helper thread appends them to temporary SQLite
files with the ADBC SQLite driver (in C, without the GIL), and the engagement's own
connection upserts each finished file with one ``INSERT ... SELECT`` (in C too).

The temporary files live in the import's private folder (``workdir``) and hold
untyped columns, so every value keeps the type it was converted to and takes the
engagement column's affinity exactly as a bound value would. They are attached to the
engagement's connection only inside the import's transaction, read once in file order
and detached after it: the engagement file changes in that one transaction or not at
all. At most ``MAX_FILES`` are attached (SQLite's limit is ten); the last takes
whatever remains when the row estimate was low.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pyarrow as pa

MAX_FILES = 8
MIN_CHUNK_ROWS = 50_000


def file_rows(estimate: int) -> list[int]:
    """How many rows each staging file takes before the next begins, for a file of
    about ``estimate`` rows: six of a seventh each, then a twelfth, then the rest (a few
    percent, more when the estimate was low). The engagement's connection upserts a
    file while the next ones fill; the last, upserted after the whole file is read, is
    kept small so that little is left to do then."""
    seventh = max(MIN_CHUNK_ROWS, estimate // 7 + 1)
    return [seventh] * (MAX_FILES - 2) + [max(MIN_CHUNK_ROWS, estimate // 12 + 1)]


class StagingUnsuitable(Exception):
    """The rows cannot be staged (a column holds mixed types, the driver failed): the
    import starts again and binds its rows one by one."""


def required() -> bool:
    """Whether a big import must stage its rows (``WORKBENCH_REQUIRE_STAGING=1``: the
    bundle's smoke test, which must not pass on the slower fallback)."""
    return os.environ.get("WORKBENCH_REQUIRE_STAGING") == "1"


def available() -> bool:
    """Whether the ADBC SQLite driver loads on this machine."""
    try:
        import adbc_driver_sqlite.dbapi  # noqa: F401
    except (ImportError, OSError) as exc:
        if required():
            raise RuntimeError(f"the ADBC SQLite driver does not load: {exc!r}") from exc
        return False
    return True


def as_arrow(values: list) -> pa.Array:
    """A Python list of one column's values as Arrow, keeping each value's type (text,
    integer, real, none); a list that mixes text with numbers cannot be staged."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise StagingUnsuitable(str(exc)) from exc


class StageFile:
    """One temporary file being filled by the ADBC driver (used by one thread)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        import adbc_driver_sqlite.dbapi as adbc

        self.path = path
        self.columns = columns
        self.rows = 0
        plain = sqlite3.connect(path)
        try:
            plain.execute(f"CREATE TABLE t ({', '.join(columns)})")
            plain.commit()
        finally:
            plain.close()
        try:
            self._conn = adbc.connect(str(path))
            self._cur = self._conn.cursor()
        except Exception as exc:
            raise StagingUnsuitable(f"the staging driver failed: {exc}") from exc

    def append(self, table: pa.Table) -> None:
        try:
            self._cur.adbc_ingest("t", table.rename_columns(self.columns), mode="append")
        except Exception as exc:
            raise StagingUnsuitable(f"the staging driver failed: {exc}") from exc
        self.rows += table.num_rows

    def finish(self) -> None:
        try:
            self._conn.commit()
        except Exception as exc:
            raise StagingUnsuitable(f"the staging driver failed: {exc}") from exc
        finally:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._cur.close()
        with contextlib.suppress(Exception):
            self._conn.close()


def attach(conn: sqlite3.Connection, path: Path, number: int) -> str:
    """Attach one finished file to the engagement's connection; return its schema name."""
    name = f"import_stage_{number}"
    conn.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
    return name


def detach_all(conn: sqlite3.Connection, names: list[str]) -> None:
    """Detach the staging files (after the import's transaction ended)."""
    for name in names:
        with contextlib.suppress(sqlite3.Error):
            conn.execute(f"DETACH DATABASE {name}")
    names.clear()
