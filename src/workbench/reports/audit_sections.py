"""The audits' figures as document sections: capture by channel, baselines, hygiene.

Every figure comes from the audits' stored runs (``audits.operations``): the export
reads the latest run of each audit, so the documents, the Audits page and
``workbench audit --json`` show the same numbers. An audit that never ran on this
engagement is run (and stored) once; a run whose inputs changed since is shown as
it is, with a note saying how to refresh it.
"""

from __future__ import annotations

from typing import Any

from workbench.audits.baselines import DEFINITIONS
from workbench.audits.operations import ensure_audits
from workbench.models.runs import Run
from workbench.models.vocabulary import channel_words
from workbench.reports import charts
from workbench.reports.context import ReportContext, num, pct
from workbench.reports.dates import long_date
from workbench.reports.records import Capture, Missing, Section, SectionedResult

AUDIT_NAMES = ("crm-hygiene", "capture", "baselines", "maintenance")


def _load(ctx: ReportContext) -> None:
    if "audit:runs" not in ctx.cache:
        ctx.cache["audit:runs"] = ensure_audits(ctx.eng, AUDIT_NAMES)


def audit_result(ctx: ReportContext, name: str) -> Any:
    """The latest stored result of one audit (``capture``, ``baselines``...)."""
    _load(ctx)
    return ctx.cache["audit:runs"][name.replace("_", "-")][0]


def audit_run(ctx: ReportContext, name: str) -> Run:
    """The stored run an audit's figures come from."""
    _load(ctx)
    return ctx.cache["audit:runs"][name.replace("_", "-")][1]


def run_words(what: str, run: Run) -> str:
    """Where a set of figures comes from, in the customer's words: 'as of 16 November 2026
    (capture audit, reference #10)', and whether it is to be refreshed."""
    ref = f"reference #{run.id}" if run.id else "computed for this export"
    text = f"as of {long_date(run.as_of)} ({what}, {ref})"
    if run.stale:
        text += "; the data changed after this computation and the figures are refreshed before final issue"
    return text


def run_note(ctx: ReportContext, *names: str) -> str:
    """One sentence naming the audit run(s) a document's figures come from."""
    runs = [audit_run(ctx, n) for n in names]
    return (
        "Figures "
        + "; ".join(
            run_words(f"{n.replace('-', ' ')} audit", r) for n, r in zip(names, runs, strict=True)
        )
        + "."
    )


def _audit(ctx: ReportContext, name: str) -> Any:
    return audit_result(ctx, name)


def capture(ctx: ReportContext) -> Capture | Missing:
    result = _audit(ctx, "capture")
    if not result.total:
        return Missing(
            "Capture rates by channel",
            "IT sends the video-platform and dialer logs before the kickoff; the capture rates are then measured.",
        )
    o = result.options
    summary = (
        f"In the {o.window_days} days to {result.as_of:%d %B %Y}, {result.recorded:,} of "
        f"{result.total:,} {'external ' if o.external_only else ''}customer conversations were "
        f"recorded: a capture rate of {pct(result.rate, 1)} against a target of "
        f"{pct(o.target)} (red flag below {pct(o.flag_below)}). Status: {result.status}. "
        + run_note(ctx, "capture")
    )
    rows, names, rates, totals = [], [], [], []
    for g in sorted(result.by_channel, key=lambda g: -(g.total or 0)):
        label = channel_words(g.name or g.key)
        rows.append([label, f"{g.total:,}", f"{g.recorded:,}", pct(g.rate, 1), g.status])
        if g.rate is not None:
            names.append(label)
            rates.append(g.rate)
            totals.append(g.total)
    figure = None
    if names:
        figure = charts.capture_by_channel_figure(names, rates, totals, o.target, o.flag_below)
    cap = Capture(
        summary,
        ["Channel", "Conversations", "Recorded", "Capture rate", "Status"],
        rows,
        numeric=[1, 2, 3],
        widths=[1.6, 1.3, 1.1, 1.2, 1.3],
        figure=figure,
    )
    cap.result = result  # type: ignore[attr-defined]
    return cap


def capture_details(ctx: ReportContext) -> list[Section]:
    """Teams, the lowest-capture reps, reasons and the CRM-logged gap."""
    result = _audit(ctx, "capture")
    if not result.total:
        return []
    out = []
    if result.by_team:
        out.append(
            Section(
                "By team",
                2,
                headers=["Team", "Conversations", "Recorded", "Rate", "Status"],
                rows=[
                    [g.name or g.key, f"{g.total:,}", f"{g.recorded:,}", pct(g.rate, 1), g.status]
                    for g in sorted(result.by_team, key=lambda g: g.rate or 0)
                ],
                numeric=[1, 2, 3],
                widths=[1.9, 1.2, 1.1, 1.0, 1.3],
                caption="Capture rate by team",
            )
        )
    reps = [g for g in result.by_rep if g.rate is not None]
    reps.sort(key=lambda g: (g.rate, -g.total))
    if reps:
        out.append(
            Section(
                "Reps with the lowest capture",
                2,
                text="The ten hosts recording the smallest share of their external conversations.",
                headers=["Rep", "Conversations", "Recorded", "Rate", "Status"],
                rows=[
                    [
                        ctx.rep(g.key) if g.key in ctx.users() else ctx.names.rep(g.key, g.name),
                        f"{g.total:,}",
                        f"{g.recorded:,}",
                        pct(g.rate, 1),
                        g.status,
                    ]
                    for g in reps[:10]
                ],
                numeric=[1, 2, 3],
                widths=[1.9, 1.2, 1.1, 1.0, 1.3],
                caption="Lowest capture by rep",
            )
        )
    if result.reasons:
        out.append(
            Section(
                "Why conversations were not recorded",
                2,
                headers=["Reason given in the log", "Conversations", "Share of unrecorded"],
                rows=[[r.reason, f"{r.count:,}", pct(r.share, 1)] for r in result.reasons],
                numeric=[1, 2],
                widths=[3.6, 1.4, 1.5],
                caption="Unrecorded conversations by reason",
            )
        )
    gap = result.crm_logged
    if gap.total:
        out.append(
            Section(
                "Meetings the CRM has that no platform recorded",
                2,
                text=(
                    f"Matching rule: {gap.rule}. Of {gap.total:,} meetings and calls logged in the CRM, "
                    f"{gap.matched_recorded:,} match a recording, {gap.matched_not_recorded:,} match an "
                    f"unrecorded platform meeting and {gap.no_platform_trace:,} have no trace in any "
                    "platform log: a blind spot no vendor dashboard shows."
                ),
            )
        )
    return out


def _fmt(value: float | None, kind: str, ctx: ReportContext) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return pct(value, 1)
    if kind == "money":
        return ctx.money(value)
    if kind == "days":
        return f"{value:,.0f}"
    if kind == "ratio":
        return f"{value:,.1f}x"
    return num(value)


def baselines(ctx: ReportContext) -> SectionedResult | Missing:
    result = _audit(ctx, "baselines")
    total = result.row("ALL")
    if total is None or (total.won + total.lost) == 0:
        return Missing(
            "Baseline metrics",
            "No closed deals in the last four fiscal quarters: import opportunities "
            "(with closed history) and their history.",
        )
    qs = result.quarters
    sections: list[Section] = []
    ranges = ", ".join(f"{q} ({r[0]} to {r[1]})" for q, r in result.quarter_ranges.items())
    sections.append(
        Section(
            "Company baseline",
            1,
            text=(
                f"The four complete fiscal quarters before {result.as_of:%d %B %Y}: {ranges}. "
                f"{total.won:,} deals won and {total.lost:,} lost. " + run_note(ctx, "baselines")
            ),
            headers=["Metric", *qs, "Four quarters"],
            rows=_metric_rows(result, qs, ctx),
            numeric=list(range(1, len(qs) + 2)),
            widths=[1.8, *([0.9] * len(qs)), 1.1],
            caption="Baseline by fiscal quarter",
        )
    )
    series = {}
    for label, attr in (
        ("Win rate", "win_rate"),
        ("Forecast accuracy", "forecast_accuracy"),
        ("Slippage rate", "slippage_rate"),
    ):
        series[label] = [getattr(result.row(q), attr, None) if result.row(q) else None for q in qs]
    if any(v is not None for vals in series.values() for v in vals):
        sections.append(
            Section(
                "Trend",
                2,
                figure=charts.baseline_trend_figure(qs, series),
                caption="Win rate, forecast accuracy and slippage by quarter",
            )
        )
    for scope, title, label in (
        ("team", "By team", "Team"),
        ("segment", "By segment", "Segment"),
        ("owner", "By rep", "Rep"),
    ):
        rows = [r for r in result.rows if r.scope == scope and r.quarter == "ALL"]
        if not rows:
            continue
        rows.sort(key=lambda r: (r.forecast_accuracy is None, -(r.forecast_accuracy or 0), r.name))
        table = []
        for r in rows:
            name = ctx.rep(r.key) if scope == "owner" else (r.name or r.key)
            per_q = [
                _fmt(getattr(result.row(q, scope, r.key), "forecast_accuracy", None), "pct", ctx)
                for q in qs
            ]
            table.append(
                [
                    name,
                    *per_q,
                    _fmt(r.forecast_accuracy, "pct", ctx),
                    _fmt(r.win_rate, "pct", ctx),
                    f"{r.won + r.lost:,}",
                ]
            )
        sections.append(
            Section(
                title,
                2,
                text=(
                    "Forecast accuracy per quarter (1 - |actual - forecast| / actual, floored at 0), "
                    "with the four-quarter figures."
                ),
                # "FY2026 Q4" wraps between year and quarter in a narrow column, never mid-word.
                headers=[
                    label,
                    *(q.replace("-", " ") for q in qs),
                    "Accuracy (4Q)",
                    "Win rate",
                    "Closed",
                ],
                rows=table,
                numeric=list(range(1, len(qs) + 4)),
                widths=[1.45, *([0.7] * len(qs)), 0.85, 0.7, 0.7],
                caption=f"Forecast accuracy and win rate {title.lower()}",
            )
        )
    stages = [s for s in result.stage_conversion if s.quarter == "ALL"] or result.stage_conversion
    if stages:
        sections.append(
            Section(
                "Stage conversion",
                2,
                headers=["Stage", "Deals reaching it", "Won", "Win rate", "To next stage"],
                rows=[
                    [s.stage, f"{s.reached:,}", f"{s.won:,}", pct(s.win_rate, 1), pct(s.to_next, 1)]
                    for s in stages
                ],
                numeric=[1, 2, 3, 4],
                widths=[2.1, 1.2, 0.9, 1.0, 1.3],
                caption="Deals closed in the four quarters, by the furthest stage reached",
            )
        )
    sections.append(
        Section(
            "How the figures are defined",
            2,
            bullets=[f"{name}: {text}" for name, text in DEFINITIONS.items()],
        )
    )
    if result.notes:
        sections.append(Section("Notes on the data", 2, bullets=list(result.notes)))
    return SectionedResult(sections)


def _metric_rows(result: Any, qs: list[str], ctx: ReportContext) -> list[list[object]]:
    specs = [
        ("Win rate", "win_rate", "pct"),
        ("Deals won", "won", "int"),
        ("Deals lost", "lost", "int"),
        ("Sales cycle, mean (days)", "cycle_mean_days", "days"),
        ("Average deal size", "avg_deal_size", "money"),
        ("Pipeline velocity (per day)", "velocity_per_day", "money"),
        ("Forecast accuracy", "forecast_accuracy", "pct"),
        ("Forecast accuracy, mean of reps", "rep_accuracy_mean", "pct"),
        ("Forecast accuracy, lowest rep", "rep_accuracy_min", "pct"),
        ("Forecast bias", "forecast_bias", "pct"),
        ("Slippage rate", "slippage_rate", "pct"),
    ]
    if any(r.quota for r in result.rows):
        specs += [
            ("Quota", "quota", "money"),
            ("Quota attainment", "attainment", "pct"),
            ("Pipeline coverage (times the quota)", "coverage", "ratio"),
        ]
    rows = []
    for label, attr, kind in specs:
        values = []
        for q in [*qs, "ALL"]:
            row = result.row(q)
            v = getattr(row, attr, None) if row else None
            if attr == "slippage_rate" and v is None and row and row.forecast_in_quarter:
                values.append("not measurable")
                continue
            values.append(f"{v:,}" if kind == "int" and v is not None else _fmt(v, kind, ctx))
        rows.append([label, *values])
    return rows


def hygiene_summary(ctx: ReportContext) -> Section | None:
    result = _audit(ctx, "crm_hygiene")
    rows = [
        ["Accounts", f"{result.accounts:,}"],
        ["Contacts", f"{result.contacts:,}"],
        ["Opportunities (open)", f"{result.opportunities:,} ({result.open_opportunities:,})"],
        ["Open deals without a next step", f"{result.missing_next_step:,}"],
    ]
    if result.health.score is not None:
        rows.insert(0, ["CRM health score", f"{result.health.score:.0f} / 100"])
    if result.duplicate_accounts:
        rows.append(
            ["Accounts in duplicate clusters", f"{result.accounts_in_duplicate_clusters:,}"]
        )
    return Section(
        "CRM data quality at a glance",
        2,
        headers=["Measure", "Value"],
        rows=rows,
        widths=[3.5, 3.0],
        caption="CRM hygiene summary",
    )


def computed_findings(ctx: ReportContext, audit: str) -> list:
    """The findings of an audit's stored run, most severe first."""
    if audit not in AUDIT_NAMES:
        return []
    result = _audit(ctx, audit)
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    return sorted(
        getattr(result, "findings", []) or [],
        key=lambda f: (order.get(f.severity, 5), -(f.affected_count or 0)),
    )
