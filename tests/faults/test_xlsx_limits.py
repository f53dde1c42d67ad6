"""Excel files that lie about their size: the real rows are read, limits stop the rest."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from workbench.importers import import_file, xlsx_limits
from workbench.models import Engagement, EngagementMeta

from .conftest import plain_failure, run_cli

HEADER = ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate"]


def _workbook(path: Path, rows: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(rows):
        ws.append([f"006X{i:08d}", f"Deal {i}", "001A", "Prospecting", 1000 + i, "2024-05-01"])
    wb.save(path)
    return path


def _rewrite(path: Path, part: str, change) -> None:
    """Replace one XML part of the workbook with ``change(text)``."""
    with zipfile.ZipFile(path) as zf:
        items = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    items[part] = change(items[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)


def _engagement(tmp_path: Path) -> Engagement:
    return Engagement.create(tmp_path / "X.engagement", EngagementMeta(customer="X"))


def test_rows_beyond_a_too_small_declared_dimension_are_imported(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "liar.xlsx", 200)
    _rewrite(
        source,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:H5"', xml),
    )
    with _engagement(tmp_path) as eng:
        result = import_file(eng, source, entity="opportunities")
        assert result.rows_read == 200
        assert result.rows_imported == 200
        assert eng.counts()["opportunities"] == 200


def test_a_huge_dimension_and_one_far_cell_do_not_hang(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "far.xlsx", 3)
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>'
    _rewrite(
        source,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', xml
        ).replace("</sheetData>", far + "</sheetData>"),
    )
    with _engagement(tmp_path) as eng:
        result = import_file(eng, source, entity="opportunities")
        assert result.rows_imported == 3
        assert eng.counts()["opportunities"] == 3


def test_millions_of_shared_strings_are_refused_plainly(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "strings.xlsx", 2)
    count = xlsx_limits.MAX_SHARED_STRINGS + 1000
    with zipfile.ZipFile(source) as zf:
        items = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    items["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="1" uniqueCount="1">' + b"<si><t>a</t></si>" * count + b"</sst>"
    )
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in items.items():
            zf.writestr(name, data)
    assert source.stat().st_size < 1_000_000  # small on disk, huge unpacked
    path = tmp_path / "X.engagement"
    Engagement.create(path, EngagementMeta(customer="X")).close()
    message = plain_failure(run_cli("import", str(path), str(source)))
    assert "strings.xlsx holds more than 2,000,000 different texts" in message
    with Engagement.open(path, read_only=True) as eng:
        assert eng.counts()["opportunities"] == 0


@pytest.mark.parametrize(("limit", "words"), [("MAX_ROWS", "rows"), ("MAX_CELLS", "filled cells")])
def test_row_and_cell_limits_stop_with_a_plain_message(
    tmp_path: Path, monkeypatch, limit: str, words: str
) -> None:
    from workbench.errors import WorkbenchError

    source = _workbook(tmp_path / "big.xlsx", 100)
    monkeypatch.setattr(xlsx_limits, limit, 50)
    with _engagement(tmp_path) as eng:
        with pytest.raises(WorkbenchError, match=f"big.xlsx, sheet Sheet: more than 50 {words}"):
            import_file(eng, source, entity="opportunities")
        assert eng.counts()["opportunities"] == 0
