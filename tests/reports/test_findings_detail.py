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


def test_the_gap_analysis_counts_every_rep_below_the_flag(story_package) -> None:
    """The capture audit names 25 reps below the red flag and says how many more; the
    document keeps whole names and its "and N more" adds up to the finding's count."""
    import re

    from docx import Document

    built = [f for f in story_package.files if f.document == "gap-analysis"]
    if not built:
        return  # not in this project kind's package
    rows = [
        [c.text for c in row.cells]
        for table in Document(str(built[0].path)).tables
        for row in table.rows
    ]
    row = next(r for r in rows if re.fullmatch(r"\d+ reps record under .*", r[1]))
    affected = int(row[3].replace(",", ""))
    shown, more = row[2].split("; "), 0
    if match := re.fullmatch(r"and (\d+) more", shown[-1]):
        more, shown = int(match.group(1)), shown[:-1]
    assert all(re.fullmatch(r".+ \d+\.\d% \(\d+/\d+\)", s) for s in shown), shown
    assert affected > 25 and len(shown) + more == affected == int(row[1].split()[0])
