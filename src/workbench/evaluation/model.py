"""The records of a platform evaluation, as plain dataclasses.

A ``Matrix`` is everything one evaluation holds (criteria, vendors, evaluators,
scores, pilot results, TCO inputs). It is loaded from the engagement by
``store.load_matrix`` and is what every calculation takes, so the GUI can edit a
copy and recompute totals live without touching the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCORE_MIN = 1
SCORE_MAX = 5
WEIGHT_TOLERANCE_PCT = 0.01  # weights within 0.01 point of 100% count as summing to 100%


@dataclass
class ScaleLevel:
    """One level of the 1-5 score scale and what it means."""

    level: int
    label: str
    description: str = ""


@dataclass
class SubCriterion:
    """A point the evaluators check under a criterion (guidance; not scored separately)."""

    id: int
    name: str
    description: str = ""


@dataclass
class Criterion:
    """A weighted criterion; ``weight`` is in percent (25.0 = 25%)."""

    id: int
    name: str
    weight: float
    description: str = ""
    position: int = 0
    derived_from: str | None = None  # "tco": scored from the TCO sheet when costs exist
    subcriteria: list[SubCriterion] = field(default_factory=list)


@dataclass
class Vendor:
    """A candidate platform (or platform combination, e.g. a dual stack)."""

    id: int
    name: str
    platform_option: str = ""
    notes: str = ""
    position: int = 0


@dataclass
class Evaluator:
    """Someone who scores the vendors independently (RevOps, sales manager, IT...)."""

    id: int
    name: str
    role: str = ""
    position: int = 0


@dataclass
class Score:
    """One evaluator's whole-number score (1-5) of one vendor on one criterion."""

    evaluator_id: int
    vendor_id: int
    criterion_id: int
    score: int
    evidence: str = ""


@dataclass
class PilotMetric:
    """A pilot measure (e.g. transcription accuracy) and the criterion it can feed."""

    id: int
    name: str
    criterion_id: int | None = None
    position: int = 0


@dataclass
class PilotResult:
    """A vendor's rating (1-5) on a pilot measure, with the measured value and a note."""

    metric_id: int
    vendor_id: int
    rating: int
    measured: str = ""
    note: str = ""


@dataclass
class Licence:
    """Seats of one role and their yearly price per seat."""

    role: str
    seats: int = 0
    price_per_seat_year: float = 0.0


@dataclass
class TcoInput:
    """A vendor's cost inputs; one-off costs are in the engagement currency."""

    vendor_id: int
    licences: list[Licence] = field(default_factory=list)
    implementation: float = 0.0
    integration: float = 0.0
    training: float = 0.0
    discount_pct: float = 0.0  # applied to licence costs only
    note: str = ""


@dataclass
class Matrix:
    """One evaluation with all its inputs."""

    id: int
    name: str
    template: str
    scale: list[ScaleLevel]
    criteria: list[Criterion]
    vendors: list[Vendor]
    evaluators: list[Evaluator]
    scores: list[Score] = field(default_factory=list)
    pilot_metrics: list[PilotMetric] = field(default_factory=list)
    pilot_results: list[PilotResult] = field(default_factory=list)
    tco: dict[int, TcoInput] = field(default_factory=dict)
    tco_years: int = 3
    pricing_step_pct: float = 20.0
    pricing_from_tco: bool = True
    selected_vendor: str | None = None
    decision_note: str = ""
    currency: str = "USD"
    platform_options: dict[str, dict[str, str]] = field(default_factory=dict)

    def criterion(self, criterion_id: int) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def vendor(self, vendor_id: int) -> Vendor:
        return next(v for v in self.vendors if v.id == vendor_id)

    def evaluator(self, evaluator_id: int) -> Evaluator:
        return next(e for e in self.evaluators if e.id == evaluator_id)

    def score_of(self, evaluator_id: int, vendor_id: int, criterion_id: int) -> Score | None:
        for s in self.scores:
            if (s.evaluator_id, s.vendor_id, s.criterion_id) == (
                evaluator_id,
                vendor_id,
                criterion_id,
            ):
                return s
        return None
