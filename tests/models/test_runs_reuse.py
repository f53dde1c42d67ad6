"""What reading stored runs reuses: fingerprints until the file changes, one converter
per result type (also for a type that refers to itself)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from workbench.models import Engagement, runs


def test_a_fingerprint_is_taken_again_when_the_file_changes(new_engagement) -> None:
    eng = new_engagement
    first = runs.fingerprint(eng, "audit:capture")
    assert runs.fingerprint(eng, "audit:crm-hygiene") == first  # same family, same inputs
    # a change through this connection
    with eng.atomic() as conn:
        conn.execute("INSERT INTO users (crm_id, name) VALUES ('U1', 'Ann Lee')")
    second = runs.fingerprint(eng, "audit:capture")
    assert second != first and second == runs._fingerprint(eng, "audit:capture")
    # a change committed by another program (a reader sees it on its next look)
    reader = Engagement.open(eng.path, read_only=True)
    try:
        assert runs.fingerprint(reader, "audit:capture") == second
        eng.conn.commit()
        other = sqlite3.connect(eng.path)
        with other:
            other.execute("INSERT INTO users (crm_id, name) VALUES ('U2', 'Bo Chen')")
        other.close()
        third = runs.fingerprint(reader, "audit:capture")
        assert third not in (first, second)
        assert third == runs._fingerprint(reader, "audit:capture")
    finally:
        reader.close()


@dataclass
class Node:
    name: str
    weight: float
    children: list[Node] = field(default_factory=list)
    parent_weight: float | None = None


def test_a_result_type_that_refers_to_itself_reads_back() -> None:
    tree = Node("root", 1.0, [Node("a", 2.0, [Node("a1", 3.5)], 1.0), Node("b", 4.0)])
    data = runs.to_jsonable(tree)
    data["children"][1]["weight"] = 4  # stored as an integer, read as a float
    back = runs.from_jsonable(Node, data)
    assert back == tree
    assert isinstance(back.children[1].weight, float)
    assert back.children[0].children[0].children == []
    assert runs.from_jsonable(list[Node | None], [None, {"name": "x", "weight": 1}]) == [
        None,
        Node("x", 1.0),
    ]
