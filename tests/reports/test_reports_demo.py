"""The package for the demo engagement, checked against the capabilities' own figures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from workbench.models import Engagement
from workbench.models.vocabulary import channel_words
from workbench.reports.package import build_package

from .conftest import docx_text


@pytest.fixture(scope="module")
def demo_package(tmp_path_factory, demo_file: Path):
    out = tmp_path_factory.mktemp("demo-package")
    eng = Engagement.open(demo_file, read_only=True)
    try:
        result = build_package(eng, out / "pkg", anonymize=True)
        from workbench.audits import AuditData, run_baselines, run_capture

        data = AuditData(eng)
        baselines = run_baselines(eng, data=data, record=False)
        capture = run_capture(eng, data=data, record=False)
        users = [r[0] for r in eng.conn.execute("SELECT name FROM users WHERE name IS NOT NULL")]
    finally:
        eng.close()
    return result, baselines, capture, users


def _path(result, name: str) -> Path:
    return next(f.path for f in result.files if f.document == name and f.format == "docx")


def test_baseline_document_shows_the_audits_win_rate_and_forecast_accuracy(demo_package) -> None:
    result, baselines, _capture, _users = demo_package
    doc = Document(str(_path(result, "baseline-metrics")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Metric")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    total = baselines.row("ALL")
    assert rows["Win rate"][-1] == f"{total.win_rate * 100:.1f}%"
    assert rows["Forecast accuracy"][-1] == f"{total.forecast_accuracy * 100:.1f}%"
    first_q = baselines.quarters[0]
    assert [c.text for c in table.rows[0].cells][1] == first_q
    assert rows["Deals won"][1] == f"{baselines.row(first_q).won:,}"


def test_gap_analysis_shows_the_audits_capture_rate_per_channel(demo_package) -> None:
    result, _b, capture, _users = demo_package
    doc = Document(str(_path(result, "gap-analysis")))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Channel")
    shown = {r.cells[0].text: r.cells[3].text for r in table.rows[1:]}
    for g in capture.by_channel:
        assert shown[channel_words(g.name or g.key)] == f"{g.rate * 100:.1f}%"
    assert len(doc.inline_shapes) >= 1
    assert f"{capture.rate * 100:.1f}%" in docx_text(_path(result, "gap-analysis"))


def test_anonymised_demo_package_shows_no_rep_name_anywhere(demo_package) -> None:
    result, _b, _c, users = demo_package
    texts = [docx_text(f.path) for f in result.files if f.format == "docx"]
    blob = "\n".join(texts)
    leaked = [name for name in users if name in blob]
    assert leaked == []
    assert "Rep " in blob


def test_every_demo_document_is_built(demo_package) -> None:
    result = demo_package[0]
    built = {f.document for f in result.files}
    expected = {
        "index",
        "gap-analysis",
        "baseline-metrics",
        "definition-alignment",
        "success-criteria",
        "evaluation-summary",
        "integration-map",
        "consent-plan",
        "field-mapping",
        "scoring-rules",
        "tracker-design",
        "coaching-scorecard",
        "dashboard-specs",
        "platform-config",
        "admin-runbook",
        "deal-review-playbook",
        "forecast-cadence",
        "faq",
        "maintenance-schedule",
        "quick-start",
        "intake-pack",
        "technical-spec",
        "training-package",
        "sales-call-library",
    }
    # The demo_file fixture holds data but no evaluation: everything else is built, and
    # the evaluation workbook is skipped with a reason instead of written empty.
    assert built == expected
    assert set(result.skipped) == {"evaluation-matrix"}
    assert "evaluation" in result.skipped["evaluation-matrix"].lower()


def test_export_command_writes_the_package_and_reports_json(
    demo_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / demo_file.name
    shutil.copy2(demo_file, copy)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "workbench",
            "export",
            str(copy),
            "--out",
            str(tmp_path / "out"),
            "--only",
            "faq",
            "consent-plan",
            "--zip",
            "--anonymize",
            "--json",
        ],
        capture_output=True,
        text=True,
        env={
            "PYTHONPATH": "src",
            "PATH": "/usr/bin:/bin",
            "WORKBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
        },
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {f["document"] for f in data["files"]} == {"index", "faq", "consent-plan"}
    assert Path(data["zip"]).exists()


def test_export_command_refuses_an_unknown_document_in_one_line(
    demo_file: Path, tmp_path: Path
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "workbench", "export", str(demo_file), "--only", "nonsense"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": "src", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert run.returncode == 1
    assert run.stderr.startswith("error: Unknown document: nonsense.")
    assert "Traceback" not in run.stderr


def test_baseline_document_states_the_definitions_and_the_rep_spread(demo_package) -> None:
    from workbench.audits.baselines import DEFINITIONS

    result, baselines, _capture, _users = demo_package
    doc = Document(str(_path(result, "baseline-metrics")))
    text = "\n".join(p.text for p in doc.paragraphs)
    for name, definition in DEFINITIONS.items():
        assert f"{name}: {definition}" in text
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Metric")
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    total = baselines.row("ALL")
    assert rows["Forecast accuracy, mean of reps"][-1] == f"{total.rep_accuracy_mean * 100:.1f}%"
    assert rows["Forecast accuracy, lowest rep"][-1] == f"{total.rep_accuracy_min * 100:.1f}%"
