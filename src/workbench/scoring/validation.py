"""Sample validation with sales leadership: 10-20 deals, expected risk vs the score.

The consultant picks a sample stratified across the score bands (so leadership sees
low, medium and high deals, not just the scary ones), leadership says which band
they expect for each deal, and the report shows agreement deal by deal with the
share agreeing and Cohen's kappa (agreement beyond chance).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.scoring.pipeline import DealScore, score_closed, score_pipeline
from workbench.scoring.rules import BANDS, ensure_rule_set, get_rule_set

SAMPLE_MIN, SAMPLE_MAX = 10, 20


@dataclass
class ValidationRow:
    """One sample deal: the score at selection, leadership's expectation, agreement."""

    opportunity_crm_id: str
    name: str | None
    score: float
    band: str
    expected_band: str | None
    agrees: bool | None
    reviewer: str
    note: str
    top_reasons: list[str]


@dataclass
class ValidationReport:
    """Agreement between the rule version and leadership on the sample."""

    rule_set_version: int | None
    rows: list[ValidationRow]
    n_sample: int
    n_reviewed: int
    agreement: float | None  # share of reviewed deals where band == expected band
    kappa: float | None
    confusion: dict[str, dict[str, int]]  # expected band -> scored band -> count


def select_sample(
    eng: Engagement, *, size: int = 15, pool: str = "open", seed: int = 0
) -> list[DealScore]:
    """Pick ``size`` deals spread across the bands and record them for review.

    ``pool`` is ``open`` (open pipeline), ``closed`` (closed deals scored as of their
    snapshot) or ``both``. Picking again replaces the unreviewed part of the sample.
    """
    if not SAMPLE_MIN <= size <= SAMPLE_MAX:
        raise WorkbenchError(
            f"A validation sample has {SAMPLE_MIN} to {SAMPLE_MAX} deals (the playbook's "
            f"range); {size} was asked."
        )
    if pool not in ("open", "closed", "both"):
        raise WorkbenchError(f"Sample pool {pool!r} is not one of open, closed, both.")
    rule_set = ensure_rule_set(eng)
    candidates: list[DealScore] = []
    if pool in ("open", "both"):
        candidates += score_pipeline(eng, rule_set=rule_set).deals
    if pool in ("closed", "both"):
        candidates += score_closed(eng, rule_set=rule_set)
    if len(candidates) < SAMPLE_MIN:
        raise WorkbenchError(
            f"Only {len(candidates)} deals can be scored in the {pool} pool; a validation "
            f"sample needs at least {SAMPLE_MIN}. Try --from both."
        )
    rng = np.random.default_rng(seed)
    by_band = {b: [d for d in candidates if d.band == b] for b in BANDS}
    for deals in by_band.values():
        rng.shuffle(deals)  # type: ignore[arg-type]
    picked: list[DealScore] = []
    # Round-robin over the bands so each is represented as evenly as the data allows.
    while len(picked) < size and any(by_band.values()):
        for band in ("high", "medium", "low"):
            if by_band[band] and len(picked) < size:
                picked.append(by_band[band].pop())
    stamp = now_iso()
    with eng.atomic() as conn:
        conn.execute(
            "DELETE FROM scoring_validation WHERE rule_set_version = ? AND recorded_at IS NULL",
            (rule_set.version,),
        )
        conn.executemany(
            "INSERT INTO scoring_validation (rule_set_version, opportunity_crm_id, score, band, "
            "reasons, selected_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    rule_set.version,
                    d.opportunity_crm_id,
                    d.score,
                    d.band,
                    json.dumps([f"{r.rule} (+{r.points:.0f})" for r in d.top_reasons(3)]),
                    stamp,
                )
                for d in picked
            ],
        )
    return sorted(picked, key=lambda d: -d.score)


def record_expectation(
    eng: Engagement,
    crm_id: str,
    expected_band: str,
    *,
    reviewer: str,
    note: str = "",
    version: int | None = None,
) -> None:
    """Record the band sales leadership expects for a sample deal."""
    expected = expected_band.strip().lower()
    if expected not in BANDS:
        raise WorkbenchError(
            f"Expected risk {expected_band!r} for {crm_id} is not one of low, medium, high."
        )
    version = version if version is not None else get_rule_set(eng).version
    with eng.atomic() as conn:
        cur = conn.execute(
            "UPDATE scoring_validation SET expected_band = ?, reviewer = ?, note = ?, "
            "recorded_at = ? WHERE rule_set_version = ? AND opportunity_crm_id = ?",
            (expected, reviewer.strip(), note, now_iso(), version, crm_id),
        )
        if cur.rowcount == 0:
            raise WorkbenchError(
                f"{crm_id} is not in the validation sample of rule version {version}; pick "
                "the sample first (workbench validate-sample FILE --pick 15)."
            )


def validation_report(eng: Engagement, version: int | None = None) -> ValidationReport:
    """The sample of ``version`` (default: current) with agreement and kappa."""
    version = version if version is not None else get_rule_set(eng).version
    rows = eng.conn.execute(
        "SELECT v.opportunity_crm_id, o.name, v.score, v.band, v.expected_band, v.reviewer, "
        "v.note, v.reasons FROM scoring_validation v "
        "LEFT JOIN opportunities o ON o.crm_id = v.opportunity_crm_id "
        "WHERE v.rule_set_version = ? ORDER BY v.score DESC, v.opportunity_crm_id",
        (version,),
    ).fetchall()
    out = []
    for opp, name, score, band, expected, reviewer, note, reasons in rows:
        agrees = None if expected is None else expected == band
        out.append(
            ValidationRow(
                opp,
                name,
                float(score),
                band,
                expected,
                agrees,
                reviewer,
                note,
                json.loads(reasons or "[]"),
            )
        )
    reviewed = [r for r in out if r.expected_band is not None]
    confusion = {e: {b: 0 for b in BANDS} for e in BANDS}
    for r in reviewed:
        confusion[r.expected_band][r.band] += 1  # type: ignore[index]
    agreement = kappa = None
    if reviewed:
        agreement = sum(bool(r.agrees) for r in reviewed) / len(reviewed)
        exp = [r.expected_band for r in reviewed]
        got = [r.band for r in reviewed]
        if len(set(exp) | set(got)) > 1:
            kappa = float(cohen_kappa_score(exp, got, labels=list(BANDS)))
    return ValidationReport(version, out, len(out), len(reviewed), agreement, kappa, confusion)


_CSV_COLUMNS = ("opportunity_id", "name", "score", "band", "top_reasons", "expected_band", "note")


def _cell(value: object) -> str:
    """Text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_sample_csv(eng: Engagement, path: Path) -> int:
    """Write the current sample to CSV for leadership to fill in ``expected_band``."""
    report = validation_report(eng)
    if not report.rows:
        raise WorkbenchError("There is no validation sample yet; pick one first (--pick 15).")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_CSV_COLUMNS)
        for r in report.rows:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        r.opportunity_crm_id,
                        r.name,
                        f"{r.score:.1f}",
                        r.band,
                        "; ".join(r.top_reasons),
                        r.expected_band or "",
                        r.note,
                    )
                ]
            )
    return len(report.rows)


def import_expectations_csv(eng: Engagement, path: Path, *, reviewer: str) -> int:
    """Record the ``expected_band`` column of a filled-in sample CSV; blank rows skipped."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        raise WorkbenchError(f"{path} does not exist.") from None
    if not rows:
        raise WorkbenchError(f"{path.name} has no rows.")
    headers = {h.strip().lower(): h for h in rows[0] if h}
    if "opportunity_id" not in headers or "expected_band" not in headers:
        raise WorkbenchError(
            f"{path.name} needs the columns opportunity_id and expected_band (as written by "
            "--export-csv); found: " + ", ".join(headers) + "."
        )
    recorded = 0
    with eng.atomic():
        for number, row in enumerate(rows, start=2):
            band = (row.get(headers["expected_band"]) or "").strip()
            if not band:
                continue
            crm_id = (row.get(headers["opportunity_id"]) or "").strip().lstrip("'")
            note = (row.get(headers["note"]) or "") if "note" in headers else ""
            try:
                record_expectation(eng, crm_id, band, reviewer=reviewer, note=note)
            except WorkbenchError as exc:
                raise WorkbenchError(f"{path.name}, row {number}: {exc}") from None
            recorded += 1
    return recorded
