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

import numpy as np
import pandas as pd


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
        self._positions = np.asarray(positions)[order][keep]
        self._values = values.to_numpy()[order][keep]
        self._initial = np.array(current, copy=True)
        if self._initial.dtype != self._values.dtype:
            self._initial = self._initial.astype(object)
        first_pos, first_idx = np.unique(self._positions, return_index=True)
        self._initial[first_pos] = self._values[first_idx]

    @property
    def initial(self) -> np.ndarray:
        """Each opportunity's first known value."""
        return self._initial

    def as_of(self, moment: pd.Timestamp) -> np.ndarray:
        """Value per opportunity at ``moment``; the earliest known value when before."""
        cut = int(np.searchsorted(self._times, np.datetime64(moment), side="right"))
        values = self._initial.copy()
        if cut:
            reversed_positions = self._positions[:cut][::-1]
            last_pos, first_in_reversed = np.unique(reversed_positions, return_index=True)
            values[last_pos] = self._values[cut - 1 - first_in_reversed]
        return values
