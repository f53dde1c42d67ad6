"""Reading evaluations from the engagement file, and starting one from a template.

The newest evaluation is the current one. Names typed by a user (vendor, criterion,
evaluator) are matched case-insensitively, exactly or by an unambiguous start
("chorus" finds "Chorus (ZoomInfo)").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from workbench.errors import WorkbenchError
from workbench.evaluation.model import (
    Criterion,
    Evaluator,
    Licence,
    Matrix,
    PilotMetric,
    PilotResult,
    ScaleLevel,
    Score,
    SubCriterion,
    TcoInput,
    Vendor,
)
from workbench.evaluation.templates import load_template
from workbench.models import Engagement, now_iso

T = TypeVar("T")

NO_EVALUATION = (
    "This engagement has no platform evaluation yet; start one with "
    "'workbench evaluate FILE --template conversation-intelligence' "
    "(or revenue-intelligence)."
)


def current_evaluation_id(eng: Engagement) -> int | None:
    """The id of the newest evaluation, or None when there is none."""
    row = eng.conn.execute("SELECT max(id) FROM evaluations").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def create_evaluation(eng: Engagement, template: str, name: str | None = None) -> int:
    """Start a new evaluation from a template; it becomes the current one. Returns its id."""
    tpl = load_template(template)
    stamp = now_iso()
    with eng.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO evaluations (name, template, title, platform_options, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                name or tpl.title,
                tpl.name,
                tpl.title,
                json.dumps(tpl.platform_options),
                stamp,
                stamp,
            ),
        )
        eid = int(cur.lastrowid)
        conn.executemany(
            "INSERT INTO evaluation_scale (evaluation_id, level, label, description) "
            "VALUES (?, ?, ?, ?)",
            [(eid, s["level"], s["label"], s.get("description", "")) for s in tpl.scale],
        )
        criterion_ids: dict[str, int] = {}
        for pos, c in enumerate(tpl.criteria):
            cur = conn.execute(
                "INSERT INTO evaluation_criteria (evaluation_id, name, description, weight, "
                "position, derived_from) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    eid,
                    c["name"],
                    c.get("description", ""),
                    float(c["weight"]),
                    pos,
                    c.get("derived_from"),
                ),
            )
            criterion_ids[c["name"]] = int(cur.lastrowid)
            for sub_pos, sub in enumerate(c.get("subcriteria", [])):
                conn.execute(
                    "INSERT INTO evaluation_criteria (evaluation_id, parent_id, name, weight, "
                    "position) VALUES (?, ?, ?, 0, ?)",
                    (eid, cur.lastrowid, sub, sub_pos),
                )
        for pos, v in enumerate(tpl.vendors):
            cur = conn.execute(
                "INSERT INTO evaluation_vendors (evaluation_id, name, platform_option, position) "
                "VALUES (?, ?, ?, ?)",
                (eid, v["name"], v.get("platform_option", ""), pos),
            )
            vendor_id = int(cur.lastrowid)
            conn.execute("INSERT INTO evaluation_tco (vendor_id) VALUES (?)", (vendor_id,))
            conn.executemany(
                "INSERT INTO evaluation_tco_licences (vendor_id, role) VALUES (?, ?)",
                [(vendor_id, role) for role in tpl.tco_roles],
            )
        conn.executemany(
            "INSERT INTO evaluation_evaluators (evaluation_id, name, role, position) "
            "VALUES (?, ?, ?, ?)",
            [(eid, e["name"], e.get("role", ""), pos) for pos, e in enumerate(tpl.evaluators)],
        )
        conn.executemany(
            "INSERT INTO evaluation_pilot_metrics (evaluation_id, name, criterion_id, position) "
            "VALUES (?, ?, ?, ?)",
            [
                (eid, m["name"], criterion_ids.get(m.get("criterion", "")), pos)
                for pos, m in enumerate(tpl.pilot_metrics)
            ],
        )
        # the new evaluation is the current one and has no selection yet (lifecycle gate)
        eng.set_setting("evaluation.selected_vendor", None)
        eng.touch()
    return eid


def load_matrix(eng: Engagement, evaluation_id: int | None = None) -> Matrix:
    """Read one evaluation (the current one by default) with all its inputs."""
    eid = evaluation_id if evaluation_id is not None else current_evaluation_id(eng)
    if eid is None:
        raise WorkbenchError(NO_EVALUATION)
    conn = eng.conn
    row = conn.execute(
        "SELECT id, name, template, tco_years, pricing_step_pct, pricing_from_tco, "
        "selected_vendor, decision_note, platform_options FROM evaluations WHERE id = ?",
        (eid,),
    ).fetchone()
    if row is None:
        raise WorkbenchError(f"Evaluation {eid} does not exist in {eng.path.name}.")
    scale = [
        ScaleLevel(*r)
        for r in conn.execute(
            "SELECT level, label, description FROM evaluation_scale WHERE evaluation_id = ? "
            "ORDER BY level",
            (eid,),
        )
    ]
    criteria: list[Criterion] = []
    subs: dict[int, list[SubCriterion]] = {}
    for cid, parent, name, desc, weight, pos, derived in conn.execute(
        "SELECT id, parent_id, name, description, weight, position, derived_from "
        "FROM evaluation_criteria WHERE evaluation_id = ? ORDER BY position, id",
        (eid,),
    ):
        if parent is None:
            criteria.append(Criterion(cid, name, float(weight), desc, pos, derived))
        else:
            subs.setdefault(parent, []).append(SubCriterion(cid, name, desc))
    for c in criteria:
        c.subcriteria = subs.get(c.id, [])
    vendors = [
        Vendor(*r)
        for r in conn.execute(
            "SELECT id, name, platform_option, notes, position FROM evaluation_vendors "
            "WHERE evaluation_id = ? ORDER BY position, id",
            (eid,),
        )
    ]
    evaluators = [
        Evaluator(*r)
        for r in conn.execute(
            "SELECT id, name, role, position FROM evaluation_evaluators WHERE evaluation_id = ? "
            "ORDER BY position, id",
            (eid,),
        )
    ]
    scores = [
        Score(*r)
        for r in conn.execute(
            "SELECT evaluator_id, vendor_id, criterion_id, score, evidence FROM evaluation_scores "
            "WHERE evaluation_id = ?",
            (eid,),
        )
    ]
    metrics = [
        PilotMetric(*r)
        for r in conn.execute(
            "SELECT id, name, criterion_id, position FROM evaluation_pilot_metrics "
            "WHERE evaluation_id = ? ORDER BY position, id",
            (eid,),
        )
    ]
    pilot = [
        PilotResult(*r)
        for r in conn.execute(
            "SELECT r.metric_id, r.vendor_id, r.rating, r.measured, r.note "
            "FROM evaluation_pilot_results r JOIN evaluation_pilot_metrics m ON m.id = r.metric_id "
            "WHERE m.evaluation_id = ?",
            (eid,),
        )
    ]
    tco: dict[int, TcoInput] = {}
    for vid, impl, integ, train, disc, note in conn.execute(
        "SELECT t.vendor_id, implementation, integration, training, discount_pct, note "
        "FROM evaluation_tco t JOIN evaluation_vendors v ON v.id = t.vendor_id "
        "WHERE v.evaluation_id = ?",
        (eid,),
    ):
        tco[vid] = TcoInput(vid, [], float(impl), float(integ), float(train), float(disc), note)
    for vid, role, seats, price in conn.execute(
        "SELECT l.vendor_id, role, seats, price_per_seat_year FROM evaluation_tco_licences l "
        "JOIN evaluation_vendors v ON v.id = l.vendor_id WHERE v.evaluation_id = ? "
        "ORDER BY l.rowid",
        (eid,),
    ):
        tco.setdefault(vid, TcoInput(vid)).licences.append(Licence(role, int(seats), float(price)))
    return Matrix(
        id=row[0],
        name=row[1],
        template=row[2],
        scale=scale,
        criteria=criteria,
        vendors=vendors,
        evaluators=evaluators,
        scores=scores,
        pilot_metrics=metrics,
        pilot_results=pilot,
        tco=tco,
        tco_years=int(row[3]),
        pricing_step_pct=float(row[4]),
        pricing_from_tco=bool(row[5]),
        selected_vendor=row[6],
        decision_note=row[7] or "",
        currency=eng.meta().currency,
        platform_options=json.loads(row[8] or "{}"),
    )


def resolve(items: Sequence[T], name: str, kind: str) -> T:
    """Find the item whose ``name`` matches (case-insensitive, exact or unique start)."""
    wanted = name.strip().casefold()
    exact = [it for it in items if it.name.casefold() == wanted]  # type: ignore[attr-defined]
    if exact:
        return exact[0]
    starts = [it for it in items if it.name.casefold().startswith(wanted)]  # type: ignore[attr-defined]
    if len(starts) == 1 and wanted:
        return starts[0]
    names = ", ".join(it.name for it in items)  # type: ignore[attr-defined]
    if len(starts) > 1:
        raise WorkbenchError(
            f"{kind.capitalize()} {name!r} is ambiguous; it could be: "
            f"{', '.join(it.name for it in starts)}."
        )  # type: ignore[attr-defined]
    raise WorkbenchError(f"Unknown {kind} {name!r}; this evaluation has: {names}.")
