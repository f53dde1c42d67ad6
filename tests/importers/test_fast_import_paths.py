"""The faster import paths give the records the careful ones give.

A shuffled generated export (``bench/gen_scale.py --shuffle``: rows in no index's
order) is imported twice into two engagements: once as a big file (secondary indexes
dropped and rebuilt once, with the small sort cache) and once row by row into kept
indexes, with the stage reading of the previous version (the row-by-row loop, kept
here as the reference). Every stored value, its type, the row ids and the import
counts are equal; the counts also equal the rows counted in the table.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from functools import partial
from pathlib import Path
from types import SimpleNamespace

from workbench.importers import engine, import_file
from workbench.importers.writer import Writer
from workbench.models import Engagement, EngagementMeta

REPO = Path(__file__).resolve().parents[2]


def _shuffled_export(out: Path, rows: int) -> Path:
    spec = importlib.util.spec_from_file_location(
        "gen_scale_paths", REPO / "bench" / "gen_scale.py"
    )
    gen_scale = importlib.util.module_from_spec(spec)
    sys.modules["gen_scale_paths"] = gen_scale
    spec.loader.exec_module(gen_scale)
    gen_scale.generate(out, opportunities=rows, accounts=rows // 10, seed=3, history=False,
                       shuffle=True, log=lambda *_: None)  # fmt: skip
    return out / "opportunities.csv"


def _reference_translate_stages(self, values: dict[str, list], n: int) -> None:
    """The stage reading as it was before the fast path: every row visited."""
    stages = values["stage"]
    mapped = self.plan.mapping
    derive = self.plan.spec.name == "opportunities" and "is_closed" in self.insert_fields
    closed = values.get("is_closed") if "is_closed" in mapped else [None] * n
    won = values.get("is_won") if "is_won" in mapped else [None] * n
    new_closed, new_won = list(closed), list(won)
    cache = self._stage_cache
    for i, stage in enumerate(stages):
        if not stage:
            continue
        known = cache.get(stage)
        if known is None:
            known = cache[stage] = self._stage_reading(stage)
        label, how, reading_closed, reading_won = known
        if label != stage:
            stages[i] = label
            self.translated += 1
        if not derive:
            continue
        c, w = closed[i], won[i]
        if c is not None and w is not None:
            continue
        if c is None:
            new_closed[i] = 1 if w == 1 else reading_closed
        if w is None:
            new_won[i] = reading_won if c is None or c else 0
        self.readings.setdefault(label, (how, new_closed[i], new_won[i]))
    if derive:
        values["is_closed"], values["is_won"] = new_closed, new_won


def _table(path: Path) -> tuple[list, list]:
    with Engagement.open(path, read_only=True) as eng:
        rows = eng.conn.execute("SELECT * FROM opportunities ORDER BY id").fetchall()
        types = eng.conn.execute(
            "SELECT typeof(amount), typeof(probability), typeof(is_closed), typeof(is_won), "
            "typeof(close_date), typeof(extra), count(*) FROM opportunities GROUP BY 1, 2, 3, 4, "
            "5, 6 ORDER BY 7"
        ).fetchall()
        assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return [r[:-1] for r in rows], types  # without import_id (the runs differ in it)


def _counts(result) -> tuple[int, int, int, int]:
    return result.rows_read, result.rows_imported, result.rows_updated, result.rows_rejected


def test_shuffled_export_gives_the_same_records_on_both_paths(tmp_path: Path, monkeypatch):
    source = _shuffled_export(tmp_path / "gen", 3_000)
    fast, careful = tmp_path / "fast.engagement", tmp_path / "careful.engagement"
    for path in (fast, careful):
        Engagement.create(path, EngagementMeta(customer="Paths")).close()

    results: dict[Path, list] = {fast: [], careful: []}
    for path in (fast, careful):
        with monkeypatch.context() as patch:
            if path == careful:
                patch.setattr(engine, "BIG_FILE_BYTES", 1 << 40)  # indexes kept, row by row
                patch.setattr(Writer, "_translate_stages", _reference_translate_stages)
            else:
                patch.setattr(engine, "BIG_FILE_BYTES", 0)  # dropped and rebuilt once
            for _ in range(2):  # an import, then the same file again (every row an update)
                with Engagement.open(path) as eng:
                    results[path].append(import_file(eng, source))

    first, again = results[fast]
    assert _counts(first) == (3_000, 3_000, 0, 0)
    assert _counts(again) == (3_000, 0, 3_000, 0)
    assert [_counts(r) for r in results[careful]] == [_counts(first), _counts(again)]
    assert [r.notes for r in results[careful]] == [first.notes, again.notes]
    fast_rows, fast_types = _table(fast)
    careful_rows, careful_types = _table(careful)
    assert len(fast_rows) == 3_000
    assert fast_rows == careful_rows
    assert fast_types == careful_types
    # the ids follow the file's order, as before
    with source.open(encoding="utf-8") as fh:
        first_id = fh.readlines()[1].split(",", 1)[0]
    assert fast_rows[0][:2] == (1, first_id)


def test_new_and_updated_rows_are_counted_with_duplicates_and_gaps(tmp_path: Path):
    header = "Id,Name,StageName,Amount,CloseDate\n"
    path = tmp_path / "counts.engagement"
    Engagement.create(path, EngagementMeta(customer="Counts")).close()
    first = tmp_path / "first.csv"
    first.write_text(
        header + "".join(f"006A{i},Deal {i},Prospecting,{i}00,2026-01-0{i}\n" for i in (1, 2, 3)),
        encoding="utf-8",
    )
    with Engagement.open(path) as eng:
        assert _counts(import_file(eng, first)) == (3, 3, 0, 0)
        with eng.atomic() as conn:  # the last row gone (as an undo leaves it)
            conn.execute("DELETE FROM opportunities WHERE crm_id = '006A3'")
    # 006A2 exists; 006A4 comes twice (the second row updates the first); 006A3 is new
    # again; one row has no id and is rejected.
    second = tmp_path / "second.csv"
    second.write_text(
        header
        + "006A4,Deal 4,Prospecting,400,2026-01-04\n"
        + "006A2,Deal 2b,Prospecting,250,2026-01-02\n"
        + ",No id,Prospecting,1,2026-01-01\n"
        + "006A4,Deal 4b,Prospecting,450,2026-01-04\n"
        + "006A3,Deal 3b,Prospecting,350,2026-01-03\n",
        encoding="utf-8",
    )
    with Engagement.open(path) as eng:
        result = import_file(eng, second)
        rows = eng.conn.execute(
            "SELECT id, crm_id, name, amount FROM opportunities ORDER BY id"
        ).fetchall()
    assert _counts(result) == (5, 2, 2, 1)
    assert rows == [
        (1, "006A1", "Deal 1", 100.0),
        (2, "006A2", "Deal 2b", 250.0),
        (3, "006A4", "Deal 4b", 450.0),
        (4, "006A3", "Deal 3b", 350.0),
    ]


def _fake_writer(stages: dict, mapping: dict) -> SimpleNamespace:
    fake = SimpleNamespace(
        plan=SimpleNamespace(mapping=mapping, spec=SimpleNamespace(name="opportunities")),
        insert_fields=["stage", "is_closed", "is_won"],
        stages=stages,
        _stage_cache={},
        readings={},
        translated=0,
    )
    fake._stage_reading = partial(Writer._stage_reading, fake)
    return fake


def test_stage_reading_equals_the_row_by_row_loop():
    rng = random.Random(11)
    # a stage list with ids that become labels, and names read by their usual meaning
    stages = {
        "s1": ("Discovery", 0, 0),
        "s2": ("Closed Won", 1, 1),
        "s3": ("Closed Lost", 1, 0),
        "Discovery": ("Discovery", 0, 0),
    }
    choices = ["s1", "s2", "s3", "Discovery", "Closed Won", "Closed", "Negotiation", None, ""]
    for trial in range(60):
        n = rng.randint(0, 40)
        mapping = {"stage": "Stage"}
        if trial % 3:
            mapping["is_closed"] = "Closed"
        if trial % 4:
            mapping["is_won"] = "Won"
        values = {
            "stage": [rng.choice(choices) for _ in range(n)],
            "is_closed": [rng.choice([0, 1, None] if trial % 5 else [0, 1]) for _ in range(n)],
            "is_won": [rng.choice([0, 1, None] if trial % 7 else [0, 1]) for _ in range(n)],
        }
        fast, slow = _fake_writer(stages, mapping), _fake_writer(stages, mapping)
        fast_values = {k: list(v) for k, v in values.items()}
        slow_values = {k: list(v) for k, v in values.items()}
        Writer._translate_stages(fast, fast_values, n)
        _reference_translate_stages(slow, slow_values, n)
        assert fast_values == slow_values
        assert (fast.translated, fast.readings) == (slow.translated, slow.readings)
        assert list(fast.readings) == list(slow.readings)  # the same order in the notes


CUE_SAMPLES = [
    "Summit Co", "Sum", "sum 5", "Sum:", "Totals", "Total", "totalx", "Total Acme", "Totally",
    "Counting", "count", "Count 5", "Country", "GRAND TOTAL", "Generated by Salesforce",
    "generatedX", " x", "\tfoo", "Stage: Closed (3 records)", "x (2 records)",
    "Copyright 2024", "(c) 2024", "© 2024", "ACME all rights reserved", "Record count 5",
    "Report generated", "Exported on 5/1", "Printed by Dana", "Filtered by owner", "Powered by X",
    "Confidential", "Sub-total", "Subtotals 3", "subtotal", "sub total", "Deal 1", "", "006ABC",
    "sums", "sum_", "sum-", "count.", "totals_", "totalss", "Subtotalx", "reporter", "ſum 5",
    "Owner: Dana Scully", "Müller GmbH",
]  # fmt: skip


def test_the_decoration_cue_is_there_whenever_a_pattern_matches():
    """A block whose first columns show no cue skips the regular expressions: the cue
    must be found in every column where JUNK_RE2 or HEADING_RE2 matches a value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from workbench.importers.sources import HEADING_RE2, JUNK_RE2
    from workbench.importers.writer import _decoration_cue

    either = f"{JUNK_RE2}|{HEADING_RE2}"
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:()"
    matched = 0
    for trial in range(4_000):
        values = []
        for _ in range(rng.randint(1, 4)):
            value = rng.choice(CUE_SAMPLES)
            if rng.random() < 0.2:
                value = "".join(rng.choice(letters) for _ in range(rng.randint(0, 6))) + value
            values.append(value)
        column = pa.array(values, pa.string())
        if trial % 3 == 0:
            column = column.slice(1)  # a slice of a longer buffer
        if pc.any(pc.match_substring_regex(column, either)).as_py():
            matched += 1
            assert _decoration_cue(column), values
    assert matched > 1_000
    plain = pa.array(["Summit Co", "Country Foods", "Totally Fresh", "Deal 1", "006ABC"])
    assert not _decoration_cue(plain)


def test_blank_values_become_null_as_with_trimming_every_value():
    """A column whose values need no trimming is not trimmed; the result is the same."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from workbench.importers.columns import _blank_to_null

    def trimmed_reference(arr):
        trimmed = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)

    rng = random.Random(2)
    pieces = ["a", "Deal 1", " x", "y ", "", " ", "\t", "\u00a0z", "z\u3000", "é", "ü ", "\x1c"]
    pieces += ["q\x85", "12.5", None]
    for trial in range(3_000):
        column = pa.array([rng.choice(pieces) for _ in range(rng.randint(0, 6))], pa.string())
        if trial % 3 == 0 and len(column):
            column = column.slice(1)
        assert _blank_to_null(column).equals(trimmed_reference(column))
