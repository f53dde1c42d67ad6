"""The bundled entry point; without a console (Windows' workbench-gui.exe) a failure
is shown in a message box instead of vanishing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from workbench import __version__

ENTRY = Path(__file__).resolve().parents[2] / "installers" / "workbench_entry.py"


@pytest.fixture
def entry():
    spec = importlib.util.spec_from_file_location("workbench_entry", ENTRY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_with_a_console_it_is_the_workbench_command(entry, capsys):
    shown = []
    assert entry.main(["--version"], show=shown.append) == 0
    assert capsys.readouterr().out == f"workbench {__version__}\n"
    assert shown == []


def test_without_a_console_a_failure_is_shown_in_a_message_box(entry, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    missing = tmp_path / "Acme.engagement"
    shown = []
    assert entry.main(["info", str(missing)], show=shown.append) == 1
    [text] = shown
    assert str(missing) in text
    assert not text.startswith("error:")


def test_without_a_console_success_shows_nothing(entry, monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    shown = []
    assert entry.main(["--version"], show=shown.append) == 0
    assert shown == []
