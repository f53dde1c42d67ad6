"""Migration 1: the engagement's metadata, the CRM entities, imports and findings.

Conventions every table follows (importers, audits and reports rely on them):

- ``crm_id`` is the record's id in the CRM exactly as given (Salesforce 15/18-char,
  HubSpot numeric as text) and is UNIQUE, so a re-import updates instead of
  duplicating. References to other records are ``<thing>_crm_id`` text columns, not
  foreign keys: exports arrive in any order and may reference records never exported.
- Dates are ISO text ``YYYY-MM-DD``; moments are ISO text ``YYYY-MM-DDTHH:MM:SS``
  in UTC; money is REAL in the record's ``currency``; booleans are INTEGER 0/1.
- ``extra`` is a JSON object with the columns of the export that have no column here
  (custom ``__c`` fields such as MEDDIC fields), keyed by their header.
- ``import_id`` says which import last wrote the row.
"""

from __future__ import annotations

import sqlite3

CORE_SQL = """
CREATE TABLE engagement (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    customer TEXT NOT NULL,
    project_kind TEXT NOT NULL CHECK (project_kind IN
        ('revenue-intelligence', 'conversation-intelligence')),
    engagement_type TEXT NOT NULL DEFAULT 'single-project' CHECK (engagement_type IN
        ('single-project', 'dedicated')),
    methodology TEXT NOT NULL DEFAULT 'MEDDIC',
    jurisdictions TEXT NOT NULL DEFAULT '[]',
    currency TEXT NOT NULL DEFAULT 'USD',
    fiscal_year_start_month INTEGER NOT NULL DEFAULT 1
        CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    date_order TEXT NOT NULL DEFAULT 'MDY' CHECK (date_order IN ('MDY', 'DMY', 'YMD')),
    consultancy TEXT NOT NULL DEFAULT '',
    consultant TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_kind TEXT NOT NULL DEFAULT 'file',
    sha256 TEXT,
    profile TEXT NOT NULL,
    mapping TEXT NOT NULL DEFAULT '{}',
    encoding TEXT,
    sheet TEXT,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_imported INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_skipped INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '[]',
    started_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE import_rejects (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row_number INTEGER NOT NULL,
    column_name TEXT,
    value TEXT,
    reason TEXT NOT NULL,
    raw TEXT
);
CREATE INDEX import_rejects_import ON import_rejects(import_id, row_number);

CREATE TABLE mappings (
    name TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    mapping TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    name TEXT,
    email TEXT,
    role TEXT,
    title TEXT,
    manager_crm_id TEXT,
    team TEXT,
    segment TEXT,
    is_active INTEGER,
    extra TEXT,
    import_id INTEGER
);
CREATE INDEX users_email ON users(email);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    name TEXT,
    website TEXT,
    domain TEXT,
    industry TEXT,
    country TEXT,
    segment TEXT,
    owner_crm_id TEXT,
    employees INTEGER,
    annual_revenue REAL,
    created_at TEXT,
    extra TEXT,
    import_id INTEGER
);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    account_crm_id TEXT,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    title TEXT,
    phone TEXT,
    owner_crm_id TEXT,
    created_at TEXT,
    extra TEXT,
    import_id INTEGER
);
CREATE INDEX contacts_account ON contacts(account_crm_id);
CREATE INDEX contacts_email ON contacts(email);

CREATE TABLE opportunities (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    name TEXT,
    account_crm_id TEXT,
    owner_crm_id TEXT,
    stage TEXT,
    amount REAL,
    currency TEXT,
    close_date TEXT,
    created_date TEXT,
    probability REAL,
    forecast_category TEXT,
    next_step TEXT,
    last_activity_date TEXT,
    is_closed INTEGER,
    is_won INTEGER,
    pipeline TEXT,
    type TEXT,
    lead_source TEXT,
    extra TEXT,
    import_id INTEGER
);
CREATE INDEX opportunities_account ON opportunities(account_crm_id);
CREATE INDEX opportunities_owner ON opportunities(owner_crm_id);
CREATE INDEX opportunities_close ON opportunities(close_date);

CREATE TABLE opportunity_contact_roles (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    opportunity_crm_id TEXT NOT NULL,
    contact_crm_id TEXT NOT NULL,
    role TEXT,
    is_primary INTEGER,
    import_id INTEGER
);
CREATE INDEX ocr_opportunity ON opportunity_contact_roles(opportunity_crm_id);

-- One row per change. Each row carries the values the change set; a NULL column
-- was not part of that change. The value of a field as of time t is the latest row
-- at or before t where that column is not NULL (this is what keeps scoring free
-- of leakage). Salesforce OpportunityHistory snapshots and field-history rows and
-- HubSpot property history all fit this shape.
CREATE TABLE opportunity_history (
    id INTEGER PRIMARY KEY,
    crm_id TEXT UNIQUE,
    opportunity_crm_id TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    stage TEXT,
    amount REAL,
    close_date TEXT,
    probability REAL,
    forecast_category TEXT,
    changed_by_crm_id TEXT,
    import_id INTEGER
);
CREATE INDEX opportunity_history_opp ON opportunity_history(opportunity_crm_id, changed_at);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('task', 'event', 'email', 'call', 'meeting', 'note', 'other')),
    subject TEXT,
    status TEXT,
    owner_crm_id TEXT,
    account_crm_id TEXT,
    opportunity_crm_id TEXT,
    contact_crm_id TEXT,
    activity_date TEXT,
    started_at TEXT,
    duration_min REAL,
    extra TEXT,
    import_id INTEGER
);
CREATE INDEX activities_opportunity ON activities(opportunity_crm_id, activity_date);
CREATE INDEX activities_account ON activities(account_crm_id);

-- Meetings and calls from the video platforms and the dialer (not the CRM's log of them).
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'meeting' CHECK (kind IN ('meeting', 'call')),
    channel TEXT NOT NULL,
    title TEXT,
    is_external INTEGER,
    started_at TEXT,
    duration_min REAL,
    is_recorded INTEGER,
    skip_reason TEXT,
    host_crm_id TEXT,
    host_email TEXT,
    account_crm_id TEXT,
    opportunity_crm_id TEXT,
    participant_emails TEXT,
    extra TEXT,
    import_id INTEGER
);
CREATE INDEX meetings_started ON meetings(started_at);
CREATE INDEX meetings_host ON meetings(host_crm_id);

CREATE TABLE forecast_submissions (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    owner_crm_id TEXT NOT NULL,
    category TEXT NOT NULL,
    amount REAL,
    submitted_at TEXT,
    manager_override_amount REAL,
    import_id INTEGER
);
CREATE INDEX forecast_owner_period ON forecast_submissions(owner_crm_id, period);

CREATE TABLE platform_usage (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    user_crm_id TEXT,
    user_email TEXT,
    day TEXT NOT NULL,
    logins INTEGER,
    calls_reviewed INTEGER,
    comments INTEGER,
    dashboard_views INTEGER,
    import_id INTEGER
);
CREATE INDEX platform_usage_day ON platform_usage(day);

CREATE TABLE transcript_turns (
    id INTEGER PRIMARY KEY,
    meeting_crm_id TEXT NOT NULL,
    turn_index INTEGER NOT NULL,
    speaker TEXT,
    speaker_email TEXT,
    is_internal INTEGER,
    start_s REAL,
    end_s REAL,
    text TEXT NOT NULL,
    import_id INTEGER,
    UNIQUE (meeting_crm_id, turn_index)
);

-- What the audits (and the consultant) found. ``key`` is stable across re-runs of
-- the same audit so status and history survive new data.
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    audit TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    affected_count INTEGER NOT NULL DEFAULT 0,
    affected_entity TEXT,
    affected_ids TEXT NOT NULL DEFAULT '[]',
    metric REAL,
    status TEXT NOT NULL DEFAULT 'ASSUMED' CHECK (status IN
        ('ASSUMED', 'CONFIRMED', 'CORRECTED', 'RESOLVED', 'DISMISSED')),
    status_note TEXT NOT NULL DEFAULT '',
    meeting_id INTEGER,
    is_current INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE TABLE finding_history (
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT,
    affected_count INTEGER,
    metric REAL,
    note TEXT NOT NULL DEFAULT '',
    meeting_id INTEGER
);
CREATE INDEX finding_history_finding ON finding_history(finding_id, at);

-- Small per-engagement settings (thresholds, required fields, options), JSON values.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# The entities a consultant imports, in the order an import wizard offers them.
ENTITY_TABLES: dict[str, str] = {
    "opportunities": "opportunities",
    "accounts": "accounts",
    "contacts": "contacts",
    "opportunity_contact_roles": "opportunity_contact_roles",
    "opportunity_history": "opportunity_history",
    "activities": "activities",
    "users": "users",
    "meetings": "meetings",
    "forecast_submissions": "forecast_submissions",
    "platform_usage": "platform_usage",
    "transcript_turns": "transcript_turns",
}


def create_core(conn: sqlite3.Connection) -> None:
    """Create the core tables (run inside the migration's transaction)."""
    for statement in _statements(CORE_SQL):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a DDL script into statements (no semicolons inside our literals)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
