"""Fixtures for the importer tests: a private mapping library and generated exports."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture(autouse=True)
def private_library(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Every importer test uses its own user data folder (mapping library)."""
    folder = tmp_path_factory.mktemp("workbench-data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def write_opportunities_csv(path: Path, rows: int, *, start: int = 0) -> Path:
    """A Salesforce API-name opportunity export with ``rows`` rows (plain UTF-8)."""
    lines = ["Id,Name,AccountId,OwnerId,StageName,Amount,CloseDate,IsWon,Champion__c"]
    for i in range(start, start + rows):
        lines.append(
            f"006{i:012d}AAA,Deal {i},001{i % 97:012d}AAA,005{i % 7:012d}AAA,"
            f"Qualification,{1000 + i}.50,2024-{1 + i % 12:02d}-{1 + i % 28:02d},false,"
            f"Jane {i % 5}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def opportunities_csv():
    """The generator of Salesforce API-name opportunity exports (see above)."""
    return write_opportunities_csv
