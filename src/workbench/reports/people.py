"""The people a document names: owners, approvers, escalation contacts.

A role ("Architect", "Customer admin", "VP Sales") becomes a person from what the
engagement knows: the consultant on the engagement record, the intake's executive
sponsor, the imported roster's roles and titles. Where nobody is known, the text says
who names the person and when, instead of leaving a blank or a bare role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.reports.context import ReportContext


@dataclass(frozen=True)
class Person:
    role: str  # what they do on the project, in words
    name: str  # a name, or who provides it and when
    known: bool


def _roster_match(ctx: ReportContext, *patterns: str) -> tuple[str, str] | None:
    """(crm id, title) of the first active user whose role or title matches, in order."""
    users = [u for u in ctx.users().values() if u.get("is_active") in (1, None)]
    for pattern in patterns:
        rx = re.compile(pattern, re.IGNORECASE)
        for u in sorted(users, key=lambda u: u["crm_id"]):
            if rx.search(u.get("role") or "") or rx.search(u.get("title") or ""):
                return u["crm_id"], (u.get("title") or u.get("role") or "").strip()
    return None


def _intake(ctx: ReportContext, key: str) -> str | None:
    try:
        from workbench.lifecycle import store

        item = store.intake_item(ctx.eng, key)
    except Exception:  # no lifecycle tables in a very old file: nothing known
        return None
    if item is None or not item.is_filled or not isinstance(item.value, str):
        return None
    return item.value.strip() or None


def people(ctx: ReportContext) -> dict[str, Person]:
    """The project's people by role key: sponsor, revops, admin, architect, sme."""
    if "people" in ctx.cache:
        return ctx.cache["people"]
    firm = ctx.meta.consultancy or "the consultancy"
    out: dict[str, Person] = {}
    sponsor = _intake(ctx, "executive_sponsor")
    vp = _roster_match(ctx, r"\bCRO\b|chief revenue", r"\bVP\b|vice president")
    if sponsor:
        out["sponsor"] = Person("Executive sponsor", sponsor, True)
    elif vp:
        out["sponsor"] = Person("Executive sponsor", f"{ctx.rep(vp[0])}, {vp[1]}", True)
    else:
        out["sponsor"] = Person(
            "Executive sponsor", "To be named by the customer at the kickoff meeting", False
        )
    revops = _roster_match(ctx, r"rev\s*ops|revenue operations", r"sales ?ops|sales operations")
    if revops:
        out["revops"] = Person("RevOps lead", f"{ctx.rep(revops[0])}, {revops[1]}", True)
    else:
        out["revops"] = Person(
            "RevOps lead", "To be named by the executive sponsor at the kickoff meeting", False
        )
    admin = _roster_match(ctx, r"\badmin", r"crm|salesforce|hubspot") or revops
    if admin:
        out["admin"] = Person("Platform administrator", f"{ctx.rep(admin[0])}, {admin[1]}", True)
    else:
        out["admin"] = Person(
            "Platform administrator",
            "To be named by the RevOps lead before user provisioning starts",
            False,
        )
    if ctx.meta.consultant:
        out["architect"] = Person("Architect", f"{ctx.meta.consultant}, {firm}", True)
    else:
        out["architect"] = Person("Architect", f"Named by {firm} at the kickoff meeting", False)
    out["sme"] = Person(
        "Subject-matter expert", f"Named by {firm} when the expertise is needed", False
    )
    ctx.cache["people"] = out
    return out


_ROLE_WORDS = (
    (re.compile(r"\bCustomer admin\b"), "admin"),
    (re.compile(r"\bArchitect\b"), "architect"),
    (re.compile(r"\bSME\b"), "sme"),
    (re.compile(r"\bRevOps lead\b"), "revops"),
)


def with_names(ctx: ReportContext, text: str) -> str:
    """``text`` (an owner or escalation cell such as "Customer admin, then Architect")
    with each role followed by the person who holds it."""
    team = people(ctx)
    out = text
    for rx, key in _ROLE_WORDS:
        person = team[key]
        if person.known:
            out = rx.sub(lambda m, p=person: f"{m.group(0)} ({p.name})", out, count=1)
    return out


def platform(ctx: ReportContext) -> str | None:
    """The selected platform (Gong, Clari...), or None while none is selected."""
    if "platform" not in ctx.cache:
        from workbench.lifecycle import selected_platform

        try:
            ctx.cache["platform"] = selected_platform(ctx.eng)[0]
        except Exception:  # an engagement without the evaluation tables: none selected
            ctx.cache["platform"] = None
    return ctx.cache["platform"]


PLATFORM_UNKNOWN = (
    "The platform is not selected yet: the evaluation's recommendation is confirmed at the "
    "selection meeting, and this document is reissued naming it"
)


def platform_words(ctx: ReportContext) -> str:
    """ "Gong", or "the selected platform" while none is selected."""
    return platform(ctx) or "the selected platform"


def owner_name(ctx: ReportContext, role: str) -> str:
    """A short owner cell: "Alex Morgan (Architect)" when the role's holder is known."""
    team = people(ctx)
    for rx, key in _ROLE_WORDS:
        if rx.fullmatch(role.strip()) and team[key].known:
            return f"{team[key].name.split(',')[0]} ({role.strip()})"
    return role
