"""GUI benchmarks: time to first window and time to first rows of a 1M-row table.

Run: ``QT_QPA_PLATFORM=offscreen PYTHONPATH=src:. python bench/bench_gui.py``

Floors, measured in the same run:

- first window: a fresh process that imports PySide6, creates the QApplication and
  shows an empty QMainWindow. Ours does the same plus importing Workbench, building
  the main window and opening an engagement on its first page. The ratio is what
  Workbench adds on top of Qt's own start-up.
- first rows: ``SELECT count(*)`` plus ``SELECT ... LIMIT 100`` on a fresh connection:
  the least any scrolling view must do (it needs the row count to size the
  scroll bar). The plain ``LIMIT 100`` time is printed too. Ours builds ``SqlTableModel`` (row count, rowid range) and reads
  the same 100 rows through ``data()``. Also measured: a jump to the last window, and
  the first rows after sorting by amount (position index over a million rows) against
  ``SELECT ... ORDER BY amount DESC LIMIT 100`` (SQLite's top-N sort).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from bench.harness import OUT, Result, report, run_in_child, time_call  # noqa: E402

ROWS = 1_000_000
COLUMNS = ["crm_id", "name", "stage", "amount", "close_date"]
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost")


def big_engagement() -> Path:
    """A 1M-opportunity engagement under bench/out (built once, reused)."""
    from workbench.models import Engagement, EngagementMeta

    path = OUT / "gui-1m.engagement"
    if path.exists():
        return path
    OUT.mkdir(exist_ok=True)
    eng = Engagement.create(path, EngagementMeta(customer="Benchmark Co"))
    rows = (
        (
            f"OPP{i:07d}",
            f"Deal {i}",
            STAGES[i % 6],
            float((i * 7919) % 1_000_003),
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(ROWS)
    )
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, name, stage, amount, close_date) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    eng.close()
    return path


def empty_main_window() -> float:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    return 0.0


def workbench_window(path: str) -> float:
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow

    app = application()
    window = MainWindow()
    window.show()
    window.open_file(path, read_only=True)
    app.processEvents()
    window.grab()  # the first page is painted
    return 0.0


def first_rows_floor(path: Path, count: bool = True) -> list:
    conn = sqlite3.connect(path)
    if count:
        conn.execute("SELECT count(*) FROM opportunities").fetchone()
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM opportunities LIMIT 100").fetchall()
    conn.close()
    return rows


def sorted_rows_floor(path: Path) -> list:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        f"SELECT {', '.join(COLUMNS)} FROM opportunities ORDER BY amount DESC LIMIT 100"
    ).fetchall()
    conn.close()
    return rows


def model_first_rows(path: Path, sort: bool = False, last: bool = False) -> list:
    from PySide6.QtCore import Qt

    from workbench.ui.models.sql_table import SqlTableModel

    conn = sqlite3.connect(path)
    model = SqlTableModel(conn, "opportunities", columns=COLUMNS)
    if sort:
        model.sort(3, Qt.SortOrder.DescendingOrder)
    start = model.rowCount() - 100 if last else 0
    rows = [[model.data(model.index(r, c)) for c in range(5)] for r in range(start, start + 100)]
    model.close()
    conn.close()
    return rows


def main() -> int:
    path = big_engagement()
    floor_s, floor_mb, _ = run_in_child(empty_main_window)
    ours_s, ours_mb, _ = run_in_child(workbench_window, str(path))
    report(
        Result(
            "gui: time to first window (open a 1M-row engagement)",
            ours_s,
            "empty QMainWindow",
            floor_s,
            ours_mb,
            {"floor_peak_mb": round(floor_mb)},
        )
    )

    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    first_rows_floor(path)  # warm the OS cache for both
    floor, _ = time_call(lambda: first_rows_floor(path), repeat=3)
    bare, _ = time_call(lambda: first_rows_floor(path, count=False), repeat=3)
    extra = {"bare_limit_100_ms": round(bare * 1000, 2)}
    ours, rows = time_call(lambda: model_first_rows(path), repeat=3)
    assert rows[0][0] == "OPP0000000"
    report(
        Result(
            "gui: first 100 rows of 1M (lazy model)",
            ours,
            "count(*) + SELECT ... LIMIT 100",
            floor,
            extra=extra,
        )
    )
    ours, rows = time_call(lambda: model_first_rows(path, last=True), repeat=3)
    assert rows[-1][0] == "OPP0999999"
    report(
        Result(
            "gui: last 100 rows of 1M (lazy model)",
            ours,
            "count(*) + SELECT ... LIMIT 100",
            floor,
            extra=extra,
        )
    )
    floor, _ = time_call(lambda: sorted_rows_floor(path), repeat=2)
    ours, _ = time_call(lambda: model_first_rows(path, sort=True), repeat=2)
    report(
        Result(
            "gui: first 100 rows of 1M sorted by amount",
            ours,
            "SELECT ... ORDER BY amount DESC LIMIT 100",
            floor,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
