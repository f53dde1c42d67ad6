"""Command-line commands of deal risk scoring (registered by workbench.cli).

workbench score FILE [--top N] [--reasons K] [--deal ID] [--record] [--json]
workbench calibrate FILE [--horizon DAYS] [--figure PNG] [--json]
                    [--save-as-version --author NAME --rationale TEXT]
workbench rules FILE [--show V] [--diff A B] [--json]
                [--set SIGNAL OP THRESHOLD POINTS ...] [--disable SIGNAL ...]
                [--bands LOW HIGH] --author NAME --rationale TEXT
workbench validate-sample FILE [--pick N] [--from open|closed|both]
                [--expect ID=BAND ...] [--reviewer NAME] [--note TEXT] [--json]
workbench recalibration FILE [--json]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import WorkbenchError
from workbench.scoring import (
    SIGNALS,
    diff_rule_sets,
    explain_deal,
    export_sample_csv,
    get_rule_set,
    import_expectations_csv,
    list_rule_sets,
    recalibration_report,
    record_expectation,
    select_sample,
    validation_report,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    p = sub.add_parser("score", help="score the open pipeline: risk 0-100, band and reasons")
    add_file_argument(p)
    p.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help="only the N riskiest deals (default: all; 25 on screen)",
    )
    p.add_argument(
        "--reasons",
        type=int,
        default=3,
        metavar="K",
        help="reasons shown per deal on screen (JSON lists all; default 3)",
    )
    p.add_argument("--deal", metavar="ID", help="explain one deal (open or closed) in full")
    p.add_argument("--version", type=int, metavar="V", help="score with rule version V")
    p.add_argument(
        "--record",
        action="store_true",
        help="store the scores for the quarterly recalibration check",
    )
    p.add_argument(
        "--latest",
        action="store_true",
        help="show the latest stored scoring run instead of scoring again",
    )
    p.add_argument(
        "--run",
        type=int,
        metavar="N",
        help="show stored scoring run number N (see 'workbench runs FILE') instead",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_score)

    p = sub.add_parser("calibrate", help="fit the rule weights on closed won/lost deals")
    add_file_argument(p)
    p.add_argument(
        "--horizon",
        type=int,
        metavar="DAYS",
        help="score closed deals this many days before close (default 30)",
    )
    p.add_argument("--figure", metavar="PNG", help="write the reliability diagram to PNG")
    p.add_argument(
        "--trust",
        action="append",
        default=None,
        metavar="SIGNAL",
        help="use a current-state signal (next_step_missing, champion_missing, "
        "economic_buyer_missing, contact_roles) on closed deals: only when the "
        "customer confirmed the field is not edited at close",
    )
    p.add_argument(
        "--save-as-version",
        action="store_true",
        help="save the recommended weights and bands as the next rule version",
    )
    p.add_argument("--author", default="", help="who sets the new version")
    p.add_argument("--rationale", default="", help="why, in words (quoted in the rules document)")
    p.add_argument(
        "--latest",
        action="store_true",
        help="show the latest stored calibration instead of calibrating again",
    )
    p.add_argument(
        "--run",
        type=int,
        metavar="N",
        help="show stored calibration run number N (see 'workbench runs FILE') instead",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_calibrate)

    p = sub.add_parser("rules", help="list, compare or edit the deal risk rule versions")
    add_file_argument(p)
    p.add_argument("--show", type=int, metavar="V", help="show version V's rules")
    p.add_argument("--diff", type=int, nargs=2, metavar=("A", "B"), help="compare two versions")
    p.add_argument(
        "--set",
        nargs=4,
        action="append",
        default=[],
        metavar=("SIGNAL", "OP", "THRESHOLD", "POINTS"),
        help="add or change a rule, e.g. --set days_since_activity '>' 21 15",
    )
    p.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="SIGNAL",
        help="switch a rule off in the new version",
    )
    p.add_argument(
        "--bands",
        type=float,
        nargs=2,
        metavar=("LOW", "HIGH"),
        help="low band below LOW, high band from HIGH",
    )
    p.add_argument("--author", default="", help="who sets the new version")
    p.add_argument("--rationale", default="", help="why, in words")
    add_json_argument(p)
    p.set_defaults(handler=cmd_rules)

    p = sub.add_parser(
        "validate-sample", help="validate scores with sales leadership on 10-20 sample deals"
    )
    add_file_argument(p)
    p.add_argument("--pick", type=int, metavar="N", help="pick N deals (10-20) across the bands")
    p.add_argument(
        "--from",
        dest="pool",
        default="open",
        choices=("open", "closed", "both"),
        help="where the sample comes from (default open pipeline)",
    )
    p.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="ID=BAND",
        help="leadership's expected risk for a sample deal (low/medium/high)",
    )
    p.add_argument("--reviewer", default="", help="who gave the expectations")
    p.add_argument("--note", default="", help="a note kept with each expectation")
    p.add_argument("--export-csv", metavar="CSV", help="write the sample for leadership to fill in")
    p.add_argument(
        "--import-csv",
        metavar="CSV",
        help="record the expected_band column of a filled-in sample CSV",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_validate_sample)

    p = sub.add_parser(
        "recalibration", help="quarterly check: current rule version vs outcomes since it was set"
    )
    add_file_argument(p)
    add_json_argument(p)
    p.set_defaults(handler=cmd_recalibration)


# ---------------------------------------------------------------------- score
def cmd_score(args: argparse.Namespace) -> int:
    from workbench.scoring.operations import ScoreRequest, score

    if args.deal:
        with opened(args.file, read_only=True) as eng:
            rule_set = get_rule_set(eng, args.version)
            deal = explain_deal(eng, args.deal, rule_set=rule_set)
        if args.json:
            emit_json(deal)
        else:
            _print_deal(deal, rule_set)
        return 0
    if args.latest or args.run is not None:
        from workbench.scoring.operations import latest_scores

        with opened(args.file, read_only=True) as eng:
            found = latest_scores(eng, args.run)
        if found is None:
            raise WorkbenchError("No stored scoring run yet; run 'workbench score FILE' first.")
        result, run = found
    else:
        with opened(args.file) as eng:
            scored = score(
                eng, ScoreRequest(args.version, record=args.record), progress=terminal_progress()
            )
        result, run = scored.scores, scored.run
    deals = result.deals[: args.top] if args.top else result.deals
    if args.json:
        emit_json(
            {
                "as_of": result.as_of,
                "rule_set_version": result.rule_set_version,
                "bands": {"low_max": result.low_max, "high_min": result.high_min},
                "n_open": len(result.deals),
                "skipped_closed_stage": result.skipped_closed_stage,
                "counts": result.band_counts(),
                "amounts": result.band_amounts(),
                "deals": [_deal_json(d) for d in deals],
                "run": run.describe(),
            }
        )
        return 0
    counts = result.band_counts()
    print(
        f"Open pipeline as of {result.as_of}, rule version {result.rule_set_version or 'default'}"
        f": {len(result.deals):,} deals; high {counts['high']}, medium {counts['medium']}, "
        f"low {counts['low']}; stored as {run.label()}."
    )
    for d in deals[: args.top or 25]:
        why = "; ".join(f"{r.rule} (+{r.points:.0f})" for r in d.top_reasons(args.reasons))
        print(
            f"  {d.score:5.1f} {d.band:<6} {d.opportunity_crm_id:<20} {(d.name or '')[:28]:<28} "
            f"{why or 'no risk signal fired'}"
        )
    if result.skipped_closed_stage:
        print(
            f"{result.skipped_closed_stage} deals in a Closed stage but not flagged closed were "
            "not scored (the CRM hygiene audit lists them)."
        )
    if args.record:
        print(f"Scores recorded for rule version {result.rule_set_version}.")
    return 0


def _deal_json(d) -> dict:
    data = asdict(d)
    data.pop("signals", None)
    return data


def _print_deal(deal, rule_set) -> None:
    print(
        f"{deal.opportunity_crm_id} {deal.name or ''}: risk {deal.score:.1f} ({deal.band}) "
        f"as of {deal.as_of}, rule version {rule_set.version or 'default'}"
    )
    for r in deal.reasons:
        print(f"  +{r.points:5.1f}  {r.rule}  (value {r.value:g})")
    print("  signals:")
    for key, value in deal.signals.items():
        shown = "not available" if value is None else f"{value:g}"
        print(f"    {SIGNALS[key].label:<40} {shown}")


# ------------------------------------------------------------------ calibrate
def cmd_calibrate(args: argparse.Namespace) -> int:
    from workbench.scoring.operations import CalibrateRequest, calibrate_rules

    request = CalibrateRequest(
        horizon_days=args.horizon,
        trusted=tuple(args.trust or ()),
        save_as_version=args.save_as_version,
        author=args.author,
        rationale=args.rationale,
    )
    if args.latest or args.run is not None:
        from workbench.scoring.operations import latest_calibration

        if args.save_as_version:
            raise WorkbenchError(
                "--save-as-version saves a new calibration; it cannot be used with --latest or --run."
            )
        with opened(args.file, read_only=True) as eng:
            found = latest_calibration(eng, args.run)
        if found is None:
            raise WorkbenchError("No stored calibration yet; run 'workbench calibrate FILE' first.")
        report, run = found
        saved = None
    else:
        with opened(args.file) as eng:
            done = calibrate_rules(eng, request, progress=terminal_progress())
        report, saved, run = done.report, done.saved, done.run
    if args.figure:
        report.reliability_figure().savefig(args.figure, dpi=120)
    if args.json:
        data = report.to_dict()
        data["summary"] = report.summary()
        data["saved_version"] = saved.version if saved else None
        data["run"] = run.describe()
        emit_json(data)
        return 0
    print(f"Calibration {run.label()}.")
    print(report.summary())
    print(report.gate.message)
    if report.train_until:
        print(
            f"Split: train on {report.n_train} deals closed up to {report.train_until}, "
            f"test on {report.n_test} closed in {report.test_quarter}."
        )
    print(f"{'rule':<44}{'hand-set':>9}{'fitted':>9}{'recommended':>13}{'best cut':>10}  status")
    for w in report.weights:
        coef = "" if w.coefficient is None else f"{w.coefficient:+.2f}"
        cut = "" if w.suggested_threshold is None else f"{w.suggested_threshold:g}"
        print(
            f"  {w.rule[:42]:<42}{w.hand_points:>9.1f}{coef:>9}{w.recommended_points:>13.1f}"
            f"{cut:>10}  {w.status[:60]}"
        )
    if report.recommended_low_max is not None:
        print(
            f"Recommended bands: low below {report.recommended_low_max:g}, high from "
            f"{report.recommended_high_min:g}."
        )
    for note in report.notes:
        print(f"Note: {note}")
    if saved:
        print(f"Saved as rule version {saved.version}.")
    return 0


# ---------------------------------------------------------------------- rules
def cmd_rules(args: argparse.Namespace) -> int:
    from workbench.scoring.operations import EditRules, RuleChange, edit_rules

    editing = bool(args.set or args.disable or args.bands)
    with opened(args.file, read_only=not editing) as eng:
        if editing:
            changes = []
            for signal, op, threshold, points in args.set:
                try:
                    changes.append(RuleChange(signal, op, float(threshold), float(points)))
                except ValueError:
                    raise WorkbenchError(
                        f"--set {signal} {op} {threshold} {points}: threshold and points must "
                        "be numbers."
                    ) from None
            request = EditRules(
                args.author,
                args.rationale,
                changes,
                disable=list(args.disable),
                bands=tuple(args.bands) if args.bands else None,
            )
            saved = edit_rules(eng, request)
            if not args.json:
                print(f"Saved rule version {saved.version}.")
        versions = list_rule_sets(eng) or [get_rule_set(eng)]
        if args.diff:
            diff = diff_rule_sets(get_rule_set(eng, args.diff[0]), get_rule_set(eng, args.diff[1]))
            if args.json:
                emit_json(diff)
            else:
                print(f"Version {args.diff[0]} -> {args.diff[1]}:")
                for c in diff.changes or []:
                    print(f"  {c.signal}: {c.change}")
                if not diff.changes:
                    print("  no change")
            return 0
        if args.show is not None:
            versions = [get_rule_set(eng, args.show)]
    if args.json:
        emit_json({"versions": versions})
        return 0
    for v in versions:
        print(
            f"Version {v.version or '(default, unsaved)'}  {v.effective_from or ''}  by "
            f"{v.author} [{v.source}]  bands: low < {v.low_max:g}, high >= {v.high_min:g}"
        )
        print(f"  {v.rationale}")
        if args.show is not None or len(versions) == 1:
            for r in v.rules:
                state = "" if r.enabled else "  (off)"
                print(f"    {r.points:5.1f} pts  {r.describe()}{state}")
    return 0


# ------------------------------------------------------------ validate-sample
def cmd_validate_sample(args: argparse.Namespace) -> int:
    writing = args.pick is not None or bool(args.expect) or bool(args.import_csv)
    with opened(args.file, read_only=not writing) as eng:
        if args.pick is not None:
            select_sample(eng, size=args.pick, pool=args.pool, seed=args.seed)
        for item in args.expect:
            if "=" not in item:
                raise WorkbenchError(f"--expect {item!r}: write it as OPPORTUNITY_ID=BAND.")
            crm_id, band = item.split("=", 1)
            if not args.reviewer.strip():
                raise WorkbenchError("--expect needs --reviewer NAME (who in sales leadership).")
            record_expectation(eng, crm_id.strip(), band, reviewer=args.reviewer, note=args.note)
        if args.import_csv:
            if not args.reviewer.strip():
                raise WorkbenchError(
                    "--import-csv needs --reviewer NAME (who in sales leadership)."
                )
            n = import_expectations_csv(eng, Path(args.import_csv), reviewer=args.reviewer)
            if not args.json:
                print(f"Recorded {n} expectations from {Path(args.import_csv).name}.")
        if args.export_csv:
            n = export_sample_csv(eng, Path(args.export_csv))
            if not args.json:
                print(f"Wrote {n} sample deals to {args.export_csv}.")
        report = validation_report(eng)
    if args.json:
        emit_json(report)
        return 0
    if not report.rows:
        print("No validation sample yet; pick one with --pick 15.")
        return 0
    print(
        f"Validation sample, rule version {report.rule_set_version}: {report.n_sample} deals, "
        f"{report.n_reviewed} reviewed."
    )
    for r in report.rows:
        verdict = "" if r.agrees is None else ("agrees" if r.agrees else "DISAGREES")
        print(
            f"  {r.score:5.1f} {r.band:<6} expected {r.expected_band or '?':<6} {verdict:<9} "
            f"{r.opportunity_crm_id:<20} {(r.name or '')[:30]}"
        )
    if report.agreement is not None:
        kappa = "n/a" if report.kappa is None else f"{report.kappa:.2f}"
        print(f"Agreement {report.agreement:.0%}, Cohen's kappa {kappa}.")
    return 0


# ------------------------------------------------------------- recalibration
def cmd_recalibration(args: argparse.Namespace) -> int:
    with opened(args.file, read_only=True) as eng:
        report = recalibration_report(eng)
    if args.json:
        emit_json(report)
        return 0
    print(report.verdict)
    if report.n_closed_since:
        auc = "n/a" if report.auc is None else f"{report.auc:.2f}"
        brier = "n/a" if report.brier is None else f"{report.brier:.3f}"
        print(
            f"{report.n_closed_since} deals closed since {report.effective_from} "
            f"({report.n_recorded} scored at the time, {report.n_reconstructed} scored as of "
            f"their snapshot): AUC {auc}, Brier {brier}."
        )
        for b in report.bands:
            share = "" if b.share is None else f"{b.share:.0%} lost or slipped"
            print(f"  {b.band:<6} {b.count:>6} deals  {share}")
    if report.changes and report.changes.changes:
        print(f"Changes from version {report.changes.from_version}:")
        for c in report.changes.changes:
            print(f"  {c.signal}: {c.change}")
    for note in report.notes:
        print(f"Note: {note}")
    return 0
