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
from workbench.models.findings import STATUSES, finding_history, list_findings, set_status


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
    add_json_argument(p)
    p.set_defaults(handler=cmd_audit)

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
    from workbench.audits import AUDIT_TITLES, run_audits

    names = list(dict.fromkeys(args.audits)) or None
    with opened(args.file) as eng:
        run = run_audits(eng, names, progress=terminal_progress())
    if args.json:
        emit_json(
            {name: _json_result(name, result) for name, result in run.results.items()}
            | {"seconds": run.seconds}
        )
        return 0
    for name, result in run.results.items():
        print(f"== {AUDIT_TITLES[name]} ({run.seconds[name]:.1f} s)")
        for line in _summary_lines(name, result):
            print(f"  {line}")
        for f in result.findings:
            print(f"  [{f.severity:<8}] {f.title}")
    return 0


def _json_result(name: str, result: object) -> dict:
    data = asdict(result)
    if name == "crm-hygiene":
        data["duplicate_account_clusters"] = [
            {"crm_ids": c["ids"], "names": c["names"], "pairs": c["pairs"]}
            for c in data.pop("duplicate_accounts")
        ]
        data["health_score"] = data["health"]["score"]
    return data


def _summary_lines(name: str, result) -> list[str]:
    from workbench.audits.common import fmt_pct

    if name == "crm-hygiene":
        return [
            f"health score {result.health.score}/100; {result.accounts:,} accounts, "
            f"{result.opportunities:,} opportunities ({result.open_opportunities:,} open); "
            f"{len(result.duplicate_accounts):,} duplicate account clusters"
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
    if args.status == "CORRECTED" and not args.note.strip():
        raise WorkbenchError("A correction needs --note saying what the right figure or fact is.")
    with opened(args.file) as eng:
        stored = set_status(eng, args.finding_id, args.status, args.note, args.meeting)
    if args.json:
        emit_json(stored)
    else:
        print(f"Finding #{stored.id} is now {stored.status}: {stored.title}")
    return 0
