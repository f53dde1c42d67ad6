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
        del times
        positions = np.asarray(positions)[order][keep]
        in_time_order = values.to_numpy()[order][keep]
        del keep
        self._initial = np.array(current, copy=True)
        if self._initial.dtype != in_time_order.dtype:
            self._initial = self._initial.astype(object)
        # The changes by deal, each deal's in time order (``rank``: the change's place in
        # time order). "As of" a cut then is, per deal, its last change ranked before the
        # cut: one binary search per deal in ``_keys`` (deal * n + rank, ascending).
        # The values are kept in that same order (not in time order plus the ranks: at
        # three million changes the ranks were 24 MB more).
        n = len(positions)
        rank = np.argsort(positions, kind="stable")
        by_deal = positions[rank].astype(np.int64)
        del positions
        self._values = in_time_order[rank]
        del in_time_order
        self._keys = by_deal * max(n, 1) + rank
        del rank
        starts = np.flatnonzero(np.r_[True, by_deal[1:] != by_deal[:-1]]) if n else by_deal
        self._deals, self._starts, self._n = by_deal[starts], starts, max(n, 1)
        del by_deal
        self._initial[self._deals] = self._values[starts]

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
            values[self._deals[some]] = self._values[last[some]]
        return values


# One pass over the opportunity history for the baselines: every column comes back as a
# number (the deal as its row id, dates as julian days; the forecast category and the
# stage folded into one code), so three million changes cross into Python without a
# string each. The history is the outer loop (``CROSS JOIN`` keeps SQLite from
# reordering) scanned in row order (``ORDER BY h.id`` then costs no sort), the order the
# per-field queries read it in before: a tie in time keeps that order.
# ``code`` = Commit state (0 no category, 1 another category, 2 Commit)
#          + 3 * (1 + the stage's place in ``stages``; 0 for no stage or another one).
# The deal's row id and the code travel as one number (row id * the span of the codes +
# code) when that stays exact in a float: one value fewer per change to carry into Python
# (otherwise the code comes last).
_HISTORY_SQL = (
    "SELECT {deal}, julianday(h.changed_at), julianday(h.close_date), h.amount{code} "
    "FROM opportunity_history AS h CROSS JOIN opportunities AS o "
    "ON o.crm_id = h.opportunity_crm_id ORDER BY h.id"
)
# Commit spelt any way (case, spaces): ``lower(replace(...))`` per change cost a second
# at three million changes, so the usual spelling and the text that cannot be Commit
# are decided first by plain comparisons: text whose first character is neither a space
# nor C nor c (``!``..``B``, ``D``..``b``; SQLite's ``lower`` folds ASCII only, and
# numbers sort before text, blobs after it, so neither falls in those ranges); the rest
# as before.
_COMMIT_CODE = (
    "CASE WHEN h.forecast_category IS NULL THEN 0 WHEN h.forecast_category = 'Commit' THEN 2 "
    "WHEN h.forecast_category >= 'D' AND h.forecast_category < 'c' THEN 1 "
    "WHEN h.forecast_category >= '!' AND h.forecast_category < 'C' THEN 1 "
    "WHEN lower(replace(h.forecast_category, ' ', '')) = 'commit' THEN 2 ELSE 1 END"
)
_HISTORY_BLOCK = 50_000


@dataclass
class HistoryColumns:
    """The opportunity history the baselines need, as numpy arrays.

    ``close_*``: the changes that carry a close date (time, deal position, day);
    ``forecast_*``: the changes of an amount or forecast category of the deals that were
    in Commit at some moment (the only ones a Commit snapshot can hold); ``stage_pairs``:
    distinct ``position * len(stages) + stage code`` of the stages reached by the deals
    closed (closed flag 1) with a close date in the closing range. Deal positions are
    rows of the deals frame given; history of any other deal is left out, as
    ``history_positions`` leaves it out.
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


def _same_text(texts: np.ndarray, wanted: np.ndarray, chunk: int = 100_000) -> bool:
    """Whether two object arrays hold the same text, value by value (``wanted`` is text;
    a value of ``texts`` that is not text is not the same)."""
    for i in range(0, len(texts), chunk):
        part = texts[i : i + chunk]
        if pd.api.types.infer_dtype(part, skipna=False) != "string":
            return False
        if not (part == wanted[i : i + chunk]).all():
            return False
    return True


def _row_positions(conn, crm_ids: pd.Series, closing: tuple[str, str] | None):
    """Position in ``crm_ids`` of the opportunity row ids, as a function of an array of
    row ids (-1: not among ``crm_ids``), matched by the text of the id, not by the order
    of the tables; and per position whether the deal is closed (closed flag 1) with a
    close date in ``closing`` (one more, last, for position -1: False)."""
    flag = "(is_closed = 1 AND close_date BETWEEN ? AND ?)" if closing else "0"
    cursor = conn.execute(f"SELECT id, crm_id, {flag} FROM opportunities", tuple(closing or ()))
    id_parts, text_parts, flag_parts = [], [], []
    while block := cursor.fetchmany(_HISTORY_BLOCK):
        table = np.array(block, dtype=object)
        id_parts.append(table[:, 0].astype(np.int64))
        text_parts.append(table[:, 1].copy())
        flag_parts.append(table[:, 2].astype(np.float64) == 1.0)
    row_ids = np.concatenate(id_parts) if id_parts else np.empty(0, dtype=np.int64)
    texts = np.concatenate(text_parts) if text_parts else np.empty(0, dtype=object)
    flags = np.concatenate(flag_parts) if flag_parts else np.empty(0, dtype=bool)
    del id_parts, text_parts, flag_parts
    wanted = text_values(crm_ids)
    if len(texts) == len(wanted) and _same_text(texts, wanted):
        # the deals are the table's rows in row order (the suite reads them so): each row
        # is its own position, no lookup of a million ids by their text
        positions = np.arange(len(texts), dtype=np.int32)
    else:
        positions = history_positions(
            pd.DataFrame({"opportunity_crm_id": pd.Series(texts, dtype=object)}), crm_ids
        ).astype(np.int32)
    del wanted
    del texts
    closing_deal = np.zeros(len(crm_ids) + 1, dtype=bool)
    closing_deal[positions[flags & (positions >= 0)]] = True
    id_range = (int(row_ids.min()), int(row_ids.max())) if len(row_ids) else (0, 0)
    if len(row_ids) and row_ids.min() >= 0 and row_ids.max() <= 4 * len(row_ids) + 1_000_000:
        dense = np.full(int(row_ids.max()) + 2, -1, dtype=np.int32)
        dense[row_ids] = positions
        return (lambda ids: dense[np.clip(ids, -1, len(dense) - 1)]), closing_deal, id_range
    index = pd.Index(row_ids)
    return (
        lambda ids: np.where((found := index.get_indexer(ids)) >= 0, positions[found], -1)
    ), closing_deal, id_range


def read_history(
    conn,
    crm_ids: pd.Series,
    stages: list[str] | None = None,
    closing: tuple[str, str] | None = None,
) -> HistoryColumns:
    """The history of the deals ``crm_ids`` (see ``HistoryColumns``); ``stages`` and
    ``closing`` (first and last close date, ISO) select the stage pairs (none without)."""
    n = len(crm_ids)
    width = len(stages) if stages and closing else 0
    position, closing_deal, id_range = _row_positions(conn, crm_ids, closing if width else None)
    if width:
        stage = "CASE h.stage " + " ".join(f"WHEN ? THEN {i + 1}" for i in range(width))
        stage += " ELSE 0 END"
    else:
        stage = "0"
    code = f"({_COMMIT_CODE}) + 3 * ({stage})"
    # row id and code as one number when every row id times the span of the codes is a
    # whole number a float holds exactly (the blocks are read as floats)
    span = 3 * (width + 1)
    low, high = id_range
    packed = low >= 0 and (high + 1) * span < 2**53
    deal, last = (f"o.id * {span} + {code}", "") if packed else ("o.id", f", {code}")
    # amounts stored as text (not a number SQLite could read) take the slower way:
    # pandas reads them as the per-field query did
    text_amounts = conn.execute(
        "SELECT 1 FROM opportunity_history WHERE typeof(amount) NOT IN ('integer', 'real', "
        "'null') LIMIT 1"
    ).fetchone()
    cursor = conn.execute(
        _HISTORY_SQL.format(deal=deal, code=last), tuple(stages or ()) if width else ()
    )
    reached = np.zeros((n + 1, max(width, 1)), dtype=bool)
    # the deals in Commit at some moment: only their amounts and categories are kept, but
    # which they are is known at the end of the pass (a second pass to find them first
    # cost a second); meanwhile the changes of every deal are kept, compactly
    ever_commit = np.zeros(n + 1, dtype=bool)
    close_parts: list[tuple] = []
    forecast_parts: list[tuple] = []
    rows = 0
    amount_column = 3  # then the code, when not packed
    while block := cursor.fetchmany(_HISTORY_BLOCK):
        if text_amounts:
            table = np.array(block, dtype=object)
            amount = pd.to_numeric(
                pd.Series(table[:, amount_column], dtype=object), errors="coerce"
            ).to_numpy(dtype=np.float64)
            table[:, amount_column] = amount  # the text amounts read, the rest numbers or NULL
            table = table.astype(np.float64)
        else:  # every value a number or NULL (NaN)
            table = np.array(block, dtype=np.float64)
            amount = table[:, amount_column]
        del block
        rows += len(table)
        if packed:
            ids, code_values = np.divmod(table[:, 0].astype(np.int64), span)
            changed_jd, close_jd = table[:, 1], table[:, 2]
        else:
            ids, code_values = table[:, 0].astype(np.int64), table[:, 4].astype(np.int64)
            changed_jd, close_jd = table[:, 1], table[:, 2]
        pos = position(ids)
        del ids
        commit_code = code_values % 3
        ever_commit[pos[commit_code == 2]] = True
        known = pos >= 0
        keep = known & ~np.isnan(close_jd)
        # times and days made here, block by block (all at once, the julian days, the
        # times and the days of millions of changes were alive together)
        close_parts.append((
            _jd_to_day(pd.Series(changed_jd[keep])).to_numpy(),
            pos[keep],
            _jd_to_day(pd.Series(close_jd[keep])).dt.normalize().to_numpy(),
        ))  # fmt: skip
        keep = known & (~np.isnan(amount) | (commit_code > 0))
        forecast_parts.append(
            (changed_jd[keep], pos[keep], commit_code[keep].astype(np.int8), amount[keep])
        )
        if width:
            stage_code = code_values // 3 - 1
            keep = (stage_code >= 0) & closing_deal[pos]
            reached[pos[keep], stage_code[keep]] = True
    ever_commit[-1] = False  # position -1: no deal
    # only the changes of the deals in Commit at some moment, in the order read
    for j, (changed_jd, pos, commit_code, amount) in enumerate(forecast_parts):
        keep = ever_commit[pos]
        forecast_parts[j] = (
            changed_jd[keep], pos[keep],
            np.array([np.nan, 0.0, 1.0])[commit_code[keep]], amount[keep],
        )  # fmt: skip

    def joined(parts: list[tuple], i: int, dtype) -> np.ndarray:
        return np.concatenate([p[i] for p in parts]) if parts else np.empty(0, dtype=dtype)

    def day_times(jd: np.ndarray) -> pd.Series:
        return _jd_to_day(pd.Series(jd, dtype=np.float64))

    def taken(parts: list[tuple], i: int) -> np.ndarray:
        """Column ``i`` of the blocks joined, each block's piece let go once joined."""
        pieces = [p[i] for p in parts]
        for j, p in enumerate(parts):
            parts[j] = tuple(None if k == i else v for k, v in enumerate(p))
        joined = np.concatenate(pieces)
        del pieces
        return joined

    if close_parts:
        close_changed = pd.Series(taken(close_parts, 0))
        close_positions = taken(close_parts, 1)
        close_day = pd.Series(taken(close_parts, 2))
    else:
        close_changed = close_day = day_times(np.empty(0, dtype=np.float64))
        close_positions = np.empty(0, dtype=np.int32)
    del close_parts
    f_pos = joined(forecast_parts, 1, np.int32)
    # ravel order: position * width + code, ascending: the distinct pairs, sorted
    pairs = np.flatnonzero(reached[:n].ravel()) if width else np.empty(0, dtype=np.int64)
    return HistoryColumns(
        rows=rows,
        close_changed=close_changed,
        close_positions=close_positions,
        close_day=close_day,
        forecast_changed=day_times(joined(forecast_parts, 0, np.float64)),
        forecast_positions=f_pos,
        forecast_commit=pd.Series(joined(forecast_parts, 2, np.float64)),
        forecast_amount=pd.Series(joined(forecast_parts, 3, np.float64)),
        stage_pairs=pairs.astype(np.int64),
    )
