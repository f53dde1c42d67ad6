"""What the intake pack asks the customer: the access checklist, the roster and the questions.

Built from the engagement's own data: the intake answers (and their status), the
users imported from the CRM, and which exports are still missing. The intake pack
document and its workbook show these; the workbook's answers come back through
``intake_roundtrip.import_intake``. Each question has a stable reference, so an
answer returned in the workbook finds its question again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.lifecycle import store
from workbench.models import Engagement

QUESTIONS_SETTING = "lifecycle.intake_questions"
CONFIRMED = ("CONFIRMED", "CORRECTED")

WHO_BY_SECTION = {
    "Tech stack": "IT and the CRM admin",
    "Team": "RevOps lead",
    "Recording and consent": "Legal and compliance",
    "Sales process": "Sales leadership",
    "Priorities and coaching": "VP Sales",
    "Platform": "VP Sales and procurement",
}

# The exports the audits and baselines need, by project kind: (table, what, period, who).
DATA_EXPORTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("opportunities", "opportunities (open and closed)", "the last four quarters", ("ri", "ci")),
    (
        "opportunity_history",
        "the opportunity stage and amount history",
        "the last four quarters",
        ("ri",),
    ),
    (
        "activities",
        "activities (calls, e-mails, meetings logged in the CRM)",
        "the last 90 days",
        ("ri", "ci"),
    ),
    ("users", "the users with their role, team and manager", "today", ("ri", "ci")),
    (
        "meetings",
        "the dialer and video meeting logs (with whether each was recorded)",
        "the last 90 days",
        ("ri", "ci"),
    ),
    ("forecast_submissions", "the weekly forecast submissions", "the last four quarters", ("ri",)),
    ("quotas", "the quota sheet (rep, period, quota)", "this fiscal year", ("ri",)),
    ("transcripts", "a sample of call transcripts or recordings", "the last 90 days", ("ci",)),
]


@dataclass
class AccessItem:
    system: str
    access: str
    why: str
    who: str
    status: str
    blocker: bool


@dataclass
class RosterTeam:
    team: str
    managers: list[str] = field(default_factory=list)
    reps: int = 0


@dataclass
class Roster:
    teams: list[RosterTeam]
    counts: dict[str, int]  # by role group, from the CRM users
    stated: dict[str, int]  # what the intake form says
    without_team: int = 0

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


@dataclass
class Question:
    key: str  # stable reference the workbook carries
    topic: str
    question: str
    who: str
    intake_key: str | None = None
    answer: str = ""
    answered_by: str = ""


def text(value: Any) -> str:
    """An intake value as the customer reads it."""
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _intake(eng: Engagement) -> dict[str, store.IntakeItem]:
    return {i.key: i for i in store.intake(eng)}


def _list(item: store.IntakeItem | None) -> list[str]:
    if item is None or not item.is_filled:
        return []
    value = item.value if isinstance(item.value, list) else [item.value]
    return [str(v) for v in value if str(v).strip().lower() not in ("none", "no", "")]


def access_checklist(eng: Engagement) -> list[AccessItem]:
    """Every admin access the build needs, with what the intake says about it."""
    items = _intake(eng)
    crm = items.get("crm")
    crm_name = text(crm.value) if crm and crm.is_filled else "CRM"
    crm_access = items.get("crm_admin_access")
    video_access = items.get("video_admin_access")

    def state(item: store.IntakeItem | None) -> str:
        if item is None or not item.is_filled:
            return "not requested"
        return f"{item.value} ({'confirmed' if item.status in CONFIRMED else 'to confirm'})"

    rows = [
        AccessItem(
            crm_name,
            "System administrator, plus a dedicated integration user with API access",
            "CRM sync, field mapping, writing scores and call summaries back",
            "CRM admin (RevOps)",
            state(crm_access),
            True,
        )
    ]
    videos = _list(items.get("video_platforms")) or ["Video conferencing platform"]
    for video in videos:
        rows.append(
            AccessItem(
                video,
                "Account administrator to approve the recording app (OAuth) for every user",
                "Recording and transcribing external meetings",
                "IT (collaboration tools)",
                state(video_access),
                True,
            )
        )
    dialers = _list(items.get("dialer")) or []
    for dialer in dialers:
        rows.append(
            AccessItem(
                dialer,
                "Administrator to create an API key and switch call recording on per user",
                "Capturing phone calls",
                "Sales Ops (dialer admin)",
                "not requested",
                True,
            )
        )
    if not dialers:
        rows.append(
            AccessItem(
                "Phone or dialer system",
                "Administrator of the dialer, if the team calls by phone",
                "Capturing phone calls",
                "Sales Ops",
                "not known: which dialer, if any?",
                False,
            )
        )
    rows.append(
        AccessItem(
            "Calendar",
            "Tenant-wide consent for calendar read access",
            "Finding the meetings to record and matching them to deals",
            "IT (identity and e-mail admin)",
            "not requested",
            False,
        )
    )
    rows.append(
        AccessItem(
            "Single sign-on",
            "Identity provider admin to add the platform as an application",
            "Users sign in with their company account; leavers lose access the same day",
            "IT security",
            "not requested",
            False,
        )
    )
    return rows


def role_group(role: str | None) -> str:
    """'Account Executive' -> reps, 'Sales Manager' -> managers, 'VP Sales' -> executives."""
    r = (role or "").lower()
    if any(w in r for w in ("admin", "ops", "operations", "analyst")):
        return "revops"
    if any(w in r for w in ("vp", "vice president", "chief", "cro", "director", "head of")):
        return "executives"
    if "manager" in r or "lead" in r:
        return "managers"
    return "reps"


def roster(eng: Engagement) -> Roster:
    """The sales organisation as imported from the CRM, beside what the intake states."""
    teams: dict[str, RosterTeam] = {}
    counts = {"reps": 0, "managers": 0, "executives": 0, "revops": 0}
    without = 0
    for name, role, team in eng.conn.execute(
        "SELECT name, role, team FROM users WHERE coalesce(is_active, 1) = 1 ORDER BY team, name"
    ):
        group = role_group(role)
        counts[group] += 1
        if group not in ("reps", "managers"):
            continue
        if not (team or "").strip():
            without += 1
            continue
        t = teams.setdefault(team, RosterTeam(team))
        if group == "managers":
            t.managers.append(name or "")
        else:
            t.reps += 1
    stated = store.intake_value(eng, "team_sizes") or {}
    return Roster(
        sorted(teams.values(), key=lambda t: t.team),
        counts,
        {str(k): int(v) for k, v in dict(stated).items()},
        without,
    )


def _imported(eng: Engagement, table: str) -> bool:
    if table == "transcripts":
        return bool(eng.conn.execute("SELECT count(*) FROM transcript_turns").fetchone()[0])
    return bool(eng.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def stored_answers(eng: Engagement) -> dict[str, dict]:
    """Answers the customer returned to questions that are not intake items."""
    return dict(eng.setting(QUESTIONS_SETTING, {}) or {})


def questions(eng: Engagement) -> list[Question]:
    """The open questions for the customer: unanswered or unconfirmed intake items,
    compliance, stakeholder availability and the data still to export."""
    items = store.intake(eng)
    kind = "ri" if eng.meta().project_kind == "revenue-intelligence" else "ci"
    found: list[Question] = []
    for item in items:
        if item.key == "consent_review":
            continue  # asked as a compliance question below
        if not item.is_filled:
            if not item.critical and item.key == "selected_platform":
                continue
            hint = f" (for example {item.hint})" if item.hint else ""
            found.append(
                Question(
                    f"intake:{item.key}",
                    item.section,
                    f"{item.label}: what is it today{hint}?",
                    WHO_BY_SECTION.get(item.section, "RevOps lead"),
                    item.key,
                )
            )
        elif item.critical and item.status not in CONFIRMED:
            found.append(
                Question(
                    f"intake:{item.key}",
                    item.section,
                    f"{item.label}: we have \u201c{text(item.value)}\u201d. Is that right?",
                    WHO_BY_SECTION.get(item.section, "RevOps lead"),
                    item.key,
                )
            )
    consent = next((i for i in items if i.key == "consent_review"), None)
    places = store.intake_value(eng, "jurisdictions") or eng.meta().jurisdictions
    if consent is None or consent.value != "approved" or consent.status not in CONFIRMED:
        where = f" for {', '.join(places)}" if places else ""
        state = text(consent.value) if consent and consent.is_filled else "not started"
        found.append(
            Question(
                "intake:consent_review",
                "Compliance",
                f"Has counsel approved the call recording consent approach{where} "
                f"(announcements, opt-out, retention)? Today: {state}.",
                "Legal and compliance",
                "consent_review",
            )
        )
    found.append(
        Question(
            "compliance:retention",
            "Compliance",
            "How long may recordings and transcripts be kept, and must any team or region "
            "be excluded from recording (works council, regulated clients)?",
            "Legal and compliance",
        )
    )
    sponsor = store.intake_value(eng, "executive_sponsor")
    found.append(
        Question(
            "people:availability",
            "Stakeholders",
            "Which dates in the next three weeks suit "
            + (f"{sponsor}, " if sponsor else "the executive sponsor, ")
            + "the RevOps lead and IT security for the kickoff and the two alignment meetings?",
            "Executive sponsor's assistant",
        )
    )
    for table, what, period, kinds in DATA_EXPORTS:
        if kind in kinds and not _imported(eng, table):
            found.append(
                Question(
                    f"data:{table}",
                    "Data access",
                    f"Can you export {what} for {period}, or give us read access to pull them?",
                    "RevOps lead and the CRM admin"
                    if table != "meetings"
                    else "Sales Ops (dialer and video admins)",
                )
            )
    answers = stored_answers(eng)
    for q in found:
        got = answers.get(q.key)
        if got:
            q.answer = str(got.get("answer", ""))
            q.answered_by = str(got.get("source", ""))
    return found
