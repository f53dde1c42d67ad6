"""A finding's detail in a document is cut where it can be cut, never mid-number."""

from __future__ import annotations

from workbench.reports.documents.common import shortened


def test_a_list_keeps_whole_items_and_says_how_many_more() -> None:
    reps = [f"Rep {i} 7{i % 10}.5% ({i}/{i + 100})" for i in range(25)]
    # the audit lists 25 of 42 reps and says so
    detail = "; ".join(reps) + "; and 17 more"
    said = shortened(detail, 120)
    assert len(said) <= 120
    kept = said.split("; ")[:-1]
    assert kept == reps[: len(kept)] and len(kept) == 5  # 5 x 19 characters and 4 x "; "
    assert said.endswith(f"; and {25 - 5 + 17} more")  # 37: 42 reps in all, 5 shown


def test_a_text_keeps_whole_sentences_else_whole_words() -> None:
    text = "The first sentence is here. " * 20
    assert shortened(text, 100) == "The first sentence is here. " * 2 + "The first sentence is here."
    words = "forecast " * 40
    said = shortened(words, 50)
    assert said == "forecast " * 4 + "forecast \u2026"
    assert shortened("short", 50) == "short"
