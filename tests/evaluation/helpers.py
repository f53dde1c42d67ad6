"""Build small evaluation matrices in memory for hand-checked tests."""

from __future__ import annotations

from workbench.evaluation.model import (
    Criterion,
    Evaluator,
    Licence,
    Matrix,
    ScaleLevel,
    Score,
    TcoInput,
    Vendor,
)


def make_matrix(
    weights: dict[str, float],
    scores: dict[str, dict[str, list[int | None]]],
    evaluators: tuple[str, ...] = ("RevOps",),
    derived: dict[str, str] | None = None,
) -> Matrix:
    """A Matrix with the given weights (percent) and scores[vendor][criterion] per evaluator."""
    criteria = [
        Criterion(i + 1, name, w, derived_from=(derived or {}).get(name))
        for i, (name, w) in enumerate(weights.items())
    ]
    vendors = [Vendor(100 + j, name) for j, name in enumerate(scores)]
    people = [Evaluator(200 + k, name) for k, name in enumerate(evaluators)]
    rows = []
    for v in vendors:
        for c in criteria:
            for e, value in zip(people, scores[v.name].get(c.name, []), strict=False):
                if value is not None:
                    rows.append(Score(e.id, v.id, c.id, value, ""))
    return Matrix(
        id=1,
        name="test",
        template="conversation-intelligence",
        scale=[ScaleLevel(i, str(i)) for i in range(1, 6)],
        criteria=criteria,
        vendors=vendors,
        evaluators=people,
        scores=rows,
        tco={v.id: TcoInput(v.id, [Licence("Rep")]) for v in vendors},
    )
