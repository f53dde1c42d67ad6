"""Schema of duplicate review: the consultant's same/different decisions on pairs."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Create the table of decisions (runs inside the migration's transaction)."""
    conn.execute(
        """
        CREATE TABLE duplicate_decisions (
            id INTEGER PRIMARY KEY,
            entity TEXT NOT NULL DEFAULT 'accounts',
            crm_id_a TEXT NOT NULL,
            crm_id_b TEXT NOT NULL,
            same INTEGER NOT NULL CHECK (same IN (0, 1)),
            decided_by TEXT,
            note TEXT,
            decided_at TEXT NOT NULL,
            CHECK (crm_id_a < crm_id_b),
            UNIQUE (entity, crm_id_a, crm_id_b)
        )
        """
    )
