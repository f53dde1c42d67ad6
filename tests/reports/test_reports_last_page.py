"""No page that holds only a spacer: thin gaps after tables, nothing blank at the end."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn


def _blocks(path):
    body = Document(str(path)).element.body
    return [el for el in body if el.tag != qn("w:sectPr")]


def _exact_twips(p) -> int | None:
    spacing = p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is None or spacing.get(qn("w:lineRule")) != "exact":
        return None
    return int(spacing.get(qn("w:line")))


def _blank(p) -> bool:
    return p.tag == qn("w:p") and not "".join(t.text or "" for t in p.iter(qn("w:t"))).strip()


def test_documents_end_without_blank_paragraphs_and_tables_have_thin_gaps(story_package) -> None:
    checked = 0
    for f in story_package.files:
        if f.format != "docx":
            continue
        blocks = _blocks(f.path)
        last = blocks[-1]
        if _blank(last):
            # only the paragraph a body needs after a closing table, and 1 point tall
            assert blocks[-2].tag == qn("w:tbl"), f.path.name
            assert _exact_twips(last) == 20, f.path.name
        for before, after in zip(blocks, blocks[1:], strict=False):
            if before.tag == qn("w:tbl") and _blank(after):
                assert (_exact_twips(after) or 0) <= 120, f.path.name  # 6 pt, not a full line
        checked += 1
    assert checked >= 20
