"""The duplicate search's faster paths give exactly what the plain, one-by-one ways give.

The account features reduce all names in one pass of text steps and each distinct
value once (``names_tokens``, ``account_features``); the blocking hashes its deletion
keys from polynomial prefix hashes, never spelling them out (``blocking_keys``) and drops
the keys held once by counting in buckets (``_repeated``); the model rules out pairs
whose lengths or letters are too far apart before an edit distance (``_within``). Each
is compared here with the plain way (the code it replaced, kept below as the reference)
on records chosen to trip them: accents and ligatures, punctuation and legal words,
blanks and non-text values, replaced characters from a bad encoding, line breaks inside
a name, Unicode digits, long names and words, doubled letters, shared domains of a
group's divisions and free-mail domains.
"""

from __future__ import annotations

import itertools
import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from workbench.audits.dedup import FREE_MAIL_DOMAINS, normalise_domain
from workbench.audits.dedup_blocking import (
    _key_texts,
    _repeated,
    blocking_keys,
    candidate_pairs,
)
from workbench.audits.dedup_features import (
    EVIDENCE_LABELS,
    GROUP_WORDS,
    MAX_NAME,
    _extra_values,
    _parse_extra,
    account_features,
    country_key,
    domain_label,
    domain_of,
    name_tokens,
    names_tokens,
    phone_key,
    plain,
)
from workbench.audits.dedup_model import _level, _within

AWKWARD_NAMES = [
    "The ACME, Inc.", "Acme Incorporated", "Smith & Co.", "Müller GmbH & Co. KG",
    "A.B.C. L.L.C.", "Nordic Steel AB", "Holding SA", "Co", "The", "the the", "THE Group",
    "Société Générale S.A.", "Ærø Shipping ApS", "Straße & Söhne", "İstanbul Tekstil A.Ş.",
    "ΣΟΦΙΑ ΑΕ", "Øresund Fisk", "ﬁnance ﬂow Ltd", "Ｆｕｌｌ＆Ｗｉｄｅ Corp", "O'Brien's Pub",
    "Caf\u0065\u0301 Corp", "Bad \ufffd\ufffd Encoding Ltd", "Mojibake Ã©tÃ© SARL",
    "Line\nBreak Inc", "Tab\tSeparated\tLLC", "  spaced   out  ", "", "   ", "...", "&",
    "'", "Intl Mfg Tech Grp", "Acme Holdings International", "Group Holdings",
    "3M Company", "Company 42", "٣ Arabic Digits ٤٥", "X" * 450, "word " * 90,
    "A.B", "a.b.c", "x.y z.w", ".Leading Dot", "Trailing Dot.", "e.on SE", "AT&T Inc.",
    "Procter & Gamble", "Johnson and Johnson and Co", "Smith and", "Acme - Europe GmbH",
    "Acme (UK) Limited", "ACME/USA", "acme_corp", "ÀÉÎÕÜ ltd", "日本電気株式会社",
    "Ünïcödé Hölding AG", "Global Systems Intl", "\u00a0Nbsp\u00a0Name\u00a0",
    "Zero\u200bWidth Space", "Final σ and ΣΑΣ", None, float("nan"), 42, 3.5,
]  # fmt: skip


def test_all_names_at_once_equal_each_name_alone():
    names = AWKWARD_NAMES + ["\n".join(AWKWARD_NAMES[:5])]
    assert names_tokens(names) == [name_tokens(x) for x in names]
    assert names_tokens([]) == []
    assert names_tokens([None, 7]) == [[], []]
    # by hand: the reductions the model relies on
    tokens = names_tokens(["The ACME, Inc.", "A.B.C. L.L.C.", "Intl Mfg Tech Grp", "Line\nBreak Inc"])
    assert tokens == [["acme"], ["abc"], ["international", "manufacturing", "technologies",
                                          "group"], ["line", "break"]]  # fmt: skip


AWKWARD_DOMAINS = [
    "acme.com", "www.acme.com", "www2.acme.co.uk", "WWW.ACME.COM", "acme.com.", ".acme.com",
    "gmail.com", "www.gmail.com", "https://www.gmail.com", "https://www.Acme.com/about?x=1",
    " acme.com ", "acme", "www.com", "www3.com", "-acme-.com", "a..b", "sales@acme.com",
    "acme.com:8080", "acme.com/path", "ftp://files.acme.com", "wwwacme.com", "www.www.acme.com",
    "ab-c.d-e.f", "xn--mller-kva.de", "müller.de", "ACME.com", "acme.c", "1.2.3.4", "",
    "   ", None, float("nan"), 7, "www.", "acme.com\n", "acme .com",
]  # fmt: skip


def test_bare_domains_read_directly_equal_the_full_normalising():
    for value in AWKWARD_DOMAINS:
        plain_domain = normalise_domain(value)
        expected = "" if plain_domain in FREE_MAIL_DOMAINS else plain_domain
        assert domain_of(value) == expected, value
    assert domain_of("www2.acme.co.uk") == "acme.co.uk"
    assert domain_of("www.gmail.com") == ""  # free mail is no company's website


def _plain_features(accounts: pd.DataFrame) -> pd.DataFrame:
    """The features as they were computed one account at a time (the reference)."""
    n = len(accounts)
    blank = pd.Series([None] * n, index=accounts.index)
    names = accounts["name"] if "name" in accounts else blank
    tokens = [name_tokens(x) for x in names]
    norm = [" ".join(t)[:MAX_NAME] for t in tokens]
    core_tokens = [[w for w in t if w not in GROUP_WORDS] or t for t in tokens]
    core = [" ".join(t)[:MAX_NAME] for t in core_tokens]
    website = accounts["website"] if "website" in accounts else blank
    domain_col = accounts["domain"] if "domain" in accounts else blank
    domains = [domain_of(d) or domain_of(w) for d, w in zip(domain_col, website, strict=True)]
    parsed = _parse_extra(accounts)
    frame = pd.DataFrame({
        "unique_id": np.arange(n, dtype=np.int64),
        "crm_id": accounts["crm_id"].astype(str).to_numpy(),
        "name_norm": norm,
        "name_core": core,
        "name_squash": [c.replace(" ", "") for c in core],
        "words": [sorted(set(t))[:12] for t in core_tokens],
        "initials": ["".join(w[0] for w in t) if len(t) >= 2 else "" for t in tokens],
        "domain": domains,
        "domain_label": [domain_label(d) for d in domains],
        "country": (accounts["country"] if "country" in accounts else blank).map(country_key),
        "city": _extra_values(accounts, "city", parsed).map(plain),
        "industry": (accounts["industry"] if "industry" in accounts else blank).map(plain),
        "phone": _extra_values(accounts, "phone", parsed).map(phone_key),
        "parent": _extra_values(accounts, "parent", parsed).map(
            lambda v: v.strip() if isinstance(v, str) else ""),
    })  # fmt: skip
    for column in frame.columns[2:]:
        if column != "words":
            frame[column] = frame[column].fillna("").astype(str)
    return frame


def _awkward_accounts() -> pd.DataFrame:
    n = len(AWKWARD_NAMES)
    domains = (AWKWARD_DOMAINS * 3)[:n]
    # a group's divisions on the parent's domain, and free mail as a "website"
    domains[:4] = ["acme.com"] * 4
    websites = ([None, "https://www.acme.de/", "gmail.com", "sales@yahoo.com", "acme.co.uk",
                 "http://www.globex.com", "", "not a site"] * n)[:n]  # fmt: skip
    extras = [None, "", "{", "[1, 2]", json.dumps({"BillingCity": " São Paulo ",
              "Phone": "+1 (555) 010-2000"}), json.dumps({"City": "Zürich", "ParentId": " p1 "}),
              json.dumps({"Phone": 5550102000, "Parent Account": "p2"}),
              json.dumps({"BillingCity": "", "City": "Köln", "Phone": "12"})]  # fmt: skip
    countries = ["USA", "U.S.A.", "United States of America", "uk", "Deutschland", None,
                 " Germany ", "Frånce", 7, "The Netherlands"]  # fmt: skip
    industries = ["Software", "software ", None, "Health-Care", "Health Care", 3.0, "Ünï"]
    return pd.DataFrame({
        "crm_id": [f"a{i}" for i in range(n)],
        "name": AWKWARD_NAMES,
        "domain": domains,
        "website": websites,
        "country": (countries * n)[:n],
        "industry": (industries * n)[:n],
        "extra": (extras * n)[:n],
    })  # fmt: skip


def test_account_features_equal_the_one_by_one_reduction():
    accounts = _awkward_accounts()
    features = account_features(accounts)
    pd.testing.assert_frame_equal(features.frame, _plain_features(accounts))
    assert features.long_names == 2  # the 450 X's and the ninety words
    # mapped columns given directly (no extra JSON): the same path as the export's
    direct = accounts.drop(columns="extra").assign(city=["Köln", None] * (len(accounts) // 2),
                                                   phone="555-0100", parent=" p9 ")  # fmt: skip
    pd.testing.assert_frame_equal(account_features(direct).frame, _plain_features(direct))
    assert set(account_features(direct).frame["parent"]) == {"p9"}
    for label in EVIDENCE_LABELS.values():
        assert label not in features.missing or label in ("billing city", "phone",
                                                         "parent account")  # fmt: skip


def test_account_features_of_a_frame_with_only_ids_and_names():
    accounts = pd.DataFrame({"crm_id": [1, 2, 3], "name": ["Acme", None, "Acme Inc"]})
    features = account_features(accounts)
    pd.testing.assert_frame_equal(features.frame, _plain_features(accounts))
    assert features.frame["name_core"].tolist() == ["acme", "", "acme"]
    empty = accounts.iloc[:0]
    assert account_features(empty).frame.empty


AWKWARD_CORES = [
    "acme corp", "acme corp", "acmee corp", "acme crop", "globex", "globx", "committee group",
    "comittee group", "summit", "summmit", "aa", "aab", "abcdefghijklmnopqrstuvwxyzabcdef",
    "abcdefghijklmnopqrstuvwxyzabcdefg", "abcdefghijklmnopqrstuvwxyzabcdfg",
    "one two three four five six seven eight nine ten", "one two three four five six seven eigth",
    "a b c d e f g h i", "x" * 31, "x" * 30, "x" * 29, "y" * 40, "acme 3m", "acme 3n",
    "acme ٣m", "acme xm", "   ", "", "tab\tsep name", "tab sep name", "pipe|in name",
    "pipe in|name", "αβγ δεζ", "αβγ δζ", "the the the", "abc", "acb", "bac",
    "very" + "long" * 60, "acme corp" + " x" * 100,
]  # fmt: skip


def _partition(keys: np.ndarray, positions: np.ndarray) -> list[tuple[int, ...]]:
    """Which accounts each key files together (the keys' values themselves aside)."""
    frame = pd.DataFrame({"key": keys, "pos": positions}).drop_duplicates()
    return sorted(tuple(sorted(g)) for g in frame.groupby("key")["pos"].agg(list))


def _plain_keys(features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    texts, owners = [], []
    for pos, row in enumerate(features[["name_core", "domain", "domain_label", "phone"]]
                              .itertuples(index=False)):  # fmt: skip
        keys = _key_texts(*row)
        texts += keys
        owners += [pos] * len(keys)
    hashed = pd.util.hash_array(np.array(texts, dtype=object), categorize=False).view(np.int64)
    return hashed, np.array(owners, dtype=np.int64)


@pytest.mark.parametrize("batch", [3, 20_000])
def test_hashed_deletion_keys_file_accounts_as_the_spelled_out_keys(monkeypatch, batch):
    monkeypatch.setattr("workbench.audits.dedup_blocking._BATCH", batch)
    n = len(AWKWARD_CORES)
    features = pd.DataFrame({
        "name_core": AWKWARD_CORES,
        "domain": (["acme.com", "acme.com", "", "globex.com"] * n)[:n],
        "domain_label": (["acme", "acme", "", "globex"] * n)[:n],
        "phone": (["555010200", "", "555010200"] * n)[:n],
    })  # fmt: skip
    keys, positions = blocking_keys(features)
    assert _partition(keys, positions) == _partition(*_plain_keys(features))
    plain_keys, _ = _plain_keys(features)
    assert len(keys) == len(plain_keys)  # every key, once per account as spelled out


def test_hashed_keys_on_the_real_features_of_awkward_accounts():
    features = account_features(_awkward_accounts()).frame
    keys, positions = blocking_keys(features)
    assert _partition(keys, positions) == _partition(*_plain_keys(features))


def test_keys_held_once_are_dropped_exactly(monkeypatch):
    rng = np.random.default_rng(5)
    # keys agreeing on every 22-bit slice the rounds look at but one, and plain repeats
    base = rng.integers(0, 2**62, 5_000, dtype=np.int64)
    twins = base[:500] ^ (1 << 60)  # differ only in a high bit: share low buckets
    near = base[500:900] ^ 1  # differ only in the lowest bit
    repeats = base[900:1400]
    keys = np.concatenate([base, twins, near, repeats, base[1400:1410]])
    positions = rng.integers(0, 300, len(keys))
    counts = pd.Series(keys).map(pd.Series(keys).value_counts()).to_numpy()
    expected = sorted(zip(keys[counts > 1].tolist(), positions[counts > 1].tolist(), strict=True))
    monkeypatch.setattr("workbench.audits.dedup_blocking._SMALL", 0)
    kept_keys, kept_positions = _repeated(keys, positions)
    assert sorted(zip(kept_keys.tolist(), kept_positions.tolist(), strict=True)) == expected
    assert len(expected) == 2 * 500 + 20  # the repeats and the ten keys given twice


def test_candidate_pairs_with_the_bucket_rounds_equal_the_plain_blocks(monkeypatch):
    features = pd.DataFrame({"name_core": AWKWARD_CORES * 3, "domain": "", "domain_label": "",
                             "phone": ""})  # fmt: skip
    plain = candidate_pairs(features, 7)
    monkeypatch.setattr("workbench.audits.dedup_blocking._SMALL", 0)
    pd.testing.assert_frame_equal(candidate_pairs(features, 7), plain)
    keys, positions = _plain_keys(features)
    blocks: dict[int, set[int]] = {}
    for key, pos in zip(keys.tolist(), positions.tolist(), strict=True):
        blocks.setdefault(key, set()).add(pos)
    pairs = set()
    for members in map(sorted, blocks.values()):
        if len(members) <= 7:
            pairs |= set(itertools.combinations(members, 2))
        else:
            pairs |= set(itertools.pairwise(members))
    assert set(zip(plain["unique_id_l"], plain["unique_id_r"], strict=True)) == pairs


def test_edit_distance_levels_with_their_cheap_rulings_out_are_the_same():
    rng = np.random.default_rng(3)
    words = ["acme", "acmee", "acem", "cmae", "globex", "glbex", "abcdefgh", "abcdfegh",
             "abdcefhg", "aaaa", "aaab", "baaa", "", "a", "ab", "ba", "robotics", "robtoics",
             "roboticss", "rootics", "xyz", "zyx", "summit", "sumit", "summmit"]  # fmt: skip
    letters = list("abcdefgh")
    words += ["".join(rng.choice(letters, rng.integers(1, 10))) for _ in range(120)]
    pairs = pd.DataFrame(list(itertools.product(words, repeat=2)), columns=["name_l", "name_r"])
    con = duckdb.connect()
    try:
        con.register("pairs", pairs)
        for k in (1, 2):
            condition = _level(_within("name", k), "", 0, 0)["sql_condition"]
            fast, plain = con.execute(
                f"SELECT {condition}, damerau_levenshtein(name_l, name_r) <= {k} FROM pairs"
            ).fetchnumpy().values()
            assert (fast == plain).all()
            assert plain.sum() > len(words)  # the close pairs are there to be found
    finally:
        con.close()


def test_each_distinct_value_reduced_once_equals_reducing_every_value():
    from workbench.audits.dedup_features import _each_distinct, _stripped

    values = ["USA", None, float("nan"), "usa", 1, 1.0, True, "1", b"USA", " Köln ", "USA",
              pd.NA, "", "  ", "U.S.A.", 0, "0"]  # fmt: skip
    for reduce in (country_key, plain, phone_key, _stripped, domain_of):
        assert _each_distinct(values, reduce) == [reduce(v) for v in values]
    unhashable = [["a"], "USA", None]
    assert _each_distinct(unhashable, country_key) == ["", "united states", ""]
    assert _each_distinct([], plain) == []
