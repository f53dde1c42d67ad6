"""Meetings matched to CRM activities on the rep's local day (issue 12 item 7): a team
in California, New York and Germany, whose evening and after-midnight meetings fall
on another UTC day than the date the CRM shows."""

from __future__ import annotations

from audits_loaders import insert_rows

from workbench.audits.capture import run_capture
from workbench.importers import import_file


def build(eng, tmp_path, *, zones: bool) -> None:
    eng.set_setting("as_of_date", "2026-03-31")
    users = tmp_path / "users.csv"
    users.write_text(
        "Id,Name,Email,TimeZoneSidKey\n"
        + ("005LA,Lee,lee@acme.com,America/Los_Angeles\n" if zones else "005LA,Lee,lee@acme.com,\n")
        + ("005NY,Nia,nia@acme.com,America/New_York\n" if zones else "005NY,Nia,nia@acme.com,\n")
        + ("005DE,Dirk,dirk@acme.com,Europe/Berlin\n" if zones else "005DE,Dirk,dirk@acme.com,\n"),
        encoding="utf-8",
    )
    assert import_file(eng, users).rows_imported == 3

    def act(crm_id, owner, opp, day):
        return {"crm_id": crm_id, "kind": "event", "owner_crm_id": owner,
                "opportunity_crm_id": opp, "activity_date": day}  # fmt: skip

    def meeting(crm_id, host, opp, started):
        return {"crm_id": crm_id, "channel": "zoom", "is_external": 1, "is_recorded": 1,
                "host_crm_id": host, "opportunity_crm_id": opp, "started_at": started}  # fmt: skip

    insert_rows(eng, "activities", [
        act("a1", "005LA", "o1", "2026-03-10"),  # 5 pm in California
        act("a2", "005DE", "o2", "2026-03-10"),  # half past midnight in Berlin
        act("a3", "005NY", "o3", "2026-03-10"),  # 10 am in New York
    ])  # fmt: skip
    insert_rows(eng, "meetings", [
        meeting("m1", "005LA", "o1", "2026-03-11T00:00:00"),  # 17:00 PDT on the 10th
        meeting("m2", "005DE", "o2", "2026-03-09T23:30:00"),  # 00:30 CET on the 10th
        meeting("m3", "005NY", "o3", "2026-03-10T14:00:00"),  # 10:00 EDT on the 10th
    ])  # fmt: skip


def test_local_day_matches_what_utc_day_misses(new_engagement, tmp_path):
    build(new_engagement, tmp_path, zones=True)
    gap = run_capture(new_engagement, record=False).crm_logged
    assert (gap.total, gap.matched_recorded, gap.no_platform_trace) == (3, 3, 0)
    assert "same local day" in gap.rule
    stored = new_engagement.conn.execute(
        "SELECT crm_id, time_zone FROM users ORDER BY crm_id"
    ).fetchall()
    assert stored == [("005DE", "Europe/Berlin"), ("005LA", "America/Los_Angeles"),
                      ("005NY", "America/New_York")]  # fmt: skip


def test_without_time_zones_the_utc_day_misses_two(new_engagement, tmp_path):
    build(new_engagement, tmp_path, zones=False)
    gap = run_capture(new_engagement, record=False).crm_logged
    assert (gap.matched_recorded, gap.no_platform_trace) == (1, 2)
    assert sorted(gap.unrecorded_ids) == ["a1", "a2"]


def test_engagement_time_zone_is_the_fallback(new_engagement, tmp_path):
    build(new_engagement, tmp_path, zones=False)
    new_engagement.set_setting("audits.time_zone", "America/Los_Angeles")
    gap = run_capture(new_engagement, record=False).crm_logged
    # California's day now matches a1; Berlin's after-midnight meeting still misses.
    assert gap.unrecorded_ids == ["a2"]
