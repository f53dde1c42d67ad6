"""Before go-live, hypercare has not started (it is not "in progress")."""

from __future__ import annotations

from datetime import date, timedelta

import workbench.lifecycle as lc


def test_hypercare_before_go_live_is_not_started(new_engagement) -> None:
    new_engagement.set_setting("as_of_date", "2026-11-16")
    go_live = date(2026, 11, 16) + timedelta(days=30)
    lc.set_go_live(new_engagement, go_live.isoformat())
    report = lc.adoption_report(new_engagement)
    assert report.decision == "not-started"
    assert "30 days from now" in report.reasons[0]
