"""Schema of the evaluation capability (its migration; see models/schema.py for the order).

One engagement may hold several evaluations (a first shortlist, a re-run after the
pilot); the newest one is the current one. ``evaluations.selected_vendor`` is the
platform the customer chose; the lifecycle gate "platform selected" reads it.
Weights are stored in percent (25.0 = 25%); scores are whole numbers 1-5.
"""

from __future__ import annotations

import sqlite3

TABLES = """
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    platform_options TEXT NOT NULL DEFAULT '{}',
    tco_years INTEGER NOT NULL DEFAULT 3,
    pricing_step_pct REAL NOT NULL DEFAULT 20,
    pricing_from_tco INTEGER NOT NULL DEFAULT 1,
    selected_vendor TEXT,
    decision_note TEXT,
    selected_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE evaluation_scale (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    label TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (evaluation_id, level)
);

CREATE TABLE evaluation_criteria (
    id INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES evaluation_criteria(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight REAL NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0,
    derived_from TEXT,
    UNIQUE (evaluation_id, parent_id, name)
);
CREATE UNIQUE INDEX evaluation_criteria_top ON evaluation_criteria(evaluation_id, name)
    WHERE parent_id IS NULL;

CREATE TABLE evaluation_vendors (
    id INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    platform_option TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (evaluation_id, name)
);

CREATE TABLE evaluation_evaluators (
    id INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (evaluation_id, name)
);

CREATE TABLE evaluation_scores (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    evaluator_id INTEGER NOT NULL REFERENCES evaluation_evaluators(id) ON DELETE CASCADE,
    vendor_id INTEGER NOT NULL REFERENCES evaluation_vendors(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES evaluation_criteria(id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    evidence TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (evaluator_id, vendor_id, criterion_id)
);

CREATE TABLE evaluation_pilot_metrics (
    id INTEGER PRIMARY KEY,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    criterion_id INTEGER REFERENCES evaluation_criteria(id) ON DELETE SET NULL,
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (evaluation_id, name)
);

CREATE TABLE evaluation_pilot_results (
    metric_id INTEGER NOT NULL REFERENCES evaluation_pilot_metrics(id) ON DELETE CASCADE,
    vendor_id INTEGER NOT NULL REFERENCES evaluation_vendors(id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    measured TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (metric_id, vendor_id)
);

CREATE TABLE evaluation_tco (
    vendor_id INTEGER PRIMARY KEY REFERENCES evaluation_vendors(id) ON DELETE CASCADE,
    implementation REAL NOT NULL DEFAULT 0,
    integration REAL NOT NULL DEFAULT 0,
    training REAL NOT NULL DEFAULT 0,
    discount_pct REAL NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);

CREATE TABLE evaluation_tco_licences (
    vendor_id INTEGER NOT NULL REFERENCES evaluation_vendors(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    seats INTEGER NOT NULL DEFAULT 0,
    price_per_seat_year REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (vendor_id, role)
);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Create the evaluation tables (runs inside the migration's transaction)."""
    for statement in TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
