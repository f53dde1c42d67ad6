"""Crash logs are private, dated, carry the version, are rotated, and writing one
never fails, even when the log folder cannot be written."""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench import __version__, cli, crashlog

NAME = re.compile(r"crash-(\d{8})-(\d{6})-(\d+)(-\d+)?\.log")


def _exc_info(message: str = "boom in deal 'Acme renewal'"):
    try:
        raise ValueError(message)
    except ValueError:
        return sys.exc_info()


@pytest.fixture
def logs(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("WORKBENCH_LOG_DIR", str(folder))
    # A private temporary folder too, so the fallback never touches the real /tmp.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_crash_log_is_private_dated_and_carries_the_version(logs):
    before = datetime.now(UTC).replace(microsecond=0)
    path = crashlog.write_crash_log(_exc_info(), command="audit")
    after = datetime.now(UTC)

    assert path is not None and path.parent == logs
    assert _mode(logs) == 0o700
    assert _mode(path) == 0o600
    match = NAME.fullmatch(path.name)
    assert match, path.name
    stamp = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert before <= stamp <= after
    assert int(match[3]) == os.getpid()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"Workbench {__version__} crash log"
    assert lines[1] == f"time:     {stamp:%Y-%m-%d %H:%M:%S} UTC"
    assert lines[3] == "command:  audit"
    assert lines[-1] == "ValueError: boom in deal 'Acme renewal'"
    assert any("Traceback (most recent call last)" in line for line in lines)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_open_log_folder_is_made_private(logs):
    logs.mkdir(mode=0o755)
    os.chmod(logs, 0o755)
    crashlog.write_crash_log(_exc_info())
    assert _mode(logs) == 0o700


def test_two_crashes_in_the_same_second_get_two_files(logs):
    first = crashlog.write_crash_log(_exc_info("first"))
    second = crashlog.write_crash_log(_exc_info("second"))
    assert first != second
    assert first.read_text().endswith("ValueError: first\n")
    assert second.read_text().endswith("ValueError: second\n")


def test_logs_are_rotated_by_count(logs):
    logs.mkdir()
    old = []
    for i in range(crashlog.MAX_LOGS + 5):
        path = logs / f"crash-20250101-0000{i:02d}-1.log"
        path.write_text(f"old {i}\n")
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
        old.append(path)
    unrelated = logs / "notes.txt"
    unrelated.write_text("not a crash log")

    new = crashlog.write_crash_log(_exc_info())

    kept = sorted(logs.glob("crash-*.log"))
    assert len(kept) == crashlog.MAX_LOGS
    assert new in kept
    # The newest MAX_LOGS - 1 old logs stay; the 6 oldest went.
    assert set(kept) == {new, *old[6:]}
    assert unrelated.exists()


def test_logs_are_rotated_by_size_and_one_log_is_capped(logs):
    logs.mkdir()
    big = []
    for i in range(3):
        path = logs / f"crash-20250101-00000{i}-1.log"
        path.write_bytes(b"x" * (900 * 1024))
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
        big.append(path)

    new = crashlog.write_crash_log(_exc_info("y" * (3 * 1024 * 1024)))

    assert new.stat().st_size <= crashlog.MAX_LOG_BYTES + 200
    assert "left out" in new.read_text()
    total = sum(p.stat().st_size for p in logs.glob("crash-*.log"))
    assert total <= crashlog.MAX_TOTAL_BYTES
    # Newest first: the new log and the newest old one fit; the two oldest went.
    assert sorted(logs.glob("crash-*.log")) == sorted([new, big[2]])


def test_an_unwritable_log_folder_falls_back_to_a_private_temporary_folder(logs, tmp_path):
    logs.write_text("a file where the folder should be")
    path = crashlog.write_crash_log(_exc_info())
    assert path is not None
    assert path.parent == tmp_path / "tmp" / f"workbench-logs-{os.getuid()}"
    assert _mode(path.parent) == 0o700 and _mode(path) == 0o600
    assert path.read_text().endswith("ValueError: boom in deal 'Acme renewal'\n")


def test_a_planted_symlink_is_never_followed(logs, tmp_path):
    logs.write_text("not a folder")
    victim = tmp_path / "victim"
    victim.mkdir()
    fallback = tmp_path / "tmp" / f"workbench-logs-{os.getuid()}"
    fallback.symlink_to(victim)
    assert crashlog.write_crash_log(_exc_info()) is None
    assert list(victim.iterdir()) == []


def test_nowhere_to_write_returns_none_and_never_raises(logs, tmp_path, monkeypatch):
    logs.write_text("not a folder")
    monkeypatch.setattr(tempfile, "tempdir", str(logs / "sub"))  # under a file: unusable
    assert crashlog.write_crash_log(_exc_info()) is None


def _broken_info(args):
    raise KeyError("internal slip")


def test_the_command_line_prints_one_plain_line_and_writes_the_log(logs, capsys, monkeypatch):
    monkeypatch.setattr(cli, "cmd_info", _broken_info)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["info", "whatever.engagement", "--json"])
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    [log] = logs.glob("crash-*.log")
    assert err == (
        "error: Workbench hit an internal error (KeyError: 'internal slip'). "
        f"Details were written to {log}; please send that file to support.\n"
    )
    text = log.read_text()
    assert "command:  info\n" in text
    assert "whatever.engagement" not in text  # arguments may name customer files


def test_with_no_writable_folder_the_command_line_still_prints_one_line(logs, capsys, monkeypatch):
    logs.write_text("not a folder")
    monkeypatch.setattr(tempfile, "tempdir", str(logs / "sub"))
    monkeypatch.setattr(cli, "cmd_info", _broken_info)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["info", "whatever.engagement"])
    assert exit_.value.code == 3
    assert capsys.readouterr().err == (
        "error: Workbench hit an internal error (KeyError: 'internal slip'). "
        "The details could not be saved (no writable log folder); please report it.\n"
    )


def test_an_error_in_the_gui_writes_a_crash_log_too(logs, monkeypatch):
    from workbench.ui import app, dialogs

    shown = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, exc, details: shown.append(exc))
    monkeypatch.setattr(sys, "excepthook", lambda *a: None)
    app.install_excepthook(None)
    info = _exc_info("slot failed")
    sys.excepthook(*info)

    [log] = logs.glob("crash-*.log")
    assert "command:  gui\n" in log.read_text()
    assert log.read_text().endswith("ValueError: slot failed\n")
    assert shown == [info[1]]
