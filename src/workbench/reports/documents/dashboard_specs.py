"""The Dashboard Specifications."""

from __future__ import annotations

import calendar
from pathlib import Path

from workbench.models.fiscal import engagement_calendar
from workbench.reports import playbook
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext
from workbench.reports.people import PLATFORM_UNKNOWN, platform, platform_words

SPECS: list[DocumentSpec] = []


def build_dashboards(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, f"Rep, manager and executive views in {platform_words(ctx)}")
    if platform(ctx) is None:
        doc.hold(PLATFORM_UNKNOWN)
        doc.note(PLATFORM_UNKNOWN + ".", label="Platform")
    else:
        doc.para(
            f"Each view below is built in {platform(ctx)} from {ctx.customer}'s own teams, "
            "segments and forecast categories, listed first."
        )
    teams = [
        r[0]
        for r in ctx.eng.conn.execute(
            "SELECT DISTINCT team FROM users WHERE team IS NOT NULL AND team != '' ORDER BY 1"
        )
    ]
    segments = [
        r[0]
        for r in ctx.eng.conn.execute(
            "SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL AND segment != '' ORDER BY 1"
        )
    ]
    cats = ctx.eng.conn.execute(
        "SELECT forecast_category, count(*) FROM opportunities WHERE coalesce(is_closed,0)=0 "
        "AND forecast_category IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    doc.heading("Organisation the dashboards follow", 1)
    doc.key_values(
        [
            ("Teams", ", ".join(teams) or "Sent by the RevOps lead with the CRM user list"),
            (
                "Segments",
                ", ".join(segments) or "Sent by the RevOps lead with the CRM account list",
            ),
            (
                "Forecast categories in use",
                ", ".join(f"{c} ({n:,})" for c, n in cats) or "not yet imported",
            ),
            ("Fiscal year starts", calendar.month_name[ctx.meta.fiscal_year_start_month]),
            ("Fiscal calendar", engagement_calendar(ctx.eng).describe()),
            ("Currency", ctx.meta.currency),
            ("Quotas", _quota_state(ctx)),
        ]
    )
    for view, d in playbook.DASHBOARDS.items():
        doc.heading(f"{view} view", 1)
        doc.para(d["purpose"], bold_prefix=f"For {d['audience']}. ")
        doc.table(
            ["Element", "Specification"],
            [
                ["Metrics", "\n".join(d["metrics"])],
                ["Filters", ", ".join(d["filters"])],
                ["Drill-down path", d["drill"]],
                ["Delivery", d["delivery"]],
            ],
            widths=[1.5, 5.0],
            bold_first_column=True,
        )
    return [save_doc(doc, ctx, out, spec)]


SPECS.append(
    DocumentSpec(
        "dashboard-specs",
        "Dashboard Specifications",
        "Rep, manager and executive views: metrics, filters, drill-downs, delivery.",
        ("docx",),
        build_dashboards,
        group="Technical",
    )
)


def _quota_state(ctx: ReportContext) -> str:
    """Whether the quota and coverage metrics of the views have their data."""
    reps, rows = ctx.eng.conn.execute(
        "SELECT count(DISTINCT owner_crm_id), count(*) FROM quotas"
    ).fetchone()
    if not rows:
        return (
            "not yet imported: a quota sheet (Rep, Period, Quota) gives attainment and "
            "pipeline coverage (open pipeline in the period / remaining quota)"
        )
    return (
        f"{rows:,} quota rows for {reps:,} reps imported; attainment and pipeline coverage "
        "(open pipeline in the period / remaining quota) are in the baseline document"
    )
