"""The engagement's data for the documents, read through the capabilities' APIs.

Every function returns what the documents need or ``None`` (with the reason in a
``Missing``) when the data or the capability is not there yet, so a document says
"Not yet available: ..." instead of failing. Capabilities are imported lazily:
the package must build for an engagement that has only just been created.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import lifecycle
from workbench.audits import maintenance_tasks
from workbench.evaluation import (
    current_evaluation_id,
    export_workbook,
    totals_figure,
    win_probability_figure,
)
from workbench.evaluation.operations import evaluation_summary
from workbench.models.runs import Run
from workbench.models.vocabulary import count
from workbench.reports import audit_sections, playbook, scoring_sections
from workbench.reports.context import ReportContext
from workbench.reports.dates import business_day
from workbench.reports.files import atomic_path
from workbench.reports.records import (  # noqa: F401 - the documents' shared records
    Capture,
    Missing,
    NotAvailable,
    Section,
    SectionedResult,
)


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
    source = "the maintenance framework of the implementation playbook (section 4a)"
    triggers = kind["triggers"]
    periodic = kind["periodic"]
    lib = maintenance_tasks(ctx.kind, ctx.meta.engagement_type)
    for t in list(lib.monthly) + list(lib.quarterly):
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
    if lib.refinement_triggers:
        triggers = [
            {"trigger": t.trigger, "threshold": t.threshold, "response": t.response}
            for t in lib.refinement_triggers
        ]
    periodic = list(lib.every_6_12_months or periodic)
    if lib.owner:
        owner_info = {
            "owner": lib.owner,
            "handed_off_at": lib.handed_off_at or owner_info["handed_off_at"],
        }
    if tasks:
        source = "the maintenance framework of the implementation playbook (section 4a), as configured for this engagement"
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
    found: list[Reminder] = []
    for item in lifecycle.reminders(ctx.eng):
        title = item.title
        if not any(w in title.lower() for w in FOLLOW_UP_WORDS):
            continue
        day = item.date
        if isinstance(day, str):
            day = dt.date.fromisoformat(day[:10])
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
            Reminder(key, title, business_day(day, ctx.meta.jurisdictions), item.description or "")
        )
    has_check_in = any(r.key == "refinement-check-in" for r in found)
    if found and (has_check_in or ctx.meta.engagement_type != "dedicated"):
        return found
    months = playbook.content("maintenance.json")[ctx.kind]["check_in_months"]
    if ctx.meta.engagement_type == "dedicated":
        check_in = business_day(
            ctx.as_of + dt.timedelta(days=round(months * 30.4)), ctx.meta.jurisdictions
        )
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
            business_day(ctx.as_of + dt.timedelta(days=30), ctx.meta.jurisdictions),
            "Adoption, recording coverage and first deal reviews.",
            assumed=True,
        ),
        Reminder(
            "follow-up-90",
            "90-day follow-up",
            business_day(ctx.as_of + dt.timedelta(days=90), ctx.meta.jurisdictions),
            "Success criteria: baseline against current.",
            assumed=True,
        ),
    ]


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
    items = list(lifecycle.definitions(ctx.eng))
    if items:
        result = [
            Definition(
                term=item.term,
                definition=item.definition,
                # Workbench records approvals; "not approved" means still undecided.
                approved=True if item.approved else None,
                approver=item.approver or "",
                decided_on=(item.approved_on or "")[:10],
                note=item.note or "",
                status=item.status or "ASSUMED",
            )
            for item in items
        ]
        pending = sum(1 for d in result if not d.approved)
        note = None
        if pending:
            note = Missing(
                f"{pending} of {len(result)} terms not yet approved",
                "Each open term is decided by its approver at the definition alignment "
                "meeting; until then it is shaded as ASSUMED.",
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


def capture(ctx: ReportContext) -> Capture | Missing:
    """Conversation capture by channel from the audits capability."""

    return audit_sections.capture(ctx)


def baselines(ctx: ReportContext) -> SectionedResult | Missing:
    """Baseline metrics (forecast accuracy by rep/team/segment, win rate...) from audits."""

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
    items = [c for c in lifecycle.criteria(ctx.eng) if c.included]
    if items:
        rows = []
        for c in items:
            unit = c.unit or ""
            baseline = c.baseline
            source = c.baseline_source or ""
            target = c.target
            suggested = c.suggested_target
            note = c.target_note or ""
            if target is not None:
                target_text = _with_unit(target, unit)
            elif suggested is not None:
                target_text = f"{_with_unit(suggested, unit)} (suggested)"
            else:
                target_text = note or "to agree"
            if note and target is not None:
                target_text += f"\n{note}"
            if baseline is None:
                computed = _audit_baseline(ctx, c.key)
                if computed is not None:
                    baseline, source = computed
                    if target is None and suggested is None:
                        target_text = note or "to agree"
            current = c.current
            on = c.current_on
            status = c.status or "ASSUMED"
            rows.append(
                Criterion(
                    kpi=c.kpi,
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
                "The exports received so far cannot measure it; RevOps provides the "
                "customer's own figure before the success criteria are signed off.",
            )
        return rows, note
    rows = [
        Criterion(kpi, "-", target, "-", "Proposed", True)
        for kpi, _key, target in playbook.SUCCESS_DEFAULTS[ctx.kind]
    ]
    return rows, Missing(
        "Agreed success criteria",
        "These are the recommended KPIs and targets; the executive sponsor and the "
        "consultant agree the final ones at the kickoff, and the baselines and current "
        "values are filled from the audits.",
    )


def _evaluation_summary(ctx: ReportContext) -> Any | Missing:
    """The evaluation capability's summary of the current evaluation, or Missing."""
    how = (
        "The evaluation team scores the shortlisted platforms during the evaluation "
        "phase; the recommendation, matrix, sensitivity and total cost follow from "
        "their scores."
    )
    if current_evaluation_id(ctx.eng) is None:
        return Missing("Platform evaluation results", how)
    if "evaluation" not in ctx.cache:
        ctx.cache["evaluation"] = evaluation_summary(ctx.eng)
    return ctx.cache["evaluation"][0]


def evaluation_run(ctx: ReportContext) -> Run | None:
    """The stored Monte Carlo and sensitivity run the evaluation documents show."""
    if current_evaluation_id(ctx.eng) is None:
        return None
    _evaluation_summary(ctx)
    return ctx.cache["evaluation"][1]


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
                f"{count(len(m.evaluators), 'evaluator')} scored {count(n, 'platform')} on {len(criteria)} "
                "weighted criteria; each cell is the evaluators' mean (! marks a 2-point or larger "
                "disagreement)."
            ),
        )
    )
    sections.append(
        Section(
            "Contribution by criterion",
            level=2,
            figure=totals_figure(r),
            caption="Weighted total per platform, by criterion",
        )
    )
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
        run = evaluation_run(ctx)
        sections.append(
            Section(
                "Robustness",
                level=2,
                text=(
                    f"With the weights perturbed at random ({mc.draws:,} draws), {mc.leader} ranks "
                    f"first in {mc.leader_holds * 100:.0f}% of them (seed {mc.seed}). "
                    + (f"Figures {audit_sections.run_words('evaluation', run)}." if run else "")
                ),
                figure=win_probability_figure(mc),
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
                text="Not yet available: the vendors' quotes are entered once procurement "
                "has received them.",
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

    with atomic_path(path) as tmp:
        # with each formula's value beside it and rows that fit their wrapped text
        export_workbook(summary.matrix, tmp, customer=ctx.customer)
    return path


def scoring(ctx: ReportContext) -> SectionedResult | Missing:
    """The deal scoring rules document's sections from the scoring capability."""

    return scoring_sections.scoring(ctx)


def scoring_summary(ctx: ReportContext) -> str | Missing:
    """One paragraph on the active scoring rule set, or Missing."""

    return scoring_sections.scoring_summary(ctx)


def intake(ctx: ReportContext) -> dict[str, tuple[Any, str]]:
    """The intake form's answers by key: (value, status), empty answers left out."""
    if "intake" in ctx.cache:
        return ctx.cache["intake"]
    answers: dict[str, tuple[Any, str]] = {}
    for item in lifecycle.intake(ctx.eng):
        if item.value not in (None, "", [], {}):
            answers[item.key] = (item.value, item.status or "ASSUMED")
    ctx.cache["intake"] = answers
    return answers


def intake_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
