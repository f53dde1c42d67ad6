"""Stable pseudonyms."""

from __future__ import annotations

from workbench.reports.anonymize import Pseudonyms


def test_same_person_gets_same_pseudonym_whatever_the_order() -> None:
    a = Pseudonyms(enabled=True)
    a.register("rep", ["005A", "005B", "005C"])
    b = Pseudonyms(enabled=True)
    b.register("rep", ["005C", "005A", "005B", "005D"])
    assert a.rep("005A", "Priya") == b.rep("005A", "Priya")
    assert a.rep("005A", "Priya").startswith("Rep ")


def test_pseudonyms_are_unique_within_an_engagement() -> None:
    p = Pseudonyms(enabled=True)
    ids = [f"003{i:05d}" for i in range(300)]
    p.register("contact", ids)
    labels = {p.contact(i, "x") for i in ids}
    assert len(labels) == 300
    assert all(label.startswith("Contact ") for label in labels)


def test_disabled_pseudonyms_return_real_names() -> None:
    p = Pseudonyms(enabled=False)
    assert p.rep("005A", "Priya Raman") == "Priya Raman"
    assert p.contact("003X", "Tobias Wexler") == "Tobias Wexler"


def test_rep_pseudonym_has_two_digits_for_small_teams() -> None:
    p = Pseudonyms(enabled=True)
    p.register("rep", ["a", "b"])
    assert len(p.rep("a", "x").split()[1]) == 2
