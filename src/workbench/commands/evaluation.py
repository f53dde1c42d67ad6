"""``workbench evaluate``: the platform evaluation matrix from the command line.

Every change given in one command is applied in one transaction: if any value is
bad (unknown vendor, score 7, weight "abc"), the command exits 1 with a plain
message and nothing is changed. With no action flags it prints the current matrix.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.commandline import add_file_argument, emit_json, opened, terminal_progress
from workbench.errors import WorkbenchError
from workbench.evaluation import (
    TEMPLATE_NAMES,
    ahp_weights,
    edit,
    load_matrix,
    matrix_from_pairs,
    summary_dict,
)
from workbench.evaluation import operations as ops
from workbench.evaluation.ahp import rounded_percentages
from workbench.evaluation.sensitivity import DEFAULT_DRAWS, DEFAULT_SEED
from workbench.evaluation.store import resolve
from workbench.evaluation.summary import EvaluationSummary
from workbench.models.vocabulary import count as plural_count

ACTIONS = (
    "template", "set_weight", "normalise", "score", "tco", "tco_years", "pricing_step",
    "pricing_from_tco", "pilot", "apply_pilot", "add_vendor", "remove_vendor", "add_criterion",
    "remove_criterion", "add_evaluator", "select", "ahp", "import_path", "rename_vendor",
    "rename_criterion", "add_subcriterion", "remove_subcriterion", "set_scale",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``workbench evaluate`` to the ``workbench`` parser."""
    p = sub.add_parser(
        "evaluate",
        help="platform evaluation matrix: weights, scores, TCO, sensitivity, Excel",
        description="Build and score the platform evaluation matrix. Without action options "
        "it prints the current matrix, ranking, sensitivity and TCO.",
    )
    add_file_argument(p)
    p.add_argument("--template", choices=TEMPLATE_NAMES, help="start an evaluation from a template")
    p.add_argument(
        "--new",
        action="store_true",
        help="with --template: start another evaluation although one exists",
    )
    p.add_argument(
        "--set-weight",
        action="append",
        default=[],
        metavar="CRITERION=PCT",
        help="set a criterion's weight in percent (repeat)",
    )
    p.add_argument(
        "--normalise",
        "--normalize",
        action="store_true",
        help="scale the weights proportionally so they sum to 100%%",
    )
    p.add_argument(
        "--score",
        action="append",
        default=[],
        metavar="VENDOR:CRITERION=N",
        help="score 1-5 (or 'clear'), by --evaluator (default the first) (repeat)",
    )
    p.add_argument("--evaluator", metavar="NAME", help="who gives the --score values")
    p.add_argument("--evidence", metavar="TEXT", help="evidence note for the --score values")
    p.add_argument(
        "--tco",
        action="append",
        default=[],
        metavar="VENDOR:FIELD=VALUE",
        help=f"a cost input; VENDOR may be * for all. Fields: {edit.TCO_FIELDS_HELP}",
    )
    p.add_argument("--tco-years", type=int, metavar="N", help="contract term for TCO (default 3)")
    p.add_argument(
        "--pricing-step",
        metavar="PCT",
        help="pricing rule: each PCT%% above the cheapest TCO costs 1 point (default 20)",
    )
    p.add_argument(
        "--pricing-from-tco",
        choices=("yes", "no"),
        help="whether TCO sets the pricing criterion's score (default yes)",
    )
    p.add_argument(
        "--pilot",
        action="append",
        default=[],
        metavar="VENDOR:MEASURE=RATING",
        help="pilot rating 1-5, optionally RATING@MEASURED, e.g. 4@94%% (repeat)",
    )
    p.add_argument(
        "--apply-pilot",
        action="store_true",
        help="feed pilot ratings into the scores as the evaluator 'Pilot'",
    )
    p.add_argument(
        "--add-vendor",
        action="append",
        default=[],
        metavar="NAME[=OPTION]",
        help="add a vendor; OPTION single, dual or crm-native",
    )
    p.add_argument("--remove-vendor", action="append", default=[], metavar="NAME")
    p.add_argument("--add-criterion", action="append", default=[], metavar="NAME=PCT")
    p.add_argument("--remove-criterion", action="append", default=[], metavar="NAME")
    p.add_argument("--add-evaluator", action="append", default=[], metavar="NAME[=ROLE]")
    p.add_argument("--rename-vendor", action="append", default=[], metavar="OLD=NEW")
    p.add_argument("--rename-criterion", action="append", default=[], metavar="OLD=NEW")
    p.add_argument("--add-subcriterion", action="append", default=[], metavar="CRITERION=TEXT")
    p.add_argument("--remove-subcriterion", action="append", default=[], metavar="CRITERION=TEXT")
    p.add_argument(
        "--set-scale",
        action="append",
        default=[],
        metavar="LEVEL=LABEL:DESCRIPTION",
        help="reword a level of the 1-5 score scale",
    )
    p.add_argument(
        "--select", metavar="VENDOR", help="record the selected platform ('none' clears)"
    )
    p.add_argument("--note", default="", metavar="TEXT", help="decision note for --select")
    p.add_argument(
        "--ahp",
        action="append",
        default=[],
        metavar="A/B=N",
        help="pairwise judgement: criterion A matters N times B (1/9..9); shows AHP "
        "weights and consistency; with --apply sets them",
    )
    p.add_argument("--export", metavar="PATH.xlsx", help="write the Excel workbook")
    p.add_argument(
        "--import",
        dest="import_path",
        metavar="PATH.xlsx",
        help="show what an edited workbook changes; with --apply apply it",
    )
    p.add_argument("--apply", action="store_true", help="apply --import changes or --ahp weights")
    p.add_argument(
        "--draws", type=int, default=DEFAULT_DRAWS, help="Monte Carlo draws (default 10000)"
    )
    p.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=cmd_evaluate)


def _split(text: str, option: str, pattern: str) -> tuple[str, str, str]:
    """Split 'A:B=C' (or 'A=C' when the pattern has no colon) into its parts."""
    if "=" not in text:
        raise WorkbenchError(f"{option} {text!r} is not in the form {pattern}.")
    left, value = text.rsplit("=", 1)
    if ":" in pattern:
        if ":" not in left:
            raise WorkbenchError(f"{option} {text!r} is not in the form {pattern}.")
        first, second = left.split(":", 1)
        return first.strip(), second.strip(), value.strip()
    return left.strip(), "", value.strip()


def _check_companions(args: argparse.Namespace) -> None:
    """Options that only qualify another option must come with it (else they'd be ignored)."""
    pairs = [
        ("evidence", "score", "--evidence", "--score"),
        ("evaluator", "score", "--evaluator", "--score"),
        ("note", "select", "--note", "--select"),
        ("new", "template", "--new", "--template"),
    ]
    for companion, main_option, flag, needs in pairs:
        if getattr(args, companion) and not getattr(args, main_option):
            raise WorkbenchError(f"{flag} goes with {needs}; nothing was changed.")
    if args.apply and not (args.import_path or args.ahp):
        raise WorkbenchError("--apply goes with --import or --ahp; nothing was changed.")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from workbench.evaluation.operations import Analyse, analyse, evaluation_summary

    _check_companions(args)
    acting = any(getattr(args, a) for a in ACTIONS)
    new_parameters = (args.draws, args.seed) != (DEFAULT_DRAWS, DEFAULT_SEED)
    # Reading needs no write access: a current stored run is shown as it is, a stale
    # one is recomputed (and stored when the file is writable).
    with opened(args.file, read_only=not (acting or new_parameters)) as eng:
        notes: list[str] = []
        extra: dict[str, Any] = {}
        if acting:
            with eng.atomic():
                _apply_actions(eng, args, notes, extra)
        if new_parameters:
            done = analyse(eng, Analyse(args.draws, args.seed))
            summary, run = done.summary, done.monte_carlo_run
        else:
            summary, run = evaluation_summary(eng)
        matrix = summary.matrix
        if args.export:
            from workbench.evaluation.workbook import export_workbook

            path = export_workbook(
                matrix,
                Path(args.export),
                customer=eng.meta().customer,
                progress=terminal_progress(),
            )
            notes.append(f"Exported {path}")
            extra["exported"] = str(path)
    if args.json:
        emit_json({**summary_dict(summary), **extra, "run": run.describe() if run else None})
    else:
        for line in notes:
            print(line)
        print_summary(summary)
        if run is not None:
            print(f"Monte Carlo and sensitivity: {run.label()}.")
    return 0


def _apply_actions(eng, args: argparse.Namespace, notes: list[str], extra: dict) -> None:
    if args.template:
        from workbench.evaluation.operations import StartEvaluation, start_evaluation

        start_evaluation(eng, StartEvaluation(args.template, new=args.new))
        notes.append(f"Started a {args.template} evaluation.")
    matrix = load_matrix(eng)
    for item in args.add_vendor:
        name, _, option = item.partition("=")
        ops.edit_evaluation(eng, ops.AddVendor(name, option))
        matrix = load_matrix(eng)
    for name in args.remove_vendor:
        edit.remove_vendor(eng, matrix, name)
        matrix = load_matrix(eng)
    for item in args.add_criterion:
        name, _, pct = _split(item, "--add-criterion", "NAME=PCT")
        ops.edit_evaluation(eng, ops.AddCriterion(name, pct))
        matrix = load_matrix(eng)
    for name in args.remove_criterion:
        edit.remove_criterion(eng, matrix, name)
        matrix = load_matrix(eng)
    for item in args.add_evaluator:
        name, _, role = item.partition("=")
        edit.add_evaluator(eng, matrix, name, role)
        matrix = load_matrix(eng)
    matrix = _structure_edits(eng, args, matrix)
    if args.set_weight:
        weights = {}
        for item in args.set_weight:
            name, _, pct = _split(item, "--set-weight", "CRITERION=PCT")
            weights[resolve(matrix.criteria, name, "criterion").name] = pct
        edit.set_weights(eng, matrix, weights)
        matrix = load_matrix(eng)
    if args.normalise:
        ops.edit_evaluation(eng, ops.NormaliseWeights())
        notes.append("Weights normalised to sum to 100%.")
        matrix = load_matrix(eng)
    for item in args.score:
        vendor, criterion, value = _split(item, "--score", "VENDOR:CRITERION=N")
        vendor, criterion, who = ops.edit_evaluation(
            eng,
            ops.SetScore(
                vendor,
                criterion,
                None if value.casefold() == "clear" else value,
                args.evaluator,
                args.evidence,
            ),
        )
        notes.append(f"Scored {vendor} / {criterion} = {value} (by {who}).")
    for item in args.tco:
        vendor, fld, value = _split(item, "--tco", "VENDOR:FIELD=VALUE")
        ops.edit_evaluation(eng, ops.SetTco(vendor, fld, value))
        matrix = load_matrix(eng)
    if args.tco_years is not None or args.pricing_step or args.pricing_from_tco:
        step = (
            edit.parse_number(args.pricing_step, "Pricing step", low=0.0001, high=1000)
            if args.pricing_step
            else None
        )
        ops.edit_evaluation(
            eng,
            ops.SetOptions(
                args.tco_years,
                step,
                None if not args.pricing_from_tco else args.pricing_from_tco == "yes",
            ),
        )
        matrix = load_matrix(eng)
    for item in args.pilot:
        vendor, measure, value = _split(item, "--pilot", "VENDOR:MEASURE=RATING")
        rating, _, measured = value.partition("@")
        ops.edit_evaluation(eng, ops.SetPilot(vendor, measure, rating, measured))
        matrix = load_matrix(eng)
    if args.apply_pilot:
        count = ops.edit_evaluation(eng, ops.ApplyPilot())
        notes.append(f"Pilot results fed {plural_count(count, 'score')} as the evaluator 'Pilot'.")
        matrix = load_matrix(eng)
    if args.ahp:
        extra["ahp"] = _ahp(eng, matrix, args, notes)
        matrix = load_matrix(eng)
    if args.import_path:
        from workbench.evaluation.workbook_import import apply_changes, read_changes

        diff = read_changes(args.import_path, matrix, customer=eng.meta().customer)
        lines = diff.lines() or ["no changes"]
        notes.append(f"Changes in {diff.path.name}:")
        notes.extend(f"  {line}" for line in lines)
        if args.apply and diff.changes:
            apply_changes(eng, matrix, diff)
            notes.append(f"Applied {plural_count(len(diff.changes), 'change')}.")
        elif diff.changes:
            notes.append("Nothing applied yet: run again with --apply to apply these changes.")
        extra["import"] = {
            "path": str(diff.path),
            "changes": diff.changes,
            "problems": diff.problems,
            "applied": bool(args.apply),
        }
        matrix = load_matrix(eng)
    if args.select:
        vendor = None if args.select.casefold() == "none" else args.select
        ops.edit_evaluation(eng, ops.SelectVendor(vendor, args.note))
        notes.append(f"Selected platform: {vendor}." if vendor else "Selection cleared.")


def _structure_edits(eng, args: argparse.Namespace, matrix):
    """Renames, sub-criteria and scale wording; returns the re-read matrix."""
    for item in args.rename_vendor:
        old, _, new = _split(item, "--rename-vendor", "OLD=NEW")
        edit.rename_vendor(eng, matrix, old, new)
        matrix = load_matrix(eng)
    for item in args.rename_criterion:
        old, _, new = _split(item, "--rename-criterion", "OLD=NEW")
        edit.rename_criterion(eng, matrix, old, new)
        matrix = load_matrix(eng)
    for item in args.add_subcriterion:
        criterion, text = item.split("=", 1) if "=" in item else (item, "")
        edit.add_subcriterion(eng, matrix, criterion, text)
        matrix = load_matrix(eng)
    for item in args.remove_subcriterion:
        criterion, text = item.split("=", 1) if "=" in item else (item, "")
        edit.remove_subcriterion(eng, matrix, criterion, text)
        matrix = load_matrix(eng)
    for item in args.set_scale:
        level, _, rest = item.partition("=")
        label, _, description = rest.partition(":")
        if not label.strip():
            raise WorkbenchError(
                f"--set-scale {item!r} is not in the form LEVEL=LABEL:DESCRIPTION."
            )
        edit.set_scale_level(eng, matrix, level, label.strip(), description.strip())
        matrix = load_matrix(eng)
    return matrix


def _ahp(eng, matrix, args: argparse.Namespace, notes: list[str]) -> dict[str, Any]:
    names = [c.name for c in matrix.criteria]
    pairs: dict[tuple[str, str], float] = {}
    for item in args.ahp:
        left, _, value = _split(item, "--ahp", "A/B=N")
        if "/" not in left:
            raise WorkbenchError(f"--ahp {item!r} is not in the form A/B=N.")
        # criterion names may contain '/', so try every split point until both sides resolve
        found = None
        for i in [k for k, ch in enumerate(left) if ch == "/"]:
            try:
                found = (
                    resolve(matrix.criteria, left[:i], "criterion").name,
                    resolve(matrix.criteria, left[i + 1 :], "criterion").name,
                )
                break
            except WorkbenchError:
                continue
        if found is None:
            raise WorkbenchError(
                f"--ahp {item!r}: could not find two criteria in {left!r}; "
                f"criteria are: {', '.join(names)}."
            )
        num, _, den = value.partition("/")
        ratio = edit.parse_number(num, "AHP judgement", low=1 / 9, high=9) / (
            edit.parse_number(den, "AHP judgement", low=1, high=9) if den else 1.0
        )
        pairs[found] = ratio
    result = ahp_weights(names, matrix_from_pairs(names, pairs))
    rounded = rounded_percentages(result.weights_pct)
    notes.append(
        "AHP weights: " + ", ".join(f"{n} {w:g}%" for n, w in zip(names, rounded, strict=True))
    )
    notes.append(result.message)
    if args.apply:
        if not result.acceptable:
            raise WorkbenchError(f"{result.message} The weights were not applied.")
        edit.set_weights(eng, matrix, dict(zip(names, rounded, strict=True)))
        notes.append("AHP weights applied.")
    return {
        "weights": dict(zip(names, rounded, strict=True)),
        "lambda_max": result.lambda_max,
        "consistency_index": result.consistency_index,
        "consistency_ratio": result.consistency_ratio,
        "acceptable": result.acceptable,
        "applied": bool(args.apply and result.acceptable),
    }


def print_summary(summary: EvaluationSummary) -> None:
    """The matrix, ranking, sensitivity, Monte Carlo and TCO as text."""
    m, r = summary.matrix, summary.results
    print(f"{m.name}  [{m.template}]")
    width = max([len(c.name) for c in m.criteria] + [22])
    heads = [v.name[:12] for v in m.vendors]
    print(f"{'Criterion':<{width}}  {'Weight':>6}  " + "  ".join(f"{h:>12}" for h in heads))
    cells = {(c.vendor, c.criterion): c for c in r.consensus}
    for c in m.criteria:
        row = []
        for v in m.vendors:
            cell = cells[(v.name, c.name)]
            text = "-" if cell.score is None else f"{cell.score:.2f}"
            text += "!" if cell.disagreement else ("$" if cell.source == "tco" else "")
            row.append(f"{text:>12}")
        print(f"{c.name:<{width}}  {c.weight:>5g}%  " + "  ".join(row))
    by = {v.name: v for v in r.vendors}
    print(
        f"{'Weighted total (1-5)':<{width}}  {'':>6}  "
        + "  ".join(f"{by[v.name].total:>12.2f}" for v in m.vendors)
    )
    print(
        f"{'Weighted total (%)':<{width}}  {'':>6}  "
        + "  ".join(f"{by[v.name].total_pct:>11.1f}%" for v in m.vendors)
    )
    if r.weight_check.ok:
        print(
            f"{'Rank':<{width}}  {'':>6}  " + "  ".join(f"{by[v.name].rank:>12}" for v in m.vendors)
        )
    print("(! evaluators disagree by 2+ points; $ pricing score from TCO; - not scored)")
    print()
    print(summary.recommendation)
    if summary.sensitivity:
        print("\nSensitivity (weight at which first place changes; others rescaled):")
        for s in summary.sensitivity:
            up = (
                f"up to {s.up_to_pct:.1f}% (+{s.up_change_pts:.1f}) -> {s.up_new_leader}"
                if s.up_to_pct is not None
                else "up: holds to 100%"
            )
            down = (
                f"down to {s.down_to_pct:.1f}% ({s.down_change_pts:.1f}) -> {s.down_new_leader}"
                if s.down_to_pct is not None
                else "down: holds to 0%"
            )
            print(f"  {s.criterion:<{width}} {s.weight_pct:5.1f}%  {up}; {down}")
    if summary.monte_carlo:
        mc = summary.monte_carlo
        print(
            f"\nProbability of ranking first ({mc.draws:,} weight draws, seed {mc.seed}): "
            + ", ".join(
                f"{n} {p * 100:.1f}%"
                for n, p in sorted(mc.win_probability.items(), key=lambda kv: -kv[1])
            )
        )
    if any(t.has_costs for t in summary.tco):
        print(
            f"\nTCO over {m.tco_years} years ({m.currency}); pricing: cheapest = 5, each "
            f"{m.pricing_step_pct:g}% dearer = -1:"
        )
        for t in summary.tco:
            if t.has_costs:
                seat = f"{t.per_seat:,.0f} per seat" if t.per_seat is not None else "no seats"
                print(
                    f"  {t.vendor:<22} {t.total:>14,.0f}  {seat:>20}  "
                    f"pricing score {t.pricing_score:.2f}"
                )
    if r.disagreements:
        print("\nEvaluators disagree (2+ points):")
        for c in r.disagreements:
            detail = ", ".join(f"{k} {v}" for k, v in c.by_evaluator.items())
            print(f"  {c.vendor} / {c.criterion}: {detail}")
    if m.selected_vendor:
        print(
            f"\nSelected platform: {m.selected_vendor}"
            + (f" - {m.decision_note}" if m.decision_note else "")
        )
