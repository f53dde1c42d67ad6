"""The Audits page's Baselines tab: baselines of one segment, from a stored run."""

from __future__ import annotations

from workbench.audits.operations import SegmentBaselines, segment_baselines
from workbench.ui import asof
from workbench.ui.pages.baselines_tab import BaselinesTab, segment_values


def _tab(qtbot, context) -> BaselinesTab:
    tab = BaselinesTab(context)
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_segment_values_are_the_deals_own_values_most_used_first(demo_context):
    eng = demo_context.engagement
    counts = dict(eng.conn.execute("SELECT type, count(*) FROM opportunities GROUP BY type"))
    values = segment_values(eng, "type")
    assert set(values) == {v for v in counts if v and v.strip()}
    assert [counts[v] for v in values] == sorted((counts[v] for v in values), reverse=True)
    assert segment_values(eng, "record_type") == []  # the demo leaves it blank


def test_showing_one_opportunity_type_reads_the_segment_run(qtbot, demo_context):
    eng = demo_context.engagement
    tab = _tab(qtbot, demo_context)
    tab.field_combo.setCurrentIndex(tab.field_combo.findData("type"))
    tab.value_combo.setCurrentIndex(tab.value_combo.findData("New Business"))
    tab.by_combo.setCurrentIndex(tab.by_combo.findData("pipeline"))
    assert tab.request() == SegmentBaselines({"type": "New Business"}, "pipeline")
    with qtbot.waitSignal(demo_context.runner.finished, timeout=120000) as done:
        tab.show_segment()
    assert done.args[0].ok, done.args[0].details
    # The same figures as the operation computes on its own, and the run they come from.
    expected = segment_baselines(eng, SegmentBaselines({"type": "New Business"}, "pipeline"))
    overall = next(r for r in expected.result.rows if r.scope == "overall" and r.quarter == "ALL")
    shown = {
        (tab.table.item(i, 0).text(), tab.table.item(i, 1).text()): i
        for i in range(tab.table.rowCount())
    }
    row = shown[("Four quarters", "All deals shown")]
    assert tab.table.item(row, 2).text() == f"{overall.won:,}"
    assert tab.table.item(row, 3).text() == f"{overall.lost:,}"
    # The run in the page's words: when it ran at local time, the as-of day in words
    # (the tab's run is the first of its kind: the check above stored a second one).
    run_id, created = eng.conn.execute(
        "SELECT id, created_at FROM runs WHERE kind = 'audit:baselines-segment' "
        "ORDER BY id LIMIT 1"
    ).fetchone()
    assert tab.run_label.text() == (
        f"Baselines run #{run_id} of {asof.moment(created)}, as of 16 Nov 2026."
    )
    assert any(group == "Sales" for _q, group in shown)


def test_a_field_with_no_values_is_refused_in_words(qtbot, demo_context, messages):
    tab = _tab(qtbot, demo_context)
    tab.field_combo.setCurrentIndex(tab.field_combo.findData("record_type"))
    assert not tab.value_combo.isEnabled()
    tab.show_segment()
    assert messages == ["No deal has a record type; pick another field or the whole pipeline."]
    assert not demo_context.runner.is_busy()
