"""The audits read text with SQLite's own UTF-8 decoder, the engagement's way only when
some text is not UTF-8 (then shown with replacement characters, as before)."""

from __future__ import annotations

import sqlite3

from workbench.audits.common import AuditData
from workbench.models.engagement import _TEXT, builtin_utf8, is_decode_error

ROWS = [("o1", "Acme", "Prospecting"), ("o2", "Zürich", "Négociation – étape 3")]


def _add(eng, stage_sql: str = "?") -> None:
    with eng.atomic() as conn:
        for crm_id, name, stage in ROWS:
            conn.execute(
                "INSERT INTO opportunities (crm_id, name, stage) VALUES (?, ?, ?)",
                (crm_id, name, stage),
            )
        conn.execute(
            f"INSERT INTO opportunities (crm_id, name, stage) VALUES ('o3', 'Plain', {stage_sql})",
            () if stage_sql != "?" else ("Qualification",),
        )


def test_valid_text_reads_the_same_and_the_connection_is_left_as_it_was(new_engagement) -> None:
    eng = new_engagement
    _add(eng)
    stages = AuditData(eng).table("opportunities").set_index("crm_id")["stage"].to_dict()
    assert stages == {"o1": "Prospecting", "o2": "Négociation – étape 3", "o3": "Qualification"}
    assert eng.conn.text_factory is _TEXT


def test_text_that_is_not_utf8_is_read_again_with_replacement_characters(new_engagement) -> None:
    eng = new_engagement
    _add(eng, "CAST(x'41636d65ff' AS TEXT)")  # a stage 'Acme' and a stray byte
    with builtin_utf8(eng.conn) as switched:
        assert switched and eng.conn.text_factory is str
        try:
            eng.conn.execute("SELECT stage FROM opportunities WHERE crm_id = 'o3'").fetchall()
        except sqlite3.OperationalError as exc:
            assert is_decode_error(exc)
        else:
            raise AssertionError("the built-in decoder accepted text that is not UTF-8")
    assert eng.conn.text_factory is _TEXT
    stages = AuditData(eng).table("opportunities").set_index("crm_id")["stage"].to_dict()
    assert stages == {"o1": "Prospecting", "o2": "Négociation – étape 3", "o3": "Acme\ufffd"}
    assert eng.conn.text_factory is _TEXT


def test_a_connection_of_its_own_is_not_switched() -> None:
    conn = sqlite3.connect(":memory:")
    with builtin_utf8(conn) as switched:
        assert not switched and conn.text_factory is str
    assert not is_decode_error(sqlite3.OperationalError("no such table: x"))
