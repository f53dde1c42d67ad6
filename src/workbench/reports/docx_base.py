"""Word documents from the base template: cover, contents, headings, tables, charts.

``DocBuilder`` is the one way builders write Word: it opens the template (ours or
the consultancy's), writes a title page (customer, consultancy, logo, date,
version, status), a contents list whose entries are internal links to the headings
(bookmarks): it reads the same in Word, LibreOffice and a PDF with no field to
refresh and no "update the fields?" prompt from Word; styles-based headings,
tables whose header row repeats on every page, charts rendered at print
resolution, a header with the customer's name and "Page X of Y" in the footer.
``save`` writes atomically. A section whose data is not there yet is written with
``missing`` (a plain "Not yet available" note), and anything still ASSUMED is
tagged visibly; either makes the status DRAFT unless the caller fixed it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from matplotlib.figure import Figure

from workbench.reports.dates import dates_in_words, long_date
from workbench.reports.files import atomic_path
from workbench.reports.template import REQUIRED_STYLES, TABLE_STYLE, add_ppr_child, load_template
from workbench.reports.text import one_line, xml_text

CHART_DPI = 200
BOX_CHECKED = "\u2612"
BOX_EMPTY = "\u2610"
ASSUMED_FILL = "FFF2CC"


@dataclass
class Branding:
    """How the consultancy presents the package (title pages, headers, footers)."""

    consultancy: str = ""
    logo: Path | None = None
    version: str = "1.0"
    status: str | None = None  # None: DRAFT while anything is missing or ASSUMED, else FINAL
    date: dt.date | None = None
    confidentiality: str = "Confidential - prepared for the customer's internal use"

    @classmethod
    def from_dict(cls, data: dict | None) -> Branding:
        data = dict(data or {})
        logo = data.get("logo")
        date = data.get("date")
        return cls(
            consultancy=str(data.get("consultancy") or ""),
            logo=Path(logo) if logo else None,
            version=str(data.get("version") or "1.0"),
            status=(str(data["status"]).upper() if data.get("status") else None),
            date=dt.date.fromisoformat(date) if isinstance(date, str) else date,
            confidentiality=str(data.get("confidentiality") or cls.confidentiality),
        )


@dataclass
class DocInfo:
    """What a cover page says about one document."""

    title: str
    customer: str
    subtitle: str = ""
    prepared_by: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    version: str = "1.0"
    as_of: dt.date | None = None  # the day the figures describe (the issue date is ``date``)


def _accent_hex(doc: DocxDocument) -> str:
    """The template's Heading 1 colour, so tables match a consultancy's own palette."""
    try:
        color = doc.styles["Heading 1"].font.color
        if color is not None and color.type is not None and color.rgb is not None:
            return str(color.rgb)
    except (KeyError, ValueError):
        pass
    return "1F3864"


class DocBuilder:
    """One Word document under construction."""

    def __init__(
        self,
        info: DocInfo,
        *,
        template: Path | None = None,
        branding: Branding | None = None,
        scrub=None,
    ) -> None:
        # CRM text may hold control characters XML cannot store: cleaned once here
        # (cover texts) and in ``scrub``, which every body text passes through.
        self.info = dataclasses.replace(
            info,
            title=one_line(info.title),
            customer=one_line(info.customer),
            subtitle=xml_text(info.subtitle),
            prepared_by=one_line(info.prepared_by),
        )
        # Applied to every body text (anonymisation of names inside free text).
        # Dates the layers below wrote in ISO are written as the documents write them.
        anonymise = scrub or (lambda text: text)
        self.scrub = lambda text: xml_text(dates_in_words(anonymise(text)))
        self._cell = lambda text: xml_text(dates_in_words(anonymise(text), keep_together=True))
        self.branding = branding or Branding()
        self.doc = load_template(template)
        facts = _template_facts(self.doc, template)
        _cache_style_ids(self.doc, facts.style_ids)
        self.accent = facts.accent
        self.has_missing = False
        self.has_assumed = False
        self._headings: list[tuple[int, str, str]] = []  # level, text, bookmark
        self._toc_anchor: Paragraph | None = None
        self._status_run = None
        self._figures = 0
        self._tables = 0
        self.missing_notes: list[str] = []
        # Why the document cannot be FINAL whatever the export asks: a red flag raised by
        # its own figures, or (the index) a document of the package still in draft.
        self.held: list[str] = []
        # the template's style names (styles are only added when it is loaded)
        self.style_names = style_names = facts.style_names
        self.table_style = (
            TABLE_STYLE
            if TABLE_STYLE in style_names
            else ("Table Grid" if "Table Grid" in style_names else None)
        )
        self._setup_section()

    # ------------------------------------------------------------ page furniture
    def _setup_section(self) -> None:
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        header = section.header
        if not any(p.text.strip() for p in header.paragraphs) and not header.tables:
            p = header.paragraphs[0]
            p.style = "Normal"
            self._tab_line(p, self.info.customer, self.info.title, size=8)
            _bottom_border(p)
        footer = section.footer
        if "PAGE" not in footer._element.xml:
            p = footer.paragraphs[0] if not footer.paragraphs[0].text else footer.add_paragraph()
            p.style = "Normal"
            left = self.branding.consultancy or self.info.prepared_by
            self._tab_line(p, left, None, size=8)
            for text in ("Page ",):
                r = p.add_run(text)
                r.font.size = Pt(8)
                r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
            _field(p, "PAGE", "1", size=8)
            r = p.add_run(" of ")
            r.font.size = Pt(8)
            r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
            _field(p, "NUMPAGES", "1", size=8)

    def _tab_line(self, p: Paragraph, left: str, right: str | None, *, size: float) -> None:
        section = self.doc.sections[0]
        width = section.page_width - section.left_margin - section.right_margin
        p.paragraph_format.tab_stops.add_tab_stop(width, alignment=2)  # right
        r = p.add_run(left or "")
        r.font.size = Pt(size)
        r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        p.add_run("\t").font.size = Pt(size)
        if right:
            r = p.add_run(right)
            r.font.size = Pt(size)
            r.font.color.rgb = RGBColor(0x59, 0x59, 0x59)

    def cover(self) -> None:
        """The title page: consultancy and logo, title, customer, date, version, status."""
        doc = self.doc
        if self.branding.logo and Path(self.branding.logo).exists():
            p = doc.add_paragraph()
            p.add_run().add_picture(str(self.branding.logo), height=Inches(0.7))
        consultancy = self.branding.consultancy or self.info.prepared_by
        p = doc.add_paragraph(style="Workbench Cover Meta")
        r = p.add_run(one_line(consultancy or "").upper())
        r.bold = True
        r.font.size = Pt(10)
        r.font.color.rgb = RGBColor.from_string(self.accent)
        for _ in range(6):
            doc.add_paragraph()
        title = doc.add_paragraph(self.info.title, style="Title")
        title.paragraph_format.space_after = Pt(10)
        add_ppr_child(
            title._p.get_or_add_pPr(),
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="8" '
                f'w:color="{self.accent}"/></w:pBdr>'
            ),
        )
        doc.add_paragraph(self.info.customer, style="Subtitle")
        if self.info.subtitle:
            doc.add_paragraph(self.info.subtitle, style="Workbench Cover Meta")
        rows = [
            ("Prepared for", self.info.customer),
            ("Prepared by", consultancy or "-"),
            *([("Data as of", long_date(self.info.as_of))] if self.info.as_of is not None else []),
            ("Issued" if self.info.as_of else "Date", long_date(self.branding.date or self.info.date)),
            ("Version", self.branding.version or self.info.version),
            ("Status", ""),
        ]
        for i, (label, value) in enumerate(rows):
            p = doc.add_paragraph(style="Workbench Cover Meta")
            if i == 0:
                p.paragraph_format.space_before = Pt(190)  # metadata block low on the page
            r = p.add_run(f"{label}:  ")
            r.bold = True
            if label == "Status":
                self._status_run = p.add_run("DRAFT")
                self._status_run.bold = True
            else:
                p.add_run(one_line(value))
        p = doc.add_paragraph(self.branding.confidentiality, style="Workbench Cover Meta")
        p.paragraph_format.space_before = Pt(36)
        p.runs[0].font.size = Pt(8)
        p.runs[0].italic = True
        self.page_break()

    def title_block(self) -> None:
        """A compact title block instead of a title page (one-page documents): title,
        customer, the same dates, version and status as a cover, and no page break."""
        consultancy = self.branding.consultancy or self.info.prepared_by
        p = self.doc.add_paragraph(style="Workbench Cover Meta")
        r = p.add_run(one_line(consultancy or "").upper())
        r.bold = True
        r.font.size = Pt(8)
        r.font.color.rgb = RGBColor.from_string(self.accent)
        title = self.doc.add_paragraph(style="Title")
        title.add_run(self.info.title).font.size = Pt(20)
        title.paragraph_format.space_after = Pt(2)
        parts = [self.info.customer]
        if self.info.subtitle:
            parts.append(self.info.subtitle)
        p = self.doc.add_paragraph(style="Workbench Cover Meta")
        p.add_run("  \u00b7  ".join(parts)).font.size = Pt(9)
        meta = []
        if self.info.as_of is not None:
            meta.append(f"Data as of {long_date(self.info.as_of)}")
        meta.append(f"Issued {long_date(self.branding.date or self.info.date)}")
        meta.append(f"Version {self.branding.version or self.info.version}")
        p = self.doc.add_paragraph(style="Workbench Cover Meta")
        p.add_run("  \u00b7  ".join(meta) + "  \u00b7  Status: ").font.size = Pt(9)
        self._status_run = p.add_run("DRAFT")
        self._status_run.bold = True
        self._status_run.font.size = Pt(9)
        _bottom_border(p)
        p.paragraph_format.space_after = Pt(6)

    def compact(self) -> None:
        """Narrower margins and tighter headings, for documents promised on one page."""
        section = self.doc.sections[0]
        section.top_margin = section.bottom_margin = Inches(0.5)
        section.left_margin = section.right_margin = Inches(0.7)
        section.header_distance = section.footer_distance = Inches(0.3)
        for name, size in (("Heading 1", 12), ("Heading 2", 11)):
            if name in self.style_names:
                style = self.doc.styles[name]
                style.font.size = Pt(size)
                style.paragraph_format.space_before = Pt(4)
                style.paragraph_format.space_after = Pt(1)
        for name in ("Normal", "List Bullet", "List Number"):
            if name in self.style_names:
                self.doc.styles[name].paragraph_format.space_after = Pt(1)

    def toc(self) -> None:
        """The contents: a linked list of the level 1-2 headings, written on ``save``.

        Not a TOC field: a field's page numbers stay empty until Word refreshes it (and a
        converter or a previewer never does), so the contents would promise numbers it
        cannot show. Each entry links to its heading's bookmark instead (Word, LibreOffice
        and Word's PDF export follow it); the pages carry "Page X of Y"."""
        self.doc.add_paragraph("Contents", style="TOC Heading")
        self._toc_anchor = self.doc.add_paragraph()
        self.page_break()

    # -------------------------------------------------------------------- text
    def heading(self, text: str, level: int = 1) -> Paragraph:
        text = one_line(self.scrub(text))
        p = self.doc.add_heading(text, level=level)
        n = len(self._headings) + 1
        name = f"_Wb_heading_{n}"
        self._headings.append((level, text, name))
        _bookmark(p, name, _BOOKMARK_BASE_ID + n)
        # A heading never strands at a page bottom, whatever the firm's template says.
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.keep_together = True
        return p

    def para(
        self,
        text: str = "",
        *,
        bold_prefix: str | None = None,
        style: str | None = None,
        italic: bool = False,
    ) -> Paragraph:
        p = self.doc.add_paragraph(style=style)
        if bold_prefix:
            p.add_run(bold_prefix).bold = True
        if text:
            r = p.add_run(self.scrub(text))
            r.italic = italic
        return p

    def bullets(self, items: list[str], *, numbered: bool = False) -> None:
        style = "List Number" if numbered else "List Bullet"
        for item in items:
            if isinstance(item, tuple):
                p = self.doc.add_paragraph(style=style)
                p.add_run(item[0]).bold = True
                p.add_run(self.scrub(item[1]))
            else:
                self.doc.add_paragraph(self.scrub(item), style=style)

    def note(self, text: str, *, label: str = "Note") -> Paragraph:
        p = self.doc.add_paragraph(style="Workbench Note")
        p.add_run(f"{label}: ").bold = True
        p.add_run(self.scrub(text))
        return p

    def missing(self, what: str, how: str) -> Paragraph:
        """Say plainly that a section's data is not there yet and what to do about it."""
        self.has_missing = True
        self.missing_notes.append(f"{what}: {how}")
        return self.note(f"{what}. {how}", label="Not yet available")

    def red_flag(self, what: str, consequence: str) -> Paragraph:
        """A red flag the document's own figures raise: it stays DRAFT until resolved."""
        self.hold(f"{what}: {consequence}")
        return self.note(f"{what}. {consequence}", label="Red flag")

    def hold(self, reason: str) -> None:
        """Keep the document DRAFT (even under an export's FINAL) and say why."""
        if reason not in self.held:
            self.held.append(reason)
            self.missing_notes.append(reason)

    def assumed_tag(self, p: Paragraph) -> None:
        """Append a visible ASSUMED tag to a paragraph."""
        self.has_assumed = True
        p.add_run(" ")
        p.add_run(" ASSUMED ", style="Workbench Assumed")

    def assumed_legend(self) -> None:
        p = self.doc.add_paragraph(style="Caption")
        p.add_run(" ASSUMED ", style="Workbench Assumed")
        p.add_run(
            "  Shaded rows and tagged values are pre-kickoff findings not yet confirmed "
            "with the customer; they change as meetings confirm or correct them."
        )

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # ------------------------------------------------------------------ tables
    def table(
        self,
        headers: list[str],
        rows: list[list[object]],
        *,
        widths: list[float] | None = None,
        assumed: list[bool] | None = None,
        numeric: list[int] | None = None,
        caption: str | None = None,
        bold_first_column: bool = False,
    ) -> Table:
        """A styled table whose header row repeats on every page; ``assumed`` shades rows."""
        doc = self.doc
        self._tables += 1
        if caption:
            # Caption above the table, kept with it, so it never strands on another page.
            cap = doc.add_paragraph(f"Table {self._tables}: {self.scrub(caption)}", style="Caption")
            cap.paragraph_format.keep_with_next = True
            cap.paragraph_format.space_before = Pt(6)
            cap.paragraph_format.space_after = Pt(3)
        table = doc.add_table(rows=0, cols=len(headers))
        if self.table_style:
            table.style = self.table_style
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        section = doc.sections[-1]
        usable = (section.page_width - section.left_margin - section.right_margin) / 914400
        if widths is None:
            widths = [usable / len(headers)] * len(headers)
        else:
            scale = usable / sum(widths) if sum(widths) > usable else 1.0
            widths = [w * scale for w in widths]
        body = [
            [None if value is None else self._cell(str(value)) for value in row[: len(headers)]]
            for row in rows
        ]
        widths = fit_widths(headers, body, widths)
        numeric = set(numeric or [])
        _set_grid(table, widths)
        # The rows are written as one XML fragment: python-docx's cell-by-cell API walks
        # the table for every cell and was most of a package's time.
        cols = [
            (
                f'<w:tcW w:type="dxa" w:w="{Inches(w).twips}"/>',
                '<w:jc w:val="right"/>' if i in numeric else "",
            )
            for i, w in enumerate(widths)
        ]
        keep = len(rows) <= 14  # a short table stays on one page: rows keep with the next
        xml = [f"<w:tbl {nsdecls('w')}>"]
        xml.append(
            _row_xml(
                [[xml_text(str(text))] for text in headers],
                cols,
                self.accent,
                '<w:b/><w:color w:val="FFFFFF"/>',
                keep and bool(rows),
                header=True,
            )
        )
        for n, row in enumerate(body):
            shade = None
            if assumed and n < len(assumed) and assumed[n]:
                shade = ASSUMED_FILL
                self.has_assumed = True
            elif n % 2 == 1:
                shade = "F3F5F8"
            cells = [("" if value is None else value).split("\n") for value in row]
            xml.append(
                _row_xml(
                    cells,
                    cols,
                    shade,
                    "",
                    keep and n < len(rows) - 1,
                    bold_first=bold_first_column,
                    grid=widths,
                )
            )
        xml.append("</w:tbl>")
        table._tbl.extend(list(parse_xml("".join(xml))))
        # A thin gap after the table (a full empty line per table adds up to the line that
        # spills a document's last sentence onto a page of its own).
        _thin(doc.add_paragraph()._p, _SPACER_TWIPS)
        return table

    def key_values(self, pairs: list[tuple[str, str]]) -> Table:
        """A two-column label/value table (settings, facts)."""
        return self.table(
            ["Item", "Value"], [list(p) for p in pairs], widths=[2.2, 4.3], bold_first_column=True
        )

    # ------------------------------------------------------------------ charts
    def figure(self, fig: Figure, caption: str, *, width_in: float = 6.2) -> None:
        """Embed a matplotlib Figure as a PNG at print resolution, with a caption."""
        buf = io.BytesIO(_png(fig))
        self.doc.add_picture(buf, width=Inches(width_in))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True  # caption stays with it
        self._figures += 1
        self.doc.add_paragraph(f"Figure {self._figures}: {self.scrub(caption)}", style="Caption")

    def landscape(self) -> None:
        """Start a new landscape section (for wide tables)."""
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        if section.page_width < section.page_height:
            section.page_width, section.page_height = section.page_height, section.page_width

    # -------------------------------------------------------------------- save
    @property
    def status(self) -> str:
        if self.held:
            return "DRAFT"
        if self.branding.status:
            return self.branding.status
        return "DRAFT" if (self.has_missing or self.has_assumed) else "FINAL"

    def save(self, path: Path) -> Path:
        """Finish (contents, status, properties, update-fields flag) and write atomically."""
        if self._status_run is not None:
            self._status_run.text = self.status
            color = "C55A11" if self.status == "DRAFT" else self.accent
            self._status_run.font.color.rgb = RGBColor.from_string(color)
        if self._toc_anchor is not None:
            self._write_toc()
        _trim_end(self.doc.element.body)
        props = self.doc.core_properties
        props.title = f"{self.info.title} - {self.info.customer}"
        props.subject = self.info.customer
        props.author = self.branding.consultancy or self.info.prepared_by or "Workbench"
        props.comments = f"Status: {self.status}"
        props.keywords = self.status
        # Zipped in memory first: a full disk then fails on one plain write, never
        # inside the zip writer (whose half-closed archive would print a traceback).
        with atomic_path(path) as tmp:
            buffer = io.BytesIO()
            self.doc.save(buffer)  # inside: any failure is one plain message naming the file
            Path(tmp).write_bytes(buffer.getvalue())
        return path

    def _write_toc(self) -> None:
        """One paragraph per level 1-2 heading (style "toc 1"/"toc 2"), each a link to the
        heading's bookmark."""
        anchor = self._toc_anchor
        for lvl, text, name in self._headings:
            if lvl > 2:
                continue
            p = OxmlElement("w:p")
            anchor._p.addprevious(p)
            para = Paragraph(p, anchor._parent)
            if f"toc {lvl}" in self.style_names:
                para.style = f"toc {lvl}"
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), name)
            link.set(qn("w:history"), "1")
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            r.append(t)
            link.append(r)
            p.append(link)
        anchor._p.getparent().remove(anchor._p)


def _png(fig: Figure) -> bytes:
    """``fig`` as a PNG at print resolution on white, cut to what it draws.

    What ``savefig(bbox_inches="tight", facecolor="white")`` writes, from one draw
    instead of two: the figure is laid out and painted once, then the picture is cut to
    the box of its artists plus the usual 0.1-inch margin (white where the margin runs
    past the figure's edge, as savefig paints it). A figure that draws outside its own
    edges is left to savefig, which widens the canvas to show it."""
    import numpy as np
    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    dpi, facecolor, canvas = fig.dpi, fig.get_facecolor(), fig.canvas
    FigureCanvasAgg(fig)
    try:
        fig.set_dpi(CHART_DPI)
        fig.set_facecolor("white")
        fig.canvas.draw()
        drawn = fig.get_tightbbox(fig.canvas.get_renderer())
        width, height = fig.get_size_inches()
        if drawn.x0 < 0 or drawn.y0 < 0 or drawn.x1 > width or drawn.y1 > height:
            out = io.BytesIO()
            fig.savefig(out, format="png", dpi=CHART_DPI, bbox_inches="tight", facecolor="white")
            return out.getvalue()
        box = drawn.padded(rcParams["savefig.pad_inches"])
        pixels = np.asarray(fig.canvas.buffer_rgba())
    finally:
        fig.set_dpi(dpi)
        fig.set_facecolor(facecolor)
        fig.set_canvas(canvas)
    rows, cols = pixels.shape[:2]
    width, height = int(box.width * CHART_DPI), int(box.height * CHART_DPI)
    left = round(box.x0 * CHART_DPI)  # the figure's column under the picture's first
    top = rows - height - round(box.y0 * CHART_DPI)  # the figure's row under its first
    picture = np.full((height, width, 4), 255, dtype=np.uint8)
    x0, x1 = max(left, 0), min(left + width, cols)
    y0, y1 = max(top, 0), min(top + height, rows)
    picture[y0 - top : y1 - top, x0 - left : x1 - left] = pixels[y0:y1, x0:x1]
    return _encode_png(picture)


def _encode_png(picture) -> bytes:
    """The picture as PNG with what ``imsave`` records (the dpi, the Software note).

    A picture painted on white is opaque: written without its alpha channel, at zlib's
    fastest level: the same pixels in a file no larger than ``imsave``'s (RGBA, level 6),
    at half its encoding time (which was a fifth of painting a chart)."""
    import matplotlib
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(
        "Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    )
    opaque = bool((picture[:, :, 3] == 255).all())
    img = Image.fromarray(picture[:, :, :3] if opaque else picture, "RGB" if opaque else "RGBA")
    out = io.BytesIO()
    img.save(out, format="png", dpi=(CHART_DPI, CHART_DPI), pnginfo=info, compress_level=1)
    return out.getvalue()


# ---------------------------------------------------------------- xml helpers
def _blank(el) -> bool:
    """An empty paragraph: no text, break, drawing or field, and no section of its own."""
    if el.tag != qn("w:p"):
        return False
    ppr = el.find(qn("w:pPr"))
    if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
        return False
    for r in el.iter(qn("w:r")):
        for child in r:
            if child.tag not in (qn("w:rPr"),) and not (child.tag == qn("w:t") and not child.text):
                return False
    return el.find(qn("w:hyperlink")) is None and el.find(qn("w:fldSimple")) is None


def _trim_end(body) -> None:
    """No page that holds nothing but a spacer: trailing empty paragraphs go, and the one
    a table needs after it (a body cannot end with a table) shrinks to a 1-point line, so
    a table ending at the foot of a page does not push it onto a blank last page."""
    blocks = [el for el in body if el.tag != qn("w:sectPr")]
    while len(blocks) >= 2 and _blank(blocks[-1]):
        if blocks[-2].tag == qn("w:tbl"):
            _thin(blocks[-1], 20)
            return
        body.remove(blocks.pop())


_SPACER_TWIPS = 120  # 6 pt


def _thin(p, twips: int) -> None:
    """Make the empty paragraph ``p`` exactly ``twips`` tall (its mark in 1-point type)."""
    ppr = p.get_or_add_pPr()
    add_ppr_child(
        ppr,
        parse_xml(
            f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="{twips}" '
            'w:lineRule="exact"/>'
        ),
    )
    add_ppr_child(ppr, parse_xml(f'<w:rPr {nsdecls("w")}><w:sz w:val="2"/></w:rPr>'))


_BOOKMARK_BASE_ID = 9000  # clear of any bookmark a firm's template may carry


def _bookmark(p: Paragraph, name: str, ident: int) -> None:
    """Bookmark the whole paragraph ``p`` as ``name`` (a contents entry links to it)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    ppr = p._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        p._p.insert(0, start)
    p._p.append(end)


def _field(p: Paragraph, instr: str, placeholder: str, *, size: float) -> None:
    fld = parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instr} "><w:r><w:rPr>'
        f'<w:color w:val="595959"/><w:sz w:val="{int(size * 2)}"/></w:rPr>'
        f"<w:t>{placeholder}</w:t></w:r></w:fldSimple>"
    )
    p._p.append(fld)


def _bottom_border(p: Paragraph) -> None:
    ppr = p._p.get_or_add_pPr()
    add_ppr_child(
        ppr,
        parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="4" '
            'w:color="BFBFBF"/></w:pBdr>'
        ),
    )


@dataclass
class _TemplateFacts:
    """What the documents ask of a template's styles: the same for every document."""

    style_ids: dict[tuple, str | None]  # by (style name or id, style type, wanted type)
    accent: str
    style_names: frozenset[str]


# By template: its path, size and time of change (None: ours).
_TEMPLATES: dict[tuple, _TemplateFacts] = {}


def _template_facts(doc: DocxDocument, template: Path | None) -> _TemplateFacts:
    """The template's accent colour and style names, read from the first document built
    on it (they depend only on the template: styles are only added when it is loaded),
    so that most documents never parse its 350 KB of styles."""
    if template is None:
        key: tuple = (None,)
    else:
        stat = Path(template).stat()
        key = (str(Path(template).resolve()), stat.st_size, stat.st_mtime_ns)
    facts = _TEMPLATES.get(key)
    if facts is None:
        styles = list(doc.styles)
        # the ids of the styles the builders use, looked up now that the styles are read
        ids = {
            (s.name, s.type): doc.part.get_style_id(s.name, s.type)
            for s in styles
            if s.name in _BUILDER_STYLES
        }
        names = frozenset(s.name for s in styles)
        facts = _TEMPLATES.setdefault(key, _TemplateFacts(ids, _accent_hex(doc), names))
    return facts


_BUILDER_STYLES = frozenset(REQUIRED_STYLES + ("toc 1", "toc 2", "Table Grid"))


def _cache_style_ids(doc: DocxDocument, known: dict[tuple, str | None]) -> None:
    """Remember the id of each style the documents ask for by name.

    python-docx resolves a style name by walking every style of the template, then
    walks them again to find the default style, for every paragraph given a style:
    a third of a package's time. The answer depends only on the template (styles are
    added only when it is loaded), so it is looked up once per template."""
    part = doc.part
    lookup = part.get_style_id

    def get_style_id(style_or_name, style_type):
        if style_or_name is None:
            return None
        if isinstance(style_or_name, str):
            wanted = (style_or_name, style_type)
        else:
            wanted = (style_or_name.style_id, style_or_name.type, style_type)
        if wanted not in known:
            known[wanted] = lookup(style_or_name, style_type)
        return known[wanted]

    part.get_style_id = get_style_id


_SYMBOL_FONT = '<w:rFonts w:ascii="Segoe UI Symbol" w:hAnsi="Segoe UI Symbol"/>'
_BREAK = "<w:r><w:br/></w:r>"


def _run_content(text: str) -> str:
    """What python-docx writes for a run's text: tabs and carriage returns as their own
    elements, the rest in ``w:t`` (space-preserving when it starts or ends with one)."""
    out = []
    for k, piece in enumerate(re.split(r"([\t\r\n])", text)):
        if k % 2:
            out.append("<w:tab/>" if piece == "\t" else "<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
            out.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return "".join(out)


def _row_xml(
    cells: list[list[str]],
    cols: list[tuple[str, str]],
    shade: str | None,
    run_props: str,
    keep_with_next: bool,
    *,
    header: bool = False,
    bold_first: bool = False,
    grid: list[float] | None = None,
) -> str:
    """One table row (``w:tr``) as XML: each cell its width, shading and lines of text
    in 8.5-point runs; the header row repeats on every page; no row splits across pages."""
    out = ['<w:tr><w:trPr><w:cantSplit w:val="true"/>']
    out.append('<w:tblHeader w:val="true"/></w:trPr>' if header else "</w:trPr>")
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    keep = "<w:keepNext/>" if keep_with_next else ""
    for i, (width, align) in enumerate(cols):
        if i >= len(cells):
            # A short row: the cell python-docx adds, as wide as its grid column.
            width = f'<w:tcW w:type="dxa" w:w="{int(grid[i] * 1440)}"/>' if grid else width
            ppr = f"<w:pPr>{keep}</w:pPr>" if keep else ""
            out.append(f"<w:tc><w:tcPr>{width}</w:tcPr><w:p>{ppr}</w:p></w:tc>")
            continue
        ppr = f"<w:pPr>{keep}{align}</w:pPr>" if keep or align else ""
        out.append(f"<w:tc><w:tcPr>{width}{fill}</w:tcPr><w:p>{ppr}")
        bold = "<w:b/>" if bold_first and i == 0 else ""
        for k, line in enumerate(cells[i]):
            if k:
                out.append(_BREAK)
            font = _SYMBOL_FONT if line.startswith((BOX_CHECKED, BOX_EMPTY)) else ""
            out.append(
                f'<w:r><w:rPr>{font}{bold}{run_props}<w:sz w:val="17"/></w:rPr>'
                f"{_run_content(line)}</w:r>"
            )
        out.append("</w:p></w:tc>")
    out.append("</w:tr>")
    return "".join(out)


def _set_grid(table: Table, widths: list[float]) -> None:
    """Column widths in the grid and the table width, which LibreOffice reads (Word reads cells)."""
    tbl = table._tbl
    grid = tbl.tblGrid
    cols = grid.findall(qn("w:gridCol"))
    for col, width in zip(cols, widths, strict=False):
        col.set(qn("w:w"), str(int(width * 1440)))
    tblpr = tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(int(sum(widths) * 1440)))
    tblw.set(qn("w:type"), "dxa")


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    tcpr.append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    _cant_split(row)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        trpr.insert(0, el)


# Average character widths (inches) of the table fonts, and the cell padding: enough to
# tell whether a word fits its column without measuring glyphs.
_BODY_CHAR_IN = 0.075
_HEADER_CHAR_IN = 0.082
_CELL_PADDING_IN = 0.18
_MAX_WORD_COLUMN_IN = 2.6


def fit_widths(headers: list[str], rows: list[list[object]], widths: list[float]) -> list[float]:
    """Column widths in which no word (and no date) has to break mid-word.

    A column narrower than its longest word takes the difference from the columns with
    room to spare, in proportion to that room; the table's total width is unchanged. When
    the table cannot hold every word, the widths are returned as given.
    """
    need = []
    for i, head in enumerate(headers):
        longest_head = max((len(w) for w in str(head).split()), default=0) * _HEADER_CHAR_IN
        longest = 0
        for row in rows[:400]:
            if i < len(row) and row[i] is not None:
                longest = max(longest, max((len(w) for w in _words(str(row[i]))), default=0))
        need.append(
            min(_MAX_WORD_COLUMN_IN, max(longest_head, longest * _BODY_CHAR_IN) + _CELL_PADDING_IN)
        )
    short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
    if short <= 0:
        return widths
    spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
    if sum(spare) < short:
        return widths
    take = short / sum(spare)
    return [max(w, n) if w < n else w - s * take for n, w, s in zip(need, widths, spare, strict=True)]


def _words(text: str) -> list[str]:
    """The words a line can break between (a no-break space joins, as in a date)."""
    return [w for w in re.split(r"[ \t\r\n]+", text) if w]


def checkbox_pair(value: bool | None) -> str:
    """ "☒ Yes ☐ No" / "☐ Yes ☒ No" / "☐ Yes ☐ No" for approved / rejected / undecided."""
    yes = BOX_CHECKED if value is True else BOX_EMPTY
    no = BOX_CHECKED if value is False else BOX_EMPTY
    return f"{yes} Yes   {no} No"
