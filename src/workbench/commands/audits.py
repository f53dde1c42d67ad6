"""``workbench audit``, ``workbench findings`` and ``workbench confirm``.

``audit`` runs the pre-kickoff audits (all, or the ones named) and records their
findings; ``findings`` lists the engagement's current findings; ``confirm`` moves a
finding from ASSUMED to CONFIRMED (or CORRECTED, RESOLVED, DISMISSED) with a note and
the meeting where that happened.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import WorkbenchError
from workbench.models.findings import STATUSES, finding_history, list_findings


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    from workbench.audits import AUDITS

    p = sub.add_parser(
        "audit",
        help="run the pre-kickoff audits (CRM hygiene, capture, baselines, maintenance)",
        description="Run the named audits (all when none is named) and record their findings "
        "as ASSUMED until the customer confirms them.",
    )
    add_file_argument(p)
    p.add_argument(
        "audits",
        nargs="*",
        metavar="AUDIT",
        type=_audit_name,
        help=f"which audits to run: {', '.join(AUDITS)} (default: all)",
    )
    p.add_argument(
        "--latest",
        action="store_true",
        help="show the latest stored run of each audit instead of running it again",
    )
    p.add_argument(
        "--run",
        type=int,
        metavar="N",
        help="show stored run number N (see 'workbench runs FILE') instead of running again",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser(
        "baselines",
        help="the four-quarter baselines of one segment, or split by a field",
        description="Compute the baselines (win rate, cycle, deal size, velocity, slippage, "
        "forecast accuracy) for the deals of one segment (--where) or split by a field "
        "(--by): type (opportunity type), record_type, pipeline, team, segment, owner. "
        "A filtered view records no findings.",
    )
    add_file_argument(p)
    p.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="keep only the deals whose FIELD is VALUE (repeatable), e.g. type='New Business'",
    )
    p.add_argument("--by", metavar="FIELD", help="add rows split by FIELD")
    add_json_argument(p)
    p.set_defaults(handler=cmd_baselines)

    p = sub.add_parser("findings", help="list the engagement's findings and their status")
    add_file_argument(p)
    p.add_argument("--audit", choices=list(AUDITS), help="only this audit's findings")
    p.add_argument(
        "--all", action="store_true", help="include findings the latest run no longer found"
    )
    p.add_argument("--history", action="store_true", help="include each finding's history")
    add_json_argument(p)
    p.set_defaults(handler=cmd_findings)

    p = sub.add_parser("confirm", help="confirm, correct, resolve or dismiss a finding")
    add_file_argument(p)
    p.add_argument(
        "finding_id",
        metavar="FINDING_ID",
        type=int,
        help="the finding's number (see 'workbench findings')",
    )
    p.add_argument(
        "--status",
        default="CONFIRMED",
        type=str.upper,
        choices=STATUSES,
        help="new status (default CONFIRMED)",
    )
    p.add_argument("--note", default="", help="what was said or corrected")
    p.add_argument(
        "--meeting",
        type=int,
        default=None,
        metavar="ID",
        help="the meeting (kickoff, alignment...) where this was agreed",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_confirm)


def _audit_name(value: str) -> str:
    from workbench.audits import AUDITS

    name = value.strip().lower().replace("_", "-")
    if name not in AUDITS:
        raise argparse.ArgumentTypeError(
            f"unknown audit {value!r}; choose from {', '.join(AUDITS)}"
        )
    return name


def cmd_audit(args: argparse.Namespace) -> int:
    from workbench.audits import AUDIT_TITLES
    from workbench.audits.operations import RunAudits, run_audits_op

    if args.latest or args.run is not None:
        return _show_latest(args)
    with opened(args.file) as eng:
        run = run_audits_op(eng, RunAudits(args.audits), progress=terminal_progress())
    if args.json:
        emit_json(
            {
                name: _json_result(name, o.result) | {"run": o.run.describe()}
                for name, o in run.outcomes.items()
            }
            | {"seconds": run.seconds}
        )
        return 0
    for name, result in run.results.items():
        o = run.outcomes[name]
        print(f"== {AUDIT_TITLES[name]} ({run.seconds[name]:.1f} s; stored as {o.run.label()})")
        for line in _summary_lines(name, result):
            print(f"  {line}")
        for f in result.findings:
            print(f"  [{f.severity:<8}] {f.title}")
    return 0


def _show_latest(args: argparse.Namespace) -> int:
    from workbench.audits import AUDIT_TITLES
    from workbench.audits.operations import latest_audit

    names = list(dict.fromkeys(args.audits)) or list(AUDIT_TITLES)
    with opened(args.file, read_only=True) as eng:
        if args.run is not None:
            names = [_audit_of_run(eng, args.run, args.audits)]
        found = {n: latest_audit(eng, n, args.run) for n in names}
    missing = [n for n, hit in found.items() if hit is None]
    if missing:
        raise WorkbenchError(
            f"No stored run of {', '.join(missing)} yet; run 'workbench audit FILE' first."
        )
    if args.json:
        emit_json(
            {
                n: _json_result(n, result) | {"run": run.describe()}
                for n, (result, run) in found.items()
            }
        )
        return 0
    for name, (result, run) in found.items():
        print(f"== {AUDIT_TITLES[name]} ({run.label()})")
        for line in _summary_lines(name, result):
            print(f"  {line}")
    return 0


def _audit_of_run(eng, run_id: int, named: list[str]) -> str:
    """The audit whose stored run ``run_id`` is to be shown (the one named, else the
    run's own); a run that is no audit's says so with the audit runs stored."""
    from workbench.audits.operations import RESULT_TYPES
    from workbench.models.runs import family, kind_of_run, list_runs, run_title

    if len(set(named)) > 1:
        raise WorkbenchError(f"--run shows one stored run; name one audit, not {len(set(named))}.")
    if named:
        return named[0]
    kind = kind_of_run(eng, run_id)
    name = kind.split(":", 1)[1] if kind and family(kind) == "audit" else None
    if name in RESULT_TYPES:
        return name
    stored = ", ".join(
        f"#{r.id} ({r.kind})"
        for r in list_runs(eng)
        if family(r.kind) == "audit" and r.kind.split(":", 1)[1] in RESULT_TYPES
    )
    what = f"is the {run_title(kind)} (kind {kind})" if kind else "is not stored"
    raise WorkbenchError(
        f"Run #{run_id} {what}, not an audit's; the stored audit runs are {stored or 'none yet'}."
    )


def cmd_baselines(args: argparse.Namespace) -> int:
    from workbench.audits.common import fmt_pct
    from workbench.audits.operations import SegmentBaselines, segment_baselines

    where = {}
    for item in args.where:
        field, sep, value = item.partition("=")
        if not sep or not field.strip():
            raise WorkbenchError(f"--where {item!r} is not FIELD=VALUE (e.g. type=Renewal).")
        where[field.strip()] = value.strip()
    with opened(args.file) as eng:
        done = segment_baselines(
            eng, SegmentBaselines(where, args.by), progress=terminal_progress()
        )
    result = done.result
    if args.json:
        emit_json(_json_result("baselines", result) | {"run": done.run.describe()})
        return 0
    print(f"({done.run.label()})")
    for line in _summary_lines("baselines", result):
        print(line)
    if args.by:
        print(f"by {args.by}:")
        for r in result.rows:
            if r.scope == args.by and r.quarter == "ALL":
                print(
                    f"  {r.name:<24} win rate {fmt_pct(r.win_rate)} ({r.won}/{r.won + r.lost}); "
                    f"slippage {fmt_pct(r.slippage_rate)} ({r.slipped}/{r.forecast_in_quarter})"
                )
    for note in result.notes:
        print(f"note: {note}")
    return 0


def _json_result(name: str, result: object) -> dict:
    data = asdict(result)
    if name == "crm-hygiene":
        data["duplicate_account_clusters"] = [
            {"crm_ids": c["ids"], "names": c["names"], "pairs": c["pairs"]}
            for c in data.pop("duplicate_accounts")
        ]
        data["possible_duplicate_account_pairs"] = data.pop("possible_duplicate_accounts")
        data["health_score"] = data["health"]["score"]
    return data


def _summary_lines(name: str, result) -> list[str]:
    from workbench.audits.common import fmt_pct

    if name == "crm-hygiene":
        return [
            f"health score {result.health.score}/100; {result.accounts:,} accounts, "
            f"{result.opportunities:,} opportunities ({result.open_opportunities:,} open); "
            f"{len(result.duplicate_accounts):,} duplicate account clusters",
            f"{len(result.possible_duplicate_accounts):,} possible duplicate account pairs to "
            "review (workbench decide)"
            + (
                f"; not in the data: {', '.join(result.duplicate_evidence['missing'])}"
                if result.duplicate_evidence.get("missing")
                else ""
            ),
        ]
    if name == "capture":
        lines = [
            f"capture {fmt_pct(result.rate)} of {result.total:,} conversations "
            f"({result.window.label()}); {result.status}"
        ]
        lines += [
            f"  {g.key:<12} {fmt_pct(g.rate):>7}  {g.recorded:,}/{g.total:,}  {g.status}"
            for g in result.by_channel
        ]
        return lines
    if name == "baselines":
        lines = []
        for q in [*result.quarters, "ALL"]:
            r = result.row(q)
            if r is None:
                continue
            lines.append(
                f"{q:<10} win rate {fmt_pct(r.win_rate)} ({r.won}/{r.won + r.lost}); cycle "
                f"{'n/a' if r.cycle_mean_days is None else f'{r.cycle_mean_days:.0f}'} d; "
                f"forecast accuracy {fmt_pct(r.forecast_accuracy)}; slippage "
                f"{fmt_pct(r.slippage_rate)} ({r.slipped}/{r.forecast_in_quarter})"
            )
        return lines
    if name == "maintenance":
        return [f"{c.cadence:<9} {c.task:<36} {c.status:<15} {c.display}" for c in result.checks]
    if hasattr(result, "summary_lines"):
        return result.summary_lines()
    return []


def cmd_findings(args: argparse.Namespace) -> int:
    with opened(args.file, read_only=True) as eng:
        found = list_findings(eng, args.audit, current_only=not args.all)
        history = {f.id: finding_history(eng, f.id) for f in found} if args.history else {}
    if args.json:
        emit_json(
            [
                asdict(f)
                | ({"history": [asdict(h) for h in history[f.id]]} if args.history else {})
                for f in found
            ]
        )
        return 0
    if not found:
        print("No findings yet; run 'workbench audit FILE' first.")
        return 0
    for f in found:
        print(f"#{f.id:<5} [{f.severity:<8}] {f.status:<10} {f.audit:<12} {f.title}")
        for h in history.get(f.id, []):
            print(f"        {h.at} {h.event} {h.status or ''} {h.note}")
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    from workbench.audits.operations import SetFindingStatus, set_finding_status

    with opened(args.file) as eng:
        stored = set_finding_status(
            eng, SetFindingStatus(args.finding_id, args.status, args.note, args.meeting)
        )
    if args.json:
        emit_json(stored)
    else:
        print(f"Finding #{stored.id} is now {stored.status}: {stored.title}")
    return 0
