"""Shared helpers for the demo generator: seeded streams, Salesforce ids, dates, inserts."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# Key prefixes Salesforce uses for each object.
PREFIX = {
    "user": "005",
    "account": "001",
    "contact": "003",
    "opportunity": "006",
    "history": "008",
    "contact_role": "00K",
    "task": "00T",
    "event": "00U",
}


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream per part of the data (string seeds hash stably).

    Separate streams keep one part's output unchanged when another part draws more
    numbers, and ``random.Random`` seeded with a str does not depend on PYTHONHASHSEED.
    """
    return random.Random(f"{seed}:{name}")


def sf_id(prefix: str, number: int, pod: str = "5g") -> str:
    """An 18-character Salesforce id: 15-char id plus its case-safety checksum."""
    digits = []
    n = number
    for _ in range(10):
        n, r = divmod(n, 62)
        digits.append(_BASE62[r])
    short = prefix + pod + "".join(reversed(digits))
    return short + checksum(short)


def checksum(short_id: str) -> str:
    """The 3-character suffix that turns a 15-char Salesforce id into the 18-char form."""
    suffix = ""
    for chunk in range(3):
        bits = 0
        for i, ch in enumerate(short_id[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        suffix += _CHECKSUM_ALPHABET[bits]
    return suffix


def moment(day: date, rng: random.Random, start_hour: int = 8, end_hour: int = 18) -> str:
    """An ISO moment (UTC, second precision) on ``day`` during office hours."""
    seconds = rng.randrange(start_hour * 3600, end_hour * 3600)
    return (datetime.combine(day, time()) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )


def weekday_on_or_before(day: date) -> date:
    """Move a Saturday or Sunday back to the Friday before (sales work happens on weekdays)."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def weighted(rng: random.Random, pairs: Sequence[tuple[object, float]]) -> object:
    """Pick one value from ``(value, weight)`` pairs."""
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return rng.choices(values, weights=weights, k=1)[0]


def insert(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[tuple]
) -> int:
    """executemany one batch of rows into ``table``; return how many were written."""
    rows = list(rows)
    if rows:
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return len(rows)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
