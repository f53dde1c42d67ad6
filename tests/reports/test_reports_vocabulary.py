"""The customer vocabulary, and no internal name in any document of the demo package."""

from __future__ import annotations

from workbench.models import vocabulary as v

from .package_text import crm_property_names, texts


def test_columns_settings_and_codes_read_as_words() -> None:
    assert v.field_words("next_step") == "next step"
    assert v.field_words("opportunities.next_step") == "next step on opportunities"
    assert v.field_label("opportunity_crm_id") == "Opportunity"
    assert v.field_label("_duration_s") == "Duration (seconds)"
    assert (
        v.setting_words("audits.stale_days_by_stage") == "the stale-deal limit set for each stage"
    )
    assert v.channel_words("teams") == "Microsoft Teams"
    assert v.channel_words("meet") == "Google Meet"
    assert v.channel_words("Aircall") == "Aircall"
    assert v.status_words("in-progress") == "In progress"
    assert v.jurisdiction_list(["US-CA", "DE", "GB"]) == "California, Germany and United Kingdom"


def test_recurrence_rules_read_as_sentences() -> None:
    assert v.rrule_words("FREQ=WEEKLY;BYDAY=MO") == "Every Monday"
    assert v.rrule_words("FREQ=MONTHLY;BYDAY=1TU") == "First Tuesday of every month"
    assert (
        v.rrule_words("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU") == "Second Tuesday of every third month"
    )
    assert (
        v.rrule_words("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")
        == "Tuesday and Thursday, every other week"
    )


def test_counts_agree_with_their_noun() -> None:
    assert v.count(1, "day") == "1 day"
    assert v.count(56, "day") == "56 days"
    assert v.count(4, "evaluator") == "4 evaluators"
    assert v.count(2, "opportunity") == "2 opportunities"
    assert v.count(3, "criterion") == "3 criteria"
    assert v.count(1204, "deal") == "1,204 deals"


def test_old_finding_texts_are_translated() -> None:
    text = (
        "847 open (per-stage limits in audits.stale_days_by_stage); "
        "next_steps 70; multi_threading 32; opportunities.next_step; File(s)"
    )
    assert v.customer_text(text) == (
        "847 open (per-stage limits in the stale-deal limit set for each stage); "
        "next steps 70; multi-threading 32; next step on opportunities; Files"
    )
    assert v.internal_identifiers(v.customer_text(text)) == []


def test_the_detector_finds_every_kind_of_internal_name() -> None:
    found = v.internal_identifiers(
        "opportunities.next_step None nan 4 evaluator(s) FREQ=WEEKLY;BYDAY=MO US-CA, DE"
    )
    assert found == ["opportunities.next_step", "None", "nan", "(s)", "FREQ=", "US-CA"]
    assert v.internal_identifiers("zoom") == ["zoom"]
    assert v.internal_identifiers("teams: 77.8% captured (red flag)") == ["teams:"]
    assert v.customer_text("teams: 77.8% captured") == "Microsoft Teams: 77.8% captured"
    assert v.customer_text("1,046 of 1,344 conversations on meet recorded.") == (
        "1,046 of 1,344 conversations on Google Meet recorded."
    )
    assert v.internal_identifiers("California (US-CA): all-party; e.g. 12 months") == []
    assert v.internal_identifiers("hs_timestamp", allowed={"hs_timestamp"}) == []


def test_no_document_of_the_demo_package_shows_an_internal_name(story_package) -> None:
    allowed = crm_property_names()
    leaks = []
    for f in story_package.files:
        for text in texts(f.path):
            for word in v.internal_identifiers(text, allowed):
                leaks.append(f"{f.path.name}: {word!r} in {text[:120]!r}")
    assert leaks == [], "\n".join(leaks)


def test_iso_dates_in_sentences_read_as_the_documents_write_dates() -> None:
    from workbench.reports.dates import dates_in_words

    said = dates_in_words(
        "5,932 of 7,568 recorded from 2026-08-19 to 2026-11-16; go-live on 2027-01-11. "
        "File opps-2026-11-16.csv, version v2026-11-16b, quarter FY2027-Q1, stamp "
        "2026-12-03T09:14:05Z."
    )
    assert said == (
        "5,932 of 7,568 recorded from 19 August 2026 to 16 November 2026; go-live on "
        "11 January 2027. File opps-2026-11-16.csv, version v2026-11-16b, quarter FY2027-Q1, "
        "stamp 3 December 2026 09:14 UTC."
    )
    # in a table cell a date never breaks across lines
    assert dates_in_words("2026-09-30", keep_together=True) == "30\u00a0September\u00a02026"
    # the GUI's own style from the same finder
    from workbench.ui.asof import dates_in

    assert dates_in("go-live on 2027-01-11.") == "go-live on 11 Jan 2027."


def test_a_date_in_a_table_cell_counts_as_one_word_when_columns_are_fitted() -> None:
    from workbench.reports.docx_base import fit_widths

    # "30 September 2026" (no-break spaces) needs about 1.4 in: the narrow first column
    # takes it from the wide second one; with ordinary spaces it would not need to.
    kept = fit_widths(["Day", "Call"], [["30\u00a0September\u00a02026", "x"]], [1.0, 4.8])
    assert kept[0] > 1.2 and abs(sum(kept) - 5.8) < 1e-9
    assert fit_widths(["Day", "Call"], [["30 September 2026", "x"]], [1.0, 4.8]) == [1.0, 4.8]


def test_no_document_of_the_demo_package_writes_an_iso_date(story_package) -> None:
    """Every date in a Word document, and in a spreadsheet's text, reads "16 November
    2026" (a spreadsheet's dates are date cells). The maintenance follow-ups, which also
    go to the calendar, are written so where they are made."""
    leaks = []
    for f in story_package.files:
        if f.path.suffix not in (".docx", ".xlsx"):
            continue
        for text in texts(f.path):
            if v.ISO_DATE.search(text):
                leaks.append(f"{f.path.name}: {text[:120]!r}")
    assert leaks == [], "\n".join(leaks)
