"""Candidate pairs for the duplicate model: only pairs sharing a blocking key are scored.

Comparing every pair of 100,000 accounts (5 billion pairs) is out of the question, so
each account is filed under keys and only accounts sharing a key are compared:

- ``s|`` the core name's words sorted (identical and reordered names);
- ``c|`` the core name's letters without spaces (split and joined words);
- ``d|`` the website domain and ``l|`` its label (acme.com, acme.net, acme.co.uk);
- ``p|`` the phone's last nine digits;
- ``t|`` for each word of three letters or more, the rest of the name with that word
  replaced by itself or by itself with one letter (not the first) deleted: two names
  differing in one word by a swap, drop, doubled or replaced letter share such a key
  (a symmetric-delete index).

A key held by more than ``max_block`` accounts (a placeholder name, a shared parent
domain) links its accounts in a chain instead of all pairs; the model still judges
each link.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_DIGITS = re.compile(r"\d")


def blocking_keys(features: pd.DataFrame) -> pd.DataFrame:
    """Every (key, position) an account is filed under."""
    keys: list[str] = []
    positions: list[int] = []
    columns = zip(
        features["name_core"],
        features["domain"],
        features["domain_label"],
        features["phone"],
        strict=True,
    )
    for pos, (core, domain, label, phone) in enumerate(columns):
        for prefix, value in (("d|", domain), ("l|", label), ("p|", phone)):
            if value:
                keys.append(prefix + value)
                positions.append(pos)
        if not core:
            continue
        tokens = core.split()[:8]
        keys += ["s|" + " ".join(sorted(tokens)), "c|" + core.replace(" ", "")]
        positions += [pos, pos]
        for i, token in enumerate(tokens):
            if len(token) < 3 or len(token) > 30 or _DIGITS.search(token):
                continue
            masked = " ".join(tokens[:i]) + "|" + " ".join(tokens[i + 1 :])
            for variant in {token} | {token[:k] + token[k + 1 :] for k in range(1, len(token))}:
                keys.append(f"t|{masked}|{variant}")
                positions.append(pos)
    return pd.DataFrame({"key": keys, "pos": np.array(positions, dtype=np.int64)})


def candidate_pairs(features: pd.DataFrame, max_block: int = 200) -> pd.DataFrame:
    """Distinct pairs (unique_id_l < unique_id_r) of accounts sharing a key."""
    frame = blocking_keys(features).drop_duplicates()
    frame["key"] = frame["key"].astype("category")
    sizes = frame.groupby("key", observed=True)["pos"].transform("size")
    frame, sizes = frame[sizes > 1], sizes[sizes > 1]
    small = frame[sizes <= max_block]
    joined = small.merge(small, on="key")
    joined = joined.loc[joined["pos_x"] < joined["pos_y"], ["pos_x", "pos_y"]]
    parts = [joined.to_numpy()]
    for _, group in frame[sizes > max_block].groupby("key", observed=True)["pos"]:
        ordered = np.sort(group.to_numpy())
        parts.append(np.column_stack([ordered[:-1], ordered[1:]]))
    pairs = np.unique(np.concatenate(parts), axis=0) if parts else np.empty((0, 2), np.int64)
    return pd.DataFrame({"unique_id_l": pairs[:, 0], "unique_id_r": pairs[:, 1]})
