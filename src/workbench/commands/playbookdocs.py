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
