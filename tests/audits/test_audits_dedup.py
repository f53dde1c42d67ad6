"""Duplicate detection: normalisation, the judging rules and clustering."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.audits.dedup import (
    find_duplicate_accounts,
    find_duplicate_contacts,
    match_accounts,
    name_match,
    normalise_domain,
    normalise_email,
    normalise_name,
    typing_slip,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The ACME, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Smith & Co.", "smith"),
        ("Müller GmbH & Co. KG", "muller"),
        ("A.B.C. L.L.C.", "abc"),
        ("Nordic Steel AB", "nordic steel"),
        ("Holding SA", "holding"),
        ("Co", "co"),  # a name that is only a suffix stays
        (None, ""),
    ],
)
def test_names_lose_case_punctuation_and_trailing_legal_suffixes(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.com/about?x=1", "acme.com"),
        ("http://acme.com/", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www2.acme.co.uk:443", "acme.co.uk"),
        ("sales@acme.com", "acme.com"),
        ("not a website", ""),
        (None, ""),
    ],
)
def test_websites_reduce_to_their_domain(raw, expected):
    assert normalise_domain(raw) == expected


def test_emails_compare_without_case_and_plus_tags():
    assert normalise_email(" John.Smith+crm@ACME.com ") == "john.smith@acme.com"
    assert normalise_email("no-at-sign") == ""


def test_typing_slips_are_swaps_drops_and_doubles_inside_a_word():
    assert "swapped" in typing_slip("robotics", "robtoics")
    assert "dropped" in typing_slip("globex", "globx")
    assert "doubled" in typing_slip("summit", "summmit")
    assert typing_slip("hill", "hall") is None  # substitution: another word
    assert typing_slip("novak", "nova") is None  # last letter: another name
    assert typing_slip("acme", "xacme") is None  # first letter


def test_name_match_explains_reordered_and_respaced_names():
    assert "another order" in name_match("robotics acme", "acme robotics")
    assert "spaced differently" in name_match("acme robotics", "acmerobotics")
    assert name_match("acme robotics", "acme robotics europe") is None
    assert name_match("test 1", "test 2") is None


def test_duplicate_accounts_two_tiers_with_each_fields_contribution():
    accounts = pd.DataFrame(
        {
            "crm_id": ["1", "2", "3", "4", "5", "6", "7", "8"],
            "name": ["Acme Inc", "ACME, Inc.", "Acme Inc.", "Hill Medical", "Hall Medical",
                     "Andersson Insurance", "Anderson Insurance", "IBM"],
            "website": ["acme.com", None, "https://www.acme.com", "hillmedical.com", None,
                        "anderssoninsurance.com", "andersoninsurance.com", "ibm.com"],
            "domain": [None] * 8,
        }
    )  # fmt: skip
    result = match_accounts(accounts)
    assert [c.ids for c in result.clusters] == [["1", "2", "3"]]
    assert find_duplicate_accounts(accounts)[0].ids == ["1", "2", "3"]
    pair = next(p for p in result.clusters[0].pairs if (p.a, p.b) == ("1", "3"))
    # With defaults (8 accounts is too few to estimate from): m/u of each level.
    assert pair.matched[:2] == [
        "name identical after normalising ('acme'): +15.6",
        "website domain identical (acme.com): +12.9",  # log2(.74/1e-4)
    ]
    assert pair.probability > 0.99 and pair.name_similarity == 100.0
    # A letter apart and nothing else: review, not asserted; a differing domain counts against.
    review = {(p.a, p.b): p for p in result.review}
    assert set(review) == {("4", "5"), ("6", "7")}
    assert review[("4", "5")].probability < 0.8
    assert review[("4", "5")].matched[0] == (
        "name has one letter replaced ('hill medical' / 'hall medical'): +4.3"  # log2(.02/.001)
    )
    # Andersson / Anderson: a letter apart, but two different websites count against
    # (one duplicate in ten is on another site): review, not asserted.
    assert review[("6", "7")].probability < 0.8
    assert review[("6", "7")].matched[1] == (
        "website domain differs (anderssoninsurance.com / andersoninsurance.com): -3.3"
    )  # log2(.1/.9998)
    assert result.missing_evidence == [
        "billing country",
        "billing city",
        "industry",
        "phone",
        "parent account",
    ]


def test_initials_and_a_shared_domain_make_a_duplicate():
    accounts = pd.DataFrame(
        {
            "crm_id": ["a", "b"],
            "name": ["IBM", "International Business Machines"],
            "website": ["https://www.ibm.com", "ibm.com/us"],
            "domain": [None, None],
        }
    )
    (cluster,) = find_duplicate_accounts(accounts)
    assert cluster.pairs[0].matched[0].startswith("website domain identical (ibm.com)")
    assert any(
        m.startswith("name is the other") or "initials" in m for m in cluster.pairs[0].matched
    )


def test_duplicate_contacts_by_email_and_by_name_at_one_account():
    contacts = pd.DataFrame(
        {
            "crm_id": ["c1", "c2", "c3", "c4", "c5"],
            "account_crm_id": ["a", "a", "a", "b", "b"],
            "first_name": ["John", "Jon", "Mary", "Mary", "Mary"],
            "last_name": ["Smith", "Smith", "Jones", "Jones", "Jones"],
            "email": ["john@x.com", "JOHN+events@x.com", "mary@x.com", None, "mj@y.com"],
        }
    )
    result = find_duplicate_contacts(contacts)
    assert sorted(sorted(c.ids) for c in result.clusters) == [["c1", "c2"], ["c4", "c5"]]
    assert result.by_email == 1
    assert result.by_name_and_account == 1
