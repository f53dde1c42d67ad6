"""The Integration Requirements Map workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workbench.models.vocabulary import (
    channel_words,
    profile_words,
    source_kind_words,
    table_words,
)
from workbench.reports import audit_sections, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec
from workbench.reports.context import ReportContext, pct
from workbench.reports.dates import long_date
from workbench.reports.documents.crm_fields import (
    crm_name,
    recorded_imports,
)
from workbench.reports.xlsx_base import Column, WorkbookBuilder

SPECS: list[DocumentSpec] = []


INTAKE_BY_CATEGORY = {
    "CRM": "crm",
    "Video conferencing": "video_platforms",
    "Dialer / phone": "dialer",
    "Calendar": "calendar",
    "E-mail": "email",
}
CONFIRMED_STATUSES = ("CONFIRMED", "CORRECTED", "RESOLVED")


def _apply_intake(ctx: ReportContext, rows: list[list[object]]) -> None:
    """Add what the customer answered on the intake form; confirmed answers confirm the row."""
    answers = sources.intake(ctx)
    for row in rows:
        key = INTAKE_BY_CATEGORY.get(str(row[1]))
        if key is None or key not in answers:
            continue
        value, status = answers[key]
        text = sources.intake_text(value)
        row[2] = f"{row[2]}; intake: {text} ({status})"
        if row[1] in ("Calendar", "E-mail"):
            row[0] = text
        if status in CONFIRMED_STATUSES:
            row[-1] = "CONFIRMED"


# What the CRM sends (meeting logs and call transcripts come from the video and dialer
# systems, listed on their own rows).
_NOT_CRM = ("meetings", "transcripts")
_CRM_COUNTED = ("opportunities", "accounts", "contacts", "activities")


def _crm_evidence(ctx: ReportContext, imports: list[dict]) -> str:
    """The CRM data received: its imports, else the CRM records the engagement holds."""
    crm = [i for i in imports if i["entity"] not in _NOT_CRM]
    if crm:
        parts = sorted({f"{table_words(i['entity'])} ({i['rows_imported']:,} rows)" for i in crm})
        return "Imports: " + ", ".join(parts)
    # the four CRM tables named, not every table of the file (as `Engagement.counts` does)
    counts = {
        t: ctx.eng.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _CRM_COUNTED
    }
    held = [f"{counts[t]:,} {table_words(t)}" for t in _CRM_COUNTED if counts[t]]
    return "Records in the engagement: " + ", ".join(held) if held else "No CRM data yet"


def build_integration_map(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    crm = crm_name(ctx)
    cap = audit_sections.audit_result(ctx, "capture")
    # how the logs spell each channel (the audit groups them in lower case), and which are calls
    spelt, calls = {}, set()
    for channel, kind in ctx.eng.conn.execute("SELECT DISTINCT channel, kind FROM meetings"):
        key = str(channel or "").strip().lower()
        spelt.setdefault(key, str(channel or "").strip())
        if kind == "call":
            calls.add(key)
    channels = [
        (g.key, channel_words(spelt.get(g.key, g.name or g.key)), g.total, g.recorded, g.rate)
        for g in cap.by_channel
    ]
    imports = recorded_imports(ctx)
    rows, flags = [], []
    evidence = _crm_evidence(ctx, imports)
    rows.append(
        [
            crm,
            "CRM",
            evidence,
            "REST API via OAuth (connected app)",
            "Dedicated integration user (service account), API enabled",
            "Read: opportunities, accounts, contacts, activities, history, users. Write: call summary, next steps, risk fields",
            "Bidirectional",
            "RevOps / CRM admin",
            "ASSUMED",
        ]
    )
    for key, channel, n, rec, rate in channels:
        is_call = key in calls
        rows.append(
            [
                channel or "unknown",
                "Dialer / phone" if is_call else "Video conferencing",
                f"{n:,} external {'calls' if is_call else 'meetings'} from "
                f"{long_date(cap.window.start)} to {long_date(cap.window.end)}; "
                f"{pct(rate, 1)} recorded ({rec:,})",
                "Vendor connector (marketplace app)" if not is_call else "Dialer integration / API",
                "OAuth admin consent" if not is_call else "API key or OAuth of the dialer admin",
                "Recordings, participants, calendar metadata",
                "Into platform",
                "IT / dialer admin",
                "ASSUMED",
            ]
        )
    for system, cat, method, auth, data, direction, owner in (
        (
            "Calendar (Google / Microsoft 365)",
            "Calendar",
            "Calendar API",
            "Admin-consented OAuth scope (read)",
            "Meeting invitations, attendees",
            "Into platform",
            "IT",
        ),
        (
            "E-mail (Google / Microsoft 365)",
            "E-mail",
            "Mail API",
            "Admin-consented OAuth scope (metadata)",
            "E-mail activity metadata",
            "Into platform",
            "IT / Security",
        ),
        (
            "SSO (Okta / Azure AD / Google)",
            "Identity",
            "SAML 2.0 / SCIM",
            "IdP admin",
            "Sign-in, user provisioning",
            "Into platform",
            "IT / Security",
        ),
    ):
        rows.append(
            [
                system,
                cat,
                "Standard for the platform",
                method,
                auth,
                data,
                direction,
                owner,
                "ASSUMED",
            ]
        )
    _apply_intake(ctx, rows)
    flags = [r[-1] == "ASSUMED" for r in rows]
    wb = WorkbookBuilder(title=spec.title, customer=ctx.customer)
    ws = wb.sheet("Integration map")
    wb.add_table(
        ws,
        [
            Column("System", width=30),
            Column("Category", width=18),
            Column("Evidence in the engagement", width=46, wrap=True),
            Column("Integration method", width=30, wrap=True),
            Column("Authentication / permissions", width=36, wrap=True),
            Column("Data", width=46, wrap=True),
            Column("Direction", width=14),
            Column("Customer owner", width=18),
            Column("Status", width=12),
        ],
        rows,
        heading=f"{ctx.customer}: integration requirements map",
        note="Status ASSUMED (shaded) until IT/RevOps confirm API access, authentication and scopes.",
        highlight=flags,
    )
    if not channels:
        wb.add_notes(
            ws,
            [
                "Not yet available: video and dialer systems. Import the meeting and dialer logs to list the channels in use."
            ],
        )
    ws2 = wb.sheet("Imports")
    wb.add_table(
        ws2,
        [
            Column("Import", "int", 8),
            Column("Entity", width=24),
            Column("Source", width=40),
            Column("Kind", width=14),
            Column("Columns read as", width=22),
            Column("Rows imported", "int", 14),
            Column("Rows rejected", "int", 14),
            Column("Finished (UTC)", "datetime", 20),
        ],
        [
            [
                i["id"],
                _capital(table_words(i["entity"])),
                i["source_name"],
                source_kind_words(i["source_kind"]),
                profile_words(i["profile"]),
                i["rows_imported"],
                i["rows_rejected"],
                _moment(i["finished_at"]),
            ]
            for i in imports
        ],
        heading="Data received so far",
    )
    path = wb.save(out / spec.filename("xlsx"))
    status = "DRAFT" if any(flags) else "FINAL"
    return [
        BuiltFile(
            spec.name,
            spec.title,
            path,
            "xlsx",
            status,
            [] if channels else ["Video and dialer systems: import the meeting logs"],
            assumed=any(flags),
        )
    ]


SPECS.append(
    DocumentSpec(
        "integration-map",
        "Integration Requirements Map",
        "API, authentication and data flow per system, with the evidence from the imports.",
        ("xlsx",),
        build_integration_map,
        group="Strategy",
    )
)


def _moment(value: str | None) -> dt.datetime | str | None:
    """A stored moment as a date-time cell (the text as it is when it is not one)."""
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None, microsecond=0)
    except ValueError:
        return value


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
