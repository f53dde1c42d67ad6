"""Score the open pipeline (or any single deal) with the reasons behind each score.

Open deals are scored as of the engagement's as-of day with every signal, the
current-state ones (next step, MEDDIC fields) included. A closed deal asked about
on its own is scored as of its calibration snapshot, with history-safe signals only,
so the GUI shows what the rules would have said before the outcome.
"""

from __future__ import annotations

import gc
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.progress import Progress
from workbench.scoring.aggregates import activity_signals, plain_activity_days
from workbench.scoring.data import DealData, load_deal_data
from workbench.scoring.history import DEFAULT_HORIZON_DAYS, closed_deals
from workbench.scoring.rules import RuleSet, ScoredDeals, apply_rules, get_rule_set
from workbench.scoring.signals import SIGNALS, compute_signals, stage_norms


@dataclass(slots=True)
class Reason:
    """A rule that fired: the signal, its value and the points it added to the score."""

    signal: str
    label: str
    value: float
    rule: str
    points: float


@dataclass(slots=True)
class DealScore:
    """One deal's risk score, band and reasons (all fired rules, largest first)."""

    opportunity_crm_id: str
    name: str | None
    stage: str | None
    amount: float | None
    close_date: str | None
    owner_crm_id: str | None
    as_of: str
    score: float
    band: str
    probability: float | None
    reasons: list[Reason]
    signals: dict[str, float | None] = field(default_factory=dict)
    not_available: list[str] = field(default_factory=list)

    def top_reasons(self, n: int = 3) -> list[Reason]:
        return self.reasons[:n]


@dataclass
class PipelineScores:
    """Every open deal scored by one rule version on one day."""

    as_of: str
    rule_set_version: int | None
    low_max: float
    high_min: float
    deals: list[DealScore]
    skipped_closed_stage: int = 0  # open-flagged deals in a "Closed ..." stage, not scored

    def band_counts(self) -> dict[str, int]:
        counts = {"low": 0, "medium": 0, "high": 0}
        for d in self.deals:
            counts[d.band] += 1
        return counts

    def band_amounts(self) -> dict[str, float]:
        sums = {"low": 0.0, "medium": 0.0, "high": 0.0}
        for d in self.deals:
            sums[d.band] += d.amount or 0.0
        return sums


def _days_text(values: object) -> list:
    """ISO day text of datetimes (None for NaT), all at once."""
    days = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return text.tolist()


def _optional(cells: np.ndarray) -> list:
    """The cells (an object array of SQLite's values: text, numbers, None, and NaN
    where pandas had no value) as a list with NaN as None."""
    cells = cells.copy()
    cells[pd.isna(cells)] = None
    return cells.tolist()


def _deal_scores(
    rule_set: RuleSet,
    data: DealData,
    values: pd.DataFrame,
    scored: ScoredDeals,
    snapshots: pd.Series,
) -> list[DealScore]:
    """One ``DealScore`` per row of ``values``. The frames are turned into plain lists
    column by column, so 100,000 deals cost one loop that only builds the objects (the
    same values a pandas row look-up per deal gave)."""
    opps = data.opps
    rules = {r.signal: r for r in rule_set.active()}
    probs = rule_set.probability(scored.scores)
    index = values.index
    n = len(index)
    where = opps.index.get_indexer(index) if n else np.empty(0, dtype=np.intp)
    absent = where < 0
    rows = np.maximum(where, 0) if len(opps) else where

    def cells(name: str) -> np.ndarray | None:
        """The deals' values of opportunity field ``name`` (None without a row); None
        without such a field."""
        if name not in opps.columns or not len(opps):
            return None
        out = opps[name].to_numpy(dtype=object).take(rows)
        out[absent] = None
        return out

    def column(name: str) -> list:
        """The deal's value of ``name`` (None without a row or field; NaN as None)."""
        got = cells(name)
        return [None] * n if got is None else _optional(got)

    names, stages, owners = (column(c) for c in ("name", "stage", "owner_crm_id"))
    amounts = _amounts(opps, rows, absent)
    if "close" in opps.columns and n and len(opps):
        closes = _days_text(opps["close"].to_numpy()[rows])
        closes = [None if gone else c for c, gone in zip(closes, absent.tolist(), strict=True)]
    else:
        closes = [None] * n
    signal_names = list(values.columns)
    signal_values = [values[c].to_numpy(dtype="float64") for c in signal_names]

    def optional(c: np.ndarray) -> list:
        cells = c.astype(object)
        cells[np.isnan(c)] = None
        return cells.tolist()

    # each deal's signal values as plain floats (None: not available), by signal name
    signal_dicts = [
        dict(zip(signal_names, row, strict=True))
        for row in zip(*[optional(c) for c in signal_values], strict=True)
    ] or [{} for _ in range(n)]
    # the rules whose signal a deal lacks: one list per pattern of missing signals
    lacking = _lacking(rules, values, n)
    if len(scored.contributions.columns):
        contrib_names = list(scored.contributions.columns)
        contrib = scored.contributions.reindex(index).to_numpy()
    else:
        contrib_names, contrib = [], np.empty((n, 0))
    scores = scored.scores.reindex(index).astype("float64").tolist()
    bands = [str(b) for b in scored.bands.reindex(index).tolist()]
    chances = None if probs is None else probs.reindex(index).astype("float64").tolist()
    days = _days_text(snapshots.reindex(index).to_numpy())
    labels = {sig: SIGNALS[sig].label for sig in contrib_names if sig in SIGNALS}
    described = {sig: rules[sig].describe() for sig in contrib_names if sig in rules}
    columns = dict(zip(signal_names, signal_values, strict=True))
    fired = _fired(contrib, contrib_names, labels, described, columns, n)
    # (a deal without an opportunity row has None in every column read from it)
    chances = [None] * n if chances is None else chances
    return [
        DealScore(i, na, st, am, cl, ow, day, sc, ba, ch, fi, si, list(lacks))
        for i, na, st, am, cl, ow, day, sc, ba, ch, fi, si, lacks in zip(
            index.astype(str).tolist(), names, stages, amounts, closes, owners, days, scores,
            bands, chances, fired, signal_dicts, lacking, strict=True,
        )
    ]  # fmt: skip


def _amounts(opps: pd.DataFrame, rows: np.ndarray, absent: np.ndarray) -> list:
    """The deals' amounts as floats (None: no row, no amount, or not a number)."""
    n = len(rows)
    if "amount" not in opps.columns or not len(opps):
        return [None] * n
    column = opps["amount"]
    if column.dtype.kind == "f":  # numbers read as numbers: no per-value conversion
        values = column.to_numpy(dtype="float64").take(rows)
        out = values.astype(object)
        out[np.isnan(values) | absent] = None
        return out.tolist()
    cells = column.to_numpy(dtype=object).take(rows)
    return [None if gone else _float(v) for v, gone in zip(cells, absent.tolist(), strict=True)]


def _fired(
    contrib: np.ndarray,
    names: list[str],
    labels: dict[str, str],
    described: dict[str, str],
    by_signal: dict[str, np.ndarray],
    n: int,
) -> list[list[Reason]]:
    """The rules that fired, deal by deal, largest points first (ties in the rules'
    column order, as a stable sort of the column-ordered reasons gives)."""
    if not contrib.size:
        return [[] for _ in range(n)]
    rows, cols = np.nonzero(contrib > 0)
    pts = contrib[rows, cols]
    order = np.lexsort((cols, -pts, rows))
    rows, cols, pts = rows[order], cols[order], pts[order]
    # each reason's fields as one list, picked by the rule's column (a rule fires only
    # where its signal has a value, so each fired rule has its signal's column)
    value = np.full(len(rows), np.nan)
    for c, sig in enumerate(names):
        mine = cols == c
        if sig in by_signal and mine.any():
            value[mine] = by_signal[sig][rows[mine]]

    def pick(texts: dict[str, str]) -> list:
        return np.array([texts.get(sig) for sig in names], dtype=object)[cols].tolist()

    signals = np.array(names, dtype=object)[cols].tolist()
    reasons = list(
        map(Reason, signals, pick(labels), value.tolist(), pick(described), pts.tolist())
    )
    # the reasons are in deal order: each deal's run of them is one slice
    bounds = np.searchsorted(rows, np.arange(n + 1)).tolist()
    return [reasons[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=False)]


def _riskiest_first(deals: list[DealScore]) -> list[DealScore]:
    """Highest score first, then the larger amount (none counts as 0), then by id: one
    sort of three arrays (the ids are unique, so the order is the same as sorting
    the objects by those three keys)."""
    names = [d.opportunity_crm_id for d in deals]
    if not deals or any("\x00" in name for name in names):  # numpy drops trailing NULs
        return sorted(deals, key=lambda d: (-d.score, -(d.amount or 0.0), d.opportunity_crm_id))
    score = np.array([-d.score for d in deals], dtype="float64")
    amount = np.array([-(d.amount or 0.0) for d in deals], dtype="float64")
    ids = np.array(names, dtype=str)
    return [deals[i] for i in np.lexsort((ids, amount, score)).tolist()]


def _lacking(rules: dict, values: pd.DataFrame, n: int) -> list[tuple[str, ...]]:
    """Per deal, the rules' signals it has no value for (in the rules' order). Deals
    share a few patterns, so each pattern's tuple is built once."""
    names = list(rules)
    gone = [values[s].isna().to_numpy() if s in values else np.ones(n, bool) for s in names]
    if len(names) > 62:  # one rule per known signal never gets here; plain but slower
        return [
            tuple(s for s, g in zip(names, row, strict=True) if g)
            for row in zip(*gone, strict=True)
        ]
    code = np.zeros(n, dtype=np.int64)
    for j, g in enumerate(gone):
        code |= g.astype(np.int64) << j
    patterns, which = np.unique(code, return_inverse=True)
    made = [tuple(s for j, s in enumerate(names) if c >> j & 1) for c in patterns.tolist()]
    return [made[k] for k in which.ravel().tolist()]


def _float(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def score_pipeline(
    eng: Engagement,
    *,
    rule_set: RuleSet | None = None,
    progress: Progress | None = None,
    data: DealData | None = None,
    record: bool = False,
) -> PipelineScores:
    """Score every open deal as of ``eng.as_of()``, riskiest first.

    ``record=True`` stores the scores under the rule version and day, so the next
    quarter's recalibration can compare them with what happened.
    """
    with _collector_paused():
        return _score_pipeline(eng, rule_set, progress, data, record)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a pipeline's worth of rows and scores is
    built: those millions of small objects hold no cycles, and the collector walking
    them again and again took half the time of building the scores.

    On the way out the objects made meanwhile are moved straight to the oldest
    generation (``freeze`` then ``unfreeze``: two list splices, nothing walked), so
    the collector does not walk the 100,000 scores once more as young objects; a
    full collection still sees them. Workbench freezes nothing else."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _score_pipeline(
    eng: Engagement,
    rule_set: RuleSet | None,
    progress: Progress | None,
    data: DealData | None,
    record: bool,
) -> PipelineScores:
    progress = progress or Progress.none()
    rule_set = rule_set or get_rule_set(eng)
    # The activities reach the open deals' signals only through a few figures per
    # deal, which SQLite sums up faster than pandas reads the rows (when the dates
    # are plain days; otherwise the rows are read and pandas parses them).
    summed = data is None and plain_activity_days(eng)
    data = data or load_deal_data(eng, progress.span(0.0, 0.5), activities=not summed)
    as_of = pd.Timestamp(eng.as_of())
    not_closed = data.opps["is_closed"].fillna(0) != 1
    # A deal in a "Closed ..." stage without the closed flag is a CRM inconsistency
    # (the hygiene audit reports it), not open pipeline to score.
    closed_stage = data.opps["stage"].fillna("").astype(str).str.strip().str.lower()
    closed_stage = closed_stage.str.startswith("closed")
    open_ids = data.opps.index[not_closed & ~closed_stage]
    skipped = int((not_closed & closed_stage).sum())
    progress.update(0.6, f"Scoring {len(open_ids):,} open deals")
    snapshots = pd.Series(as_of, index=open_ids.astype(str))
    norms = stage_norms(data, as_of + pd.Timedelta(days=1))
    given = activity_signals(eng, data, snapshots.index, as_of) if summed else None
    frame = compute_signals(data, snapshots, historical=False, norms=norms, given=given)
    scored = apply_rules(rule_set, frame.values)
    deals = _deal_scores(rule_set, data, frame.values, scored, frame.snapshots)
    deals = _riskiest_first(deals)
    result = PipelineScores(
        as_of.date().isoformat(),
        rule_set.version,
        rule_set.low_max,
        rule_set.high_min,
        deals,
        skipped_closed_stage=skipped,
    )
    if record and rule_set.version is not None:
        record_scores(eng, result)
    progress.update(1.0, "Pipeline scored")
    return result


def record_scores(eng: Engagement, result: PipelineScores) -> int:
    """Store the scores of ``result`` (same version and day again: replaced)."""
    stamp = now_iso()
    rows = [
        (
            result.rule_set_version,
            d.opportunity_crm_id,
            result.as_of,
            d.score,
            d.band,
            json.dumps([[r.signal, r.value, r.points] for r in d.reasons]),
            stamp,
        )
        for d in result.deals
    ]
    with eng.atomic() as conn:
        conn.executemany(
            "INSERT INTO scoring_scores (rule_set_version, opportunity_crm_id, as_of, score, "
            "band, reasons, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (rule_set_version, opportunity_crm_id, as_of) DO UPDATE SET "
            "score = excluded.score, band = excluded.band, reasons = excluded.reasons, "
            "recorded_at = excluded.recorded_at",
            rows,
        )
    return len(rows)


def explain_deal(
    eng: Engagement, crm_id: str, *, rule_set: RuleSet | None = None, data: DealData | None = None
) -> DealScore:
    """Score one deal with every signal value: open deals as of today, closed deals as
    of their snapshot before close (history-safe signals only)."""
    rule_set = rule_set or get_rule_set(eng)
    data = data or load_deal_data(eng)
    if crm_id not in data.opps.index:
        raise WorkbenchError(f"There is no opportunity {crm_id!r} in {eng.path.name}.")
    as_of = pd.Timestamp(eng.as_of())
    is_closed = data.opps.at[crm_id, "is_closed"] == 1
    if is_closed:
        horizon = int(eng.setting("scoring.horizon_days", DEFAULT_HORIZON_DAYS))
        deals = closed_deals(data, as_of, horizon).frame
        if crm_id not in deals.index:
            raise WorkbenchError(
                f"Closed deal {crm_id!r} has no usable close date or outcome, so it cannot be "
                "scored as of a day before its close."
            )
        snapshots = deals.loc[[crm_id], "snapshot"]
    else:
        snapshots = pd.Series(as_of, index=[crm_id])
    norms = stage_norms(data, pd.Timestamp(snapshots.iloc[0]) + pd.Timedelta(days=1))
    frame = compute_signals(data, snapshots, historical=bool(is_closed), norms=norms)
    scored = apply_rules(rule_set, frame.values)
    return _deal_scores(rule_set, data, frame.values, scored, frame.snapshots)[0]


def score_closed(
    eng: Engagement,
    *,
    rule_set: RuleSet | None = None,
    data: DealData | None = None,
    closed_after: str | None = None,
) -> list[DealScore]:
    """Score closed deals as of their snapshots (history-safe signals only).

    ``closed_after`` keeps only deals closed after that ISO day (recalibration looks at
    the deals closed since a version was set).
    """
    rule_set = rule_set or get_rule_set(eng)
    data = data or load_deal_data(eng)
    as_of = pd.Timestamp(eng.as_of())
    horizon = int(eng.setting("scoring.horizon_days", DEFAULT_HORIZON_DAYS))
    deals = closed_deals(data, as_of, horizon).frame
    if closed_after:
        deals = deals[deals["close"] > pd.Timestamp(closed_after)]
    if deals.empty:
        return []
    norms = stage_norms(data, as_of + pd.Timedelta(days=1))
    frame = compute_signals(data, deals["snapshot"], historical=True, norms=norms)
    scored = apply_rules(rule_set, frame.values)
    return _deal_scores(rule_set, data, frame.values, scored, frame.snapshots)
