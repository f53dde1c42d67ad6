"""The quarterly recalibration check: how the current version's scores held up.

The scores the current version gave when it was set (recorded by ``workbench score
--record``) are compared with what happened to those deals since. Deals that closed
since the version was set but were never recorded are scored as of their snapshot
before close (history-safe signals), and the report says how many of each kind it
used. It also lists what changed from the previous version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.models import Engagement
from workbench.scoring import metrics
from workbench.scoring.calibration import RED_FLAG_LOW_RISK_SHARE
from workbench.scoring.data import load_deal_data
from workbench.scoring.history import DEFAULT_HORIZON_DAYS, closed_deals
from workbench.scoring.pipeline import score_closed
from workbench.scoring.rules import BANDS, VersionDiff, diff_rule_sets, get_rule_set, list_rule_sets


@dataclass
class BandOutcome:
    """Deals closed since the version was set, by the band they had."""

    band: str
    count: int
    lost_or_slipped: int
    share: float | None


@dataclass
class RecalibrationReport:
    """Current version vs outcomes since it was set, and what changed from the last one."""

    rule_set_version: int | None
    effective_from: str | None
    as_of: str
    n_closed_since: int
    n_recorded: int  # scores recorded at the time
    n_reconstructed: int  # scored as of their snapshot afterwards
    auc: float | None
    brier: float | None
    low_risk_lost_share: float | None
    red_flag: bool | None
    bands: list[BandOutcome]
    changes: VersionDiff | None
    verdict: str
    notes: list[str] = field(default_factory=list)


def recalibration_report(eng: Engagement) -> RecalibrationReport:
    """Compare the current version's scores with the outcomes of deals closed since."""
    versions = list_rule_sets(eng)
    current = get_rule_set(eng)
    previous = versions[-2] if len(versions) >= 2 else None
    since = current.effective_from or None
    as_of = pd.Timestamp(eng.as_of())
    data = load_deal_data(eng)
    horizon = int(eng.setting("scoring.horizon_days", DEFAULT_HORIZON_DAYS))
    deals = closed_deals(data, as_of, horizon).frame
    if since:
        deals = deals[deals["close"] > pd.Timestamp(since)]
    recorded = (
        pd.read_sql_query(
            "SELECT opportunity_crm_id AS opp, score, band, as_of FROM scoring_scores "
            "WHERE rule_set_version = ? ORDER BY as_of",
            eng.conn,
            params=(current.version or 0,),
        )
        .drop_duplicates("opp", keep="first")
        .set_index("opp")
    )
    recorded = recorded[recorded.index.isin(deals.index)]
    missing = deals.index.difference(recorded.index)
    rebuilt = score_closed(eng, rule_set=current, data=data, closed_after=since)
    rebuilt_frame = pd.DataFrame(
        {"score": [d.score for d in rebuilt], "band": [d.band for d in rebuilt]},
        index=[d.opportunity_crm_id for d in rebuilt],
    )
    rebuilt_frame = rebuilt_frame[rebuilt_frame.index.isin(missing)]
    scores = pd.concat([recorded[["score", "band"]], rebuilt_frame])
    y = deals["bad"].reindex(scores.index).to_numpy()
    s = scores["score"].to_numpy(dtype=float)
    probs = current.probability(scores["score"])
    bands = []
    for band in BANDS:
        mask = (scores["band"] == band).to_numpy()
        n = int(mask.sum())
        bad = int(y[mask].sum()) if n else 0
        bands.append(BandOutcome(band, n, bad, bad / n if n else None))
    low = bands[0]
    report = RecalibrationReport(
        rule_set_version=current.version,
        effective_from=since,
        as_of=as_of.date().isoformat(),
        n_closed_since=len(scores),
        n_recorded=len(recorded),
        n_reconstructed=len(rebuilt_frame),
        auc=metrics.auc(y, s) if len(y) else None,
        brier=metrics.brier(y, probs.to_numpy()) if probs is not None and len(y) else None,
        low_risk_lost_share=low.share,
        red_flag=None if low.share is None else low.share > RED_FLAG_LOW_RISK_SHARE,
        bands=bands,
        changes=diff_rule_sets(previous, current) if previous else None,
        verdict="",
    )
    report.verdict = _verdict(report, np.unique(y))
    if probs is None:
        report.notes.append(
            "This version has no score-to-probability mapping (it was not saved from a "
            "calibration), so there is no Brier score; AUC and band outcomes still apply."
        )
    return report


def _verdict(report: RecalibrationReport, outcomes: np.ndarray) -> str:
    if report.n_closed_since == 0:
        return (
            f"No deal has closed since version {report.rule_set_version} was set on "
            f"{report.effective_from}; check again after the quarter closes."
        )
    if len(outcomes) < 2:
        return "Every deal closed since had the same outcome; the ranking cannot be judged yet."
    if report.red_flag:
        return (
            f"Recalibrate: {report.low_risk_lost_share:.0%} of deals scored low risk were "
            f"lost or slipped (red flag above {RED_FLAG_LOW_RISK_SHARE:.0%})."
        )
    if report.auc is not None and report.auc < 0.6:
        return f"Recalibrate: the scores barely rank outcomes (AUC {report.auc:.2f})."
    return (
        f"Keep version {report.rule_set_version}: AUC {report.auc:.2f} on "
        f"{report.n_closed_since} deals closed since it was set; low-risk deals lost or "
        "slipped stay under the red flag."
    )
