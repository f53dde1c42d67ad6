"""The numbered migrations that build and upgrade an engagement file.

Each migration runs in its own transaction together with the record that it ran
(sqlite-utils ``Migrations``) and sets ``PRAGMA user_version`` to its number, so
the version in the file header always names the last migration applied. Once a
version has shipped its migration never changes; a change is a new migration at
the end of the list.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from workbench.models import (
    schema_audits,
    schema_coaching,
    schema_core,
    schema_dedup,
    schema_evaluation,
    schema_import_speed,
    schema_importers,
    schema_lifecycle,
    schema_pulls,
    schema_realdata,
    schema_reports,
    schema_runs,
    schema_scoring,
)

MIGRATION_SET = "workbench"

# (number, name, function taking the raw connection). Append only.
MIGRATIONS: list[tuple[int, str, Callable[[sqlite3.Connection], None]]] = [
    (1, "m0001_core", schema_core.create_core),
    (2, "m0002_importers", schema_importers.migrate),
    (3, "m0003_audits", schema_audits.migrate),
    (4, "m0004_lifecycle", schema_lifecycle.migrate),
    (5, "m0005_evaluation", schema_evaluation.migrate),
    (6, "m0006_scoring", schema_scoring.migrate),
    (7, "m0007_reports", schema_reports.migrate),
    (8, "m0008_runs", schema_runs.migrate),
    (9, "m0009_real_crm_data", schema_realdata.migrate),
    (10, "m0010_duplicate_decisions", schema_dedup.migrate),
    (11, "m0011_coaching", schema_coaching.migrate),
    (12, "m0012_pulls", schema_pulls.migrate),
    (13, "m0013_unused_deal_indexes", schema_import_speed.migrate),
]

# Branches merged side by side can append out of order; an upgrade would then stop
# early (user_version is the last step applied), so refuse to start instead.
if [n for n, _, _ in MIGRATIONS] != sorted({n for n, _, _ in MIGRATIONS}):
    raise RuntimeError("MIGRATIONS must be listed once each, in increasing order of number")
LATEST_VERSION = MIGRATIONS[-1][0]


def _migrations(upto: int):
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for number, name, fn in MIGRATIONS:
        if number > upto:
            break

        def step(db, fn=fn, number=number) -> None:
            fn(db.conn)
            db.conn.execute(f"PRAGMA user_version = {int(number)}")

        migrations(name=name)(step)
    return migrations


def migrate(conn: sqlite3.Connection, upto: int | None = None) -> list[str]:
    """Apply every pending migration up to ``upto`` (default: all); return the names applied."""
    from sqlite_utils import Database

    upto = MIGRATIONS[-1][0] if upto is None else upto
    db = Database(conn)
    migrations = _migrations(upto)
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
