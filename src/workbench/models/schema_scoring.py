"""Schema of the scoring capability (its migration; see models/schema.py for the order).

- ``scoring_rule_sets``: one row per version of the deal risk rule set. A version is
  never edited after it is saved; an edit saves the next version. Each carries who
  set it, when (``created_at`` wall clock, ``effective_from`` the engagement's
  as-of day), why (``rationale`` in words), the band thresholds and, when it came
  from a calibration, the run and the score-to-probability mapping fitted there.
- ``scoring_rules``: the rules of a version (signal, operator, threshold, points).
- ``scoring_calibration_runs``: every calibration run with its headline figures and
  the full report as JSON (what the rules document and the GUI show).
- ``scoring_scores``: scores as recorded by a version on a day (``as_of``), so a later
  recalibration compares what the version said then with what happened since.
- ``scoring_validation``: the sample deals reviewed with sales leadership, the risk
  band they expected and the score/band the version gave at the time.
"""

from __future__ import annotations

import sqlite3

SCORING_SQL = [
    """
    CREATE TABLE scoring_rule_sets (
        id INTEGER PRIMARY KEY,
        version INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT 'Deal risk rules',
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        effective_from TEXT NOT NULL,
        rationale TEXT NOT NULL,
        low_max REAL NOT NULL,
        high_min REAL NOT NULL,
        source TEXT NOT NULL DEFAULT 'manual'
            CHECK (source IN ('default', 'manual', 'calibration')),
        calibration_run_id INTEGER,
        prob_intercept REAL,
        prob_slope REAL,
        CHECK (low_max < high_min)
    )
    """,
    """
    CREATE TABLE scoring_rules (
        id INTEGER PRIMARY KEY,
        rule_set_id INTEGER NOT NULL REFERENCES scoring_rule_sets(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        signal TEXT NOT NULL,
        operator TEXT NOT NULL CHECK (operator IN ('>', '>=', '<', '<=', '==')),
        threshold REAL NOT NULL,
        points REAL NOT NULL CHECK (points >= 0),
        enabled INTEGER NOT NULL DEFAULT 1,
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (rule_set_id, signal)
    )
    """,
    """
    CREATE TABLE scoring_calibration_runs (
        id INTEGER PRIMARY KEY,
        run_at TEXT NOT NULL,
        as_of TEXT NOT NULL,
        rule_set_version INTEGER NOT NULL,
        train_until TEXT,
        test_quarter TEXT,
        n_train INTEGER NOT NULL,
        n_test INTEGER NOT NULL,
        n_won INTEGER NOT NULL,
        n_lost INTEGER NOT NULL,
        gate_passed INTEGER NOT NULL,
        auc REAL,
        brier REAL,
        report TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE scoring_scores (
        id INTEGER PRIMARY KEY,
        rule_set_version INTEGER NOT NULL,
        opportunity_crm_id TEXT NOT NULL,
        as_of TEXT NOT NULL,
        score REAL NOT NULL,
        band TEXT NOT NULL CHECK (band IN ('low', 'medium', 'high')),
        reasons TEXT NOT NULL DEFAULT '[]',
        recorded_at TEXT NOT NULL,
        UNIQUE (rule_set_version, opportunity_crm_id, as_of)
    )
    """,
    "CREATE INDEX scoring_scores_opp ON scoring_scores(opportunity_crm_id)",
    """
    CREATE TABLE scoring_validation (
        id INTEGER PRIMARY KEY,
        rule_set_version INTEGER NOT NULL,
        opportunity_crm_id TEXT NOT NULL,
        expected_band TEXT CHECK (expected_band IN ('low', 'medium', 'high')),
        reviewer TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        score REAL NOT NULL,
        band TEXT NOT NULL CHECK (band IN ('low', 'medium', 'high')),
        reasons TEXT NOT NULL DEFAULT '[]',
        selected_at TEXT NOT NULL,
        recorded_at TEXT,
        UNIQUE (rule_set_version, opportunity_crm_id)
    )
    """,
]


def migrate(conn: sqlite3.Connection) -> None:
    """Create or change the tables scoring needs (runs inside the migration's transaction)."""
    for statement in SCORING_SQL:
        conn.execute(statement)
