"""The customer's words for what the file stores under short codes.

Pages show these instead of table names and codes (``opportunity_history`` reads
"Stage history"); the codes stay in the file and in tooltips.
"""

from __future__ import annotations

from workbench.ui.asof import moment

ENTITY_WORDS = {
    "opportunities": "Opportunities",
    "accounts": "Accounts",
    "contacts": "Contacts",
    "opportunity_contact_roles": "Contact roles on deals",
    "opportunity_history": "Stage history",
    "activities": "Activities",
    "users": "Users",
    "meetings": "Meetings and calls",
    "forecast_submissions": "Forecast submissions",
    "platform_usage": "Platform usage",
    "transcript_turns": "Transcript lines",
    "transcripts": "Transcripts",
}


def entity_word(entity: str) -> str:
    """``opportunity_history`` -> "Stage history" (unknown codes made readable)."""
    return ENTITY_WORDS.get(entity, entity.replace("_", " ").capitalize())


def freshness_lines(
    counts: dict[str, int], freshness: list, as_of: str, *, demo: bool = False
) -> list[str]:
    """What the figures rest on: each entity holding records, how many, and its last import.

    ``freshness`` holds the latest import per entity (``lifecycle.status.Freshness``).
    Records that came in without an import say so instead of "nothing imported": the
    demo's were made by the demo (``demo``), an older file's have no import on record.
    """
    last = {f.entity: f for f in freshness}
    lines = []
    for entity, n in counts.items():
        if entity in ("imports", "findings") or not n:
            continue
        f = last.pop(entity, None)
        if f is None and entity == "transcript_turns":
            f = last.pop("transcripts", None)
        when = (
            _last_import(f)
            if f
            else ("demo data" if demo else "no import recorded")
        )
        lines.append(f"{entity_word(entity)}: {n:,} ({when})")
    for f in last.values():
        lines.append(f"{entity_word(f.entity)}: {_last_import(f)}")
    if not lines:
        return ["Nothing imported yet."]
    return [f"Data as of {as_of}."] + lines


def _last_import(f) -> str:
    text = f"last import {moment(f.last_import)} from {f.source}"
    return text + (f", {f.imports:,} imports in all" if f.imports > 1 else "")
