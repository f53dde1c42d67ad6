"""Generate Salesforce-style exports at scale (1M opportunities) for the benchmarks.

    python bench/gen_scale.py --out bench/out [--opportunities 1000000]
        [--accounts 100000] [--seed 1] [--no-history] [--engagement] [--shuffle]

Writes, in chunks with numpy (memory stays bounded whatever the size):

- ``users.csv``, ``accounts.csv``, ``opportunities.csv`` (the 18 API-name headers a
  Data Loader export of the usual fields has) and ``opportunity_history.csv``;
- ``planted_duplicates.csv`` (id_a,id_b): near-duplicate account pairs, about 2%
  of accounts, varied (legal suffix, capitals and punctuation, a typo, the website
  written another way, words swapped);
- ``planted_lookalikes.csv`` (id_a,id_b): distinct companies that look alike (a
  European subsidiary with its own domain) -- NOT duplicates. Many more look-alikes
  arise naturally because names share common words ("Summit Precision Logistics",
  "Summit Precision Analytics"), each with its own domain;
- with ``--engagement`` also ``scale.engagement``: the same records written straight
  into an engagement (plus history, activities and meetings), with the planted pairs
  in the setting ``demo.planted_duplicate_accounts``, so the audits benchmark can
  run without the importer.

The same seed and sizes give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO / "src"))

from workbench.demodata.vocab import (  # noqa: E402
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    LEAD_SOURCES,
    NAME_CORES,
    NAME_STEMS,
    NEXT_STEPS,
    OPPORTUNITY_TYPES,
    PRODUCTS,
)

AS_OF = np.datetime64("2026-11-16")
CHUNK = 50_000
DUPLICATE_SHARE = 0.02
LOOKALIKE_SHARE = 0.005

OPPORTUNITY_HEADERS = (
    "Id", "Name", "AccountId", "OwnerId", "StageName", "Amount", "CloseDate", "CreatedDate",
    "Probability", "ForecastCategoryName", "NextStep", "LastActivityDate", "IsClosed", "IsWon",
    "Type", "LeadSource", "CurrencyIsoCode", "Champion__c",
)  # fmt: skip
ACCOUNT_HEADERS = (
    "Id", "Name", "Website", "Industry", "BillingCountry", "OwnerId", "NumberOfEmployees",
    "AnnualRevenue", "CreatedDate",
)  # fmt: skip
USER_HEADERS = ("Id", "Name", "Email", "UserRole", "ManagerId", "Team", "Segment", "IsActive")
HISTORY_HEADERS = (
    "OpportunityId", "CreatedDate", "StageName", "Amount", "CloseDate", "Probability",
    "ForecastCategoryName",
)  # fmt: skip

STAGES = np.array([
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
    "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
])  # fmt: skip
PROBABILITY = np.array([10, 10, 20, 50, 60, 75, 90, 100, 0], dtype=float)
CATEGORY = np.array(["Pipeline"] * 4 + ["Best Case"] * 2 + ["Commit", "Closed", "Omitted"])
OPEN_STAGE_WEIGHTS = np.array([0.2, 0.18, 0.16, 0.14, 0.12, 0.11, 0.09])
SEGMENTS = np.array(["Enterprise", "Mid-Market", "SMB"])
SEGMENT_WEIGHTS = np.array([0.2, 0.35, 0.45])
CYCLE_DAYS = np.array([120.0, 85.0, 60.0])
MEDIAN_AMOUNT = np.array([85_000.0, 27_000.0, 8_500.0])
QUALIFIERS = (
    "", "Precision", "Advanced", "Global", "United", "Pacific", "Atlantic", "Northern",
    "Southern", "Western", "Eastern", "Central", "Smart", "Applied", "Integrated", "Modern",
    "First", "Prime", "Allied", "Continental", "National", "Metro", "Coastal", "Mountain",
    "Digital", "Green", "Blue", "Golden", "Royal", "Standard", "General",
)  # fmt: skip
SUFFIXES = ("", "", "Inc.", "LLC", "Ltd", "Corp.", "Group", "Co.")
COUNTRIES = np.array(["United States", "United Kingdom", "Germany", "Canada", "France",
                      "Netherlands", "Australia"])  # fmt: skip
COUNTRY_WEIGHTS = np.array([0.6, 0.12, 0.1, 0.07, 0.05, 0.03, 0.03])
_BASE62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "u1")
_CHECK = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "u1")


# ------------------------------------------------------------------ helpers
def sf_ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """18-char Salesforce ids for ``numbers``, vectorised (checksum included)."""
    n = len(numbers)
    out = np.empty((n, 18), dtype="u1")
    out[:, :3] = np.frombuffer(prefix.encode(), "u1")
    out[:, 3:5] = np.frombuffer(b"5g", "u1")
    rest = numbers.astype(np.int64).copy()
    for pos in range(14, 4, -1):
        rest, digit = np.divmod(rest, 62)
        out[:, pos] = _BASE62[digit]
    upper = (out[:, :15] >= ord("A")) & (out[:, :15] <= ord("Z"))
    weights = 1 << np.arange(5)
    for chunk in range(3):
        bits = (upper[:, chunk * 5 : chunk * 5 + 5] * weights).sum(axis=1)
        out[:, 15 + chunk] = _CHECK[bits]
    return out.view("S18").ravel().astype("U18")


def day_text(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def moment_text(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Salesforce's datetime export form: 2024-03-05T14:22:10.000+0000."""
    stamps = days.astype("datetime64[D]").astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.char.add(np.datetime_as_string(stamps, unit="s"), ".000+0000")


def bool_text(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "true", "false")


def blank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "", values.astype(str))


def chunks(total: int, size: int = CHUNK) -> Iterator[tuple[int, int, int]]:
    for index, start in enumerate(range(0, total, size)):
        yield index, start, min(total, start + size)


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def _write(frame: pd.DataFrame, path: Path, first: bool) -> None:
    frame.to_csv(path, mode="w" if first else "a", header=first, index=False,
                 lineterminator="\n", quoting=csv.QUOTE_MINIMAL)  # fmt: skip


# -------------------------------------------------------------------- users
def make_users(seed: int, count: int) -> pd.DataFrame:
    """AEs in teams of eight under managers, a VP on top; about 4% inactive."""
    rng = rng_for(seed, 1)
    n_managers = max(3, count // 9)  # at least one team per segment
    ids = sf_ids("005", np.arange(count) + 10_000)
    first = np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), count)]
    last = np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), count)]
    names = np.char.add(np.char.add(first, " "), last)
    local = np.char.lower(np.char.add(np.char.add(first, "."), last)).astype(str)
    local = np.array([s.replace("'", "").replace("ü", "ue") for s in local])
    # Namesakes get a number (jane.smith2@...), as mail systems do.
    seen = pd.Series(local).groupby(local).cumcount().to_numpy()
    local = np.where(seen > 0, np.char.add(local, (seen + 1).astype(str)), local)
    emails = np.char.add(local, "@northwindrobotics.com")
    role = np.full(count, "Account Executive", dtype=object)
    role[0] = "VP Sales"
    role[1 : 1 + n_managers] = "Sales Manager"
    team_no = np.zeros(count, dtype=int)
    team_no[1 : 1 + n_managers] = np.arange(n_managers)
    team_no[1 + n_managers :] = np.arange(count - 1 - n_managers) % n_managers
    segment = SEGMENTS[team_no % 3]
    team = np.char.add(np.char.add(segment, " Team "), (team_no + 1).astype(str)).astype(object)
    manager = np.where(role == "Account Executive", ids[1 + team_no], ids[0]).astype(object)
    manager[0] = ""
    team[0] = ""
    seg_out = segment.astype(object)
    seg_out[0] = ""
    active = rng.random(count) > 0.04
    active[: 1 + n_managers] = True
    return pd.DataFrame({
        "Id": ids, "Name": names, "Email": emails, "UserRole": role, "ManagerId": manager,
        "Team": team, "Segment": seg_out, "IsActive": bool_text(active),
    })  # fmt: skip


# ----------------------------------------------------------------- accounts
def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower().replace("ü", "ue") if ch.isalnum())


def _variant(rng: np.random.Generator, stem: str, qual: str, core: str, suffix: str) -> str:
    """Another spelling of the same company (the planted near-duplicate)."""
    words = [w for w in (stem, qual, core) if w]
    kind = int(rng.integers(0, 5))
    if kind == 0:  # legal suffix added, dropped or changed
        choices = [
            s for s in ("", "Inc.", "Inc", "LLC", "Corp.", "Corporation", "Ltd.") if s != suffix
        ]
        new = choices[int(rng.integers(0, len(choices)))]
        return " ".join(words + ([new] if new else []))
    if kind == 1:  # capitals and punctuation
        base = " ".join(words).upper() if rng.random() < 0.5 else " ".join(words).lower()
        return f"{base}, {(suffix or 'Inc').rstrip('.')}"
    if kind == 2:  # a typo in the first word
        word = words[0]
        i = int(rng.integers(1, len(word) - 1))
        words[0] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return " ".join(words + ([suffix] if suffix else []))
    if kind == 3:  # words swapped
        words = [words[-1], *words[:-1]]
        return " ".join(words + ([suffix] if suffix else []))
    return " ".join(words + ([suffix] if suffix else []))  # same name, website written otherwise


def make_accounts(seed: int, count: int, users: pd.DataFrame) -> tuple[pd.DataFrame, list, list]:
    """Accounts with planted duplicate and look-alike pairs, in a shuffled order."""
    rng = rng_for(seed, 2)
    stems = list(NAME_STEMS) + [n for n in LAST_NAMES if n.isascii() and "'" not in n]
    n_dup = max(1, round(count * DUPLICATE_SHARE))
    n_look = max(1, round(count * LOOKALIKE_SHARE))
    n_base = count - n_dup - n_look
    space = len(stems) * len(QUALIFIERS) * len(NAME_CORES)
    picks = rng.permutation(space)[: min(space, n_base)]
    if n_base > space:  # beyond the name space: numbered branches ("Acme Robotics 2")
        picks = np.concatenate([picks, rng.integers(0, space, n_base - space)])
    stem_i, rest = np.divmod(picks, len(QUALIFIERS) * len(NAME_CORES))
    qual_i, core_i = np.divmod(rest, len(NAME_CORES))
    suffix_i = rng.integers(0, len(SUFFIXES), n_base)
    country_i = rng.choice(len(COUNTRIES), n_base, p=COUNTRY_WEIGHTS)
    tld = {"United Kingdom": "co.uk", "Germany": "de", "France": "fr", "Netherlands": "nl",
           "Australia": "com.au", "Canada": "ca"}  # fmt: skip
    names, domains, parts = [], [], []
    for k in range(n_base):
        stem, qual, core = stems[stem_i[k]], QUALIFIERS[qual_i[k]], NAME_CORES[core_i[k]]
        number = f" {k // space + 1}" if k >= space else ""
        suffix = SUFFIXES[suffix_i[k]]
        words = " ".join(w for w in (stem, qual, core) if w) + number
        names.append(f"{words} {suffix}" if suffix else words)
        country = COUNTRIES[country_i[k]]
        domains.append(f"{_slug(stem + qual + core + number)}.{tld.get(country, 'com')}")
        parts.append((stem, qual, core + number, suffix))
    countries = list(COUNTRIES[country_i])
    originals = rng.choice(n_base, n_dup + n_look, replace=False)
    dup_of, look_of = originals[:n_dup], originals[n_dup:]
    for k in dup_of:
        names.append(_variant(rng, *parts[k]))
        domains.append(domains[k])
        countries.append(countries[k])
    for k in look_of:
        stem, qual, core, _ = parts[k]
        words = " ".join(w for w in (stem, qual, core) if w)
        names.append(f"{words} Europe GmbH")
        domains.append(f"{_slug(words)}-eu.de")
        countries.append("Germany")
    total = len(names)
    # Shuffle so duplicates are not all at the end of the export.
    order = rng.permutation(total)  # order[row] = source index
    position = np.empty(total, dtype=np.int64)
    position[order] = np.arange(total)
    ids = sf_ids("001", np.arange(total) + 1_000_000)
    src_names = np.array(names, dtype=object)[order]
    src_domains = np.array(domains, dtype=object)[order]
    forms = rng.integers(0, 4, total)
    website = np.array([("https://www.{}", "www.{}", "http://{}", "{}")[f].format(d)
                        for f, d in zip(forms, src_domains, strict=True)], dtype=object)  # fmt: skip
    dup_rows = position[n_base : n_base + n_dup]
    # A duplicate's website is the same domain written another way.
    variants = ("HTTP://WWW.{}/", "https://{}/about", "www.{}/", "https://www.{}", "{}")
    website[dup_rows] = [variants[i % len(variants)].format(d.upper() if i % 5 == 0 else d)
                         for i, d in enumerate(src_domains[dup_rows])]  # fmt: skip
    website[rng.random(total) < 0.04] = ""
    segment_i = rng.choice(3, total, p=SEGMENT_WEIGHTS)
    aes = users[users["UserRole"] == "Account Executive"]
    owner = np.empty(total, dtype=object)
    for s, seg in enumerate(SEGMENTS):
        pool = aes["Id"][aes["Segment"] == seg].to_numpy()
        mask = segment_i == s
        owner[mask] = pool[rng.integers(0, len(pool), mask.sum())]
    lo = np.array([2_000, 200, 10])[segment_i]
    employees = np.round(lo * np.exp(rng.random(total) * 3)).astype(np.int64)
    revenue = np.round(employees * rng.uniform(1e5, 4e5, total), -4)
    industry = np.array(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), total)].astype(object)
    industry[rng.random(total) < 0.05] = ""
    # A duplicate is the same company typed again: it keeps the original's industry.
    industry[position[n_base : n_base + n_dup]] = industry[position[dup_of]]
    created = AS_OF - rng.integers(200, 2_400, total)
    frame = pd.DataFrame({
        "Id": ids, "Name": src_names, "Website": website, "Industry": industry,
        "BillingCountry": np.array(countries, dtype=object)[order], "OwnerId": owner,
        "NumberOfEmployees": employees, "AnnualRevenue": np.where(rng.random(total) < 0.1, np.nan, revenue),
        "CreatedDate": moment_text(created, rng.integers(8 * 3600, 18 * 3600, total)),
    })  # fmt: skip
    frame["_domain"] = src_domains
    frame["_segment"] = SEGMENTS[segment_i]
    dup_pairs = [[ids[position[k]], ids[position[n_base + j]]] for j, k in enumerate(dup_of)]
    look_pairs = [
        [ids[position[k]], ids[position[n_base + n_dup + j]]] for j, k in enumerate(look_of)
    ]
    return frame, dup_pairs, look_pairs


# ------------------------------------------------------------ opportunities
def make_opportunity_chunk(
    seed: int,
    index: int,
    start: int,
    stop: int,
    accounts: pd.DataFrame,
    ae_ids: np.ndarray,
    order: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """One chunk of opportunities as arrays (ids are sequential across chunks, or
    taken from ``order``, a permutation of the row numbers, when shuffled)."""
    rng = rng_for(seed, 3, index)
    n = stop - start
    acct = rng.integers(0, len(accounts), n)
    seg = pd.Index(SEGMENTS).get_indexer(accounts["_segment"].to_numpy()[acct])
    owner = accounts["OwnerId"].to_numpy()[acct].copy()
    moved = rng.random(n) < 0.1
    owner[moved] = ae_ids[rng.integers(0, len(ae_ids), moved.sum())]
    cycle = np.maximum(10, CYCLE_DAYS[seg] * np.exp(rng.normal(0, 0.3, n))).astype(np.int64)
    closed = rng.random(n) < 0.85
    won = closed & (rng.random(n) < 0.31)
    close = np.where(closed, AS_OF - rng.integers(1, 640, n), AS_OF)
    age = rng.integers(1, cycle + 1)
    created = np.where(closed, close - cycle, AS_OF - age)
    stale = ~closed & (rng.random(n) < 0.12)
    close = np.where(
        closed, close, np.where(stale, AS_OF - rng.integers(1, 90, n), created + cycle + 5)
    )
    stage_i = np.where(won, 7, np.where(closed, 8, rng.choice(7, n, p=OPEN_STAGE_WEIGHTS)))
    amount = np.round(MEDIAN_AMOUNT[seg] * np.exp(rng.normal(0, 0.55, n)), -2)
    amount_out = np.where(rng.random(n) < 0.01, np.nan, amount)
    last_activity = np.minimum(close, AS_OF) - rng.integers(0, 40, n)
    last_activity = np.maximum(last_activity, created)
    numbers = np.arange(start, stop) if order is None else order[start:stop]
    ids = sf_ids("006", numbers + 5_000_000)
    names = np.char.add(np.char.add(accounts["Name"].to_numpy()[acct].astype(str), " - "),
                        np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), n)])  # fmt: skip
    champion = np.char.add(np.char.add(np.array(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)], " "),
                           np.array(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)])  # fmt: skip
    return {
        "Id": ids, "Name": names, "AccountId": accounts["Id"].to_numpy()[acct], "OwnerId": owner,
        "StageName": STAGES[stage_i], "Amount": amount_out, "amount": amount,
        "CloseDate": day_text(close), "close": close,
        "CreatedDate": moment_text(created, rng.integers(8 * 3600, 18 * 3600, n)),
        "created": created, "Probability": PROBABILITY[stage_i],
        "ForecastCategoryName": CATEGORY[stage_i],
        "NextStep": blank(np.array(NEXT_STEPS)[rng.integers(0, len(NEXT_STEPS), n)], rng.random(n) < 0.28),
        "LastActivityDate": blank(day_text(last_activity), rng.random(n) < 0.05),
        "last_activity": last_activity, "IsClosed": bool_text(closed), "IsWon": bool_text(won),
        "closed": closed, "won": won, "stage_i": stage_i, "cycle": cycle,
        "Type": np.array(OPPORTUNITY_TYPES)[rng.choice(3, n, p=[0.6, 0.25, 0.15])],
        "LeadSource": blank(np.array(LEAD_SOURCES)[rng.integers(0, len(LEAD_SOURCES), n)], rng.random(n) < 0.05),
        "CurrencyIsoCode": np.full(n, "USD"),
        "Champion__c": blank(champion, rng.random(n) < 0.45),
        "pushed": rng.random(n) < np.where(won, 0.2, 0.5),
    }  # fmt: skip


def history_rows(chunk: dict[str, np.ndarray], seed: int, index: int) -> pd.DataFrame:
    """Three snapshots per opportunity: creation, a mid-cycle move, the latest state."""
    rng = rng_for(seed, 4, index)
    n = len(chunk["Id"])
    created, close, stage_i = chunk["created"], chunk["close"], chunk["stage_i"]
    pushed = chunk["pushed"]
    first_close = np.where(pushed, close - rng.integers(14, 60, n), close)
    first_close = np.maximum(first_close, created + 7)
    end = np.where(chunk["closed"], close, np.minimum(AS_OF, np.maximum(created + 1, close)))
    mid = created + np.maximum(1, (end - created) // 2)
    mid_stage = np.where(stage_i >= 7, rng.integers(1, 7, n), np.maximum(0, stage_i - 1))
    amount0 = np.round(chunk["amount"] * np.where(rng.random(n) < 0.2, 1.25, 1.0), -2)
    frames = []
    for when, stage, amount, close_day in (
        (created, np.zeros(n, dtype=int), amount0, first_close),
        (mid, mid_stage, amount0, np.where(pushed, close, first_close)),
        (end, stage_i, chunk["amount"], close),
    ):
        frames.append(pd.DataFrame({
            "OpportunityId": chunk["Id"],
            "CreatedDate": moment_text(when, rng.integers(9 * 3600, 17 * 3600, n)),
            "StageName": STAGES[stage], "Amount": amount, "CloseDate": day_text(close_day),
            "Probability": PROBABILITY[stage], "ForecastCategoryName": CATEGORY[stage],
        }))  # fmt: skip
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------- engagement
class EngagementWriter:
    """Writes the same records straight into ``scale.engagement`` in chunks."""

    def __init__(
        self, path: Path, activities_per_opportunity: float, meetings_per_opportunity: float
    ):
        from workbench.models import Engagement, EngagementMeta

        path.unlink(missing_ok=True)
        self.eng = Engagement.create(path, EngagementMeta(
            customer="Northwind Robotics (scale)", engagement_type="dedicated",
            fiscal_year_start_month=2, jurisdictions=["US-CA", "GB", "DE"],
        ))  # fmt: skip
        self.activities = activities_per_opportunity
        self.meetings = meetings_per_opportunity
        self.counts: dict[str, int] = {}
        # Bulk load: no fsync per chunk, a big page cache, and the secondary indexes
        # built once at the end (sorting once beats landing 10M rows at random places
        # in each index; 2M activities took 20 minutes that way). Same rows, same file.
        conn = self.eng.conn
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -400000")
        self.indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('accounts', 'opportunities', 'opportunity_history', "
            "'activities', 'meetings')"
        ).fetchall()
        for name, _ in self.indexes:
            conn.execute(f"DROP INDEX {name}")

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        marks = ", ".join("?" for _ in columns)
        with self.eng.atomic() as conn:
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def users(self, users: pd.DataFrame) -> None:
        self._insert("users", ("crm_id", "name", "email", "role", "manager_crm_id", "team",
                               "segment", "is_active"),
                     list(zip(users["Id"], users["Name"], users["Email"], users["UserRole"],
                              users["ManagerId"].replace("", None), users["Team"],
                              users["Segment"], (users["IsActive"] == "true").astype(int),
                              strict=True)))  # fmt: skip

    def accounts(self, accounts: pd.DataFrame) -> None:
        for _, start, stop in chunks(len(accounts)):
            part = accounts.iloc[start:stop]
            self._insert("accounts", ("crm_id", "name", "website", "domain", "industry", "country",
                                      "segment", "owner_crm_id", "employees", "annual_revenue",
                                      "created_at"),
                         list(zip(part["Id"], part["Name"], part["Website"].replace("", None),
                                  part["_domain"].where(part["Website"] != "", None),
                                  part["Industry"].replace("", None), part["BillingCountry"],
                                  part["_segment"], part["OwnerId"],
                                  part["NumberOfEmployees"].tolist(),
                                  part["AnnualRevenue"].astype(object).where(part["AnnualRevenue"].notna(), None),
                                  part["CreatedDate"].str.slice(0, 19), strict=True)))  # fmt: skip

    def opportunities(
        self, chunk: dict[str, np.ndarray], history: pd.DataFrame, seed: int, index: int
    ) -> None:
        def none(values: np.ndarray) -> list:
            return [v if v != "" else None for v in values.tolist()]

        amount = [None if a != a else a for a in chunk["Amount"].tolist()]
        self._insert("opportunities", (
            "crm_id", "name", "account_crm_id", "owner_crm_id", "stage", "amount", "currency",
            "close_date", "created_date", "probability", "forecast_category", "next_step",
            "last_activity_date", "is_closed", "is_won", "type", "lead_source", "extra"),
            list(zip(chunk["Id"].tolist(), chunk["Name"].tolist(), chunk["AccountId"].tolist(),
                     chunk["OwnerId"].tolist(), chunk["StageName"].tolist(), amount,
                     chunk["CurrencyIsoCode"].tolist(), chunk["CloseDate"].tolist(),
                     [c[:10] for c in chunk["CreatedDate"].tolist()], chunk["Probability"].tolist(),
                     chunk["ForecastCategoryName"].tolist(), none(chunk["NextStep"]),
                     none(chunk["LastActivityDate"]), chunk["closed"].astype(int).tolist(),
                     chunk["won"].astype(int).tolist(), chunk["Type"].tolist(),
                     none(chunk["LeadSource"]),
                     [json.dumps({"Champion__c": c or None})
                      for c in chunk["Champion__c"].tolist()], strict=True)))  # fmt: skip
        n = len(chunk["Id"])
        # The engagement stores changes (NULL = not part of the change): the creation
        # row is complete, later rows carry what moved.
        keep_close = np.concatenate([np.ones(n, bool), chunk["pushed"], np.ones(n, bool)])
        self._insert("opportunity_history", (
            "opportunity_crm_id", "changed_at", "stage", "amount", "close_date", "probability",
            "forecast_category"),
            list(zip(history["OpportunityId"].tolist(), history["CreatedDate"].str.slice(0, 19).tolist(),
                     history["StageName"].tolist(), history["Amount"].tolist(),
                     np.where(keep_close, history["CloseDate"], None).tolist(),
                     history["Probability"].tolist(), history["ForecastCategoryName"].tolist(),
                     strict=True)))  # fmt: skip
        self._activities(chunk, seed, index)

    def _activities(self, chunk: dict[str, np.ndarray], seed: int, index: int) -> None:
        rng = rng_for(seed, 5, index)
        n = len(chunk["Id"])
        per = rng.poisson(self.activities, n)
        opp = np.repeat(np.arange(n), per)
        m = len(opp)
        span = np.maximum(1, chunk["last_activity"][opp] - chunk["created"][opp])
        day = chunk["created"][opp] + (rng.random(m) * span).astype(np.int64)
        kinds = np.array(["email", "call", "event", "task"])[
            rng.choice(4, m, p=[0.4, 0.2, 0.2, 0.2])
        ]
        base = index * CHUNK * 20
        ids = sf_ids("00T", np.arange(m) + base + 9_000_000)
        self._insert("activities", ("crm_id", "kind", "owner_crm_id", "account_crm_id",
                                    "opportunity_crm_id", "activity_date"),
                     list(zip(ids.tolist(), kinds.tolist(), chunk["OwnerId"][opp].tolist(),
                              chunk["AccountId"][opp].tolist(), chunk["Id"][opp].tolist(),
                              day_text(day).tolist(), strict=True)))  # fmt: skip
        recent = (day >= AS_OF - 91) & np.isin(kinds, ("call", "event"))
        take = recent & (rng.random(m) < min(1.0, self.meetings * 4))
        k = int(take.sum())
        if not k:
            return
        channel = np.where(kinds[take] == "call", "phone",
                           np.array(["zoom", "teams", "meet"])[rng.choice(3, k, p=[0.55, 0.3, 0.15])])  # fmt: skip
        rate = pd.Series(channel).map({"zoom": 0.93, "teams": 0.78, "meet": 0.88, "phone": 0.65})
        recorded = rng.random(k) < rate.to_numpy()
        self._insert("meetings", ("crm_id", "kind", "channel", "is_external", "started_at",
                                  "duration_min", "is_recorded", "host_crm_id", "account_crm_id",
                                  "opportunity_crm_id"),
                     list(zip([f"M-{index:04d}-{i:07d}" for i in range(k)],
                              np.where(channel == "phone", "call", "meeting").tolist(),
                              channel.tolist(), [1] * k,
                              np.char.add(day_text(day[take]), "T16:00:00").tolist(),
                              rng.choice([15.0, 30.0, 45.0, 60.0], k).tolist(),
                              recorded.astype(int).tolist(), chunk["OwnerId"][opp][take].tolist(),
                              chunk["AccountId"][opp][take].tolist(),
                              chunk["Id"][opp][take].tolist(), strict=True)))  # fmt: skip

    def finish(self, duplicates: list, lookalikes: list) -> None:
        with self.eng.atomic() as conn:
            for _, sql in self.indexes:
                conn.execute(sql)
        self.eng.set_setting("as_of_date", str(AS_OF))
        self.eng.set_setting("demo.planted_duplicate_accounts", duplicates)
        self.eng.set_setting("demo.lookalike_accounts", lookalikes)
        self.eng.close()


# --------------------------------------------------------------------- main
def generate(
    out: Path,
    *,
    opportunities: int = 1_000_000,
    accounts: int = 100_000,
    users: int | None = None,
    seed: int = 1,
    history: bool = True,
    engagement: bool = False,
    activities_per_opportunity: float = 2.0,
    meetings_per_opportunity: float = 0.1,
    shuffle: bool = False,
    log=print,
) -> dict:
    """Write the scale data set into ``out``; return file paths, counts and timings."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    n_users = users or max(20, min(2_000, opportunities // 2_500))
    user_frame = make_users(seed, n_users)
    account_frame, duplicates, lookalikes = make_accounts(seed, accounts, user_frame)
    _write(user_frame, out / "users.csv", True)
    _write(account_frame[list(ACCOUNT_HEADERS)], out / "accounts.csv", True)
    pd.DataFrame(duplicates, columns=["id_a", "id_b"]).to_csv(
        out / "planted_duplicates.csv", index=False, lineterminator="\n"
    )
    pd.DataFrame(lookalikes, columns=["id_a", "id_b"]).to_csv(
        out / "planted_lookalikes.csv", index=False, lineterminator="\n"
    )
    writer = None
    if engagement:
        writer = EngagementWriter(
            out / "scale.engagement", activities_per_opportunity, meetings_per_opportunity
        )
        writer.users(user_frame)
        writer.accounts(account_frame)
    ae_ids = user_frame["Id"][user_frame["UserRole"] == "Account Executive"].to_numpy()
    # Shuffled: the ids come in random order too, as in a report sorted by something
    # else (account, owner and close date are random already), so no indexed column
    # of the import arrives sorted.
    order = rng_for(seed, 9).permutation(opportunities) if shuffle else None
    for index, start, stop in chunks(opportunities):
        chunk = make_opportunity_chunk(seed, index, start, stop, account_frame, ae_ids, order)
        frame = pd.DataFrame({h: chunk[h] for h in OPPORTUNITY_HEADERS})
        _write(frame, out / "opportunities.csv", index == 0)
        changes = history_rows(chunk, seed, index) if history or writer is not None else None
        if history:
            _write(changes, out / "opportunity_history.csv", index == 0)
        if writer is not None:
            writer.opportunities(chunk, changes, seed, index)
        log(f"  {stop:,} / {opportunities:,} opportunities ({time.perf_counter() - started:.1f} s)")
    result = {
        "out": str(out), "seconds": round(time.perf_counter() - started, 2),
        "users": n_users, "accounts": accounts, "opportunities": opportunities,
        "history_rows": 3 * opportunities if history else 0,
        "planted_duplicates": len(duplicates), "planted_lookalikes": len(lookalikes),
    }  # fmt: skip
    if writer is not None:
        writer.finish(duplicates, lookalikes)
        result["engagement"] = str(out / "scale.engagement")
        result["engagement_rows"] = writer.counts
        result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--opportunities", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=None, help="default: opportunities / 2,500")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-history", action="store_true", help="skip opportunity_history.csv")
    parser.add_argument("--engagement", action="store_true", help="also write scale.engagement")
    parser.add_argument("--activities-per-opportunity", type=float, default=2.0)
    parser.add_argument(
        "--shuffle",
        action="store_true",
        help="opportunity ids in random order (no indexed column arrives sorted)",
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.opportunities < 1 or args.accounts < 100:
        parser.error("need at least 1 opportunity and 100 accounts")
    result = generate(
        args.out, opportunities=args.opportunities, accounts=args.accounts, users=args.users,
        seed=args.seed, history=not args.no_history, engagement=args.engagement,
        activities_per_opportunity=args.activities_per_opportunity, shuffle=args.shuffle,
        log=(lambda *_: None) if args.quiet else print,
    )  # fmt: skip
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
