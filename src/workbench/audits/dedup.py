"""Duplicate accounts and contacts.

Accounts are matched by a probabilistic model (``dedup_model``: Fellegi-Sunter weights
with Splink on DuckDB) over every field the export has: the name after normalising
and the words that differ, the website domain, billing country and city, industry,
phone and parent account (``dedup_features``). Only pairs sharing a blocking key are
scored (``dedup_blocking``). A pair whose match probability reaches
``DedupOptions.assert_probability`` is asserted (it joins a duplicate cluster); one
between ``review_probability`` and that is listed for review. Each pair keeps its
explanation in words with each field's contribution in bits ("country differs:
-4.6"). The consultant's decisions (``dedup_decisions``) override the model on their
pairs and feed its estimates.

Contacts are duplicates when they share an e-mail (ignoring case and +tags) or a full
name at one account.
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
_PATH = re.compile(r"[/?#\s]")
_WWW = re.compile(r"^www\d*\.")


@dataclass
class DedupOptions:
    """Thresholds of the two tiers (match probability) and the blocking's block size."""

    assert_probability: float = 0.8
    review_probability: float = 0.1
    max_block: int = 200
    min_training_accounts: int = 2_000  # fewer: the stated defaults, nothing estimated


@dataclass
class FieldEvidence:
    """One field's say on a pair: its level in words and its weight in bits (+ for)."""

    field: str
    level: str
    weight: float


@dataclass
class DuplicatePair:
    """Two records judged (or possibly) the same, with each field's evidence."""

    a: str
    b: str
    name_similarity: float
    matched: list[str]
    probability: float = 1.0
    match_weight: float = 0.0
    evidence: list[FieldEvidence] = field(default_factory=list)
    decision: str = ""  # "same" / "different" when the consultant decided


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
    text = _PATH.split(text, maxsplit=1)[0]
    text = text.split(":", 1)[0].strip(".")
    text = _WWW.sub("", text)
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


@dataclass
class AccountMatches:
    """The two tiers of duplicate accounts, and what the model had to work with."""

    clusters: list[DuplicateCluster]  # asserted (probability >= assert_probability or decided)
    review: list[DuplicatePair]  # possible duplicates for the consultant to decide
    candidates: int = 0
    trained: bool = False
    missing_evidence: list[str] = field(default_factory=list)
    sparse_evidence: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    weights: dict[str, list[tuple[str, float]]] = field(default_factory=dict)


def find_duplicate_accounts(
    accounts: pd.DataFrame, options: DedupOptions | None = None, progress: Progress | None = None
) -> list[DuplicateCluster]:
    """Asserted clusters of duplicate accounts (see ``match_accounts``)."""
    return match_accounts(accounts, options, progress).clusters


def match_accounts(
    accounts: pd.DataFrame,
    options: DedupOptions | None = None,
    progress: Progress | None = None,
    decisions: pd.DataFrame | None = None,
) -> AccountMatches:
    """Both tiers of duplicate accounts.

    ``accounts`` has ``crm_id`` and ``name`` and any of ``website``, ``domain``,
    ``country``, ``industry``, ``city``, ``phone``, ``parent`` and ``extra`` (the
    importer's JSON of unmapped columns, where BillingCity, Phone and ParentId land).
    ``decisions``: crm_id_a, crm_id_b, same (0/1) from ``dedup_decisions``.
    """
    from workbench.audits.dedup_blocking import candidate_pairs
    from workbench.audits.dedup_features import account_features
    from workbench.audits.dedup_model import level_label, score_pairs

    options = options or DedupOptions()
    progress = progress or Progress.none()
    n = len(accounts)
    progress.update(0.0, "Reading account fields")
    features = account_features(accounts) if n else None
    matches = AccountMatches([], [])
    if features is not None:
        matches.missing_evidence = features.missing
        matches.sparse_evidence = features.sparse
        if features.long_names:
            matches.notes.append(
                f"{features.long_names:,} account names longer than 200 characters were "
                "compared on their first 200"
            )
    if n < 2:
        return matches
    frame = features.frame
    crm_ids = frame["crm_id"].to_numpy()
    progress.update(0.15, "Finding candidate pairs")
    candidates = candidate_pairs(frame, options.max_block)
    labels = _decision_positions(decisions, crm_ids)
    if len(labels):
        candidates = (
            pd.concat([candidates, labels[["unique_id_l", "unique_id_r"]]])
            .drop_duplicates()
            .reset_index(drop=True)
        )
    matches.candidates = len(candidates)
    if not len(candidates):
        return matches
    progress.update(0.35, "Weighing the evidence of each pair")
    scored = score_pairs(frame, candidates, labels, train=n >= options.min_training_accounts)
    matches.trained, matches.weights = scored.trained, scored.levels
    matches.notes += scored.notes
    progress.update(0.85, "Building clusters")
    pairs = scored.pairs.merge(labels, how="left", on=["unique_id_l", "unique_id_r"])
    decided = pairs["same"].notna()
    asserted = (pairs["match_probability"] >= options.assert_probability) & ~decided
    asserted |= decided & pairs["same"].eq(1)
    review = (pairs["match_probability"] >= options.review_probability) & ~asserted & ~decided
    names = accounts["name"].to_numpy() if "name" in accounts else np.array([None] * n)
    norm = frame["name_norm"].to_numpy()
    shown = {f: frame[column].to_numpy() for f, column in _SHOWN.items()}

    def make(row) -> DuplicatePair:
        i, j = int(row.unique_id_l), int(row.unique_id_r)
        evidence = []
        for f, levels in scored.levels.items():
            weight = float(getattr(row, f"mw_{f}"))
            label = level_label(levels, weight)
            if label != "missing":
                evidence.append(FieldEvidence(f, label, round(weight, 1)))
        evidence.sort(key=lambda e: -abs(e.weight))
        words = [f"{e.level}{_values(shown, e.field, i, j)}: {e.weight:+.1f}" for e in evidence]
        same = row.same
        a, b = sorted((str(crm_ids[i]), str(crm_ids[j])))
        return DuplicatePair(
            a=a, b=b,
            name_similarity=round(float(fuzz.token_sort_ratio(norm[i], norm[j])), 1),
            matched=words, probability=round(float(row.match_probability), 4),
            match_weight=round(float(row.match_weight), 2), evidence=evidence,
            decision="" if pd.isna(same) else ("same" if same == 1 else "different"),
        )  # fmt: skip

    uf = _UnionFind(n)
    kept: list[tuple[int, DuplicatePair]] = []
    for row in pairs[asserted].itertuples(index=False):
        pair = make(row)
        uf.union(int(row.unique_id_l), int(row.unique_id_r))
        kept.append((int(row.unique_id_l), pair))
    members: dict[int, list[int]] = {}
    for x in sorted({p for row in pairs[asserted].itertuples(index=False)
                     for p in (int(row.unique_id_l), int(row.unique_id_r))}):  # fmt: skip
        members.setdefault(uf.find(x), []).append(x)
    clusters: dict[int, DuplicateCluster] = {}
    for root, positions in members.items():
        positions.sort(key=lambda p: crm_ids[p])
        clusters[root] = DuplicateCluster(
            ids=[str(crm_ids[p]) for p in positions],
            names=[str(names[p]) if isinstance(names[p], str) else "" for p in positions],
        )
    for i, pair in kept:
        clusters[uf.find(i)].pairs.append(pair)
    matches.clusters = sorted(clusters.values(), key=lambda c: (-c.size, c.ids[0]))
    matches.review = sorted(
        (make(row) for row in pairs[review].itertuples(index=False)),
        key=lambda p: (-p.probability, p.a, p.b),
    )
    progress.update(1.0, "Duplicate accounts found")
    return matches


_SHOWN = {"name": "name_norm", "domain": "domain", "country": "country", "city": "city",
          "industry": "industry", "phone": "phone"}  # fmt: skip


def _values(shown: dict[str, np.ndarray], field_name: str, i: int, j: int) -> str:
    """ " ('acme' / 'acme inc')" or " (acme.com)": the two values an explanation shows
    (``shown``: the feature column of each field shown, by field)."""
    column = shown.get(field_name)
    if column is None:
        return ""
    a, b = column[i], column[j]
    if not a or not b:
        return ""
    quote = "'" if field_name == "name" else ""
    return f" ({quote}{a}{quote})" if a == b else f" ({quote}{a}{quote} / {quote}{b}{quote})"


def _decision_positions(decisions: pd.DataFrame | None, crm_ids: np.ndarray) -> pd.DataFrame:
    """Decisions on accounts present, as positions (unique_id_l < unique_id_r) and same."""
    empty = pd.DataFrame({"unique_id_l": [], "unique_id_r": [], "same": []}).astype("int64")
    if decisions is None or decisions.empty:
        return empty
    position = pd.Series(np.arange(len(crm_ids)), index=pd.Index(crm_ids)).groupby(level=0).first()
    a = decisions["crm_id_a"].map(position)
    b = decisions["crm_id_b"].map(position)
    ok = a.notna() & b.notna()
    if not ok.any():
        return empty
    a, b = a[ok].astype("int64"), b[ok].astype("int64")
    return pd.DataFrame({
        "unique_id_l": np.minimum(a, b), "unique_id_r": np.maximum(a, b),
        "same": decisions.loc[ok, "same"].astype("int64").to_numpy(),
    }).drop_duplicates(["unique_id_l", "unique_id_r"], keep="last")  # fmt: skip


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


def match_engagement_accounts(
    eng, accounts: pd.DataFrame, options: DedupOptions | None = None,
    progress: Progress | None = None,
) -> AccountMatches:  # fmt: skip
    """``match_accounts`` on an engagement's accounts, with their extra export columns
    (city, phone, parent) and the consultant's stored decisions."""
    from workbench.audits.dedup_decisions import account_extra, load_decisions

    if "extra" not in accounts and len(accounts):
        extra = account_extra(eng).drop_duplicates("crm_id")
        accounts = accounts.merge(extra, on="crm_id", how="left")
    return match_accounts(accounts, options, progress, load_decisions(eng))
