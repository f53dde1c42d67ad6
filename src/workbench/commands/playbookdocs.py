"""``workbench intake-import``: read the intake workbook the customer filled in.

Without ``--apply`` it shows the diff (each answer, what the engagement held and the
status it moves to); with ``--apply`` it writes it in one step (undoable).
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


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    p = sub.add_parser(
        "intake-import",
        help="import the intake workbook the customer filled in",
        description="Show what the customer's answers in the intake workbook change; "
        "with --apply, record them: each answered item becomes CONFIRMED with the "
        "workbook as its source.",
    )
    add_file_argument(p)
    p.add_argument("workbook", metavar="WORKBOOK", help="the filled-in intake workbook (.xlsx)")
    p.add_argument("--apply", action="store_true", help="record the answers (default: show only)")
    add_json_argument(p)
    p.set_defaults(handler=cmd_intake_import)

    p = sub.add_parser(
        "tech-spec",
        help="the technical specification's approval: version, approver, what changed",
        description="Show the technical specification's approved version and the inputs "
        "changed since; with --approve, approve it as it reads now (a new version).",
    )
    add_file_argument(p)
    p.add_argument("--approve", action="store_true", help="approve the specification as it is")
    p.add_argument("--by", default="", help="who approves (with --approve)")
    p.add_argument("--on", default=None, metavar="YYYY-MM-DD", help="approval date (today)")
    p.add_argument("--note", default="", help="a note kept with the approval")
    add_json_argument(p)
    p.set_defaults(handler=cmd_tech_spec)


def cmd_intake_import(args: argparse.Namespace) -> int:
    from workbench.lifecycle.intake_roundtrip import IntakeImport, import_intake

    with opened(args.file, read_only=not args.apply) as eng:
        result = import_intake(
            eng, IntakeImport(Path(args.workbook), apply=args.apply), progress=terminal_progress()
        )
    if args.json:
        emit_json(asdict(result))
        return 0
    if not result.answers:
        print(f"{result.file}: no new answers ({result.unchanged} already confirmed).")
        return 0
    for a in result.answers:
        change = f"{a.before or '(empty)'} -> {a.after}" if a.changed else f"{a.after} (same)"
        print(f"{a.sheet} row {a.row}: {a.question}")
        print(f"    {change}; {a.status_before} -> {a.status_after}")
    verb = "Recorded" if result.applied else "Would record"
    print(f"{verb} {len(result.answers)} answers from {result.file}"
          f" ({result.unchanged} unchanged).")  # fmt: skip
    if not result.applied:
        print("Run again with --apply to record them.")
    return 0


def cmd_tech_spec(args: argparse.Namespace) -> int:
    from workbench.lifecycle.tech_spec import ApproveSpec, approve_spec, spec_state

    with opened(args.file, read_only=not args.approve) as eng:
        if args.approve:
            state = approve_spec(eng, ApproveSpec(args.by, args.on, args.note))
        else:
            state = spec_state(eng)
    if args.json:
        emit_json(
            {
                "approval": None if state.approval is None else asdict(state.approval),
                "stale": state.stale,
                "changed": state.changed,
                "next_version": state.next_version,
            }
        )
        return 0
    print(f"Technical specification: {state.describe()}.")
    if state.stale:
        print("Approve it again after the review: workbench tech-spec FILE --approve --by NAME")
    return 0
