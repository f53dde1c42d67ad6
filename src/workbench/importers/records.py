"""Records the importers hand to the command line and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reject:
    """A value (or row) that could not be imported: row as numbered in the file (1-based,
    header row included), the source column, the value as written, and why."""

    row: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class Detection:
    """What ``detect`` found out about a file before importing it."""

    source_name: str
    kind: str  # 'csv' | 'xlsx'
    encoding: str
    delimiter: str
    sheets: list[str]
    sheet: str | None
    header_row: int  # 0-based row of the header in the file or sheet
    columns: list[str]
    entity: str
    profile: str
    mapping: dict[str, str]  # target field -> source header
    unmapped_columns: list[str]
    preview_rows: list[list[str]]
    problems: list[str]
    date_order: str
    date_order_ambiguous: bool
    missing_required: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    """The outcome of one import (also stored in the ``imports`` table)."""

    import_id: int
    entity: str
    profile: str
    source_name: str
    sha256: str
    encoding: str
    sheet: str | None
    mapping: dict[str, str]
    rows_read: int = 0
    rows_imported: int = 0
    rows_updated: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportRecord:
    """One row of the import history."""

    import_id: int
    entity: str
    source_name: str
    source_kind: str
    sha256: str | None
    profile: str
    mapping: dict[str, str]
    encoding: str | None
    sheet: str | None
    rows_read: int
    rows_imported: int
    rows_updated: int
    rows_rejected: int
    rows_skipped: int
    notes: list[str]
    started_at: str
    finished_at: str | None


@dataclass
class SavedMapping:
    """A named custom mapping (in the engagement and/or the user's library)."""

    name: str
    entity: str
    mapping: dict[str, str]
    where: str  # 'engagement' | 'library' | 'both'
