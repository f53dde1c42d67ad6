"""Duplicate accounts and contacts: normalise, block, compare, cluster, explain.

Accounts. Names are normalised (accents, case, punctuation, ``&`` -> ``and``, a
leading "The", trailing legal suffixes such as Inc, LLC, Ltd, GmbH, SA, Corp, Co,
PLC, BV, AG removed) and websites reduced to their domain (scheme, ``www.``, port,
path and query dropped; free-mail domains ignored). Comparing every pair of 100,000
accounts (5 billion pairs) is out of the question, so candidates come from blocking
keys (``_blocking_keys``): the sorted words, the letters without spaces, the domain,
and a symmetric-delete index of each word, which puts two names differing by a
typing slip under a shared key. Each candidate pair goes to the judge, which scores
the names with rapidfuzz (the ratio of the token-sorted names, i.e. token_sort_ratio)
and applies these rules. A pair is a duplicate when

- the normalised names are identical, or
- the websites share a domain and the names are at least ``domain_name_threshold``
  similar (or one name contains the domain's label, e.g. "IBM" for ibm.com), or
- the names hold the same words in another order, the same letters spaced
  differently, or differ in one word by a typing slip (two neighbouring letters
  swapped, a letter dropped or doubled inside the word), carry the same numbers
  ("Test 1" is not "Test 2"), and the records do not have two different websites.

A fuzzy score alone never decides: "Hill Medical" and "Hall Medical" score 92 and
are two companies. Duplicate pairs are joined into clusters (union-find); every pair
says which fields matched and how closely.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from workbench.progress import Progress

LEGAL_SUFFIXES = frozenset(
    "inc incorporated llc lllp llp lp ltd limited gmbh mbh ag kg kgaa sa sas sarl srl spa "
    "corp corporation co company plc bv nv oy oyj ab as asa aps pty pte sl slu se kk "
    "sdn bhd pvt intl group".split()
)
FREE_MAIL_DOMAINS = frozenset(
    "gmail.com googlemail.com yahoo.com hotmail.com outlook.com live.com msn.com aol.com "
    "icloud.com me.com mail.com gmx.com gmx.de web.de proton.me protonmail.com yandex.ru "
    "qq.com 163.com".split()
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


@dataclass
class DedupOptions:
    """Similarity thresholds (0-100) for account duplicates; see the module docstring."""

    domain_name_threshold: float = 60.0
    max_block: int = 200


@dataclass
class DuplicatePair:
    """Two records judged the same, with what matched and how closely."""

    a: str
    b: str
    name_similarity: float
    matched: list[str]


@dataclass
class DuplicateCluster:
    """Records that are one real-world thing, and the pairs that tie them together."""

    ids: list[str]
    names: list[str]
    pairs: list[DuplicatePair] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.ids)


def normalise_name(name: object) -> str:
    """Company name reduced for comparison: ``"The ACME, Inc."`` -> ``"acme"``."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ").replace(".", "").replace("'", "")
    tokens = _NON_ALNUM.sub(" ", text).split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    # "Smith & Co. KG" -> "smith": suffixes and the "and" joining them, from the end.
    while len(tokens) > 1 and (tokens[-1] in LEGAL_SUFFIXES or tokens[-1] == "and"):
        tokens.pop()
    return " ".join(tokens)


def normalise_domain(value: object) -> str:
    """Website or e-mail reduced to its domain: ``https://www.Acme.com/x`` -> ``acme.com``."""
    if not isinstance(value, str):
        return ""
    text = value.strip().lower()
    if not text:
        return ""
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = _SCHEME.sub("", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.split(":", 1)[0].strip(".")
    text = re.sub(r"^www\d*\.", "", text)
    return text if "." in text else ""


def normalise_email(value: object) -> str:
    """E-mail compared ignoring case, surrounding spaces and ``+tags``."""
    if not isinstance(value, str) or "@" not in value:
        return ""
    local, _, domain = value.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local and domain else ""


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return int(root)

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _blocks(keys: pd.Series) -> list[np.ndarray]:
    """Positions sharing a non-empty key, for keys held by two or more records."""
    frame = pd.DataFrame({"key": keys.values, "pos": np.arange(len(keys))})
    frame = frame[frame["key"].astype(bool)]
    sizes = frame.groupby("key")["pos"].transform("size")
    frame = frame[sizes > 1]
    return [group.to_numpy() for _, group in frame.groupby("key")["pos"]]


def _blocking_keys(norm: np.ndarray, domains: np.ndarray) -> pd.DataFrame:
    """Every key a record is filed under: a pair worth judging shares at least one.

    ``s|`` the words sorted (identical and reordered names), ``c|`` the letters without
    spaces, ``d|`` the domain, and ``t|`` for each word of three letters or more, the
    rest of the name with that word replaced by the word itself or by the word with one
    letter (not the first) deleted. Two names differing in one word by a swap, a drop or
    a doubled letter share such a key (a symmetric-delete index), so typing slips are
    found without comparing every pair.
    """
    keys: list[str] = []
    positions: list[int] = []
    for pos, name in enumerate(norm):
        if domains[pos]:
            keys.append("d|" + domains[pos])
            positions.append(pos)
        if not name:
            continue
        tokens = name.split()
        keys += ["s|" + " ".join(sorted(tokens)), "c|" + name.replace(" ", "")]
        positions += [pos, pos]
        for i, token in enumerate(tokens):
            if len(token) < 3 or _DIGITS.search(token):
                continue
            masked = " ".join(tokens[:i]) + "|" + " ".join(tokens[i + 1 :])
            variants = {token} | {token[:k] + token[k + 1 :] for k in range(1, len(token))}
            for variant in variants:
                keys.append(f"t|{masked}|{variant}")
                positions.append(pos)
    return pd.DataFrame({"key": keys, "pos": positions})


def _candidate_pairs(norm: np.ndarray, domains: np.ndarray, max_block: int) -> set[tuple[int, int]]:
    """Pairs of positions sharing a blocking key (very large blocks are chained)."""
    frame = _blocking_keys(norm, domains).drop_duplicates()
    sizes = frame.groupby("key")["pos"].transform("size")
    frame = frame[sizes > 1]
    sizes = sizes[sizes > 1]
    small = frame[sizes <= max_block]
    joined = small.merge(small, on="key")
    joined = joined[joined["pos_x"] < joined["pos_y"]]
    candidates = set(zip(joined["pos_x"].tolist(), joined["pos_y"].tolist(), strict=True))
    # A key shared by thousands (a placeholder name, a parent domain): link the records
    # in a chain; the judge still decides each link.
    for _, group in frame[sizes > max_block].groupby("key")["pos"]:
        ordered = sorted(group.tolist())
        candidates.update(zip(ordered, ordered[1:], strict=False))
    return candidates


def find_duplicate_accounts(
    accounts: pd.DataFrame, options: DedupOptions | None = None, progress: Progress | None = None
) -> list[DuplicateCluster]:
    """Clusters of duplicate accounts (``crm_id``, ``name``, ``website``/``domain`` columns)."""
    options = options or DedupOptions()
    progress = progress or Progress.none()
    n = len(accounts)
    if n < 2:
        return []
    crm_ids = accounts["crm_id"].astype(str).to_numpy()
    raw_names = accounts["name"].to_numpy()
    norm = np.array([normalise_name(x) for x in raw_names], dtype=object)
    token_lists = [x.split() for x in norm]
    sorted_names = np.array([" ".join(sorted(t)) for t in token_lists], dtype=object)
    digits = np.array([" ".join(_DIGITS.findall(x)) for x in norm], dtype=object)
    website = accounts["website"] if "website" in accounts else pd.Series([None] * n)
    domain_col = accounts["domain"] if "domain" in accounts else pd.Series([None] * n)
    domains = np.array(
        [
            normalise_domain(d) or normalise_domain(w)
            for d, w in zip(domain_col, website, strict=True)
        ],
        dtype=object,
    )
    domains = np.array([d if d not in FREE_MAIL_DOMAINS else "" for d in domains], dtype=object)
    progress.update(0.1, "Comparing account names")

    candidates = _candidate_pairs(norm, domains, options.max_block)
    progress.update(0.85, "Judging candidate pairs")

    uf = _UnionFind(n)
    pairs: list[tuple[int, int, DuplicatePair]] = []
    for i, j in sorted(candidates):
        pair = _judge(i, j, crm_ids, norm, sorted_names, digits, domains, options)
        if pair is not None:
            uf.union(i, j)
            pairs.append((i, j, pair))
    progress.update(0.95, "Building clusters")
    members: dict[int, list[int]] = {}
    for x in sorted({x for i, j, _ in pairs for x in (i, j)}):
        members.setdefault(uf.find(x), []).append(x)
    clusters: dict[int, DuplicateCluster] = {}
    for root, positions in members.items():
        positions.sort(key=lambda p: crm_ids[p])
        clusters[root] = DuplicateCluster(
            ids=[str(crm_ids[p]) for p in positions],
            names=[str(raw_names[p]) if raw_names[p] is not None else "" for p in positions],
        )
    for i, _, pair in pairs:
        clusters[uf.find(i)].pairs.append(pair)
    progress.update(1.0, "Duplicate accounts found")
    return sorted(clusters.values(), key=lambda c: (-c.size, c.ids[0]))


def typing_slip(a: str, b: str) -> str | None:
    """How ``b`` is ``a`` mistyped: two neighbouring letters swapped, one letter dropped or
    doubled inside the word (never the first letter, and a drop or insertion never at
    the last); None otherwise. A single substituted letter does not count: in a short
    name it usually makes another word (Hill / Hall, Ford / Fort)."""
    if a == b or min(len(a), len(b)) < 3:
        return None
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and diff[0] >= 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        ):
            return f"letters swapped ('{a}' / '{b}')"
        return None
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) - len(shorter) != 1:
        return None
    k = next((k for k in range(len(shorter)) if longer[k] != shorter[k]), len(shorter))
    if 1 <= k <= len(longer) - 2 and longer[:k] + longer[k + 1 :] == shorter:
        kind = "letter doubled" if longer[k] in (longer[k - 1], longer[k + 1]) else "letter dropped"
        return f"{kind} ('{a}' / '{b}')"
    return None


def name_match(name_a: str, name_b: str) -> str | None:
    """Why two normalised names are the same company's, or None (see the module docstring)."""
    if not name_a or not name_b:
        return None
    if name_a == name_b:
        return f"name identical after normalising ('{name_a}')"
    tokens_a, tokens_b = name_a.split(), name_b.split()
    if sorted(tokens_a) == sorted(tokens_b):
        return f"same words in another order ('{name_a}' / '{name_b}')"
    if name_a.replace(" ", "") == name_b.replace(" ", ""):
        return f"same name spaced differently ('{name_a}' / '{name_b}')"
    only_a = [t for t in tokens_a if t not in tokens_b]
    only_b = [t for t in tokens_b if t not in tokens_a]
    if (
        len(only_a) == 1
        and len(only_b) == 1
        and len(tokens_a) == len(tokens_b)
        and not _DIGITS.search(only_a[0] + only_b[0])
    ):
        slip = typing_slip(only_a[0], only_b[0])
        if slip:
            return f"name with a typing slip: {slip}"
    return None


def _judge(
    i: int, j: int, crm_ids, norm, sorted_names, digits, domains, options: DedupOptions
) -> DuplicatePair | None:
    name_a, name_b = norm[i], norm[j]
    if not name_a and not name_b and not domains[i]:
        return None
    score = float(fuzz.ratio(sorted_names[i], sorted_names[j])) if name_a and name_b else 0.0
    same_domain = bool(domains[i]) and domains[i] == domains[j]
    conflicting = bool(domains[i]) and bool(domains[j]) and not same_domain
    matched: list[str] = []
    why = name_match(name_a, name_b)
    if why and (not conflicting or name_a == name_b) and digits[i] == digits[j]:
        matched.append(why)
    if same_domain:
        label = domains[i].split(".")[0]
        contains = label and (label in name_a.replace(" ", "") or label in name_b.replace(" ", ""))
        if matched or score >= options.domain_name_threshold or contains:
            if not matched:
                matched.append(f"name {score:.0f}% similar ('{name_a}' / '{name_b}')")
            matched.append(f"website domain identical ({domains[i]})")
    if not matched:
        return None
    a, b = str(crm_ids[i]), str(crm_ids[j])
    return DuplicatePair(a=min(a, b), b=max(a, b), name_similarity=round(score, 1), matched=matched)


@dataclass
class ContactDuplicates:
    """Duplicate contact clusters and how many were found by each rule."""

    clusters: list[DuplicateCluster]
    by_email: int
    by_name_and_account: int


def find_duplicate_contacts(contacts: pd.DataFrame) -> ContactDuplicates:
    """Contacts sharing an e-mail (ignoring case and +tags) or a full name at one account."""
    n = len(contacts)
    if n < 2:
        return ContactDuplicates([], 0, 0)
    crm_ids = contacts["crm_id"].astype(str).to_numpy()
    email = contacts["email"].map(normalise_email)
    first = contacts["first_name"].fillna("").astype(str).str.strip().str.lower()
    last = contacts["last_name"].fillna("").astype(str).str.strip().str.lower()
    account = contacts["account_crm_id"].fillna("").astype(str)
    name_key = (first + " " + last + "|" + account).where(
        first.ne("") & last.ne("") & account.ne(""), ""
    )
    uf = _UnionFind(n)
    reasons: dict[tuple[int, int], list[str]] = {}
    counts = {"email": 0, "name": 0}
    for label, keys, text in (
        ("email", email, "e-mail identical ignoring case and +tags ({})"),
        ("name", name_key, "same name at the same account ({})"),
    ):
        for block in _blocks(keys.reset_index(drop=True)):
            ordered = sorted(int(b) for b in block)
            for x in ordered[1:]:
                pair = (ordered[0], x)
                uf.union(*pair)
                shown = keys.iloc[ordered[0]].split("|")[0]
                reasons.setdefault(pair, []).append(text.format(shown))
            counts[label] += len(ordered) - 1
    names = (
        (
            contacts["first_name"].fillna("").astype(str)
            + " "
            + contacts["last_name"].fillna("").astype(str)
        )
        .str.strip()
        .to_numpy()
    )
    clusters: dict[int, DuplicateCluster] = {}
    involved = sorted({x for pair in reasons for x in pair})
    for x in involved:
        root = uf.find(x)
        cluster = clusters.setdefault(root, DuplicateCluster(ids=[], names=[]))
        cluster.ids.append(str(crm_ids[x]))
        cluster.names.append(str(names[x]))
    for (i, j), why in reasons.items():
        a, b = sorted((str(crm_ids[i]), str(crm_ids[j])))
        clusters[uf.find(i)].pairs.append(
            DuplicatePair(a=a, b=b, name_similarity=100.0, matched=why)
        )
    ordered_clusters = sorted(clusters.values(), key=lambda c: (-c.size, sorted(c.ids)[0]))
    return ContactDuplicates(ordered_clusters, counts["email"], counts["name"])
