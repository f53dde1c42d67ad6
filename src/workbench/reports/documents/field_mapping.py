"""The CRM Field Mapping workbook."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.importers.operations import mapping_rows
from workbench.models.vocabulary import field_label, table_words
from workbench.reports import playbook
from workbench.reports.catalog import BuiltFile, DocumentSpec
from workbench.reports.context import ReportContext
from workbench.reports.documents.crm_fields import (
    core_field_rows,
    crm_name,
)
from workbench.reports.xlsx_base import Column, WorkbookBuilder

SPECS: list[DocumentSpec] = []


def build_field_mapping(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    crm = crm_name(ctx)
    rows = []
    mapped: dict[str, set[str]] = {}
    for m in mapping_rows(ctx.eng).rows:
        if m.source_file:
            mapped.setdefault(m.entity, set()).add(m.workbench_field)
        rows.append(
            [
                table_words(m.entity).capitalize(),
                m.crm_column,
                field_label(m.workbench_field),
                m.profile,
                m.source_file,
            ]
        )
    core = core_field_rows(ctx, mapped)
    custom = []
    for entity in ("opportunities", "accounts", "contacts"):
        keys: dict[str, int] = {}
        for (extra,) in ctx.eng.conn.execute(
            f"SELECT extra FROM {entity} WHERE extra IS NOT NULL AND extra != '{{}}'"
        ):
            try:
                for k, v in json.loads(extra).items():
                    if v not in (None, ""):
                        keys[k] = keys.get(k, 0) + 1
            except (json.JSONDecodeError, AttributeError):
                continue
        for k, n in sorted(keys.items()):
            custom.append(
                [
                    table_words(entity).capitalize(),
                    k,
                    n,
                    "Custom field sync" if k.endswith("__c") else "Review",
                ]
            )
    wb = WorkbookBuilder(title=spec.title, customer=ctx.customer)
    ws = wb.sheet("Import mappings")
    wb.add_table(
        ws,
        [
            Column("Entity", width=22),
            Column(f"{crm} column", width=34),
            Column("Field", width=24),
            Column("Profile", width=18),
            Column("Source file", width=40),
        ],
        rows,
        heading=f"{ctx.customer}: CRM field mapping ({crm})",
        note="How the customer's export columns map to the fields the platform needs.",
    )
    has_data = any(r[6] for r in core)
    if not rows:
        wb.add_notes(
            ws,
            [
                "No file import is recorded: the records were pulled live or created another way. "
                "The 'Core fields' sheet gives the CRM names of every field and how complete it is."
                if has_data
                else "Not yet available: no CRM export has been imported. Import the opportunities, "
                "accounts and contacts exports."
            ],
        )
    ws2 = wb.sheet("Core fields")
    wb.add_table(
        ws2,
        [
            Column("Object", width=20),
            Column("Field", width=22),
            Column("Meaning", width=50, wrap=True),
            Column("Required", width=10),
            Column("Salesforce API name", width=26),
            Column("HubSpot property", width=24),
            Column("Records with a value", "pct", 14),
            Column("Status", width=22),
        ],
        core,
        heading=f"Core fields the platform relies on ({crm})",
        note="Completeness is measured on the records in the engagement; shaded rows are required fields with gaps.",
        highlight=[r[3] == "Yes" and (r[6] is not None and r[6] < 0.95) for r in core],
    )
    ws3 = wb.sheet("Custom fields")
    wb.add_table(
        ws3,
        [
            Column("Entity", width=18),
            Column("Field", width=36),
            Column("Records with a value", "int", 20),
            Column("Recommendation", width=22),
        ],
        custom,
        heading="Custom fields found in the exports (e.g. MEDDIC fields)",
    )
    ws4 = wb.sheet("Platform write-back")
    wb.add_table(
        ws4,
        [
            Column("Platform field", width=26),
            Column(f"{crm} target", width=34),
            Column("Direction", width=18),
        ],
        [list(r) for r in playbook.PLATFORM_WRITEBACK],
        heading="Fields the platform writes back to the CRM",
    )
    path = wb.save(out / spec.filename("xlsx"))
    return [
        BuiltFile(
            spec.name,
            spec.title,
            path,
            "xlsx",
            "FINAL" if rows or has_data else "DRAFT",
            [] if rows or has_data else ["CRM data: import the CRM exports"],
        )
    ]


SPECS.append(
    DocumentSpec(
        "field-mapping",
        "CRM Field Mapping",
        "Export columns to platform fields, core field coverage, custom fields and write-back.",
        ("xlsx",),
        build_field_mapping,
        group="Technical",
    )
)
