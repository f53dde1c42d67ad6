"""``workbench merge-plan`` and ``workbench decide``: act on duplicate accounts.

``merge-plan`` writes the merge plan of the asserted duplicates (CSV files for
Salesforce's merge and a Data Loader update, and a workbook); ``decide`` records the
consultant's decision on a pair (the same company, or two), which the next audit run
follows and learns from.
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
        "merge-plan",
        help="write the merge plan of the duplicate accounts and contacts",
        description="Write, for every asserted cluster of duplicates, the record to keep "
        "(by stated rules), the records to merge into it and the fields to carry over: "
        "CSV files for Salesforce's merge and Data Loader, and a workbook.",
    )
    add_file_argument(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    add_json_argument(p)
    p.set_defaults(handler=cmd_merge_plan)

    p = sub.add_parser(
        "decide",
        help="record whether two accounts are the same company",
        description="Record the decision on a pair listed for review; the next audit "
        "follows it and learns from it.",
    )
    add_file_argument(p)
    p.add_argument("id_a", metavar="ID_A", help="CRM id of one record")
    p.add_argument("id_b", metavar="ID_B", help="CRM id of the other")
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--same", action="store_true", help="the same company or person")
    verdict.add_argument("--different", action="store_true", help="two different ones")
    p.add_argument("--by", default="", help="who decided")
    p.add_argument("--note", default="", help="why")
    add_json_argument(p)
    p.set_defaults(handler=cmd_decide)


def cmd_merge_plan(args: argparse.Namespace) -> int:
    from workbench.reports.merge_plan_workbook import MergePlanRequest, export_merge_plan

    with opened(args.file, read_only=True) as eng:
        result = export_merge_plan(
            eng, MergePlanRequest(Path(args.out)), progress=terminal_progress()
        )
    if args.json:
        emit_json(asdict(result))
        return 0
    print(
        f"{result.account_clusters:,} account clusters ({result.accounts_to_merge:,} records "
        f"to merge), {result.contact_clusters:,} contact clusters "
        f"({result.contacts_to_merge:,} to merge), {result.fields_carried:,} fields to carry over"
        f" (CRM hygiene audit {result.source})"
    )
    for path in result.files:
        print(f"  {path}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from workbench.audits.dedup_decisions import PairDecision, record_decision

    with opened(args.file) as eng:
        decision = record_decision(
            eng,
            PairDecision(args.id_a, args.id_b, bool(args.same), args.by, args.note),
        )
    if args.json:
        emit_json(asdict(decision))
        return 0
    verdict = "the same" if decision.same else "different"
    print(f"{decision.crm_id_a} and {decision.crm_id_b} recorded as {verdict}.")
    return 0
