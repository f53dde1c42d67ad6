"""Start-up: ``workbench --help``, ``--version`` and ``info`` load no heavy library.

Structural, not timed: the test looks at which modules a real ``python -m workbench``
process has loaded when it exits. Timing lives in ``bench/bench_startup.py``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import cli
from workbench.models import Engagement, EngagementMeta

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("pandas", "numpy", "sklearn", "scipy", "matplotlib", "PySide6", "splink", "duckdb")

# Runs the CLI exactly as ``python -m workbench ARGS`` does, then prints which heavy
# libraries ended up in sys.modules (on stderr, after the command's own output).
PROBE = f"""
import sys
sys.argv = ["workbench", *sys.argv[1:]]
from workbench.cli import main
try:
    code = main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
sys.stderr.write("LOADED=" + ",".join(heavy) + "\\n")
"""


def loaded_by(*args: str) -> tuple[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env
    )
    line = [x for x in result.stderr.splitlines() if x.startswith("LOADED=")]
    assert line, result.stderr
    names = line[-1].removeprefix("LOADED=")
    return result.stdout, [n for n in names.split(",") if n]


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("--version",), ("--no-such-option",)])
def test_help_and_version_load_no_heavy_library(args: tuple[str, ...]) -> None:
    out, heavy = loaded_by(*args)
    assert heavy == []
    if args[0] in ("--help", "-h"):
        # Every command is still listed, capability commands included.
        for name in ("import", "audit", "calibrate", "score", "export", "coaching", "pull"):
            assert f"    {name} " in out


def test_info_loads_no_heavy_library(tmp_path: Path) -> None:
    path = tmp_path / "acme.engagement"
    Engagement.create(
        path, EngagementMeta(customer="Acme", project_kind="revenue-intelligence")
    ).close()
    out, heavy = loaded_by("info", str(path))
    assert heavy == []
    assert out.startswith("Acme  (revenue-intelligence")


def test_command_summaries_equal_what_each_module_registers() -> None:
    for module in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(module).register(sub)
        registered = [(a.dest, a.help or "") for a in sub._choices_actions]
        assert cli.command_summaries(module) == registered, module


def test_light_help_is_the_full_help_word_for_word() -> None:
    full = cli.build_parser().format_help()
    light = cli.build_parser(summaries_only=True).format_help()
    assert light == full


def test_without_readable_sources_help_imports_the_modules(monkeypatch) -> None:
    # A frozen bundle may ship compiled modules only: --help then registers the
    # commands the ordinary way (slower, same text).
    monkeypatch.setattr(cli.Path, "read_text", lambda *a, **k: (_ for _ in ()).throw(OSError()))
    assert cli.command_summaries("workbench.commands.reports") is None
    light = cli.build_parser(summaries_only=True).format_help()
    monkeypatch.undo()
    assert light == cli.build_parser().format_help()
