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
_BATCH = 20_000  # accounts whose deletion keys are made at a time (bounded memory)
_SMALL = 200_000  # keys few enough to sort at once
_CHUNK = 1_000_000
# The deletion keys are hashed by two polynomial hashes, modulo primes below 2**31 (so
# that every product fits in a 64-bit integer), put side by side in 62 bits.
_MODS = (2_147_483_647, 2_147_483_629)
_BASES = (1_000_003, 911_382_323)


def blocking_keys(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Every (key, position) an account is filed under (the keys ``_key_texts`` spells
    out), hashed to 64-bit integers, the same in every run (a rare collision only adds
    a candidate pair, which the model then judges). A key repeated for one account (a
    doubled letter's two deletions) may appear twice: ``candidate_pairs`` drops repeated
    (key, account) rows first.

    A key of one text per account (domain, label, phone, sorted words, letters) is that
    text hashed with a hash key of its kind (``_hash``). The deletion keys (``q|`` and
    ``t|``, some fifty an account) come from polynomial hashes of the letters and words,
    by arithmetic on whole columns (``_variants``), ``_BATCH`` accounts at a time: no
    key is spelled out as a text, nor handled one by one in Python.
    """
    cores = features["name_core"].tolist()
    keys: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    for column, kind in (("domain", "d|"), ("domain_label", "l|"), ("phone", "p|")):
        values = features[column].tolist()
        present = _truthy(values)
        keys.append(_hash([values[p] for p in present], kind))
        positions.append(present)
    named = _truthy(cores)
    named_cores = [cores[p] for p in named.tolist()]
    tokens = [c.split()[:8] for c in named_cores]
    words = [" ".join(t) for t in tokens]  # of the named accounts
    sorted_words = [" ".join(sorted(t)) for t in tokens]
    squashes = [c.replace(" ", "") for c in named_cores]
    del tokens, named_cores
    keys += [_hash(sorted_words, "s|"), _hash(squashes, "c|")]
    positions += [named, named]
    for start in range(0, len(named), _BATCH):
        batch = slice(start, start + _BATCH)
        for hashed, rows in _deletion_keys(words[batch], squashes[batch]):
            keys.append(hashed)
            positions.append(named[batch][rows])
    return np.concatenate(keys), np.concatenate(positions).astype(np.int64)


def _key_texts(core: str, domain: str = "", label: str = "", phone: str = "") -> list[str]:
    """The keys of one account as texts: the definition that ``blocking_keys`` hashes."""
    keys = []
    if domain:
        keys.append("d|" + domain)
    if label:
        keys.append("l|" + label)
    if phone:
        keys.append("p|" + phone)
    if core:
        tokens = core.split()[:8]
        keys.append("s|" + " ".join(sorted(tokens)))
        squash = core.replace(" ", "")
        keys.append("c|" + squash)
        if len(squash) <= 32:  # a split word and a slip: letters less one
            keys.append("q|" + squash)
            keys.extend("q|" + squash[:k] + squash[k + 1 :] for k in range(1, len(squash)))
        for i, token in enumerate(tokens):
            if len(token) < 3 or len(token) > 30 or _DIGITS.search(token):
                continue
            masked = "t|" + " ".join(tokens[:i]) + "|" + " ".join(tokens[i + 1 :]) + "|"
            keys.append(masked + token)
            keys.extend(masked + token[:k] + token[k + 1 :] for k in range(1, len(token)))
    return keys


def _truthy(values: list) -> np.ndarray:
    return np.flatnonzero(np.fromiter(map(bool, values), dtype=bool, count=len(values)))


def _hash(texts: list[str], kind: str) -> np.ndarray:
    """64-bit hashes of ``texts``, with a hash key of their ``kind`` (its own function)."""
    return pd.util.hash_array(
        np.array(texts, dtype=object), hash_key=f"{kind:_<16}", categorize=False
    ).view(np.int64)


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Character codes (one row per text, padded with 0) and lengths."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    width = int(lengths.max()) if len(texts) else 0
    if not width:
        return np.zeros((len(texts), 0), dtype=np.int64), lengths
    codes = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)
    return codes.astype(np.int64), lengths


def _prefix(codes: np.ndarray, m: int) -> np.ndarray:
    """Hash (modulus ``m``) of each row's first j codes: [j, row], j = 0..width."""
    mod, base = _MODS[m], _BASES[m]
    columns = np.ascontiguousarray(codes.T)
    out = np.zeros((codes.shape[1] + 1, codes.shape[0]), dtype=np.int64)
    for j in range(codes.shape[1]):
        np.remainder(out[j] * base + columns[j], mod, out=out[j + 1])
    return out


def _powers(m: int, upto: int) -> np.ndarray:
    out = np.ones(upto + 1, dtype=np.int64)
    for e in range(1, upto + 1):
        out[e] = out[e - 1] * _BASES[m] % _MODS[m]
    return out


def _text_hash(text: str, m: int) -> int:
    h = 0
    for ch in text:
        h = (h * _BASES[m] + ord(ch)) % _MODS[m]
    return h


def _variants(
    codes: np.ndarray, size: np.ndarray, heads: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of head + text and of head + text less its k-th letter (k >= 1), for texts
    sorted by decreasing length (their codes and sizes) after heads hashed per modulus;
    and the row each comes from."""
    longest = int(size[0]) if len(size) else 0
    counts = [int(np.count_nonzero(size > k)) for k in range(longest)]  # rows with a k-th
    out = []
    for m in range(2):
        mod = _MODS[m]
        powers = _powers(m, longest)
        prefix = _prefix(codes, m)
        whole = prefix[size, np.arange(len(size))]
        parts = [(heads[m] * powers[size] + whole) % mod]
        shorter = heads[m] * powers[np.maximum(size - 1, 0)] % mod  # head before size - 1
        for k in range(1, longest):
            n = counts[k]
            tail = powers[size[:n] - k - 1]
            right = (whole[:n] - prefix[k + 1, :n] * tail) % mod  # after the k-th
            parts.append((shorter[:n] + prefix[k, :n] * tail + right) % mod)
        out.append(np.concatenate(parts))
    rows = np.concatenate([np.arange(len(size))] + [np.arange(c) for c in counts[1:]])
    return (out[0] << 32) | out[1], rows


def _deletion_keys(words: list[str], squashes: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The ``q|`` and ``t|`` keys (see ``_key_texts``) of a batch of named accounts (their
    first eight words one space apart, and their letters), hashed, with the row each
    belongs to."""
    out = []
    letters = np.fromiter(map(len, squashes), dtype=np.int64, count=len(squashes))
    rows = np.flatnonzero(letters <= 32)
    rows = rows[np.argsort(-letters[rows], kind="stable")]
    if len(rows):
        codes, size = _codes([squashes[r] for r in rows])
        heads = [np.full(len(rows), _text_hash("q|", m), dtype=np.int64) for m in range(2)]
        hashed, which = _variants(codes, size, heads)
        out.append((hashed, rows[which]))
    codes, lengths = _codes(words)
    if not codes.size:
        return out
    row, start, end, before, after = _word_spans(codes, lengths)
    size = end - start
    keyed = (size >= 3) & (size <= 30)
    digit = _digits_before(codes)
    keyed &= digit[row, end] == digit[row, start]  # no digit in the word
    order = np.flatnonzero(keyed)[np.argsort(-size[keyed], kind="stable")]
    if not len(order):
        return out
    row, start, end, before, after = (x[order] for x in (row, start, end, before, after))
    size = end - start
    last = lengths[row]
    heads = []  # "t|" + words before + "|" + words after + "|"
    for m in range(2):
        prefix = _prefix(codes, m)
        powers = _powers(m, codes.shape[1])
        before_hash = prefix[before, row]
        after_hash = (prefix[last, row] - prefix[after, row] * powers[last - after]) % _MODS[m]
        head = _text_hash("t|", m)
        for h, n in ((before_hash, before), (_text_hash("|", m), 1), (after_hash, last - after),
                     (_text_hash("|", m), 1)):  # fmt: skip
            head = (head * powers[n] + h) % _MODS[m]
        heads.append(np.asarray(head, dtype=np.int64))
    width = int(size[0])
    take = np.minimum(start[:, None] + np.arange(width)[None, :], codes.shape[1] - 1)
    hashed, which = _variants(codes[row[:, None], take], size, heads)
    out.append((hashed, row[which]))
    return out


def _word_spans(codes: np.ndarray, lengths: np.ndarray):
    """Each word of texts whose words are one space apart: its row, where it starts and
    ends, where the words before it end and where those after it start."""
    inside = np.arange(codes.shape[1])[None, :] < lengths[:, None]
    letter = (codes != 32) & inside
    edge = np.zeros((len(codes), 1), dtype=bool)
    row, start = np.nonzero(letter & ~np.hstack([edge, letter[:, :-1]]))
    _, last = np.nonzero(letter & ~np.hstack([letter[:, 1:], edge]))
    end = last + 1
    first_of_row = np.r_[True, row[1:] != row[:-1]]
    last_of_row = np.r_[row[1:] != row[:-1], True]
    before = np.where(first_of_row, 0, np.r_[0, end[:-1]])
    after = np.where(last_of_row, lengths[row], np.r_[start[1:], 0])
    return row, start, end, before, after


def _digits_before(codes: np.ndarray) -> np.ndarray:
    """Count of digits (``\\d``: any decimal digit) among each row's first j codes."""
    unique = np.unique(codes)
    digits = unique[[bool(_DIGITS.match(chr(c))) for c in unique.tolist()]]
    counts = np.cumsum(np.isin(codes, digits), axis=1)
    return np.hstack([np.zeros((len(codes), 1), dtype=np.int64), counts])


def _repeated(keys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (key, position) row whose key is held more than once, and few of the others
    (nearly all keys are held once, and make no pair): rounds of counting by buckets, 22
    bits of the key at a time, drop the keys alone in their bucket, which are surely held
    once; far cheaper than sorting millions of keys."""
    bits = 22
    mask = (1 << bits) - 1
    for shift in (0, 21, 42, 10, 31, 0, 21, 42):
        if len(keys) <= _SMALL:
            break
        counts = np.zeros(mask + 1, dtype=np.int64)
        for start in range(0, len(keys), _CHUNK):  # a million keys at a time: less memory
            counts += np.bincount((keys[start : start + _CHUNK] >> shift) & mask,
                                  minlength=mask + 1)  # fmt: skip
        keep = np.concatenate([
            counts[(keys[start : start + _CHUNK] >> shift) & mask] > 1
            for start in range(0, len(keys), _CHUNK)
        ])  # fmt: skip
        keys, positions = keys[keep], positions[keep]
    return keys, positions


def candidate_pairs(features: pd.DataFrame, max_block: int = 200) -> pd.DataFrame:
    """Distinct pairs (unique_id_l < unique_id_r) of accounts sharing a key."""
    keys, positions = _repeated(*blocking_keys(features))
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
