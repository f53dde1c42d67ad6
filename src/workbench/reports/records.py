"""The record types every document builder shares: sections, missing inputs.

A leaf module (no imports from the rest of ``reports``) so the section helpers,
the document modules and the package builder import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Missing:
    """Why a section cannot be filled yet and what the consultant does about it."""

    what: str
    how: str



class NotAvailable(Exception):  # noqa: N818 - reads as the state of a document
    """A whole file cannot be produced yet (e.g. the evaluation has not been run)."""


@dataclass
class Section:
    """A titled block of a data-driven document: text, a table and/or a chart."""

    title: str
    level: int = 1
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    numeric: list[int] | None = None
    widths: list[float] | None = None
    caption: str = ""
    figure: Any = None
    assumed: list[bool] | None = None
    bullets: list[str] = field(default_factory=list)
    figure_width: float = 6.2


@dataclass
class Capture:
    summary: str
    headers: list[str]
    rows: list[list[object]]
    numeric: list[int] | None = None
    widths: list[float] | None = None
    figure: Any = None


@dataclass
class SectionedResult:
    sections: list[Section]
    missing: list[Missing] = field(default_factory=list)
    red_flags: list[Missing] = field(default_factory=list)  # what, and what it means
