"""Looking at a file before importing it: layout, entity, profile, mapping, problems."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from workbench.errors import WorkbenchError
from workbench.importers.columns import convert_column
from workbench.importers.plan import make_plan
from workbench.importers.profiles import known_names
from workbench.importers.records import Detection
from workbench.importers.sources import make_workdir, open_source
from workbench.models import Engagement

PREVIEW_ROWS = 20


def detect(
    source: Path | str,
    *,
    entity: str | None = None,
    sheet: str | None = None,
    eng: Engagement | None = None,
    profile: str = "auto",
    mapping: dict[str, str] | None = None,
) -> Detection:
    """Read the top of ``source`` and say how it would be imported.

    Never raises for headers it does not understand: the result then has
    ``missing_required`` filled and a partial ``mapping`` for the user to complete.
    Raises ``WorkbenchError`` only when the file cannot be read at all.
    """
    path = Path(source)
    fallback = eng.meta().date_order if eng is not None else "MDY"
    with make_workdir() as tmp:
        src = open_source(path, Path(tmp), set(known_names()), sheet)
        try:
            layout = src.layout()
        finally:
            close = getattr(src, "close", None)
            if close:
                close()
    plan = make_plan(
        eng,
        layout.columns,
        layout.head,
        path.name,
        entity=entity,
        profile=profile,
        mapping=mapping,
        fallback_order=fallback,
        strict=False,
    )
    head = layout.head
    problems: list[str] = []
    first_data_row = layout.header_row + 2
    for name, pos in plan.index.items():
        f = plan.spec.field(name)
        if f.type in ("text", "ref") or not head:
            continue
        conv = convert_column(pa.array([r[pos] for r in head], pa.string()), f.type, plan.order)
        for i, reason in sorted(conv.bad.items()):
            problems.append(f"row {first_data_row + i}, column {plan.mapping[name]}: {reason}")
    if plan.missing_required:
        problems.insert(0, "Not mapped yet (required): " + ", ".join(plan.missing_required))
    mapped = set(plan.mapping.values())
    return Detection(
        source_name=path.name,
        kind=layout.kind,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        sheets=layout.sheets,
        sheet=layout.sheet,
        header_row=layout.header_row,
        columns=layout.columns,
        entity=plan.spec.name,
        profile=plan.profile if plan.mapping else "unknown",
        mapping=plan.mapping,
        unmapped_columns=[c for c in layout.columns if c not in mapped],
        preview_rows=head[:PREVIEW_ROWS],
        problems=problems,
        date_order=plan.order.order,
        date_order_ambiguous=plan.order.ambiguous,
        missing_required=plan.missing_required,
        notes=plan.notes,
    )


__all__ = ["detect", "WorkbenchError"]
