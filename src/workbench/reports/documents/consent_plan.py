"""The Recording Consent Compliance Plan."""

from __future__ import annotations

from pathlib import Path

from workbench.models.vocabulary import count
from workbench.reports import audit_sections, sources
from workbench.reports.catalog import BuiltFile, DocumentSpec, save_doc
from workbench.reports.context import ReportContext, pct

SPECS: list[DocumentSpec] = []


def build_consent_plan(ctx: ReportContext, out: Path, spec: DocumentSpec) -> list[BuiltFile]:
    doc = ctx.document(spec.title, "Jurisdictions, consent rules and announcement settings")
    plan = sources.consent_plan(ctx)
    doc.heading("Scope", 1)
    doc.para(
        f"{ctx.customer} operates in {count(len(plan), 'jurisdiction')} recorded in the engagement. "
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
            ["Jurisdiction", "Rule", "Notes"],
            [[j["name"], j["rule"], j["note"]] for j in plan],
            widths=[1.5, 1.5, 3.5],
            bold_first_column=True,
            caption="Operating jurisdictions (strictest first)",
        )
    else:
        doc.missing(
            "Operating jurisdictions",
            "The customer's legal or RevOps lead names the states and countries the sales team "
            "calls into; the consultant records them on the engagement before the kickoff.",
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
    cap = audit_sections.audit_result(ctx, "capture")
    reasons = [("recorded", cap.recorded)] + [(r.reason, r.count) for r in cap.reasons]
    reasons = reasons if cap.total else []
    doc.heading("What the logs show today", 1)
    if reasons:
        total = cap.total
        doc.para(
            f"{cap.total:,} external meetings and calls {cap.window.label()} "
            f"(the capture audit's window). " + audit_sections.run_note(ctx, "capture")
        )
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


SPECS.append(
    DocumentSpec(
        "consent-plan",
        "Recording Consent Compliance Plan",
        "Jurisdictions with one-party or all-party consent and the announcement settings.",
        ("docx",),
        build_consent_plan,
        group="Strategy",
    )
)
