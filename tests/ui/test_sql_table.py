"""The lazy SQL table model: a million rows without selecting them all."""

from __future__ import annotations

import tracemalloc

import pytest
from PySide6.QtCore import Qt

from workbench.models import Engagement
from workbench.ui.models.sql_table import SqlTableModel
from workbench.ui.tables import LazyTable

pytestmark = pytest.mark.slow

MILLION = 1_000_000
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost")


def fill_opportunities(eng: Engagement, n: int) -> None:
    """n generated opportunities: crm_id OPP0000000.., stage cycles, amount = i * 10."""
    rows = (
        (
            f"OPP{i:07d}",
            f"Deal {i}",
            f"ACC{i % 5000:05d}",
            STAGES[i % 6],
            float(i * 10),
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        )
        for i in range(n)
    )
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO opportunities (crm_id, name, account_crm_id, stage, amount, close_date) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    from workbench.models import EngagementMeta

    path = tmp_path_factory.mktemp("million") / "Big.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Big Co"))
    fill_opportunities(eng, MILLION)
    yield eng
    eng.close()


COLUMNS = ["crm_id", "name", "stage", "amount", "close_date"]


def test_a_million_rows_read_top_middle_and_end_in_a_few_windows(million, qtbot):
    tracemalloc.start()
    model = SqlTableModel(million.conn, "opportunities", columns=COLUMNS, block_rows=200)
    assert model.rowCount() == MILLION
    assert model.columnCount() == 5
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Close date"
    assert model.data(model.index(0, 0)) == "OPP0000000"
    assert model.data(model.index(500_000, 1)) == "Deal 500000"
    assert model.data(model.index(MILLION - 1, 0)) == "OPP0999999"
    assert model.data(model.index(MILLION - 1, 3)) == "9,999,990.00"
    assert model.data(model.index(MILLION - 1, 3), Qt.ItemDataRole.UserRole) == 9_999_990.0
    # Three windows of 200 rows were read, not the table.
    assert len(model._blocks) == 3
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024
    model.close()


def test_sorting_a_million_rows_by_amount_descending_puts_the_largest_first(million, qtbot):
    model = SqlTableModel(million.conn, "opportunities", columns=COLUMNS)
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() == MILLION
    assert model.row(0)[0] == "OPP0999999"
    assert model.row(MILLION - 1)[0] == "OPP0000000"
    assert model.row(250_000)[3] == (MILLION - 1 - 250_000) * 10.0
    model.sort(-1)
    assert model.row(0)[0] == "OPP0000000"
    model.close()


def test_filter_text_keeps_matching_rows_across_text_columns(million, qtbot):
    model = SqlTableModel(million.conn, "opportunities", columns=COLUMNS)
    model.set_filter("deal 99999")  # case-insensitive; Deal 99999 and Deal 999990..999999
    assert model.rowCount() == 11
    assert [model.row(i)[1] for i in (0, 1, 10)] == ["Deal 99999", "Deal 999990", "Deal 999999"]
    model.set_filter("closed won")
    assert model.rowCount() == MILLION // 6 + (1 if MILLION % 6 > 4 else 0)
    model.set_filter("")
    assert model.rowCount() == MILLION
    model.close()


def test_the_table_widget_filters_after_the_debounce_and_counts_rows(million, qtbot):
    table = LazyTable(
        SqlTableModel(million.conn, "opportunities", columns=COLUMNS), noun="opportunities"
    )
    qtbot.addWidget(table)
    assert table.count_label.text() == "1,000,000 opportunities"
    table.search.setText("OPP000001")
    assert table.model.rowCount() == MILLION  # not yet: the filter waits for a pause
    qtbot.waitUntil(lambda: table.model.rowCount() == 10, timeout=5000)
    assert table.count_label.text() == "10 opportunities matching \u201cOPP000001\u201d"
    table.set_model(None)


def test_gaps_in_rowids_fall_back_to_a_position_index(new_engagement, qtbot):
    fill_opportunities(new_engagement, 1000)
    with new_engagement.atomic() as conn:
        conn.execute("DELETE FROM opportunities WHERE id % 2 = 0")
    model = SqlTableModel(new_engagement.conn, "opportunities", columns=COLUMNS, block_rows=64)
    assert model.rowCount() == 500
    assert [model.row(i)[0] for i in (0, 1, 499)] == ["OPP0000000", "OPP0000002", "OPP0000998"]
    model.close()


def test_a_fixed_condition_restricts_rows(new_engagement, qtbot):
    fill_opportunities(new_engagement, 600)
    model = SqlTableModel(
        new_engagement.conn,
        "opportunities",
        columns=COLUMNS,
        where="stage = ?",
        params=["Closed Won"],
    )
    assert model.rowCount() == 100
    assert model.row(0)[0] == "OPP0000004"
    model.close()


def test_owner_and_account_ids_read_as_names(demo_context):
    """People read names: the owner and account columns show them, the id stays in the tooltip."""
    from PySide6.QtCore import Qt

    from workbench.ui.models.sql_table import SqlTableModel

    conn = demo_context.engagement.conn
    model = SqlTableModel(conn, "opportunities", columns=["crm_id", "account_crm_id", "owner_crm_id"])
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["CRM ID", "Account", "Owner"]
    crm_id, account_id, owner_id = model.row(0)
    account = conn.execute("SELECT name FROM accounts WHERE crm_id = ?", (account_id,)).fetchone()[0]
    owner = conn.execute("SELECT name FROM users WHERE crm_id = ?", (owner_id,)).fetchone()[0]
    assert model.data(model.index(0, 1)) == account
    assert model.data(model.index(0, 2)) == owner
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == f"{owner} ({owner_id})"
    assert model.data(model.index(0, 2), Qt.ItemDataRole.UserRole) == owner_id
    raw = SqlTableModel(conn, "opportunities", columns=["owner_crm_id"], names=False)
    assert raw.data(raw.index(0, 0)) == owner_id
