"""The deal scoring rules document's data: rule set, calibration, reliability, pipeline.

The calibration and the open pipeline's scores come from the scoring capability's
stored runs (``scoring.operations``), the same runs the Scoring page and
``workbench score --json`` show.
"""

from __future__ import annotations

from workbench.models.runs import Run
from workbench.reports.audit_sections import run_words
from workbench.reports.context import ReportContext, pct
from workbench.reports.dates import long_date
from workbench.reports.records import Missing, Section, SectionedResult
from workbench.scoring import SIGNALS, ReliabilityBin, RuleSet, get_rule_set, reliability_figure
from workbench.scoring.operations import ScoreRequest, latest_calibration, latest_scores, score
from workbench.scoring.pipeline import PipelineScores


def _rule_set(ctx: ReportContext) -> RuleSet:
    return get_rule_set(ctx.eng)


def _latest_report(ctx: ReportContext) -> dict | None:
    """The latest stored calibration report (``to_dict`` shape) with its run."""
    found = latest_calibration(ctx.eng)
    if found is None:
        return None
    report, run = found
    data = report.to_dict()
    data["_run"] = run
    return data


def pipeline_run(ctx: ReportContext) -> tuple[PipelineScores, Run] | None:
    """The latest stored scores of the open pipeline (scored and stored once when
    never scored and the file is writable); None without open deals."""
    if "scores" not in ctx.cache:
        found = latest_scores(ctx.eng)
        if found is None and ctx.count("opportunities") and not ctx.eng.read_only:
            done = score(ctx.eng, ScoreRequest())
            found = (done.scores, done.run)
        ctx.cache["scores"] = found
    return ctx.cache["scores"]


def stored_pipeline_run(ctx: ReportContext) -> tuple[PipelineScores, Run] | None:
    """The latest stored scores of the open pipeline, read once per export; never
    scores (None when the pipeline was never scored)."""
    if ctx.cache.get("scores") is None:
        found = latest_scores(ctx.eng)
        if found is None:
            return None
        ctx.cache["scores"] = found
    return ctx.cache["scores"]


def pipeline_scores(ctx: ReportContext) -> PipelineScores | None:
    found = pipeline_run(ctx)
    return None if found is None else found[0]


def open_pipeline_rows(ctx: ReportContext, n: int = 12) -> list[list[str]] | None:
    scores = pipeline_scores(ctx)
    if scores is None or not scores.deals:
        return None
    rows = []
    for d in scores.deals[:n]:
        reasons = ", ".join(r.label for r in d.top_reasons(2)) or "-"
        rows.append(
            [
                d.name or d.opportunity_crm_id,
                ctx.rep(d.owner_crm_id),
                ctx.money(d.amount),
                f"{d.score:.0f}",
                reasons,
            ]
        )
    return rows


def scoring(ctx: ReportContext) -> SectionedResult | Missing:
    rs = _rule_set(ctx)
    signals = SIGNALS
    sections: list[Section] = []
    missing: list[Missing] = []
    red_flags: list[Missing] = []
    if rs.version is None:
        missing.append(
            Missing(
                "Customer-specific scoring rules",
                "The consultant calibrates the weights on the customer's own won and lost "
                "deals once RevOps has sent the closed-deal history, before the build review; "
                "until then the starting weights below apply.",
            )
        )
        intro = (
            "The rules below are the starting rule set of the implementation playbook; they "
            "have not been calibrated on this customer's history yet, so every weight is ASSUMED."
        )
    else:
        intro = (
            f"Version {rs.version} ({rs.name}), "
            + (
                "the playbook's starting rules"
                if (rs.author or "").startswith("Workbench") or rs.source == "default"
                else f"by {rs.author or 'the consultant'}, source: {rs.source}"
            )
            + f", effective from {long_date(rs.effective_from or rs.created_at)}."
        )
    sections.append(Section("Rule set in force", 1, text=intro))
    if rs.rationale:
        sections.append(Section("Why these rules", 2, text=rs.rationale))
    rows, flags = [], []
    for rule in rs.rules:
        sig = signals.get(rule.signal)
        rows.append(
            [
                sig.label if sig else rule.signal,
                rule.describe(),
                f"{rule.points:g}" if rule.enabled else f"{rule.points:g} (off)",
                sig.group if sig else "",
                (sig.description if sig else "") + (f" {rule.note}" if rule.note else ""),
            ]
        )
        flags.append(rs.version is None)
    sections.append(
        Section(
            "Signals, weights and thresholds",
            1,
            text="A rule adds its risk points when its signal crosses the threshold; a deal's score is "
            "the points it collects, out of the points available for it.",
            headers=["Signal", "Rule", "Points", "Source", "What it measures"],
            rows=rows,
            numeric=[2],
            widths=[1.3, 1.5, 0.55, 1.0, 2.15],
            assumed=flags,
            caption="Risk rules",
        )
    )
    bands = [
        ["Low risk", f"score below {rs.low_max:g}"],
        ["Medium risk", f"{rs.low_max:g} to below {rs.high_min:g}"],
        ["High risk", f"{rs.high_min:g} and above"],
    ]
    if rs.prob_intercept is not None and rs.prob_slope is not None:
        bands.append(
            [
                "Probability",
                f"P(lost or slipped) = sigmoid({rs.prob_intercept:.2f} + "
                f"{rs.prob_slope:.3f} x score)",
            ]
        )
    sections.append(
        Section("Risk bands", 2, headers=["Band", "Rule"], rows=bands, widths=[1.5, 5.0])
    )
    report = _latest_report(ctx)
    if report is None:
        missing.append(
            Missing(
                "Calibration",
                "Not calibrated yet: RevOps sends the closed won and lost history, the consultant "
                "calibrates on it before the build review, and this document is reissued with "
                "the fitted weights, the reliability diagram and the lift.",
            )
        )
    else:
        sections.extend(_calibration_sections(ctx, report))
        if report.get("low_risk_red_flag"):
            red_flags.append(
                Missing(
                    f"{pct(report.get('low_risk_lost_share'), 1)} of the deals rated low risk "
                    "were lost or slipped (the limit is 30%)",
                    "The low-risk band does not yet separate safe deals from risky ones; the "
                    "weights are recalibrated (more history, or signals reviewed with RevOps) "
                    "before these rules are final.",
                )
            )
    found = pipeline_run(ctx)
    if found is not None and found[0].deals:
        scores, run = found
        counts, amounts = scores.band_counts(), scores.band_amounts()
        total = sum(counts.values())
        sections.append(
            Section(
                "The open pipeline today",
                1,
                text=f"{total:,} open deals scored with rule version "
                f"{scores.rule_set_version or 'default'}, {run_words('pipeline scoring', run)}.",
                headers=["Band", "Deals", "Share", "Amount"],
                rows=[
                    [
                        b.title(),
                        f"{counts[b]:,}",
                        pct(counts[b] / total if total else None),
                        ctx.money(amounts[b]),
                    ]
                    for b in ("high", "medium", "low")
                ],
                numeric=[1, 2, 3],
                widths=[1.6, 1.4, 1.4, 2.1],
                caption="Open deals by risk band",
            )
        )
    return SectionedResult(sections, missing, red_flags)


def _calibration_sections(ctx: ReportContext, report: dict) -> list[Section]:
    out: list[Section] = []
    gate = report.get("gate") or {}
    ci = report.get("auc_ci")
    auc = report.get("auc")
    head = [
        [
            "Calibrated",
            run_words("calibration", report["_run"]).capitalize(),
        ],
        [
            "Closed deals",
            f"{report.get('n_closed', 0):,} ({gate.get('n_won', 0):,} won, "
            f"{gate.get('n_lost', 0):,} lost)",
        ],
        [
            "Training / test",
            f"{report.get('n_train', 0):,} deals to {report.get('train_until') or '-'} / "
            f"{report.get('n_test', 0):,} deals in {report.get('test_quarter') or '-'}",
        ],
        ["Outcome predicted", f"lost or slipped within {report.get('horizon_days')} days"],
        [
            "AUC (test)",
            "-"
            if auc is None
            else f"{auc:.3f}" + (f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""),
        ],
        ["Brier score", "-" if report.get("brier") is None else f"{report['brier']:.3f}"],
        [
            "Low-risk deals lost or slipped",
            pct(report.get("low_risk_lost_share"), 1)
            + (" (red flag: above 30%)" if report.get("low_risk_red_flag") else ""),
        ],
        ["Enough history?", gate.get("message", "")],
    ]
    out.append(
        Section(
            "Calibration",
            1,
            text=(
                "The weights were checked against the customer's own won and lost deals: each deal is "
                "scored as it looked before its close, and the score is compared with what happened."
            ),
            headers=["Measure", "Value"],
            rows=head,
            widths=[2.0, 4.5],
            caption="Calibration summary",
        )
    )
    weights = report.get("weights") or []
    if weights:
        rows, kept = [], []
        for w in weights:
            status = str(w.get("status", ""))
            short = status.split(":")[0]
            if ":" in status:
                kept.append(f"{w.get('label', w.get('signal'))}: {status.split(':', 1)[1].strip()}")
            rows.append(
                [
                    w.get("label", w.get("signal")),
                    w.get("rule", ""),
                    f"{w.get('hand_points', 0):g}",
                    "-" if w.get("odds_ratio") is None else f"{w['odds_ratio']:.2f}",
                    pct(w.get("bad_rate_fired")),
                    pct(w.get("bad_rate_not_fired")),
                    f"{w.get('recommended_points', 0):g}",
                    short,
                ]
            )
        out.append(
            Section(
                "Calibration rationale",
                2,
                text="For each rule: how much more often deals went bad when it fired (odds ratio, "
                "bad rate when fired vs not) and the points the fit recommends.",
                headers=[
                    "Signal",
                    "Rule",
                    "Points",
                    "Odds ratio",
                    "Bad if fired",
                    "Bad if not",
                    "Recommended",
                    "Status",
                ],
                rows=rows,
                numeric=[2, 3, 4, 5, 6],
                widths=[1.2, 1.3, 0.55, 0.65, 0.65, 0.65, 0.75, 0.75],
                caption="Fitted weights",
            )
        )
        if kept:
            out.append(Section("Why some weights were not fitted or changed", 3, bullets=kept))
    bins_data = report.get("reliability") or []
    if bins_data:
        bins = [ReliabilityBin(**b) for b in bins_data]
        out.append(
            Section(
                "Reliability diagram",
                2,
                figure=reliability_figure(bins),
                figure_width=4.3,
                text="Predicted against observed share of lost-or-slipped deals: "
                "points on the diagonal mean the probabilities can be taken "
                "at face value.",
                caption="Reliability of the predicted risk (test deals)",
            )
        )
    lift = report.get("lift") or []
    if lift:
        out.append(
            Section(
                "Lift by decile",
                2,
                headers=[
                    "Decile (1 = riskiest)",
                    "Deals",
                    "Lost or slipped",
                    "Bad rate",
                    "Lift",
                    "Cumulative capture",
                ],
                rows=[
                    [
                        str(r["decile"]),
                        f"{r['count']:,}",
                        f"{r['bad']:,}",
                        pct(r["bad_rate"], 1),
                        f"{r['lift']:.2f}",
                        pct(r["cumulative_capture"], 1),
                    ]
                    for r in lift
                ],
                numeric=[1, 2, 3, 4, 5],
                widths=[1.4, 0.8, 1.1, 0.9, 0.8, 1.3],
                caption="Deals ranked by predicted risk",
            )
        )
    if report.get("notes"):
        out.append(Section("Notes", 2, bullets=[str(n) for n in report["notes"]]))
    return out


def scoring_summary(ctx: ReportContext) -> str | Missing:
    rs = _rule_set(ctx)
    active = [r for r in rs.rules if r.enabled]
    text = (
        f"{'Version ' + str(rs.version) if rs.version else 'Default (uncalibrated) rule set'}: "
        f"{len(active)} active rules; low risk below {rs.low_max:g}, high risk from "
        f"{rs.high_min:g}. Full detail in the Deal Scoring Rules document."
    )
    return text
