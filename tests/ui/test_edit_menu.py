"""Undo and Redo live in the main window's Edit menu, name the step, and cover the
edits of every page (a finding's status, an evaluation score, a checklist item)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from workbench.evaluation import operations as evaluation
from workbench.lifecycle import operations as lifecycle


def _run(qtbot, window, fn, *args) -> None:
    with qtbot.waitSignal(window.runner.finished, timeout=60000) as done:
        window.runner.run("Editing", fn, *args, writes=True)
    assert done.args[0].ok, done.args[0].details


def test_the_edit_menu_undoes_and_redoes_edits_of_every_page(qtbot, window, demo_copy) -> None:
    from workbench.audits.operations import RunAudits, run_audits_op

    assert window.open_file(demo_copy)
    eng = window.engagement
    run_audits_op(eng, RunAudits(["capture"]))
    evaluation.start_evaluation(eng, evaluation.StartEvaluation("revenue-intelligence"))
    finding = eng.conn.execute(
        "SELECT id, status, title FROM findings WHERE status = 'ASSUMED' LIMIT 1"
    ).fetchone()
    assert not window.undo_action.isEnabled() and window.undo_action.text() == "Undo"
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.undo_action in edit_menu.actions()

    _run(qtbot, window, lifecycle.change, lifecycle.FindingStatus(finding[0], "CONFIRMED", "ok"))
    assert window.undo_action.text().startswith("Undo Confirmed finding: ")
    status = "SELECT status FROM findings WHERE id = ?"
    assert eng.conn.execute(status, (finding[0],)).fetchone()[0] == "CONFIRMED"

    _run(qtbot, window, evaluation.edit_evaluation, evaluation.AddVendor("Avoma", "single"))
    assert window.undo_action.text() == "Undo Add the vendor Avoma"
    vendors = "SELECT count(*) FROM evaluation_vendors WHERE name = 'Avoma'"
    assert eng.conn.execute(vendors).fetchone()[0] == 1

    with qtbot.waitSignal(window.runner.finished, timeout=60000):
        window.undo_action.trigger()
    assert eng.conn.execute(vendors).fetchone()[0] == 0
    assert window.undo_action.text().startswith("Undo Confirmed finding: ")
    assert window.redo_action.text() == "Redo Add the vendor Avoma"
    with qtbot.waitSignal(window.runner.finished, timeout=60000):
        window.undo_action.trigger()
    assert eng.conn.execute(status, (finding[0],)).fetchone()[0] == "ASSUMED"
    with qtbot.waitSignal(window.runner.finished, timeout=60000):
        window.redo_action.trigger()
    assert eng.conn.execute(status, (finding[0],)).fetchone()[0] == "CONFIRMED"
