"""The page registry: which pages the sidebar shows, in order, and where they live.

Adding a page is adding one file: ``workbench/ui/pages/<module>.py`` with a class
``Page(BasePage)``. Its entry below already exists; until the module exists (or if
it fails to import) the window shows a placeholder naming the issue it arrives with.
See ``src/workbench/ui/README-pages.md``.
"""

from __future__ import annotations

import importlib
import logging
import traceback
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from workbench.ui.context import PageContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageEntry:
    """One sidebar entry: registry key, title, module under ``workbench.ui.pages``."""

    key: str
    title: str
    module: str
    issue: int
    summary: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry(
        "overview",
        "Overview",
        "overview",
        9,
        "The engagement at a glance: phase, open findings, next steps.",
    ),
    PageEntry(
        "phases", "Phases", "phases", 9, "Phase checklists 1a-4d, gates, meetings and reminders."
    ),
    PageEntry(
        "data",
        "Data",
        "data",
        3,
        "Import CRM exports, review the import history and browse every record.",
    ),
    PageEntry(
        "audits",
        "Audits",
        "audits",
        4,
        "CRM hygiene, capture gaps and baselines, with findings to confirm.",
    ),
    PageEntry(
        "scoring",
        "Scoring",
        "scoring",
        5,
        "Deal risk signals calibrated on the customer's won and lost deals.",
    ),
    PageEntry(
        "coaching",
        "Coaching",
        "coaching",
        14,
        "Call transcripts, talk metrics per rep, trackers and scorecards.",
    ),
    PageEntry(
        "evaluation",
        "Evaluation",
        "evaluation",
        6,
        "The platform evaluation matrix, weights, TCO and sensitivity.",
    ),
    PageEntry(
        "deliverables",
        "Deliverables",
        "deliverables",
        8,
        "The customer-ready Word and Excel documentation package.",
    ),
)


def entry(key: str) -> PageEntry:
    """The registry entry for ``key`` (raises KeyError for an unknown page)."""
    for item in PAGES:
        if item.key == key:
            return item
    raise KeyError(key)


def module_name(item: PageEntry) -> str:
    return f"{__name__}.{item.module}"


def page_class(item: PageEntry) -> type[QWidget] | None:
    """The page's ``Page`` class, or None when its module is not there yet."""
    try:
        module = importlib.import_module(module_name(item))
    except ModuleNotFoundError as exc:
        if exc.name != module_name(item):
            log.warning("page %s failed to import:\n%s", item.key, traceback.format_exc())
        return None
    except Exception:  # a broken page must not take the window down
        log.warning("page %s failed to import:\n%s", item.key, traceback.format_exc())
        return None
    return getattr(module, "Page", None)


def create_page(item: PageEntry, context: PageContext) -> QWidget:
    """Build the page for ``item``, or the placeholder when it does not exist yet."""
    from workbench.ui.pages.base import PlaceholderPage

    cls = page_class(item)
    if cls is None:
        return PlaceholderPage(context, item)
    try:
        return cls(context)
    except Exception as exc:  # a page that fails to build must not break the window
        log.warning("page %s failed to build:\n%s", item.key, traceback.format_exc())
        return PlaceholderPage(
            context, item, error=f"This page could not be shown: {type(exc).__name__}: {exc}"
        )
