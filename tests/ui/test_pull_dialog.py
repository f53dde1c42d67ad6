"""The pull dialog's table of last pulls says when, as the pages' as-of line does."""

from __future__ import annotations

import time

from workbench.importers.pulls import operations as pulls
from workbench.ui.pull_dialog import last_pull_rows


def test_last_pulls_say_when_at_local_time_in_words(monkeypatch) -> None:
    stored = [
        pulls.LastPull("Acme prod", "salesforce", "Opportunity", "2026-12-03T09:14:05", "w", 1234),
        pulls.LastPull("Acme prod", "salesforce", "Account", "2026-12-02T23:30:00", None, 56),
    ]
    monkeypatch.setattr(pulls, "last_pulls", lambda eng: stored)
    monkeypatch.setenv("TZ", "Europe/Berlin")  # UTC+1 in December: the day can change
    time.tzset()
    try:
        assert last_pull_rows(None) == [
            ["Acme prod", "Opportunity", "3 Dec 2026 10:14", "1,234"],
            ["Acme prod", "Account", "3 Dec 2026 00:30", "56"],
        ]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
