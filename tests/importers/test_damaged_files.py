"""Damaged exports are never half-taken: files cut short, stray quotes, bytes that do
not decode and files mixing two encodings (issue 12 item 1; issue 18 items 1 and 9)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.importers import import_file, import_rejects
from workbench.models import Engagement, EngagementMeta

HEADER = "Id,Name,StageName,Amount,CloseDate,OwnerId\n"


def deal_line(i: int, *, stage: str = "Prospecting", amount: int | None = None) -> str:
    return f"006{i:04d},Deal {i},{stage},{amount or 100 + i},2024-01-{1 + i % 28:02d},005{i % 3}\n"


def deals_file(path: Path, n: int, **kw) -> list[str]:
    lines = [deal_line(i, **kw) for i in range(1, n + 1)]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return lines


def table(eng: Engagement, sql: str) -> list[tuple]:
    return eng.conn.execute(sql).fetchall()


def snapshot(eng: Engagement) -> list[tuple]:
    return table(eng, "SELECT * FROM opportunities ORDER BY crm_id") + table(
        eng, "SELECT id, source_name FROM imports ORDER BY id"
    )


# --------------------------------------------------------------------------- stray quotes
def test_stray_quote_at_row_500_rejects_that_row_and_reads_the_rest(new_engagement, tmp_path):
    good = tmp_path / "good.csv"
    lines = deals_file(good, 1000)
    first = import_file(new_engagement, good)
    assert first.rows_imported == 1000
    # A re-export where every amount went up by 1,000 and deal 500's name gained a
    # stray quote: the quote would swallow rows 501-1000 into deal 500's name.
    changed = [deal_line(i, amount=1100 + i) for i in range(1, 1001)]
    changed[499] = changed[499].replace("Deal 500", '"Deal 500')
    damaged = tmp_path / "damaged.csv"
    damaged.write_text(HEADER + "".join(changed), encoding="utf-8")
    result = import_file(new_engagement, damaged)
    assert (result.rows_read, result.rows_updated, result.rows_rejected) == (1000, 999, 1)
    reject = result.rejects[0]
    # Data row 500 is row 501 of the file (the header is row 1).
    assert (reject.row, reject.column) == (501, "Name")
    assert reject.value == "Deal 500,Prospecting,1600,2024-01-25,0052"
    assert "stray" in reject.reason and "500 more lines" in reject.reason
    # Deal 500 keeps every value it had; nothing became blank.
    assert table(
        new_engagement,
        "SELECT name, stage, amount, close_date, owner_crm_id FROM opportunities "
        "WHERE crm_id = '0060500'",
    ) == [("Deal 500", "Prospecting", 600.0, "2024-01-25", "0052")]
    # Its neighbours took the new amounts; no name holds a line break.
    assert table(
        new_engagement, "SELECT amount FROM opportunities WHERE crm_id IN ('0060499', '0060501')"
    ) == [(1599.0,), (1601.0,)]
    assert table(
        new_engagement, "SELECT count(*) FROM opportunities WHERE name LIKE '%' || char(10) || '%'"
    ) == [(0,)]
    assert lines[499] == deal_line(500)


def test_stray_quote_closed_by_a_later_one_rejects_only_the_opening_row(new_engagement, tmp_path):
    lines = [deal_line(i) for i in range(1, 21)]
    lines[4] = lines[4].replace("Deal 5", '"Deal 5')  # opens at data row 5
    lines[11] = lines[11].replace("Deal 12", 'Deal 12"')  # "closes" at data row 12
    path = tmp_path / "two.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (19, 1)
    assert [r.row for r in result.rejects] == [6]
    assert "over 7 more lines" in result.rejects[0].reason
    names = [n for (n,) in table(new_engagement, "SELECT name FROM opportunities ORDER BY crm_id")]
    # Read on its own line, row 12's quote sits inside a value and is kept as written.
    assert names == [f"Deal {i}" + ('"' if i == 12 else "") for i in range(1, 21) if i != 5]


def test_a_real_multi_line_value_is_not_taken_for_a_stray_quote(new_engagement, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        "Id,Name,StageName,Amount,NextStep\n"
        '0061,Alpha,Prospecting,100,"Call CFO, then legal, then IT, then close\nsecond line"\n'
        "0062,Beta,Prospecting,200,none\n",
        encoding="utf-8",
    )
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (2, 0)
    assert table(new_engagement, "SELECT next_step FROM opportunities ORDER BY crm_id") == [
        ("Call CFO, then legal, then IT, then close\nsecond line",),
        ("none",),
    ]


# --------------------------------------------------------------------------- files cut short
SF_REPORT = (
    '"Opportunity ID","Opportunity Name","Account Name","Stage","Amount","Close Date"\r\n'
    '"0061","Robot arm","Acme","Prospecting","1000","1/15/2024"\r\n'
    '"0062","Grünfeld renewal","Grünfeld","Closed Won","2000","2/15/2024"\r\n'
    '"0063","Conveyor, phase 2","Initech","Negotiation","3000","3/15/2024"\r\n'
)


def cut_points(data: bytes, encoding: str) -> dict[str, int]:
    """Byte offsets inside the last record: inside its quoted stage value ("Ne|gotiation"),
    inside a character and between two of its values."""
    stage = data.rindex("Negotiation".encode(encoding)[2:])  # no BOM for UTF-16
    return {
        "quoted value": stage + len("Ne".encode(encoding)[2:] if encoding == "utf-16" else b"Ne"),
        "character": stage + (3 if encoding == "utf-16" else 0),
        "between values": data.rindex(
            '"3000"'.encode(encoding)[2:] if encoding == "utf-16" else b'"3000"'
        ),
    }


@pytest.mark.parametrize("where", ["quoted value", "character", "between values"])
def test_utf16_report_cut_off_is_refused_naming_the_last_complete_row(
    new_engagement, tmp_path, where
):
    earlier = tmp_path / "earlier.csv"
    deals_file(earlier, 3)
    import_file(new_engagement, earlier)
    before = snapshot(new_engagement)
    data = SF_REPORT.encode("utf-16")
    cut = cut_points(data, "utf-16")[where]
    if where == "character":
        assert cut % 2 == 1  # half of a UTF-16 code unit
    path = tmp_path / "Open Pipeline.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(WorkbenchError) as info:
        import_file(new_engagement, path)
    message = str(info.value)
    assert message.startswith("Open Pipeline.csv is cut off: it ends ")
    assert "in row 4; the last complete row is row 3. Nothing was imported" in message
    assert snapshot(new_engagement) == before


def test_utf8_file_cut_inside_a_character_is_refused(new_engagement, tmp_path):
    data = SF_REPORT.replace("Negotiation", "Négociation").encode("utf-8")
    cut = data.rindex("é".encode()) + 1  # the first of the two bytes of "é"
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:cut])
    with pytest.raises(WorkbenchError, match="in the middle of a character in row 4"):
        import_file(new_engagement, path)
    assert table(new_engagement, "SELECT count(*) FROM opportunities") == [(0,)]


def test_file_cut_right_after_a_line_break_inside_a_quoted_value(new_engagement, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(
        "Id,Name,StageName,Amount,NextStep\n"
        "0061,Alpha,Prospecting,100,done\n"
        '0062,Beta,Prospecting,200,"first line of the note\n',
        encoding="utf-8",
    )
    with pytest.raises(WorkbenchError) as info:
        import_file(new_engagement, path)
    assert (
        "inside a quoted value that is never closed in row 3; the last complete row is "
        "row 2" in str(info.value)
    )


def test_cut_in_the_first_data_row_names_the_header(new_engagement, tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text('Id,Name,StageName,Amount\n0061,"Alp', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="the last complete row is the header"):
        import_file(new_engagement, path)


def test_cli_refuses_a_cut_file_with_exit_1_and_one_line(tmp_path, capsys):
    eng = tmp_path / "Acme.engagement"
    Engagement.create(eng, EngagementMeta(customer="Acme")).close()
    path = tmp_path / "cut.csv"
    path.write_bytes(SF_REPORT.encode("utf-16")[:-9])
    with pytest.raises(SystemExit) as info:
        main(["import", str(eng), str(path)])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cut.csv is cut off") and "Traceback" not in err
    with sqlite3.connect(eng) as conn:
        assert conn.execute("SELECT count(*) FROM imports").fetchone() == (0,)


def test_complete_last_row_without_a_line_break_is_kept_with_a_note(new_engagement, tmp_path):
    path = tmp_path / "no-newline.csv"
    path.write_text("Id,Name,StageName,Amount\n0061,Alpha,Prospecting,100", encoding="utf-8")
    result = import_file(new_engagement, path)
    assert result.rows_imported == 1
    assert any("does not end with a line break" in n and "row 2" in n for n in result.notes)


# --------------------------------------------------------------------------- encodings
def test_mixed_utf8_and_windows_1252_rows_are_each_read_right(new_engagement, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        HEADER.encode()
        + "0061,Café Alpha,Prospecting,1,2024-01-01,0051\n".encode()
        + "0062,Café Beta,Prospecting,2,2024-01-01,0051\n".encode("cp1252")
        + "0063,Zoë Gamma,Prospecting,3,2024-01-01,0051\n".encode()
        + b"0064,Broken \x81 byte,Prospecting,4,2024-01-01,0051\n"
    )
    result = import_file(new_engagement, path)
    assert (result.encoding, result.rows_imported, result.rows_rejected) == ("utf-8", 3, 1)
    assert table(new_engagement, "SELECT name FROM opportunities ORDER BY crm_id") == [
        ("Café Alpha",),
        ("Café Beta",),
        ("Zoë Gamma",),
    ]
    assert any("read as Windows-1252 (row 3)" in n for n in result.notes)
    stored = import_rejects(new_engagement, result.import_id)
    assert [(r.row, r.column) for r in stored] == [(5, None)]
    assert "not valid UTF-8 or Windows-1252 text" in stored[0].reason
    assert table(
        new_engagement,
        "SELECT count(*) FROM opportunities WHERE name LIKE '%' || "
        "char(65533) || '%' OR name LIKE '%Ã%'",
    ) == [(0,)]


def test_windows_1252_file_with_an_undefined_byte_rejects_only_that_row(new_engagement, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_bytes(
        HEADER.encode("cp1252")
        + "0061,Müller,Prospecting,1,2024-01-01,0051\n".encode("cp1252")
        + b"0062,Bad \x81 here,Prospecting,2,2024-01-01,0051\n"
        + "0063,Größe,Prospecting,3,2024-01-01,0051\n".encode("cp1252")
    )
    result = import_file(new_engagement, path)
    assert (result.rows_imported, result.rows_rejected) == (2, 1)
    assert result.rejects[0].row == 3
    assert table(new_engagement, "SELECT name FROM opportunities ORDER BY crm_id") == [
        ("Müller",),
        ("Größe",),
    ]
