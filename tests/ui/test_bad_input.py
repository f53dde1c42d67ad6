"""Bad input in the GUI: letters in numeric and date fields are refused in plain words,
nothing is half-saved, no "something unexpected" dialog with a traceback."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

import workbench.lifecycle as lc
from workbench.ui.pages.phases import Page as PhasesPage

UNEXPECTED = "Something unexpected went wrong"


def _page(qtbot, cls, context):
    page = cls(context)
    qtbot.addWidget(page)
    page.show()
    return page


def _wait(qtbot, context, action):
    with qtbot.waitSignal(context.runner.finished, timeout=20000) as done:
        action()
    return done.args[0]


def _select_row(table, key):
    for r in range(table.rowCount()):
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(r)
            return
    raise AssertionError(key)


def _first_checklist_item(page):
    group = page.checklist.topLevelItem(0)
    page.checklist.setCurrentItem(group.child(0))
    return group.child(0).data(0, Qt.ItemDataRole.UserRole)


@pytest.mark.parametrize("typed", ["soon", "2026-13-45", "x" * 10_000])
def test_letters_in_a_due_date_are_refused_and_nothing_changes(
    qtbot, page_context, messages, typed
):
    eng = page_context.engagement
    page = _page(qtbot, PhasesPage, page_context)
    key = _first_checklist_item(page)
    before = next(i for i in lc.checklist(eng) if i.key == key)
    page.check_due.setText(typed)
    page.check_owner.setText("Alex Morgan")
    outcome = _wait(qtbot, page_context, page.check_save.click)
    assert not outcome.ok
    assert len(messages) == 1 and UNEXPECTED not in messages[0]
    after = next(i for i in lc.checklist(eng) if i.key == key)
    assert (after.due_date, after.owner) == (before.due_date, before.owner)


def test_letters_in_a_criterion_target_are_refused_in_words(qtbot, page_context, messages):
    eng = page_context.engagement
    page = _page(qtbot, PhasesPage, page_context)
    page.tabs.setCurrentIndex(3)
    key = next(iter(page._criteria))
    _select_row(page.criteria, key)
    before = next(c for c in lc.criteria(eng) if c.key == key)
    page.crit_target.setText("a lot")
    outcome = _wait(qtbot, page_context, page.crit_save.click)
    assert not outcome.ok
    assert len(messages) == 1 and UNEXPECTED not in messages[0]
    assert next(c for c in lc.criteria(eng) if c.key == key).target == before.target


def test_letters_in_the_go_live_date_are_refused_in_words(qtbot, page_context, messages):
    page = _page(qtbot, PhasesPage, page_context)
    page.go_live.setText("next spring")
    outcome = _wait(qtbot, page_context, page.save_go_live)
    assert not outcome.ok
    assert len(messages) == 1 and UNEXPECTED not in messages[0]
