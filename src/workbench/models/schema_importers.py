"""Schema of the importers capability (its migration; see models/schema.py for the order)."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Create or change the tables importers needs (runs inside the migration's transaction)."""
    # Deal pipeline stages (HubSpot's deal_pipeline_stage export; Salesforce OpportunityStage):
    # HubSpot deal exports name stages by internal id, and this table turns them into
    # the labels and closed/won flags the consultant knows.
    conn.execute(
        """
        CREATE TABLE pipeline_stages (
            id INTEGER PRIMARY KEY,
            crm_id TEXT NOT NULL UNIQUE,
            label TEXT,
            pipeline TEXT,
            probability REAL,
            is_closed INTEGER,
            is_won INTEGER,
            display_order INTEGER,
            import_id INTEGER
        )
        """
    )
