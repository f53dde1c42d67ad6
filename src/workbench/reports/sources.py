"""The engagement's data for the documents, read through the capabilities' APIs.

Every function returns what the documents need or ``None`` (with the reason in a
``Missing``) when the data or the capability is not there yet, so a document says
"Not yet available: ..." instead of failing. Capabilities are imported lazily:
the package must build for an engagement that has only just been created.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.reports import playbook
from workbench.reports.context import ReportContext


@dataclass
class Missing:
    """Why a section cannot be filled yet and what the consultant does about it."""

    what: str
    how: str


def optional_attr(module: str, name: str) -> Any | None:
    """``module.name`` if that capability API exists in this build, else None."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


def field_of(obj: Any, *names: str, default: Any = None) -> Any:
    """The first present attribute or key among ``names`` (capability records vary)."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


# ------------------------------------------------------------------ maintenance
@dataclass
class MaintenanceTask:
    cadence: str  # "monthly" | "quarterly"
    task: str
    check: str
    red_flag: str
    action: str = ""
    owner: str = ""


@dataclass
class Maintenance:
    tasks: list[MaintenanceTask]
    owner: str
    handed_off_at: str
    triggers: list[dict] = field(default_factory=list)
    periodic: list[str] = field(default_factory=list)
    source: str = ""


def maintenance(ctx: ReportContext) -> Maintenance:
    """The maintenance framework for this project kind, owner by engagement type."""
    data = playbook.content("maintenance.json")
    kind = data[ctx.kind]
    owner_info = data["owner"][ctx.meta.engagement_type]
    tasks: list[MaintenanceTask] = []
    source = "Workbench maintenance framework (playbook section 4a)"
    api = optional_attr("workbench.audits", "maintenance_tasks")
    triggers = kind["triggers"]
    periodic = kind["periodic"]
    if api is not None:
        try:
            lib = api(ctx.kind, ctx.meta.engagement_type)
        except Exception:  # noqa: BLE001 - an API still changing must not break the package
            lib = None
        if lib is not None:
            for t in list(getattr(lib, "monthly", [])) + list(getattr(lib, "quarterly", [])):
                tasks.append(
                    MaintenanceTask(
                        cadence=str(t.cadence),
                        task=str(t.task),
                        check=str(t.what),
                        red_flag=str(t.red_flag or ""),
                        action=str(t.action or ""),
                        owner=str(t.owner or ""),
                    )
                )
            if getattr(lib, "refinement_triggers", None):
                triggers = [
                    {"trigger": t.trigger, "threshold": t.threshold, "response": t.response}
                    for t in lib.refinement_triggers
                ]
            periodic = list(getattr(lib, "every_6_12_months", None) or periodic)
            if getattr(lib, "owner", ""):
                owner_info = {
                    "owner": lib.owner,
                    "handed_off_at": lib.handed_off_at or owner_info["handed_off_at"],
                }
            if tasks:
                source = "Workbench maintenance library (audits capability)"
    if not tasks:
        for cadence in ("monthly", "quarterly"):
            for item in kind[cadence]:
                tasks.append(
                    MaintenanceTask(
                        cadence,
                        item["task"],
                        item["check"],
                        item["red_flag"],
                        item.get("action", ""),
                    )
                )
    for t in tasks:
        t.owner = t.owner or owner_info["owner"]
    return Maintenance(
        tasks,
        owner_info["owner"],
        owner_info["handed_off_at"],
        triggers,
        periodic,
        source,
    )


# -------------------------------------------------------------------- reminders
@dataclass
class Reminder:
    key: str
    title: str
    day: dt.date
    detail: str = ""
    assumed: bool = False


FOLLOW_UP_WORDS = ("check-in", "follow-up", "hypercare ends")


def reminders(ctx: ReportContext) -> list[Reminder]:
    """Follow-up dates: the refinement check-in and its preparation reminder (dedicated)
    or the 30- and 90-day follow-ups (single project), from the lifecycle capability;
    counted from the export date and marked ASSUMED when no go-live is recorded."""
    api = optional_attr("workbench.lifecycle", "reminders")
    found: list[Reminder] = []
    if api is not None:
        try:
            items = list(api(ctx.eng))
        except Exception:  # noqa: BLE001
            items = []
        for item in items:
            title = str(field_of(item, "title", default=""))
            if not any(w in title.lower() for w in FOLLOW_UP_WORDS):
                continue
            day = field_of(item, "date", "day")
            if isinstance(day, str):
                day = dt.date.fromisoformat(day[:10])
            if not isinstance(day, dt.date):
                continue
            low = title.lower()
            key = (
                "refinement-prep"
                if low.startswith("prepare")
                else "refinement-check-in"
                if "check-in" in low
                else "hypercare-end"
                if "hypercare" in low
                else "follow-up-" + "".join(ch for ch in title.split("-day")[0] if ch.isdigit())
            )
            found.append(
                Reminder(key, title, day, str(field_of(item, "description", default="") or ""))
            )
    has_check_in = any(r.key == "refinement-check-in" for r in found)
    if found and (has_check_in or ctx.meta.engagement_type != "dedicated"):
        return found
    months = playbook.content("maintenance.json")[ctx.kind]["check_in_months"]
    if ctx.meta.engagement_type == "dedicated":
        check_in = _add_days_weekday(ctx.as_of + dt.timedelta(days=round(months * 30.4)))
        return found + [
            Reminder(
                "refinement-check-in",
                "Refinement check-in",
                check_in,
                "Review scoring accuracy, forecast trend and adoption against the success "
                "criteria; decide Architect tweaks or SME scope.",
                assumed=True,
            ),
            Reminder(
                "refinement-prep",
                "Prepare the refinement check-in",
                check_in - dt.timedelta(days=14),
                "Pull forecast accuracy trend, scoring calibration and adoption metrics; "
                "decide whether the Architect or an SME leads; prepare talking points.",
                assumed=True,
            ),
        ]
    return [
        Reminder(
            "follow-up-30",
            "30-day follow-up",
            _add_days_weekday(ctx.as_of + dt.timedelta(days=30)),
            "Adoption, recording coverage and first deal reviews.",
            assumed=True,
        ),
        Reminder(
            "follow-up-90",
            "90-day follow-up",
            _add_days_weekday(ctx.as_of + dt.timedelta(days=90)),
            "Success criteria: baseline against current.",
            assumed=True,
        ),
    ]


def _add_days_weekday(day: dt.date) -> dt.date:
    """Move a weekend date to the next Monday."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------- consent
def consent_plan(ctx: ReportContext) -> list[dict]:
    """The engagement's jurisdictions with their consent rule (all-party first)."""
    data = playbook.content("consent_jurisdictions.json")
    table = {j["code"].upper(): j for j in data["jurisdictions"]}
    rows = []
    for code in ctx.meta.jurisdictions:
        key = code.strip().upper()
        if key in table:
            rows.append(dict(table[key]))
        elif f"US-{key}" in table and len(key) == 2 and key not in table:
            rows.append(dict(table[f"US-{key}"]))
        else:
            rows.append({"code": key, "name": key, "region": "", **data["default"]})
    order = {"all-party": 0, "varies by state": 1, "notice (GDPR)": 2, "notice (UK GDPR)": 2}
    rows.sort(
        key=lambda j: (order.get(j["consent"], 3 if j["consent"] == "one-party" else 2), j["code"])
    )
    return rows


def consent_sources() -> str:
    return playbook.content("consent_jurisdictions.json")["sources"]


# --------------------------------------------------------------- open pipeline
def open_pipeline_scores(ctx: ReportContext) -> list[list[str]] | None:
    """Highest-risk open deals as table rows, or None before scoring exists."""
    from workbench.reports import scoring_sections

    return scoring_sections.open_pipeline_rows(ctx)


# ------------------------------------------------------------- lifecycle: terms
@dataclass
class Definition:
    term: str
    definition: str
    approved: bool | None  # True approved, False rejected, None not decided
    approver: str = ""
    decided_on: str = ""
    note: str = ""
    status: str = "ASSUMED"


def definitions(ctx: ReportContext) -> tuple[list[Definition], Missing | None]:
    """The definition-alignment terms with their approval state (lifecycle capability).

    Without the lifecycle capability, the playbook's recommended terms for this
    project kind are returned, undecided, with a note.
    """
    api = optional_attr("workbench.lifecycle", "definitions")
    items: list[Any] = []
    if api is not None:
        try:
            items = list(api(ctx.eng))
        except Exception:  # noqa: BLE001 - an API still changing must not break the package
            items = []
    if items:
        result = []
        for item in items:
            approved = bool(field_of(item, "approved", default=False))
            status = str(field_of(item, "status", default="ASSUMED") or "ASSUMED")
            result.append(
                Definition(
                    term=str(field_of(item, "term", default="")),
                    definition=str(field_of(item, "definition", default="")),
                    # Workbench records approvals; "not approved" means still undecided.
                    approved=True if approved else None,
                    approver=str(field_of(item, "approver", default="") or ""),
                    decided_on=str(field_of(item, "approved_on", default="") or "")[:10],
                    note=str(field_of(item, "note", default="") or ""),
                    status=status,
                )
            )
        pending = sum(1 for d in result if not d.approved)
        note = None
        if pending:
            note = Missing(
                f"{pending} of {len(result)} terms not yet approved",
                "Record each approval on the Phases page or with workbench lifecycle; "
                "unapproved terms are shaded as ASSUMED.",
            )
        return result, note
    return (
        [Definition(t, d, None) for t, d in playbook.DEFINITIONS[ctx.kind]],
        Missing(
            "Approvals recorded in Workbench",
            "These are the recommended terms, pre-filled for review. Record each decision "
            "in Workbench to print approvals here.",
        ),
    )


class NotAvailable(Exception):  # noqa: N818 - reads as the state of a document
    """A whole file cannot be produced yet (e.g. the evaluation has not been run)."""


@dataclass
class Section:
    """A titled block of a data-driven document: text, a table and/or a chart."""

    title: str
    level: int = 1
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)
    numeric: list[int] | None = None
    widths: list[float] | None = None
    caption: str = ""
    figure: Any = None
    assumed: list[bool] | None = None
    bullets: list[str] = field(default_factory=list)
    figure_width: float = 6.2


@dataclass
class Capture:
    summary: str
    headers: list[str]
    rows: list[list[object]]
    numeric: list[int] | None = None
    widths: list[float] | None = None
    figure: Any = None


@dataclass
class SectionedResult:
    sections: list[Section]
    missing: list[Missing] = field(default_factory=list)


def capture(ctx: ReportContext) -> Capture | Missing:
    """Conversation capture by channel from the audits capability."""
    from workbench.reports import audit_sections

    return audit_sections.capture(ctx)


def baselines(ctx: ReportContext) -> SectionedResult | Missing:
    """Baseline metrics (forecast accuracy by rep/team/segment, win rate...) from audits."""
    from workbench.reports import audit_sections

    return audit_sections.baselines(ctx)


@dataclass
class Criterion:
    kpi: str
    baseline: str
    target: str
    current: str
    status: str
    assumed: bool = False


def _with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "%":
        return f"{value:.1f}%" if abs(value) < 100 else f"{value:.0f}%"
    if unit == "days":
        return f"{value:,.0f} days"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + (f" {unit}" if unit else "")


def _audit_baseline(ctx: ReportContext, key: str) -> tuple[float, str] | None:
    """A KPI's baseline computed by the audits now (not yet recorded as a finding)."""
    from workbench.reports import audit_sections

    if key == "recording_coverage":
        result = audit_sections._audit(ctx, "capture")
        rate = getattr(result, "rate", None)
        return (rate * 100, "capture audit, last 90 days") if rate is not None else None
    attr = {
        "forecast_accuracy": "forecast_accuracy",
        "win_rate": "win_rate",
        "slippage_rate": "slippage_rate",
        "cycle_days": "cycle_mean_days",
    }.get(key)
    if attr is None:
        return None
    result = audit_sections._audit(ctx, "baselines")
    row = result.row("ALL") if hasattr(result, "row") else None
    value = getattr(row, attr, None) if row is not None else None
    if value is None:
        return None
    value = value if attr == "cycle_mean_days" else value * 100
    return value, "baselines audit, last four quarters"


def success_criteria(ctx: ReportContext) -> tuple[list[Criterion], Missing | None]:
    """Success KPIs from the lifecycle capability, else the playbook defaults."""
    api = optional_attr("workbench.lifecycle", "criteria")
    items: list[Any] = []
    if api is not None:
        try:
            items = [c for c in api(ctx.eng) if field_of(c, "included", default=True)]
        except Exception:  # noqa: BLE001
            items = []
    if items:
        rows = []
        for c in items:
            unit = str(field_of(c, "unit", default="") or "")
            baseline = field_of(c, "baseline")
            source = str(field_of(c, "baseline_source", default="") or "")
            target = field_of(c, "target")
            suggested = field_of(c, "suggested_target")
            note = str(field_of(c, "target_note", default="") or "")
            if target is not None:
                target_text = _with_unit(target, unit)
            elif suggested is not None:
                target_text = f"{_with_unit(suggested, unit)} (suggested)"
            else:
                target_text = note or "to agree"
            if note and target is not None:
                target_text += f"\n{note}"
            if baseline is None:
                computed = _audit_baseline(ctx, str(field_of(c, "key", default="")))
                if computed is not None:
                    baseline, source = computed
                    if target is None and suggested is None:
                        target_text = note or "to agree"
            current = field_of(c, "current")
            on = field_of(c, "current_on")
            status = str(field_of(c, "status", default="ASSUMED") or "ASSUMED")
            rows.append(
                Criterion(
                    kpi=str(field_of(c, "kpi", default="")),
                    baseline=_with_unit(baseline, unit)
                    + (f"\n({source})" if source and baseline is not None else ""),
                    target=target_text,
                    current=_with_unit(current, unit)
                    + (f"\n(on {on})" if on and current is not None else ""),
                    status=status,
                    assumed=status == "ASSUMED",
                )
            )
        note = None
        lacking = [r.kpi for r in rows if r.baseline.startswith("-")]
        if lacking:
            note = Missing(
                f"A baseline for {', '.join(lacking)}",
                "The engagement's data cannot measure it yet; enter the customer's own "
                "figure on the Phases page (or import the data it needs).",
            )
        return rows, note
    rows = [
        Criterion(kpi, "-", target, "-", "Proposed", True)
        for kpi, _key, target in playbook.SUCCESS_DEFAULTS[ctx.kind]
    ]
    return rows, Missing(
        "Agreed success criteria",
        "These are the playbook's recommended KPIs and targets. Record the agreed "
        "ones in Workbench and run the audits to fill baselines and current values.",
    )


def _evaluation_summary(ctx: ReportContext) -> Any | Missing:
    """The evaluation capability's summary of the current evaluation, or Missing."""
    how = (
        "Start and score the platform evaluation (workbench evaluate FILE --template "
        f"{ctx.kind}, then --score ...) to produce the recommendation, matrix, "
        "sensitivity and TCO."
    )
    load = optional_attr("workbench.evaluation", "load_matrix")
    summarise = optional_attr("workbench.evaluation", "summarise")
    current = optional_attr("workbench.evaluation", "current_evaluation_id")
    if load is None or summarise is None or current is None:
        return Missing("Platform evaluation results", how)
    try:
        if current(ctx.eng) is None:
            return Missing("Platform evaluation results", how)
        return summarise(load(ctx.eng))
    except Exception as exc:  # noqa: BLE001 - a half-entered evaluation must not stop the package
        return Missing(
            "Platform evaluation results", f"The evaluation could not be summarised ({exc})."
        )


def evaluation(ctx: ReportContext) -> SectionedResult | Missing:
    """The Word summary's sections: recommendation, matrix, chart, sensitivity, TCO."""
    summary = _evaluation_summary(ctx)
    if isinstance(summary, Missing):
        return summary
    m, r = summary.matrix, summary.results
    if not any(c.score is not None for c in r.consensus):
        return Missing("Platform evaluation scores", summary.recommendation)
    sections: list[Section] = []
    decision = (
        f"{m.selected_vendor} was selected. {m.decision_note}".strip()
        if m.selected_vendor
        else "No platform has been selected yet; the ranking below "
        "is the recommendation for the sign-off meeting."
    )
    sections.append(Section("Recommendation", text=decision))
    sections.append(Section("Rationale", level=2, text=summary.recommendation))
    criteria = [c.name for c in m.criteria]
    rows = []
    by_cell = {(c.vendor, c.criterion): c for c in r.consensus}
    for c in m.criteria:
        row: list[object] = [c.name, f"{c.weight:g}%"]
        for v in r.vendors:
            cell = by_cell.get((v.name, c.name))
            mark = "" if cell is None or not cell.disagreement else " !"
            row.append("-" if cell is None or cell.score is None else f"{cell.score:.1f}{mark}")
        rows.append(row)
    rows.append(["Weighted total (of 5)", "100%", *[f"{v.total:.2f}" for v in r.vendors]])
    rows.append(["Rank", "", *[str(v.rank) for v in r.vendors]])
    n = len(r.vendors)
    sections.append(
        Section(
            "Weighted matrix",
            headers=["Criterion", "Weight", *[v.name for v in r.vendors]],
            rows=rows,
            numeric=list(range(1, n + 2)),
            caption="Consensus scores (1-5) and weighted totals",
            widths=[1.8, 0.6, *([4.1 / max(n, 1)] * n)],
            text=(
                f"{len(m.evaluators)} evaluator(s) scored {n} platform(s) on {len(criteria)} "
                "weighted criteria; each cell is the evaluators' mean (! marks a 2-point or larger "
                "disagreement)."
            ),
        )
    )
    figure = optional_attr("workbench.evaluation", "totals_figure")
    if figure is not None:
        try:
            sections.append(
                Section(
                    "Contribution by criterion",
                    level=2,
                    figure=figure(r),
                    caption="Weighted total per platform, by criterion",
                )
            )
        except Exception:  # noqa: BLE001
            pass
    if summary.sensitivity:
        srows = []
        for sc in summary.sensitivity:
            up = (
                f"up to {sc.up_to_pct:.1f}% -> {sc.up_new_leader}"
                if sc.up_to_pct is not None
                else "holds"
            )
            down = (
                f"down to {sc.down_to_pct:.1f}% -> {sc.down_new_leader}"
                if sc.down_to_pct is not None
                else "holds"
            )
            srows.append([sc.criterion, f"{sc.weight_pct:g}%", up, down])
        sections.append(
            Section(
                "Sensitivity",
                headers=["Criterion", "Weight", "If the weight rises", "If it falls"],
                rows=srows,
                widths=[2.0, 0.8, 1.85, 1.85],
                caption="Weight at which first place changes",
                text="How far each weight must move (others rescaled) before first place changes.",
            )
        )
    if summary.monte_carlo is not None:
        mc = summary.monte_carlo
        wp = optional_attr("workbench.evaluation", "win_probability_figure")
        sections.append(
            Section(
                "Robustness",
                level=2,
                text=(
                    f"With the weights perturbed at random ({mc.draws:,} draws), {mc.leader} ranks "
                    f"first in {mc.leader_holds * 100:.0f}% of them."
                ),
                figure=wp(mc) if wp is not None else None,
                caption="Probability of ranking first",
            )
        )
    costed = [t for t in summary.tco if t.has_costs]
    if costed:
        trows = [
            [
                t.vendor,
                str(t.seats),
                ctx.money(t.licences_per_year),
                ctx.money(t.one_off),
                ctx.money(t.total),
                ctx.money(t.per_seat_year) if t.per_seat_year else "-",
            ]
            for t in sorted(costed, key=lambda t: t.total)
        ]
        sections.append(
            Section(
                "Total cost of ownership",
                headers=[
                    "Platform",
                    "Seats",
                    "Licences / year",
                    "One-off",
                    f"TCO ({costed[0].years} yr)",
                    "Per seat / year",
                ],
                rows=trows,
                numeric=[1, 2, 3, 4, 5],
                widths=[1.6, 0.6, 1.1, 1.0, 1.1, 1.1],
                caption="Total cost of ownership over the term",
            )
        )
    else:
        sections.append(
            Section(
                "Total cost of ownership",
                text="Not yet available: no costs entered (workbench evaluate FILE --tco ...).",
            )
        )
    return SectionedResult(sections)


def evaluation_recommendation(ctx: ReportContext) -> str | Missing:
    """One paragraph naming the selected (or leading) platform, or Missing."""
    summary = _evaluation_summary(ctx)
    if isinstance(summary, Missing):
        return summary
    if summary.matrix.selected_vendor:
        return (
            f"Selected platform: {summary.matrix.selected_vendor}. "
            f"{summary.matrix.decision_note}".strip()
        )
    return f"No platform selected yet. {summary.recommendation}"


def export_evaluation_workbook(ctx: ReportContext, path: Path) -> Path | Missing:
    """Write the evaluation's own live-formula workbook (the evaluation capability's exporter)."""
    summary = _evaluation_summary(ctx)
    if isinstance(summary, Missing):
        return summary
    export = optional_attr("workbench.evaluation", "export_workbook")
    if export is None:
        return Missing("Platform evaluation matrix", "This build has no evaluation exporter.")
    from workbench.reports.files import atomic_path

    with atomic_path(path) as tmp:
        export(summary.matrix, tmp, customer=ctx.customer)
    return path


def scoring(ctx: ReportContext) -> SectionedResult | Missing:
    """The deal scoring rules document's sections from the scoring capability."""
    from workbench.reports import scoring_sections

    return scoring_sections.scoring(ctx)


def scoring_summary(ctx: ReportContext) -> str | Missing:
    """One paragraph on the active scoring rule set, or Missing."""
    from workbench.reports import scoring_sections

    return scoring_sections.scoring_summary(ctx)


def intake(ctx: ReportContext) -> dict[str, tuple[Any, str]]:
    """The intake form's answers by key: (value, status), empty answers left out."""
    if "intake" in ctx.cache:
        return ctx.cache["intake"]
    api = optional_attr("workbench.lifecycle", "intake")
    answers: dict[str, tuple[Any, str]] = {}
    if api is not None:
        try:
            for item in api(ctx.eng):
                value = field_of(item, "value")
                if value not in (None, "", [], {}):
                    answers[str(field_of(item, "key"))] = (
                        value,
                        str(field_of(item, "status", default="ASSUMED")),
                    )
        except Exception:  # noqa: BLE001
            answers = {}
    ctx.cache["intake"] = answers
    return answers


def intake_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
