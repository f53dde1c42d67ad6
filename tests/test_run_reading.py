"""Reading a stored run back: the field types of each result class are resolved once
and reused, and two classes with the same field names keep their own types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from workbench.models.runs import from_jsonable, to_jsonable


@dataclass
class Reason:
    label: str
    points: float


@dataclass
class Deal:
    crm_id: str
    close: dt.date | None
    score: float
    reasons: list[Reason] = field(default_factory=list)
    by_signal: dict[str, tuple[int, float]] = field(default_factory=dict)


@dataclass
class Other:
    crm_id: int  # same name as Deal.crm_id, another type
    close: dt.datetime | None = None


def test_round_trip_of_many_nested_records() -> None:
    deals = [
        Deal(
            f"006{i:03d}",
            dt.date(2026, 1 + i % 12, 1 + i % 28),
            i + 0.5,
            [Reason("no next step", 12.0), Reason("pushed twice", 8)],
            {"stale": (i, i / 4)},
        )
        for i in range(300)
    ]
    back = from_jsonable(list[Deal], to_jsonable(deals))
    assert back == deals
    assert back[7].close == dt.date(2026, 8, 8)
    assert isinstance(back[7].reasons[1].points, float)  # stored as 8, read as 8.0
    assert back[7].by_signal == {"stale": (7, 1.75)}


def test_classes_sharing_field_names_keep_their_own_types() -> None:
    first = from_jsonable(Deal, {"crm_id": "006x", "close": "2026-03-04", "score": 1})
    second = from_jsonable(Other, {"crm_id": 5, "close": "2026-03-04T10:00:00"})
    assert first.close == dt.date(2026, 3, 4)
    assert second.close == dt.datetime(2026, 3, 4, 10, 0)
    assert (first.crm_id, second.crm_id) == ("006x", 5)
