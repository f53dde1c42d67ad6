"""Fixtures for the fault suite: private user folders, a small export, CLI runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The code the child processes run (WORKBENCH_TEST_SRC points them at another tree, to
# show a test fails on the code before a fix).
SRC = Path(os.environ.get("WORKBENCH_TEST_SRC") or Path(__file__).resolve().parents[2] / "src")


@pytest.fixture(autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Every fault test has its own mapping library and its own temporary folder."""
    data = tmp_path_factory.mktemp("workbench-data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(data))
    temp = tmp_path_factory.mktemp("tmp")
    monkeypatch.setenv("TMPDIR", str(temp))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def opportunities_csv(path: Path, rows: int, *, start: int = 0, extra: str = "") -> Path:
    """An opportunities export with ``rows`` good rows (and ``extra`` lines appended)."""
    lines = ["Id,Name,AccountId,StageName,Amount,CloseDate"]
    lines += [
        f"006{i:012d}AAA,Deal {i},001{i % 7:012d}AAA,Prospecting,{1000 + i},"
        f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        for i in range(start, start + rows)
    ]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """``python -m workbench ARGS`` in a child process (so exit codes and stderr are real)."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def plain_failure(result: subprocess.CompletedProcess) -> str:
    """Assert a user error (exit 1, one ``error:`` line, no traceback); return the message."""
    assert result.returncode == 1, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def json_of(result: subprocess.CompletedProcess) -> object:
    return json.loads(result.stdout)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The larger fault runs (marked ``slow``) run only when asked for with ``-m slow``."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="larger fault run; select it with -m slow")
    for item in items:
        if "slow" in item.keywords and "tests/faults" in str(item.fspath).replace("\\", "/"):
            item.add_marker(skip)
