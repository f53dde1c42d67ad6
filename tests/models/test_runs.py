"""Stored runs: save, read back, staleness, JSON round trip of result dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from workbench.errors import WorkbenchError
from workbench.models import runs


@dataclass
class Inner:
    day: dt.date
    rate: float | None


@dataclass
class Outer:
    name: str
    rows: list[Inner]
    by_key: dict[str, Inner] = field(default_factory=dict)
    pair: tuple[int, int] = (0, 0)


def test_round_trip_of_nested_dataclasses():
    value = Outer(
        "x",
        [Inner(dt.date(2026, 1, 2), 0.5), Inner(dt.date(2026, 2, 3), None)],
        {"a": Inner(dt.date(2026, 3, 4), 1.0)},
        (3, 4),
    )
    data = runs.to_jsonable(value)
    assert data["rows"][0] == {"day": "2026-01-02", "rate": 0.5}
    assert runs.from_jsonable(Outer, data) == value
    assert runs.to_jsonable(float("nan")) is None


def test_save_read_latest_and_stale(new_engagement):
    eng = new_engagement
    with eng.atomic():
        first = runs.save_run(eng, "audit:capture", {"rate": 0.5}, parameters={"window": 90})
        second = runs.save_run(eng, "audit:capture", {"rate": 0.6})
    latest = runs.latest_run(eng, "audit:capture")
    assert (latest.id, latest.result, latest.stale) == (second.id, {"rate": 0.6}, False)
    named = runs.latest_run(eng, "audit:capture", first.id)
    assert (named.result, named.parameters) == ({"rate": 0.5}, {"window": 90})
    assert runs.latest_run(eng, "scoring") is None
    with pytest.raises(WorkbenchError, match="no stored scoring run number"):
        runs.latest_run(eng, "scoring", first.id)
    # a new imported row changes the inputs: the run is stale, with how to refresh
    with eng.atomic() as conn:
        conn.execute("INSERT INTO users (crm_id, name) VALUES ('U1', 'Ann Lee')")
    stale = runs.latest_run(eng, "audit:capture")
    assert stale.stale and "workbench audit FILE" in stale.label()
    assert [r.stale for r in runs.list_runs(eng, "audit:capture")] == [True, True]
    # another as-of day makes it stale too
    with eng.atomic():
        fresh = runs.save_run(eng, "audit:capture", {"rate": 0.7})
        eng.set_setting("as_of_date", "2020-01-01")
    assert runs.latest_run(eng, "audit:capture", fresh.id).stale


def test_large_results_are_compressed_and_old_runs_pruned(new_engagement):
    eng = new_engagement
    big = {"deals": [{"id": f"D{i}", "score": i / 7} for i in range(20_000)]}
    with eng.atomic():
        first = runs.save_run(eng, "scoring", big)
        for i in range(runs.KEEP):
            runs.save_run(eng, "scoring", {"n": i})
    stored = eng.conn.execute("SELECT typeof(result) FROM runs ORDER BY id LIMIT 1").fetchone()
    assert stored == ("text",)  # the first big one was pruned; only KEEP remain
    assert eng.conn.execute("SELECT count(*) FROM runs").fetchone()[0] == runs.KEEP
    with pytest.raises(WorkbenchError, match=f"no stored scoring run number {first.id}"):
        runs.latest_run(eng, "scoring", first.id)
    with eng.atomic():
        again = runs.save_run(eng, "scoring", big)
    kind, size = eng.conn.execute(
        "SELECT typeof(result), length(result) FROM runs WHERE id = ?", (again.id,)
    ).fetchone()
    assert kind == "blob" and size < len(str(big)) / 4
    assert runs.latest_run(eng, "scoring").result == big
