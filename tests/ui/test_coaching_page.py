"""The Coaching page: calls and transcript, speakers, reps, trackers, scorecards."""

from __future__ import annotations

import json

import pytest

from workbench.coaching.operations import ImportTranscriptsRequest, import_transcripts
from workbench.ui import asof
from workbench.ui.pages.coaching import Page

CALL = {
    "call": {"id": "C-1", "started_at": "2024-06-03T15:00:00Z"},
    "utterances": [
        {"speaker": "Sam Seller", "start": 0, "end": 10, "text": "What does your team use today?"},
        {
            "speaker": "Bea Buyer",
            "start": 11,
            "end": 20,
            "text": "Honestly it is too expensive for us.",
        },
        {"speaker": "Sam Seller", "start": 21, "end": 30, "text": "Let's agree next steps."},
        {"speaker": "Guest", "start": 31, "end": 33, "text": "Hi all."},
    ],
}


@pytest.fixture
def page(qtbot, page_context, tmp_path):
    eng = page_context.engagement
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO users (crm_id, name, email) VALUES ('U1', 'Sam Seller', 'sam@seller.io')"
        )
        conn.execute(
            "INSERT INTO contacts (crm_id, first_name, last_name) VALUES ('K1', 'Bea', 'Buyer')"
        )
    path = tmp_path / "c1.json"
    path.write_text(json.dumps(CALL))
    import_transcripts(eng, ImportTranscriptsRequest(path))
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    return page


def _wait(qtbot, page, action, timeout=60000):
    with qtbot.waitSignal(page.context.runner.finished, timeout=timeout) as done:
        action()
    assert done.args[0].ok, done.args[0].error
    page.refresh()  # the window refreshes every page after a writing task


def test_measure_fills_calls_reps_trackers_and_highlights_hits(qtbot, page):
    assert page.calls_table.rowCount() == 1
    assert page.unknown_table.item(0, 0).text() == "Guest"
    _wait(qtbot, page, page.measure)
    # Sam: 10 + 9 = 19 s of 30 s spoken.
    assert page.calls_table.item(0, 1).text() == "Sam Seller"
    assert page.calls_table.item(0, 4).text() == f"{19 / 30:.0%}"
    # The call's start and the measurement at local time, as the page's as-of line says them.
    assert page.calls_table.item(0, 2).text() == asof.moment("2024-06-03T15:00:00+00:00")
    run_at = page.context.engagement.conn.execute(
        "SELECT run_at FROM coaching_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    # One call, one rep: each count agrees with its noun.
    assert page.summary.text().startswith(
        f"1 call transcribed; last measured {asof.moment(run_at)} (1 call, 1 rep)"
    )
    assert page.reps_table.item(0, 0).text() == "Sam Seller"
    assert page.chart.figure is not None
    labels = [page.trackers_table.item(r, 0).text() for r in range(page.trackers_table.rowCount())]
    assert labels[:3] == ["Competitor mentions", "Pricing objections", "Next steps"]
    assert page.trackers_table.item(1, 6).text() == "1"  # "too expensive"
    html = page.transcript.toHtml()
    assert "too expensive" in page.transcript.toPlainText()
    assert "[Pricing objections]" in page.transcript.toPlainText()
    assert "#ffe082" in html


def test_speaker_review_and_scorecard_entry(qtbot, page):
    _wait(qtbot, page, page.measure)
    page.unknown_table.selectRow(0)
    _wait(qtbot, page, lambda: page._resolve("customer"))
    assert page.unknown_table.rowCount() == 0
    page.trackers_table.selectRow(1)
    assert page.review_table.rowCount() == 1
    page.review_table.selectRow(0)
    _wait(qtbot, page, lambda: page._review("noise"))
    assert page.trackers_table.item(1, 9).text() == "1 of 1 (100%) - red flag"
    page.score_manager.setText("Maria")
    spins = page._spins
    spins["metrics"].setValue(5)
    spins["champion"].setValue(3)
    _wait(qtbot, page, page._save_scores)
    assert page.rep_scores.item(0, 0).text() == "Sam Seller"
    # (2 * 5 + 1 * 3) / 3 = 4.33 on 1-5: 83% of the scale.
    assert page.rep_scores.item(0, 2).text() == f"{((13 / 3) - 1) / 4:.0%}"


def test_import_from_the_page(qtbot, page, tmp_path):
    second = dict(CALL, call={"id": "C-2", "started_at": "2024-06-04T15:00:00Z"})
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "c2.json").write_text(json.dumps(second))
    _wait(qtbot, page, lambda: page.import_transcripts(str(folder)))
    assert page.calls_table.rowCount() == 2
