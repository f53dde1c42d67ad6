"""The sidebar's pages load by plain imports, and a page that fails shows why."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QLabel

from workbench.ui.pages import PAGES, create_page
from workbench.ui.pages.base import BasePage, PlaceholderPage


def test_every_entry_loads_its_own_page_class() -> None:
    assert [p.key for p in PAGES] == [
        "overview", "phases", "data", "audits", "scoring", "coaching", "evaluation",
        "deliverables",
    ]  # fmt: skip
    for item in PAGES:
        cls = item.load()
        assert cls.__name__ == "Page" and issubclass(cls, BasePage)
        assert cls.__module__ == f"workbench.ui.pages.{item.key}"


def test_a_page_that_fails_to_build_says_so_and_the_window_goes_on(qtbot, page_context) -> None:
    def broken():
        raise RuntimeError("the chart library is missing")

    item = replace(PAGES[0], load=broken)
    page = create_page(item, page_context)
    qtbot.addWidget(page)
    assert isinstance(page, PlaceholderPage)
    texts = [label.text() for label in page.findChildren(QLabel)]
    assert "Overview could not be shown." in texts
    assert any("RuntimeError: the chart library is missing" in t for t in texts)
    assert not any("issue" in t for t in texts)
