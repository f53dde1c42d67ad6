"""Bad input: a firm template missing the expected styles, a logo that is not an image, an
engagement with no intake, no people and no platform. The package is still produced,
says in words what is missing, and shows no internal name."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from workbench.models import Engagement, EngagementMeta
from workbench.models.vocabulary import internal_identifiers
from workbench.reports.package import build_package

from .package_text import crm_property_names, texts


def _bare_template(path: Path) -> Path:
    doc = Document()
    for name in ("Caption", "List Bullet", "List Number", "Title", "Subtitle", "Heading 1",
                 "Heading 2", "Heading 3", "Table Grid"):  # fmt: skip
        element = doc.styles[name].element
        element.getparent().remove(element)
    doc.save(str(path))
    return path


def test_an_empty_engagement_with_a_bare_template_and_a_bad_logo_still_gets_its_package(
    tmp_path: Path,
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_text("this is not an image")
    eng = Engagement.create(tmp_path / "Empty.engagement", EngagementMeta(customer="Empty Co"))
    try:
        result = build_package(
            eng,
            tmp_path / "out",
            template=_bare_template(tmp_path / "firm.docx"),
            branding={"logo": str(logo)},
        )
    finally:
        eng.close()
    built = {f.document for f in result.files}
    assert {"index", "admin-runbook", "faq", "quick-start", "definition-alignment"} <= built
    assert result.missing[0] == (
        "Logo: the file logo.png is not a PNG, JPEG, GIF or BMP image Word can show; the "
        "documents were written without a logo."
    )
    runbook = next(f for f in result.files if f.document == "admin-runbook")
    assert runbook.status == "DRAFT"
    assert any(n.startswith("The platform is not selected yet") for n in runbook.missing)
    signoff = "\n".join(
        texts(next(f.path for f in result.files if f.document == "definition-alignment"))
    )
    assert "To be named by the customer at the kickoff meeting" in signoff
    assert "Named by the consultancy at the kickoff meeting" in signoff
    leaks = [
        f"{f.path.name}: {word}"
        for f in result.files
        for text in texts(f.path)
        for word in internal_identifiers(text, crm_property_names())
    ]
    assert leaks == []
