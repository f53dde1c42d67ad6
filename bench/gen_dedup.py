"""Accounts shaped like a real CRM's, with hard duplicates and hard look-alikes planted.

    python bench/gen_dedup.py --out bench/out [--accounts 100000] [--seed 1] [--engagement]

The demo and ``gen_scale.py`` plant duplicates by their own simple rules; a real CRM is
harder. This generator writes ``crm_accounts.csv`` (Salesforce API headers: ``Id``,
``Name``, ``Website``, ``Industry``, ``BillingCity``, ``BillingCountry``, ``Phone``,
``ParentId``, ``OwnerId``, ``CreatedDate``) and ``dedup_truth.csv`` (``id_a``, ``id_b``,
``same`` 1/0, ``kind``) with every planted pair:

Hard positives (``same`` = 1), each a second (sometimes third) record of one company,
with one to three name changes at once (legal suffix added/changed/dropped, capitals,
punctuation, a word split in two, an industry word abbreviated, a typing slip) and the
other fields as a second rep would type them: the website the same (written another
way), missing, on ``.net`` instead of ``.com``, a regional site, or another domain
altogether; the country the same or blank (sometimes "USA" for "United States"); the
city, industry and phone the same, blank or different now and then.

Hard negatives (``same`` = 0), distinct companies that look alike:

- ``near-name``: a name one letter away ("Inwell L.L.C." / "Inuwell Incorporated"),
  another country, industry and domain;
- ``division``: divisions of a group on the parent's domain ("Wesanvista Motors",
  "Wesanvista Foods Ltd"), each its own industry, the parent id filled in;
- ``group``: a group and its subsidiary, identical after dropping legal and group words
  ("Monurnet Ltd", United Kingdom / "Monurnet Group Limited", another country and
  domain).

Names are invented words ("Wesanvista") plus an industry word, so natural one-letter
collisions between unrelated companies also occur, as in a real CRM; those are not in
the truth file and are, correctly, different companies. Same seed, same files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

ONSETS = ("b c d f g h k l m n p r s t v w z br cl dr fl gr kr pl pr st tr v").split()
VOWELS = ("a e i o u a e o ia ou ea").split()
CODAS = ("", "", "n", "r", "l", "s", "m", "x", "nt", "rn", "ll", "st")
ENDINGS = ("vista", "net", "well", "ora", "ix", "ant", "on", "ex", "is", "ium", "ico", "ara",
           "ton", "ford", "dale", "tek", "gen", "core", "ly", "io")  # fmt: skip

# industry word in the name -> the Industry picklist value
CORES = {
    "Robotics": "Manufacturing", "Logistics": "Logistics", "Analytics": "Technology",
    "Manufacturing": "Manufacturing", "Systems": "Technology", "Health": "Healthcare",
    "Foods": "Consumer Goods", "Energy": "Energy", "Laboratories": "Life Sciences",
    "Networks": "Telecommunications", "Software": "Technology", "Industries": "Manufacturing",
    "Freight": "Logistics", "Medical": "Healthcare", "Capital": "Financial Services",
    "Motors": "Automotive", "Aerospace": "Aerospace", "Pharmaceuticals": "Life Sciences",
    "Technologies": "Technology", "Solutions": "Technology", "Services": "Financial Services",
    "Communications": "Telecommunications", "Construction": "Construction",
    "Engineering": "Construction", "Media": "Media", "Retail": "Retail",
    "Insurance": "Financial Services", "Distribution": "Logistics", "Education": "Education",
    "Chemicals": "Manufacturing", "Management": "Financial Services", "Associates": "Media",
}  # fmt: skip
ABBREVIATIONS = {
    "Technologies": "Tech", "Manufacturing": "Mfg", "Laboratories": "Labs", "Systems": "Sys",
    "Solutions": "Solns", "Services": "Svcs", "Industries": "Inds", "Distribution": "Dist",
    "Pharmaceuticals": "Pharma", "Communications": "Comms", "Engineering": "Eng",
    "Management": "Mgmt", "Associates": "Assoc", "International": "Intl",
}  # fmt: skip
LEGAL = ("", "", "", "Inc.", "LLC", "Ltd", "Corp.", "Co.", "Incorporated", "L.L.C.", "Limited")
COUNTRIES = {
    # name: (weight, tld, phone code, cities)
    "United States": (0.55, "com", "1", ("New York", "Chicago", "Austin", "Seattle", "Boston",
                                          "Denver", "Atlanta", "San Jose", "Dallas")),
    "United Kingdom": (0.12, "co.uk", "44", ("London", "Manchester", "Leeds", "Bristol")),
    "Germany": (0.1, "de", "49", ("Berlin", "Munich", "Hamburg", "Frankfurt")),
    "Canada": (0.08, "ca", "1", ("Toronto", "Vancouver", "Montreal")),
    "France": (0.06, "fr", "33", ("Paris", "Lyon", "Lille")),
    "Netherlands": (0.04, "nl", "31", ("Amsterdam", "Rotterdam", "Utrecht")),
    "Australia": (0.05, "com.au", "61", ("Sydney", "Melbourne", "Brisbane")),
}  # fmt: skip
COUNTRY_NAMES = list(COUNTRIES)
COUNTRY_P = np.array([COUNTRIES[c][0] for c in COUNTRY_NAMES]) / sum(
    COUNTRIES[c][0] for c in COUNTRY_NAMES
)
HEADERS = ("Id", "Name", "Website", "Industry", "BillingCity", "BillingCountry", "Phone",
           "ParentId", "OwnerId", "CreatedDate")  # fmt: skip
DUPLICATE_SHARE = 0.03  # companies that get a second record
NEAR_NAME_SHARE = 0.01
DIVISION_GROUP_SHARE = 0.004  # groups of 2-4 divisions
GROUP_SHARE = 0.006


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _Companies:
    """Distinct invented company stems, one letter apart now and then."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def stem(self) -> str:
        rng = self.rng
        while True:
            parts = [
                rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                for _ in range(int(rng.integers(1, 3)))
            ]
            word = ("".join(parts) + rng.choice(ENDINGS)).capitalize()
            if 5 <= len(word) <= 12 and word not in self.used:
                self.used.add(word)
                return word

    def near(self, word: str) -> str | None:
        """A distinct stem one letter away from ``word`` (inserted, replaced or dropped)."""
        rng = self.rng
        for _ in range(20):
            i = int(rng.integers(1, len(word) - 1))
            letter = rng.choice(list("aeiounrlst"))
            kind = int(rng.integers(0, 3))
            if kind == 0:
                new = word[:i] + letter + word[i:]
            elif kind == 1:
                new = word[:i] + letter + word[i + 1 :]
            else:
                new = word[:i] + word[i + 1 :]
            if new != word and new not in self.used and len(new) >= 4:
                self.used.add(new)
                return new
        return None


def _typo(rng: np.random.Generator, word: str) -> str:
    """A typing slip inside the word: swap, drop, double or replace one letter."""
    if len(word) < 4:
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    near = {"a": "s", "e": "r", "i": "o", "o": "i", "u": "y", "n": "m", "r": "t", "s": "a"}
    return word[:i] + near.get(word[i], "e") + word[i + 1 :]


class _Generator:
    def __init__(self, seed: int, count: int) -> None:
        self.rng = np.random.default_rng([seed, 13])
        self.names = _Companies(self.rng)
        self.count = count
        self.rows: list[dict] = []
        self.truth: list[tuple[int, int, int, str]] = []

    # ---------------------------------------------------------------- records
    def _company(self, country: str | None = None, core: str | None = None) -> dict:
        rng = self.rng
        stem = self.names.stem()
        core = core or (rng.choice(list(CORES)) if rng.random() < 0.85 else "")
        country = country or str(rng.choice(COUNTRY_NAMES, p=COUNTRY_P))
        legal = str(rng.choice(LEGAL))
        words = [stem] + ([core] if core else [])
        return self._record(
            words,
            legal,
            country,
            CORES.get(core) or str(rng.choice(sorted(set(CORES.values())))),
            f"{_slug(stem)}{'' if rng.random() < 0.6 else _slug(core)}",
        )

    def _record(self, words: list[str], legal: str, country: str, industry: str, slug: str,
                parent: int | None = None) -> dict:  # fmt: skip
        rng = self.rng
        _, tld, code, cities = COUNTRIES[country]
        row = {
            "words": words, "legal": legal, "country": country, "industry": industry,
            "domain": f"{slug}.{tld}", "city": str(rng.choice(cities)),
            "phone": f"+{code} {rng.integers(200, 999)} {rng.integers(100, 999)} "
                     f"{rng.integers(1000, 9999)}",
            "parent": parent, "created": int(rng.integers(30, 3000)),
        }  # fmt: skip
        row["name"] = " ".join(words + ([legal] if legal else []))
        row["website"] = self._website(row["domain"])
        self.rows.append(row)
        return row

    def _website(self, domain: str) -> str:
        form = int(self.rng.integers(0, 5))
        return ("https://www.{}", "www.{}", "http://{}", "{}", "https://{}/")[form].format(domain)

    # --------------------------------------------------------------- positives
    def _duplicate(self, original: dict) -> dict:
        rng = self.rng
        words = list(original["words"])
        legal = original["legal"]
        changes = rng.choice(6, size=int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2])), replace=False)
        case = None
        for change in changes:
            # A split or an abbreviation that does not apply changes the legal suffix instead
            # (one typing slip at most per record).
            if (change == 3 and len(words[0]) < 8) or (
                change == 4 and (len(words) < 2 or words[-1] not in ABBREVIATIONS)
            ):
                change = 0
            if change == 0:  # legal suffix added, changed or dropped
                legal = str(rng.choice([s for s in LEGAL if s != legal]))
            elif change == 1:  # capitals
                case = str(rng.choice(["upper", "lower"]))
            elif change == 2:  # punctuation
                words = [words[0] + str(rng.choice([",", "."]))] + words[1:] if len(
                    words) > 1 else [words[0] + ","]  # fmt: skip
            elif change == 3:  # a word split in two
                cut = len(words[0]) // 2
                words = [words[0][:cut], words[0][cut:].capitalize(), *words[1:]]
            elif change == 4:
                words[-1] = ABBREVIATIONS[words[-1]] + str(rng.choice(["", "."]))
            else:  # a typing slip in the company word
                words[0] = _typo(rng, words[0])
        name = " ".join(words + ([legal] if legal else []))
        name = name.upper() if case == "upper" else name.lower() if case == "lower" else name
        roll = rng.random()
        domain = original["domain"]
        slug, _, tld = domain.partition(".")
        if roll < 0.35:
            website = self._website(domain.upper() if rng.random() < 0.2 else domain)
        elif roll < 0.65:
            website = ""
        elif roll < 0.75:
            website = self._website(f"{slug}.net" if tld == "com" else f"{slug}.com")
        elif roll < 0.88:
            region = str(rng.choice(["co.uk", "de", "eu", "com.au", "fr"]))
            website = self._website(
                f"{slug}.{region}" if rng.random() < 0.6 else f"{region[:2]}.{domain}"
            )
        else:
            website = self._website(f"{_slug(words[0])}{rng.integers(10, 99)}.com")
        country = original["country"]
        shown_country = country
        r = rng.random()
        if r < 0.12:
            shown_country = ""
        elif r < 0.2 and country == "United States":
            shown_country = str(rng.choice(["USA", "US", "United States of America"]))
        _, _, code, cities = COUNTRIES[country]

        def maybe(value: str, other: str) -> str:
            r = rng.random()
            return "" if r < 0.2 else other if r < 0.28 else value

        row = {
            "name": name, "website": website, "country": shown_country,
            "industry": maybe(original["industry"], str(rng.choice(sorted(set(CORES.values()))))),
            "city": maybe(original["city"], str(rng.choice(cities))),
            "phone": maybe(_reformat(original["phone"]),
                           f"+{code} {rng.integers(200, 999)} 555 {rng.integers(1000, 9999)}"),
            "parent": original["parent"], "created": int(rng.integers(1, 2000)),
        }  # fmt: skip
        self.rows.append(row)
        return row

    # --------------------------------------------------------------- negatives
    def _near_name(self, original: dict) -> None:
        rng = self.rng
        stem = self.names.near(original["words"][0])
        if stem is None:
            return
        country = str(rng.choice([c for c in COUNTRY_NAMES if c != original["country"]]))
        cores = [c for c in CORES if CORES[c] != original["industry"]]
        core = str(rng.choice(cores)) if rng.random() < 0.5 else ""
        words = [stem] + ([core] if core else original["words"][1:])
        industry = CORES[core] if core else str(rng.choice(
            [i for i in sorted(set(CORES.values())) if i != original["industry"]]))  # fmt: skip
        row = self._record(words, str(rng.choice(LEGAL)), country, industry, _slug(stem))
        self._pair(original, row, 0, "near-name")

    def _divisions(self) -> None:
        rng = self.rng
        parent = self._company(core="")
        parent["words"] = parent["words"][:1]
        parent["name"] = " ".join(parent["words"] + (["Group"] if rng.random() < 0.5 else []))
        parent["industry"] = "Financial Services"
        parent_index = len(self.rows) - 1
        cores = rng.choice(list(CORES), size=int(rng.integers(2, 5)), replace=False)
        members = []
        for core in cores:
            row = self._record([parent["words"][0], str(core)], str(rng.choice(LEGAL)),
                               parent["country"] if rng.random() < 0.7 else str(
                                   rng.choice(COUNTRY_NAMES, p=COUNTRY_P)),
                               CORES[str(core)], "x", parent=parent_index)  # fmt: skip
            row["domain"] = parent["domain"]
            row["website"] = self._website(parent["domain"])
            row["phone"] = parent["phone"][:-4] + str(rng.integers(1000, 9999))
            members.append(row)
        for k, a in enumerate(members):
            for b in members[k + 1 :]:
                self._pair(a, b, 0, "division")
        for a in members:
            self._pair(parent, a, 0, "division")

    def _group(self) -> None:
        rng = self.rng
        head = self._company()
        country = str(rng.choice([c for c in COUNTRY_NAMES if c != head["country"]]))
        words = list(head["words"]) + [str(rng.choice(["Group", "Holdings", "International"]))]
        tld = COUNTRIES[country][1]
        slug = _slug(words[0]) + ("group" if rng.random() < 0.5 else "")
        row = self._record(words, str(rng.choice(LEGAL)), country, head["industry"], slug)
        row["domain"] = f"{slug}.{tld}"
        row["website"] = self._website(row["domain"])
        self._pair(head, row, 0, "group")

    def _pair(self, a: dict, b: dict, same: int, kind: str) -> None:
        self.truth.append((id(a), id(b), same, kind))

    # --------------------------------------------------------------------- all
    def build(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        n = self.count
        targets = {
            "dup": round(n * DUPLICATE_SHARE), "near": round(n * NEAR_NAME_SHARE),
            "div": round(n * DIVISION_GROUP_SHARE), "group": round(n * GROUP_SHARE),
        }  # fmt: skip
        for _ in range(targets["div"]):
            self._divisions()
        for _ in range(targets["group"]):
            self._group()
        base_count = n - len(self.rows) - 2 * targets["dup"] // 1 - targets["near"]
        base = [self._company() for _ in range(max(0, base_count))]
        originals = rng.choice(len(base), size=min(len(base), targets["dup"] + targets["near"]),
                               replace=False)  # fmt: skip
        for k in originals[: targets["dup"]]:
            copies = [base[k], self._duplicate(base[k])]
            if rng.random() < 0.12:
                copies.append(self._duplicate(base[k]))
            for i, a in enumerate(copies):
                for b in copies[i + 1 :]:
                    self._pair(a, b, 1, "duplicate")
        for k in originals[targets["dup"] :]:
            self._near_name(base[k])
        while len(self.rows) < n:
            self._company()
        self.rows = self.rows[: max(n, len(self.rows))]
        return self._frames()

    def _frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        from workbench.demodata.common import sf_id

        rng = self.rng
        order = rng.permutation(len(self.rows))
        ids = {}
        for position, k in enumerate(order):
            ids[id(self.rows[k])] = sf_id("001", 2_000_000 + position)
        index_ids = [ids[id(r)] for r in self.rows]
        out = []
        for k in order:
            r = self.rows[k]
            out.append({
                "Id": index_ids[k], "Name": r["name"], "Website": r["website"],
                "Industry": r["industry"] if rng.random() > 0.04 else "",
                "BillingCity": r["city"], "BillingCountry": r["country"],
                "Phone": r["phone"] if rng.random() > 0.15 else "",
                "ParentId": index_ids[r["parent"]] if r["parent"] is not None else "",
                "OwnerId": sf_id("005", 10_000 + int(rng.integers(0, 40))),
                "CreatedDate": str(np.datetime64("2026-11-16") - np.timedelta64(r["created"], "D"))
                + "T10:00:00.000+0000",
            })  # fmt: skip
        frame = pd.DataFrame(out, columns=list(HEADERS))
        truth = pd.DataFrame(
            [(*sorted((ids[a], ids[b])), same, kind) for a, b, same, kind in self.truth],
            columns=["id_a", "id_b", "same", "kind"],
        ).drop_duplicates(["id_a", "id_b"])
        return frame, truth.sort_values(["id_a", "id_b"]).reset_index(drop=True)


def _reformat(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"({digits[-10:-7]}) {digits[-7:-4]}-{digits[-4:]}" if len(digits) >= 10 else phone


def make_crm_accounts(count: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``count`` accounts (Salesforce headers) and the truth file's pairs."""
    return _Generator(seed, count).build()


def to_engagement_accounts(frame: pd.DataFrame) -> pd.DataFrame:
    """The accounts as the importer stores them (city, phone, parent id in ``extra``)."""
    from workbench.audits.dedup import normalise_domain

    extra = [
        json.dumps({k: v for k, v in (("BillingCity", c), ("Phone", p), ("ParentId", par)) if v})
        for c, p, par in zip(frame["BillingCity"], frame["Phone"], frame["ParentId"], strict=True)
    ]
    return pd.DataFrame({
        "crm_id": frame["Id"], "name": frame["Name"], "website": frame["Website"].replace("", None),
        "domain": [normalise_domain(w) or None for w in frame["Website"]],
        "industry": frame["Industry"].replace("", None),
        "country": frame["BillingCountry"].replace("", None),
        "owner_crm_id": frame["OwnerId"], "created_at": frame["CreatedDate"].str.slice(0, 19),
        "extra": extra,
    })  # fmt: skip


def write_engagement(path: Path, frame: pd.DataFrame, truth: pd.DataFrame) -> Path:
    """An engagement holding only these accounts and the planted pairs (settings)."""
    from workbench.models import Engagement, EngagementMeta

    path.unlink(missing_ok=True)
    eng = Engagement.create(path, EngagementMeta(customer="Dedup benchmark"))
    rows = to_engagement_accounts(frame)
    try:
        with eng.atomic() as conn:
            conn.executemany(
                f"INSERT INTO accounts ({', '.join(rows.columns)}) "
                f"VALUES ({', '.join('?' for _ in rows.columns)})",
                rows.astype(object).where(rows.notna(), None).itertuples(index=False, name=None),
            )
        same = truth[truth["same"] == 1]
        eng.set_setting("demo.planted_duplicate_accounts", same[["id_a", "id_b"]].values.tolist())
        different = truth[truth["same"] == 0]
        eng.set_setting("demo.lookalike_accounts", different[["id_a", "id_b"]].values.tolist())
    finally:
        eng.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engagement", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    frame, truth = make_crm_accounts(args.accounts, args.seed)
    frame.to_csv(args.out / "crm_accounts.csv", index=False, lineterminator="\n")
    truth.to_csv(args.out / "dedup_truth.csv", index=False, lineterminator="\n")
    if args.engagement:
        write_engagement(args.out / "dedup.engagement", frame, truth)
    counts = truth.groupby(["same", "kind"]).size().to_dict()
    print({"accounts": len(frame), "pairs": {f"{k[1]}": v for k, v in counts.items()}})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
