"""Duplicate accounts on bad input: the audit runs and says which evidence was missing."""

from __future__ import annotations

import pandas as pd

from workbench.audits.dedup import match_accounts


def test_empty_punctuation_and_very_long_names_with_no_website_or_country_columns():
    long_name = "Northwind " + "x" * 990
    accounts = pd.DataFrame(
        {
            "crm_id": [f"a{i}" for i in range(8)],
            "name": ["", None, "!!!", "...", long_name, long_name + " Inc", "Acme", "ACME Inc."],
        }
    )
    result = match_accounts(accounts)
    # The two long names are one company (only the legal suffix differs); so are Acme's.
    assert [c.ids for c in result.clusters] == [["a4", "a5"], ["a6", "a7"]]
    # Empty and punctuation-only names are never paired on their (missing) name.
    paired = {i for c in result.clusters for i in c.ids} | {
        i for p in result.review for i in (p.a, p.b)
    }
    assert paired.isdisjoint({"a0", "a1", "a2", "a3"})
    assert result.missing_evidence == [
        "website", "billing country", "billing city", "industry", "phone", "parent account",
    ]  # fmt: skip
    assert result.notes == [
        "2 account names longer than 200 characters were compared on their first 200"
    ]


def test_every_row_the_same_name_is_no_evidence():
    accounts = pd.DataFrame(
        {"crm_id": [f"a{i:04d}" for i in range(2_500)], "name": ["Acme Inc"] * 2_500}
    )
    result = match_accounts(accounts)
    # Estimated from the data: every pair shares the name, so the name proves nothing.
    assert result.trained
    assert result.clusters == [] and result.review == []
    assert result.candidates == 2_499  # one block too large to pair out: a chain
    (name_identical,) = [w for label, w in result.weights["name"] if "identical after" in label]
    assert name_identical < 0


def test_one_account_and_no_accounts():
    assert match_accounts(pd.DataFrame({"crm_id": ["a"], "name": ["Acme"]})).clusters == []
    empty = match_accounts(pd.DataFrame({"crm_id": [], "name": []}))
    assert empty.clusters == [] and empty.review == []
