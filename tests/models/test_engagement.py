"""The engagement file: identity, versions, refusal of foreign/damaged/newer files, locks."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from workbench.errors import (
    DamagedEngagement,
    EngagementError,
    EngagementLocked,
    NewerEngagement,
    NotAnEngagement,
    ReadOnlyEngagement,
)
from workbench.models import APPLICATION_ID, LATEST_VERSION, Engagement, EngagementMeta

FROZEN = Path(__file__).resolve().parents[1] / "data" / "schemas"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_marked_as_ours_with_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "x.engagement"
    Engagement.create(
        path, EngagementMeta(customer="Globex", project_kind="conversation-intelligence")
    ).close()
    header = path.read_bytes()[:100]
    assert struct.unpack(">I", header[68:72])[0] == APPLICATION_ID
    assert struct.unpack(">I", header[60:64])[0] == LATEST_VERSION
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_closed_file_is_self_contained(tmp_path: Path) -> None:
    eng = Engagement.create(tmp_path / "a.engagement", EngagementMeta(customer="Globex"))
    with eng.atomic() as conn:
        conn.execute("INSERT INTO users (crm_id, name) VALUES ('005A', 'Ada')")
    assert (tmp_path / "a.engagement.lock").exists()
    eng.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.engagement"]
    # A copy of the single file holds the change.
    shutil.copy(tmp_path / "a.engagement", tmp_path / "copy.engagement")
    with Engagement.open(tmp_path / "copy.engagement", read_only=True) as again:
        assert again.counts()["users"] == 1


def test_metadata_round_trip_and_validation(new_engagement: Engagement) -> None:
    meta = new_engagement.meta()
    assert meta.customer == "Acme Corp"
    assert meta.jurisdictions == ["US-CA"]
    updated = new_engagement.update_meta(
        methodology="SPICED", fiscal_year_start_month=2, currency="eur"
    )
    assert (updated.methodology, updated.fiscal_year_start_month, updated.currency) == (
        "SPICED",
        2,
        "EUR",
    )
    assert new_engagement.meta().updated_at >= meta.updated_at
    with pytest.raises(EngagementError, match="month number"):
        new_engagement.update_meta(fiscal_year_start_month=13)
    with pytest.raises(EngagementError, match="project kind"):
        new_engagement.update_meta(project_kind="sales")
    assert new_engagement.meta().fiscal_year_start_month == 2  # unchanged by the refused edits


def test_create_refuses_existing_file_and_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "exists.engagement"
    target.write_bytes(b"keep me")
    with pytest.raises(EngagementError, match="already exists"):
        Engagement.create(target, EngagementMeta(customer="A"))
    assert target.read_bytes() == b"keep me"
    with pytest.raises(EngagementError, match="does not exist"):
        Engagement.create(tmp_path / "nope" / "a.engagement", EngagementMeta(customer="A"))


@pytest.mark.parametrize(
    "content, error, message",
    [
        (b"", NotAnEngagement, "not a SQLite database"),
        (b"Opportunity Name,Amount\nBig deal,100\n", NotAnEngagement, "not a SQLite database"),
        (b"\x00" * 4096, NotAnEngagement, "not a SQLite database"),
    ],
)
def test_non_sqlite_files_are_refused_unchanged(
    tmp_path: Path, content: bytes, error, message
) -> None:
    path = tmp_path / "bad.engagement"
    path.write_bytes(content)
    with pytest.raises(error, match=message):
        Engagement.open(path)
    assert path.read_bytes() == content
    assert not (tmp_path / "bad.engagement.lock").exists()


def test_sqlite_file_of_another_program_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "other.engagement"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAnEngagement, match="another program"):
        Engagement.open(path)
    assert digest(path) == before


def test_newer_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.engagement"
    Engagement.create(path, EngagementMeta(customer="A")).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    before = digest(path)
    with pytest.raises(NewerEngagement, match="newer Workbench"):
        Engagement.open(path)
    with pytest.raises(NewerEngagement):
        Engagement.open(path, read_only=True)
    assert digest(path) == before


def test_damaged_file_is_refused_with_plain_message(tmp_path: Path) -> None:
    path = tmp_path / "damaged.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="A"))
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO accounts (crm_id, name) VALUES (?, ?)",
            [(f"001{i:015d}", "x" * 200) for i in range(2000)],
        )
    eng.close()
    data = bytearray(path.read_bytes())
    # Keep the 100-byte header (so it still looks like ours), wreck the schema page.
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DamagedEngagement, match="damaged"):
        Engagement.open(path)
    assert digest(path) == before


def test_second_writer_is_told_who_holds_the_file_and_may_read(tmp_path: Path) -> None:
    path = tmp_path / "shared.engagement"
    first = Engagement.create(path, EngagementMeta(customer="Initech"))
    try:
        with pytest.raises(EngagementLocked) as info:
            Engagement.open(path)
        assert "already open for writing" in str(info.value)
        assert info.value.holder["pid"] > 0
        reader = Engagement.open(path, read_only=True)
        assert reader.meta().customer == "Initech"
        with pytest.raises(ReadOnlyEngagement):
            reader.update_meta(customer="Changed")
        reader.close()
    finally:
        first.close()
    Engagement.open(path).close()  # free again once the first writer closed


def test_older_file_is_backed_up_then_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.engagement"
    shutil.copy(FROZEN / "v1.engagement", path)
    original = digest(path)
    with Engagement.open(path) as eng:
        assert eng.version == LATEST_VERSION
        assert eng.meta().customer == "Frozen Customer v1"
        assert eng.meta().date_order == "DMY"
        assert eng.counts()["opportunities"] == 50
        assert eng.backup_path is not None
        backup = eng.backup_path
    assert backup.exists() and "before-upgrade-v1" in backup.name
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 50
    conn.close()
    assert digest(FROZEN / "v1.engagement") == original  # the frozen fixture is untouched


def test_older_file_cannot_be_opened_read_only_without_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.engagement"
    shutil.copy(FROZEN / "v1.engagement", path)
    before = digest(path)
    with pytest.raises(EngagementError, match="older Workbench"):
        Engagement.open(path, read_only=True)
    assert digest(path) == before


def test_failed_transaction_changes_nothing(new_engagement: Engagement) -> None:
    with pytest.raises(RuntimeError):
        with new_engagement.atomic() as conn:
            conn.execute("INSERT INTO users (crm_id, name) VALUES ('005X', 'Half')")
            raise RuntimeError("boom")
    assert new_engagement.counts()["users"] == 0


def test_nested_atomic_rolls_back_only_the_inner_block(new_engagement: Engagement) -> None:
    with new_engagement.atomic() as conn:
        conn.execute("INSERT INTO users (crm_id) VALUES ('005A')")
        with pytest.raises(ValueError):
            with new_engagement.atomic():
                conn.execute("INSERT INTO users (crm_id) VALUES ('005B')")
                raise ValueError
    ids = [r[0] for r in new_engagement.conn.execute("SELECT crm_id FROM users")]
    assert ids == ["005A"]


def test_settings_and_as_of_date(new_engagement: Engagement) -> None:
    assert new_engagement.setting("missing", 7) == 7
    new_engagement.set_setting("as_of_date", "2026-02-28")
    assert new_engagement.as_of().isoformat() == "2026-02-28"
    new_engagement.set_setting("thresholds", {"capture": 0.95})
    assert new_engagement.setting("thresholds") == {"capture": 0.95}


def test_foreign_keys_are_enforced(new_engagement: Engagement) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        with new_engagement.atomic() as conn:
            conn.execute(
                "INSERT INTO import_rejects (import_id, row_number, reason) VALUES (999, 1, 'x')"
            )
