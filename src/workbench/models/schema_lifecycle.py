"""Schema of the lifecycle capability (its migration; see models/schema.py for the order).

The lifecycle tables are prefixed ``lc_`` because ``meetings`` in the core schema
already means the customer's recorded video meetings and calls; ``lc_meetings`` are
the engagement's own meetings (kickoff, alignment, sign-off, check-ins).

Every table has an ``id INTEGER PRIMARY KEY`` so the undo stack can snapshot and
restore any row exactly. Items are seeded from the playbook catalog
(``resources/lifecycle``) the first time the lifecycle is used; ``key`` ties a row to
its catalog entry. Statuses follow the findings: ASSUMED until a meeting or the
customer confirms (CONFIRMED) or corrects (CORRECTED) the value.
"""

from __future__ import annotations

import sqlite3

LIFECYCLE_SQL = """
CREATE TABLE lc_checklist_items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    phase INTEGER NOT NULL,
    subphase TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('milestone', 'task', 'checkpoint')),
    title TEXT NOT NULL,
    computed TEXT,
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in-progress', 'done', 'n-a')),
    owner TEXT NOT NULL DEFAULT '',
    due_date TEXT,
    done_date TEXT,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT
);

CREATE TABLE lc_intake_items (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    section TEXT NOT NULL,
    label TEXT NOT NULL,
    value_type TEXT NOT NULL,
    position INTEGER NOT NULL,
    value TEXT,
    status TEXT NOT NULL DEFAULT 'ASSUMED' CHECK (status IN ('ASSUMED', 'CONFIRMED', 'CORRECTED')),
    source TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    meeting_id INTEGER,
    updated_at TEXT
);

CREATE TABLE lc_definitions (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    term TEXT NOT NULL,
    definition TEXT NOT NULL,
    required INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL,
    approved INTEGER NOT NULL DEFAULT 0,
    approver TEXT NOT NULL DEFAULT '',
    approved_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'ASSUMED' CHECK (status IN ('ASSUMED', 'CONFIRMED', 'CORRECTED')),
    meeting_id INTEGER,
    updated_at TEXT
);

CREATE TABLE lc_criteria (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kpi TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'up' CHECK (direction IN ('up', 'down')),
    position INTEGER NOT NULL,
    included INTEGER NOT NULL DEFAULT 1,
    baseline REAL,
    baseline_source TEXT NOT NULL DEFAULT '',
    target REAL,
    target_note TEXT NOT NULL DEFAULT '',
    current REAL,
    current_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'ASSUMED' CHECK (status IN ('ASSUMED', 'CONFIRMED', 'CORRECTED')),
    meeting_id INTEGER,
    updated_at TEXT
);

CREATE TABLE lc_meetings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    attendees TEXT NOT NULL DEFAULT '[]',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX lc_meetings_date ON lc_meetings(held_on);

-- What a meeting confirmed or corrected: item_type is finding, intake, definition,
-- criterion; item_ref the finding id or the item's key.
CREATE TABLE lc_meeting_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES lc_meetings(id) ON DELETE CASCADE,
    item_type TEXT NOT NULL,
    item_ref TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('confirmed', 'corrected')),
    value TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lc_meeting_items_meeting ON lc_meeting_items(meeting_id);

-- Every change to an input (intake item, definition, criterion, checklist item).
-- Findings keep theirs in the core finding_history.
CREATE TABLE lc_item_history (
    id INTEGER PRIMARY KEY,
    item_type TEXT NOT NULL,
    item_ref TEXT NOT NULL,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT,
    value TEXT,
    note TEXT NOT NULL DEFAULT '',
    meeting_id INTEGER
);
CREATE INDEX lc_item_history_item ON lc_item_history(item_type, item_ref, id);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Create or change the tables lifecycle needs (runs inside the migration's transaction)."""
    lines = [ln for ln in LIFECYCLE_SQL.splitlines() if not ln.strip().startswith("--")]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            conn.execute(statement)
