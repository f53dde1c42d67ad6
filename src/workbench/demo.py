"""The demo engagement: a deterministic, believable fictional customer.

Same seed, same data. ``build_demo`` writes ``<out>/Northwind Robotics.engagement``
(a robotics maker with ~40 AEs, 3,000 accounts, 15,000 opportunities and their
history, activities, meetings, forecasts, platform usage and transcripts; see
``workbench.demodata``) and, when the reports capability is present, the
documentation package beside it. Everything is dated relative to a pinned as-of
date, so the figures never drift.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

from workbench.demodata.companies import build_companies
from workbench.demodata.deals import OFF_LIST_STAGES, STAGES, backdate_records, build_deals
from workbench.demodata.forecasts import build_forecasts, build_usage
from workbench.demodata.meetings import build_meetings
from workbench.demodata.org import build_org, write_users
from workbench.demodata.story import tell_story
from workbench.demodata.transcripts import build_transcripts
from workbench.demodata.vocab import COMPETITORS
from workbench.models import Engagement, EngagementMeta
from workbench.models.fiscal import last_quarters
from workbench.progress import Progress

DEFAULT_SEED = 20261123
DEMO_CUSTOMER = "Northwind Robotics"
AS_OF = date(2026, 11, 16)
FISCAL_START_MONTH = 2
ACCOUNTS = 3_000
OPPORTUNITIES = 15_000
ACTIVITIES = 100_000


def build_demo(
    out: Path,
    *,
    seed: int | None = None,
    scale: float = 1.0,
    with_package: bool = True,
    with_story: bool | None = None,
    progress: Progress | None = None,
) -> dict:
    """Build the demo engagement in ``out``; return its path, counts, package and notes.

    ``seed`` picks the data (same seed, byte-identical table contents); ``scale``
    multiplies the record counts (0.1 for quick tests). The sales org (~50 people)
    does not scale. An existing demo file in ``out`` is replaced. ``with_story``
    (default: same as ``with_package``) runs the audits and records the engagement's
    story (intake, meetings, definitions, success criteria, platform evaluation,
    checklist; see ``workbench.demodata.story``); without it and without the package
    the file holds the raw data only, with no findings.
    """
    progress = progress or Progress.none()
    with_story = with_package if with_story is None else bool(with_story)
    analyse = with_package or with_story
    seed = DEFAULT_SEED if seed is None else int(seed)
    if scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{DEMO_CUSTOMER}.engagement"
    meta = EngagementMeta(
        customer=DEMO_CUSTOMER,
        project_kind="revenue-intelligence",
        engagement_type="dedicated",
        methodology="MEDDIC",
        jurisdictions=["US-CA", "US-NY", "US-TX", "GB", "DE"],
        currency="USD",
        fiscal_year_start_month=FISCAL_START_MONTH,
        consultancy="Summit Revenue Partners",
        consultant="Alex Morgan",
    )
    for stale in (path, path.with_name(path.name + ".lock")):
        stale.unlink(missing_ok=True)
    notes: list[str] = []
    eng = Engagement.create(path, meta)
    try:
        _fill(eng, seed, scale, progress.span(0.0, 0.5 if analyse else 1.0))
    except BaseException:
        # Cancelled or failed: the transaction rolled back; do not leave an empty demo.
        eng.close()
        path.unlink(missing_ok=True)
        raise
    try:
        package = None
        if analyse:
            # The documents report what the audits and the calibration found, so run
            # them first, as a consultant would before exporting; the story's success
            # criteria take their baselines from these audits, and the gates the
            # package prints read the story, so the story comes before the package.
            audits = _analyse(eng, progress.span(0.5, 0.72), notes)
            if with_story:
                tell_story(eng, audits, progress.span(0.72, 0.8), notes)
                _refresh(eng, progress.span(0.72, 0.8))
            _coach(eng, progress.span(0.78, 0.8))
        if with_package:
            package = _package(eng, out, progress.span(0.8, 1.0))
        counts = eng.counts()
    finally:
        eng.close()
    progress.update(1.0, "Demo engagement built")
    return {"engagement": str(path), "counts": counts, "package": package, "notes": notes}


def _fill(eng: Engagement, seed: int, scale: float, progress: Progress) -> None:
    """Generate every table inside one transaction."""
    window_start = last_quarters(AS_OF, 6, FISCAL_START_MONTH)[0].start
    with eng.atomic() as conn:
        progress.update(0.0, "Building the sales organisation")
        reps = build_org(seed, AS_OF)
        write_users(conn, reps)
        progress.update(0.03, "Writing accounts and contacts")
        companies = build_companies(conn, seed, AS_OF, reps, max(40, round(ACCOUNTS * scale)))
        deals = build_deals(
            conn,
            seed,
            AS_OF,
            window_start,
            reps,
            companies.accounts,
            max(100, round(OPPORTUNITIES * scale)),
            round(ACTIVITIES * scale),
            progress.span(0.1, 0.8),
        )
        backdate_records(conn)
        progress.update(0.8, "Writing meetings and calls")
        meetings = build_meetings(conn, seed, AS_OF, reps, companies.accounts, deals)
        progress.update(0.88, "Writing transcripts")
        deals_by_id = {d.crm_id: d for d in deals.deals}
        with tempfile.TemporaryDirectory(prefix="workbench-demo-calls-") as folder:
            # The import history names the folder: a plain name, not the temporary one.
            calls = Path(folder) / "Call recordings"
            calls.mkdir()
            _, transcript_ids = build_transcripts(eng, seed, meetings.recorded, deals_by_id, calls)
        progress.update(0.92, "Writing forecasts and platform usage")
        build_forecasts(conn, seed, AS_OF, FISCAL_START_MONTH, reps, deals.deals)
        build_usage(conn, seed, AS_OF, reps)
        settings = {
            "as_of_date": AS_OF.isoformat(),
            "demo.seed": seed,
            "demo.scale": scale,
            "demo.planted_duplicate_accounts": companies.duplicate_accounts,
            "demo.planted_duplicate_contacts": companies.duplicate_contacts,
            "demo.lookalike_accounts": companies.lookalike_accounts,
            "demo.planted_inconsistencies": deals.planted,
            "demo.crm_activities_without_meeting": meetings.not_logged_activities,
            "demo.transcript_meetings": transcript_ids,
            "demo.competitors": list(COMPETITORS),
            "demo.stages": [
                {
                    "stage": name,
                    "order": i,
                    "probability": prob,
                    "forecast_category": cat,
                    "is_closed": name.startswith("Closed"),
                    "is_won": name == "Closed Won",
                }
                for i, (name, prob, cat) in enumerate(STAGES)
            ],
            "demo.off_list_stages": list(OFF_LIST_STAGES),
        }
        conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [(k, json.dumps(v)) for k, v in settings.items()],
        )
        eng.touch()
        progress.update(1.0, "Demo data written")


def _analyse(eng: Engagement, progress: Progress, notes: list[str]) -> object:
    """Calibrate and score the pipeline, then run the audits, as a consultant would
    before exporting; every result is stored as a run the documents read.

    Scoring comes first because the maintenance checks read the calibration run.
    Returns the audits' ``AuditsRun``.
    """
    from workbench.audits.operations import run_audits_op  # noqa: PLC0415
    from workbench.scoring.operations import ScoreRequest, calibrate_rules, score  # noqa: PLC0415

    calibrate_rules(eng, progress=progress.span(0.0, 0.35))
    score(eng, ScoreRequest(record=True), progress=progress.span(0.35, 0.5))
    return run_audits_op(eng, progress=progress.span(0.5, 1.0))


def _refresh(eng: Engagement, progress: Progress) -> None:
    """Score again what the story's intake answers changed (the competitors the
    trackers count), and the maintenance checks that read the calibration; store the
    story's evaluation robustness as a consultant who ran the evaluation would (the
    GUI then shows the stored run, with or without a package)."""
    from workbench.audits.operations import RunAudits, run_audits_op  # noqa: PLC0415
    from workbench.evaluation.operations import evaluation_summary  # noqa: PLC0415
    from workbench.evaluation.store import current_evaluation_id  # noqa: PLC0415
    from workbench.models.runs import latest_run  # noqa: PLC0415
    from workbench.scoring.operations import ScoreRequest, calibrate_rules, score  # noqa: PLC0415

    calibration = latest_run(eng, "calibration")
    if calibration is not None and calibration.stale:
        calibrate_rules(eng, progress=progress.span(0.0, 0.6))
        score(eng, ScoreRequest(record=True), progress=progress.span(0.6, 0.8))
        run_audits_op(eng, RunAudits(["maintenance"]), progress=progress.span(0.8, 1.0))
    if current_evaluation_id(eng) is not None:  # a story step that failed left none
        evaluation_summary(eng)


def _coach(eng: Engagement, progress: Progress) -> None:
    """Measure the demo calls and find the tracker hits (after the intake names competitors)."""
    from workbench.coaching.operations import run_coaching, run_trackers  # noqa: PLC0415

    run_coaching(eng, progress=progress.span(0.0, 0.7))
    run_trackers(eng, progress=progress.span(0.7, 1.0))


def _package(eng: Engagement, out: Path, progress: Progress) -> str:
    """Build the documentation package and record the export in the engagement, as
    ``workbench export`` and the Deliverables page do (the page then shows each
    document's status and the folder)."""
    from workbench.reports.exports import record_export  # noqa: PLC0415
    from workbench.reports.package import build_package  # noqa: PLC0415

    target = out / "package"
    record_export(eng, build_package(eng, target, progress=progress))
    return str(target)
