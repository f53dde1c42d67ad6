"""Keeping a hostile engagement file inert.

An engagement file comes by e-mail or from a shared drive; whoever made it chose its
schema. SQL stored in a file (a trigger, a view, a generated column) runs inside
Workbench when Workbench touches the table, so a planted trigger could rewrite
imported deals, and a recursive one or a view named like a table could hang it. On
open Workbench therefore:

- turns on SQLite's defensive mode (no writing to the schema table, no corrupting
  the file with pragmas) and ``trusted_schema = OFF`` (SQL stored in the schema may
  call only harmless functions);
- compares every table, column, index, trigger and view in the file with what its own
  migrations create for that file version, and refuses the file with a plain message
  at the first difference, before reading anything else from it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import platform
import re
import sqlite3
import sys
from functools import cache
from pathlib import Path

from workbench.errors import DamagedEngagement

SQLITE_DBCONFIG_DEFENSIVE = 1010
X86_64 = ("x86_64", "amd64")
# Tables SQLite itself may add (ANALYZE statistics, AUTOINCREMENT counters).
SQLITE_INTERNAL = re.compile(r"^sqlite_(stat\d|sequence)$")
MIGRATIONS_TABLE = "_sqlite_migrations"


def harden(conn: sqlite3.Connection) -> bool:
    """Defensive mode and untrusted schema on ``conn``; return whether defensive mode is on."""
    conn.execute("PRAGMA trusted_schema = OFF")
    setconfig = getattr(conn, "setconfig", None)  # Python 3.12+
    if setconfig is not None:
        setconfig(SQLITE_DBCONFIG_DEFENSIVE, True)
        return bool(conn.getconfig(SQLITE_DBCONFIG_DEFENSIVE))
    return _defensive_via_library(conn)


@cache
def _library() -> ctypes.CDLL | None:
    """The SQLite library the ``sqlite3`` module uses, when it is a shared library."""
    import _sqlite3

    # the extension module itself (where SQLite is linked in), then the system library
    origin = _sqlite3.__spec__.origin if _sqlite3.__spec__ else None
    for candidate in (origin, ctypes.util.find_library("sqlite3")):
        if not candidate:
            continue
        with contextlib.suppress(OSError, AttributeError):
            lib = ctypes.CDLL(candidate)
            lib.sqlite3_db_config  # noqa: B018 - present only if SQLite is in there
            lib.sqlite3_db_filename.restype = ctypes.c_char_p
            lib.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.sqlite3_libversion.restype = ctypes.c_char_p
            if lib.sqlite3_libversion().decode() == sqlite3.sqlite_version:
                return lib
    return None


def _defensive_via_library(conn: sqlite3.Connection) -> bool:
    """Python 3.11 has no ``setconfig``: call ``sqlite3_db_config`` on the connection's handle.

    The handle is the first field after the object header of a ``sqlite3.Connection``.
    It is used only after SQLite itself confirms it is this connection's handle (the
    file name it reports matches), and the setting is read back; on any doubt the
    connection is left as it is and the schema check alone guards the file.
    """
    # Variadic C calls through ctypes are only sound where variadic arguments travel
    # like fixed ones (x86-64); elsewhere (Apple silicon) rely on the schema check.
    if sys.implementation.name != "cpython" or platform.machine().lower() not in X86_64:
        return False
    lib = _library()
    if lib is None:
        return False
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not handle:
        return False
    expected = conn.execute("PRAGMA database_list").fetchone()[2] or ""
    try:
        reported = (lib.sqlite3_db_filename(handle, b"main") or b"").decode()
    except (OSError, UnicodeDecodeError):  # pragma: no cover - defensive
        return False
    if reported != expected:
        return False
    state = ctypes.c_int(-1)
    lib.sqlite3_db_config.restype = ctypes.c_int
    rc = lib.sqlite3_db_config(
        ctypes.c_void_p(handle),
        ctypes.c_int(SQLITE_DBCONFIG_DEFENSIVE),
        ctypes.c_int(1),
        ctypes.byref(state),
    )
    return rc == 0 and state.value == 1


def _normalise(sql: str | None) -> str:
    return re.sub(r"\s+", " ", (sql or "").strip()).lower().replace("if not exists ", "")


def schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Every object of the main schema: (type, name) -> its normalised SQL.

    The bookkeeping table of sqlite-utils (which migrations ran) and its index are
    left out: their SQL belongs to that library's version, and they hold no code. A
    trigger or view on them is still an object of its own, and still refused.
    """
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return {
        (kind, name): _normalise(sql)
        for kind, name, table, sql in rows
        if not SQLITE_INTERNAL.match(name)
        and not (kind in ("table", "index") and table == MIGRATIONS_TABLE)
    }


@cache
def expected_schema(version: int) -> dict[tuple[str, str], str]:
    """What Workbench's own migrations create up to ``version`` (run on an empty
    in-memory database, without loading sqlite-utils: opening stays fast)."""
    from workbench.models.schema import MIGRATIONS

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for number, _name, step in MIGRATIONS:
            if number > version:
                break
            step(conn)
        return schema_of(conn)
    finally:
        conn.close()


def check_schema(conn: sqlite3.Connection, path: Path, version: int) -> None:
    """Refuse ``path`` if its schema is not exactly what Workbench made for ``version``."""
    found = schema_of(conn)
    expected = expected_schema(version)
    # Code first (triggers, views), then anything else that differs.
    extra = sorted(set(found) - set(expected), key=lambda k: (k[0] not in ("trigger", "view"), k))
    for kind, name in extra:
        article = "an" if kind[0] in "aeiou" else "a"
        if kind in ("trigger", "view"):
            raise _foreign(
                path, f"it contains {article} {kind} named {name!r} that Workbench did not create"
            )
        raise _foreign(
            path, f"it contains {article} {kind} named {name!r} that Workbench does not use"
        )
    for key in sorted(set(expected) - set(found)):
        raise _foreign(path, f"its {key[0]} {key[1]!r} is missing")
    for key in sorted(expected):
        if found[key] != expected[key]:
            raise _foreign(path, f"its {key[0]} {key[1]!r} is not defined as Workbench defines it")


def _foreign(path: Path, why: str) -> DamagedEngagement:
    return DamagedEngagement(
        f"{path.name} was not opened: {why}. The file was changed outside Workbench, so "
        "it is refused to keep any code stored in it from running. Open a backup or "
        "ask the sender for the original file."
    )
