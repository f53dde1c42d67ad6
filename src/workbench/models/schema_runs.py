"""Schema of the stored runs (migration 8; see models/schema.py for the order).

A run is one computed figure set (an audit, a calibration, the open pipeline's
scores, the evaluation's Monte Carlo and sensitivity) kept with the day it treats
as today, a fingerprint of the inputs it read and its parameters, so every face
(GUI, ``--json``, documents) shows the same stored numbers and can say whether
they are stale.
"""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE runs ("
        " id INTEGER PRIMARY KEY,"
        " kind TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " as_of TEXT NOT NULL,"
        " fingerprint TEXT NOT NULL,"
        " parameters TEXT NOT NULL DEFAULT '{}',"
        " result TEXT NOT NULL DEFAULT '{}',"
        " status TEXT NOT NULL DEFAULT 'ok')"
    )
    conn.execute("CREATE INDEX runs_kind ON runs(kind, id)")
