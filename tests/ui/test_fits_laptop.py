"""Every page fits a 1366x768 laptop screen: no clipped text, no window wider than the screen.

The check (``workbench.ui.fit``) compares each visible text's width in its font with
the room its widget has: labels without word wrap, buttons, combo boxes and table
header sections. Each page is shown with every one of its tabs in turn, for both
project kinds.
"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QTabWidget

from workbench.models import Engagement
from workbench.ui import pages as registry
from workbench.ui.fit import clipped_texts, too_big

SCREEN = QSize(1366, 768)


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def _every_tab(page):
    """Yield once per combination worth looking at: each tab of each tab widget."""
    yield "main"
    for tabs in page.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        start = tabs.currentIndex()
        for index in range(tabs.count()):
            if not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            _settle()
            yield tabs.tabText(index)
        tabs.setCurrentIndex(start)


def page_problems(win) -> list[str]:
    problems: list[str] = []
    for item in registry.PAGES:
        page = win.show_page(item.key)
        _settle()
        for tab in _every_tab(page):
            where = f"{item.title} ({tab})"
            problems.extend(f"{where}: {p}" for p in clipped_texts(win))
            size = too_big(win, SCREEN)
            if size:
                problems.append(f"{where}: {size}")
    return sorted(set(problems))


@pytest.mark.parametrize("kind", ["revenue-intelligence", "conversation-intelligence"])
def test_every_page_fits_a_1366x768_screen(window, demo_file, tmp_path, kind, messages):
    copy = tmp_path / demo_file.name
    shutil.copy2(demo_file, copy)
    with Engagement.open(copy) as eng:
        eng.update_meta(project_kind=kind)
    window.resize(SCREEN)
    assert window.open_file(copy)
    _settle()
    problems = page_problems(window)
    assert problems == [], "\n".join(problems)
