"""Every page that shows a figure says the data's as-of day and which stored run it reads."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtWidgets import QApplication

from workbench.models import Engagement
from workbench.models.runs import save_run
from workbench.ui import asof

FIGURE_PAGES = (
    "overview", "phases", "data", "audits", "scoring", "coaching", "evaluation", "deliverables",
)  # fmt: skip


def _latest_id(eng, kind: str) -> int:
    return eng.conn.execute("SELECT max(id) FROM runs WHERE kind = ?", (kind,)).fetchone()[0]


def test_day_and_moment_read_as_people_write_them(monkeypatch) -> None:
    assert asof.day("2026-11-16") == "16 Nov 2026"
    assert asof.day(dt.date(2026, 3, 5)) == "5 Mar 2026"
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        assert asof.moment("2026-12-03T10:14:05") == "3 Dec 2026 10:14"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_sentences_from_below_say_their_dates_as_the_page_does(monkeypatch) -> None:
    """Texts the command line and the documents say with ISO dates (hypercare reasons,
    gate conditions, the calibration summary) read in the GUI's words; ISO text inside
    a file name, a version or a number is left as it is."""
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        said = asof.dates_in
        assert said("Hypercare starts at go-live on 2027-01-11 (56 days from now).") == (
            "Hypercare starts at go-live on 11 Jan 2027 (56 days from now)."
        )
        assert said("dashboards in week 2026-11-09 to 2026-11-15 (6 of 7 managers)") == (
            "dashboards in week 9 Nov 2026 to 15 Nov 2026 (6 of 7 managers)"
        )
        assert said("Fitted on 8,189 deals closed up to 2026-07-31, tested on FY2027-Q3") == (
            "Fitted on 8,189 deals closed up to 31 Jul 2026, tested on FY2027-Q3"
        )
        assert said("measured 2026-12-03T10:14:05; again 2026-12-03 11:00:00+00:00.") == (
            "measured 3 Dec 2026 10:14; again 3 Dec 2026 11:00."
        )
        kept = "opps-2026-11-16.csv, 2026-11-16.xlsx, v2026-11-16b, 2026-13-45, 12026-11-16"
        assert said(kept) == kept
        assert said("") == ""
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_run_is_named_in_the_pages_words(monkeypatch) -> None:
    """``Run.label()`` (the command line's words) with the GUI's dates."""
    from workbench.models.runs import Run

    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        run = Run(12, "scoring", "2026-12-03T09:14:05", "2026-11-16", "x")
        assert asof.run_label(run) == "run #12 of 3 Dec 2026 09:14, as of 16 Nov 2026"
        run.stale = True
        assert asof.run_label(run) == (
            f"run #12 of 3 Dec 2026 09:14, as of 16 Nov 2026; the data changed since: "
            f"{run.refresh}"
        )
        unsaved = Run(0, "scoring", "", "2026-11-16", "x")
        assert asof.run_label(unsaved) == (
            "computed as of 16 Nov 2026 (not stored: the file is open read-only)"
        )
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_runs_stored_together_are_named_together_and_a_stale_one_says_so(new_engagement):
    eng = new_engagement
    eng.set_setting("as_of_date", "2026-11-16")
    assert asof.runs_text(eng, ("audit:capture",)) == (
        "Data as of 16 Nov 2026; nothing computed yet: Capture gap analysis."
    )
    with eng.atomic():
        first = save_run(eng, "audit:crm-hygiene", {})
        second = save_run(eng, "audit:capture", {})
    text = asof.runs_text(eng, ("audit:crm-hygiene", "audit:capture", "audit:baselines"))
    when = asof.moment(first.created_at)
    if asof.moment(second.created_at) == when:  # not across a minute boundary
        assert text.startswith(
            f"CRM hygiene audit and capture gap analysis of {when} "
            f"(runs #{first.id}, #{second.id}), data as of 16 Nov 2026."
        )
    assert "Not run yet: Baselines." in text
    assert "changed since" not in text
    with eng.atomic() as conn:
        conn.execute("INSERT INTO meetings (crm_id, channel) VALUES ('m1', 'Zoom')")
    text = asof.runs_text(eng, ("audit:capture",))
    assert text.endswith(
        "The data changed since the capture gap analysis: run the audits again "
        "(Audits page, Run audits; or workbench audit FILE)."
    )


def test_imports_text_names_the_last_import(new_engagement, tmp_path):
    eng = new_engagement
    eng.set_setting("as_of_date", "2026-11-16")
    assert asof.imports_text(eng) == "Data as of 16 Nov 2026; nothing imported yet."
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO imports (entity, source_name, profile, started_at, finished_at) "
            "VALUES ('opportunities', 'Opps.csv', 'salesforce', '2026-12-03T09:00:00', "
            "'2026-12-03T09:01:00')"
        )
    text = asof.imports_text(eng)
    assert text.startswith("Data as of 16 Nov 2026; last import ")
    assert text.endswith("(import #1 of 1: Opps.csv, opportunities).")


@pytest.mark.parametrize("kind", ["revenue-intelligence", "conversation-intelligence"])
def test_every_page_with_figures_says_as_of_and_which_run(
    window, demo_story_file, tmp_path, kind, messages
):
    copy = tmp_path / demo_story_file.name
    shutil.copy2(demo_story_file, copy)
    with Engagement.open(copy) as eng:
        eng.update_meta(project_kind=kind)
    assert window.open_file(copy)
    eng = window.engagement
    as_of = asof.day(eng.as_of())
    ids = {k: f"#{_latest_id(eng, k)}" for k in (*asof.AUDIT_KINDS, "calibration", "scoring")}
    expected = {  # what each page must name besides the as-of day: the runs it reads
        "overview": ("CRM hygiene audit", ids["audit:crm-hygiene"], ids["audit:capture"]),
        "phases": ("Baselines", ids["audit:baselines"], ids["audit:maintenance"]),
        "data": ("last import ",),
        "audits": ("CRM hygiene audit", *(ids[k] for k in asof.AUDIT_KINDS)),
        "scoring": ("Deal scoring calibration", ids["calibration"], ids["scoring"]),
        "coaching": ("Coaching measurement of ",),
        "evaluation": ("Totals computed from the scores as entered",),
        "deliverables": ("Not exported yet.", ids["audit:crm-hygiene"], ids["scoring"]),
    }
    for key in FIGURE_PAGES:
        page = window.show_page(key)
        for _ in range(3):
            QApplication.processEvents()
        label = page.as_of_label
        assert label.isVisible(), key
        text = label.text()
        assert f"data as of {as_of}".lower() in text.lower(), f"{key}: {text}"
        for words in expected[key]:
            assert words in text, f"{key}: {words!r} not in {text!r}"


def test_the_stale_check_waits_until_the_page_is_shown_then_completes(qtbot, page_context):
    """Counting every data table (a fraction of a second on a million rows) does not
    hold up the first paint: the line first names the runs, then says they are stale."""
    from workbench.ui.pages.audits import Page

    eng = page_context.engagement
    with eng.atomic():
        run = save_run(eng, "audit:capture", {})
    with eng.atomic() as conn:
        conn.execute("INSERT INTO meetings (crm_id, channel) VALUES ('m1', 'Zoom')")
    with asof.quick() as state:
        text = asof.runs_text(eng, ("audit:capture",))
    assert state.deferred and f"run #{run.id}" in text and "changed since" not in text
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()  # refresh: the quick line, then the whole one a moment later
    qtbot.waitUntil(lambda: "The data changed since the capture gap analysis" in
                    page.as_of_label.text(), timeout=5000)  # fmt: skip
    with asof.quick() as state:  # now cached until the file changes
        assert "changed since" in asof.runs_text(eng, ("audit:capture",))
    assert not state.deferred
