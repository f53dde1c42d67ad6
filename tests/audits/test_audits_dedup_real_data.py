"""Duplicate accounts on real public Salesforce accounts (tests/data/sf-fivetran-seeds).

Ten accounts from a real org (most text hashed by the publisher). Recounted with plain
pandas: the only pair sharing a name also shares its billing country and city; "Test
1234" and "Test 123" carry different numbers and stay apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.audits.dedup import match_accounts

DATA = Path(__file__).resolve().parents[1] / "data" / "sf-fivetran-seeds" / "sf_account_data.csv"


def test_real_accounts_pair_only_the_same_company():
    raw = pd.read_csv(DATA, dtype=str)
    accounts = pd.DataFrame({
        "crm_id": raw["id"], "name": raw["name"], "website": raw["website"],
        "country": raw["billing_country"], "industry": raw["industry"],
        "city": raw["billing_city"], "phone": raw["phone"], "parent": raw["parent_id"],
    })  # fmt: skip
    result = match_accounts(accounts)
    same = raw.groupby([raw["name"].str.lower(), "billing_country", "billing_city"])["id"]
    expected = [sorted(ids) for _, ids in same if len(ids) > 1]
    assert (
        [c.ids for c in result.clusters]
        == expected
        == [["001q000000wW9BZAA0", "001q000000wW9BeAAK"]]
    )
    (pair,) = result.clusters[0].pairs
    assert pair.matched[0] == "name identical after normalising ('blue test'): +15.6"
    assert [e.field for e in pair.evidence] == ["name", "city", "country", "words"]
    assert result.review == []
    # The websites and phones are hashed (no domain, no digits): reported as missing.
    assert result.missing_evidence == ["website", "phone", "parent account"]
    assert result.sparse_evidence == {"industry": 0.2}
