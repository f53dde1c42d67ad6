"""The Audits page's Duplicates tab: both tiers side by side, evidence, Same/Different."""

from __future__ import annotations

from workbench.ui.pages.audits import Page

ACCOUNTS = [
    ("a1", "Acme Inc", "https://www.acme.com", "Technology", "United States"),
    ("a2", "ACME, Inc.", "acme.com", "Technology", "United States"),
    ("a3", "Hill Medical", "hillmedical.com", "Healthcare", None),
    ("a4", "Hall Medical", None, "Healthcare", None),
    ("a5", "Initech", None, None, None),
]


def _run_hygiene(qtbot, context, page):
    page.which.setCurrentIndex(page.which.findData("crm-hygiene"))
    with qtbot.waitSignal(context.runner.finished, timeout=120000) as done:
        page.run_audits()
    assert done.args[0].ok, done.args[0].details


def test_duplicates_tab_shows_both_tiers_evidence_and_records_decisions(qtbot, page_context):
    eng = page_context.engagement
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO accounts (crm_id, name, website, industry, country) VALUES (?, ?, ?, ?, ?)",
            ACCOUNTS,
        )
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    _run_hygiene(qtbot, page_context, page)
    tab = page.duplicates
    page.tabs.setCurrentWidget(tab)
    # Left: Acme asserted; right: Hill / Hall Medical to review.
    assert tab.asserted_table.rowCount() == 1
    assert tab.asserted_table.item(0, 1).text() == "Acme Inc (a1)"
    assert tab.asserted_table.item(0, 2).text() == "ACME, Inc. (a2)"
    assert tab.review_table.rowCount() == 1
    assert tab.review_table.item(0, 0).text() == "Hill Medical (a3)"
    assert "Not in the data, so not weighed: billing city, phone, parent account." in (
        tab.note.text()
    )
    # Field-by-field evidence of the pair to review.
    tab.review_table.selectRow(0)
    rows = [
        [tab.evidence.item(r, c).text() for c in range(3)] for r in range(tab.evidence.rowCount())
    ]
    assert rows == [
        ["name", "name has one letter replaced ('hill medical' / 'hall medical')", "+4.3"],
        ["industry", "industry identical (healthcare)", "+3.1"],
        ["words that differ", "the differing letters are a misspelling", "+0.4"],
    ]
    assert tab.same_button.isEnabled()
    with qtbot.waitSignal(page_context.runner.finished, timeout=30000) as done:
        tab.same_button.click()
    assert done.args[0].ok, done.args[0].details
    assert tab.review_table.item(0, 3).text() == "Same"
    stored = eng.conn.execute("SELECT crm_id_a, crm_id_b, same FROM duplicate_decisions").fetchall()
    assert stored == [("a3", "a4", 1)]
    # The next run follows the decision: Hill / Hall joins the asserted side.
    _run_hygiene(qtbot, page_context, page)
    assert tab.asserted_table.rowCount() == 2 and tab.review_table.rowCount() == 0
    assert tab.asserted_table.item(1, 4).text() == "Same"
