"""Files Workbench writes beside the user's files never write through a planted link."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.models import Engagement, EngagementMeta
from workbench.models.lockfile import lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need rights there")

PRECIOUS = "the user's precious notes\n"


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text(PRECIOUS, encoding="utf-8")
    return victim


def test_a_link_planted_as_the_lock_file_is_not_written_through(tmp_path: Path) -> None:
    path = tmp_path / "Acme.engagement"
    Engagement.create(path, EngagementMeta(customer="Acme")).close()
    victim = _victim(tmp_path)
    lock_path(path).symlink_to(victim)
    with Engagement.open(path) as eng:
        assert eng.meta().customer == "Acme"
        assert not lock_path(path).is_symlink()
        assert '"pid"' in lock_path(path).read_text(encoding="utf-8")
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    assert not lock_path(path).exists()


def test_a_link_planted_as_the_creating_file_is_not_written_through(tmp_path: Path) -> None:
    path = tmp_path / "New.engagement"
    victim = _victim(tmp_path)
    path.with_name(path.name + ".creating").symlink_to(victim)
    Engagement.create(path, EngagementMeta(customer="New")).close()
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    with Engagement.open(path, read_only=True) as eng:
        assert eng.meta().customer == "New"
    assert not path.with_name(path.name + ".creating").exists()


def test_a_link_planted_as_the_workbook_being_written_is_not_written_through(
    tmp_path: Path,
) -> None:
    from workbench.evaluation.store import create_evaluation, load_matrix
    from workbench.evaluation.workbook import export_workbook

    out = tmp_path / "out"
    out.mkdir()
    target = out / "evaluation.xlsx"
    victim = _victim(tmp_path)
    target.with_name(target.name + ".writing").symlink_to(victim)
    path = tmp_path / "Acme.engagement"
    with Engagement.create(path, EngagementMeta(customer="Acme")) as eng:
        create_evaluation(eng, "revenue-intelligence")
        export_workbook(load_matrix(eng), target, customer="Acme")
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    assert target.read_bytes()[:2] == b"PK"
    assert not target.with_name(target.name + ".writing").exists()


def test_a_link_planted_as_the_backup_name_is_not_written_through(tmp_path: Path) -> None:
    from workbench.models import engagement as engagement_module

    path = tmp_path / "Acme.engagement"
    Engagement.create(path, EngagementMeta(customer="Acme")).close()
    victim = _victim(tmp_path)
    with Engagement.open(path) as eng:
        stamp = "20260101-000000"
        planted = path.with_name(f"{path.stem}.{stamp}.manual.backup.engagement")
        planted.symlink_to(victim)

        class FixedClock:
            @staticmethod
            def now(tz=None):
                from datetime import datetime

                return datetime(2026, 1, 1, 0, 0, 0, tzinfo=tz)

        original = engagement_module.datetime
        engagement_module.datetime = FixedClock  # type: ignore[assignment]
        try:
            backup = eng._backup("manual")
        finally:
            engagement_module.datetime = original
    assert backup == planted
    assert not backup.is_symlink()
    assert victim.read_text(encoding="utf-8") == PRECIOUS
    with Engagement.open(backup, read_only=True) as copy:
        assert copy.meta().customer == "Acme"
