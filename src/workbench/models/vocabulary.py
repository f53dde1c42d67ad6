"""The customer's words for Workbench's internal names.

Columns (``opportunities.next_step``), tables, settings (``audits.stale_days_by_stage``),
channel and status codes (``zoom``, ``in-progress``), jurisdiction codes (``US-CA``),
recurrence rules (``FREQ=WEEKLY;BYDAY=MO``) and counted nouns ("3 days", never
"3 day(s)") are written here once, so that every document, the GUI and the audits'
finding texts say them the way a customer's VP of Sales Operations reads them.

``internal_identifiers`` finds what slipped through: the package tests run it over
every document's text. Plain Python, no Qt (the GUI uses it too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache

# ------------------------------------------------------------------ dates
# An ISO day or moment standing alone in a sentence ("go-live on 2027-01-11."), not part
# of a name or a number ("opps-2026-11-16.csv", "v2026-11-16b"). The layers below write
# ISO dates (the command line and CSV say them so); each face writes them its own way.
ISO_DATE = re.compile(
    r"(?<![\w./-])(\d{4}-\d{2}-\d{2})((?:T| )\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?"
    r"(?![\w/-]|\.\w)"
)


def long_day(day) -> str:
    """ "16 November 2026": the one way the documents (and the texts they carry, such as
    calendar reminders) write a day."""
    return f"{day.day} {day:%B %Y}"


def dates_in(text: str, day, moment) -> str:
    """``text`` with every ISO day written by ``day`` and every ISO moment by ``moment``
    (each takes the ISO text); ISO text inside a name or a number is left alone."""
    if not text or "-" not in text:
        return text

    def said(match: re.Match) -> str:
        iso = match.group(0)
        return moment(iso.replace("Z", "+00:00")) if match.group(2) else day(iso)

    return ISO_DATE.sub(said, text)


# ------------------------------------------------------------------ tables
TABLE_WORDS: dict[str, str] = {
    "opportunities": "opportunities",
    "accounts": "accounts",
    "contacts": "contacts",
    "users": "users",
    "activities": "activities",
    "meetings": "meetings and calls",
    "opportunity_history": "opportunity history",
    "opportunity_contact_roles": "opportunity contact roles",
    "forecast_submissions": "forecast submissions",
    "platform_usage": "platform usage",
    "pipeline_stages": "deal pipeline stages",
    "currency_rates": "currency conversion rates",
    "quotas": "quotas",
    "transcript_turns": "call transcripts",
    "transcripts": "call transcripts",
    "imports": "recorded imports",
    "findings": "findings",
}

# ------------------------------------------------------------------ columns
# Only where the plain rule of ``field_words`` (underscores to spaces, ``_crm_id`` to
# "ID", ``is_`` dropped) would not read well.
FIELD_WORDS: dict[str, str] = {
    "crm_id": "CRM record ID",
    "account_crm_id": "account",
    "owner_crm_id": "owner",
    "contact_crm_id": "contact",
    "opportunity_crm_id": "opportunity",
    "manager_crm_id": "manager",
    "host_crm_id": "host",
    "user_crm_id": "user",
    "changed_by_crm_id": "changed by",
    "meeting_crm_id": "meeting",
    "next_step": "next step",
    "close_date": "close date",
    "created_date": "created date",
    "created_at": "created on",
    "changed_at": "changed on",
    "started_at": "start time",
    "submitted_at": "submitted on",
    "last_activity_date": "last activity date",
    "activity_date": "activity date",
    "forecast_category": "forecast category",
    "record_type": "record type",
    "lead_source": "lead source",
    "annual_revenue": "annual revenue",
    "first_name": "first name",
    "last_name": "last name",
    "is_closed": "closed",
    "is_won": "won",
    "is_active": "active",
    "is_primary": "primary contact",
    "is_external": "external",
    "is_recorded": "recorded",
    "skip_reason": "reason not recorded",
    "host_email": "host e-mail",
    "user_email": "user e-mail",
    "participant_emails": "participant e-mails",
    "duration_min": "duration (minutes)",
    "time_zone": "time zone",
    "manager_override_amount": "manager override amount",
    "calls_reviewed": "calls reviewed",
    "dashboard_views": "dashboard views",
    "iso_code": "currency code",
    "start_date": "start date",
    "next_start_date": "next rate start date",
    "display_order": "order in the pipeline",
    "email": "e-mail",
    "extra": "custom fields",
}

# ------------------------------------------------------------------ settings
SETTING_WORDS: dict[str, str] = {
    "audits.stale_days_by_stage": "the stale-deal limit set for each stage",
    "stale_days_by_stage": "the stale-deal limit set for each stage",
    "completion_target": "the field-completion target",
    "audits.completion_target": "the field-completion target",
    "as_of_date": "the as-of date",
}

# CRM health score components (crm_hygiene ``HealthComponent.name``).
HEALTH_WORDS: dict[str, str] = {
    "duplicates": "duplicates",
    "completion": "field completion",
    "stages": "stage hygiene",
    "freshness": "activity freshness",
    "next_steps": "next steps",
    "multi_threading": "multi-threading",
    "integrity": "data integrity",
}

# ------------------------------------------------------------------ codes
CHANNEL_WORDS: dict[str, str] = {
    "phone": "Phone",
    "dialer": "Dialer",
    "zoom": "Zoom",
    "teams": "Microsoft Teams",
    "meet": "Google Meet",
    "google meet": "Google Meet",
    "webex": "Webex",
    "in-person": "In person",
    "other": "Other",
    "unknown": "Not recorded",
}

STATUS_WORDS: dict[str, str] = {
    "todo": "To do",
    "in-progress": "In progress",
    "done": "Done",
    "n-a": "Not applicable",
    "blocked": "Blocked",
    "ASSUMED": "Assumed",
    "CONFIRMED": "Confirmed",
    "CORRECTED": "Corrected",
    "open": "Open",
    "closed": "Closed",
}

_DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_EVERY = {2: "every other", 3: "every third", 4: "every fourth", 6: "every sixth"}
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}

_IRREGULAR = {"person": "people", "criterion": "criteria", "company": "companies"}


def field_words(name: str) -> str:
    """A column name in words, lower-case for use mid-sentence ("next_step" -> "next step")."""
    if "." in name:
        table, column = name.split(".", 1)
        return f"{field_words(column)} on {table_words(table)}"
    key = name.lstrip("_")
    if key in FIELD_WORDS:
        return FIELD_WORDS[key]
    if key.endswith("_crm_id"):
        key = key[: -len("_crm_id")] + " ID"
    if key.startswith("is_"):
        key = key[3:]
    if key.endswith("_s"):
        key = key[:-2] + " (seconds)"
    return key.replace("_", " ")


def field_label(name: str) -> str:
    """A column name as a label ("next_step" -> "Next step"; "crm_id" -> "CRM record ID")."""
    words = field_words(name)
    return words[:1].upper() + words[1:]


def table_words(name: str) -> str:
    return TABLE_WORDS.get(name, name.replace("_", " "))


def setting_words(key: str) -> str:
    return SETTING_WORDS.get(key, field_words(key.rsplit(".", 1)[-1]))


def health_words(name: str) -> str:
    return HEALTH_WORDS.get(name, field_words(name))


def channel_words(code: str | None) -> str:
    """A meeting channel as the customer names it ("teams" -> "Microsoft Teams")."""
    if not code:
        return "Not recorded"
    key = code.strip().lower()
    if key in CHANNEL_WORDS:
        return CHANNEL_WORDS[key]
    return code if code != key else code[:1].upper() + code[1:]


# How a file came in, and how its columns were read (``imports.source_kind``/``profile``).
SOURCE_KIND_WORDS = {"file": "File", "folder": "Folder of files", "pull": "Live pull"}
PROFILE_WORDS = {
    "salesforce-api": "Salesforce API names",
    "salesforce-report": "Salesforce report",
    "hubspot": "HubSpot export",
    "zoom": "Zoom recordings list",
    "generic": "Plain column names",
    "transcript": "Transcript files",
    "custom": "Columns mapped by hand",
}


def source_kind_words(code: str | None) -> str:
    return SOURCE_KIND_WORDS.get(code or "", code or "")


def profile_words(code: str | None) -> str:
    """An import's column profile in words; a saved mapping by its own name."""
    if not code:
        return ""
    return PROFILE_WORDS.get(code, f"Saved mapping \u201c{code}\u201d")


def status_words(code: str | None) -> str:
    if not code:
        return ""
    return STATUS_WORDS.get(code, STATUS_WORDS.get(code.lower(), code))


# ------------------------------------------------------------------ counts and lists
def plural(noun: str, n: int = 2) -> str:
    if n == 1:
        return noun
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def count(n: int | float, noun: str, noun_plural: str | None = None) -> str:
    """ "1 day", "56 days", "1,204 opportunities": the number with its noun agreed."""
    whole = int(n) if float(n).is_integer() else n
    word = noun if whole == 1 else (noun_plural or plural(noun))
    return f"{whole:,} {word}"


def join_words(items: Iterable[str], last: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# ------------------------------------------------------------------ jurisdictions
@cache
def _jurisdictions() -> dict[str, str]:
    from workbench.locations import read_resource_text

    try:
        data = json.loads(read_resource_text("templates", "content", "consent_jurisdictions.json"))
    except (OSError, ValueError):
        return {}
    return {j["code"].upper(): j["name"] for j in data.get("jurisdictions", [])}


_COUNTRY_NAMES = {"GB": "United Kingdom", "UK": "United Kingdom", "US": "United States"}


def jurisdiction_name(code: str) -> str:
    """ "US-CA" -> "California", "GB" -> "United Kingdom"; an unknown code stays as given."""
    key = code.strip().upper()
    names = _jurisdictions()
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    if key in names:
        return names[key]
    if len(key) == 2 and f"US-{key}" in names:
        return names[f"US-{key}"]
    return code.strip()


def jurisdiction_list(codes: Iterable[str]) -> str:
    return join_words([jurisdiction_name(c) for c in codes])


# ------------------------------------------------------------------ recurrence
def rrule_words(rule: str) -> str:
    """An iCalendar RRULE as a sentence ("FREQ=MONTHLY;BYDAY=1TU" -> "First Tuesday of
    every month"). A rule this function does not understand is described generically."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    unit = _UNITS.get(freq)
    if not unit:
        return "Recurring (see the calendar file)"
    interval = int(parts.get("INTERVAL", "1") or 1)
    every = (
        f"every {unit}" if interval == 1 else f"{_EVERY.get(interval, f'every {interval}')} {unit}"
    )
    if interval > 1 and interval not in _EVERY:
        every = f"every {interval} {unit}s"
    days = [d for d in parts.get("BYDAY", "").split(",") if d]
    if not days:
        text = every
    else:
        described = []
        nth = None
        for d in days:
            m = re.fullmatch(r"([+-]?\d+)?([A-Z]{2})", d)
            if not m:
                continue
            nth = int(m.group(1)) if m.group(1) else None
            described.append(_DAY_NAMES.get(m.group(2), m.group(2)))
        if unit == "week":
            text = (
                f"every {join_words(described)}"
                if interval == 1
                else f"{join_words(described)}, {every}"
            )
        elif nth is not None:
            text = f"{_ORDINALS.get(nth, f'{nth}th')} {join_words(described)} of {every}"
        else:
            text = f"{join_words(described)}, {every}"
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ free text
_SETTING_RX = re.compile(r"\b(?:audits|scoring|reports|coaching|lifecycle|evaluation)\.[a-z_]+\b")


def customer_text(text: str) -> str:
    """``text`` with the internal names it mentions replaced by their words.

    A safety net for texts stored before the vocabulary existed (audit findings
    recorded by an earlier version); new texts are written in words at the source.
    """
    if not text:
        return text
    text = _SETTING_RX.sub(lambda m: setting_words(m.group(0)), text)
    text = _DOTTED.sub(
        lambda m: field_words(m.group(0)) if m.group(1) in TABLE_WORDS else m.group(0), text
    )

    def word(m: re.Match) -> str:
        w = m.group(0)
        if w in HEALTH_WORDS:
            return HEALTH_WORDS[w]
        if w.lstrip("_") in FIELD_WORDS or w.endswith("_crm_id"):
            return field_words(w)
        if w in TABLE_WORDS:
            return TABLE_WORDS[w]
        return w

    text = _SNAKE.sub(word, text)
    text = _LEADING_CODE.sub(lambda m: channel_words(m.group(1)) + m.group(2), text)
    text = _ON_CODE.sub(lambda m: m.group(1) + channel_words(m.group(2)) + m.group(3), text)
    return text.replace("(s)", "s")


_CHANNEL_ALT = "|".join(re.escape(c) for c in CHANNEL_WORDS if c.islower() and " " not in c)
_LEADING_CODE = re.compile(rf"^({_CHANNEL_ALT})(:)")
_ON_CODE = re.compile(rf"(\bon )({_CHANNEL_ALT})( recorded)")

# ------------------------------------------------------------------ detection
_SNAKE = re.compile(r"(?<![\w/.@-])_?[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_DOTTED = re.compile(r"\b([a-z][a-z_]*)\.([a-z][a-z_]*)\b")
_OTHER = re.compile(
    r"\bNone\b|\bnan\b|\bNaN\b|\(s\)|\bFREQ=|\bRRULE\b|(?<!\()\bUS-[A-Z]{2}\b"
    # the consultant's tool: a command line or a page of its window
    r"|\bworkbench [a-z-]+ (?:FILE|--)|\b(?:Phases|Audits|Scoring|Data|Coaching) page\b"
)
_CODES = frozenset(CHANNEL_WORDS) | frozenset(k for k in STATUS_WORDS if k.islower())
_NAMESPACES = frozenset(TABLE_WORDS) | {
    "audits",
    "scoring",
    "reports",
    "coaching",
    "lifecycle",
    "evaluation",
    "importers",
    "settings",
}


def internal_identifiers(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The internal names in ``text`` a customer should never read.

    A snake_case word, a dotted ``table.column`` or ``audits.setting``, "None",
    "nan", a lazy "(s)" plural, a raw recurrence rule, a bare US state code, or a
    text that is nothing but a lower-case channel or status code. ``allowed`` lists
    words that are legitimately the customer's own (a HubSpot property name in the
    field mapping's HubSpot column).
    """
    allow = set(allowed)
    found: list[str] = []
    for m in _SNAKE.finditer(text):
        if m.group(0) not in allow:
            found.append(m.group(0))
    for m in _DOTTED.finditer(text):
        if (m.group(1) in _NAMESPACES or "_" in m.group(0)) and m.group(0) not in allow:
            found.append(m.group(0))
    found.extend(m.group(0) for m in _OTHER.finditer(text))
    stripped = text.strip()
    if stripped in _CODES and stripped not in allow:
        found.append(stripped)
    for rx in (_LEADING_CODE, _ON_CODE):
        for m in rx.finditer(stripped):
            found.append(m.group(0))
    return found
