"""Accounts and contacts, with planted near-duplicates and gaps for the hygiene audit.

About 3% of accounts are second records of a company already in the CRM (suffix
changed, capitals and punctuation, a typo, the website written another way, words
swapped). Genuinely distinct look-alikes are planted as well -- a European
subsidiary with its own domain, and the many names that share a common word
("Summit Logistics", "Summit Analytics") -- so a duplicate detector that merely
matches words loses precision. The true pairs are returned for the settings.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from workbench.demodata.common import PREFIX, insert, sf_id, stream, weighted
from workbench.demodata.org import Rep
from workbench.demodata.vocab import (
    CONTACT_TITLES,
    COUNTRIES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    LEGAL_SUFFIXES,
    NAME_CORES,
    NAME_STEMS,
    TLD_BY_COUNTRY,
)

SEGMENT_MIX = (("Enterprise", 0.2), ("Mid-Market", 0.35), ("SMB", 0.45))
EMPLOYEES = {"Enterprise": (2_000, 60_000), "Mid-Market": (200, 1_999), "SMB": (10, 199)}
DUPLICATE_SHARE = 0.03
CONTACT_DUPLICATE_SHARE = 0.004

ACCOUNT_COLUMNS = (
    "crm_id",
    "name",
    "website",
    "domain",
    "industry",
    "country",
    "segment",
    "owner_crm_id",
    "employees",
    "annual_revenue",
    "created_at",
    "extra",
)
CONTACT_COLUMNS = (
    "crm_id",
    "account_crm_id",
    "first_name",
    "last_name",
    "email",
    "title",
    "phone",
    "owner_crm_id",
    "created_at",
    "extra",
)


@dataclass
class Account:
    """What the deal generator needs to know about an account."""

    crm_id: str
    name: str
    domain: str
    segment: str
    owner_crm_id: str
    country: str
    contacts: list[str] = field(default_factory=list)
    contact_emails: list[str] = field(default_factory=list)
    contact_names: list[str] = field(default_factory=list)
    duplicate_of: str | None = None


@dataclass
class CompanyBook:
    accounts: list[Account]
    duplicate_accounts: list[list[str]]
    duplicate_contacts: list[list[str]]
    lookalike_accounts: list[list[str]]
    account_rows: int = 0
    contact_rows: int = 0


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("ü", "ue"))


def _website(rng: random.Random, domain: str) -> str:
    return weighted(
        rng,
        (
            (f"https://www.{domain}", 0.55),
            (f"www.{domain}", 0.25),
            (f"http://{domain}", 0.1),
            (domain, 0.1),
        ),
    )  # type: ignore[return-value]


def _variant_name(rng: random.Random, stem: str, core: str, suffix: str | None) -> tuple[str, str]:
    """A second spelling of ``stem core suffix``; returns (name, kind of variation)."""
    kind = rng.choice(("suffix", "case_punct", "typo", "website", "swap", "suffix", "case_punct"))
    if kind == "suffix":
        options = [
            s for s in ("Inc.", "Inc", "LLC", "Corp.", "Corporation", "Ltd.", None) if s != suffix
        ]
        new = rng.choice(options)
        return (f"{stem} {core} {new}" if new else f"{stem} {core}"), kind
    if kind == "case_punct":
        sfx = (suffix or "Inc").replace(".", "")
        return rng.choice(
            (
                f"{stem.upper()} {core}, {sfx}",
                f"{stem} {core.lower()}, {sfx}",
                f"{stem.upper()} {core.upper()}",
            )
        ), kind
    if kind == "typo":
        word = stem
        i = rng.randrange(1, len(word) - 1)
        mutate = rng.choice(("swap", "drop", "double"))
        if mutate == "swap":
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif mutate == "drop":
            word = word[:i] + word[i + 1 :]
        else:
            word = word[:i] + word[i] + word[i:]
        return (f"{word} {core} {suffix}" if suffix else f"{word} {core}"), kind
    if kind == "swap":
        return (f"{core} {stem} {suffix}" if suffix else f"{core} {stem}"), kind
    return (f"{stem} {core} {suffix}" if suffix else f"{stem} {core}"), kind


def build_companies(
    conn: sqlite3.Connection, seed: int, as_of: date, reps: list[Rep], count: int
) -> CompanyBook:
    """Write ``count`` accounts (duplicates included) and their contacts; return the book."""
    rng = stream(seed, "companies")
    crng = stream(seed, "contacts")
    aes = [r for r in reps if r.carries_quota]
    by_segment = {s: [r for r in aes if r.segment == s] for s, _ in SEGMENT_MIX}
    stems = list(NAME_STEMS) + [n for n in LAST_NAMES if n.isascii() and "'" not in n]
    n_duplicates = max(2, round(count * DUPLICATE_SHARE))
    n_base = count - n_duplicates
    taken: set[tuple[str, str]] = set()
    accounts: list[Account] = []
    rows: list[tuple] = []
    parts: dict[str, tuple[str, str, str | None, str]] = {}
    lookalikes: list[list[str]] = []
    number = 0

    def new_id() -> str:
        nonlocal number
        number += 1
        return sf_id(PREFIX["account"], 90_000 + number)

    def row_for(acc: Account, website: str | None, industry: str | None, created: date) -> tuple:
        lo, hi = EMPLOYEES[acc.segment]
        employees = int(lo * (hi / lo) ** rng.random())
        revenue = round(employees * rng.uniform(120_000, 380_000), -4)
        extra = {"Type": "Customer" if rng.random() < 0.25 else "Prospect"}
        return (
            acc.crm_id,
            acc.name,
            website,
            acc.domain if website else None,
            industry,
            acc.country,
            acc.segment,
            acc.owner_crm_id,
            employees if rng.random() > 0.06 else None,
            revenue if rng.random() > 0.12 else None,
            created.isoformat() + "T00:00:00",
            json.dumps(extra),
        )

    attempts = 0
    while len(accounts) < n_base:
        attempts += 1
        stem, core = rng.choice(stems), rng.choice(NAME_CORES)
        if (stem, core) in taken:
            if attempts > n_base * 20:  # very large scale: widen the name space
                stem = f"{stem} {rng.choice(('North', 'West', 'Pacific', 'Atlantic', 'Central'))}"
            if (stem, core) in taken:
                continue
        taken.add((stem, core))
        country = weighted(rng, COUNTRIES)  # type: ignore[assignment]
        suffix = rng.choice(LEGAL_SUFFIXES) if rng.random() < 0.6 else None
        if suffix in ("GmbH", "AG") and country != "Germany":
            suffix = "Inc." if country == "United States" else "Ltd"
        segment = weighted(rng, SEGMENT_MIX)  # type: ignore[assignment]
        domain = f"{_slug(stem)}{_slug(core)}.{TLD_BY_COUNTRY.get(country, 'com')}"
        owner = rng.choice(by_segment[segment])
        name = f"{stem} {core} {suffix}" if suffix else f"{stem} {core}"
        acc = Account(new_id(), name, domain, segment, owner.crm_id, country)
        created = as_of - timedelta(days=rng.randint(200, 2_400))
        website = None if rng.random() < 0.04 else _website(rng, domain)
        industry = None if rng.random() < 0.05 else rng.choice(INDUSTRIES)
        rows.append(row_for(acc, website, industry, created))
        accounts.append(acc)
        parts[acc.crm_id] = (stem, core, suffix, industry or rng.choice(INDUSTRIES))
        # Now and then a distinct European subsidiary: similar name, its own domain.
        if rng.random() < 0.01 and len(accounts) < n_base and segment != "SMB":
            sub_domain = f"{_slug(stem)}-{_slug(core)}.de"
            sub = Account(
                new_id(),
                f"{stem} {core} Europe GmbH",
                sub_domain,
                "Mid-Market",
                rng.choice(by_segment["Mid-Market"]).crm_id,
                "Germany",
            )
            rows.append(row_for(sub, _website(rng, sub_domain), industry, created))
            accounts.append(sub)
            lookalikes.append([acc.crm_id, sub.crm_id])

    duplicate_pairs: list[list[str]] = []
    originals = rng.sample([a for a in accounts if a.crm_id in parts], n_duplicates)
    for original in originals:
        stem, core, suffix, industry = parts[original.crm_id]
        name, kind = _variant_name(rng, stem, core, suffix)
        owner = original.owner_crm_id
        if rng.random() < 0.5:  # a different rep created it: why duplicates hurt
            owner = rng.choice(by_segment[original.segment]).crm_id
        dup = Account(
            new_id(),
            name,
            original.domain,
            original.segment,
            owner,
            original.country,
            duplicate_of=original.crm_id,
        )
        if kind == "website":
            website = rng.choice(
                (
                    f"http://{original.domain}/",
                    f"{original.domain.upper()}",
                    f"https://{original.domain}/home",
                )
            )
        elif rng.random() < 0.2:
            website = None
        else:
            website = _website(rng, original.domain)
        created = as_of - timedelta(days=rng.randint(30, 700))
        rows.append(row_for(dup, website, industry if rng.random() < 0.7 else None, created))
        accounts.append(dup)
        duplicate_pairs.append([original.crm_id, dup.crm_id])

    book = CompanyBook(accounts, duplicate_pairs, [], lookalikes)
    book.account_rows = insert(conn, "accounts", ACCOUNT_COLUMNS, rows)
    book.contact_rows, book.duplicate_contacts = _write_contacts(conn, crng, as_of, accounts)
    return book


def _write_contacts(
    conn: sqlite3.Connection, rng: random.Random, as_of: date, accounts: list[Account]
) -> tuple[int, list[list[str]]]:
    rows: list[tuple] = []
    pairs: list[list[str]] = []
    number = 0
    written = 0
    for acc in accounts:
        mean = {"Enterprise": 6.0, "Mid-Market": 4.0, "SMB": 2.6}[acc.segment]
        n = 1 if acc.duplicate_of else max(1, min(12, round(rng.gauss(mean, 1.5))))
        for _ in range(n):
            number += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            local = f"{_slug(first)}.{_slug(last)}"
            email = None if rng.random() < 0.03 else f"{local}@{acc.domain}"
            crm_id = sf_id(PREFIX["contact"], 300_000 + number)
            created = as_of - timedelta(days=rng.randint(20, 900))
            phone = (
                None
                if rng.random() < 0.3
                else f"+1 {rng.randint(201, 989)} 555 {rng.randint(1000, 9999)}"
            )
            rows.append(
                (
                    crm_id,
                    acc.crm_id,
                    first,
                    last,
                    email,
                    rng.choice(CONTACT_TITLES),
                    phone,
                    acc.owner_crm_id,
                    created.isoformat() + "T00:00:00",
                    None,
                )
            )
            acc.contacts.append(crm_id)
            acc.contact_emails.append(email or "")
            acc.contact_names.append(f"{first} {last}")
            if email and rng.random() < CONTACT_DUPLICATE_SHARE:
                # The same person entered twice: capitals or a +tag in the address.
                number += 1
                dup_id = sf_id(PREFIX["contact"], 300_000 + number)
                dup_email = rng.choice(
                    (
                        email.capitalize(),
                        email.upper(),
                        f"{local}+crm@{acc.domain}",
                        f"{local}+events@{acc.domain}",
                    )
                )
                rows.append(
                    (
                        dup_id,
                        acc.crm_id,
                        first,
                        last,
                        dup_email,
                        None,
                        None,
                        acc.owner_crm_id,
                        (created + timedelta(days=rng.randint(5, 200))).isoformat() + "T00:00:00",
                        None,
                    )
                )
                pairs.append([crm_id, dup_id])
        if len(rows) >= 5_000:
            written += insert(conn, "contacts", CONTACT_COLUMNS, rows)
            rows = []
    written += insert(conn, "contacts", CONTACT_COLUMNS, rows)
    return written, pairs
