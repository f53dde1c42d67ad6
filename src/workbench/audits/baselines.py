"""Baselines for the last four complete fiscal quarters, by rep, team and segment.

Definitions (every figure carries the counts it comes from):

- Quarters: the four fiscal quarters before the one containing the as-of day
  (``models.fiscal``, the engagement's fiscal year start month).
- A deal belongs to the quarter of its close date. Won = closed and won; lost =
  closed and not won. Win rate = won / (won + lost).
- Sales cycle = close date - created date in days, won deals only; deals closing
  before they were created are left out and counted (``excluded``).
- Average deal size = mean amount of won deals with an amount above zero.
- Forecast = the latest Commit submission of the quarter per submitter (submitted at
  or before the quarter's last day; the rep's own figure, manager overrides are not
  used). Actual = closed-won amount in the quarter of the submitter, plus their direct
  reports' when they manage people. Accuracy = max(0, 1 - |actual - forecast| / actual);
  bias = (forecast - actual) / actual (positive: over-forecast); APE = |actual -
  forecast| / actual; MAPE = mean APE over submitter-quarters. Team, segment and overall
  figures sum the forecasts and actuals of individual contributors (a manager's
  roll-up is not added on top of their reps'): that pooled accuracy can hide reps whose
  errors cancel out, so team, segment and overall rows also carry the distribution of
  their reps' own accuracies (mean, median, lowest, highest, count; over four quarters:
  every rep-quarter). A quarter without any Commit submission
  falls back to the Commit snapshot from opportunity history: the amount of open deals
  in the Commit category at the quarter's start whose close date lay in the quarter.
- Pipeline velocity = opportunities in play x win rate x average deal size / mean
  cycle days (money per day); in play = open at the quarter's start or created in it.
- Slippage: a deal was forecast in a quarter when it was open at the quarter's start
  (or created during it) with its close date, as of then, inside the quarter. It
  slipped when its close date moved out of the quarter (as of the quarter's last day
  it lies after the quarter) or it was still open after the quarter (not closed by its
  last day). Slippage rate = slipped / forecast in the quarter. Without opportunity
  history a moved close date cannot be seen: slippage is then not measurable (no
  rate), and the counts are kept.
- Stage conversion: of the deals closed in the quarter, how many reached each open
  stage (history or current stage), how many of those were won, and how many moved
  on (reached a later stage of the agreed order, or were won).
- Segment of a deal = its account's segment, else its owner's; team = owner's team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from workbench.audits.common import AuditData, blank, category_text, finding, fmt_pct, pct
from workbench.audits.history import FieldHistory, HistoryColumns, read_history, text_values
from workbench.audits.stages import stage_definitions
from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.models.findings import Finding, record_findings
from workbench.models.fiscal import (
    FiscalQuarter,
    fiscal_quarter,
    last_quarters,
    quarter_of_period,
)
from workbench.progress import Progress

AUDIT = "baselines"

# The definitions a customer checks, word for word the same in the baseline document
# and in docs/audits.md (a test keeps them equal).
DEFINITIONS = {
    "Slippage rate": (
        "Of the deals forecast to close in a quarter (open at its start, or created during "
        "it, with a close date inside it), the share that slipped: the close date moved "
        "out of the quarter, or the deal was still open after the quarter ended. Without "
        "opportunity history a moved close date cannot be seen, so slippage is not "
        "measurable."
    ),
    "Forecast accuracy": (
        "1 - |actual - forecast| / actual, floored at 0, where forecast is each rep's "
        "latest Commit submission of the quarter and actual the closed-won amount. The "
        "pooled figure sums the reps' forecasts and actuals before comparing them, so "
        "errors in opposite directions cancel out; the mean, median and lowest of the "
        "reps' own accuracies show what the pooled figure can hide."
    ),
    "Low-risk deals lost or slipped": (
        "Of the deals scored low risk whose outcome is known, the share lost, won in a "
        "later quarter than the close date they carried when scored, or still open after "
        "that quarter. Deals still open inside that quarter are not counted yet. The "
        "calibration and the monthly scoring check use this same definition."
    ),
}
ALL = "ALL"
SCOPES = ("overall", "owner", "team", "segment")
# What a baseline can be filtered (``where``) and split (``by``) by: how the customer
# runs the business (new business against renewals, one pipeline against another).
SEGMENT_FIELDS = {
    "type": "opportunity type",
    "record_type": "record type",
    "pipeline": "pipeline",
    "team": "team",
    "segment": "segment",
    "owner": "rep",
}


@dataclass
class BaselineRow:
    """All baseline figures for one group (scope + key) in one quarter (or ``ALL``)."""

    quarter: str
    scope: str
    key: str
    name: str
    won: int = 0
    lost: int = 0
    win_rate: float | None = None
    cycle_n: int = 0
    cycle_excluded: int = 0
    cycle_mean_days: float | None = None
    cycle_median_days: float | None = None
    won_amount: float = 0.0
    deal_size_n: int = 0
    avg_deal_size: float | None = None
    in_play: int = 0
    velocity_per_day: float | None = None
    forecast: float | None = None
    forecast_actual: float | None = None
    forecast_submitters: int = 0
    forecast_source: str = ""
    forecast_accuracy: float | None = None
    forecast_bias: float | None = None
    mape: float | None = None
    mape_n: int = 0
    forecast_in_quarter: int = 0
    slipped: int = 0
    slippage_rate: float | None = None
    # The distribution of the reps' own forecast accuracies under a team/segment/overall
    # row (the pooled accuracy above can hide reps whose errors cancel out).
    rep_accuracies: list[float] = field(default_factory=list, repr=False)
    rep_accuracy_mean: float | None = None
    rep_accuracy_median: float | None = None
    rep_accuracy_min: float | None = None
    rep_accuracy_max: float | None = None
    rep_accuracy_n: int = 0
    # Quotas (when imported): quota of the quarter, closed-won amount / quota, and
    # pipeline coverage = the pipeline forecast to close in the quarter as of its start
    # (open deals with a close date inside it) / the quota.
    quota: float | None = None
    attainment: float | None = None
    pipeline_in_quarter: float = 0.0
    coverage: float | None = None

    def set_rep_accuracies(self, values: list[float]) -> None:
        self.rep_accuracies = list(values)
        self.rep_accuracy_n = len(values)
        if values:
            self.rep_accuracy_mean = float(np.mean(values))
            self.rep_accuracy_median = float(np.median(values))
            self.rep_accuracy_min = float(min(values))
            self.rep_accuracy_max = float(max(values))


@dataclass
class StageConversion:
    quarter: str
    stage: str
    reached: int
    won: int
    win_rate: float | None
    to_next: float | None  # share that reached a later stage or was won


@dataclass
class BaselinesResult:
    as_of: date
    quarters: list[str]
    quarter_ranges: dict[str, list[str]]
    rows: list[BaselineRow]
    stage_conversion: list[StageConversion]
    win_rate: dict
    cycle_days: dict
    forecast_accuracy: dict
    deal_size: dict
    velocity: dict
    slippage: dict
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Pipeline coverage of the quarter in progress: open pipeline with a close date in it
    # / the quota not yet won (empty without quotas).
    coverage_now: dict = field(default_factory=dict)
    quota: dict = field(default_factory=dict)  # same shape as win_rate: overall, by_...

    def row(self, quarter: str, scope: str = "overall", key: str = ALL) -> BaselineRow | None:
        for r in self.rows:
            if r.quarter == quarter and r.scope == scope and r.key == key:
                return r
        return None


# How serious a quarter's forecast is (stated in every finding, so the rating can be checked).
# Accuracy: the playbooks' target is 85% (a 65% -> 85% improvement is the usual success
# criterion). Bias: a forecast more than 10% off the actual in one direction is a habit,
# more than 20% one a CRO cannot plan on. The worse of the two ratings wins.
FORECAST_ACCURACY_TARGET = 0.85
FORECAST_ACCURACY_HIGH_BELOW = 0.70
FORECAST_BIAS_MEDIUM = 0.10
FORECAST_BIAS_HIGH = 0.20
_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3}


def forecast_severity(accuracy: float | None, bias: float | None) -> tuple[str, str]:
    """The severity of one quarter's forecast accuracy and bias, and the rule that set it."""
    acc = accuracy or 0.0
    if acc >= FORECAST_ACCURACY_TARGET:
        by_acc, acc_rule = "info", f"accuracy at or above the {FORECAST_ACCURACY_TARGET:.0%} target"
    elif acc >= FORECAST_ACCURACY_HIGH_BELOW:
        by_acc, acc_rule = "medium", f"accuracy below the {FORECAST_ACCURACY_TARGET:.0%} target"
    else:
        by_acc, acc_rule = "high", f"accuracy below {FORECAST_ACCURACY_HIGH_BELOW:.0%}"
    size = abs(bias or 0.0)
    if size > FORECAST_BIAS_HIGH:
        by_bias, bias_rule = "high", f"bias beyond {FORECAST_BIAS_HIGH:.0%} either way"
    elif size > FORECAST_BIAS_MEDIUM:
        by_bias, bias_rule = "medium", f"bias beyond {FORECAST_BIAS_MEDIUM:.0%} either way"
    else:
        by_bias, bias_rule = "info", f"bias within {FORECAST_BIAS_MEDIUM:.0%}"
    if _RANK[by_bias] > _RANK[by_acc]:
        return by_bias, f"Rated {by_bias}: {bias_rule}."
    if by_acc == "info":
        return "info", f"Rated info: {acc_rule} and {bias_rule}."
    return by_acc, f"Rated {by_acc}: {acc_rule}."


def _filtered(deals: pd.DataFrame, where: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """The deals of one segment; a note says which, and a value no deal has is named."""
    mask = np.ones(len(deals), dtype=bool)
    for name, value in where.items():
        values = deals[name].astype(str)
        hit = values.str.casefold().eq(str(value).casefold()).to_numpy()
        if not hit.any():
            known = sorted(set(values))
            raise WorkbenchError(
                f"No deal has {SEGMENT_FIELDS[name]} {value!r}; the values are: "
                f"{', '.join(known[:20])}{' ...' if len(known) > 20 else ''}."
            )
        mask &= hit
    notes.append(
        "Only the deals with "
        + " and ".join(f"{SEGMENT_FIELDS[k]} {v!r}" for k, v in where.items())
        + f": {int(mask.sum()):,} of {len(deals):,}."
    )
    return deals[mask].reset_index(drop=True)


def _period_label(period: object, start_month: int) -> str | None:
    """A forecast or quota period (``FY2026-Q1``, ``2026-Q1``, a month or a day) as a label."""
    return quarter_of_period(period, start_month)


def _text(values, index: pd.Index | None = None) -> pd.Series:
    """A text column kept as Python objects: one shared string per distinct value (pandas
    would otherwise copy a million values into a string array of its own, and every
    later read of the column would make a million new strings)."""
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    return pd.Series(np.asarray(array, dtype=object), index=index, dtype=object, copy=False)


def _per_value(keys: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``keys`` as codes into its distinct values (code -1: missing, pointing at the
    extra missing value appended last), so a lookup runs once per distinct value."""
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
    distinct = pd.Series(np.append(np.asarray(uniques, dtype=object), None), dtype=object)
    return codes, distinct


def _owner_values(column: pd.Series, owner: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """``_per_value(owner)`` for ``owner = category_text(column, missing="(no owner)")``:
    from a categorical column's own codes when it is one (no second pass over a million
    ids); the owner text per code is the same, so is anything worked out from it."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return _per_value(owner)
    distinct = pd.Series([*category_text(pd.Series(column.cat.categories)), "(no owner)"],
                         dtype=object)  # fmt: skip
    codes = column.cat.codes.to_numpy().astype(np.int64)
    codes[codes < 0] = len(distinct) - 1
    return codes, distinct


def _spread(codes: np.ndarray, per_value: pd.Series) -> np.ndarray:
    """Values worked out per distinct key, one per row (shared objects, no copies)."""
    return np.asarray(per_value.to_numpy(dtype=object), dtype=object)[codes]


def _deal_frame(data: AuditData, quarters: list[FiscalQuarter]) -> pd.DataFrame:
    opps = data.table("opportunities")
    owners = data.owner_attributes().set_index("owner_crm_id")
    accounts = data.table("accounts").set_index("crm_id")["segment"]
    owner = category_text(opps["owner_crm_id"], missing="(no owner)")
    frame = pd.DataFrame(
        {
            "crm_id": _text(text_values(opps["crm_id"])),
            "owner": _text(owner),
            "amount": pd.to_numeric(opps["amount"], errors="coerce").to_numpy(),
            "closed": opps["is_closed"].astype(bool).to_numpy(),
            "won": opps["is_won"].astype(bool).to_numpy(),
            "close_day": opps["close_day"].to_numpy(),
            "created_day": opps["created_day"].to_numpy(),
            "stage": _text(category_text(opps["stage"], missing=np.nan)),
            "forecast_category": _text(category_text(opps["forecast_category"], missing=np.nan)),
        }
    )
    # team and segment worked out once per owner and per account, then spread
    owner_codes, by_owner = _owner_values(opps["owner_crm_id"], owner)
    team = by_owner.map(owners["team"]).astype(object).fillna("(no team)")
    frame["team"] = _text(_spread(owner_codes, team))
    owner_segment = _spread(owner_codes, by_owner.map(owners["owner_segment"]).astype(object))
    account_codes, by_account = _per_value(opps["account_crm_id"])
    account_segment = by_account.map(accounts).astype(object)
    segment = _spread(account_codes, account_segment)
    no_segment = _spread(account_codes, blank(account_segment)).astype(bool)
    segment[no_segment] = owner_segment[no_segment]
    frame["segment"] = _text(pd.Series(segment, dtype=object).fillna("(no segment)"))
    del segment, owner_segment, no_segment, owner, owner_codes, account_codes
    for name in ("type", "record_type", "pipeline"):
        frame[name] = _text(category_text(opps[name], missing=f"(no {SEGMENT_FIELDS[name]})"))
    overall = np.empty(len(frame), dtype=object)
    overall.fill(ALL)
    frame["overall"] = _text(overall)
    quarter = np.full(len(frame), None, dtype=object)
    for q in quarters:
        inside = (frame["close_day"] >= pd.Timestamp(q.start)) & (
            frame["close_day"] <= pd.Timestamp(q.end)
        )
        quarter[inside.to_numpy()] = q.label
    frame["quarter"] = _text(quarter)
    return frame


def _sorted_codes(column: pd.Series) -> tuple[tuple, tuple]:
    """A deal column as sorted codes, twice: of its values (missing: -1) and of its values
    as text; one factorization when every value is text (the two are then the same)."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        codes = pd.factorize(values, sort=True)
        return codes, codes
    return pd.factorize(column, sort=True), pd.factorize(text_values(column), sort=True)


def _group_sums(codes: np.ndarray, n: int, *columns: np.ndarray) -> list[tuple]:
    """(code, sum of each column) per code present (code -1: left out), codes ascending:
    what ``groupby(codes).sum()`` gives. The counts of flags are exact either way; money
    is summed by ``bincount`` only when every amount is a whole number and the total
    stays below 2**52 (each partial sum then exact, so equal to pandas' compensated
    sum to the last digit); otherwise by pandas as before."""
    keep = codes >= 0
    kept = codes[keep]
    present = np.flatnonzero(np.bincount(kept, minlength=n))
    sums = []
    for column in columns:
        values = column[keep]
        if values.dtype == bool:
            sums.append(np.bincount(kept[values], minlength=n)[present].tolist())
        elif np.all(values == np.floor(values)) and np.abs(values).sum() < 2.0**52:
            sums.append(np.bincount(kept, weights=values, minlength=n)[present].tolist())
        else:
            frame = pd.DataFrame({"v": values})
            by_code = frame.groupby(kept)["v"].sum()
            sums.append(by_code.reindex(present).tolist())
    return list(zip(present.tolist(), *sums, strict=True))


def _outcome_rows(
    deals: pd.DataFrame, scope: str, names: dict[str, str],
    scope_codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict:  # fmt: skip
    """Win rate, cycle and deal size per (key, quarter) and per key over all quarters.
    ``scope_codes``: the scope column as sorted codes (``pd.factorize(..., sort=True)``
    of the deals' column), when already made."""
    # only the columns used (a copy of every column of a million deals, once per scope,
    # cost 100 MB a time)
    mask = (deals["closed"] & deals["quarter"].notna()).to_numpy()
    closed = deals.loc[mask, ["quarter", "won", "close_day", "created_day", "amount"]]
    won = closed["won"].to_numpy()
    cycle = (closed["close_day"] - closed["created_day"]).dt.days.to_numpy(dtype=float)
    amount = closed["amount"].to_numpy(dtype=float)
    # the keys and quarters as sorted codes: the same groups in the same order, grouped
    # without hashing a million strings twice (the codes of all the deals' keys, taken
    # for the closed ones, group and order those alike: both follow the sorted keys)
    if scope_codes is None:
        scope_codes = pd.factorize(text_values(deals[scope]), sort=True)
    key_codes, key_values = scope_codes[0][mask], scope_codes[1]
    quarter_codes, quarter_values = pd.factorize(closed["quarter"].to_numpy(), sort=True)
    frame = pd.DataFrame({
        "key": key_codes,
        "quarter": quarter_codes,
        "won": won.astype(int),
        "cycle": np.where(won & (cycle >= 0), cycle, np.nan),
        "negative": (won & (cycle < 0)).astype(int),
        "won_amount": np.where(won, np.nan_to_num(amount), 0.0),
        "size": np.where(won & (amount > 0), amount, np.nan),
    })  # fmt: skip
    out: dict[tuple[str, str], BaselineRow] = {}
    for by_quarter in (True, False):
        keys = ["key", "quarter"] if by_quarter else ["key"]
        agg = frame.groupby(keys).agg(
            n=("won", "size"), won=("won", "sum"), cycle_n=("cycle", "count"),
            cycle_mean=("cycle", "mean"), cycle_median=("cycle", "median"),
            negative=("negative", "sum"), won_amount=("won_amount", "sum"),
            size_n=("size", "count"), size_mean=("size", "mean"),
        )  # fmt: skip
        # the figures as Python lists, row by row (``iterrows`` made a Series per group)
        columns = {name: agg[name].tolist() for name in agg.columns}
        for i, index in enumerate(agg.index):
            key_code, quarter = index if by_quarter else (index, ALL)
            key = key_values[key_code]
            if by_quarter:
                quarter = quarter_values[quarter]
            n, won_n, cycle_n = columns["n"][i], columns["won"][i], columns["cycle_n"][i]
            size_n = columns["size_n"][i]
            row = BaselineRow(quarter, scope, str(key), names.get(str(key), str(key)))
            row.won, row.lost = int(won_n), int(n - won_n)
            row.win_rate = pct(row.won, row.won + row.lost)
            row.cycle_n, row.cycle_excluded = int(cycle_n), int(columns["negative"][i])
            row.cycle_mean_days = float(columns["cycle_mean"][i]) if cycle_n else None
            row.cycle_median_days = float(columns["cycle_median"][i]) if cycle_n else None
            row.won_amount = float(columns["won_amount"][i])
            row.deal_size_n = int(size_n)
            row.avg_deal_size = float(columns["size_mean"][i]) if size_n else None
            out[(quarter, str(key))] = row
    return out


def run_baselines(
    eng: Engagement,
    progress: Progress | None = None,
    *,
    data: AuditData | None = None,
    record: bool = True,
    quarters: int = 4,
    where: dict[str, str] | None = None,
    by: str | None = None,
) -> BaselinesResult:
    """Compute the four-quarter baselines for ``eng`` and record their findings.

    ``where`` ({field: value}) keeps the deals of one segment (opportunity type, record
    type, pipeline, team, segment, rep; see ``SEGMENT_FIELDS``) and ``by`` adds rows
    split by one of those fields (scope = the field). A filtered view records no
    findings, and forecast accuracy (per rep submission, not per deal) is left out of it.
    """
    progress = progress or Progress.none()
    data = data or AuditData(eng)
    where = dict(where or {})
    for field_name in [*where, *([by] if by else [])]:
        if field_name not in SEGMENT_FIELDS:
            raise WorkbenchError(
                f"Baselines cannot be filtered or split by {field_name!r}; use one of: "
                f"{', '.join(SEGMENT_FIELDS)}."
            )
    scopes = SCOPES + ((by,) if by and by not in SCOPES else ())
    record = record and not where
    start_month = data.calendar
    qs = last_quarters(data.as_of, quarters, start_month)
    labels = [q.label for q in qs]
    progress.update(0.0, "Loading opportunities")
    deals = _deal_frame(data, qs)
    notes: list[str] = []
    if where:
        deals = _filtered(deals, where, notes)
    names = {**data.user_names(), ALL: "All"}
    progress.update(0.2, "Win rates, cycles and deal sizes")
    rows: dict[tuple[str, str, str], BaselineRow] = {}
    # each scope's keys as sorted codes once (grouping a million text keys again per
    # quarter cost a second a time); the groups and their order are those of the keys
    scope_codes = {scope: _sorted_codes(deals[scope]) for scope in scopes}
    for scope in scopes:
        text_codes = scope_codes[scope][1]
        for (quarter, key), row in _outcome_rows(deals, scope, names, text_codes).items():
            rows[(scope, quarter, key)] = row

    def get(scope: str, quarter: str, key: str) -> BaselineRow:
        if (scope, quarter, key) not in rows:
            rows[(scope, quarter, key)] = BaselineRow(quarter, scope, key, names.get(key, key))
        return rows[(scope, quarter, key)]

    progress.update(0.35, "Slippage and pipeline in play")
    # the whole history in one pass, as numbers: close dates, Commit flags and amounts,
    # and the stages the deals closed in the quarters reached
    closed_mask = (deals["closed"] & deals["quarter"].notna()).to_numpy()
    stages = _open_stages(data, deals) if closed_mask.any() else []
    currency_note = data.currency_note()
    # the deal frame holds what the rest needs: in a suite whose later audits do not read
    # them, the opportunities and accounts go now, before the history is read
    data.done_with("opportunities", "accounts")
    closing = deals.loc[closed_mask, "close_day"]
    history = read_history(
        data.eng.conn,
        deals["crm_id"],
        stages,
        (closing.min().date().isoformat(), closing.max().date().isoformat()) if stages else None,
    )
    close_hist = FieldHistory(
        history.close_changed, history.close_positions, history.close_day,
        deals["close_day"].to_numpy(),
    )  # fmt: skip
    # the field history keeps its copy
    history.close_changed = history.close_day = history.close_positions = None
    if currency_note:
        notes.append(currency_note)
    measurable = data.count("opportunity_history") > 0
    if not measurable:
        notes.append(
            "No opportunity history imported: slippage is not measurable (a moved close "
            "date cannot be seen) and forecast snapshots are unavailable."
        )
    # the deal columns as numpy arrays once (NaT compares false, as in pandas)
    created = deals["created_day"].to_numpy()
    close_day = deals["close_day"].to_numpy()
    closed = deals["closed"].to_numpy()
    amounts = np.nan_to_num(deals["amount"].to_numpy(dtype=float))
    has_created = ~pd.isna(created)
    for q in qs:
        start, end = pd.Timestamp(q.start), pd.Timestamp(q.end)
        start64, end64 = np.datetime64(start), np.datetime64(end)
        open_at_start = (created <= start64) & ~(closed & (close_day < start64))
        created_in = (created > start64) & (created <= end64)
        at_start = close_hist.as_of(start)
        planned = np.where(created_in, close_hist.initial, at_start)
        inside = (planned >= start64) & (planned <= end64)
        forecast_in = (open_at_start | created_in) & inside
        at_end = close_hist.as_of(end + pd.Timedelta(hours=23, minutes=59, seconds=59))
        # Slipped: moved out of the quarter, or still open after it.
        closed_by_end = closed & (close_day <= end64)
        slipped = forecast_in & ((at_end > end64) | ~closed_by_end)
        in_play = (open_at_start | created_in) & has_created
        pipe = np.where(forecast_in, amounts, 0.0)
        # the four sums per key of each scope, by the keys' codes
        for scope in scopes:
            codes, keys = scope_codes[scope][0]
            for code, fc, sl, ip, pp in _group_sums(codes, len(keys), forecast_in, slipped,
                                                    in_play, pipe):  # fmt: skip
                row = get(scope, q.label, str(keys[code]))
                row.forecast_in_quarter, row.slipped = int(fc), int(sl)
                row.slippage_rate = (
                    pct(row.slipped, row.forecast_in_quarter) if measurable else None
                )
                row.in_play = int(ip)
                row.pipeline_in_quarter = float(pp)
    progress.update(0.6, "Forecast accuracy")
    if where:
        notes.append(
            "Forecast accuracy is measured on each rep's forecast submission, which covers "
            "all their deals: it is not shown for a filtered view."
        )
    else:
        _forecast_accuracy(data, deals, qs, get, notes, close_hist, history)
    for row in rows.values():
        if (
            row.quarter != ALL
            and row.win_rate is not None
            and row.avg_deal_size
            and row.cycle_mean_days
        ):
            row.velocity_per_day = (
                row.in_play * row.win_rate * row.avg_deal_size / max(row.cycle_mean_days, 1.0)
            )
    coverage_now = {} if where else _quotas(data, deals, qs, rows, get, notes)
    _fill_all_quarters(rows, labels, get, measurable)
    del close_hist
    progress.update(0.8, "Stage conversion")
    conversion = _stage_conversion(deals, labels, stages, history.stage_pairs)
    del history
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            scopes.index(r.scope),
            r.key,
            labels.index(r.quarter) if r.quarter in labels else 99,
        ),
    )
    result = BaselinesResult(
        as_of=data.as_of,
        quarters=labels,
        quarter_ranges={q.label: [q.start.isoformat(), q.end.isoformat()] for q in qs},
        rows=ordered,
        stage_conversion=conversion,
        notes=notes,
        **_summaries(ordered, labels),
    )
    result.coverage_now = coverage_now
    result.findings = _findings(result)
    if record:
        record_findings(eng, AUDIT, result.findings)
    progress.update(1.0, "Baselines done")
    return result


def _forecast_accuracy(data, deals, qs, get, notes, close_hist, history) -> None:
    start_month = data.calendar
    subs = data.table("submissions").copy()
    users = data.table("users")
    reports: dict[str, set[str]] = {}
    for uid, mgr in zip(users["crm_id"].astype(str), users["manager_crm_id"], strict=True):
        if isinstance(mgr, str) and mgr:
            reports.setdefault(mgr, set()).add(uid)
    subs["quarter"] = subs["period"].map(lambda p: _period_label(p, start_month))
    subs = subs[subs["category"].fillna("").str.lower().str.replace(" ", "").eq("commit")]
    won = deals[deals["won"] & deals["quarter"].notna()]
    # plain dictionaries: looked up once per submitter and member (``.loc`` and ``.get``
    # on the frames cost a second over a thousand reps and four quarters)
    won_by = won.groupby(["quarter", "owner"])["amount"].sum().to_dict()
    attrs = deals.drop_duplicates("owner").set_index("owner")[["team", "segment"]]
    attr_of = {scope: attrs[scope].to_dict() for scope in ("team", "segment")}
    owners = data.owner_attributes().set_index("owner_crm_id")
    snapshots: dict[str, FieldHistory] = {}
    for q in qs:
        qsubs = subs[subs["quarter"].eq(q.label)]
        qsubs = qsubs[
            qsubs["submitted"].isna()
            | (qsubs["submitted"] <= pd.Timestamp(q.end) + pd.Timedelta(days=1))
        ]
        source = "Commit submissions"
        if qsubs.empty:
            qsubs = _commit_snapshot(history, deals, q, close_hist, snapshots)
            source = "Commit snapshot from history"
            if qsubs.empty:
                continue
            notes.append(
                f"{q.label}: no Commit forecast submissions; forecast taken from the "
                "Commit deals in opportunity history at the quarter's start."
            )
        latest = qsubs.sort_values(["submitted", "crm_id"], na_position="first").drop_duplicates(
            "owner_crm_id", keep="last"
        )
        submitters = set(latest["owner_crm_id"].astype(str))
        per_owner = []
        for owner, amount in zip(latest["owner_crm_id"].astype(str), latest["amount"], strict=True):
            team_members = {owner} | reports.get(owner, set())
            actual = float(sum(won_by.get((q.label, m), 0.0) for m in team_members))
            is_rollup = bool(reports.get(owner, set()) & submitters)
            forecast = float(amount) if amount == amount and amount is not None else 0.0
            per_owner.append((owner, forecast, actual, is_rollup))
            _set_accuracy(get("owner", q.label, owner), [(forecast, actual)], source)
        contributors = [(o, f, a) for o, f, a, rollup in per_owner if not rollup]
        for scope in ("overall", "team", "segment"):
            groups: dict[str, list[tuple[float, float]]] = {}
            for owner, forecast, actual in contributors:
                if scope == "overall":
                    key = ALL
                elif owner in attr_of[scope]:
                    key = str(attr_of[scope][owner])
                elif scope == "team" and owner in owners.index:
                    key = str(owners.loc[owner, "team"] or "(no team)")
                else:
                    key = f"(no {scope})"
                groups.setdefault(key, []).append((forecast, actual))
            for key, pairs in groups.items():
                row = get(scope, q.label, key)
                _set_accuracy(row, pairs, source)
                row.set_rep_accuracies([_accuracy(f, a) for f, a in pairs if a > 0])


def _set_accuracy(row: BaselineRow, pairs: list[tuple[float, float]], source: str) -> None:
    forecast = sum(f for f, _ in pairs)
    actual = sum(a for _, a in pairs)
    row.forecast, row.forecast_actual = forecast, actual
    row.forecast_submitters, row.forecast_source = len(pairs), source
    if actual > 0:
        row.forecast_accuracy = _accuracy(forecast, actual)
        row.forecast_bias = (forecast - actual) / actual
    apes = [abs(a - f) / a for f, a in pairs if a > 0]
    row.mape = float(np.mean(apes)) if apes else None
    row.mape_n = len(apes)


def _quotas(data, deals, qs, rows, get, notes) -> dict:
    """Quota, attainment and coverage per rep, team, segment and overall, per quarter;
    and the coverage of the quarter in progress."""
    quotas = data.query(
        "SELECT owner_crm_id, period, amount, upper(currency) AS currency FROM quotas",
        numeric=("amount",),
    )
    if quotas.empty:
        return {}
    start_month = data.calendar
    own = data.meta.currency.upper()
    other = quotas["currency"].notna() & quotas["currency"].ne(own)
    if other.any():
        notes.append(
            f"{int(other.sum()):,} quota rows are in another currency than {own} and were "
            "left out of attainment and coverage."
        )
    quotas = quotas[~other].assign(
        quarter=quotas["period"].map(lambda p: quarter_of_period(p, start_month))
    )
    owners = data.owner_attributes().set_index("owner_crm_id")
    quotas["owner"] = quotas["owner_crm_id"].astype(str)
    quotas["overall"] = ALL
    quotas["team"] = quotas["owner"].map(owners["team"]).astype(object).fillna("(no team)")
    quotas["segment"] = (
        quotas["owner"].map(owners["owner_segment"]).astype(object).fillna("(no segment)")
    )
    for q in qs:
        inside = quotas[quotas["quarter"].eq(q.label)]
        for scope in SCOPES:
            for key, amount in inside.groupby(scope)["amount"].sum().items():
                row = get(scope, q.label, str(key))
                row.quota = float(amount)
                if amount > 0:
                    row.attainment = row.won_amount / amount
                    row.coverage = row.pipeline_in_quarter / amount
    current = fiscal_quarter(data.as_of, start_month)
    quota_now = float(quotas.loc[quotas["quarter"].eq(current.label), "amount"].sum())
    if not quota_now:
        return {}
    in_quarter = (deals["close_day"] >= pd.Timestamp(current.start)) & (
        deals["close_day"] <= pd.Timestamp(current.end)
    )
    amount = deals["amount"].fillna(0.0)
    won = float(amount[in_quarter & deals["won"]].sum())
    open_pipe = float(amount[in_quarter & ~deals["closed"]].sum())
    remaining = max(quota_now - won, 0.0)
    return {
        "quarter": current.label,
        "quota": quota_now,
        "won": won,
        "remaining_quota": remaining,
        "open_pipeline": open_pipe,
        "coverage": open_pipe / remaining if remaining else None,
    }


def _accuracy(forecast: float, actual: float) -> float:
    """Forecast accuracy: 1 - |actual - forecast| / actual, floored at 0 (actual > 0)."""
    return max(0.0, 1.0 - abs(actual - forecast) / actual)


def _is_commit(values: pd.Series) -> pd.Series:
    """1.0 where a forecast category is Commit, 0.0 where another, NaN where none."""
    text = values.astype("object")
    flags = text.astype(str).str.lower().str.replace(" ", "", regex=False).eq("commit")
    return flags.astype(float).where(text.notna())


def _commit_snapshot(
    history: HistoryColumns, deals: pd.DataFrame, q: FiscalQuarter, close_hist: FieldHistory,
    cache: dict[str, FieldHistory],
) -> pd.DataFrame:  # fmt: skip
    """Per-owner Commit amount at the quarter's start, from opportunity history."""
    if not len(history.forecast_positions):
        return pd.DataFrame()
    if not cache:
        positions = history.forecast_positions
        changed = history.forecast_changed
        order = np.argsort(changed.to_numpy(), kind="stable")
        # once per distinct category (a million deals hold a handful)
        codes, categories = _per_value(deals["forecast_category"])
        current_commit = _spread(codes, _is_commit(categories)).astype(np.float64)
        cache["commit"] = FieldHistory(changed, positions, history.forecast_commit,
                                       current_commit, order)  # fmt: skip
        cache["amount"] = FieldHistory(changed, positions, history.forecast_amount,
                                       deals["amount"].to_numpy(dtype=float), order)  # fmt: skip
        cache["close"] = close_hist
    start = pd.Timestamp(q.start)
    commit_now = cache["commit"].as_of(start) == 1.0
    amount = cache["amount"].as_of(start)
    close = cache["close"].as_of(start)
    open_at = (deals["created_day"] <= start) & ~(deals["closed"] & (deals["close_day"] < start))
    mask = (
        commit_now
        & open_at.to_numpy()
        & (close >= np.datetime64(start))
        & (close <= np.datetime64(pd.Timestamp(q.end)))
    )
    if not mask.any():
        return pd.DataFrame()
    snap = pd.DataFrame(
        {
            "owner_crm_id": deals["owner"].to_numpy()[mask],
            "amount": np.nan_to_num(amount[mask].astype(float)),
        }
    )
    snap = snap.groupby("owner_crm_id", as_index=False)["amount"].sum()
    snap["submitted"] = pd.NaT
    snap["crm_id"] = snap["owner_crm_id"]
    return snap


def _fill_all_quarters(rows, labels, get, measurable: bool = True) -> None:
    """Four-quarter figures for slippage, forecast and in-play (sums of the quarters)."""
    groups: dict[tuple[str, str], list[BaselineRow]] = {}
    for (scope, quarter, key), row in list(rows.items()):
        if quarter in labels:
            groups.setdefault((scope, key), []).append(row)
    for (scope, key), parts in groups.items():
        total = get(scope, ALL, key)
        total.forecast_in_quarter = sum(p.forecast_in_quarter for p in parts)
        total.slipped = sum(p.slipped for p in parts)
        with_quota = [p for p in parts if p.quota]
        if with_quota:
            total.quota = sum(p.quota for p in with_quota)
            total.attainment = sum(p.won_amount for p in with_quota) / total.quota
            total.pipeline_in_quarter = sum(p.pipeline_in_quarter for p in with_quota)
            total.coverage = total.pipeline_in_quarter / total.quota
        total.slippage_rate = pct(total.slipped, total.forecast_in_quarter) if measurable else None
        total.set_rep_accuracies([a for p in parts for a in p.rep_accuracies])
        with_fc = [p for p in parts if p.forecast is not None]
        if with_fc:
            total.forecast = sum(p.forecast for p in with_fc)
            total.forecast_actual = sum(p.forecast_actual or 0.0 for p in with_fc)
            total.forecast_submitters = max(p.forecast_submitters for p in with_fc)
            accs = [p.forecast_accuracy for p in with_fc if p.forecast_accuracy is not None]
            # Over four quarters: the mean of the quarterly accuracies (each quarter is a
            # separate forecast), and MAPE over every submitter-quarter.
            total.forecast_accuracy = float(np.mean(accs)) if accs else None
            biases = [p.forecast_bias for p in with_fc if p.forecast_bias is not None]
            total.forecast_bias = float(np.mean(biases)) if biases else None
            n = sum(p.mape_n for p in with_fc)
            total.mape = (sum((p.mape or 0.0) * p.mape_n for p in with_fc) / n) if n else None
            total.mape_n = n


def _open_stages(data: AuditData, deals: pd.DataFrame) -> list[str]:
    """The open stages in the agreed order (a stage is a closed stage when most deals
    carrying it are closed: Closed Won/Lost)."""
    order = _stage_order(data)
    share_closed = deals.groupby("stage")["closed"].mean()
    closed_stages = {str(k) for k, v in share_closed.items() if v > 0.5}
    return [s for s in order if s not in closed_stages]


def _stage_conversion(
    deals: pd.DataFrame, labels: list[str], stages: list[str], history_pairs: np.ndarray
) -> list[StageConversion]:
    """Stage reach, win and move-on counts of the deals closed in each quarter (numpy).
    ``history_pairs``: position * len(stages) + stage code of the stages each deal closed
    in the quarters reached in history (``read_history``)."""
    closed_mask = (deals["closed"] & deals["quarter"].notna()).to_numpy()
    if not closed_mask.any() or not stages:
        return []
    index = pd.Index(stages)
    deal_codes = index.get_indexer(deals["stage"].astype(object))
    width = len(stages)
    hist_pairs = np.asarray(history_pairs, dtype=np.int64)
    pos = np.concatenate([hist_pairs // width, np.arange(len(deals))])
    code = np.concatenate([hist_pairs % width, deal_codes])
    keep = (pos >= 0) & (code >= 0)
    pos, code = pos[keep], code[keep]
    keep = closed_mask[pos]
    pos, code = pos[keep], code[keep]
    flat = pos.astype(np.int64) * len(stages) + code
    if len(deals) * width <= 64_000_000:  # distinct and sorted, by marks (no sort)
        marks = np.zeros(len(deals) * width, dtype=bool)
        marks[flat] = True
        pairs = np.flatnonzero(marks)
        del marks
    else:
        pairs = np.unique(flat)
    del flat
    pos, code = pairs // len(stages), pairs % len(stages)
    if not len(pos):
        return []
    furthest = np.full(len(deals), -1)
    np.maximum.at(furthest, pos, code)
    won = deals["won"].to_numpy()[pos]
    advanced = (furthest[pos] > code) | won
    quarter_of = deals["quarter"].to_numpy()[pos]
    out = []
    for quarter in [*labels, ALL]:
        part = np.ones(len(pos), dtype=bool) if quarter == ALL else quarter_of == quarter
        reached_n = np.bincount(code[part], minlength=len(stages))
        won_n = np.bincount(code[part & won], minlength=len(stages))
        moved_n = np.bincount(code[part & advanced], minlength=len(stages))
        for i, stage in enumerate(stages):
            n = int(reached_n[i])
            if quarter == ALL and n == 0:
                continue
            out.append(StageConversion(quarter, stage, n, int(won_n[i]), pct(won_n[i], n),
                                       pct(moved_n[i], n)))  # fmt: skip
    seen = {c.stage for c in out if c.quarter == ALL}
    return [c for c in out if c.stage in seen]


def _stage_order(data: AuditData) -> list[str]:
    defined = [d.name for d in stage_definitions(data)]
    opps = data.table("opportunities")
    prob = pd.to_numeric(opps["probability"], errors="coerce")
    usual = prob.groupby(opps["stage"]).median().sort_values(kind="stable")
    seen = [str(s) for s in usual.index]
    return defined + [s for s in seen if s not in defined]


def _figure(row: BaselineRow | None, kind: str) -> dict:
    if row is None:  # nothing to measure: the same shape, empty
        row = BaselineRow("", "", "", "")
    if kind == "win_rate":
        return {"value": row.win_rate, "won": row.won, "lost": row.lost, "n": row.won + row.lost}
    if kind == "cycle":
        return {
            "mean": row.cycle_mean_days,
            "median": row.cycle_median_days,
            "n": row.cycle_n,
            "excluded_negative": row.cycle_excluded,
        }
    if kind == "forecast":
        return {
            "accuracy": row.forecast_accuracy,
            "bias": row.forecast_bias,
            "mape": row.mape,
            "forecast": row.forecast,
            "actual": row.forecast_actual,
            "submitters": row.forecast_submitters,
            "n": row.mape_n,
            "source": row.forecast_source,
            "reps": {
                "mean": row.rep_accuracy_mean,
                "median": row.rep_accuracy_median,
                "lowest": row.rep_accuracy_min,
                "highest": row.rep_accuracy_max,
                "n": row.rep_accuracy_n,
            },
        }
    if kind == "quota":
        return {
            "quota": row.quota,
            "attainment": row.attainment,
            "won_amount": row.won_amount,
            "pipeline": row.pipeline_in_quarter,
            "coverage": row.coverage,
        }
    if kind == "deal_size":
        return {"value": row.avg_deal_size, "won_amount": row.won_amount, "n": row.deal_size_n}
    if kind == "velocity":
        return {
            "per_day": row.velocity_per_day,
            "in_play": row.in_play,
            "win_rate": row.win_rate,
            "avg_deal_size": row.avg_deal_size,
            "cycle_mean_days": row.cycle_mean_days,
        }
    return {
        "rate": row.slippage_rate,
        "slipped": row.slipped,
        "forecast_in_quarter": row.forecast_in_quarter,
        "n": row.forecast_in_quarter,
    }


def _summaries(rows: list[BaselineRow], labels: list[str]) -> dict:
    index = {(r.scope, r.quarter, r.key): r for r in rows}

    def block(kind: str) -> dict:
        overall = _figure(index.get(("overall", ALL, ALL)), kind)
        result = {
            "overall": overall,
            "by_quarter": {q: _figure(index.get(("overall", q, ALL)), kind) for q in labels},
        }
        for scope in ("owner", "team", "segment"):
            keys = sorted({r.key for r in rows if r.scope == scope})
            result[f"by_{scope}"] = {
                k: {
                    "name": (index.get((scope, ALL, k)) or BaselineRow("", "", k, k)).name,
                    **_figure(index.get((scope, ALL, k)), kind),
                    "by_quarter": {q: _figure(index.get((scope, q, k)), kind) for q in labels},
                }
                for k in keys
            }
        return result

    cycle = block("cycle")
    cycle.update(
        {
            "mean": cycle["overall"]["mean"],
            "median": cycle["overall"]["median"],
            "n": cycle["overall"]["n"],
        }
    )
    return {
        "win_rate": block("win_rate"),
        "cycle_days": cycle,
        "forecast_accuracy": block("forecast"),
        "deal_size": block("deal_size"),
        "velocity": block("velocity"),
        "slippage": block("slippage"),
        "quota": block("quota"),
    }


def _findings(result: BaselinesResult) -> list[Finding]:
    out: list[Finding] = []
    f = lambda *a, **k: finding(AUDIT, *a, **k)  # noqa: E731
    total = result.row(ALL)
    span = f"{result.quarters[0]} to {result.quarters[-1]}"
    if total is None or total.won + total.lost == 0:
        out.append(
            f(
                "no_closed_deals",
                "high",
                "No closed deals in the last four quarters",
                f"Nothing closed between {span}: baselines cannot be measured. Check the "
                "opportunity export covers at least four quarters of closed deals.",
            )
        )
        return out
    out.append(
        f(
            "win_rate",
            "info",
            f"Win rate {fmt_pct(total.win_rate)} over four quarters",
            f"{total.won:,} won, {total.lost:,} lost ({span}).",
            count=total.won + total.lost,
            metric=total.win_rate,
        )
    )
    if total.cycle_n:
        out.append(
            f(
                "cycle_days",
                "info",
                f"Sales cycle: mean {total.cycle_mean_days:.0f} days, median "
                f"{total.cycle_median_days:.0f}",
                f"{total.cycle_n:,} won deals created to close ({span})."
                + (
                    f" {total.cycle_excluded:,} won deals close before their created date "
                    "and were left out."
                    if total.cycle_excluded
                    else ""
                ),
                count=total.cycle_n,
                metric=total.cycle_mean_days,
            )
        )
    for q in result.quarters:
        row = result.row(q)
        if row is None or row.forecast is None:
            out.append(
                f(
                    f"forecast_accuracy.{q}",
                    "medium",
                    f"{q}: forecast accuracy not measurable",
                    "No Commit forecast submission and no Commit snapshot in history for "
                    "this quarter. Ask the customer for last four quarters of forecast vs "
                    "actual (Track A homework).",
                )
            )
            continue
        bias = (
            ""
            if row.forecast_bias is None
            else (
                f"; bias {row.forecast_bias * 100:+.1f}% "
                f"({'over' if row.forecast_bias > 0 else 'under'}-forecast)"
            )
        )
        severity, why = forecast_severity(row.forecast_accuracy, row.forecast_bias)
        spread = (
            f" The reps' own accuracies: mean {fmt_pct(row.rep_accuracy_mean)}, median "
            f"{fmt_pct(row.rep_accuracy_median)}, from {fmt_pct(row.rep_accuracy_min)} to "
            f"{fmt_pct(row.rep_accuracy_max)} ({row.rep_accuracy_n} reps)."
            if row.rep_accuracy_n > 1
            else ""
        )
        out.append(
            f(
                f"forecast_accuracy.{q}",
                severity,
                f"{q}: forecast accuracy {fmt_pct(row.forecast_accuracy)} pooled",
                f"Forecast {row.forecast:,.0f} vs actual {row.forecast_actual or 0:,.0f} from "
                f"{row.forecast_submitters} submitters ({row.forecast_source}){bias}; MAPE "
                f"{fmt_pct(row.mape)} over {row.mape_n} reps.{spread} {why}",
                count=row.forecast_submitters,
                metric=row.forecast_accuracy,
            )
        )
        if row.forecast_in_quarter and row.slippage_rate is not None:
            severity = "medium" if (row.slippage_rate or 0) >= 0.3 else "info"
            out.append(
                f(
                    f"slippage.{q}",
                    severity,
                    f"{q}: slippage {fmt_pct(row.slippage_rate)}",
                    f"{row.slipped:,} of {row.forecast_in_quarter:,} deals forecast to close "
                    f"in {q} moved their close date past the quarter or were still open "
                    "after it.",
                    entity="opportunities",
                    count=row.slipped,
                    metric=row.slippage_rate,
                )
            )
    measured = [q for q in result.quarters if (r := result.row(q)) and r.forecast is not None]
    if not measured:
        out.append(
            f(
                "forecast_accuracy.missing",
                "high",
                "No forecast accuracy baseline",
                f"No quarter from {span} has a Commit forecast to compare with the actual: "
                "the forecast accuracy target cannot be set. Ask the customer for the last "
                "four quarters of forecast submissions (or import opportunity history with "
                "forecast categories).",
            )
        )
    for note in result.notes:
        if note.startswith("No opportunity history"):
            out.append(f("no_history", "medium", "No opportunity history", note))
    return out
