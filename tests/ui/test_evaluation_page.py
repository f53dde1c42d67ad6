"""The Evaluation page: start from a template, inline edits update totals live and are
saved, bad values are refused, TCO inputs, Excel export and import with confirmation."""

from __future__ import annotations

from openpyxl import load_workbook

from workbench.evaluation import load_matrix
from workbench.evaluation.demo_data import populate_demo
from workbench.ui.pages.evaluation import CONSENSUS, Page


def _page(qtbot, context) -> Page:
    page = Page(context)
    qtbot.addWidget(page)
    page.show()
    return page


def _wait(qtbot, context, action) -> None:
    with qtbot.waitSignal(context.runner.finished, timeout=60000) as done:
        action()
    assert done.args[0].ok, done.args[0].error


def _file_matrix(context):
    return load_matrix(context.engagement)


def test_starting_from_a_template_shows_the_seed_matrix(qtbot, page_context):
    page = _page(qtbot, page_context)
    assert page.empty.isVisible() and not page.tabs.isVisible()
    _wait(qtbot, page_context, lambda: page.start("conversation-intelligence"))
    qtbot.waitUntil(lambda: page.matrix is not None)
    t = page.table
    assert t.rowCount() == 7 + 3 and t.columnCount() == 2 + 4
    assert t.item(0, 0).text() == "CRM native integration" and t.item(0, 1).text() == "25"
    assert t.horizontalHeaderItem(2).text() == "Gong"
    assert page.evaluator_box.itemText(0) == CONSENSUS
    assert page.weights_label.text() == "Weights sum to 100%."


def test_inline_weight_and_score_edits_update_totals_live_and_are_saved(qtbot, page_context):
    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    # Weight: CRM 25 -> 30 makes the sum 105%: said at once, ranking withheld.
    _wait(qtbot, page_context, lambda: page.table.item(0, 1).setText("30"))
    qtbot.waitUntil(lambda: _file_matrix(page_context).criteria[0].weight == 30)
    assert "sum to 105%" in page.weights_label.text()
    assert page.table.item(9, 2).text() == "-"  # rank row withheld
    _wait(qtbot, page_context, lambda: page.table.item(0, 1).setText("25"))
    # Score as RevOps: Jiminny on CRM native integration -> 1; Jiminny's total drops
    page.evaluator_box.setCurrentText("RevOps")
    jiminny_col = 2 + 3
    old_total = float(page.table.item(7, jiminny_col).text())
    m = page.matrix
    revops = m.evaluators[0]
    old = m.score_of(revops.id, m.vendors[3].id, m.criteria[0].id).score
    n_scorers = len(
        [
            s
            for s in m.scores
            if s.vendor_id == m.vendors[3].id and s.criterion_id == m.criteria[0].id
        ]
    )
    _wait(qtbot, page_context, lambda: page.table.item(0, jiminny_col).setText("1"))
    expected = old_total - 0.25 * (old - 1) / n_scorers  # the mean moves by (old-1)/n
    assert float(page.table.item(7, jiminny_col).text()) == round(expected, 2)
    saved = _file_matrix(page_context)
    assert saved.score_of(revops.id, saved.vendors[3].id, saved.criteria[0].id).score == 1


def test_a_score_of_seven_is_refused_and_nothing_is_saved(qtbot, page_context, messages):
    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    page.evaluator_box.setCurrentText("Sales manager")
    before = [
        (s.evaluator_id, s.vendor_id, s.criterion_id, s.score)
        for s in _file_matrix(page_context).scores
    ]
    page.table.item(1, 2).setText("7")
    assert any("not a whole number from 1 to 5" in text for text in messages)
    after = [
        (s.evaluator_id, s.vendor_id, s.criterion_id, s.score)
        for s in _file_matrix(page_context).scores
    ]
    assert after == before
    assert page.table.item(1, 2).text() != "7"


def test_tco_inputs_recompute_tco_and_are_saved(qtbot, page_context):
    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    columns = page._tco_columns
    impl = columns.index("implementation")
    tco_col = len(columns)
    before = float(page.tco_table.item(0, tco_col).text().replace(",", ""))
    old_impl = float(page.tco_table.item(0, impl).text().replace(",", ""))
    _wait(
        qtbot, page_context, lambda: page.tco_table.item(0, impl).setText(f"{old_impl + 10000:.0f}")
    )
    qtbot.waitUntil(
        lambda: (
            page.tco_table.item(0, tco_col) is not None
            and float(page.tco_table.item(0, tco_col).text().replace(",", "")) == before + 10000
        )
    )
    saved = _file_matrix(page_context)
    assert saved.tco[saved.vendors[0].id].implementation == old_impl + 10000


def test_export_then_import_an_edited_copy_applies_after_confirmation(
    qtbot, page_context, tmp_path, messages, monkeypatch
):
    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    path = tmp_path / "eval.xlsx"
    _wait(qtbot, page_context, lambda: page.export_to(str(path)))
    assert any("Exported" in text for text in messages)
    wb = load_workbook(path)
    wb["Matrix"]["B5"] = 0.30
    wb["Matrix"]["B6"] = 0.15
    wb.save(path)
    shown = []
    monkeypatch.setattr(page, "confirm_import", lambda diff: shown.append(diff.lines()) or True)
    _wait(qtbot, page_context, lambda: page.import_from(str(path)))
    qtbot.waitUntil(lambda: _file_matrix(page_context).criteria[0].weight == 30, timeout=60000)
    qtbot.waitUntil(lambda: not page_context.runner.is_busy(), timeout=60000)
    assert shown and any("CRM native integration: 25 -> 30" in line for line in shown[0])
    assert _file_matrix(page_context).criteria[1].weight == 15


def test_pilot_ratings_are_recorded_and_fed_into_the_scores(qtbot, page_context):
    from workbench.evaluation import create_evaluation

    create_evaluation(page_context.engagement, "conversation-intelligence")
    page = _page(qtbot, page_context)
    assert page.pilot_table.columnCount() == 5 and page.pilot_table.rowCount() == 4
    crm_sync = 4  # "CRM sync reliability" feeds CRM native integration
    _wait(qtbot, page_context, lambda: page.pilot_table.item(0, crm_sync).setText("4"))
    _wait(qtbot, page_context, page.feed_pilot)
    qtbot.waitUntil(lambda: page.evaluator_box.findText("Pilot") > 0)
    page.evaluator_box.setCurrentText(CONSENSUS)
    assert page.table.item(0, 2).text() == "4.00"  # Gong / CRM: the Pilot's 4 is the mean
    saved = _file_matrix(page_context)
    assert [e.name for e in saved.evaluators][-1] == "Pilot"


def test_scores_typed_faster_than_they_are_written_are_all_saved_in_order(qtbot, page_context):
    from workbench.evaluation import create_evaluation

    create_evaluation(page_context.engagement, "conversation-intelligence")
    page = _page(qtbot, page_context)
    page.evaluator_box.setCurrentText("IT/security")
    for row, value in enumerate(["5", "4", "3", "2"]):  # no waiting between edits
        page.table.item(row, 2).setText(value)
    page.table.item(0, 2).setText("1")  # a correction of the first one, typed last
    assert float(page.table.item(7, 2).text()) == round(0.25 * 1 + 0.2 * 4 + 0.15 * 3 + 0.15 * 2, 2)
    qtbot.waitUntil(lambda: not page._pending, timeout=60000)
    saved = _file_matrix(page_context)
    it = next(e for e in saved.evaluators if e.name == "IT/security")
    gong = saved.vendors[0].id
    assert [saved.score_of(it.id, gong, c.id).score for c in saved.criteria[:4]] == [1, 4, 3, 2]
    assert page.table.item(0, 2).text() == "1"


def test_highlighted_cells_have_a_legend_with_the_colours_the_matrix_uses(qtbot, page_context):
    from PySide6.QtCore import Qt

    from workbench.ui.pages.evaluation import DISAGREE, FROM_TCO, LEGEND, TOTALS

    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    assert page.legend.isVisible()
    used = set()
    for r in range(page.table.rowCount()):
        for c in range(page.table.columnCount()):
            item = page.table.item(r, c)
            brush = item.data(Qt.ItemDataRole.BackgroundRole) if item else None
            if brush is not None:
                used.add(brush.color().name())
    # every colour in the matrix is explained, and the legend names only those colours
    assert used <= {colour.name() for colour, _ in LEGEND}
    assert {DISAGREE.name(), TOTALS.name()} <= used
    assert page.legend_entries[DISAGREE.name()].text() == "evaluators disagree by 2+ points"
    assert page.legend_entries[FROM_TCO.name()].text() == "score from the TCO pricing rule"
    assert all(label.isVisible() for label in page.legend_entries.values())


def test_a_cut_cell_shows_its_whole_text_on_hover(qtbot, page_context):
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QStyleOptionViewItem, QToolTip

    from workbench.ui.celltips import FullTextTips, cut_cells, cut_text

    populate_demo(page_context.engagement, template="conversation-intelligence")
    page = _page(qtbot, page_context)
    table = page.table
    assert isinstance(table.itemDelegate(), FullTextTips)  # installed on every page table
    name = table.item(0, 0).text()
    assert cut_text(table, table.model().index(0, 0)) is None  # the matrix fits its text
    table.setColumnWidth(0, 40)
    index = table.model().index(0, 0)
    assert cut_text(table, index) == name
    assert cut_cells(table) == []  # cut, but explained on hover
    shown = []
    qtbot_patch = QToolTip.showText
    try:
        QToolTip.showText = lambda pos, text, widget=None: shown.append(text)
        rect = table.visualRect(index)
        event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), table.viewport().mapToGlobal(
            rect.center()) if rect.isValid() else QPoint())
        assert table.itemDelegate().helpEvent(event, table, QStyleOptionViewItem(), index)
    finally:
        QToolTip.showText = qtbot_patch
    assert shown and shown[0].startswith(name + "\n")  # then the criterion's description
    # a view without the delegate reports the cut cell (the laptop fit check uses this)
    from PySide6.QtWidgets import QStyledItemDelegate

    table.setItemDelegate(QStyledItemDelegate(table))
    assert f"cell {name!r} is cut" in cut_cells(table)
