"""Schema for real customer CRMs (migration 9; see models/schema.py for the order):
conversion rates, quotas, the opportunity record type and users' time zones."""

from __future__ import annotations

import sqlite3


def migrate(conn: sqlite3.Connection) -> None:
    """Dated currency conversion rates (Salesforce DatedConversionRate / CurrencyType
    exports, or a sheet the consultant fills). ``rate`` follows Salesforce: units of
    ``iso_code`` that one unit of the corporate currency buys; a rate applies from
    ``start_date`` (blank: always) up to the day before ``next_start_date`` (blank:
    open-ended)."""
    conn.execute(
        """
        CREATE TABLE currency_rates (
            id INTEGER PRIMARY KEY,
            crm_id TEXT NOT NULL UNIQUE,
            iso_code TEXT NOT NULL,
            rate REAL NOT NULL,
            start_date TEXT,
            next_start_date TEXT,
            import_id INTEGER
        )
        """
    )
    conn.execute("CREATE INDEX currency_rates_code ON currency_rates(iso_code, start_date)")
    # Quotas per rep and period (a fiscal quarter label such as FY2026-Q1, or a month
    # 2026-01 that rolls up into its quarter), in ``currency`` (blank: the engagement's).
    conn.execute(
        """
        CREATE TABLE quotas (
            id INTEGER PRIMARY KEY,
            crm_id TEXT NOT NULL UNIQUE,
            owner_crm_id TEXT NOT NULL,
            period TEXT NOT NULL,
            amount REAL NOT NULL,
            currency TEXT,
            import_id INTEGER
        )
        """
    )
    conn.execute("CREATE INDEX quotas_owner ON quotas(owner_crm_id, period)")
    # Record type (Salesforce RecordType: new business, renewal... processes).
    conn.execute("ALTER TABLE opportunities ADD COLUMN record_type TEXT")
    # A user's time zone (IANA name, Salesforce TimeZoneSidKey): "the same day" of a
    # meeting and a CRM activity is the owner's local day.
    conn.execute("ALTER TABLE users ADD COLUMN time_zone TEXT")
