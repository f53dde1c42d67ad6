"""Schema of the live pulls (migration 12; see models/schema.py for the order).

A connection names one CRM sign-in of this engagement (Salesforce or HubSpot) by
everything except its secrets: passwords, security tokens, session ids and private
app tokens live in the OS keyring under the connection's ``keyring_key``, never here.
"""

from __future__ import annotations

import sqlite3

PULLS_SQL = """
CREATE TABLE connections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    crm TEXT NOT NULL CHECK (crm IN ('salesforce', 'hubspot')),
    auth TEXT NOT NULL CHECK (auth IN ('password', 'jwt', 'session', 'token')),
    username TEXT,
    domain TEXT,
    instance_url TEXT,
    base_url TEXT,
    consumer_key TEXT,
    key_file TEXT,
    keyring_key TEXT NOT NULL UNIQUE,
    mapping TEXT NOT NULL DEFAULT '{}',  -- per object: {Workbench field: CRM field}
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One committed pull (a pull that failed or was cancelled leaves no row).
CREATE TABLE pulls (
    id INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections(id),
    mode TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    api_used INTEGER,
    api_allowance INTEGER
);

-- What one pull brought of one CRM object: rows received against the count the
-- CRM reported, the import that landed them, and the high-water mark it reached.
CREATE TABLE pull_objects (
    id INTEGER PRIMARY KEY,
    pull_id INTEGER NOT NULL REFERENCES pulls(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    entity TEXT,
    import_id INTEGER REFERENCES imports(id),
    method TEXT NOT NULL,
    rows_pulled INTEGER NOT NULL,
    rows_reported INTEGER,
    since TEXT,
    watermark TEXT,
    custom_fields TEXT NOT NULL DEFAULT '[]'
);

-- Last successful pull per connection and object: incremental pulls start here.
CREATE TABLE pull_state (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    object TEXT NOT NULL,
    watermark TEXT,
    last_pull_id INTEGER REFERENCES pulls(id),
    last_pulled_at TEXT NOT NULL,
    PRIMARY KEY (connection_id, object)
);

-- Every tracked change of every field (Salesforce OpportunityFieldHistory, HubSpot
-- property history): the value of any field, MEDDIC and next step included, as of
-- any moment before close.
CREATE TABLE field_history (
    id INTEGER PRIMARY KEY,
    crm_id TEXT NOT NULL UNIQUE,
    object TEXT NOT NULL,
    record_crm_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    changed_at TEXT NOT NULL,
    changed_by_crm_id TEXT,
    import_id INTEGER
);
CREATE INDEX field_history_record ON field_history (record_crm_id, field, changed_at);

-- CRM reference objects with no table of their own (record types, currencies and
-- dated conversion rates, forecasting quotas), kept as the CRM gave them.
CREATE TABLE crm_objects (
    id INTEGER PRIMARY KEY,
    object TEXT NOT NULL,
    crm_id TEXT NOT NULL,
    data TEXT NOT NULL,
    pull_id INTEGER,
    UNIQUE (object, crm_id)
);
"""


def migrate(conn: sqlite3.Connection) -> None:
    """Create the tables of the live pulls (inside the migration's transaction)."""
    for statement in PULLS_SQL.split(";"):
        if statement.strip():
            conn.execute(statement)
