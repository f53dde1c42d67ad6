"""Candidate pairs for the duplicate model: only pairs sharing a blocking key are scored.

Comparing every pair of 100,000 accounts (5 billion pairs) is out of the question, so
each account is filed under keys and only accounts sharing a key are compared:

- ``s|`` the core name's words sorted (identical and reordered names);
- ``c|`` the core name's letters without spaces (split and joined words), and ``q|``
  those letters less one (a split word and a slip at once; names up to 32 letters);
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
_KEY_BATCH = 200_000  # keys hashed at a time


def blocking_keys(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every (key, position) an account is filed under; keys hashed to 64-bit integers,
    the same in every run (a rare collision only adds a candidate pair, which the model
    then judges). Hashed every ``_KEY_BATCH`` keys, so the key texts never pile up
    (an account has some fifty keys: at 100,000 accounts they would take gigabytes);
    hashed one by one (``categorize=False``: the same values, without first sorting out
    the distinct texts, which took most of the audit's time)."""
    hashed: list[np.ndarray] = []
    placed: list[np.ndarray] = []
    keys: list[str] = []
    owners: list[int] = []  # the accounts of this batch, and how many keys each has
    counts: list[int] = []
    add, extend = keys.append, keys.extend
    columns = zip(
        features["name_core"],
        features["domain"],
        features["domain_label"],
        features["phone"],
        strict=True,
    )

    def flush() -> None:
        hashed.append(_hash(keys))
        placed.append(np.repeat(np.array(owners, dtype=np.int64), counts))
        keys.clear()
        owners.clear()
        counts.clear()

    # A key repeated for one account (a doubled letter's two deletions) is filed once:
    # ``candidate_pairs`` drops repeated (key, account) rows before anything else.
    for pos, (core, domain, label, phone) in enumerate(columns):
        if len(keys) >= _KEY_BATCH:
            flush()
        before = len(keys)
        if domain:
            add("d|" + domain)
        if label:
            add("l|" + label)
        if phone:
            add("p|" + phone)
        if core:
            tokens = core.split()[:8]
            add("s|" + " ".join(sorted(tokens)))
            squash = core.replace(" ", "")
            add("c|" + squash)
            if len(squash) <= 32:  # a split word and a slip: letters less one
                add("q|" + squash)
                extend(["q|" + squash[:k] + squash[k + 1 :] for k in range(1, len(squash))])
            for i, token in enumerate(tokens):
                if len(token) < 3 or len(token) > 30 or _DIGITS.search(token):
                    continue
                masked = "t|" + " ".join(tokens[:i]) + "|" + " ".join(tokens[i + 1 :]) + "|"
                add(masked + token)
                extend([masked + token[:k] + token[k + 1 :] for k in range(1, len(token))])
        if len(keys) > before:
            owners.append(pos)
            counts.append(len(keys) - before)
    if keys:
        flush()
    if not hashed:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(hashed), np.concatenate(placed)


def _hash(keys: list[str]) -> np.ndarray:
    return pd.util.hash_array(np.array(keys, dtype=object), categorize=False).view(np.int64)


def candidate_pairs(features: pd.DataFrame, max_block: int = 200) -> pd.DataFrame:
    """Distinct pairs (unique_id_l < unique_id_r) of accounts sharing a key."""
    keys, positions = blocking_keys(features)
    order = np.lexsort((positions, keys))
    keys, positions = keys[order], positions[order]
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = (keys[1:] != keys[:-1]) | (positions[1:] != positions[:-1])
    keys, positions = keys[fresh], positions[fresh]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.array([], int)
    sizes = np.diff(np.r_[starts, len(keys)])
    parts = [np.empty((0, 2), dtype=np.int64)]
    # Blocks of one size at once (tens of thousands of keys share a few sizes): every
    # pair within each block, the same pairs as block by block.
    for size in np.unique(sizes[(sizes > 1) & (sizes <= max_block)]).tolist():
        first = starts[sizes == size]
        members = positions[first[:, None] + np.arange(size)]
        left, right = np.triu_indices(size, k=1)
        parts.append(np.column_stack([members[:, left].ravel(), members[:, right].ravel()]))
    for start, size in zip(starts[sizes > max_block].tolist(), sizes[sizes > max_block].tolist(),
                           strict=True):  # fmt: skip
        members = positions[start : start + size]  # held by very many: a chain of neighbours
        parts.append(np.column_stack([members[:-1], members[1:]]))
    pairs = np.unique(np.concatenate(parts), axis=0)
    return pd.DataFrame({"unique_id_l": pairs[:, 0], "unique_id_r": pairs[:, 1]})
