"""Field values of opportunities as of a moment, from ``opportunity_history``.

The history table holds one row per change; a NULL column was not part of that
change. The value of a field at time t is the latest non-NULL value at or before t.
Before an opportunity's first recorded change of a field its value is unknown: the
earliest recorded value stands in (it is what the deal was created with in every CRM
export seen), and an opportunity with no recorded change keeps its current value.

Everything is numpy on integer positions (the opportunity's row in the
opportunities frame), so "as of" for a million deals and three million changes is a
binary search and one ``np.unique``, not a string join.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.audits.common import _jd_to_day


def text_values(values: pd.Series) -> np.ndarray:
    """``values.astype(str)`` as an object array; when every value is already text, the
    same string objects (no copy of a million ids; the values are equal either way)."""
    array = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(array, skipna=False) == "string":
        return array
    return values.astype(str).to_numpy(dtype=object)


def _codes_dtype(n: int) -> type:
    """The integer type pandas gives the codes of a categorical of ``n`` categories."""
    for kind in (np.int8, np.int16, np.int32):
        if n < np.iinfo(kind).max:
            return kind
    return np.int64


def history_positions(history: pd.DataFrame, opportunity_ids: pd.Series) -> np.ndarray:
    """Row position in ``opportunity_ids`` of each history row (-1: unknown deal)."""
    categories = pd.Index(text_values(opportunity_ids), dtype=object)
    if not categories.is_unique:
        categories = categories.drop_duplicates()
    ids = history["opportunity_crm_id"]
    array = ids.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(array, skipna=False) == "string":
        # every id is text: its position among the deals (what the categorical gives)
        found = _positions_by_hash(categories.to_numpy(), array)
        if found is None:
            found = categories.get_indexer(array)
        return found.astype(_codes_dtype(len(categories)))
    # ids of other types: by their text (a categorical with values outside its
    # categories gives -1 the same way, but pandas is deprecating that)
    found = categories.get_indexer(ids.astype(str).to_numpy(dtype=object))
    return found.astype(_codes_dtype(len(categories)))


def _hash_text(values: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """64-bit hashes of text values, ``chunk`` at a time (hashing converts its input
    first: all at once that doubles a million ids)."""
    parts = [
        pd.util.hash_array(values[i : i + chunk], categorize=False)
        for i in range(0, len(values), chunk)
    ]
    return np.concatenate(parts).view(np.int64) if parts else np.empty(0, dtype=np.int64)


def _positions_by_hash(keys: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Position of each of ``values`` among the distinct text ``keys`` (-1: absent),
    looked up by 64-bit hashes: an index of a million integers instead of a million
    strings (a fraction of the memory). Every match is checked against the text, and
    None is returned (look up by text instead) on any hash collision."""
    index = pd.Index(_hash_text(keys))
    if not index.is_unique:
        return None
    found = index.get_indexer(_hash_text(values))
    hit = found >= 0
    if not np.array_equal(keys[found[hit]], values[hit]):
        return None
    return found  # a value not found has no equal key (equal texts hash equal)


class FieldHistory:
    """The changes of one field, sorted by time, answering "value as of t" quickly.

    ``changed`` and ``values`` are history columns (NULL value: not part of that change),
    ``positions`` the rows' opportunity positions (``history_positions``); ``current``
    holds each opportunity's current value (numpy, in the opportunities' order).
    """

    def __init__(self, changed: pd.Series, positions: np.ndarray, values: pd.Series,
                 current: np.ndarray, order: np.ndarray | None = None) -> None:  # fmt: skip
        # ``order`` (argsort of ``changed``) can be shared by the fields of one history.
        order = np.argsort(changed.to_numpy(), kind="stable") if order is None else order
        times = changed.to_numpy()[order]
        keep = (np.asarray(positions)[order] >= 0) & values.notna().to_numpy()[order]
        keep &= ~np.isnat(times)
        self._times = times[keep]
        positions = np.asarray(positions)[order][keep]
        self._values = values.to_numpy()[order][keep]
        self._initial = np.array(current, copy=True)
        if self._initial.dtype != self._values.dtype:
            self._initial = self._initial.astype(object)
        # The changes by deal, each deal's in time order (``rank``: the change's place in
        # time order). "As of" a cut then is, per deal, its last change ranked before the
        # cut: one binary search per deal in ``_keys`` (deal * n + rank, ascending).
        n = len(positions)
        self._rank = np.argsort(positions, kind="stable")
        by_deal = positions[self._rank].astype(np.int64)
        self._keys = by_deal * max(n, 1) + self._rank
        starts = np.flatnonzero(np.r_[True, by_deal[1:] != by_deal[:-1]]) if n else by_deal
        self._deals, self._starts, self._n = by_deal[starts], starts, max(n, 1)
        del by_deal
        self._initial[self._deals] = self._values[self._rank[starts]]

    @property
    def initial(self) -> np.ndarray:
        """Each opportunity's first known value."""
        return self._initial

    def as_of(self, moment: pd.Timestamp) -> np.ndarray:
        """Value per opportunity at ``moment``; the earliest known value when before."""
        cut = int(np.searchsorted(self._times, np.datetime64(moment), side="right"))
        values = self._initial.copy()
        if cut:
            last = np.searchsorted(self._keys, self._deals * self._n + cut) - 1
            some = last >= self._starts  # the deal has a change before the cut
            values[self._deals[some]] = self._values[self._rank[last[some]]]
        return values


# One pass over the opportunity history for the baselines: every column comes back as a
# number (the deal as its row id, dates as julian days, the forecast category as a
# Commit flag, the stage as its position in the agreed order), so three million
# changes cross into Python without a string each. The history is the outer loop
# (``CROSS JOIN`` keeps SQLite from reordering), so rows come in the table's order, the
# order the per-field queries read before (a tie in time keeps that order).
_HISTORY_SQL = (
    "SELECT o.id AS deal, h.id AS hid, julianday(h.changed_at) AS changed_jd, "
    "julianday(h.close_date) AS close_jd, h.amount AS amount, "
    "CASE WHEN h.forecast_category IS NULL THEN NULL "
    "WHEN lower(replace(h.forecast_category, ' ', '')) = 'commit' THEN 1 ELSE 0 END AS commit_flag, "
    "{stage} AS stage_code, {closing} AS closing "
    "FROM opportunity_history AS h CROSS JOIN opportunities AS o "
    "ON o.crm_id = h.opportunity_crm_id"
)
_HISTORY_BLOCK = 50_000


@dataclass
class HistoryColumns:
    """The opportunity history the baselines need, as numpy arrays.

    ``close_*``: the changes that carry a close date (time, deal position, day);
    ``forecast_*``: the changes of an amount or forecast category of the deals that were
    in Commit at some moment (the only ones a Commit snapshot can hold); ``stage_pairs``:
    distinct ``position * len(stages) + stage code`` of the stages reached by deals
    closed in the closing range. Deal positions are rows of the deals frame given;
    history of any other deal is left out, as ``history_positions`` leaves it out.
    """

    rows: int
    close_changed: pd.Series
    close_positions: np.ndarray
    close_day: pd.Series
    forecast_changed: pd.Series
    forecast_positions: np.ndarray
    forecast_commit: pd.Series
    forecast_amount: pd.Series
    stage_pairs: np.ndarray


def deal_position_lookup(conn, crm_ids: pd.Series) -> tuple[np.ndarray, pd.Index | None]:
    """Position in ``crm_ids`` of every opportunity row id, as a dense array indexed by
    the row id (-1: not among ``crm_ids``), or the row ids as an index when they are too
    sparse for a dense array. Matched by the text of the id (not by the table's order)."""
    cursor = conn.execute("SELECT id, crm_id FROM opportunities")
    id_parts, text_parts = [], []
    while block := cursor.fetchmany(_HISTORY_BLOCK):
        table = np.array(block, dtype=object)
        id_parts.append(table[:, 0].astype(np.int64))
        text_parts.append(table[:, 1].copy())
    row_ids = np.concatenate(id_parts) if id_parts else np.empty(0, dtype=np.int64)
    texts = pd.DataFrame({"opportunity_crm_id": pd.Series(
        np.concatenate(text_parts) if text_parts else np.empty(0, dtype=object), dtype=object)})
    del id_parts, text_parts
    positions = history_positions(texts, crm_ids).astype(np.int32)
    del texts
    if not len(row_ids):
        return np.empty(0, dtype=np.int32), None
    if row_ids.min() >= 0 and row_ids.max() <= 4 * len(row_ids) + 1_000_000:
        dense = np.full(int(row_ids.max()) + 1, -1, dtype=np.int32)
        dense[row_ids] = positions
        return dense, None
    return positions, pd.Index(row_ids)


def read_history(
    conn,
    crm_ids: pd.Series,
    stages: list[str] | None = None,
    closing: tuple[str, str] | None = None,
) -> HistoryColumns:
    """The history of the deals ``crm_ids`` (see ``HistoryColumns``); ``stages`` and
    ``closing`` (first and last close date, ISO) select the stage pairs (none without)."""
    lookup, sparse = deal_position_lookup(conn, crm_ids)
    params: list[object] = []
    if stages and closing:
        stage = "CASE h.stage " + " ".join(f"WHEN ? THEN {i}" for i in range(len(stages)))
        stage += " ELSE -1 END"
        params += list(stages)
        closing_sql = "(o.is_closed = 1 AND o.close_date BETWEEN ? AND ?)"
        params += list(closing)
    else:
        stage, closing_sql = "-1", "0"
    sql = _HISTORY_SQL.format(stage=stage, closing=closing_sql)
    width = len(stages or ())
    parts = _scan_history(conn, sql, params, lookup, sparse, width)
    if parts is None:  # SQLite read the history in another order: in the table's order
        parts = _scan_history(conn, sql + " ORDER BY h.id", params, lookup, sparse, width)
    rows, close_parts, forecast_parts, committed, pair_parts = parts

    def joined(parts: list[tuple], i: int, dtype) -> np.ndarray:
        return np.concatenate([p[i] for p in parts]) if parts else np.empty(0, dtype=dtype)

    def day_times(jd: np.ndarray) -> pd.Series:
        return _jd_to_day(pd.Series(jd, dtype=np.float64))

    close_changed = day_times(joined(close_parts, 0, np.float64))
    close_positions = joined(close_parts, 1, np.int32)
    close_day = day_times(joined(close_parts, 2, np.float64)).dt.normalize()
    del close_parts
    ever = np.unique(np.concatenate(committed)) if committed else np.empty(0, np.int32)
    f_pos = joined(forecast_parts, 1, np.int32)
    in_commit = np.isin(f_pos, ever)
    forecast = HistoryColumns(
        rows=rows,
        close_changed=close_changed,
        close_positions=close_positions,
        close_day=close_day,
        forecast_changed=day_times(joined(forecast_parts, 0, np.float64)[in_commit]),
        forecast_positions=f_pos[in_commit],
        forecast_commit=pd.Series(joined(forecast_parts, 2, np.float64)[in_commit]),
        forecast_amount=pd.Series(joined(forecast_parts, 3, np.float64)[in_commit]),
        stage_pairs=(np.unique(np.concatenate(pair_parts)) if pair_parts
                     else np.empty(0, dtype=np.int64)),
    )  # fmt: skip
    return forecast


def _scan_history(conn, sql, params, lookup, sparse, width):
    """The blocks of ``read_history``'s query, or None when the rows did not come in
    the history's row order."""
    cursor = conn.execute(sql, params)
    close_parts: list[tuple] = []
    forecast_parts: list[tuple] = []
    pair_parts: list[np.ndarray] = []
    committed: list[np.ndarray] = []
    rows, last_hid = 0, -np.inf
    while block := cursor.fetchmany(_HISTORY_BLOCK):
        table = np.array(block, dtype=object)
        del block
        rows += len(table)
        hid = table[:, 1].astype(np.float64)
        if not (hid[0] > last_hid and bool(np.all(np.diff(hid) > 0))):
            cursor.close()
            return None
        last_hid = hid[-1]
        deal = table[:, 0].astype(np.int64)
        if sparse is None:
            pos = lookup[deal]
        else:
            found = sparse.get_indexer(deal)
            pos = np.where(found >= 0, lookup[found], -1).astype(np.int32)
        changed_jd = table[:, 2].astype(np.float64)
        close_jd = table[:, 3].astype(np.float64)
        # amounts as the per-field query read them (text that is no number: NaN)
        amount = pd.to_numeric(pd.Series(table[:, 4], dtype=object), errors="coerce")
        amount = amount.to_numpy(dtype=np.float64)
        commit = table[:, 5].astype(np.float64)
        known = pos >= 0
        keep = known & ~np.isnan(close_jd)
        close_parts.append((changed_jd[keep], pos[keep], close_jd[keep]))
        keep = known & (~np.isnan(amount) | ~np.isnan(commit))
        forecast_parts.append((changed_jd[keep], pos[keep], commit[keep], amount[keep]))
        committed.append(np.unique(pos[known & (commit == 1.0)]))
        if width:
            code = table[:, 6].astype(np.int64)
            flag = table[:, 7].astype(np.float64) == 1.0
            keep = known & flag & (code >= 0)
            pair_parts.append(np.unique(pos[keep].astype(np.int64) * width + code[keep]))
        del table
    return rows, close_parts, forecast_parts, committed, pair_parts
