"""Fixtures for the reports tests: a small engagement with real-looking data, and readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from workbench.models import Engagement, EngagementMeta
from workbench.models.findings import Finding, list_findings, record_findings, set_status

REP_NAMES = {"005A": "Priya Raman", "005B": "Marcus Oyelaran", "005C": "Helga Sørensen"}
CONTACT_NAMES = {"003X": ("Tobias", "Wexler"), "003Y": ("Ines", "Carvalho")}
INJECTION = '=HYPERLINK("http://evil.example","click")'


def populate(eng: Engagement) -> None:
    """Users, contacts, opportunities, meetings, transcripts, an import and findings."""
    with eng.atomic() as conn:
        for crm_id, name in REP_NAMES.items():
            conn.execute(
                "INSERT INTO users (crm_id, name, email, role, team, is_active) VALUES (?,?,?,?,?,1)",
                (crm_id, name, f"{crm_id}@acme.test", "Account Executive", "East"),
            )
        for crm_id, (first, last) in CONTACT_NAMES.items():
            conn.execute(
                "INSERT INTO contacts (crm_id, first_name, last_name, email) VALUES (?,?,?,?)",
                (crm_id, first, last, f"{first}@buyer.test"),
            )
        for i in range(6):
            conn.execute(
                "INSERT INTO opportunities (crm_id, name, owner_crm_id, stage, amount, close_date, "
                "is_closed, is_won, forecast_category, next_step) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    f"006{i}",
                    INJECTION if i == 0 else f"Deal {i}",
                    list(REP_NAMES)[i % 3],
                    "Discovery",
                    10000.0 * (i + 1),
                    "2026-12-15",
                    0,
                    0,
                    "Pipeline",
                    None if i % 2 else "Demo on Friday",
                ),
            )
        for i in range(10):
            host = list(REP_NAMES)[i % 3]
            conn.execute(
                "INSERT INTO meetings (crm_id, kind, channel, is_external, started_at, is_recorded, "
                "skip_reason, host_crm_id) VALUES (?,?,?,?,?,?,?,?)",
                (
                    f"m{i}",
                    "call" if i >= 7 else "meeting",
                    "Aircall" if i >= 7 else "Zoom",
                    1,
                    f"2026-10-{i + 1:02d}T15:00:00",
                    1 if i % 3 else 0,
                    None if i % 3 else "no consent",
                    host,
                ),
            )
            for t in range(4):
                conn.execute(
                    "INSERT INTO transcript_turns (meeting_crm_id, turn_index, speaker, is_internal, "
                    "start_s, end_s, text) VALUES (?,?,?,?,?,?,?)",
                    (
                        f"m{i}",
                        t,
                        "x",
                        t % 2,
                        t * 30.0,
                        t * 30.0 + 25,
                        "What is your budget?" if t % 2 else "We are evaluating another vendor.",
                    ),
                )
        conn.execute(
            "INSERT INTO imports (entity, source_name, profile, mapping, rows_read, rows_imported, "
            "started_at, finished_at) VALUES (?,?,?,?,?,?,?,?)",
            (
                "opportunities",
                "=cmd|' /C calc'!A0.csv",
                "salesforce",
                json.dumps({"crm_id": "Id", "stage": "StageName", "name": INJECTION}),
                6,
                6,
                "2026-11-01T10:00:00",
                "2026-11-01T10:00:05",
            ),
        )
    record_findings(
        eng,
        "capture",
        [
            Finding(
                "capture:dialer",
                "capture",
                "high",
                "Dialer calls largely unrecorded",
                "Only 33% of Aircall calls are recorded.",
                3,
                "meetings",
                ["m7"],
                0.33,
            ),
        ],
    )
    record_findings(
        eng,
        "crm-hygiene",
        [
            Finding(
                "hyg:nextstep",
                "crm-hygiene",
                "medium",
                "Open deals without a next step",
                "3 of 6 open deals have no next step.",
                3,
                "opportunities",
                ["0061"],
                0.5,
            ),
        ],
    )
    hygiene = list_findings(eng, "crm-hygiene")[0]
    set_status(eng, hygiene.id, "CONFIRMED", "Confirmed at kickoff")


@pytest.fixture
def engagement(tmp_path: Path):
    eng = Engagement.create(
        tmp_path / "Acme.engagement",
        EngagementMeta(
            customer="Acme Corp",
            engagement_type="dedicated",
            methodology="MEDDIC",
            jurisdictions=["US-CA", "US-TX", "DE", "GB"],
            fiscal_year_start_month=2,
            consultancy="Summit Revenue Partners",
            consultant="Alex Morgan",
        ),
    )
    eng.set_setting("as_of_date", "2026-11-20")
    populate(eng)
    yield eng
    eng.close()


def docx_text(path: Path) -> str:
    """Everything a reader sees: body paragraphs, table cells, headers and footers."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header):
            parts.extend(p.text for p in part.paragraphs)
    return "\n".join(parts)


def add_evaluation(eng: Engagement) -> str:
    """Create and score a revenue-intelligence evaluation; return the leading vendor."""
    from workbench.evaluation import create_evaluation, edit, load_matrix, summarise

    create_evaluation(eng, "revenue-intelligence")
    matrix = load_matrix(eng)
    for i, vendor in enumerate(matrix.vendors[:3]):
        for j, criterion in enumerate(matrix.criteria):
            edit.set_score(
                eng, matrix, vendor.name, criterion.name, 5 - ((i + j) % 3), evidence="demo"
            )
    matrix = load_matrix(eng)
    edit.set_tco(eng, matrix, "*", "seats.Rep", 40)
    for vendor, price in zip(matrix.vendors[:3], (1600, 1400, 1200), strict=False):
        edit.set_tco(eng, load_matrix(eng), vendor.name, "price.Rep", price)
    return summarise(load_matrix(eng)).results.winner


@pytest.fixture(scope="session", params=["revenue-intelligence", "conversation-intelligence"])
def story_package(request, tmp_path_factory, demo_story_file: Path):
    """The package of the demo engagement (with its story) as each project kind."""
    from .package_text import demo_package

    return demo_package(demo_story_file, tmp_path_factory.mktemp("pkg"), request.param)
