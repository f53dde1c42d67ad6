"""The Phases page edits checklists, intake, definitions, criteria and meetings, with undo."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

import workbench.lifecycle as lc
from workbench.ui import asof
from workbench.ui.pages.phases import Page

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _page(qtbot, context) -> Page:
    page = Page(context)
    qtbot.addWidget(page)
    page.show()
    return page


def _select_checklist(page: Page, key: str) -> None:
    tree = page.checklist
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        for j in range(group.childCount()):
            if group.child(j).data(0, Qt.ItemDataRole.UserRole) == key:
                tree.setCurrentItem(group.child(j))
                return
    raise AssertionError(key)


def _select_row(table, key: str) -> None:
    for r in range(table.rowCount()):
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(r)
            return
    raise AssertionError(key)


def _status(eng, key: str) -> str:
    return next(i for i in lc.checklist(eng) if i.key == key).status


def _wait(qtbot, context, action) -> None:
    with qtbot.waitSignal(context.runner.finished, timeout=20000) as done:
        action()
    return done.args[0]


def test_checklist_edit_then_undo_and_redo_with_the_page_buttons(qtbot, page_context):
    eng = page_context.engagement
    page = _page(qtbot, page_context)
    assert page.undo_button.text() == "Undo" and not page.undo_button.isEnabled()
    _select_checklist(page, "1b")
    assert page.check_title.text() == "1b Kickoff call held"
    page.check_status.setCurrentText("Done")
    page.check_owner.setText("Alex Morgan")
    outcome = _wait(qtbot, page_context, page.check_save.click)
    assert outcome.ok
    item = next(i for i in lc.checklist(eng) if i.key == "1b")
    assert (item.status, item.owner) == ("done", "Alex Morgan")
    assert page.undo_button.text() == 'Undo Mark "Kickoff call held" done'
    assert page.undo_button.isEnabled()

    # (Ctrl+Z and Ctrl+Shift+Z are the main window's Edit menu: tests/ui/test_edit_menu.py)
    _wait(qtbot, page_context, page.undo_button.click)
    assert _status(eng, "1b") == "todo"
    assert page.redo_button.text() == 'Redo Mark "Kickoff call held" done'
    page.refresh()
    _wait(qtbot, page_context, page.redo_button.click)
    assert _status(eng, "1b") == "done"
    # The day it was ticked done reads in words in the list ("3 Dec 2026").
    page.refresh()
    _select_checklist(page, "1b")
    done_on = next(i for i in lc.checklist(eng) if i.key == "1b").done_date
    assert page.checklist.currentItem().text(4) == asof.day(done_on) != ""
    assert not ISO_DAY.search(page.checklist.currentItem().text(4))


def test_bad_due_date_is_refused_with_a_plain_message(qtbot, page_context, messages):
    page = _page(qtbot, page_context)
    _select_checklist(page, "1c")
    page.check_due.setText("next friday")
    outcome = _wait(qtbot, page_context, page.check_save.click)
    assert not outcome.ok
    assert messages == [
        "The due date 'next friday' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-20."
    ]
    assert next(i for i in lc.checklist(page_context.engagement) if i.key == "1c").due_date is None
    assert not lc.stack_for(page_context.engagement).can_undo


def test_intake_definition_and_criterion_forms(qtbot, page_context):
    eng = page_context.engagement
    page = _page(qtbot, page_context)
    page.tabs.setCurrentIndex(1)
    _select_row(page.intake, "competitors")
    page.intake_value.setText("Kinemax, Tessellate Automation")
    page.intake_status.setCurrentText("CONFIRMED")
    _wait(qtbot, page_context, page.intake_save.click)
    assert lc.intake_value(eng, "competitors") == ["Kinemax", "Tessellate Automation"]
    page.intake.clearSelection()
    _select_row(page.intake, "competitors")
    assert page.intake_history.text().endswith("edited CONFIRMED")
    # When it was edited, at local time as the page's as-of line says a moment.
    edited = lc.item_history(eng, "intake", "competitors")[-1]
    assert page.intake_history.text() == f"History: {asof.moment(edited.at)} edited CONFIRMED"

    _select_row(page.definitions, "deal_risk_score")
    page.def_approved.setChecked(True)
    page.def_approver.setText("Dana Lee (CRO)")
    _wait(qtbot, page_context, page.def_save.click)
    d = next(d for d in lc.definitions(eng) if d.key == "deal_risk_score")
    assert (d.approved, d.approver, d.status) == (True, "Dana Lee (CRO)", "CONFIRMED")

    _select_row(page.criteria, "win_rate")
    page.crit_baseline.setText("21")
    page.crit_target.setText("25")
    _wait(qtbot, page_context, page.crit_save.click)
    c = next(c for c in lc.criteria(eng) if c.key == "win_rate")
    assert (c.baseline, c.target, c.current, c.baseline_source) == (21.0, 25.0, None, "entered")
    assert page.undo_button.text() == 'Undo Set success criterion "Win rate"'


def test_recording_a_meeting_confirms_and_corrects(qtbot, page_context):
    eng = page_context.engagement
    lc.set_intake(eng, "crm", "Salesforce")
    page = _page(qtbot, page_context)
    page.meet_kind.setCurrentText("Kickoff")
    page.meet_date.setText("2026-11-20")
    page.meet_title.setText("Kickoff")
    page.meet_attendees.setText("Dana Lee (CRO), Sam Ortiz (RevOps)")
    page.tick("intake:crm")
    page.pick_correction("intake:team_sizes")
    page.fix_value.setText("reps=52, managers=6")
    page.fix_add.click()
    _wait(qtbot, page_context, page.meet_save.click)
    meeting = lc.meetings(eng)[-1]
    assert meeting.attendees == ["Dana Lee (CRO)", "Sam Ortiz (RevOps)"]
    assert lc.intake_value(eng, "team_sizes") == {"reps": 52, "managers": 6}
    assert page.meetings.item(0, 4).text() == "1" and page.meetings.item(0, 5).text() == "1"
    assert page.meetings.item(0, 0).text() == "20 Nov 2026"  # typed 2026-11-20


def test_hypercare_tab_on_the_demo(qtbot, demo_context):
    page = _page(qtbot, demo_context)
    page.tabs.setCurrentIndex(5)
    assert page.decision.text().startswith("Suggested: extend hypercare (go-live ")
    go_live = lc.adoption_report(demo_context.engagement).start
    assert go_live == "2026-10-05"  # the demo's go-live
    assert page.decision.text() == "Suggested: extend hypercare (go-live 5 Oct 2026)"
    # Every date on the tab reads as the page's as-of line: "11 Jan 2027", never ISO.
    cells = [
        page.triggers.item(r, c).text()
        for r in range(page.triggers.rowCount())
        for c in range(page.triggers.columnCount())
    ]
    for text in [page.decision.text(), page.reasons.text(), page.reminders.text(), *cells]:
        assert not ISO_DAY.search(text), text
    assert page.reminders.text().startswith("Reminders: ")
    assert page.adoption.rowCount() == 4
    assert page.adoption.columnCount() > 2
    states = {
        page.triggers.item(r, 0).text(): page.triggers.item(r, 1).text()
        for r in range(page.triggers.rowCount())
    }
    assert states["Recording coverage dropping"] == "triggered"
    assert page.maintenance.text().startswith("Maintenance: Architect owns it")


def test_read_only_engagement_disables_every_change(qtbot, make_engagement):
    from workbench.models import Engagement
    from workbench.ui.context import PageContext
    from workbench.ui.tasks import TaskRunner

    eng = Engagement.open(make_engagement("Ro Corp"), read_only=True)
    runner = TaskRunner()
    runner.engagement = eng
    try:
        page = _page(qtbot, PageContext(eng, runner))
        assert page.checklist.topLevelItemCount() == 16  # read from the catalog, not written
        assert not page.check_save.isEnabled() and not page.meet_save.isEnabled()
        assert not page.undo_button.isEnabled()
    finally:
        runner.shutdown()
        eng.close()


def _editors(page: Page) -> dict[str, list]:
    return page._editors


def test_with_nothing_selected_no_editor_can_be_used(qtbot, page_context):
    page = _page(qtbot, page_context)
    for name, widgets in _editors(page).items():
        assert [w for w in widgets if w.isEnabled()] == [], name
    assert page.check_title.text() == "Select an item."
    _select_checklist(page, "1b")
    assert all(w.isEnabled() for w in _editors(page)["checklist"])
    page.checklist.setCurrentItem(None)
    page.checklist.clearSelection()
    page._checklist_selected()
    assert not page.check_save.isEnabled() and not page.check_done.isEnabled()
    assert page.check_owner.text() == ""
    _select_row(page.intake, "crm")
    assert all(w.isEnabled() for w in _editors(page)["intake"])


def test_statuses_and_meeting_kinds_read_in_words(qtbot, page_context):
    page = _page(qtbot, page_context)
    statuses = [page.check_status.itemText(i) for i in range(page.check_status.count())]
    assert statuses == ["To do", "In progress", "Done", "Not applicable"]
    group = page.checklist.topLevelItem(0)
    shown = {group.child(j).text(1) for j in range(group.childCount())}
    assert "todo" not in shown and "To do" in shown
    assert page.meet_kind.itemText(page.meet_kind.findData("vendor-demo")) == "Vendor demo"


def test_a_group_counts_conditions_the_data_shows_as_met(qtbot, page_context):
    """1d's count agrees with its gate: a met data condition counts as done."""
    eng = page_context.engagement
    page = _page(qtbot, page_context)
    items = lc.checklist(eng)
    computed = {c.key: c.met for g in lc.gates(eng) for c in g.conditions if c.computed}
    tree = page.checklist
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        sub = group.text(0).split()[0]
        mine = [x for x in items if x.subphase == sub]
        done = sum(computed.get(x.key, x.status in ("done", "n-a")) for x in mine)
        assert group.text(1) == f"{done}/{len(mine)}"


def test_meetings_confirm_inputs_ticked_in_a_list(qtbot, page_context):
    eng = page_context.engagement
    page = _page(qtbot, page_context)
    refs = [page.meet_confirm.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(page.meet_confirm.count())]  # fmt: skip
    assert "intake:crm" in refs
    assert all(r.split(":")[0] in ("finding", "intake", "definition") for r in refs)
    crm = next(i for i in lc.intake(eng) if i.key == "crm")
    assert page.meet_confirm.item(refs.index("intake:crm")).text() == f"Intake: {crm.label}"
    assert page.confirmed_refs() == []
    page.tick("intake:crm")
    assert page.confirmed_refs() == ["intake:crm"]


def test_corrections_are_picked_from_a_list_and_typed_in_a_field_that_opens_on_the_value(
    qtbot, page_context, messages
):
    from PySide6.QtCore import Qt

    eng = page_context.engagement
    lc.set_intake(eng, "crm", "Salesforce")
    page = _page(qtbot, page_context)
    assert not hasattr(page, "meet_correct")  # no TYPE:KEY=VALUE box any more
    # nothing picked: nothing to type, nothing to add
    page.fix_items.setCurrentRow(-1)
    assert not page.fix_value.isEnabled() and not page.fix_add.isEnabled()
    refs = [page.fix_items.item(i).data(Qt.ItemDataRole.UserRole).ref
            for i in range(page.fix_items.count())]  # fmt: skip
    assert "intake:crm" in refs and "criterion:win_rate.target" in refs
    assert not any("=" in page.fix_items.item(i).text().split("(now")[0]
                   for i in range(page.fix_items.count()))  # fmt: skip

    # an item with choices is corrected with a choice box that opens on its value
    page.pick_correction("intake:crm")
    assert not page.fix_choice.isHidden() and page.fix_value.isHidden()  # (tab not shown)
    assert page.fix_choice.currentText() == "Salesforce"
    page.fix_choice.setCurrentText("HubSpot")
    page.fix_add.click()
    # a success criterion takes a number: letters are refused by the field
    page.pick_correction("criterion:win_rate.target")
    page.fix_value.clear()
    qtbot.keyClicks(page.fix_value, "abc")
    assert page.fix_value.text() == ""
    qtbot.keyClicks(page.fix_value, "27.5")
    page.fix_add.click()
    # an empty value is refused with a message, nothing added
    page.pick_correction("intake:team_sizes")
    page.fix_value.clear()
    page.fix_add.click()
    assert messages and "Type the right value for Intake: " in messages[-1]
    assert page.corrections() == [("intake:crm", "HubSpot"), ("criterion:win_rate.target", "27.5")]
    # picking the same item again replaces its value; Remove drops the selected one
    page.pick_correction("intake:crm")
    page.fix_choice.setCurrentText("other")
    page.fix_add.click()
    assert page.corrections()[-1] == ("intake:crm", "other")
    page.meet_corrections.setCurrentRow(0)  # the criterion
    page.remove_correction()
    page.pick_correction("intake:team_sizes")
    assert not page.fix_value.isHidden() and page.fix_value.isEnabled()
    page.fix_value.setText("reps=52, managers=6")
    page.fix_add.click()
    assert [tuple(c) for c in page.corrections()] == [
        ("intake:crm", "other"), ("intake:team_sizes", "reps=52, managers=6")
    ]

    page.meet_date.setText("2026-11-20")
    page.meet_title.setText("Alignment")
    _wait(qtbot, page_context, page.meet_save.click)
    assert lc.intake_value(eng, "crm") == "other", messages
    assert lc.intake_value(eng, "team_sizes") == {"reps": 52, "managers": 6}
    item = next(i for i in lc.intake(eng) if i.key == "crm")
    assert item.status == "CORRECTED"
    assert page.meet_corrections.count() == 0  # recorded once, not again
