"""The hard duplicate generator: every planted kind is there and has the stated shape."""

from __future__ import annotations

import pytest
from bench.gen_dedup import make_crm_accounts

from workbench.audits.dedup import normalise_domain, normalise_name


@pytest.fixture(scope="module")
def planted():
    frame, truth = make_crm_accounts(3_000, seed=5)
    return frame.set_index("Id"), truth


def test_every_kind_is_planted_and_the_same_seed_gives_the_same_data(planted) -> None:
    frame, truth = planted
    assert set(truth["kind"]) == {"duplicate", "near-name", "division", "group"}
    assert set(truth.loc[truth["kind"] == "duplicate", "same"]) == {1}
    assert set(truth.loc[truth["kind"] != "duplicate", "same"]) == {0}
    assert 2_950 <= len(frame) <= 3_050 and frame.index.is_unique
    again, again_truth = make_crm_accounts(3_000, seed=5)
    assert again.equals(frame.reset_index()) and again_truth.equals(truth)


def test_hard_negatives_look_alike_but_differ_where_it_counts(planted) -> None:
    frame, truth = planted
    for a, b, _, kind in truth[truth["same"] == 0].itertuples(index=False):
        ra, rb = frame.loc[a], frame.loc[b]
        if kind == "division":  # one domain, another industry word
            assert normalise_domain(ra["Website"]) == normalise_domain(rb["Website"])
            assert normalise_name(ra["Name"]) != normalise_name(rb["Name"])
        elif kind == "group":  # same words once group words go; another country
            core_a = set(normalise_name(ra["Name"]).split()) - {
                "group",
                "holdings",
                "international",
            }
            core_b = set(normalise_name(rb["Name"]).split()) - {
                "group",
                "holdings",
                "international",
            }
            assert core_a == core_b and ra["BillingCountry"] != rb["BillingCountry"]
        else:  # near-name: one letter apart, another country and industry
            first_a, first_b = ra["Name"].split()[0], rb["Name"].split()[0]
            assert first_a != first_b and abs(len(first_a) - len(first_b)) <= 1
            assert ra["BillingCountry"] != rb["BillingCountry"]


def test_duplicates_include_missing_and_different_domains(planted) -> None:
    frame, truth = planted
    dups = truth[truth["same"] == 1]
    domains = [
        (normalise_domain(frame.loc[a, "Website"]), normalise_domain(frame.loc[b, "Website"]))
        for a, b in zip(dups["id_a"], dups["id_b"], strict=True)
    ]
    missing = sum(1 for x, y in domains if not x or not y)
    different = sum(1 for x, y in domains if x and y and x != y)
    assert missing >= 0.2 * len(domains) and different >= 0.1 * len(domains)
