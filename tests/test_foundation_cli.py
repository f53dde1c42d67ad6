"""The command line: new, info, --version, and the error and exit-code rules."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import __version__
from workbench.cli import main
from workbench.models import Engagement, EngagementMeta

SRC = Path(__file__).resolve().parents[1] / "src"


def run(*args: str) -> subprocess.CompletedProcess:
    """Run ``python -m workbench`` as a user would, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, env=env
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_version_prints_the_package_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"workbench {__version__}"


def test_new_then_info_json_reports_metadata_and_counts(tmp_path: Path, capsys) -> None:
    path = tmp_path / "Globex.engagement"
    assert (
        main(
            [
                "new",
                str(path),
                "--customer",
                "Globex",
                "--kind",
                "conversation-intelligence",
                "--type",
                "dedicated",
                "--methodology",
                "SPICED",
                "--jurisdiction",
                "US-CA",
                "--jurisdiction",
                "DE",
                "--currency",
                "eur",
                "--fiscal-start",
                "4",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["customer"] == "Globex"
    assert info["project_kind"] == "conversation-intelligence"
    assert info["engagement_type"] == "dedicated"
    assert info["methodology"] == "SPICED"
    assert info["jurisdictions"] == ["US-CA", "DE"]
    assert info["currency"] == "EUR"
    assert info["fiscal_year_start_month"] == 4
    assert info["counts"]["opportunities"] == 0
    assert set(info["counts"]) >= {"opportunities", "accounts", "contacts", "users", "meetings"}


def test_new_adds_the_extension_and_info_prints_readable_text(tmp_path: Path) -> None:
    result = run(
        "new", str(tmp_path / "Initech"), "--customer", "Initech", "--kind", "revenue-intelligence"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "Initech.engagement").exists()
    result = run("info", str(tmp_path / "Initech.engagement"))
    assert result.returncode == 0
    assert "Initech" in result.stdout and "opportunities" in result.stdout


def test_info_counts_records(new_engagement: Engagement, capsys) -> None:
    with new_engagement.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, name) VALUES (?, ?)",
            [(f"006{i:015d}", "d") for i in range(12)],
        )
    path = new_engagement.path
    new_engagement.close()
    assert main(["info", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["opportunities"] == 12


BAD_FILES = {
    "text.engagement": b"Opportunity Name,Amount\nBig deal,100\n",
    "empty.engagement": b"",
    "zeros.engagement": b"\x00" * 2048,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_exit_1_with_one_plain_line_and_stay_unchanged(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    before = digest(path)
    for command in (["info", str(path)], ["info", str(path), "--json"], ["gui", str(path)]):
        result = run(*command)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "Traceback" not in result.stderr
        assert digest(path) == before


def test_foreign_sqlite_and_newer_files_exit_1_unchanged(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.engagement"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.engagement"
    Engagement.create(newer, EngagementMeta(customer="A")).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    for path, words in ((foreign, "another program"), (newer, "newer Workbench")):
        before = digest(path)
        result = run("info", str(path))
        assert result.returncode == 1
        assert result.stderr.startswith("error: ") and words in result.stderr
        assert digest(path) == before


def test_missing_file_and_existing_target_are_plain_errors(tmp_path: Path) -> None:
    result = run("info", str(tmp_path / "nowhere.engagement"))
    assert result.returncode == 1 and "does not exist" in result.stderr
    target = tmp_path / "taken.engagement"
    target.write_text("mine")
    result = run("new", str(target), "--customer", "X", "--kind", "revenue-intelligence")
    assert result.returncode == 1 and "already exists" in result.stderr
    assert target.read_text() == "mine"


@pytest.mark.parametrize(
    "args",
    [
        ["new", "x.engagement", "--customer", "X", "--kind", "sales"],
        ["new", "x.engagement", "--kind", "revenue-intelligence"],
        [
            "new",
            "x.engagement",
            "--customer",
            "X",
            "--kind",
            "revenue-intelligence",
            "--fiscal-start",
            "march",
        ],
        ["info"],
        ["--no-such-flag"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.engagement").exists()


def test_invalid_values_exit_1_and_create_nothing(tmp_path: Path) -> None:
    for extra, words in (
        (["--fiscal-start", "13"], "month"),
        (["--currency", "dollars"], "Currency"),
    ):
        result = run(
            "new",
            str(tmp_path / "x.engagement"),
            "--customer",
            "X",
            "--kind",
            "revenue-intelligence",
            *extra,
        )
        assert result.returncode == 1 and words in result.stderr
    assert not list(tmp_path.iterdir())


def test_second_writer_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    path = tmp_path / "held.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Held"))
    try:
        result = run("gui", str(path))
        assert result.returncode == 1
        assert "already open for writing" in result.stderr and "--read-only" in result.stderr
        # Reading commands still work while another process writes.
        assert run("info", str(path)).returncode == 0
    finally:
        eng.close()


def test_gui_without_display_says_so(tmp_path: Path) -> None:
    result = run("gui")
    assert result.returncode == 1
    assert "no display" in result.stderr


def test_command_index_lists_exactly_what_each_module_registers() -> None:
    import argparse
    import importlib

    from workbench.cli import COMMAND_MODULES, CORE_COMMANDS

    seen: set[str] = set(CORE_COMMANDS)
    for module, names in COMMAND_MODULES.items():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        assert sorted(sub.choices) == sorted(names), module
        assert not seen & set(names), f"{module} reuses a command name"
        seen |= set(names)


def test_core_commands_do_not_import_the_heavy_capabilities() -> None:
    code = (
        "import sys; from workbench.cli import build_parser, _modules_for; "
        "build_parser(_modules_for(['info'])); "
        "print(sorted(m for m in ('sklearn', 'matplotlib', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert result.stdout.strip() == "[]", result.stderr
