"""Technical deliverables: integration map, field mapping, consent, scoring, trackers,
scorecards, dashboards and the platform configuration document."""

from __future__ import annotations

import calendar
import json
from pathlib import Path

from workbench.reports import playbook, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, register, save_doc
from workbench.reports.context import TYPE_LABEL, ReportContext, pct
from workbench.reports.documents import conversation
from workbench.reports.xlsx_base import Column, WorkbookBuilder

CORE_FIELDS: dict[str, list[tuple[str, str]]] = {
    "opportunities": [
        ("crm_id", "Opportunity Id"),
        ("name", "Name"),
        ("account_crm_id", "Account Id"),
        ("owner_crm_id", "Owner Id"),
        ("stage", "Stage"),
        ("amount", "Amount"),
        ("close_date", "Close date"),
        ("probability", "Probability"),
        ("forecast_category", "Forecast category"),
        ("next_step", "Next step"),
        ("is_closed", "Closed"),
        ("is_won", "Won"),
        ("created_date", "Created date"),
    ],
    "accounts": [
        ("crm_id", "Account Id"),
        ("name", "Name"),
        ("domain", "Domain / website"),
        ("industry", "Industry"),
        ("segment", "Segment"),
        ("owner_crm_id", "Owner Id"),
    ],
    "contacts": [
        ("crm_id", "Contact Id"),
        ("account_crm_id", "Account Id"),
        ("email", "E-mail"),
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("title", "Title"),
    ],
    "activities": [
        ("crm_id", "Activity Id"),
        ("kind", "Type"),
        ("opportunity_crm_id", "Opportunity Id"),
        ("activity_date", "Date"),
        ("owner_crm_id", "Owner Id"),
    ],
    "users": [
        ("crm_id", "User Id"),
        ("name", "Name"),
        ("email", "E-mail"),
        ("role", "Role"),
        ("manager_crm_id", "Manager Id"),
        ("team", "Team"),
    ],
    "opportunity_contact_roles": [
        ("opportunity_crm_id", "Opportunity Id"),
        ("contact_crm_id", "Contact Id"),
        ("role", "Role"),
        ("is_primary", "Primary"),
    ],
}


def _imports(ctx: ReportContext) -> list[dict]:
    rows = ctx.eng.conn.execute(
        "SELECT id, entity, source_name, source_kind, profile, mapping, rows_imported, rows_rejected, "
        "finished_at FROM imports ORDER BY id"
    ).fetchall()
    keys = (
        "id",
        "entity",
        "source_name",
        "source_kind",
        "profile",
        "mapping",
        "rows_imported",
        "rows_rejected",
        "finished_at",
    )
    return [dict(zip(keys, r, strict=True)) for r in rows]


def _mapping_pairs(text: str | None) -> list[tuple[str, str]]:
    """(source column, Workbench field) pairs from a stored mapping (dict or list form)."""
    try:
        data = json.loads(text or "{}")
    except json.JSONDecodeError:
        return []
    if isinstance(data, dict):
        inner = data.get("columns") or data.get("fields") or data
        if isinstance(inner, dict):
            return [(str(k), str(v)) for k, v in inner.items() if v not in (None, "")]
        data = inner
    pairs = []
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                src = item.get("source") or item.get("column") or item.get("header")
                dst = item.get("target") or item.get("field")
                if src and dst:
                    pairs.append((str(src), str(dst)))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((str(item[0]), str(item[1])))
    return pairs


def crm_name(ctx: ReportContext) -> str:
    """The customer's CRM: from the import profiles, else recognised from the record ids."""
    profiles = {i["profile"].lower() for i in _imports(ctx)}
    if any("hubspot" in p for p in profiles):
        return "HubSpot"
    if any("salesforce" in p for p in profiles):
        return "Salesforce"
    row = ctx.eng.conn.execute("SELECT crm_id FROM opportunities LIMIT 1").fetchone()
    if row and isinstance(row[0], str):
        crm_id = row[0]
        if len(crm_id) in (15, 18) and crm_id.startswith("006"):
            return "Salesforce"
        if crm_id.isdigit():
            return "HubSpot"
    return "CRM (not yet identified)"


def _field_presence(
    ctx: ReportContext, table: str, columns: list[str]
) -> tuple[int, dict[str, int]]:
    """Rows in ``table`` and, per column, how many have a value (one scan)."""
    have = {r[1] for r in ctx.eng.conn.execute(f"PRAGMA table_info({table})")}
    cols = [c for c in columns if c in have]
    if not cols:
        return 0, {}
    parts = ", ".join(f"count(nullif(trim(CAST({c} AS TEXT)), ''))" for c in cols)
    row = ctx.eng.conn.execute(f"SELECT count(*), {parts} FROM {table}").fetchone()
    return int(row[0]), dict(zip(cols, (int(v) for v in row[1:]), strict=True))


def core_field_rows(ctx: ReportContext, mapped: dict[str, set[str]]) -> list[list[object]]:
    """Every field Workbench and the platform use, with its CRM names and how complete it is."""
    entities = sources.optional_attr("workbench.importers", "ENTITIES")
    rows: list[list[object]] = []
    if entities:
        for name, spec in entities.items():
            total, present = _field_presence(ctx, spec.table, [f.name for f in spec.fields])
            for f in spec.fields:
                n = present.get(f.name)
                if f.name in mapped.get(name, set()):
                    status = "Mapped in an import"
                elif not total:
                    status = "Not imported yet"
                elif n:
                    status = "Present in the data"
                else:
                    status = "Missing: no values"
                rows.append(
                    [
                        spec.label,
                        f.name,
                        f.description,
                        "Yes" if f.required else "",
                        f.api[0] if f.api else "",
                        f.hubspot[0] if f.hubspot else "",
                        (n / total) if total and n is not None else None,
                        status,
                    ]
                )
        return rows
    for entity, fields in CORE_FIELDS.items():
        for column, label in fields:
            rows.append(
                [
                    entity,
                    column,
                    label,
                    "",
                    "",
                    "",
                    None,
                    "Mapped in an import" if column in mapped.get(entity, set()) else "",
                ]
            )
    return rows


# ------------------------------------------------------------ integration map
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


def build_integration_map(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    crm = crm_name(ctx)
    channels = ctx.eng.conn.execute(
        "SELECT channel, kind, count(*), sum(coalesce(is_recorded, 0)), min(started_at), max(started_at) "
        "FROM meetings GROUP BY channel, kind ORDER BY 3 DESC"
    ).fetchall()
    imports = _imports(ctx)
    rows, flags = [], []
    evidence = (
        ", ".join(sorted({f"{i['entity']} ({i['rows_imported']:,} rows)" for i in imports}))
        or "none yet"
    )
    rows.append(
        [
            crm,
            "CRM",
            f"Imports: {evidence}",
            "REST API via OAuth (connected app)",
            "Dedicated integration user (service account), API enabled",
            "Read: opportunities, accounts, contacts, activities, history, users. Write: call summary, next steps, risk fields",
            "Bidirectional",
            "RevOps / CRM admin",
            "ASSUMED",
        ]
    )
    for channel, kind, n, rec, first, last in channels:
        is_call = kind == "call"
        rows.append(
            [
                channel or "unknown",
                "Dialer / phone" if is_call else "Video conferencing",
                f"{n:,} {'calls' if is_call else 'meetings'} {str(first)[:10]} to {str(last)[:10]}; "
                f"{pct((rec or 0) / n if n else None)} recorded",
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
            Column("Kind", width=10),
            Column("Profile", width=14),
            Column("Rows imported", "int", 14),
            Column("Rows rejected", "int", 14),
            Column("Finished", width=20),
        ],
        [
            [
                i["id"],
                i["entity"],
                i["source_name"],
                i["source_kind"],
                i["profile"],
                i["rows_imported"],
                i["rows_rejected"],
                i["finished_at"],
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
        )
    ]


# ------------------------------------------------------------- field mapping
def build_field_mapping(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    crm = crm_name(ctx)
    rows = []
    mapped: dict[str, set[str]] = {}
    for imp in _imports(ctx):
        for src, dst in _mapping_pairs(imp["mapping"]):
            mapped.setdefault(imp["entity"], set()).add(dst)
            rows.append([imp["entity"], src, dst, imp["profile"], imp["source_name"]])
    for name, entity, text in ctx.eng.conn.execute("SELECT name, entity, mapping FROM mappings"):
        for src, dst in _mapping_pairs(text):
            if dst not in mapped.get(entity, set()):
                rows.append([entity, src, dst, f"saved profile {name}", ""])
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
            custom.append([entity, k, n, "Custom field sync" if k.endswith("__c") else "Review"])
    wb = WorkbookBuilder(title=spec.title, customer=ctx.customer)
    ws = wb.sheet("Import mappings")
    wb.add_table(
        ws,
        [
            Column("Entity", width=22),
            Column(f"{crm} column", width=34),
            Column("Workbench field", width=24),
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
                "accounts and contacts exports (workbench import)."
            ],
        )
    ws2 = wb.sheet("Core fields")
    wb.add_table(
        ws2,
        [
            Column("Object", width=20),
            Column("Workbench field", width=22),
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


# ------------------------------------------------------------- consent plan
def build_consent_plan(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Jurisdictions, consent rules and announcement settings")
    plan = sources.consent_plan(ctx)
    doc.heading("Scope", 1)
    doc.para(
        f"{ctx.customer} operates in {len(plan)} jurisdiction(s) recorded in the engagement. "
        "Recording rules differ: some require only one participant's consent, others every "
        "participant's; GDPR-based regimes require notice and a lawful basis."
    )
    doc.note(
        "This plan summarises public guidance to prepare the customer's legal review. It is "
        "not legal advice; the customer's counsel approves the final approach. "
        + sources.consent_sources(),
        label="Important",
    )
    doc.heading("Consent rule by jurisdiction", 1)
    if plan:
        doc.table(
            ["Jurisdiction", "Code", "Rule", "Notes"],
            [[j["name"], j["code"], j["rule"], j["note"]] for j in plan],
            widths=[1.3, 0.7, 1.4, 3.1],
            bold_first_column=True,
            caption="Operating jurisdictions (strictest first)",
        )
    else:
        doc.missing(
            "Operating jurisdictions",
            "Record them on the engagement (e.g. workbench new --jurisdiction US-CA) to build the table.",
        )
    strict = [j for j in plan if j["consent"] != "one-party"]
    doc.heading("Recommended configuration", 1)
    doc.para(
        "Because "
        + (
            f"{len(strict)} of the jurisdictions require more than one-party consent or notice, "
            if strict
            else "no listed jurisdiction requires more than one-party consent, "
        )
        + "the configuration below applies the strictest rule to every external conversation "
        "(a participant may join from anywhere)."
    )
    doc.table(
        ["Setting", "Value"],
        [
            ["Bot / notetaker announcement", "On for every external meeting"],
            [
                "Announcement text",
                f'"This meeting is recorded by {ctx.customer} for note-taking and coaching. Tell us if you prefer not to be recorded."',
            ],
            ["Bot join timing", "30-60 seconds after the scheduled start (never before the host)"],
            ["Bot display name", f"{ctx.customer} Notetaker"],
            ["Calendar invitation notice", "Recording notice appended to external invitations"],
            [
                "Dialer calls",
                "Recorded announcement at call start; rep confirms consent when asked",
            ],
            ["Internal meetings", "Not recorded"],
            ["Opt-out", "Participant can ask to stop; rep stops and deletes the recording"],
            [
                "EU/UK participants",
                "Privacy notice link in invitations; lawful basis recorded; retention limited",
            ],
            ["Retention", "Set with Legal (e.g. 12-24 months), then automatic deletion"],
        ],
        widths=[2.2, 4.3],
        bold_first_column=True,
        caption="Announcement and consent settings",
    )
    reasons = ctx.eng.conn.execute(
        "SELECT coalesce(nullif(skip_reason, ''), CASE WHEN is_recorded = 1 THEN 'recorded' ELSE 'not recorded, no reason given' END), count(*) "
        "FROM meetings WHERE coalesce(is_external, 1) = 1 GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    doc.heading("What the logs show today", 1)
    if reasons:
        total = sum(n for _, n in reasons)
        doc.table(
            ["Outcome", "External meetings and calls", "Share"],
            [[r, f"{n:,}", pct(n / total, 1)] for r, n in reasons],
            widths=[3.3, 1.8, 1.4],
            numeric=[1, 2],
            caption="Recording outcome of external conversations",
        )
    else:
        doc.missing(
            "Recording outcomes",
            "Import the meeting and dialer logs to see which conversations are recorded and why others are skipped.",
        )
    doc.heading("Approval", 1)
    doc.table(
        ["Role", "Name", "Approved", "Date"],
        [
            ["Legal / compliance", "", "\u2610 Yes   \u2610 No", ""],
            ["IT / security", "", "\u2610 Yes   \u2610 No", ""],
        ],
        widths=[1.8, 2.0, 1.6, 1.1],
    )
    return [save_doc(doc, ctx, out, spec)]


# ------------------------------------------------------------- scoring rules
def build_scoring_rules(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Signals, weights, thresholds and calibration")
    result = sources.scoring(ctx)
    if isinstance(result, sources.Missing):
        doc.heading("Signals considered", 1)
        doc.para(
            "The deal risk score combines conversation signals and CRM activity patterns. "
            "These are the candidate signals; calibration on the customer's won/lost history "
            "decides which carry weight."
        )
        doc.table(
            ["Signal", "Source", "Definition"],
            [list(r) for r in playbook.RISK_SIGNALS],
            widths=[1.6, 1.3, 3.6],
        )
        doc.missing(result.what, result.how)
    else:
        for m in result.missing:
            doc.missing(m.what, m.how)
        _sections(doc, result.sections)
    return [save_doc(doc, ctx, out, spec)]


def _sections(doc, sections: list[sources.Section]) -> None:
    from workbench.reports.documents.strategy import _sections as render

    render(doc, sections)


# ------------------------------------------------------------- tracker design
def build_tracker_design(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Keyword trackers, AI topics and alert rules")
    doc.heading("Principles", 1)
    doc.bullets(
        [
            "Launch with 10-15 high-value trackers; more creates noise that users learn to ignore.",
            "Prefer AI topic detection to exact keywords where the platform offers it.",
            "Every tracker has an owner who receives its alerts and reviews its accuracy monthly.",
            "A tracker with more than 30% false positives in the monthly sample is tuned or archived.",
        ]
    )
    turns = ctx.count("transcript_turns")
    calls = ctx.eng.conn.execute(
        "SELECT count(DISTINCT meeting_crm_id) FROM transcript_turns"
    ).fetchone()[0]
    doc.heading("Tracker categories", 1)
    rows = []
    for category, examples, alert in playbook.TRACKERS:
        if category == "Competitors" and "competitors" in sources.intake(ctx):
            names = sources.intake_text(sources.intake(ctx)["competitors"][0])
            examples = f'{names}, "other vendors", "evaluating"'
        if category == "Methodology":
            examples = (
                ", ".join(playbook.METHODOLOGY_CRITERIA.get(ctx.meta.methodology.upper(), []))
                or examples
            )
            category = f"Methodology ({ctx.meta.methodology})"
        hits = "-"
        if turns:
            words = list(playbook.TRACKER_KEYWORDS.get(category.split(" (")[0], []))
            if category == "Competitors" and "competitors" in sources.intake(ctx):
                value = sources.intake(ctx)["competitors"][0]
                names = value if isinstance(value, list) else str(value).split(",")
                words += [str(n).strip().lower() for n in names if str(n).strip()]
            if words:
                clause = " OR ".join("lower(text) LIKE ?" for _ in words)
                n = ctx.eng.conn.execute(
                    f"SELECT count(DISTINCT meeting_crm_id) FROM transcript_turns WHERE {clause}",
                    [f"%{w}%" for w in words],
                ).fetchone()[0]
                hits = f"{n:,} of {calls:,} ({pct(n / calls if calls else None)})"
        rows.append([category, examples, alert, hits])
    doc.table(
        [
            "Category",
            "Example phrases / topics",
            "Alert to",
            "Calls with a hit (imported transcripts)",
        ],
        rows,
        widths=[1.4, 2.6, 1.0, 1.5],
        bold_first_column=True,
        caption="Launch trackers",
    )
    if not turns:
        doc.missing(
            "Hit rates on the customer's calls",
            "Import transcripts (workbench import FILE FOLDER) to test each tracker's phrases against real calls before launch.",
        )
    conversation.tracker_accuracy_section(ctx, doc)
    doc.heading("Alert rules", 1)
    doc.table(
        ["Trigger", "Notify", "Escalation"],
        [
            [
                "Competitor mention on an open deal",
                "Rep and manager (in-platform + e-mail)",
                "Manager if no action within 48 hours",
            ],
            ["Ghosting risk: no customer response 5+ days", "Rep", "Manager after 48 hours"],
            ["Champion departure", "Rep and manager", "Immediate"],
            ["Timeline change mentioned", "Rep", "Manager in the weekly digest"],
            ["Churn language on a customer call", "CS manager", "Immediate"],
        ],
        widths=[2.4, 2.2, 1.9],
    )
    return [save_doc(doc, ctx, out, spec)]


# -------------------------------------------------------- coaching scorecard
def build_scorecard(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, f"Call-quality rubric aligned to {ctx.meta.methodology}")
    doc.heading("Conversation metrics", 1)
    doc.table(
        ["Metric", "What it measures", "Benchmark"],
        [list(r) for r in playbook.SCORECARD_METRICS],
        widths=[1.6, 2.6, 2.3],
        bold_first_column=True,
        caption="Scorecard metrics",
    )
    doc.heading(f"Methodology criteria ({ctx.meta.methodology})", 1)
    criteria = playbook.METHODOLOGY_CRITERIA.get(ctx.meta.methodology.upper())
    if criteria:
        doc.table(
            ["Criterion", "Evidence on the call", "Score 1", "Score 3", "Score 5"],
            [
                [
                    c,
                    f"The rep established {c.lower()} with the buyer",
                    "Not covered",
                    "Partly",
                    "Clear and confirmed",
                ]
                for c in criteria
            ],
            widths=[1.4, 2.3, 0.9, 0.9, 1.0],
            bold_first_column=True,
        )
    else:
        doc.missing(
            "Custom methodology criteria",
            "Record the customer's own qualification criteria in the engagement to build this rubric.",
        )
    doc.heading("Benchmarks from this team's calls", 1)
    bench = None if conversation.team_benchmark_table(ctx, doc) else _talk_metrics(ctx)
    if bench:
        doc.para(
            "Measured from the imported transcripts (rep speaking time over total speaking time; questions are rep turns ending in a question mark)."
        )
        doc.table(
            ["Rep", "Calls", "Talk share", "Questions per call", "Longest monologue (s)"],
            bench[:25],
            widths=[1.9, 0.8, 1.1, 1.3, 1.4],
            numeric=[1, 2, 3, 4],
            caption="Talk metrics by rep",
        )
    elif bench is not None:
        doc.missing(
            "Team benchmarks",
            "Import call transcripts; benchmarks come from the top performers' first two weeks of recordings.",
        )
    doc.heading("How managers use it", 1)
    doc.bullets(
        [
            "Review 3-5 calls per rep per month against the rubric.",
            "Discuss one strength and one change per call in the 1:1.",
            "Refresh benchmarks quarterly from the latest top-performer data.",
        ]
    )
    return [save_doc(doc, ctx, out, spec)]


def _talk_metrics(ctx: ReportContext) -> list[list[str]]:
    rows = ctx.eng.conn.execute(
        """
        SELECT m.host_crm_id, t.meeting_crm_id,
               sum(CASE WHEN t.is_internal = 1 THEN t.end_s - t.start_s ELSE 0 END),
               sum(t.end_s - t.start_s),
               sum(CASE WHEN t.is_internal = 1 AND rtrim(t.text) LIKE '%?' THEN 1 ELSE 0 END),
               max(CASE WHEN t.is_internal = 1 THEN t.end_s - t.start_s ELSE 0 END)
        FROM transcript_turns t JOIN meetings m ON m.crm_id = t.meeting_crm_id
        WHERE t.start_s IS NOT NULL AND t.end_s IS NOT NULL
        GROUP BY m.host_crm_id, t.meeting_crm_id
        """
    ).fetchall()
    per: dict[str, list] = {}
    for host, _m, rep_s, total_s, questions, mono in rows:
        if not host or not total_s:
            continue
        acc = per.setdefault(host, [0, 0.0, 0, 0.0])
        acc[0] += 1
        acc[1] += (rep_s or 0) / total_s
        acc[2] += questions or 0
        acc[3] = max(acc[3], mono or 0)
    out = []
    for host, (n, share, q, mono) in sorted(per.items(), key=lambda kv: -kv[1][0]):
        out.append([ctx.rep(host), str(n), pct(share / n), f"{q / n:.1f}", f"{mono:,.0f}"])
    return out


# ------------------------------------------------------------- dashboard specs
def build_dashboards(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Rep, manager and executive views")
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
            ("Teams", ", ".join(teams) or "not yet imported (users export)"),
            ("Segments", ", ".join(segments) or "not yet imported (accounts export)"),
            (
                "Forecast categories in use",
                ", ".join(f"{c} ({n:,})" for c, n in cats) or "not yet imported",
            ),
            ("Fiscal year starts", calendar.month_name[ctx.meta.fiscal_year_start_month]),
            ("Currency", ctx.meta.currency),
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


# --------------------------------------------------------- platform configuration
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
            ("Operating jurisdictions", ", ".join(meta.jurisdictions) or "not set"),
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
    strict = [j["code"] for j in plan if j["consent"] != "one-party"]
    doc.table(
        ["Setting", "Value"],
        [
            ["External meetings", "Recorded automatically on every connected video platform"],
            ["Internal meetings", "Not recorded"],
            [
                "Announcement",
                "On for every external meeting"
                + (f" (required by {', '.join(strict)})" if strict else ""),
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


register(
    DocumentSpec(
        "integration-map",
        "Integration Requirements Map",
        "API, authentication and data flow per system, with the evidence from the imports.",
        ("xlsx",),
        build_integration_map,
        group="Strategy",
    )
)
register(
    DocumentSpec(
        "field-mapping",
        "CRM Field Mapping",
        "Export columns to platform fields, core field coverage, custom fields and write-back.",
        ("xlsx",),
        build_field_mapping,
        group="Technical",
    )
)
register(
    DocumentSpec(
        "consent-plan",
        "Recording Consent Compliance Plan",
        "Jurisdictions with one-party or all-party consent and the announcement settings.",
        ("docx",),
        build_consent_plan,
        group="Strategy",
    )
)
register(
    DocumentSpec(
        "scoring-rules",
        "Deal Scoring Rules",
        "Signals, weights, thresholds, calibration rationale and reliability diagram.",
        ("docx",),
        build_scoring_rules,
        group="Technical",
    )
)
register(
    DocumentSpec(
        "tracker-design",
        "Tracker Design",
        "Launch trackers, example phrases tested on the customer's calls, alert rules.",
        ("docx",),
        build_tracker_design,
        group="Technical",
    )
)
register(
    DocumentSpec(
        "coaching-scorecard",
        "Coaching Scorecard Reference",
        "Conversation metrics, methodology rubric and team benchmarks.",
        ("docx",),
        build_scorecard,
        group="Technical",
    )
)
register(
    DocumentSpec(
        "dashboard-specs",
        "Dashboard Specifications",
        "Rep, manager and executive views: metrics, filters, drill-downs, delivery.",
        ("docx",),
        build_dashboards,
        group="Technical",
    )
)
register(
    DocumentSpec(
        "platform-config",
        "Platform Configuration",
        "Settings reference: CRM sync, recording, roles, scoring, forecast workflow.",
        ("docx",),
        build_platform_config,
        group="Technical",
    )
)
