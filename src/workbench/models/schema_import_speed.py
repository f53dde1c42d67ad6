"""Migration 13: the deals lose three indexes that no query needs.

The indexes on the deals' account, owner and close date served no query: the audits,
scoring, coaching and the documents read the deals whole, and the one grouping by owner
is as quick without its index. Every big import rebuilt all three (4 CPU seconds at a
million deals, bench/bench_import.py), so they cost each import and served nothing.
Counting the deals now uses the record-id index.
"""

from __future__ import annotations

import sqlite3

UNUSED_DEAL_INDEXES = ("opportunities_account", "opportunities_owner", "opportunities_close")


def migrate(conn: sqlite3.Connection) -> None:
    for name in UNUSED_DEAL_INDEXES:
        conn.execute(f"DROP INDEX IF EXISTS {name}")
