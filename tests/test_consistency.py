"""One figure, one truth: every figure that appears in more than one place is equal.

The demo is built once with its package. The truth is the stored runs; each face
(the documents' text and cells, ``--json`` of the CLI, the GUI pages) must show
the same number, formatted as that face formats it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from workbench.audits.capture import longest_run_below
from workbench.audits.operations import latest_audit
from workbench.cli import main
from workbench.demo import build_demo
from workbench.evaluation.operations import MONTE_CARLO
from workbench.models import Engagement
from workbench.models.findings import list_findings
from workbench.models.runs import latest_run
from workbench.models.vocabulary import channel_words
from workbench.reports.dates import long_date
from workbench.scoring.operations import latest_calibration, latest_scores


def _docx(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def pct1(v: float) -> str:
    return f"{v * 100:.1f}%"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("consistency")
    result = build_demo(out, with_package=True)
    path = Path(result["engagement"])
    package = Path(result["package"])
    docs = {p.stem.split(" ", 1)[1]: _docx(p) for p in package.glob("*.docx")}
    books = {p.stem.split(" ", 1)[1]: openpyxl.load_workbook(p) for p in package.glob("*.xlsx")}
    with Engagement.open(path, read_only=True) as eng:
        truth = {
            "capture": latest_audit(eng, "capture"),
            "baselines": latest_audit(eng, "baselines"),
            "maintenance": latest_audit(eng, "maintenance"),
            "scores": latest_scores(eng),
            "calibration": latest_calibration(eng),
            "monte_carlo": latest_run(eng, MONTE_CARLO),
            "findings": list_findings(eng),
        }
    return path, docs, books, truth


def _cli(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_every_stored_run_is_current_after_the_demo(demo) -> None:
    _path, _docs, _books, truth = demo
    for key in ("capture", "baselines", "maintenance", "scores", "calibration"):
        assert not truth[key][1].stale, key
    assert not truth["monte_carlo"].stale
    index = _docs["Package Index"]
    capture_run = truth["capture"][1]
    row = f"Capture gap analysis | #{capture_run.id} | {long_date(capture_run.created_at)} | "
    assert row + f"{long_date(capture_run.as_of)} | Current" in index
    assert f"Evaluation robustness (Monte Carlo) | #{truth['monte_carlo'].id} |" in index


def test_capture_rate_and_conversations_are_the_same_everywhere(demo, capsys) -> None:
    path, docs, books, truth = demo
    cap, run = truth["capture"]
    rate, total, recorded = pct1(cap.rate), f"{cap.total:,}", f"{cap.recorded:,}"
    assert (rate, total) == ("78.4%", "7,568")  # the demo's own figures
    assert f"{recorded} of {total} external customer conversations" in docs["Gap Analysis"]
    assert f"capture rate of {rate}" in docs["Gap Analysis"]
    consent = docs["Recording Consent Compliance Plan"]
    assert f"{total} external meetings and calls" in consent
    assert f"recorded | {recorded} | {rate}" in consent
    assert f"Call recording coverage | {rate}" in docs["Success Criteria"]
    for role in ("Admin", "Manager", "Rep"):
        assert (
            f"External conversations recorded (90 days) | {rate} (target 95%)"
            in docs[f"Quick-Start Guide - {role}"]
        )
    # the maintenance check measures the same run
    maint = {c.check: c for c in truth["maintenance"][0].checks}
    assert maint["recording_coverage"].value == cap.rate
    assert maint["recording_coverage"].n == cap.total
    data = _cli(capsys, "audit", str(path), "capture", "maintenance", "--latest", "--json")
    assert data["capture"]["run"]["id"] == run.id and data["capture"]["run"]["stale"] is False
    assert (data["capture"]["rate"], data["capture"]["total"]) == (cap.rate, cap.total)
    checks = {c["check"]: c for c in data["maintenance"]["checks"]}
    assert checks["recording_coverage"]["value"] == cap.rate


def test_capture_by_channel_is_the_same_everywhere(demo) -> None:
    _path, docs, books, truth = demo
    cap = truth["capture"][0]
    ws = books["Integration Requirements Map"]["Integration map"]
    cells = {str(r[0]).lower(): str(r[2]) for r in ws.iter_rows(values_only=True) if r[0] and r[2]}
    for g in cap.by_channel:
        name = channel_words(g.key)  # "teams" reads "Microsoft Teams" in every document
        row = f"{name} | {g.total:,} | {g.recorded:,} | {pct1(g.rate)} | {g.status}"
        assert row in docs["Gap Analysis"]
        runbook = re.search(
            rf"^{re.escape(name)} \| ([\d,]+) \| ([\d.]+%)$", docs["Admin Runbook"], re.I | re.M
        )
        assert runbook and runbook.groups() == (f"{g.total:,}", pct1(g.rate)), g.key
        assert cells[name.lower()].startswith(f"{g.total:,} external ")
        assert f"{pct1(g.rate)} recorded ({g.recorded:,})" in cells[name.lower()]
    zoom = next(g for g in cap.by_channel if g.key == "zoom")
    assert (zoom.total, pct1(zoom.rate)) == (2435, "93.5%")


def test_weeks_below_target_are_counted_once(demo) -> None:
    _path, docs, _books, truth = demo
    cap = truth["capture"][0]
    streak = longest_run_below([g for g in cap.by_week if g.rate is not None], 0.85)
    n = len(streak)
    assert n >= 2
    gap = docs["Gap Analysis"]
    assert f"Capture under 85.0% for {n} weeks in a row" in gap
    listed = re.search(r"weeks (\S+) to (\S+):", gap)
    assert listed.groups() == (streak[0].key, streak[-1].key)
    result = truth["maintenance"][0]
    maint = {c.check: c for c in [*result.checks, *result.triggers]}
    assert maint["recording_weekly"].display == f"{n} consecutive weeks below 85.0%"


def test_risk_bands_are_the_same_everywhere(demo, capsys) -> None:
    path, docs, _books, truth = demo
    scores, run = truth["scores"]
    counts, amounts = scores.band_counts(), scores.band_amounts()
    total = sum(counts.values())
    rules = docs["Deal Scoring Rules"]
    for band in ("high", "medium", "low"):
        row = f"{band.title()} | {counts[band]:,} | {counts[band] / total * 100:.0f}% | "
        assert row + f"${amounts[band]:,.0f}" in rules
    high = f"{counts['high']:,} worth ${amounts['high']:,.0f}"
    for role in ("Executive", "Manager"):
        assert f"Open deals at high risk | {high}" in docs[f"Quick-Start Guide - {role}"]
    data = _cli(capsys, "score", str(path), "--latest", "--json")
    assert data["run"]["id"] == run.id
    assert data["counts"] == counts and data["amounts"] == amounts


def test_low_risk_lost_share_is_the_calibrations(demo) -> None:
    _path, docs, _books, truth = demo
    report, _run = truth["calibration"]
    share = report.low_risk_lost_share
    assert f"Low-risk deals lost or slipped | {pct1(share)}" in docs["Deal Scoring Rules"]
    checks = {c.task_id: c for c in truth["maintenance"][0].checks}
    assert checks["scoring_spot_check"].value == share
    assert checks["scoring_spot_check"].status == ("red flag" if share > 0.30 else "ok")
    assert checks["scoring_recalibration"].status == checks["scoring_spot_check"].status


def test_monte_carlo_has_one_probability_and_one_number_of_draws(demo, capsys) -> None:
    path, docs, _books, truth = demo
    run = truth["monte_carlo"]
    mc = run.result
    text = (
        f"({mc['draws']:,} draws), {mc['leader']} ranks first in "
        f"{mc['leader_holds'] * 100:.0f}% of them"
    )
    assert text in docs["Platform Evaluation Summary"]
    assert run.parameters["draws"] == mc["draws"] == 10_000
    data = _cli(capsys, "evaluate", str(path), "--json")
    assert data["run"]["id"] == run.id
    assert data["monte_carlo"]["draws"] == mc["draws"]
    assert data["monte_carlo"]["leader_holds"] == mc["leader_holds"]


def test_baselines_are_the_same_everywhere(demo, capsys) -> None:
    path, docs, _books, truth = demo
    base, run = truth["baselines"]
    total = base.row("ALL")
    doc = docs["Baseline Metrics"]
    assert re.search(rf"^Win rate \|.* \| {re.escape(pct1(total.win_rate))}$", doc, re.M)
    assert re.search(
        rf"^Forecast accuracy \|.* \| {re.escape(pct1(total.forecast_accuracy))}$", doc, re.M
    )
    assert re.search(
        rf"^Sales cycle, mean \(days\) \|.* \| {total.cycle_mean_days:,.0f}$", doc, re.M
    )
    for s in [s for s in base.stage_conversion if s.quarter == "ALL"]:
        assert f"{s.stage} | {s.reached:,} | {s.won:,} | {pct1(s.win_rate)}" in doc
    exec_ = docs["Quick-Start Guide - Executive"]
    assert f"Forecast accuracy, last four quarters | {pct1(total.forecast_accuracy)}" in exec_
    assert f"Win rate, last four quarters | {pct1(total.win_rate)}" in exec_
    assert f"Deal slippage rate | {pct1(total.slippage_rate)}" in exec_
    data = _cli(capsys, "audit", str(path), "baselines", "--latest", "--json")
    assert data["baselines"]["run"]["id"] == run.id
    assert data["baselines"]["win_rate"]["overall"]["value"] == total.win_rate
    assert data["baselines"]["cycle_days"]["mean"] == pytest.approx(total.cycle_mean_days)


def test_finding_counts_by_status_are_the_same_in_the_gap_analysis_and_json(demo, capsys) -> None:
    path, docs, _books, truth = demo
    shown = [f for f in truth["findings"] if f.audit == "capture" and f.status != "DISMISSED"]
    gap = docs["Gap Analysis"]
    for status in ("ASSUMED", "CONFIRMED"):
        expected = sum(1 for f in shown if f.status == status)
        rows = [line for line in gap.splitlines() if line.endswith(f"| {status}")]
        capture_rows = [r for r in rows if any(r.split(" | ")[1] == f.title for f in shown)]
        assert len(capture_rows) == expected, status
    data = _cli(capsys, "findings", str(path), "--audit", "capture", "--json")
    listed = [f for f in data if f["status"] != "DISMISSED"]
    assert Counter(f["status"] for f in listed) == Counter(f.status for f in shown)


def test_the_gui_pages_show_the_stored_runs(demo, qtbot, tmp_path) -> None:
    import shutil

    from workbench.ui.context import PageContext
    from workbench.ui.pages.audits import Page as AuditsPage
    from workbench.ui.pages.evaluation import Page as EvaluationPage
    from workbench.ui.pages.scoring import Page as ScoringPage
    from workbench.ui.tasks import TaskRunner

    path, _docs, _books, truth = demo
    copy = tmp_path / path.name
    shutil.copy2(path, copy)
    eng = Engagement.open(copy, read_only=True)
    runner = TaskRunner()
    runner.engagement = eng
    context = PageContext(eng, runner)
    try:
        scoring = ScoringPage(context)
        qtbot.addWidget(scoring)
        scoring.refresh()
        scores, run = truth["scores"]
        assert scoring.pipeline.band_counts() == scores.band_counts()
        assert f"high {scores.band_counts()['high']} " in scoring.pipeline_summary.text()
        assert f"run #{run.id} of" in scoring.pipeline_summary.text()
        evaluation = EvaluationPage(context)
        qtbot.addWidget(evaluation)
        evaluation.refresh()
        mc = truth["monte_carlo"]
        assert evaluation.summary.monte_carlo.leader_holds == mc.result["leader_holds"]
        assert evaluation.summary.monte_carlo.draws == mc.result["draws"]
        assert f"run #{mc.id} of" in evaluation.recommendation.text()
        audits = AuditsPage(context)
        qtbot.addWidget(audits)
        with qtbot.waitSignal(runner.finished, timeout=60000):
            audits.measure()
        assert audits.results["capture"].rate == truth["capture"][0].rate
        assert f"run #{truth['capture'][1].id} of" in audits.chart_note.text()
    finally:
        runner.shutdown()
        eng.close()
