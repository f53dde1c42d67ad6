"""The package's fast paths write what the slow ones did.

Tables are written as one XML fragment instead of cell by cell through python-docx,
charts are painted once and cut to their box instead of ``savefig(bbox_inches=
"tight")``, workbook cells copy a column's style instead of setting it again: each is
compared here with the python-docx / matplotlib / openpyxl way it replaced.
"""

from __future__ import annotations

import io

import numpy as np
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from matplotlib.figure import Figure
from openpyxl import load_workbook
from PIL import Image

from workbench.reports import charts
from workbench.reports.docx_base import (
    ASSUMED_FILL,
    BOX_CHECKED,
    BOX_EMPTY,
    CHART_DPI,
    DocBuilder,
    DocInfo,
    _png,
    _shade,
    fit_widths,
)
from workbench.reports.xlsx_base import Column, WorkbookBuilder

HEADERS = ["Deal", "Owner", "Amount", "Notes"]
ROWS = [
    ["Acme renewal", "Priya Raman", "12,500", "two\nlines"],
    ["  spaced  ", None, "7", "tab\there & <escaped>"],
    ["short row"],  # fewer values than columns: the rest are empty cells
    [f"{BOX_CHECKED} Yes   {BOX_EMPTY} No", "", "0", "carriage\rreturn"],
]


def _reference_rows(doc: DocBuilder, widths: list[float], assumed: list[bool]) -> list[str]:
    """The rows as the cell-by-cell python-docx code wrote them (the code before)."""
    table = doc.doc.add_table(rows=1, cols=len(HEADERS))
    section = doc.doc.sections[-1]
    usable = (section.page_width - section.left_margin - section.right_margin) / 914400
    scale = usable / sum(widths) if sum(widths) > usable else 1.0
    widths = fit_widths(HEADERS, ROWS, [w * scale for w in widths])
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width * 1440)))
    hdr = table.rows[0]
    trpr = hdr._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
    for i, text in enumerate(HEADERS):
        cell = hdr.cells[i]
        cell.width = Inches(widths[i])
        _shade(cell, doc.accent)
        r = cell.paragraphs[0].add_run(text)
        r.bold = True
        r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        r.font.size = Pt(8.5)
        if i == 2:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for n, row in enumerate(ROWS):
        cells = table.add_row().cells
        trpr = table.rows[-1]._tr.get_or_add_trPr()
        trpr.insert(0, trpr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))
        shade = ASSUMED_FILL if assumed[n] else ("F3F5F8" if n % 2 == 1 else None)
        for i, value in enumerate(row):
            cell = cells[i]
            cell.width = Inches(widths[i])
            if shade:
                _shade(cell, shade)
            p = cell.paragraphs[0]
            for k, line in enumerate(("" if value is None else str(value)).split("\n")):
                if k:
                    p.add_run().add_break()
                r = p.add_run(line)
                r.font.size = Pt(8.5)
                if i == 0:
                    r.bold = True
                if line.startswith((BOX_CHECKED, BOX_EMPTY)):
                    r.font.name = "Segoe UI Symbol"
            if i == 2:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows[:-1]:  # a short table keeps together
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True
    return [tr.xml for tr in table._tbl.findall(qn("w:tr"))]


def test_table_rows_are_what_python_docx_wrote_cell_by_cell() -> None:
    doc = DocBuilder(DocInfo(title="T", customer="C"))
    widths, assumed = [1.5, 1.2, 0.8, 2.5], [False, True, False, False]
    table = doc.table(
        HEADERS, ROWS, widths=widths, assumed=assumed, numeric=[2], bold_first_column=True
    )
    fast = [tr.xml for tr in table._tbl.findall(qn("w:tr"))]
    assert fast == _reference_rows(doc, widths, assumed)
    assert doc.has_assumed
    # and as python-docx reads it back
    assert table.cell(1, 3).text == "two\nlines"
    assert table.cell(2, 3).text == "tab\there & <escaped>"
    assert table.cell(2, 0).text == "  spaced  "
    assert [c.text for c in table.rows[3].cells] == ["short row", "", "", ""]


def _savefig_png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=CHART_DPI, bbox_inches="tight", facecolor="white")
    return out.getvalue()


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_a_chart_is_the_picture_savefig_writes() -> None:
    def make() -> Figure:
        return charts.capture_by_channel_figure(
            ["Zoom", "Teams", "Dialer"], [0.91, 0.62, 0.35], [1200, 800, 450], 0.85, 0.6
        )

    ours, theirs = _pixels(_png(make())), _pixels(_savefig_png(make()))
    assert ours.shape == theirs.shape  # the same crop, to the pixel
    # the same picture: only anti-aliased edges differ (by the crop's sub-pixel offset)
    assert np.abs(ours - theirs).mean() < 2.0
    assert (ours[:3] == 255).all() and (ours[-3:] == 255).all()  # white margins
    assert round(Image.open(io.BytesIO(_png(make()))).info["dpi"][0]) == CHART_DPI


def test_a_figure_drawing_past_its_edge_keeps_what_is_outside() -> None:
    def make() -> Figure:
        fig = Figure(figsize=(4, 2), dpi=100)
        fig.add_subplot().plot([1, 2, 3])
        fig.text(1.05, 0.5, "a note beside the figure")  # past the right edge
        return fig

    ours, theirs = _pixels(_png(make())), _pixels(_savefig_png(make()))
    assert ours.shape == theirs.shape and ours.shape[1] > 4 * CHART_DPI
    assert (ours == theirs).all()


def test_a_figure_keeps_its_own_settings_after_being_painted() -> None:
    fig = Figure(figsize=(4, 2), dpi=100, facecolor="#EEEEEE")
    fig.add_subplot().plot([1, 2, 3])
    _png(fig)
    assert fig.dpi == 100 and fig.get_facecolor()[:3] == (0xEE / 255,) * 3


def test_workbook_cells_copy_the_style_they_would_have_been_given(tmp_path) -> None:
    wb = WorkbookBuilder(title="T", customer="C")
    ws = wb.sheet("S")
    rows = [[f"Deal {i}", 1000.0 * i, i % 2 == 0, None] for i in range(6)]
    wb.add_table(
        ws,
        [Column("Deal"), Column("Amount", "money"), Column("Closed"), Column("Note", wrap=True)],
        rows,
        highlight=[False, True, False, False, True, False],
    )
    path = wb.save(tmp_path / "t.xlsx")
    sheet = load_workbook(path).worksheets[0]
    body = [row for row in sheet.iter_rows(min_row=2, max_row=7)]
    for i, (deal, amount, closed, note) in enumerate(body):
        assert deal.value == f"Deal {i}" and amount.value == 1000.0 * i
        assert closed.value == ("Yes" if i % 2 == 0 else "No") and note.value is None
        shaded = i in (1, 4)
        for cell in (deal, amount, closed, note):
            assert cell.font.name == "Arial" and cell.font.sz == 10
            assert cell.border.bottom.style == "thin"
            assert cell.alignment.vertical == "top"
            assert (cell.fill.fgColor.rgb == "00" + ASSUMED_FILL) == shaded, (i, cell.coordinate)
        assert note.alignment.wrap_text and not deal.alignment.wrap_text
        assert amount.number_format != "General" and deal.number_format == "General"


def test_field_presence_counts_what_trimming_every_value_counted() -> None:
    """The field-completeness counts skip trimming values that cannot be blank; every
    kind of value a column can hold counts as it did when each one was trimmed."""
    import sqlite3

    from workbench.reports.documents.crm_fields import _PRESENT

    values = [None, "", " ", "   ", " a", "a ", "\t", "\n", "!", " !", "0", "abc", "é", "  é",
              0, 0.0, -1, 2.5, b"", b" ", b"  ", b"x", b" x", "\u00a0", "\x00"]  # fmt: skip
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE t (tx TEXT, re REAL, it INTEGER, nu NUMERIC, bl BLOB, nc TEXT COLLATE NOCASE)"
    )
    cols = ["tx", "re", "it", "nu", "bl", "nc"]
    for v in values:
        conn.execute(f"INSERT INTO t VALUES ({', '.join('?' * len(cols))})", [v] * len(cols))
    for c in cols:
        old = conn.execute(f"SELECT count(nullif(trim(CAST({c} AS TEXT)), '')) FROM t").fetchone()
        new = conn.execute(f"SELECT {_PRESENT.format(c=c)} FROM t").fetchone()
        stored = [r[0] for r in conn.execute(f"SELECT {c} FROM t")]
        assert new == old == (sum(_has_value(v) for v in stored),), c


def _has_value(v: object) -> bool:
    """Not null and not only spaces (SQLite's ``trim`` removes spaces only)."""
    if v is None:
        return False
    if isinstance(v, int | float):
        return True
    text = v.decode("utf-8") if isinstance(v, bytes) else str(v)
    return text.strip(" ") != ""


def _document_bytes(monkeypatch, open_template, build) -> bytes:
    """The bytes of a document built by ``build`` on the template ``open_template``
    gives, saved at a fixed time (zip entries carry the time they were written)."""
    import time

    import workbench.reports.docx_base as docx_base

    monkeypatch.setattr(docx_base, "load_template", lambda template=None: open_template())
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    doc = DocBuilder(DocInfo(title="T", customer="C"))
    build(doc)
    out = io.BytesIO()
    doc.doc.save(out)
    monkeypatch.undo()
    return out.getvalue()


def _plain_and_ours(monkeypatch, path, build) -> tuple[bytes, bytes]:
    from docx import Document

    from workbench.reports.docx_io import open_document

    plain = _document_bytes(monkeypatch, lambda: Document(str(path)), build)
    ours = _document_bytes(monkeypatch, lambda: open_document(path), build)
    return plain, ours


def _some_content(doc: DocBuilder) -> None:
    doc.cover()
    doc.heading("Findings")
    doc.para("A paragraph.")
    doc.table(HEADERS, ROWS, widths=[1.5, 1.2, 0.8, 2.5], caption="Deals")


def test_a_document_from_the_template_read_once_is_what_python_docx_writes(monkeypatch) -> None:
    """The template's parts read once, its styles left unparsed and its parts' compressed
    bytes reused: the same file, byte for byte, as python-docx's own open and save."""
    from workbench.reports.template import default_template_path

    path = default_template_path()
    for build in (_some_content, lambda doc: (doc.compact(), _some_content(doc))):
        plain, ours = _plain_and_ours(monkeypatch, path, build)
        assert ours == plain
        assert _plain_and_ours(monkeypatch, path, build)[1] == plain  # and again, from memory


def test_a_template_whose_styles_python_docx_rewrites_is_saved_as_python_docx_writes(
    monkeypatch, tmp_path
) -> None:
    """Styles written by another tool (here with a line break python-docx drops) are not
    saved as read: python-docx's parse-and-write is what the document holds."""
    import zipfile

    from workbench.reports.template import default_template_path

    path = tmp_path / "firm.docx"
    with zipfile.ZipFile(default_template_path()) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":
                data = data.replace(b"?>", b"?>\r\n", 1)
            dst.writestr(item, data)
    plain, ours = _plain_and_ours(monkeypatch, path, _some_content)
    assert ours == plain
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        assert b"?>\r\n" not in z.read("word/styles.xml")


def test_the_collector_looks_past_older_objects_only_while_exporting(
    engagement, tmp_path, monkeypatch
) -> None:
    """During an export the cycle collector skips the objects the process held before;
    afterwards they are collectable again, and objects the application froze stay frozen."""
    import gc

    import workbench.reports.package as package

    seen = []
    real = package._build_package

    def spy(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    monkeypatch.setattr(package, "_build_package", spy)
    assert gc.get_freeze_count() == 0
    package.build_package(engagement, tmp_path / "a", only=["faq"])
    assert seen[-1] > 0 and gc.get_freeze_count() == 0
    gc.freeze()  # an application that froze its own objects
    try:
        frozen = gc.get_freeze_count()
        package.build_package(engagement, tmp_path / "b", only=["faq"])
        # still frozen (fewer only by the frozen objects the export freed)
        assert seen[-1] == frozen and 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
