"""Field values of opportunities as of a moment, from ``opportunity_history``.

The history table holds one row per change; a NULL column was not part of that
change. The value of a field at time t is the latest non-NULL value at or before t.
Before an opportunity's first recorded change of a field its value is unknown: the
earliest recorded value stands in (it is what the deal was created with in every CRM
export seen), and an opportunity with no recorded change keeps its current value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


class FieldHistory:
    """The changes of one field, sorted by time, answering "value as of t" quickly."""

    def __init__(self, history: pd.DataFrame, field: str, current: pd.Series) -> None:
        rows = history.loc[
            history[field].notna() & history["changed"].notna(),
            ["opportunity_crm_id", "changed", field],
        ]
        self._rows = rows.sort_values("changed", kind="stable").reset_index(drop=True)
        self._times = self._rows["changed"].to_numpy()
        self._field = field
        earliest = self._rows.drop_duplicates("opportunity_crm_id", keep="first")
        self._initial = current.copy()
        first = earliest.set_index("opportunity_crm_id")[field]
        known = self._initial.index.isin(first.index)
        self._initial[known] = first.reindex(self._initial.index[known]).to_numpy()

    @property
    def initial(self) -> pd.Series:
        """Each opportunity's first known value (indexed by opportunity crm id)."""
        return self._initial

    def as_of(self, moment: pd.Timestamp) -> pd.Series:
        """Value per opportunity (crm id index) at ``moment``; earliest known when before."""
        cut = int(np.searchsorted(self._times, np.datetime64(moment), side="right"))
        latest = self._rows.iloc[:cut].drop_duplicates("opportunity_crm_id", keep="last")
        values = self._initial.copy()
        found = latest.set_index("opportunity_crm_id")[self._field]
        hit = values.index.isin(found.index)
        values[hit] = found.reindex(values.index[hit]).to_numpy()
        return values
