"""Schema of the coaching capability (migration 11; see models/schema.py for the order).

The utterances themselves stay in the core ``transcript_turns`` table (the scoring
signals and the documents already read it); these tables add the call each
transcript belongs to, who each speaker is, the consultant's decisions about
speakers, trackers and their review, scorecards, the coaching runs and the
reviewed sample of the CRM matching audit.
"""

from __future__ import annotations

import sqlite3

from workbench.models.schema_core import _statements

COACHING_SQL = """
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY,
    meeting_crm_id TEXT NOT NULL UNIQUE,
    source_name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT,
    started_at TEXT,
    timezone TEXT,
    duration_s REAL,
    participants TEXT NOT NULL DEFAULT '[]',
    utterances INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '[]',
    import_id INTEGER,
    imported_at TEXT NOT NULL
);

-- Each speaker of each call and the side they are on: rep (the seller's side),
-- customer, or unknown until the consultant decides.
CREATE TABLE transcript_speakers (
    meeting_crm_id TEXT NOT NULL,
    label TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('rep', 'customer', 'unknown')),
    user_crm_id TEXT,
    basis TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (meeting_crm_id, label)
);
CREATE INDEX transcript_speakers_user ON transcript_speakers(user_crm_id);

-- The consultant's decisions about speakers, by name: they apply to every call.
CREATE TABLE speaker_assignments (
    name_key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('rep', 'customer')),
    user_crm_id TEXT,
    decided_at TEXT NOT NULL
);

CREATE TABLE coaching_runs (
    id INTEGER PRIMARY KEY,
    run_at TEXT NOT NULL,
    as_of TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    parameters TEXT NOT NULL,
    calls INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    benchmark TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE coaching_call_metrics (
    run_id INTEGER NOT NULL REFERENCES coaching_runs(id) ON DELETE CASCADE,
    meeting_crm_id TEXT NOT NULL,
    rep_crm_id TEXT,
    rep_name TEXT,
    started_at TEXT,
    duration_s REAL NOT NULL,
    speech_s REAL NOT NULL,
    rep_s REAL NOT NULL,
    talk_ratio REAL,
    longest_monologue_s REAL,
    longest_customer_story_s REAL,
    questions INTEGER NOT NULL,
    questions_per_hour REAL,
    switches INTEGER NOT NULL,
    interactivity REAL,
    patience_s REAL,
    unknown_speakers INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, meeting_crm_id)
);

CREATE TABLE coaching_rep_metrics (
    run_id INTEGER NOT NULL REFERENCES coaching_runs(id) ON DELETE CASCADE,
    rep_crm_id TEXT NOT NULL,
    rep_name TEXT,
    calls INTEGER NOT NULL,
    hours REAL NOT NULL,
    talk_ratio REAL,
    longest_monologue_s REAL,
    questions_per_hour REAL,
    interactivity REAL,
    patience_s REAL,
    win_rate REAL,
    closed_deals INTEGER NOT NULL DEFAULT 0,
    top_performer INTEGER NOT NULL DEFAULT 0,
    flags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, rep_crm_id)
);

CREATE TABLE trackers (
    key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    category TEXT NOT NULL,
    phrases TEXT NOT NULL DEFAULT '[]',
    variants TEXT NOT NULL DEFAULT '[]',
    exclusions TEXT NOT NULL DEFAULT '[]',
    side TEXT NOT NULL DEFAULT 'any' CHECK (side IN ('any', 'rep', 'customer')),
    alert_to TEXT NOT NULL DEFAULT '[]',
    is_active INTEGER NOT NULL DEFAULT 1,
    position INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

CREATE TABLE tracker_hits (
    tracker_key TEXT NOT NULL,
    meeting_crm_id TEXT NOT NULL,
    turn_index INTEGER NOT NULL,
    phrase TEXT NOT NULL,
    PRIMARY KEY (tracker_key, meeting_crm_id, turn_index, phrase)
);
CREATE INDEX tracker_hits_meeting ON tracker_hits(meeting_crm_id);

CREATE TABLE tracker_reviews (
    tracker_key TEXT NOT NULL,
    meeting_crm_id TEXT NOT NULL,
    turn_index INTEGER NOT NULL,
    phrase TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('relevant', 'noise')),
    reviewer TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (tracker_key, meeting_crm_id, turn_index, phrase)
);

CREATE TABLE scorecard_rubrics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    methodology TEXT NOT NULL,
    scale_min INTEGER NOT NULL DEFAULT 1,
    scale_max INTEGER NOT NULL DEFAULT 5,
    created_at TEXT NOT NULL
);

CREATE TABLE scorecard_criteria (
    rubric_id INTEGER NOT NULL REFERENCES scorecard_rubrics(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    weight REAL NOT NULL CHECK (weight > 0),
    guidance TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,
    PRIMARY KEY (rubric_id, key)
);

CREATE TABLE call_scores (
    rubric_id INTEGER NOT NULL REFERENCES scorecard_rubrics(id) ON DELETE CASCADE,
    meeting_crm_id TEXT NOT NULL,
    manager TEXT NOT NULL,
    criterion_key TEXT NOT NULL,
    score REAL NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    scored_at TEXT NOT NULL,
    PRIMARY KEY (rubric_id, meeting_crm_id, manager, criterion_key)
);

CREATE TABLE call_match_reviews (
    meeting_crm_id TEXT PRIMARY KEY,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'incorrect')),
    account_crm_id TEXT,
    opportunity_crm_id TEXT,
    note TEXT NOT NULL DEFAULT '',
    reviewed_at TEXT NOT NULL
);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Create the coaching tables (runs inside the migration's transaction)."""
    for statement in _statements(COACHING_SQL):
        conn.execute(statement)
