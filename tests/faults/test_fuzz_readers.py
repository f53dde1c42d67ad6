"""Property-based and random-file fuzzing of every reader: zero tracebacks.

Every case ends either in a result or in a ``WorkbenchError`` (a plain message); any
other exception is a traceback a user would have seen, and fails the test. Cases are
derandomised, so a run is reproducible; the numbers are in ``CASES`` (and the README).
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from workbench.cli import main
from workbench.errors import DamagedEngagement, WorkbenchError
from workbench.importers import import_file
from workbench.importers.library import load_mapping_file
from workbench.models import Engagement, EngagementMeta

CASES = {
    "csv text": 120,
    "csv bytes": 60,
    "xlsx cells": 40,
    "xlsx damaged bytes": 60,
    "mapping files": 80,
    "evaluation workbooks": 40,
    "engagement damaged pages": 40,
    "hostile schemas": 40,
    "transcripts": 120,
    "transcript json": 80,
    "transcript bytes": 60,
}
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate", "OwnerId", "Notes"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def eng(workspace: Path):
    engagement = Engagement.create(workspace / "Fuzz.engagement", EngagementMeta(customer="Fuzz"))
    yield engagement
    engagement.close()


def _import_quietly(eng: Engagement, path: Path, **kw) -> None:
    before = eng.counts()
    try:
        import_file(eng, path, **kw)
    except WorkbenchError as exc:
        assert str(exc).strip(), "a plain message is never empty"
        assert eng.counts() == before  # a refused import changes nothing
    assert not eng.conn.in_transaction


cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "1e308",
            "-1e999",
            "NaN",
            "inf",
            "2500-01-01",
            "1677-09-21",
            "12/31/9999",
            "=1+1",
            '"',
            '""',
            "\x00",
            "\v",
            "\r",
            "006A",
            "$1,234.50",
            "1.234,50 EUR",
            "(500)",
        ]
    ),
)


@settings(max_examples=CASES["csv text"], **SETTINGS)
@given(
    header=st.lists(st.sampled_from(HEADERS + ["", "Id"]), min_size=1, max_size=8),
    rows=st.lists(st.lists(cell, max_size=9), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_csv_text(eng, workspace, header, rows, delimiter, encoding) -> None:
    lines = [delimiter.join(header)] + [delimiter.join(r) for r in rows]
    text = "\n".join(lines)
    path = workspace / "fuzz.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    _import_quietly(eng, path)


@settings(max_examples=CASES["csv bytes"], **SETTINGS)
@given(data=st.binary(max_size=2000))
def test_csv_bytes(eng, workspace, data) -> None:
    path = workspace / "bytes.csv"
    path.write_bytes(b"Id,Name,StageName,Amount,CloseDate\n" + data)
    _import_quietly(eng, path)


@settings(max_examples=CASES["xlsx cells"], **SETTINGS)
@given(rows=st.lists(st.lists(cell, max_size=8), max_size=10))
def test_xlsx_cells(eng, workspace, rows) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS[:6])
    for r in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub(" ", c) for c in r])
    path = workspace / "cells.xlsx"
    wb.save(path)
    _import_quietly(eng, path)


def _good_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS[:6])
    for i in range(30):
        ws.append([f"006{i:05d}", f"Deal {i}", "001A", "Prospecting", 1000 + i, "2024-05-01"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_damaged_bytes(eng, workspace) -> None:
    """Random damage to a good workbook: flipped bytes, truncation, damaged XML parts."""
    good = _good_xlsx()
    rng = random.Random(18)
    path = workspace / "damaged.xlsx"
    for case in range(CASES["xlsx damaged bytes"]):
        kind = case % 3
        if kind == 0:  # flip a few bytes anywhere
            data = bytearray(good)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            path.write_bytes(bytes(data))
        elif kind == 1:  # cut short
            path.write_bytes(good[: rng.randrange(8, len(good))])
        else:  # a valid zip whose XML parts are damaged
            src = zipfile.ZipFile(io.BytesIO(good))
            with zipfile.ZipFile(path, "w") as zf:
                for info in src.infolist():
                    data = src.read(info.filename)
                    if rng.random() < 0.4 and data:
                        cut = rng.randrange(len(data))
                        data = data[:cut] + bytes(rng.randrange(256) for _ in range(5)) + data[cut:]
                    zf.writestr(info.filename, data)
        _import_quietly(eng, path)


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=CASES["mapping files"], **SETTINGS)
@given(
    content=st.one_of(
        json_value.map(json.dumps),
        st.dictionaries(
            st.sampled_from(["crm_id", "name", "amount", "stage", "close_date", "nonsense"]),
            st.one_of(st.sampled_from(HEADERS), st.text(max_size=8), st.integers(), st.none()),
            max_size=5,
        ).map(lambda m: json.dumps({"entity": "opportunities", "mapping": m})),
        st.text(max_size=60),
    )
)
def test_mapping_files(eng, workspace, content) -> None:
    path = workspace / "mapping.json"
    path.write_text(content, encoding="utf-8")
    source = workspace / "mapped.csv"
    source.write_text("Id,Name,StageName,Amount,CloseDate\n006Z,Deal,Won,5,2024-01-01\n")
    try:
        entity, mapping = load_mapping_file(path)
    except WorkbenchError:
        return
    _import_quietly(eng, source, entity=entity or "opportunities", mapping=mapping)


@pytest.fixture(scope="module")
def evaluation(workspace: Path):
    from workbench.evaluation.store import create_evaluation, load_matrix
    from workbench.evaluation.workbook import export_workbook

    path = workspace / "Eval.engagement"
    with Engagement.create(path, EngagementMeta(customer="Eval")) as eng:
        create_evaluation(eng, "conversation-intelligence")
        matrix = load_matrix(eng)
    xlsx = export_workbook(matrix, workspace / "evaluation.xlsx", customer="Eval")
    return matrix, xlsx


@settings(max_examples=CASES["evaluation workbooks"], **SETTINGS)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=5),
            st.integers(min_value=1, max_value=40),
            st.integers(min_value=1, max_value=12),
            st.one_of(cell, st.floats(allow_nan=True), st.integers(), st.none()),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_evaluation_workbooks(evaluation, workspace, edits) -> None:
    from workbench.evaluation.workbook_import import read_changes

    matrix, xlsx = evaluation
    wb = openpyxl.load_workbook(xlsx)
    for sheet, row, col, value in edits:
        ws = wb.worksheets[sheet % len(wb.worksheets)]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
            if value.startswith("="):
                value = "'" + value
        ws.cell(row=row, column=col).value = value
    edited = workspace / "edited.xlsx"
    wb.save(edited)
    try:
        diff = read_changes(edited, matrix, customer="Eval")
    except WorkbenchError:
        return
    assert diff is not None


def test_engagement_files_with_damaged_pages(workspace: Path, capsys) -> None:
    """Random pages of a real engagement overwritten: ``info`` and ``audit`` exit 0 or 1."""
    original = workspace / "Pages.engagement"
    with Engagement.create(original, EngagementMeta(customer="Pages")) as eng:
        source = workspace / "pages.csv"
        lines = ["Id,Name,AccountId,StageName,Amount,CloseDate"]
        lines += [f"006P{i:06d},Deal {i},001A,Prospecting,{i},2024-02-03" for i in range(800)]
        source.write_text("\n".join(lines) + "\n")
        import_file(eng, source)
    size = original.stat().st_size
    pages = size // 4096
    rng = random.Random(1800)
    for case in range(CASES["engagement damaged pages"]):
        path = workspace / "damaged.engagement"
        shutil.copy(original, path)
        with path.open("r+b") as fh:
            for _ in range(rng.randint(1, 3)):
                page = rng.randrange(1, pages)  # page 0 is the header: checked separately
                fh.seek(page * 4096 + rng.randrange(4096 - 64))
                fh.write(bytes(rng.randrange(256) for _ in range(rng.choice([8, 64]))))
        for command in (["info", str(path)], ["audit", str(path), "crm-hygiene"]):
            try:
                code = main(command)
            except SystemExit as exc:
                code = exc.code
            err = capsys.readouterr().err
            assert code in (0, 1), (case, command, err)
            assert "internal error" not in err and "Traceback" not in err, (case, err)
        for leftover in path.parent.glob("damaged.engagement*"):
            leftover.unlink()


DDL = [
    "CREATE TRIGGER t{n} AFTER INSERT ON opportunities BEGIN DELETE FROM findings; END",
    "CREATE TRIGGER t{n} BEFORE UPDATE ON engagement BEGIN SELECT 1; END",
    "CREATE VIEW v{n} AS SELECT 1",
    "CREATE TABLE extra{n} (x)",
    "ALTER TABLE accounts ADD COLUMN c{n} TEXT",
    "CREATE INDEX i{n} ON opportunities(name)",
    "DROP INDEX IF EXISTS {index}",
    "ALTER TABLE users RENAME TO users_old{n}",
    "DROP TABLE IF EXISTS settings",
    "ALTER TABLE opportunities RENAME TO o{n}; CREATE VIEW opportunities AS SELECT * FROM o{n}",
]


@pytest.fixture(scope="module")
def plain_file(workspace: Path) -> tuple[Path, str]:
    path = workspace / "Schema.engagement"
    Engagement.create(path, EngagementMeta(customer="Schema")).close()
    conn = sqlite3.connect(path)
    index = conn.execute(
        # one of ours (the migrations bookkeeping index is deliberately not checked)
        "SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name != '_sqlite_migrations' ORDER BY name LIMIT 1"
    ).fetchone()[0]
    conn.close()
    return path, index


@settings(max_examples=CASES["hostile schemas"], **SETTINGS)
@given(picks=st.lists(st.integers(min_value=0, max_value=len(DDL) - 1), min_size=1, max_size=3))
def test_hostile_schemas(plain_file, workspace, picks) -> None:
    original, index = plain_file
    path = workspace / "hostile.engagement"
    shutil.copy(original, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for n, pick in enumerate(picks):
        try:  # a later pick may not apply after an earlier one (a table renamed away)
            conn.executescript(DDL[pick].format(n=n, index=index))
        except sqlite3.Error:
            assert n > 0
    conn.commit()
    conn.close()
    with pytest.raises(DamagedEngagement, match="hostile.engagement was not opened"):
        Engagement.open(path)
    with pytest.raises(DamagedEngagement, match="hostile.engagement was not opened"):
        Engagement.open(path, read_only=True)
    assert not list(workspace.glob("hostile.engagement?*"))  # no lock, -wal, -shm left


# ------------------------------------------------------------------ transcripts
VTT_PARTS = st.lists(
    st.one_of(
        st.sampled_from([
            "WEBVTT", "", "00:00:01.000 --> 00:00:04.000", "00:00:05.000 --> 00:00:02.000",
            "99:99:99.999 --> 00:00:01.000", "00:00:01,000 --> 00:00:04,000", "1",
            "<v Priya Raman>Hello, how is the quarter?", "Speaker: text", "NOTE a note",
            "\ufeffWEBVTT", "-->", "00:00:01.000 --> ", "Priya: what does success look like?",
            "[00:01] Sam: budget?", "x" * 5000,
        ]),
        st.text(max_size=40),
    ),
    max_size=25,
)
JSON_SHAPES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["callId", "transcript", "speakerId", "sentences", "start", "end",
                             "text", "speaker", "segments", "timeline", "participants", "x"]),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=20,
)  # fmt: skip


def _import_transcript_quietly(eng: Engagement, path: Path) -> None:
    from workbench.coaching.operations import ImportTranscriptsRequest, import_transcripts

    before = eng.counts()
    try:
        import_transcripts(eng, ImportTranscriptsRequest(path))
    except WorkbenchError as exc:
        assert str(exc).strip(), "a plain message is never empty"
        assert eng.counts() == before  # a refused transcript stores nothing
    assert not eng.conn.in_transaction


@settings(max_examples=CASES["transcripts"], **SETTINGS)
@given(lines=VTT_PARTS, suffix=st.sampled_from([".vtt", ".srt", ".txt"]), bom=st.booleans())
def test_transcript_text_files(eng, workspace, lines, suffix, bom) -> None:
    path = workspace / f"call-fuzz{suffix}"
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines), encoding="utf-8")
    _import_transcript_quietly(eng, path)


@settings(max_examples=CASES["transcript json"], **SETTINGS)
@given(shape=JSON_SHAPES)
def test_transcript_json_of_any_shape(eng, workspace, shape) -> None:
    path = workspace / "call-fuzz.json"
    path.write_text(json.dumps(shape), encoding="utf-8")
    _import_transcript_quietly(eng, path)


@settings(max_examples=CASES["transcript bytes"], **SETTINGS)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".vtt", ".srt", ".json", ".txt"]))
def test_transcript_random_bytes(eng, workspace, data, suffix) -> None:
    path = workspace / f"call-bytes{suffix}"
    path.write_bytes(data)
    _import_transcript_quietly(eng, path)
