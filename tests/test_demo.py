"""The demo engagement: deterministic, in its intended ranges, internally consistent.

Two builds at scale 0.2 prove determinism and consistency; the session's full
demo (``demo_file``, scale 1) proves the headline numbers the docs quote.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from workbench.demo import AS_OF, DEMO_CUSTOMER, build_demo
from workbench.errors import Cancelled
from workbench.models import ENTITY_TABLES, Engagement
from workbench.progress import CancelToken, Progress

DATA_TABLES = sorted(set(ENTITY_TABLES.values())) + ["settings"]


@pytest.fixture(scope="module")
def small_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """Two independent builds with the same seed at scale 0.2, and the first's result."""
    first = build_demo(tmp_path_factory.mktemp("demo_a"), scale=0.2, with_package=False)
    second = build_demo(tmp_path_factory.mktemp("demo_b"), scale=0.2, with_package=False)
    return Path(first["engagement"]), Path(second["engagement"]), first


@pytest.fixture(scope="module")
def small(small_builds: tuple[Path, Path, dict]) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{small_builds[0].as_uri()}?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def full(demo_file: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{demo_file.as_uri()}?mode=ro", uri=True)
    yield conn
    conn.close()


def table_digests(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        digests = {}
        for table in DATA_TABLES:
            digest = hashlib.sha256()
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
        return digests
    finally:
        conn.close()


def setting(conn: sqlite3.Connection, key: str) -> object:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else json.loads(row[0])


def scalar(conn: sqlite3.Connection, sql: str, *args: object) -> object:
    return conn.execute(sql, args).fetchone()[0]


# ---------------------------------------------------------------- determinism
def test_same_seed_gives_identical_rows_in_every_table(small_builds) -> None:
    a, b, _ = small_builds
    assert table_digests(a) == table_digests(b)


def test_another_seed_gives_other_data(tmp_path: Path, small_builds) -> None:
    other = build_demo(tmp_path, seed=7, scale=0.05, with_package=False)
    conn = sqlite3.connect(other["engagement"])
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM users")}
    finally:
        conn.close()
    small = sqlite3.connect(small_builds[0])
    try:
        default_names = {r[0] for r in small.execute("SELECT name FROM users")}
    finally:
        small.close()
    assert names != default_names


# ------------------------------------------------------------------- settings
def test_demo_is_northwind_pinned_to_its_as_of_date(demo_file: Path) -> None:
    eng = Engagement.open(demo_file, read_only=True)
    try:
        meta = eng.meta()
        assert meta.customer == DEMO_CUSTOMER
        assert (meta.project_kind, meta.engagement_type) == ("revenue-intelligence", "dedicated")
        assert meta.fiscal_year_start_month == 2 and meta.currency == "USD"
        assert eng.as_of() == AS_OF
        # The import history names the demo's calls plainly, not a temporary folder.
        sources = eng.conn.execute("SELECT entity, source_name FROM imports").fetchall()
        assert sources == [("transcripts", "Call recordings")]
    finally:
        eng.close()


# --------------------------------------------------------------------- counts
def test_full_demo_counts_are_in_the_intended_ranges(full: sqlite3.Connection) -> None:
    count = {t: scalar(full, f"SELECT count(*) FROM {t}") for t in DATA_TABLES}
    assert count["accounts"] == 3_000
    assert count["opportunities"] == 15_000
    assert 10_000 <= count["contacts"] <= 14_000
    assert 80_000 <= count["activities"] <= 130_000
    assert 60_000 <= count["opportunity_history"] <= 120_000
    assert 20_000 <= count["opportunity_contact_roles"] <= 40_000
    assert 6_000 <= count["meetings"] <= 14_000
    assert 6_000 <= count["forecast_submissions"] <= 12_000
    assert 1_200 <= count["platform_usage"] <= 2_200
    assert scalar(full, "SELECT count(DISTINCT meeting_crm_id) FROM transcript_turns") == 30
    aes = scalar(full, "SELECT count(*) FROM users WHERE role = 'Account Executive' AND is_active")
    assert aes == 40
    assert scalar(full, "SELECT count(DISTINCT team) FROM users WHERE team IS NOT NULL") == 6
    assert scalar(full, "SELECT count(*) FROM users WHERE role = 'VP Sales'") == 1
    assert scalar(full, "SELECT count(*) FROM users WHERE role = 'RevOps Admin'") == 1


def test_scale_multiplies_record_counts(small: sqlite3.Connection) -> None:
    assert scalar(small, "SELECT count(*) FROM accounts") == 600
    assert scalar(small, "SELECT count(*) FROM opportunities") == 3_000
    assert 15_000 <= scalar(small, "SELECT count(*) FROM activities") <= 27_000
    assert scalar(small, "SELECT count(*) FROM users") == 51  # the org does not scale


def test_ids_are_salesforce_18_character_ids_with_their_prefixes(small: sqlite3.Connection) -> None:
    for table, prefix in (
        ("users", "005"),
        ("accounts", "001"),
        ("contacts", "003"),
        ("opportunities", "006"),
    ):
        bad = [
            r[0]
            for r in small.execute(f"SELECT crm_id FROM {table}")
            if not re.fullmatch(prefix + r"[0-9A-Za-z]{15}", r[0])
        ]
        assert bad == [], table


# ------------------------------------------------------------------ planted
def test_planted_duplicate_accounts_are_recorded_and_look_alike(full: sqlite3.Connection) -> None:
    pairs = setting(full, "demo.planted_duplicate_accounts")
    assert 80 <= len(pairs) <= 100  # about 3% of 3,000
    rows = {r[0]: r[1:] for r in full.execute("SELECT crm_id, name, domain FROM accounts")}
    same_domain = 0
    for a, b in pairs:
        assert a in rows and b in rows and a != b
        name_a, domain_a = rows[a]
        name_b, domain_b = rows[b]
        assert fuzz.token_set_ratio(name_a.lower(), name_b.lower()) >= 75, (name_a, name_b)
        same_domain += domain_a == domain_b and domain_a is not None
    assert same_domain >= 0.6 * len(pairs)
    lookalikes = setting(full, "demo.lookalike_accounts")
    assert lookalikes, "distinct look-alike companies keep precision honest"
    for a, b in lookalikes:
        assert rows[a][1] != rows[b][1]


def test_planted_duplicate_contacts_share_an_address_up_to_case_or_tag(full) -> None:
    pairs = setting(full, "demo.planted_duplicate_contacts")
    assert len(pairs) >= 20
    email = dict(full.execute("SELECT crm_id, email FROM contacts"))

    def canonical(address: str) -> str:
        local, domain = address.lower().split("@")
        return local.split("+")[0] + "@" + domain

    for a, b in pairs:
        assert email[a] != email[b]
        assert canonical(email[a]) == canonical(email[b])


def test_accounts_miss_some_websites_and_industries(full: sqlite3.Connection) -> None:
    assert 60 <= scalar(full, "SELECT count(*) FROM accounts WHERE website IS NULL") <= 250
    assert 80 <= scalar(full, "SELECT count(*) FROM accounts WHERE industry IS NULL") <= 300


# -------------------------------------------------------------- consistency
def test_every_opportunity_owner_and_account_exists(small: sqlite3.Connection) -> None:
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunities WHERE owner_crm_id NOT IN "
            "(SELECT crm_id FROM users)",
        )
        == 0
    )
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunities WHERE account_crm_id NOT IN "
            "(SELECT crm_id FROM accounts)",
        )
        == 0
    )
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunity_contact_roles WHERE contact_crm_id "
            "NOT IN (SELECT crm_id FROM contacts)",
        )
        == 0
    )


def test_accounts_and_contacts_exist_before_the_deals_that_use_them(small) -> None:
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunities o JOIN accounts a "
            "ON a.crm_id = o.account_crm_id WHERE a.created_at > o.created_date",
        )
        == 0
    )
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunity_contact_roles r "
            "JOIN opportunities o ON o.crm_id = r.opportunity_crm_id "
            "JOIN contacts c ON c.crm_id = r.contact_crm_id "
            "WHERE c.created_at > o.created_date || 'T23:59:59'",
        )
        == 0
    )
    assert (
        scalar(
            small,
            "SELECT count(*) FROM activities a JOIN contacts c "
            "ON c.crm_id = a.contact_crm_id "
            "WHERE c.created_at > a.activity_date || 'T23:59:59'",
        )
        == 0
    )


def test_inactive_users_still_own_opportunities(full: sqlite3.Connection) -> None:
    owned = scalar(
        full,
        "SELECT count(*) FROM opportunities o JOIN users u "
        "ON u.crm_id = o.owner_crm_id WHERE u.is_active = 0",
    )
    still_open = scalar(
        full,
        "SELECT count(*) FROM opportunities o JOIN users u "
        "ON u.crm_id = o.owner_crm_id WHERE u.is_active = 0 AND o.is_closed = 0",
    )
    assert owned > 100 and still_open > 0


def test_stage_flags_probabilities_match_except_the_planted_inconsistencies(small) -> None:
    planted = setting(small, "demo.planted_inconsistencies")
    stages = {s["stage"]: s for s in setting(small, "demo.stages")}
    not_flagged = set(planted["closed_not_flagged"])
    wrong_probability = set(planted["wrong_probability"])
    off_list = set(planted["stage_off_list"])
    mismatch = set(planted["forecast_category_mismatch"])
    assert not_flagged and wrong_probability
    found = defaultdict(set)
    for crm_id, stage, prob, cat, closed, won in small.execute(
        "SELECT crm_id, stage, probability, forecast_category, is_closed, is_won FROM opportunities"
    ):
        if stage not in stages:
            found["off_list"].add(crm_id)
            continue
        spec = stages[stage]
        if (bool(closed), bool(won)) != (spec["is_closed"], spec["is_won"]):
            found["not_flagged"].add(crm_id)
        if prob != spec["probability"]:
            found["wrong_probability"].add(crm_id)
        if cat != spec["forecast_category"]:
            found["mismatch"].add(crm_id)
    assert found["not_flagged"] == not_flagged
    assert found["wrong_probability"] == wrong_probability
    assert found["off_list"] == off_list
    assert found["mismatch"] == mismatch


def test_history_starts_complete_and_nothing_changes_after_the_close(small) -> None:
    first_rows = small.execute(
        "SELECT h.stage, h.amount, h.close_date, h.probability, h.forecast_category "
        "FROM opportunity_history h WHERE h.id IN "
        "(SELECT min(id) FROM opportunity_history GROUP BY opportunity_crm_id)"
    ).fetchall()
    assert len(first_rows) == 3_000
    assert all(r[0] == "Prospecting" and None not in (r[2], r[3], r[4]) for r in first_rows)
    # For closed deals the last history row is the close, on the close date.
    rows = small.execute(
        "SELECT o.crm_id, o.close_date, h.changed_at, h.stage FROM opportunities o "
        "JOIN opportunity_history h ON h.opportunity_crm_id = o.crm_id "
        "WHERE o.stage IN ('Closed Won', 'Closed Lost') ORDER BY o.crm_id, h.changed_at, h.id"
    ).fetchall()
    by_opp: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_opp[row[0]].append(row)
    for history in by_opp.values():
        close = history[-1]
        assert close[3] in ("Closed Won", "Closed Lost")
        assert close[2][:10] == close[1]
        for earlier in history[:-1]:
            assert earlier[2] < close[2]
            assert earlier[3] is None or not earlier[3].startswith("Closed")
    assert (
        scalar(
            small,
            "SELECT count(*) FROM opportunity_history WHERE changed_at > ?",
            AS_OF.isoformat() + "T23:59:59",
        )
        == 0
    )


def test_history_replays_to_the_current_close_date_of_open_deals(small) -> None:
    mismatches = scalar(
        small,
        """
        SELECT count(*) FROM opportunities o
        WHERE o.is_closed = 0 AND o.stage NOT IN ('Verbal Commit', 'On Hold', 'Closed - Duplicate')
          AND o.close_date != (SELECT h.close_date FROM opportunity_history h
                               WHERE h.opportunity_crm_id = o.crm_id AND h.close_date IS NOT NULL
                               ORDER BY h.changed_at DESC, h.id DESC LIMIT 1)""",
    )
    assert mismatches == 0


def test_close_date_pushes_often_slip_into_a_later_fiscal_quarter(full) -> None:
    from datetime import date

    from workbench.models.fiscal import fiscal_quarter

    moves = full.execute("""
        SELECT before, after FROM (
            SELECT close_date AS after, stage, amount,
                   lag(close_date) OVER (PARTITION BY opportunity_crm_id
                                         ORDER BY changed_at, id) AS before
            FROM opportunity_history WHERE close_date IS NOT NULL)
        WHERE stage IS NULL AND amount IS NULL AND before IS NOT NULL""").fetchall()
    assert len(moves) >= 5_000
    later = [a > b for b, a in moves]
    assert all(later)
    crossed = sum(
        fiscal_quarter(date.fromisoformat(a), 2) > fiscal_quarter(date.fromisoformat(b), 2)
        for b, a in moves
    )
    assert crossed >= 0.3 * len(moves)


def test_last_activity_date_is_the_latest_logged_activity(small: sqlite3.Connection) -> None:
    mismatches = scalar(
        small,
        """
        SELECT count(*) FROM opportunities o
        WHERE coalesce(o.last_activity_date, '') != coalesce(
            (SELECT max(a.activity_date) FROM activities a WHERE a.opportunity_crm_id = o.crm_id), '')""",
    )
    assert mismatches == 0
    assert scalar(small, "SELECT max(activity_date) FROM activities") <= AS_OF.isoformat()


# ----------------------------------------------------------- believable story
def test_win_rate_is_about_thirty_percent_and_differs_by_rep(full) -> None:
    overall = scalar(full, "SELECT avg(is_won) FROM opportunities WHERE stage LIKE 'Closed %'")
    assert 0.27 <= overall <= 0.38
    by_rep = [
        r[0]
        for r in full.execute(
            "SELECT avg(is_won) FROM opportunities WHERE stage LIKE 'Closed %' "
            "GROUP BY owner_crm_id HAVING count(*) >= 50"
        )
    ]
    assert max(by_rep) - min(by_rep) >= 0.12


def test_sales_cycle_is_longer_for_bigger_segments(full: sqlite3.Connection) -> None:
    cycle = dict(
        full.execute(
            "SELECT a.segment, avg(julianday(o.close_date) - julianday(o.created_date)) "
            "FROM opportunities o JOIN accounts a ON a.crm_id = o.account_crm_id "
            "WHERE o.is_won = 1 GROUP BY a.segment"
        )
    )
    assert 50 <= cycle["SMB"] < cycle["Mid-Market"] < cycle["Enterprise"] <= 150


def test_lost_deals_show_their_risk_signals_before_the_close(full) -> None:
    stats = {
        won: row
        for won, *row in full.execute("""
        SELECT o.is_won,
               avg((SELECT count(*) FROM opportunity_history h WHERE h.opportunity_crm_id = o.crm_id
                    AND h.stage IS NULL AND h.close_date IS NOT NULL)),
               avg((SELECT count(*) FROM opportunity_contact_roles r
                    WHERE r.opportunity_crm_id = o.crm_id)),
               avg(julianday(o.close_date) - julianday(o.last_activity_date)),
               avg(o.next_step IS NULL),
               avg(json_extract(o.extra, '$.Champion__c') IS NULL),
               avg(json_extract(o.extra, '$.Economic_Buyer__c') IS NULL)
        FROM opportunities o WHERE o.stage IN ('Closed Won', 'Closed Lost') GROUP BY o.is_won""")
    }
    won, lost = stats[1], stats[0]
    assert lost[0] > 2 * won[0]  # close-date pushes
    assert lost[1] < won[1] - 0.5  # contact roles
    assert lost[2] > won[2] + 15  # days quiet before the close
    assert lost[3] > won[3] + 0.2  # missing next step
    assert lost[4] > won[4] + 0.3  # no champion
    assert lost[5] > won[5] + 0.2  # no economic buyer


def test_open_pipeline_has_stale_and_quiet_deals(full: sqlite3.Connection) -> None:
    stale = scalar(
        full,
        "SELECT count(*) FROM opportunities WHERE is_closed = 0 AND close_date < ?",
        AS_OF.isoformat(),
    )
    quiet = scalar(
        full,
        "SELECT count(*) FROM opportunities WHERE is_closed = 0 "
        "AND last_activity_date < date(?, '-30 days')",
        AS_OF.isoformat(),
    )
    open_deals = scalar(full, "SELECT count(*) FROM opportunities WHERE is_closed = 0")
    assert 2_000 <= open_deals <= 3_000
    assert 0.08 * open_deals <= stale <= 0.3 * open_deals
    assert quiet >= 0.15 * open_deals


def test_capture_rates_by_channel_are_in_their_bands(full: sqlite3.Connection) -> None:
    rates = dict(
        full.execute(
            "SELECT channel, avg(is_recorded) FROM meetings WHERE is_external = 1 GROUP BY channel"
        )
    )
    assert 0.89 <= rates["zoom"] <= 0.97
    assert 0.72 <= rates["teams"] <= 0.84
    assert 0.83 <= rates["meet"] <= 0.93
    assert 0.58 <= rates["phone"] <= 0.72
    by_rep = [
        r[0]
        for r in full.execute(
            "SELECT avg(is_recorded) FROM meetings WHERE is_external = 1 "
            "GROUP BY host_crm_id HAVING count(*) >= 40"
        )
    ]
    assert sum(rate < 0.5 for rate in by_rep) >= 3
    skipped = scalar(
        full,
        "SELECT count(*) FROM meetings WHERE is_recorded = 0 "
        "AND skip_reason = 'customer declined consent'",
    )
    assert skipped > 0


def test_some_crm_meetings_have_no_meeting_record(full: sqlite3.Connection) -> None:
    missing = setting(full, "demo.crm_activities_without_meeting")
    assert len(missing) >= 200
    kinds = {
        r[0]
        for r in full.execute(
            f"SELECT DISTINCT kind FROM activities WHERE crm_id IN ({','.join('?' * 50)})",
            missing[:50],
        )
    }
    assert kinds <= {"event", "call"}
    assert (
        scalar(
            full,
            "SELECT count(*) FROM activities WHERE crm_id = ? AND started_at >= ?",
            missing[0],
            "2026-08-17",
        )
        == 1
    )


def test_forecast_accuracy_differs_by_rep(full: sqlite3.Connection) -> None:
    ratios = [
        r[0]
        for r in full.execute("""
        WITH commit_calls AS (
            SELECT owner_crm_id, period, avg(amount) AS called FROM forecast_submissions
            WHERE category = 'Commit' AND period IN ('FY2027-Q2', 'FY2027-Q3')
            GROUP BY 1, 2),
        quarters(period, start, finish) AS (
            VALUES ('FY2027-Q2', '2026-05-01', '2026-07-31'),
                   ('FY2027-Q3', '2026-08-01', '2026-10-31')),
        actual AS (
            SELECT o.owner_crm_id, q.period, sum(o.amount) AS won FROM opportunities o
            JOIN quarters q ON o.close_date BETWEEN q.start AND q.finish
            WHERE o.is_won = 1 GROUP BY 1, 2)
        SELECT sum(c.called) / sum(a.won) FROM commit_calls c
        JOIN actual a USING (owner_crm_id, period) GROUP BY owner_crm_id""")
    ]
    assert len(ratios) >= 38
    ratios.sort()
    median = ratios[len(ratios) // 2]
    assert 1.0 <= median <= 1.4  # the team as a whole commits optimistically
    assert ratios[3] < 0.8 * median  # four sandbaggers
    assert ratios[-4] > 1.25 * median  # four over-forecasters
    assert (
        scalar(
            full,
            "SELECT count(*) FROM forecast_submissions WHERE manager_override_amount IS NOT NULL",
        )
        > 50
    )


def test_some_reps_miss_forecast_submissions(full: sqlite3.Connection) -> None:
    weeks = [
        r[0]
        for r in full.execute(
            "SELECT count(DISTINCT submitted_at) FROM forecast_submissions f JOIN users u "
            "ON u.crm_id = f.owner_crm_id WHERE u.is_active GROUP BY owner_crm_id"
        )
    ]
    assert min(weeks) < 0.6 * max(weeks)


def test_platform_usage_shows_adoption_and_dashboard_laggards(full: sqlite3.Connection) -> None:
    days = scalar(full, "SELECT count(DISTINCT day) FROM platform_usage")
    assert 40 <= days <= 42
    share = scalar(
        full,
        "SELECT avg(active) FROM (SELECT user_crm_id, max(logins) > 0 AS active "
        "FROM platform_usage GROUP BY 1)",
    )
    assert share >= 0.9
    manager_views = [
        r[0]
        for r in full.execute(
            "SELECT sum(p.dashboard_views) FROM platform_usage p JOIN users u "
            "ON u.crm_id = p.user_crm_id WHERE u.role = 'Sales Manager' GROUP BY u.crm_id"
        )
    ]
    assert min(manager_views) < 0.2 * max(manager_views)


def test_transcripts_belong_to_recorded_external_meetings_and_talk_sales(full) -> None:
    rows = full.execute(
        "SELECT t.meeting_crm_id, t.turn_index, t.start_s, t.end_s, t.text, t.is_internal, "
        "m.is_recorded, m.is_external, m.duration_min FROM transcript_turns t "
        "JOIN meetings m ON m.crm_id = t.meeting_crm_id ORDER BY 1, 2"
    ).fetchall()
    assert rows and all(r[6] == 1 and r[7] == 1 for r in rows)
    previous_end: dict[str, float] = {}
    for meeting, _, start, end, *_rest, duration in rows:
        assert start >= previous_end.get(meeting, 0.0) and end >= start
        assert end <= duration * 60
        previous_end[meeting] = end
    text = " ".join(r[4] for r in rows)
    for phrase in ("Kinemax", "Tessellate Automation", "budget", "next quarter", "next steps"):
        assert phrase in text
    assert "Gong" in text or "Clari" in text
    assert {r[5] for r in rows} == {0, 1}
    assert sum(r[4].endswith("?") for r in rows) >= 100


# ---------------------------------------------------------- package, progress
def test_documentation_package_is_built_beside_the_demo_when_reports_exist(
    tmp_path: Path, monkeypatch
) -> None:
    import types

    calls = []

    def build_package(eng, out, progress=None):
        calls.append((eng.meta().customer, out, eng.counts()["opportunities"]))
        out.mkdir()
        return types.SimpleNamespace(out_dir=out, files=[], zip_path=None, skipped={})

    fake = types.ModuleType("workbench.reports.package")
    fake.build_package = build_package
    monkeypatch.setitem(sys.modules, "workbench.reports.package", fake)
    result = build_demo(tmp_path, scale=0.03, with_package=True)
    assert calls == [(DEMO_CUSTOMER, tmp_path / "package", 450)]
    assert result["package"] == str(tmp_path / "package")
    assert result["notes"] == []
    # the export is recorded, as `workbench export` records it, with the folder in full
    from workbench.models import Engagement
    from workbench.reports.exports import last_export

    with Engagement.open(Path(result["engagement"]), read_only=True) as eng:
        assert last_export(eng).out_dir == str((tmp_path / "package").resolve())
    # The audits and the calibration ran first, so the documents have findings to show.
    assert result["counts"]["findings"] > 10
    conn = sqlite3.connect(result["engagement"])
    try:
        # calibrated once, and again after the story's intake named the competitors the
        # conversation trackers count (the first run's inputs changed)
        assert conn.execute("SELECT count(*) FROM scoring_calibration_runs").fetchone()[0] == 2
        kinds = [k for (k,) in conn.execute("SELECT kind FROM runs ORDER BY id")]
        # the maintenance checks read the new calibration; the story's evaluation is stored
        assert kinds.count("calibration") == 2
        assert kinds[-3:] == ["audit:maintenance", "evaluation:monte-carlo", "evaluation:sensitivity"]
    finally:
        conn.close()


def test_progress_is_reported_and_cancel_leaves_no_file(tmp_path: Path) -> None:
    seen: list[float] = []
    build_demo(
        tmp_path / "ok",
        scale=0.03,
        with_package=False,
        progress=Progress(lambda f, s: seen.append(f)),
    )
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 5

    token = CancelToken()

    def cancel_midway(fraction: float, status: str) -> None:
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        build_demo(
            tmp_path / "cancelled",
            scale=0.03,
            with_package=False,
            progress=Progress(cancel_midway, token),
        )
    assert not (tmp_path / "cancelled" / f"{DEMO_CUSTOMER}.engagement").exists()
