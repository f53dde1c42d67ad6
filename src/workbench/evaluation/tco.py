"""Total cost of ownership per vendor and the rule that turns it into a pricing score.

TCO over the term = licences x years x (1 - discount) + implementation + integration
+ training, where licences = sum over roles of seats x yearly price per seat. The
discount applies to licences only (one-off services are rarely discounted the same
way). Cost per seat = TCO / seats; per seat per year = TCO / seats / years.

Pricing score rule (linear against the cheapest): the cheapest vendor scores 5 and
every ``step_pct`` percent above the cheapest TCO costs one point, never below 1:
``score = max(1, 5 - (tco / cheapest - 1) * 100 / step_pct)``. With the default step
of 20%, a vendor 20% dearer scores 4, 50% dearer 2.5, 80% or more dearer 1. Vendors
without cost inputs keep their evaluators' pricing scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.evaluation.model import SCORE_MAX, SCORE_MIN, Matrix, TcoInput


@dataclass
class TcoResult:
    """One vendor's costs over the term, in the engagement currency."""

    vendor: str
    years: int
    seats: int
    licences_per_year: float
    licences_term: float  # after the discount
    discount_pct: float
    implementation: float
    integration: float
    training: float
    one_off: float
    total: float
    per_seat: float | None
    per_seat_year: float | None
    pricing_score: float | None  # None when the vendor has no cost inputs

    @property
    def has_costs(self) -> bool:
        return self.total > 0


def vendor_tco(tco: TcoInput | None, vendor: str, years: int) -> TcoResult:
    """The TCO arithmetic for one vendor (pricing score filled in by ``tco_table``)."""
    tco = tco or TcoInput(vendor_id=0)
    seats = sum(int(lic.seats) for lic in tco.licences)
    per_year = sum(lic.seats * lic.price_per_seat_year for lic in tco.licences)
    licences_term = per_year * years * (1 - tco.discount_pct / 100.0)
    one_off = tco.implementation + tco.integration + tco.training
    total = licences_term + one_off
    return TcoResult(
        vendor=vendor,
        years=years,
        seats=seats,
        licences_per_year=per_year,
        licences_term=licences_term,
        discount_pct=tco.discount_pct,
        implementation=tco.implementation,
        integration=tco.integration,
        training=tco.training,
        one_off=one_off,
        total=total,
        per_seat=total / seats if seats else None,
        per_seat_year=total / seats / years if seats and years else None,
        pricing_score=None,
    )


def pricing_score(total: float, cheapest: float, step_pct: float) -> float:
    """The pricing score (1-5) of a TCO against the cheapest, by the linear rule above."""
    if total <= 0 or cheapest <= 0:
        raise ValueError("pricing score needs positive costs")
    return max(float(SCORE_MIN), SCORE_MAX - (total / cheapest - 1.0) * 100.0 / step_pct)


def tco_table(matrix: Matrix) -> list[TcoResult]:
    """TCO of every vendor in matrix order, with pricing scores where costs exist."""
    rows = [vendor_tco(matrix.tco.get(v.id), v.name, matrix.tco_years) for v in matrix.vendors]
    priced = [r.total for r in rows if r.has_costs]
    if priced:
        cheapest = min(priced)
        for r in rows:
            if r.has_costs:
                r.pricing_score = pricing_score(r.total, cheapest, matrix.pricing_step_pct)
    return rows
