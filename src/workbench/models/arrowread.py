"""Reading query results straight into Arrow (the ADBC SQLite driver), when it is safe.

Turning a million SQLite rows into Python tuples and then into pandas columns was
most of the audits' and scoring's CPU time. The Apache Arrow ADBC SQLite driver reads
the same rows into Arrow arrays in C. It is used only where it gives exactly what the
engagement's own connection would, and ``read_arrow`` answers None (the caller then
reads through ``sqlite3`` as before) when:

- the package is not installed (a build without it still works) or
  ``WORKBENCH_NO_ARROW_READ`` is set (tests compare both paths);
- the engagement has no file on disk, or its connection is inside a transaction
  (a second connection would not see the rows not yet committed);
- the driver fails in any way; notably it fixes a column's type from the first
  rows of a batch, and a column NULL there and text later is an error.

The file is opened read-only (URI ``mode=ro``): the engagement's own connection
already holds the write-ahead log. Callers still check the Arrow types they get (a
text value in a numeric column comes back as a string column) and fall back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from workbench.models.engagement import Engagement

# Set (to anything but "" or "0") to always read through sqlite3.
DISABLE_ENV = "WORKBENCH_NO_ARROW_READ"


def _driver():
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return None
    try:
        import adbc_driver_sqlite.dbapi as dbapi
    except Exception:  # not installed, or its shared library is missing: fall back
        return None
    return dbapi


def arrow_usable(eng: Engagement) -> bool:
    """True when a second, read-only connection sees exactly what ``eng.conn`` sees."""
    conn = getattr(eng, "conn", None)
    path = getattr(eng, "path", None)
    if conn is None or path is None or conn.in_transaction:
        return False
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def read_arrow(eng: Engagement, sql: str, params: tuple = ()) -> pa.Table | None:
    """The rows of ``sql`` (``?`` parameters) as an Arrow table, or None when the
    Arrow reader cannot be used (see the module's notes): read through sqlite3 then."""
    dbapi = _driver()
    if dbapi is None or not arrow_usable(eng):
        return None
    try:
        uri = f"{Path(eng.path).resolve().as_uri()}?mode=ro"
        with dbapi.connect(uri) as conn, conn.cursor() as cur:
            cur.execute(sql, tuple(params) if params else None)
            table = cur.fetch_arrow_table()
    except Exception:  # any driver error (type change mid-column, locked file...)
        return None
    return table


def column_kind(column: pa.ChunkedArray) -> str | None:
    """``"int"``, ``"float"``, ``"text"`` or ``"null"`` (every value NULL) for the
    Arrow types the SQLite driver produces; None for anything else (binary...), and
    for text that is not valid UTF-8 (sqlite3 would show replacement characters)."""
    import pyarrow as pa

    kind = column.type
    if column.null_count == len(column) and len(column):
        return "null"
    if pa.types.is_int64(kind):
        return "int"
    if pa.types.is_float64(kind):
        return "float"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        try:
            column.validate(full=True)
        except pa.ArrowInvalid:
            return None
        return "text"
    return None


def numpy_column(column: pa.ChunkedArray, *, numeric: bool) -> np.ndarray | None:
    """One Arrow column as the array the sqlite3 read gives, or None (fall back).

    Numeric: int64 when every value is an integer, float64 (NaN for NULL) otherwise,
    as ``pd.to_numeric`` gives on the Python values; a text column is refused (text in
    a numeric column becomes NaN there, and the driver turns the numbers after it into
    text). Otherwise: an object array of ``str`` and None; a column of numbers is
    refused."""
    import numpy as np

    kind = column_kind(column)
    if kind is None:
        return None
    if numeric:
        if kind == "null":
            return np.full(len(column), np.nan)
        if kind == "text":
            return None
        values = column.to_numpy()
        return values if kind == "int" and not column.null_count else values.astype("float64")
    if kind == "null":
        return np.full(len(column), None, dtype=object)
    if kind != "text":
        return None
    return column.to_numpy()


_SQL_TEXT_DTYPE: list = []


def _sql_text_dtype():
    """The dtype ``pd.read_sql_query`` gives a text column in this pandas (``str``
    from pandas 3, object before): asked once on a one-row query."""
    if not _SQL_TEXT_DTYPE:
        import sqlite3

        import pandas as pd

        conn = sqlite3.connect(":memory:")
        try:
            _SQL_TEXT_DTYPE.append(pd.read_sql_query("SELECT 'a' AS t", conn)["t"].dtype)
        finally:
            conn.close()
    return _SQL_TEXT_DTYPE[0]


def read_sql_frame(
    eng: Engagement, sql: str, params: tuple = (), *, numeric: tuple[str, ...] = ()
) -> pd.DataFrame:
    """``pd.read_sql_query(sql, eng.conn, params=params)``, read through Arrow when it
    can be (the same frame, value for value and dtype for dtype). ``numeric`` names
    the columns that hold numbers (declared REAL or INTEGER): one that comes back as
    text makes it read through sqlite3 (its mixed values stay as they are there)."""
    import numpy as np
    import pandas as pd

    table = read_arrow(eng, sql, params)
    frame = None if table is None else _sql_frame(table, numeric, np, pd)
    if frame is None:
        return pd.read_sql_query(sql, eng.conn, params=params or None)
    return frame


def _sql_frame(table: pa.Table, numeric: tuple[str, ...], np, pd) -> pd.DataFrame | None:
    names = table.column_names
    if len(set(names)) != len(names):
        return None
    if not table.num_rows:
        return pd.DataFrame({n: pd.Series([], dtype=object) for n in names}, columns=names)
    data = {}
    for name in names:
        column = table.column(name)
        kind = column_kind(column)
        if kind is None or (kind == "text" and name in numeric):
            return None
        if kind == "null":
            data[name] = pd.Series(np.full(len(column), None, dtype=object), dtype=object)
        elif kind == "text":
            data[name] = pd.Series(column.to_numpy(), dtype=_sql_text_dtype())
        else:
            values = column.to_numpy()
            if kind == "float" or column.null_count:
                values = values.astype("float64")
            data[name] = pd.Series(values)
    return pd.DataFrame(data, columns=names, copy=False)
