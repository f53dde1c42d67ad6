"""The duplicate merge plan as CSV files and a workbook the customer's admin can act on.

``export_merge_plan`` writes, into one folder: ``account_merges.csv`` and
``contact_merges.csv`` (one row per record to merge, with its master: the input of
Salesforce's merge, two duplicates per call), ``account_field_updates.csv`` and
``contact_field_updates.csv`` (Data Loader update files: Id and the API fields to
carry over onto the master before merging), and ``Duplicate Merge Plan.xlsx`` with the
rules, both merge lists, the field updates and every record of every cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.audits.merge_plan import (
    RULES,
    MergePlan,
    build_merge_plan,
    merge_rows,
    update_rows,
    write_merge_plan_csv,
)
from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.progress import Progress
from workbench.reports.xlsx_base import Column, WorkbookBuilder

WORKBOOK_NAME = "Duplicate Merge Plan.xlsx"


@dataclass
class MergePlanRequest:
    """Where to write the merge plan."""

    out: Path


@dataclass
class MergePlanResult:
    """What was written and how much it covers."""

    files: list[Path] = field(default_factory=list)
    account_clusters: int = 0
    accounts_to_merge: int = 0
    contact_clusters: int = 0
    contacts_to_merge: int = 0
    fields_carried: int = 0
    source: str = ""  # the CRM hygiene run the clusters come from


def export_merge_plan(
    eng: Engagement, request: MergePlanRequest, *, progress: Progress | None = None
) -> MergePlanResult:
    """Build the merge plan of the asserted duplicates and write its files."""
    out = Path(request.out)
    if out.exists() and not out.is_dir():
        raise WorkbenchError(f"{out} is a file; give a folder for the merge plan.")
    progress = progress or Progress.none()
    plan = build_merge_plan(eng, progress.span(0.0, 0.85))
    files = write_merge_plan_csv(plan, out)
    files.append(write_workbook(plan, out / WORKBOOK_NAME, eng.meta().customer))
    progress.update(1.0, "Merge plan written")
    return MergePlanResult(
        files=files,
        account_clusters=len(plan.accounts),
        accounts_to_merge=sum(len(g.merged_ids) for g in plan.accounts),
        contact_clusters=len(plan.contacts),
        contacts_to_merge=sum(len(g.merged_ids) for g in plan.contacts),
        fields_carried=sum(len(g.carry_over) for g in plan.accounts + plan.contacts),
        source=plan.source,
    )


def write_workbook(plan: MergePlan, path: Path, customer: str) -> Path:
    """The merge plan workbook: rules, merges, field updates and the clusters' records."""
    book = WorkbookBuilder(title="Duplicate merge plan", customer=customer)
    ws = book.sheet("How to use")
    book.add_table(
        ws,
        [Column("Order", "int", 8), Column("Rule that picks the surviving record", width=60)],
        [[k, rule] for k, rule in enumerate(RULES, start=1)],
        heading="Duplicate merge plan",
        note="Each cluster keeps one record (the master); the others merge into it. The "
        "first rule that tells the records apart picks the master.",
    )
    book.add_notes(ws, [line for line in [
        "1. Load the field updates (Data Loader, Update, matched on Id) so the master keeps "
        "values only the duplicates have.",
        "2. Merge each duplicate into its master (Salesforce merges a master and up to two "
        "records at a time).",
        "Only duplicates the model asserts are listed; pairs still to review are not.",
        f"The clusters are those of the CRM hygiene audit, {plan.source}."
        if plan.source else "",
    ] if line])  # fmt: skip
    merge_columns = [
        Column("Cluster", "int", 9), Column("Master record id", width=22),
        Column("Master name", width=34), Column("Duplicate record id", width=22),
        Column("Duplicate name", width=34), Column("Master chosen by", width=24),
        Column("Match probability", "float", 12),
    ]  # fmt: skip
    for label, groups in (("Account", plan.accounts), ("Contact", plan.contacts)):
        rows = [list(r.values()) for r in merge_rows(groups)]
        ws = book.sheet(f"{label} merges")
        book.add_table(ws, merge_columns, rows, heading=f"{label} records to merge")
        if not rows:
            book.add_notes(ws, [f"No duplicate {label.lower()} is asserted."])
        columns, updates = update_rows(groups)
        ws = book.sheet(f"{label} field updates")
        book.add_table(
            ws,
            [Column(c, width=22) for c in columns],
            [[u.get(c, "") for c in columns] for u in updates],
            heading=f"{label} fields to carry over onto the master",
            note="Blank cells: leave the master's value as it is.",
        )
    ws = book.sheet("Clusters")
    book.add_table(
        ws,
        [Column("Kind", width=10), Column("Cluster", "int", 9), Column("Record id", width=22),
         Column("Name", width=34), Column("Keep or merge", width=12),
         Column("Open opportunities", "int", 12), Column("Fields filled", "int", 10),
         Column("Latest activity", width=14), Column("Created", width=12)],
        [[kind, g.number, r.crm_id, r.name, "keep" if r.master else "merge",
          r.open_opportunities, r.filled_fields, r.last_activity, r.created]
         for kind, groups in (("Account", plan.accounts), ("Contact", plan.contacts))
         for g in groups for r in g.records],
        heading="Every record of every cluster",
    )  # fmt: skip
    return book.save(path)
