"""Schema of the lifecycle capability (its migration; see models/schema.py for the order)."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Create or change the tables lifecycle needs (runs inside the migration's transaction)."""
