"""Changing an evaluation: weights, scores, vendors, criteria, TCO, pilot, decision.

Every function validates first and writes inside ``eng.atomic()``, so a bad value
raises ``WorkbenchError`` with a plain message and changes nothing; callers that make
several changes wrap them in one outer ``eng.atomic()`` to make them all-or-nothing.
"""

from __future__ import annotations

import math

from workbench.errors import WorkbenchError
from workbench.evaluation.model import SCORE_MAX, SCORE_MIN, Matrix
from workbench.evaluation.store import load_matrix, resolve
from workbench.models import Engagement, now_iso

TCO_MONEY_FIELDS = ("implementation", "integration", "training")
TCO_FIELDS_HELP = (
    "implementation, integration, training (one-off amounts), discount (percent off "
    "licences), seats.ROLE, price.ROLE (yearly price per seat), e.g. price.Rep=1200"
)
PILOT_EVALUATOR = "Pilot"


# How a vendor would be deployed: one platform, two platforms, or the CRM's own tool.
PLATFORM_OPTIONS = ("single", "dual", "crm-native")


def parse_score(text: str | int | float, where: str = "") -> int:
    """A whole-number score 1-5 from user text, or a plain error naming the value."""
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    if not (value.is_integer() and SCORE_MIN <= value <= SCORE_MAX):
        suffix = f" ({where})" if where else ""
        raise WorkbenchError(
            f"Score {text!r}{suffix} is not a whole number from {SCORE_MIN} to {SCORE_MAX}."
        )
    return int(value)


def parse_number(
    text: str | int | float, what: str, *, low: float = 0.0, high: float = math.inf
) -> float:
    """A number within [low, high] from user text (commas as thousands allowed)."""
    try:
        value = float(str(text).strip().replace(",", "").rstrip("%"))
    except ValueError:
        raise WorkbenchError(f"{what} {text!r} is not a number.") from None
    if not math.isfinite(value) or not low <= value <= high:
        top = "" if high == math.inf else f" and {high:g}"
        raise WorkbenchError(f"{what} {text!r} must be between {low:g}{top}.")
    return value


def _stamp(eng: Engagement, eid: int) -> None:
    eng.conn.execute("UPDATE evaluations SET updated_at = ? WHERE id = ?", (now_iso(), eid))
    eng.touch()


def set_weights(eng: Engagement, matrix: Matrix, weights: dict[str, float | str]) -> None:
    """Set criteria weights in percent by criterion name (the sum is checked at ranking)."""
    resolved = [
        (
            resolve(matrix.criteria, name, "criterion"),
            parse_number(pct, f"Weight for {name}", high=100.0),
        )
        for name, pct in weights.items()
    ]
    with eng.atomic() as conn:
        for criterion, pct in resolved:
            conn.execute(
                "UPDATE evaluation_criteria SET weight = ? WHERE id = ?", (pct, criterion.id)
            )
        _stamp(eng, matrix.id)


def set_score(
    eng: Engagement,
    matrix: Matrix,
    vendor: str,
    criterion: str,
    score: str | int | None,
    evaluator: str | None = None,
    evidence: str | None = None,
) -> str:
    """Record one evaluator's score (None clears it); returns the evaluator's name.

    Without ``evaluator`` the first evaluator of the evaluation is used. ``evidence``
    None keeps the existing note.
    """
    v = resolve(matrix.vendors, vendor, "vendor")
    c = resolve(matrix.criteria, criterion, "criterion")
    if evaluator is None:
        if not matrix.evaluators:
            raise WorkbenchError("This evaluation has no evaluators; add one first.")
        e = matrix.evaluators[0]
    else:
        e = resolve(matrix.evaluators, evaluator, "evaluator")
    with eng.atomic() as conn:
        if score is None:
            conn.execute(
                "DELETE FROM evaluation_scores WHERE evaluator_id = ? AND vendor_id = ? "
                "AND criterion_id = ?",
                (e.id, v.id, c.id),
            )
        else:
            value = parse_score(score, f"{v.name} / {c.name}")
            conn.execute(
                "INSERT INTO evaluation_scores (evaluation_id, evaluator_id, vendor_id, "
                "criterion_id, score, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (evaluator_id, vendor_id, criterion_id) DO UPDATE SET "
                "score = excluded.score, updated_at = excluded.updated_at, evidence = "
                "CASE WHEN ? THEN excluded.evidence ELSE evidence END",
                (
                    matrix.id,
                    e.id,
                    v.id,
                    c.id,
                    value,
                    evidence or "",
                    now_iso(),
                    evidence is not None,
                ),
            )
        _stamp(eng, matrix.id)
    return v.name, c.name, e.name


def set_tco(eng: Engagement, matrix: Matrix, vendor: str, field: str, value: str | float) -> None:
    """Set one TCO input of a vendor (``*`` = every vendor); see ``TCO_FIELDS_HELP``."""
    vendors = (
        matrix.vendors if vendor.strip() == "*" else [resolve(matrix.vendors, vendor, "vendor")]
    )
    key = field.strip()
    lowered = key.casefold()
    with eng.atomic() as conn:
        for v in vendors:
            conn.execute("INSERT OR IGNORE INTO evaluation_tco (vendor_id) VALUES (?)", (v.id,))
            if lowered in TCO_MONEY_FIELDS:
                amount = parse_number(value, f"{key} for {v.name}")
                conn.execute(
                    f"UPDATE evaluation_tco SET {lowered} = ? WHERE vendor_id = ?", (amount, v.id)
                )
            elif lowered in ("discount", "discount_pct"):
                pct = parse_number(value, f"Discount for {v.name}", high=100.0)
                conn.execute(
                    "UPDATE evaluation_tco SET discount_pct = ? WHERE vendor_id = ?", (pct, v.id)
                )
            elif lowered.startswith(("seats.", "price.")) and len(key) > 6:
                kind, role = key.split(".", 1)
                role = _licence_role(matrix, v.id, role.strip())
                conn.execute(
                    "INSERT OR IGNORE INTO evaluation_tco_licences (vendor_id, role) VALUES (?, ?)",
                    (v.id, role),
                )
                if kind.casefold() == "seats":
                    seats = parse_number(value, f"Seats of {role} for {v.name}")
                    if seats != int(seats):
                        raise WorkbenchError(
                            f"Seats of {role} for {v.name} must be a whole number, not {value!r}."
                        )
                    conn.execute(
                        "UPDATE evaluation_tco_licences SET seats = ? WHERE "
                        "vendor_id = ? AND role = ?",
                        (int(seats), v.id, role),
                    )
                else:
                    price = parse_number(value, f"Price per {role} seat for {v.name}")
                    conn.execute(
                        "UPDATE evaluation_tco_licences SET price_per_seat_year = ? "
                        "WHERE vendor_id = ? AND role = ?",
                        (price, v.id, role),
                    )
            else:
                raise WorkbenchError(f"Unknown TCO field {field!r}; use {TCO_FIELDS_HELP}.")
        _stamp(eng, matrix.id)


def _licence_role(matrix: Matrix, vendor_id: int, role: str) -> str:
    """An existing role spelled as stored (case-insensitive), or the new role as typed."""
    known = {lic.role.casefold(): lic.role for t in matrix.tco.values() for lic in t.licences}
    return known.get(role.casefold(), role)


def set_evaluation_options(
    eng: Engagement,
    matrix: Matrix,
    *,
    tco_years: int | None = None,
    pricing_step_pct: float | None = None,
    pricing_from_tco: bool | None = None,
) -> None:
    """Change the TCO term (years), the pricing rule's step, or whether TCO sets pricing."""
    with eng.atomic() as conn:
        if tco_years is not None:
            if not 1 <= int(tco_years) <= 10:
                raise WorkbenchError(f"The TCO term must be 1 to 10 years, not {tco_years}.")
            conn.execute(
                "UPDATE evaluations SET tco_years = ? WHERE id = ?", (int(tco_years), matrix.id)
            )
        if pricing_step_pct is not None:
            if not 0 < pricing_step_pct <= 1000:
                raise WorkbenchError("The pricing step must be a positive percentage, e.g. 20.")
            conn.execute(
                "UPDATE evaluations SET pricing_step_pct = ? WHERE id = ?",
                (float(pricing_step_pct), matrix.id),
            )
        if pricing_from_tco is not None:
            conn.execute(
                "UPDATE evaluations SET pricing_from_tco = ? WHERE id = ?",
                (int(bool(pricing_from_tco)), matrix.id),
            )
        _stamp(eng, matrix.id)


SELECTION_SETTING = "evaluation.selected_vendor"


def sync_selection_setting(eng: Engagement, name: str | None) -> None:
    """Mirror the current evaluation's selection into the engagement settings.

    ``evaluations.selected_vendor`` is the record; the setting is what the lifecycle
    gate "platform selected" also reads, so both always say the same.
    """
    eng.set_setting(SELECTION_SETTING, name)


def select_vendor(eng: Engagement, matrix: Matrix, vendor: str | None, note: str = "") -> None:
    """Record the platform the customer selected (None clears it) with a decision note."""
    name = resolve(matrix.vendors, vendor, "vendor").name if vendor else None
    with eng.atomic() as conn:
        conn.execute(
            "UPDATE evaluations SET selected_vendor = ?, decision_note = ?, selected_at = ? "
            "WHERE id = ?",
            (name, note if name else "", now_iso() if name else None, matrix.id),
        )
        sync_selection_setting(eng, name)
        _stamp(eng, matrix.id)


def add_vendor(eng: Engagement, matrix: Matrix, name: str, platform_option: str = "") -> None:
    """Add a candidate vendor with empty TCO inputs for the evaluation's licence roles."""
    name = name.strip()
    if not name:
        raise WorkbenchError("A vendor needs a name.")
    if any(v.name.casefold() == name.casefold() for v in matrix.vendors):
        raise WorkbenchError(f"{name} is already a vendor in this evaluation.")
    if platform_option and platform_option not in PLATFORM_OPTIONS:
        raise WorkbenchError(
            f"Platform option {platform_option!r} is not {', '.join(PLATFORM_OPTIONS[:-1])} "
            f"or {PLATFORM_OPTIONS[-1]}."
        )
    roles = list(dict.fromkeys(lic.role for t in matrix.tco.values() for lic in t.licences))
    with eng.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO evaluation_vendors (evaluation_id, name, platform_option, position) "
            "VALUES (?, ?, ?, ?)",
            (matrix.id, name, platform_option, len(matrix.vendors)),
        )
        conn.execute("INSERT INTO evaluation_tco (vendor_id) VALUES (?)", (cur.lastrowid,))
        conn.executemany(
            "INSERT INTO evaluation_tco_licences (vendor_id, role) VALUES (?, ?)",
            [(cur.lastrowid, r) for r in roles],
        )
        _stamp(eng, matrix.id)


def remove_vendor(eng: Engagement, matrix: Matrix, name: str) -> None:
    """Remove a vendor with its scores, pilot results and costs."""
    v = resolve(matrix.vendors, name, "vendor")
    with eng.atomic() as conn:
        conn.execute("DELETE FROM evaluation_vendors WHERE id = ?", (v.id,))
        if matrix.selected_vendor == v.name:
            conn.execute("UPDATE evaluations SET selected_vendor = NULL WHERE id = ?", (matrix.id,))
            sync_selection_setting(eng, None)
        _stamp(eng, matrix.id)


def add_criterion(
    eng: Engagement, matrix: Matrix, name: str, weight: float = 0.0, description: str = ""
) -> None:
    """Add a criterion (weights then need re-balancing to sum to 100%)."""
    name = name.strip()
    if not name:
        raise WorkbenchError("A criterion needs a name.")
    if any(c.name.casefold() == name.casefold() for c in matrix.criteria):
        raise WorkbenchError(f"{name} is already a criterion in this evaluation.")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluation_criteria (evaluation_id, name, description, weight, position) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                matrix.id,
                name,
                description,
                parse_number(weight, f"Weight for {name}", high=100),
                len(matrix.criteria),
            ),
        )
        _stamp(eng, matrix.id)


def remove_criterion(eng: Engagement, matrix: Matrix, name: str) -> None:
    """Remove a criterion with its sub-criteria and scores."""
    c = resolve(matrix.criteria, name, "criterion")
    with eng.atomic() as conn:
        conn.execute("DELETE FROM evaluation_criteria WHERE id = ?", (c.id,))
        _stamp(eng, matrix.id)


def add_evaluator(eng: Engagement, matrix: Matrix, name: str, role: str = "") -> None:
    """Add an evaluator who scores independently."""
    name = name.strip()
    if not name:
        raise WorkbenchError("An evaluator needs a name.")
    if any(e.name.casefold() == name.casefold() for e in matrix.evaluators):
        raise WorkbenchError(f"{name} is already an evaluator in this evaluation.")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluation_evaluators (evaluation_id, name, role, position) "
            "VALUES (?, ?, ?, ?)",
            (matrix.id, name, role, len(matrix.evaluators)),
        )
        _stamp(eng, matrix.id)


def set_scale_level(
    eng: Engagement, matrix: Matrix, level: int, label: str, description: str
) -> None:
    """Reword one level of the 1-5 score scale."""
    level = parse_score(level, "scale level")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluation_scale (evaluation_id, level, label, description) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (evaluation_id, level) DO UPDATE SET "
            "label = excluded.label, description = excluded.description",
            (matrix.id, level, label, description),
        )
        _stamp(eng, matrix.id)


def set_pilot_result(
    eng: Engagement,
    matrix: Matrix,
    vendor: str,
    metric: str,
    rating: str | int,
    measured: str = "",
    note: str = "",
) -> None:
    """Record a vendor's pilot rating (1-5) on a pilot measure, with the measured value."""
    v = resolve(matrix.vendors, vendor, "vendor")
    m = resolve(matrix.pilot_metrics, metric, "pilot measure")
    value = parse_score(rating, f"pilot {m.name} for {v.name}")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluation_pilot_results (metric_id, vendor_id, rating, measured, note, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (metric_id, vendor_id) DO UPDATE "
            "SET rating = excluded.rating, measured = excluded.measured, note = excluded.note, "
            "updated_at = excluded.updated_at",
            (m.id, v.id, value, measured, note, now_iso()),
        )
        _stamp(eng, matrix.id)


def apply_pilot(eng: Engagement, matrix: Matrix) -> int:
    """Feed pilot ratings into the scores as one more evaluator named "Pilot".

    Rule: for each vendor and criterion that pilot measures map to, the Pilot
    evaluator's score is the mean of those measures' ratings, rounded half up to a
    whole number; the evidence lists each measure with its measured value. The pilot
    therefore counts as one evaluator in the consensus mean. Returns the number of
    scores written (earlier Pilot scores are replaced).
    """
    by_cell: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
    metrics = {m.id: m for m in matrix.pilot_metrics}
    for r in matrix.pilot_results:
        m = metrics[r.metric_id]
        if m.criterion_id is not None:
            by_cell.setdefault((r.vendor_id, m.criterion_id), []).append(
                (m.name, r.rating, r.measured)
            )
    if not by_cell:
        raise WorkbenchError(
            "No pilot results mapped to criteria yet; record them first "
            "(pilot measure ratings 1-5 per vendor)."
        )
    with eng.atomic() as conn:
        row = conn.execute(
            "SELECT id FROM evaluation_evaluators WHERE evaluation_id = ? AND name = ?",
            (matrix.id, PILOT_EVALUATOR),
        ).fetchone()
        if row is None:
            cur = conn.execute(
                "INSERT INTO evaluation_evaluators (evaluation_id, name, role, position) "
                "VALUES (?, ?, 'pilot results', ?)",
                (matrix.id, PILOT_EVALUATOR, len(matrix.evaluators)),
            )
            pilot_id = int(cur.lastrowid)
        else:
            pilot_id = int(row[0])
        conn.execute("DELETE FROM evaluation_scores WHERE evaluator_id = ?", (pilot_id,))
        stamp = now_iso()
        for (vendor_id, criterion_id), items in by_cell.items():
            mean = sum(rating for _, rating, _ in items) / len(items)
            score = int(math.floor(mean + 0.5))
            evidence = "Pilot: " + "; ".join(
                f"{name} {rating}/5" + (f" ({measured})" if measured else "")
                for name, rating, measured in items
            )
            conn.execute(
                "INSERT INTO evaluation_scores (evaluation_id, evaluator_id, vendor_id, "
                "criterion_id, score, evidence, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (matrix.id, pilot_id, vendor_id, criterion_id, score, evidence, stamp),
            )
        _stamp(eng, matrix.id)
    return len(by_cell)


def reload(eng: Engagement, matrix: Matrix) -> Matrix:
    """The same evaluation re-read after changes."""
    return load_matrix(eng, matrix.id)


def rename_vendor(eng: Engagement, matrix: Matrix, old: str, new: str) -> None:
    """Rename a vendor (the recorded selection follows the new name)."""
    v = resolve(matrix.vendors, old, "vendor")
    new = new.strip()
    if not new:
        raise WorkbenchError("A vendor needs a name.")
    if any(x.name.casefold() == new.casefold() and x.id != v.id for x in matrix.vendors):
        raise WorkbenchError(f"{new} is already a vendor in this evaluation.")
    with eng.atomic() as conn:
        conn.execute("UPDATE evaluation_vendors SET name = ? WHERE id = ?", (new, v.id))
        if matrix.selected_vendor == v.name:
            conn.execute(
                "UPDATE evaluations SET selected_vendor = ? WHERE id = ?", (new, matrix.id)
            )
            sync_selection_setting(eng, new)
        _stamp(eng, matrix.id)


def rename_criterion(
    eng: Engagement, matrix: Matrix, old: str, new: str, description: str | None = None
) -> None:
    """Rename a criterion and optionally reword its description."""
    c = resolve(matrix.criteria, old, "criterion")
    new = new.strip()
    if not new:
        raise WorkbenchError("A criterion needs a name.")
    if any(x.name.casefold() == new.casefold() and x.id != c.id for x in matrix.criteria):
        raise WorkbenchError(f"{new} is already a criterion in this evaluation.")
    with eng.atomic() as conn:
        conn.execute(
            "UPDATE evaluation_criteria SET name = ?, description = ? WHERE id = ?",
            (new, c.description if description is None else description, c.id),
        )
        _stamp(eng, matrix.id)


def add_subcriterion(eng: Engagement, matrix: Matrix, criterion: str, text: str) -> None:
    """Add a point the evaluators check under a criterion."""
    c = resolve(matrix.criteria, criterion, "criterion")
    text = text.strip()
    if not text:
        raise WorkbenchError("A sub-criterion needs a text.")
    if any(s.name.casefold() == text.casefold() for s in c.subcriteria):
        raise WorkbenchError(f"{c.name} already has the sub-criterion {text!r}.")
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO evaluation_criteria (evaluation_id, parent_id, name, weight, "
            "position) VALUES (?, ?, ?, 0, ?)",
            (matrix.id, c.id, text, len(c.subcriteria)),
        )
        _stamp(eng, matrix.id)


def remove_subcriterion(eng: Engagement, matrix: Matrix, criterion: str, text: str) -> None:
    """Remove a sub-criterion of a criterion."""
    c = resolve(matrix.criteria, criterion, "criterion")
    s = resolve(c.subcriteria, text, f"sub-criterion of {c.name}")
    with eng.atomic() as conn:
        conn.execute("DELETE FROM evaluation_criteria WHERE id = ?", (s.id,))
        _stamp(eng, matrix.id)
