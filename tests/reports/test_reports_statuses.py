"""Statuses that hold: a document is DRAFT while its own content is unsettled, the index
is no more final than its least final document, severities follow stated rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from workbench.audits.baselines import forecast_severity
from workbench.models import Engagement
from workbench.reports.docx_base import Branding, DocBuilder, DocInfo
from workbench.scoring.operations import latest_calibration

from .conftest import docx_text


@pytest.mark.parametrize(
    ("accuracy", "bias", "severity"),
    [
        (0.727, 0.27, "high"),  # the demo's FY2026-Q4: a 27% over-forecast is not "low"
        (0.798, 0.20, "medium"),  # exactly 20% is not beyond 20%; accuracy below 85%
        (0.90, 0.05, "info"),
        (0.90, -0.15, "medium"),  # sandbagging counts as much as over-forecasting
        (0.65, 0.0, "high"),
        (0.80, 0.05, "medium"),
    ],
)
def test_forecast_severity_follows_its_stated_rule(accuracy, bias, severity) -> None:
    rated, why = forecast_severity(accuracy, bias)
    assert rated == severity
    assert why.startswith(f"Rated {severity}: ")


def _cover_status(path: Path) -> str:
    doc = Document(str(path))
    line = next(p.text for p in doc.paragraphs if p.text.startswith("Status:"))
    return line.split(":", 1)[1].strip()


def test_a_red_flag_keeps_a_document_draft_even_when_the_export_asks_final(tmp_path) -> None:
    import datetime as dt

    doc = DocBuilder(
        DocInfo("Rules", "Acme", "", "Summit", dt.date(2026, 11, 16), "1.0"),
        branding=Branding(status="FINAL"),
    )
    doc.cover()
    doc.para("Weights.")
    assert doc.status == "FINAL"
    doc.red_flag("45.8% of low-risk deals were lost", "Recalibrate before final.")
    path = doc.save(tmp_path / "rules.docx")
    assert doc.status == "DRAFT"
    assert _cover_status(path) == "DRAFT"
    assert "Red flag: 45.8% of low-risk deals were lost. Recalibrate before final." in docx_text(
        path
    )


def test_the_scoring_rules_are_draft_while_calibration_raises_its_red_flag(
    story_package, demo_story_file: Path
) -> None:
    eng = Engagement.open(demo_story_file, read_only=True)
    try:
        report = latest_calibration(eng)[1].result
    finally:
        eng.close()
    rules = next(f for f in story_package.files if f.document == "scoring-rules")
    share = report.get("low_risk_lost_share")
    text = docx_text(rules.path)
    if report.get("low_risk_red_flag"):
        assert share > 0.30
        assert rules.status == "DRAFT" and _cover_status(rules.path) == "DRAFT"
        assert f"Red flag: {share * 100:.1f}% of the deals rated low risk" in text
    else:
        assert "Red flag:" not in text


def test_the_index_is_no_more_final_than_its_least_final_document(story_package) -> None:
    files = story_package.files
    index = next(f for f in files if f.document == "index")
    drafts = {f.document for f in files if f.status == "DRAFT" and f.document != "index"}
    assert drafts, "the demo package has documents still in draft"
    assert index.status == "DRAFT" and _cover_status(index.path) == "DRAFT"
    text = docx_text(index.path)
    assert f"The package is in draft: {len(drafts)} documents still in draft" in text


def test_the_demo_forecast_findings_carry_their_rule(story_package) -> None:
    baseline = next(f for f in story_package.files if f.document == "baseline-metrics")
    doc = Document(str(baseline.path))
    rows = [
        [c.text for c in r.cells]
        for t in doc.tables
        if t.rows[0].cells[0].text == "Severity"
        for r in t.rows[1:]
    ]
    forecast = [r for r in rows if "forecast accuracy" in r[1] and "bias" in r[2]]
    assert forecast
    for severity, _title, detail, *_ in forecast:
        bias = float(detail.split("bias ")[1].split("%")[0]) / 100
        accuracy = float(_title.split("accuracy ")[1].split("%")[0]) / 100
        expected, _why = forecast_severity(accuracy, bias)
        assert severity.lower() == expected, (severity, detail)
        assert f"Rated {expected}:" in detail
