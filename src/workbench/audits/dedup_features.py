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
MAX_NAME = 200  # characters of a name compared; longer names are cut (and reported)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _ascii_lower(text: str) -> str:
    if text.isascii():  # nothing to decompose (most names): the same result, faster
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def name_tokens(name: object) -> list[str]:
    """Words of a company name without legal suffixes, abbreviations spelled out."""
    if not isinstance(name, str):
        return []
    text = _ascii_lower(name[: MAX_NAME * 2]).replace("&", " and ").replace("'", "")
    # "L.L.C." -> "llc", "A.B.C." -> "abc": dots inside a word join its letters.
    text = re.sub(r"(?<=\b\w)\.(?=\w\b)", "", text).replace(".", " ")
    tokens = _NON_ALNUM.sub(" ", text).split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    while len(tokens) > 1 and (tokens[-1] in LEGAL_WORDS or tokens[-1] == "and"):
        tokens.pop()
    return [ABBREVIATIONS.get(t, t) for t in tokens]


def domain_of(value: object) -> str:
    """The website's domain (``normalise_domain``), free-mail domains ignored."""
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
    digits = re.sub(r"\D", "", value) if isinstance(value, str) else ""
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
    values = [next((str(d[k]) for k in keys if d.get(k)), None) for d in parsed]
    return pd.Series(values, index=accounts.index, dtype=object)


def _parse_extra(accounts: pd.DataFrame) -> list[dict] | None:
    """The importer's JSON of unmapped columns, parsed once per account."""
    if "extra" not in accounts:
        return None
    out = []
    for raw in accounts["extra"]:
        data = {}
        if isinstance(raw, str) and raw.startswith("{"):
            try:
                data = json.loads(raw)
            except ValueError:
                data = {}
        out.append(data if isinstance(data, dict) else {})
    return out


def account_features(accounts: pd.DataFrame) -> AccountFeatures:
    """Reduce ``accounts`` (crm_id, name and whichever of website, domain, country,
    industry, city, phone, parent and extra it has) for the model."""
    n = len(accounts)
    blank = pd.Series([None] * n, index=accounts.index)
    names = accounts["name"] if "name" in accounts else blank
    tokens = [name_tokens(x) for x in names]
    long_names = int(sum(1 for x in names if isinstance(x, str) and len(x) > MAX_NAME))
    norm = [" ".join(t)[:MAX_NAME] for t in tokens]
    core_tokens = [[w for w in t if w not in GROUP_WORDS] or t for t in tokens]
    core = [" ".join(t)[:MAX_NAME] for t in core_tokens]
    website = accounts["website"] if "website" in accounts else blank
    domain_col = accounts["domain"] if "domain" in accounts else blank
    domains = [domain_of(d) or domain_of(w) for d, w in zip(domain_col, website, strict=True)]
    crm_ids = accounts["crm_id"].astype(str).to_numpy()
    parsed = _parse_extra(accounts)
    frame = pd.DataFrame(
        {
            "unique_id": np.arange(n, dtype=np.int64),
            "crm_id": crm_ids,
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
                lambda v: v.strip() if isinstance(v, str) else ""
            ),
        }
    )
    for column in ("name_norm", "name_core", "name_squash", "initials", "domain", "domain_label", "country",
                   "city", "industry", "phone", "parent"):  # fmt: skip
        frame[column] = frame[column].fillna("").astype(str)
    missing, sparse = [], {}
    for field, label in EVIDENCE_LABELS.items():
        column = "name_norm" if field == "name" else field
        share = float(frame[column].ne("").mean()) if n else 0.0
        if share == 0.0:
            missing.append(label)
        elif share < 0.5:
            sparse[label] = round(share, 3)
    return AccountFeatures(frame, missing, sparse, long_names)
