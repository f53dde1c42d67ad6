"""The Platform Configuration document."""

from __future__ import annotations

import calendar
from pathlib import Path

from workbench.models.vocabulary import join_words, jurisdiction_list
from workbench.reports import playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import TYPE_LABEL, ReportContext
from workbench.reports.documents.crm_fields import (
    crm_name,
)

SPECS: list[DocumentSpec] = []


def build_platform_config(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Settings reference for the administrator")
    meta = ctx.meta
    doc.heading("Engagement", 1)
    doc.key_values(
        [
            ("Customer", meta.customer),
            ("Project", ctx.kind_label),
            ("Engagement type", TYPE_LABEL.get(meta.engagement_type, meta.engagement_type)),
            ("Sales methodology", meta.methodology),
            ("CRM", crm_name(ctx)),
            ("Currency", meta.currency),
            ("Fiscal year starts", calendar.month_name[meta.fiscal_year_start_month]),
            (
                "Operating jurisdictions",
                jurisdiction_list(meta.jurisdictions)
                or "To be named by the customer's legal lead before the kickoff",
            ),
            ("Consultancy / architect", f"{meta.consultancy} / {meta.consultant}".strip(" /")),
        ]
    )
    doc.heading("Platform selection", 1)
    ev = sources.evaluation_recommendation(ctx)
    if isinstance(ev, sources.Missing):
        doc.missing(ev.what, ev.how)
    else:
        doc.para(ev)
    doc.heading("CRM sync", 1)
    doc.table(
        ["Setting", "Value"],
        [
            ["Connection", "OAuth, dedicated integration user (service account)"],
            ["Objects", "Opportunities, Accounts, Contacts, Activities, Contact roles, Users"],
            [
                "Custom fields",
                "Methodology fields (" + meta.methodology + "), custom stages, contact roles",
            ],
            ["Sync frequency", "Real time (recommended for scoring accuracy)"],
            ["Write-back", ", ".join(r[0] for r in playbook.PLATFORM_WRITEBACK)],
        ],
        widths=[2.0, 4.5],
        bold_first_column=True,
    )
    doc.para("Field-level mapping: see the CRM Field Mapping workbook.", style="Caption")
    doc.heading("Recording", 1)
    plan = sources.consent_plan(ctx)
    strict = [j["name"] for j in plan if j["consent"] != "one-party"]
    doc.table(
        ["Setting", "Value"],
        [
            ["External meetings", "Recorded automatically on every connected video platform"],
            ["Internal meetings", "Not recorded"],
            [
                "Announcement",
                "On for every external meeting"
                + (f" (required by {join_words(strict)})" if strict else ""),
            ],
            ["Bot join", "30-60 seconds after the scheduled start"],
            ["Dialer", "Recorded with a spoken announcement"],
        ],
        widths=[2.0, 4.5],
        bold_first_column=True,
    )
    doc.heading("Roles", 1)
    doc.table(
        ["Capability", *playbook.ROLES],
        [list(r) for r in playbook.PERMISSIONS],
        widths=[2.6, 1.0, 1.0, 1.0, 1.0],
    )
    doc.heading("Deal scoring", 1)
    sc = sources.scoring_summary(ctx)
    if isinstance(sc, sources.Missing):
        doc.missing(sc.what, sc.how)
    else:
        doc.para(sc)
    doc.heading("Forecast workflow", 1)
    doc.table(
        ["Setting", "Value"],
        [
            ["Categories", "Commit, Best Case, Pipeline, Omitted"],
            ["Submission", "Reps submit weekly; managers may override"],
            ["Snapshots", "Weekly, monthly and quarterly"],
            ["Reminders", "Automated reminder the day before the submission deadline"],
        ],
        widths=[2.0, 4.5],
        bold_first_column=True,
    )
    doc.para(
        "Dashboard views, trackers and alerts: see the Dashboard Specifications and Tracker Design documents.",
        style="Caption",
    )
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "platform-config",
        "Platform Configuration",
        "Settings reference: CRM sync, recording, roles, scoring, forecast workflow.",
        ("docx",),
        build_platform_config,
        group="Technical",
    )
)
