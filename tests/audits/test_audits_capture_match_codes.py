"""Capture's CRM-to-recording match by integer codes gives the pairs the merge gave."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.audits.capture import best_match


def _merge_status(acts: pd.DataFrame, meetings: pd.DataFrame, limit: pd.Timedelta) -> np.ndarray:
    """The match as it was computed before: an inner merge on (key, day) per key."""
    status = pd.Series(0, index=acts.index)
    left = acts[["day", "moment", "has_time", "opportunity_crm_id", "account_crm_id"]]
    left = left.reset_index()
    for key in ("opportunity_crm_id", "account_crm_id"):
        r = meetings.loc[meetings[key].notna(), [key, "day", "moment", "is_recorded"]].rename(
            columns={"moment": "m_moment", "is_recorded": "m_recorded"}
        )
        lf = left[left[key].notna()]
        if lf.empty or r.empty:
            continue
        joined = lf.merge(r, on=[key, "day"], how="inner")
        close = ~joined["has_time"] | ((joined["moment"] - joined["m_moment"]).abs() <= limit)
        joined = joined[close]
        best = (joined["m_recorded"].eq(1).astype(int) + 1).groupby(joined["index"]).max()
        status.loc[best.index] = np.maximum(status.loc[best.index].to_numpy(), best.to_numpy())
    return status.to_numpy()


def _frames(seed: int, n_acts: int, n_meetings: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    keys = np.array(["006A", "006B", "006C", "001X", "001Y", None, "  ", "006a"], dtype=object)
    base = pd.Timestamp("2026-03-01")

    def moments(n: int, nat_share: float) -> pd.Series:
        minutes = rng.integers(0, 4 * 24 * 60, n)
        m = pd.Series(base + pd.to_timedelta(minutes, unit="min"))
        return m.mask(rng.random(n) < nat_share)

    a_moment = moments(n_acts, 0.05)
    acts = pd.DataFrame(
        {
            "opportunity_crm_id": rng.choice(keys, n_acts),
            "account_crm_id": rng.choice(keys, n_acts),
            "moment": a_moment,
            "has_time": rng.random(n_acts) < 0.7,
        },
        index=pd.RangeIndex(n_acts) + 10,  # a frame whose labels are not positions
    )
    acts["day"] = acts["moment"].dt.normalize()
    acts.loc[acts["moment"].isna(), "has_time"] = False
    m_moment = moments(n_meetings, 0.0)
    meetings = pd.DataFrame(
        {
            "opportunity_crm_id": rng.choice(keys, n_meetings),
            "account_crm_id": rng.choice(keys, n_meetings),
            "moment": m_moment,
            "is_recorded": rng.choice([1.0, 0.0, np.nan, 2.0], n_meetings),
        }
    )
    meetings["day"] = meetings["moment"].dt.normalize()
    return acts, meetings


def test_the_code_match_equals_the_merge_on_hard_cases():
    limit = pd.Timedelta(minutes=60)
    for seed in range(12):
        acts, meetings = _frames(seed, 400, 150)
        status = np.zeros(len(acts), dtype=np.int8)
        for key in ("opportunity_crm_id", "account_crm_id"):
            best_match(status, acts, meetings, key, limit)
        assert status.tolist() == _merge_status(acts, meetings, limit).tolist()
        assert set(status.tolist()) == {0, 1, 2}


def test_a_recorded_match_wins_and_time_matters_only_for_timed_activities():
    day = pd.Timestamp("2026-03-02")
    acts = pd.DataFrame(
        {
            "opportunity_crm_id": ["006A", "006A", "006B", None],
            "account_crm_id": [None, None, "001X", "001X"],
            "moment": [day + pd.Timedelta(hours=9), day + pd.Timedelta(hours=15), day, day],
            "has_time": [True, True, False, False],
        }
    )
    acts["day"] = acts["moment"].dt.normalize()
    meetings = pd.DataFrame(
        {
            "opportunity_crm_id": ["006A", "006A", None],
            "account_crm_id": [None, None, "001X"],
            "moment": [day + pd.Timedelta(hours=9, minutes=30), day + pd.Timedelta(hours=10),
                       day + pd.Timedelta(hours=20)],
            "is_recorded": [0.0, 1.0, 0.0],
        }
    )  # fmt: skip
    meetings["day"] = meetings["moment"].dt.normalize()
    status = np.zeros(4, dtype=np.int8)
    for key in ("opportunity_crm_id", "account_crm_id"):
        best_match(status, acts, meetings, key, pd.Timedelta(minutes=60))
    # 9:00 meets the unrecorded 9:30 and the recorded 10:00 (exactly 60 minutes): recorded;
    # 15:00 is 5 hours from both; the untimed ones match the 20:00 meeting by account
    assert status.tolist() == [2, 0, 1, 1]
