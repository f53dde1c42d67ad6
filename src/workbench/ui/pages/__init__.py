"""The page registry: which pages the sidebar shows, in order, and how each is built.

Adding a page is adding its module (``workbench/ui/pages/<module>.py`` with a class
``Page(BasePage)``), a loader below that imports it, and its entry. Pages are imported
when first shown (the first window stays fast); a page that fails to build shows its
error in its place instead of taking the window down. See
``src/workbench/ui/README-pages.md``.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from workbench.ui.context import PageContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageEntry:
    """One sidebar entry: registry key, title, summary and the loader of its class."""

    key: str
    title: str
    summary: str
    load: Callable[[], type[QWidget]]


def _overview() -> type[QWidget]:
    from workbench.ui.pages.overview import Page

    return Page


def _phases() -> type[QWidget]:
    from workbench.ui.pages.phases import Page

    return Page


def _data() -> type[QWidget]:
    from workbench.ui.pages.data import Page

    return Page


def _audits() -> type[QWidget]:
    from workbench.ui.pages.audits import Page

    return Page


def _scoring() -> type[QWidget]:
    from workbench.ui.pages.scoring import Page

    return Page


def _coaching() -> type[QWidget]:
    from workbench.ui.pages.coaching import Page

    return Page


def _evaluation() -> type[QWidget]:
    from workbench.ui.pages.evaluation import Page

    return Page


def _deliverables() -> type[QWidget]:
    from workbench.ui.pages.deliverables import Page

    return Page


PAGES: tuple[PageEntry, ...] = (
    PageEntry(
        "overview",
        "Overview",
        "The engagement at a glance: phase, open findings, next steps.",
        _overview,
    ),
    PageEntry(
        "phases", "Phases", "Phase checklists 1a-4d, gates, meetings and reminders.", _phases
    ),
    PageEntry(
        "data",
        "Data",
        "Import CRM exports, review the import history and browse every record.",
        _data,
    ),
    PageEntry(
        "audits",
        "Audits",
        "CRM hygiene, capture gaps and baselines, with findings to confirm.",
        _audits,
    ),
    PageEntry(
        "scoring",
        "Scoring",
        "Deal risk signals calibrated on the customer's won and lost deals.",
        _scoring,
    ),
    PageEntry(
        "coaching",
        "Coaching",
        "Call transcripts, talk metrics per rep, trackers and scorecards.",
        _coaching,
    ),
    PageEntry(
        "evaluation",
        "Evaluation",
        "The platform evaluation matrix, weights, TCO and sensitivity.",
        _evaluation,
    ),
    PageEntry(
        "deliverables",
        "Deliverables",
        "The customer-ready Word and Excel documentation package.",
        _deliverables,
    ),
)


def entry(key: str) -> PageEntry:
    """The registry entry for ``key`` (raises KeyError for an unknown page)."""
    for item in PAGES:
        if item.key == key:
            return item
    raise KeyError(key)


def create_page(item: PageEntry, context: PageContext) -> QWidget:
    """Build the page for ``item``; a page that fails to import or build shows why."""
    from workbench.ui.pages.base import PlaceholderPage

    try:
        return item.load()(context)
    except Exception as exc:  # a broken page must not take the window down
        log.warning("page %s failed to build:\n%s", item.key, traceback.format_exc())
        return PlaceholderPage(
            context, item, error=f"This page could not be shown: {type(exc).__name__}: {exc}"
        )
