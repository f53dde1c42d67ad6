"""What each account brings to the duplicate model: its fields reduced for comparison.

Every field the export has is reduced to a comparable form: the name after
normalising (accents, case, punctuation, legal suffixes, "The", common abbreviations
of industry words such as Tech, Mfg, Intl spelled out), the name's *core* (also
without group words such as Group, Holdings, International), the website's domain and
its label (``acme`` for acme.com, acme.net, acme.co.uk, uk.acme.com), the billing
country (aliases such as USA folded), city, industry, the phone's last nine digits and
the parent account. ``missing_evidence`` says which of them the export lacks.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.audits.dedup import FREE_MAIL_DOMAINS, normalise_domain

LEGAL_WORDS = frozenset(
    "inc incorporated llc lllp llp lp ltd limited gmbh mbh ag kg kgaa sa sas sarl srl spa "
    "corp corporation co company plc bv nv oy oyj ab as asa aps pty pte sl slu se kk "
    "sdn bhd pvt".split()
)
GROUP_WORDS = frozenset("group grp holdings holding hldgs international intl worldwide".split())
ABBREVIATIONS = {
    "tech": "technologies", "technology": "technologies", "mfg": "manufacturing",
    "labs": "laboratories", "lab": "laboratories", "sys": "systems", "solns": "solutions",
    "soln": "solutions", "svcs": "services", "svc": "services", "inds": "industries",
    "ind": "industries", "dist": "distribution", "pharma": "pharmaceuticals",
    "comms": "communications", "comm": "communications", "eng": "engineering",
    "engg": "engineering", "mgmt": "management", "assoc": "associates", "intl": "international",
    "natl": "national", "grp": "group", "hldgs": "holdings", "bros": "brothers",
    "ctr": "center", "centre": "center", "mfrs": "manufacturers", "med": "medical",
}  # fmt: skip
COUNTRY_ALIASES = {
    "usa": "united states", "us": "united states", "u s": "united states",
    "u s a": "united states", "united states of america": "united states", "america": "united states",
    "uk": "united kingdom", "u k": "united kingdom", "great britain": "united kingdom",
    "gb": "united kingdom", "england": "united kingdom", "deutschland": "germany",
    "de": "germany", "the netherlands": "netherlands", "holland": "netherlands", "nl": "netherlands",
    "ca": "canada", "fr": "france", "au": "australia",
}  # fmt: skip
SECOND_LEVEL = frozenset("co com org net gov ac edu ne or".split())
# Extra columns (kept by the importer under their export header) read as evidence.
EXTRA_KEYS = {
    "city": ("BillingCity", "Billing City", "City", "city", "ShippingCity", "Shipping City"),
    "phone": ("Phone", "Phone Number", "phone", "Company Phone"),
    "parent": ("ParentId", "Parent Account ID", "Parent Account", "Parent Company", "parent_id"),
}
EVIDENCE_LABELS = {
    "name": "account name", "domain": "website", "country": "billing country",
    "city": "billing city", "industry": "industry", "phone": "phone", "parent": "parent account",
}  # fmt: skip
_ABBREVIATED = frozenset(ABBREVIATIONS)
MAX_NAME = 200  # characters of a name compared; longer names are cut (and reported)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_ALNUM_LINES = re.compile(r"[^0-9a-z\n]+")
_DOT_IN_WORD = re.compile(r"(?<=\b\w)\.(?=\w\b)")  # "L.L.C." -> "llc"
_NON_DIGIT = re.compile(r"\D")
_BARE_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_WWW = re.compile(r"^www\d*\.")  # as normalise_domain drops it


def _ascii_lower(text: str) -> str:
    return _unaccented(text).lower()


def _unaccented(text: str) -> str:
    if text.isascii():  # nothing to decompose (most names): the same result, faster
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def name_tokens(name: object) -> list[str]:
    """Words of a company name without legal suffixes, abbreviations spelled out."""
    if not isinstance(name, str):
        return []
    text = _ascii_lower(name[: MAX_NAME * 2]).replace("&", " and ").replace("'", "")
    # "L.L.C." -> "llc", "A.B.C." -> "abc": dots inside a word join its letters.
    text = _DOT_IN_WORD.sub("", text).replace(".", " ")
    return _words_kept(_NON_ALNUM.sub(" ", text).split())


def _words_kept(tokens: list[str]) -> list[str]:
    """Without a leading "the" and trailing legal words, abbreviations spelled out."""
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    while len(tokens) > 1 and (tokens[-1] in LEGAL_WORDS or tokens[-1] == "and"):
        tokens.pop()
    if _ABBREVIATED.isdisjoint(tokens):
        return tokens
    return [ABBREVIATIONS.get(t, t) for t in tokens]


def names_tokens(names: list) -> list[list[str]]:
    """``[name_tokens(x) for x in names]``, the text steps done once on all the names
    joined by line breaks (a name's own line breaks made spaces first, which every step
    treats alike: neither a letter nor a word character): ten times faster."""
    out: list[list[str]] = [[] for _ in names]
    texts = [i for i, x in enumerate(names) if isinstance(x, str)]
    if not texts:
        return out
    # Lower case after joining: the same letters (only a Greek final sigma depends on
    # what follows it, and both sigmas are alike to every step after).
    text = "\n".join(_unaccented(names[i][: MAX_NAME * 2].replace("\n", " ")) for i in texts)
    text = text.lower().replace("&", " and ").replace("'", "")
    text = _NON_ALNUM_LINES.sub(" ", _DOT_IN_WORD.sub("", text).replace(".", " "))
    lines = text.split("\n")
    if len(lines) != len(texts):  # cannot happen (no step makes or drops a line break)
        return [name_tokens(x) for x in names]
    for i, line in zip(texts, lines, strict=True):
        out[i] = _words_kept(line.split())
    return out


def domain_of(value: object) -> str:
    """The website's domain (``normalise_domain``), free-mail domains ignored."""
    if isinstance(value, str) and _BARE_DOMAIN.fullmatch(value):
        # Already a bare domain in lower case (most values of a domain column): of
        # normalise_domain's steps only dropping "www." can change it.
        domain = _WWW.sub("", value) if value.startswith("www") else value
        domain = domain if "." in domain else ""
        return "" if domain in FREE_MAIL_DOMAINS else domain
    domain = normalise_domain(value)
    return "" if domain in FREE_MAIL_DOMAINS else domain


def domain_label(domain: str) -> str:
    """The organisation's label of a domain: acme for acme.com, acme.co.uk, uk.acme.com."""
    if not domain:
        return ""
    parts = domain.split(".")
    if len(parts) >= 3 and parts[-2] in SECOND_LEVEL and len(parts[-1]) == 2:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else parts[0]


def country_key(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = _NON_ALNUM.sub(" ", _ascii_lower(value)).strip()
    return COUNTRY_ALIASES.get(text, text)


def plain(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return _NON_ALNUM.sub(" ", _ascii_lower(value)).strip()


def phone_key(value: object) -> str:
    digits = _NON_DIGIT.sub("", value) if isinstance(value, str) else ""
    return digits[-9:] if len(digits) >= 7 else ""


@dataclass
class AccountFeatures:
    """The reduced fields (one row per account, ``unique_id`` its position)."""

    frame: pd.DataFrame
    missing: list[str]  # evidence labels with no value at all
    sparse: dict[str, float]  # evidence label -> share of accounts that have it (< 50%)
    long_names: int  # names cut to MAX_NAME characters


def _extra_values(accounts: pd.DataFrame, field: str, parsed: list[dict] | None) -> pd.Series:
    if field in accounts:
        return accounts[field]
    if parsed is None:
        return pd.Series([None] * len(accounts), index=accounts.index)
    keys = EXTRA_KEYS[field]
    values = [next((str(d[k]) for k in keys if d.get(k)), None) if d else None for d in parsed]
    return pd.Series(values, index=accounts.index, dtype=object)


def _parse_extra(accounts: pd.DataFrame) -> list[dict] | None:
    """The importer's JSON of unmapped columns, parsed once per account."""
    if "extra" not in accounts:
        return None
    return [_parsed(raw) if isinstance(raw, str) and raw.startswith("{") else {}
            for raw in accounts["extra"].tolist()]  # fmt: skip


def _parsed(raw: str) -> dict:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _each_distinct(values, reduce) -> list[str]:
    """``reduce`` of each value, worked out once per distinct value (every reduction
    here makes "" of any value that is not text, so values missing alike are one)."""
    try:
        codes, distinct = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError:  # unhashable values: one by one
        pass
    else:
        reduced = np.array([reduce(v) for v in distinct.tolist()] + [reduce(None)], dtype=object)
        return reduced[codes].tolist()
    done: dict = {}
    out = []
    for value in values:
        try:
            result = done[value]
        except KeyError:
            result = done[value] = reduce(value)
        except TypeError:  # unhashable
            result = reduce(value)
        out.append(result)
    return out


def _stripped(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def account_features(accounts: pd.DataFrame) -> AccountFeatures:
    """Reduce ``accounts`` (crm_id, name and whichever of website, domain, country,
    industry, city, phone, parent and extra it has) for the model."""
    n = len(accounts)
    blank = [None] * n
    names = accounts["name"].tolist() if "name" in accounts else blank
    long_names = int(sum(1 for x in names if isinstance(x, str) and len(x) > MAX_NAME))
    norm, core, squash, words, initials = [], [], [], [], []
    for tokens in names_tokens(names):
        text = " ".join(tokens)
        norm.append(text[:MAX_NAME])
        if GROUP_WORDS.isdisjoint(tokens):
            core_tokens = tokens
        else:
            core_tokens = [w for w in tokens if w not in GROUP_WORDS] or tokens
            text = " ".join(core_tokens)
        text = text[:MAX_NAME]
        core.append(text)
        squash.append(text.replace(" ", ""))
        words.append(sorted(set(core_tokens))[:12])
        initials.append("".join([w[0] for w in tokens]) if len(tokens) >= 2 else "")
    website = accounts["website"].tolist() if "website" in accounts else blank
    domain_col = accounts["domain"].tolist() if "domain" in accounts else blank
    domains = _each_distinct(domain_col, domain_of)
    missing_domains = [i for i, d in enumerate(domains) if not d]
    for i, found in zip(missing_domains, _each_distinct([website[i] for i in missing_domains],
                                                        domain_of), strict=True):  # fmt: skip
        domains[i] = found
    crm_ids = accounts["crm_id"].astype(str).to_numpy()
    parsed = _parse_extra(accounts)

    def column(name: str, reduce) -> list[str]:
        values = accounts[name].tolist() if name in accounts else blank
        return _each_distinct(values, reduce)

    def extra(name: str, reduce) -> list[str]:
        return _each_distinct(_extra_values(accounts, name, parsed).tolist(), reduce)

    frame = pd.DataFrame(
        {
            "unique_id": np.arange(n, dtype=np.int64),
            "crm_id": crm_ids,
            "name_norm": norm,
            "name_core": core,
            "name_squash": squash,
            "words": words,
            "initials": initials,
            "domain": domains,
            "domain_label": _each_distinct(domains, domain_label),
            "country": column("country", country_key),
            "city": extra("city", plain),
            "industry": column("industry", plain),
            "phone": extra("phone", phone_key),
            "parent": extra("parent", _stripped),
        }
    )
    missing, sparse = [], {}
    for field, label in EVIDENCE_LABELS.items():
        column_name = "name_norm" if field == "name" else field
        share = float(frame[column_name].ne("").mean()) if n else 0.0
        if share == 0.0:
            missing.append(label)
        elif share < 0.5:
            sparse[label] = round(share, 3)
    return AccountFeatures(frame, missing, sparse, long_names)
