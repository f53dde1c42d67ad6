"""The README documents every command (sqlite-utils' test_docs idea)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli import COMMAND_MODULES, CORE_COMMANDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
ALL_COMMANDS = sorted(set(CORE_COMMANDS).union(*COMMAND_MODULES.values()))


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_readme_documents_every_command(command: str) -> None:
    assert f"workbench {command}" in README


def test_readme_states_the_two_set_up_commands() -> None:
    assert "pip install . && workbench demo" in README
    assert 'pip install ".[test]" && pytest' in README


@pytest.mark.parametrize(
    "page", ["importers", "audits", "lifecycle", "evaluation", "scoring", "reports", "gui", "demo"]
)
def test_readme_links_each_capability_reference(page: str) -> None:
    assert f"docs/{page}.md" in README
    assert (Path(__file__).resolve().parents[1] / "docs" / f"{page}.md").exists()
