"""What a pull fetched before anything is written: one temporary CSV per CRM object.

A pull first downloads every object into a temporary folder (bounded memory: pages
are appended to the files as they arrive); only when every object is complete and
its row count checked does ``land`` write them into the engagement, in one
transaction. A network failure or a cancel during the download therefore cannot
leave anything half-stored.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError


class PullError(WorkbenchError):
    """A pull could not complete; nothing of it was stored."""


@dataclass
class FetchedObject:
    """One CRM object, downloaded into ``path`` (CSV with the CRM's field names)."""

    object: str  # CRM object name: Opportunity, deals...
    entity: str | None  # Workbench entity, 'field_history', 'crm_objects' or None
    path: Path
    columns: list[str]
    rows: int = 0
    reported: int | None = None  # the count the CRM reported for the same query
    method: str = "rest"
    since: str | None = None
    watermark: str | None = None
    custom_fields: list[dict] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # field -> column overrides
    notes: list[str] = field(default_factory=list)
    also_field_history: bool = False  # a history download that also fills the field history


def cell(value: object) -> str:
    """A JSON value as CSV text the import's value parsers read back exactly."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvSink:
    """Appends records (dicts) to a CSV file with a fixed header."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = list(columns)
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow(self.columns)
        self.rows = 0

    def write(self, record: dict) -> None:
        self._writer.writerow([cell(record.get(c)) for c in self.columns])
        self.rows += 1

    def write_csv_page(self, text_path: Path) -> int:
        """Append the rows of a CSV page (its own header first) in this file's column order."""
        n = 0
        with text_path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                return 0
            pos = [header.index(c) if c in header else None for c in self.columns]
            for row in reader:
                if not row:
                    continue
                self._writer.writerow(["" if p is None else row[p] for p in pos])
                n += 1
        self.rows += n
        return n

    def close(self) -> None:
        self._fh.close()


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (and its first half, in case it was cut) blanked out."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "•••")
        if len(secret) >= 16:
            text = text.replace(secret[: len(secret) // 2], "•••")
    return text


def network_message(crm: str, host: str, exc: Exception) -> str:
    """A plain sentence for a failure of the network itself (requests' exceptions)."""
    import requests

    if isinstance(exc, requests.exceptions.SSLError):
        return (
            f"The secure connection to {crm} at {host} could not be verified (certificate "
            "problem). If your company inspects HTTPS traffic, point REQUESTS_CA_BUNDLE at its "
            "certificate bundle. Nothing was changed."
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{crm} at {host} did not answer in time. Try again later; nothing was changed."
    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or "reset" in str(exc).lower():
        return (
            f"The connection to {crm} at {host} was cut off in the middle of a reply. Try "
            "again; nothing was changed and the next pull starts from the beginning."
        )
    return (
        f"Could not reach {crm} at {host}: check the network connection (or proxy) and try "
        "again. Nothing was changed."
    )
